// The Store's part for the live room: moderation, slide turns, chat, Q&A, polls, attendance.

package briefing

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/db"
	"zonefair/app/errs"
)

// Moderation returns what the hosts decided about userID in briefing id (the zero Moderation,
// whose By is 0, when nothing).
func (s *Store) Moderation(ctx context.Context, id, userID int64) (Moderation, error) {
	var m Moderation
	err := s.db.WithContext(ctx).Where("briefing_id = ? AND user_id = ?", id, userID).Limit(1).Find(&m).Error
	return m, err
}

// Moderations lists the hosts' decisions about attendees of briefing id.
func (s *Store) Moderations(ctx context.Context, id int64) ([]Moderation, error) {
	out := []Moderation{}
	err := s.db.WithContext(ctx).Where("briefing_id = ?", id).Find(&out).Error
	return out, err
}

// Removed reports whether userID was removed from briefing id's room.
func (s *Store) Removed(ctx context.Context, id, userID int64) (bool, error) {
	n, err := s.count(ctx, &Moderation{}, "briefing_id = ? AND user_id = ? AND removed = ?", id, userID, true)
	return n > 0, err
}

// SaveModeration writes m, inserting it unless existed.
func (s *Store) SaveModeration(ctx context.Context, m *Moderation, existed bool) error {
	if existed {
		return s.db.WithContext(ctx).Model(&Moderation{}).Where("briefing_id = ? AND user_id = ?", m.BriefingID, m.UserID).
			Updates(map[string]any{"muted": m.Muted, "removed": m.Removed, "by": m.By, "updated_at": m.UpdatedAt}).Error
	}
	return s.db.WithContext(ctx).Create(m).Error
}

// TurnPage puts briefing id's room on page and records the turn.
func (s *Store) TurnPage(ctx context.Context, t *SlideTurn) error {
	return s.Transaction(ctx, func(st *Store) error {
		if err := st.update(ctx, t.BriefingID, map[string]any{"page": t.Page}); err != nil {
			return err
		}
		return st.db.Create(t).Error
	})
}

// SlideTurns lists briefing id's page turns in order.
func (s *Store) SlideTurns(ctx context.Context, id int64) ([]SlideTurn, error) {
	out := []SlideTurn{}
	err := s.db.WithContext(ctx).Where("briefing_id = ?", id).Order("at, id").Find(&out).Error
	return out, err
}

// AddChat inserts m.
func (s *Store) AddChat(ctx context.Context, m *ChatMessage) error {
	return s.db.WithContext(ctx).Create(m).Error
}

// Chat lists the visible chat of briefing id, oldest first: the last limit messages.
func (s *Store) Chat(ctx context.Context, id int64, limit int) ([]ChatMessage, error) {
	out := []ChatMessage{}
	if err := s.db.WithContext(ctx).Where("briefing_id = ? AND hidden = ?", id, false).Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return out, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// ChatFromStart lists the visible chat of briefing id, oldest first: the first limit messages.
func (s *Store) ChatFromStart(ctx context.Context, id int64, limit int) ([]ChatMessage, error) {
	out := []ChatMessage{}
	err := s.db.WithContext(ctx).Where("briefing_id = ? AND hidden = ?", id, false).Order("id").Limit(limit).Find(&out).Error
	return out, err
}

// HideChat hides message msgID of briefing id (a 404 when there is none).
func (s *Store) HideChat(ctx context.Context, id, msgID int64) error {
	res := s.db.WithContext(ctx).Model(&ChatMessage{}).Where("id = ? AND briefing_id = ?", msgID, id).Update("hidden", true)
	if res.Error == nil && res.RowsAffected == 0 {
		return missing("message")
	}
	return res.Error
}

// AddQuestion inserts q.
func (s *Store) AddQuestion(ctx context.Context, q *Question) error {
	return s.db.WithContext(ctx).Create(q).Error
}

// Questions lists briefing id's Q&A, pinned first, then by votes; hidden questions only when
// withHidden.
func (s *Store) Questions(ctx context.Context, id int64, withHidden bool) ([]Question, error) {
	qs := []Question{}
	tx := s.db.WithContext(ctx).Where("briefing_id = ?", id)
	if !withHidden {
		tx = tx.Where("hidden = ?", false)
	}
	err := tx.Order("pinned DESC, votes DESC, id").Find(&qs).Error
	return qs, err
}

// QuestionsByID returns the questions among ids, by id.
func (s *Store) QuestionsByID(ctx context.Context, ids []int64) ([]Question, error) {
	var rows []Question
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Order("id").Find(&rows).Error
	return rows, err
}

// QuestionVotes returns the id, votes and hidden flag of the questions among ids.
func (s *Store) QuestionVotes(ctx context.Context, ids []int64) ([]Question, error) {
	var rows []Question
	err := s.db.WithContext(ctx).Select("id, votes, hidden").Where("id IN ?", ids).Find(&rows).Error
	return rows, err
}

// Question returns question qid of briefing id (a 404 when there is none, or when it is
// hidden and not withHidden).
func (s *Store) Question(ctx context.Context, id, qid int64, withHidden bool) (Question, error) {
	var q Question
	if withHidden {
		return q, s.first(ctx, &q, "question", "id = ? AND briefing_id = ?", qid, id)
	}
	return q, s.first(ctx, &q, "question", "id = ? AND briefing_id = ? AND hidden = ?", qid, id, false)
}

// Upvote records userID's vote on question qid of briefing id and returns its count; a second
// vote is a conflict.
func (s *Store) Upvote(ctx context.Context, id, qid, userID int64, now time.Time) (int, error) {
	g := s.db.WithContext(ctx)
	if err := g.Create(&questionVote{QuestionID: qid, UserID: userID, BriefingID: id, CreatedAt: now}).Error; err != nil {
		if db.IsUniqueViolation(err) {
			return 0, errs.New(errs.ErrConflict, "briefing.already_voted")
		}
		return 0, err
	}
	if err := g.Model(&Question{}).Where("id = ?", qid).Update("votes", gorm.Expr("votes + 1")).Error; err != nil {
		return 0, err
	}
	var q Question
	err := g.Select("votes").First(&q, qid).Error
	return q.Votes, err
}

// ModerateQuestion sets cols on question qid of briefing id.
func (s *Store) ModerateQuestion(ctx context.Context, id, qid int64, cols map[string]any) error {
	return s.db.WithContext(ctx).Model(&Question{}).Where("id = ? AND briefing_id = ?", qid, id).Updates(cols).Error
}

// MyQuestionVotes lists the questions of briefing id that userID voted up.
func (s *Store) MyQuestionVotes(ctx context.Context, id, userID int64) ([]int64, error) {
	out := []int64{}
	err := s.db.WithContext(ctx).Model(&questionVote{}).Where("briefing_id = ? AND user_id = ?", id, userID).Pluck("question_id", &out).Error
	return out, err
}

// MyPollVotes returns the option userID chose in each poll of briefing id they answered.
func (s *Store) MyPollVotes(ctx context.Context, id, userID int64) (map[int64]int, error) {
	var pv []pollVote
	if err := s.db.WithContext(ctx).Where("briefing_id = ? AND user_id = ?", id, userID).Find(&pv).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(pv))
	for _, v := range pv {
		out[v.PollID] = v.Option
	}
	return out, nil
}

// CreatePoll inserts p.
func (s *Store) CreatePoll(ctx context.Context, p *Poll) error {
	return s.db.WithContext(ctx).Create(p).Error
}

// Polls lists briefing id's polls, newest first, drafts only when withDrafts, with their
// tallies.
func (s *Store) Polls(ctx context.Context, id int64, withDrafts bool) ([]Poll, error) {
	ps := []Poll{}
	tx := s.db.WithContext(ctx).Where("briefing_id = ?", id)
	if !withDrafts {
		tx = tx.Where("status <> ?", PollDraft)
	}
	if err := tx.Order("id DESC").Find(&ps).Error; err != nil {
		return ps, err
	}
	return ps, s.Tally(ctx, ps)
}

// PollsByID returns the polls among ids, by id, with their tallies.
func (s *Store) PollsByID(ctx context.Context, ids []int64) ([]Poll, error) {
	var ps []Poll
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Order("id").Find(&ps).Error; err != nil {
		return ps, err
	}
	return ps, s.Tally(ctx, ps)
}

// Poll returns poll pollID of briefing id (a 404 when there is none, or when it is a draft and
// not withDraft), options decoded.
func (s *Store) Poll(ctx context.Context, id, pollID int64, withDraft bool) (Poll, error) {
	var p Poll
	var err error
	if withDraft {
		err = s.first(ctx, &p, "poll", "id = ? AND briefing_id = ?", pollID, id)
	} else {
		err = s.first(ctx, &p, "poll", "id = ? AND briefing_id = ? AND status <> ?", pollID, id, PollDraft)
	}
	p.fill()
	return p, err
}

// OpenPolls counts the open polls of briefing id.
func (s *Store) OpenPolls(ctx context.Context, id int64) (int64, error) {
	return s.count(ctx, &Poll{}, "briefing_id = ? AND status = ?", id, PollOpen)
}

// MovePoll moves poll pollID from status from to status to, stamping col with now; a poll no
// longer at from is a conflict. It returns the poll as it now is.
func (s *Store) MovePoll(ctx context.Context, pollID int64, from, to, col string, now time.Time) (Poll, error) {
	var p Poll
	res := s.db.WithContext(ctx).Model(&Poll{}).Where("id = ? AND status = ?", pollID, from).Updates(map[string]any{"status": to, col: now})
	if res.Error != nil {
		return p, res.Error
	}
	if res.RowsAffected == 0 {
		return p, errs.New(errs.ErrConflict, "briefing.poll_state")
	}
	return p, s.db.WithContext(ctx).First(&p, pollID).Error
}

// ClosePolls closes the open polls of briefing id at now.
func (s *Store) ClosePolls(ctx context.Context, id int64, now time.Time) error {
	return s.db.WithContext(ctx).Model(&Poll{}).Where("briefing_id = ? AND status = ?", id, PollOpen).
		Updates(map[string]any{"status": PollClosed, "closed_at": now}).Error
}

// VotePoll records userID's answer to poll pollID; a second answer is a conflict.
func (s *Store) VotePoll(ctx context.Context, v *pollVote) error {
	err := s.db.WithContext(ctx).Create(v).Error
	if db.IsUniqueViolation(err) {
		return errs.New(errs.ErrConflict, "briefing.already_voted")
	}
	return err
}

// Tally counts the votes of ps in one query.
func (s *Store) Tally(ctx context.Context, ps []Poll) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	at := map[int64]int{}
	for i := range ps {
		ps[i].fill()
		ids[i], at[ps[i].ID] = ps[i].ID, i
	}
	var rows []struct {
		PollID int64
		Option int
		N      int
	}
	err := s.db.WithContext(ctx).Model(&pollVote{}).Select("poll_id, option, COUNT(*) AS n").
		Where("poll_id IN ?", ids).Group("poll_id, option").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		p := &ps[at[r.PollID]]
		if r.Option >= 0 && r.Option < len(p.Counts) {
			p.Counts[r.Option] += r.N
			p.Total += r.N
		}
	}
	return nil
}

// AddAttendance adds rows to the attendance kept: seconds add up, the last seen time is the
// row's. Each instance adds its own seconds, so the sum is right however many take beats.
func (s *Store) AddAttendance(ctx context.Context, rows []attendance) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "briefing_id"}, {Name: "user_id"}},
		DoUpdates: clause.Assignments(map[string]any{
			"seconds":   gorm.Expr("briefing_attendance.seconds + excluded.seconds"),
			"last_seen": gorm.Expr("excluded.last_seen"),
		}),
	}).CreateInBatches(rows, 500).Error
}

// Attendance lists who attended briefing id and for how long.
func (s *Store) Attendance(ctx context.Context, id int64) ([]attendance, error) {
	var att []attendance
	err := s.db.WithContext(ctx).Where("briefing_id = ?", id).Find(&att).Error
	return att, err
}

// Activity is, per user, what they did in a briefing's room.
type Activity struct {
	Questions map[int64]int // questions asked
	Votes     map[int64]int // question and poll votes cast
}

// ActivityByUser counts, per user, the questions asked and votes cast in briefing id.
func (s *Store) ActivityByUser(ctx context.Context, id int64) (Activity, error) {
	a := Activity{Questions: map[int64]int{}, Votes: map[int64]int{}}
	for _, c := range []struct {
		table string
		into  map[int64]int
	}{{"briefing_questions", a.Questions}, {"briefing_question_votes", a.Votes}, {"briefing_poll_votes", a.Votes}} {
		var rows []struct {
			UserID int64
			N      int
		}
		if err := s.db.WithContext(ctx).Table(c.table).Select("user_id, COUNT(*) AS n").Where("briefing_id = ?", id).Group("user_id").Scan(&rows).Error; err != nil {
			return a, err
		}
		for _, r := range rows {
			c.into[r.UserID] += r.N
		}
	}
	return a, nil
}

// Totals counts the question votes, poll votes and chat messages of briefing id.
func (s *Store) Totals(ctx context.Context, id int64) (questionVotes, pollVotes, chat int64, err error) {
	if questionVotes, err = s.count(ctx, &questionVote{}, "briefing_id = ?", id); err != nil {
		return
	}
	if pollVotes, err = s.count(ctx, &pollVote{}, "briefing_id = ?", id); err != nil {
		return
	}
	chat, err = s.count(ctx, &ChatMessage{}, "briefing_id = ?", id)
	return
}
