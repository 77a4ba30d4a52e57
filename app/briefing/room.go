package briefing

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/web"
)

// Room is everything a page needs on entering the room; live events then keep it current.
// Join the live channel first, then fetch this: events that overlap are idempotent updates.
type Room struct {
	Briefing  Briefing      `json:"briefing"`
	Channel   string        `json:"channel"`
	IsHost    bool          `json:"isHost"`
	CanAct    bool          `json:"canAct"` // may chat, ask and vote now
	Muted     bool          `json:"muted"`
	Questions []Question    `json:"questions"`  // pinned first, then by votes
	MyVotes   []int64       `json:"myVotes"`    // questions the caller upvoted
	Polls     []Poll        `json:"polls"`      // open and closed, newest first; drafts for hosts
	MyPolls   map[int64]int `json:"myPolls"`    // poll id → option the caller chose
	Chat      []ChatMessage `json:"chat"`       // the latest messages, oldest first
	Muting    []Moderation  `json:"moderation"` // hosts only
}

// chatBacklog is how many recent chat messages a late joiner receives.
const chatBacklog = 50

// Room returns the room's current state for the caller.
func (s *Service) Room(ctx context.Context, id int64, p *web.Principal) (Room, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return Room{}, err
	}
	if !a.enter() {
		if a.mod.Removed {
			return Room{}, errs.New(errs.ErrForbidden, "briefing.removed")
		}
		return Room{}, errs.New(errs.ErrForbidden, "briefing.register_first")
	}
	r := Room{Briefing: a.b, Channel: a.b.Channel, IsHost: a.host, Muted: a.mod.Muted, MyVotes: []int64{}, MyPolls: map[int64]int{},
		CanAct: p != nil && a.b.Phase != Ended}
	g := s.DB.WithContext(ctx)
	if r.Questions, err = s.questions(ctx, id, a.host); err != nil {
		return r, err
	}
	if r.Polls, err = s.polls(ctx, id, a.host); err != nil {
		return r, err
	}
	if err := g.Where("briefing_id = ? AND hidden = ?", id, false).Order("id DESC").Limit(chatBacklog).Find(&r.Chat).Error; err != nil {
		return r, err
	}
	for i, j := 0, len(r.Chat)-1; i < j; i, j = i+1, j-1 {
		r.Chat[i], r.Chat[j] = r.Chat[j], r.Chat[i]
	}
	if p != nil {
		if err := g.Model(&questionVote{}).Where("briefing_id = ? AND user_id = ?", id, p.UserID).Pluck("question_id", &r.MyVotes).Error; err != nil {
			return r, err
		}
		var pv []pollVote
		if err := g.Where("briefing_id = ? AND user_id = ?", id, p.UserID).Find(&pv).Error; err != nil {
			return r, err
		}
		for _, v := range pv {
			r.MyPolls[v.PollID] = v.Option
		}
	}
	r.Muting = []Moderation{}
	if a.host {
		if err := g.Where("briefing_id = ?", id).Find(&r.Muting).Error; err != nil {
			return r, err
		}
	}
	return r, nil
}

// questions lists the Q&A: hosts see hidden questions, attendees see a stub in their place.
func (s *Service) questions(ctx context.Context, id int64, host bool) ([]Question, error) {
	qs := []Question{}
	tx := s.DB.WithContext(ctx).Where("briefing_id = ?", id)
	if !host {
		tx = tx.Where("hidden = ?", false)
	}
	err := tx.Order("pinned DESC, votes DESC, id").Find(&qs).Error
	return qs, err
}

func (s *Service) polls(ctx context.Context, id int64, host bool) ([]Poll, error) {
	ps := []Poll{}
	tx := s.DB.WithContext(ctx).Where("briefing_id = ?", id)
	if !host {
		tx = tx.Where("status <> ?", PollDraft)
	}
	if err := tx.Order("id DESC").Find(&ps).Error; err != nil {
		return ps, err
	}
	return ps, s.tally(ctx, ps)
}

// tally counts the votes of ps in one query.
func (s *Service) tally(ctx context.Context, ps []Poll) error {
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
	err := s.DB.WithContext(ctx).Model(&pollVote{}).Select("poll_id, option, COUNT(*) AS n").
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

// PageInput turns the slides to a page.
type PageInput struct {
	Page int `json:"page" validate:"required,gte=1,lte=10000"`
}

// SlideEvent is the payload of "slide.page".
type SlideEvent struct {
	Page  int       `json:"page"`
	Pages int       `json:"pages"`
	At    time.Time `json:"at"`
}

// TurnPage moves every attendee's slides to a page and records the turn for the replay.
func (s *Service) TurnPage(ctx context.Context, id int64, p *web.Principal, page int) (SlideEvent, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return SlideEvent{}, err
	}
	if err := s.writable(a); err != nil {
		return SlideEvent{}, err
	}
	if a.b.SlidesPages == 0 {
		return SlideEvent{}, errs.New(errs.ErrConflict, "briefing.no_slides")
	}
	if page > a.b.SlidesPages {
		return SlideEvent{}, errs.Invalid("page", "field.page")
	}
	ev := SlideEvent{Page: page, Pages: a.b.SlidesPages, At: s.now()}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&Briefing{}).Where("id = ?", id).Update("page", page).Error; err != nil {
			return err
		}
		return tx.Create(&SlideTurn{BriefingID: id, Page: page, UserID: p.UserID, At: ev.At}).Error
	})
	if err != nil {
		return ev, err
	}
	s.publish(ctx, id, "slide.page", ev)
	return ev, nil
}

// TextInput is a chat message or a question.
type TextInput struct {
	Body string `json:"body" validate:"required,min=1,max=1000,text"`
}

func (s *Service) author(ctx context.Context, p *web.Principal) string {
	if p.Name != "" {
		return p.Name
	}
	u, _ := s.Users.ByID(ctx, p.UserID)
	return u.Name
}

// Chat posts a message to the room. Text is stored as typed and sent as JSON; pages render it
// as text.
func (s *Service) Chat(ctx context.Context, id int64, p *web.Principal, in TextInput) (ChatMessage, error) {
	if _, err := s.participating(ctx, id, p, true); err != nil {
		return ChatMessage{}, err
	}
	if err := s.limit(ctx, "chat", id, p, ChatLimit); err != nil {
		return ChatMessage{}, err
	}
	m := ChatMessage{BriefingID: id, UserID: p.UserID, AuthorName: s.author(ctx, p), Body: in.Body, CreatedAt: s.now()}
	if err := s.DB.WithContext(ctx).Create(&m).Error; err != nil {
		return m, err
	}
	s.publish(ctx, id, "chat", m)
	return m, nil
}

// HideChat removes a message from the room.
func (s *Service) HideChat(ctx context.Context, id, msgID int64, p *web.Principal) error {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return err
	}
	if err := s.writable(a); err != nil {
		return err
	}
	res := s.DB.WithContext(ctx).Model(&ChatMessage{}).Where("id = ? AND briefing_id = ?", msgID, id).Update("hidden", true)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return missing("message")
	}
	s.publish(ctx, id, "chat.hidden", map[string]int64{"id": msgID})
	return nil
}

// Ask adds a question to the Q&A; it reaches the room with the next coalesced update.
func (s *Service) Ask(ctx context.Context, id int64, p *web.Principal, in TextInput) (Question, error) {
	if _, err := s.participating(ctx, id, p, true); err != nil {
		return Question{}, err
	}
	if err := s.limit(ctx, "ask", id, p, AskLimit); err != nil {
		return Question{}, err
	}
	q := Question{BriefingID: id, UserID: p.UserID, AuthorName: s.author(ctx, p), Body: in.Body, CreatedAt: s.now()}
	if err := s.DB.WithContext(ctx).Create(&q).Error; err != nil {
		return q, err
	}
	s.init()
	s.dirty.question(id, q.ID)
	return q, nil
}

// VoteResult is the question's count after the caller's vote.
type VoteResult struct {
	QuestionID int64 `json:"questionId"`
	Votes      int   `json:"votes"`
}

// Upvote records the caller's one vote on someone else's question. The primary key (question,
// user) makes a second vote fail on every instance, however the two requests race.
func (s *Service) Upvote(ctx context.Context, id, qid int64, p *web.Principal) (VoteResult, error) {
	if _, err := s.participating(ctx, id, p, false); err != nil {
		return VoteResult{}, err
	}
	var q Question
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND briefing_id = ? AND hidden = ?", qid, id, false).First(&q).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return missing("question")
			}
			return err
		}
		if q.UserID == p.UserID {
			// Voting up one's own question would only push it up the list.
			return errs.New(errs.ErrForbidden, "briefing.own_question")
		}
		if err := tx.Create(&questionVote{QuestionID: qid, UserID: p.UserID, BriefingID: id, CreatedAt: s.now()}).Error; err != nil {
			if db.IsUniqueViolation(err) {
				return errs.New(errs.ErrConflict, "briefing.already_voted")
			}
			return err
		}
		if err := tx.Model(&Question{}).Where("id = ?", qid).Update("votes", gorm.Expr("votes + 1")).Error; err != nil {
			return err
		}
		return tx.Select("votes").First(&q, qid).Error
	})
	if err != nil {
		return VoteResult{}, err
	}
	s.init()
	s.dirty.vote(id, qid)
	return VoteResult{QuestionID: qid, Votes: q.Votes}, nil
}

// ModerateInput answers, pins or hides a question; nil fields stay as they are.
type ModerateInput struct {
	Answer *string `json:"answer,omitempty" validate:"omitempty,max=5000,text"`
	Pinned *bool   `json:"pinned,omitempty"`
	Hidden *bool   `json:"hidden,omitempty"`
}

// Moderate applies a host's decision on a question.
func (s *Service) Moderate(ctx context.Context, id, qid int64, p *web.Principal, in ModerateInput) (Question, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Question{}, err
	}
	if err := s.writable(a); err != nil {
		return Question{}, err
	}
	cols := map[string]any{}
	if in.Answer != nil {
		cols["answer"] = clean(*in.Answer)
		cols["answered_at"], cols["answered_by"] = s.now(), p.UserID
		if cols["answer"] == "" {
			cols["answered_at"], cols["answered_by"] = nil, nil
		}
	}
	if in.Pinned != nil {
		cols["pinned"] = *in.Pinned
	}
	if in.Hidden != nil {
		cols["hidden"] = *in.Hidden
	}
	var q Question
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if len(cols) > 0 {
			res := tx.Model(&Question{}).Where("id = ? AND briefing_id = ?", qid, id).Updates(cols)
			if res.Error != nil {
				return res.Error
			}
		}
		err := tx.Where("id = ? AND briefing_id = ?", qid, id).First(&q).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return missing("question")
		}
		return err
	})
	if err != nil {
		return q, err
	}
	s.init()
	s.dirty.question(id, qid)
	return q, nil
}

// PollInput is a new poll.
type PollInput struct {
	QuestionZh string       `json:"questionZh" validate:"required,max=300,text"`
	QuestionEn string       `json:"questionEn" validate:"required,max=300,text"`
	Options    []PollOption `json:"options" validate:"required,min=2,max=10,dive"`
}

// CreatePoll prepares a poll; hosts open it when the moment comes.
func (s *Service) CreatePoll(ctx context.Context, id int64, p *web.Principal, in PollInput) (Poll, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Poll{}, err
	}
	if err := s.writable(a); err != nil {
		return Poll{}, err
	}
	poll := Poll{BriefingID: id, QuestionZh: clean(in.QuestionZh), QuestionEn: clean(in.QuestionEn), RawOptions: marshal(in.Options), Status: PollDraft, CreatedAt: s.now()}
	if err := s.DB.WithContext(ctx).Create(&poll).Error; err != nil {
		return poll, err
	}
	poll.fill()
	return poll, nil
}

// OpenPoll opens a poll for voting; one poll is open at a time.
func (s *Service) OpenPoll(ctx context.Context, id, pollID int64, p *web.Principal) (Poll, error) {
	return s.setPoll(ctx, id, pollID, p, PollDraft, PollOpen, "poll.opened")
}

// ClosePoll ends voting on a poll; the result stays visible.
func (s *Service) ClosePoll(ctx context.Context, id, pollID int64, p *web.Principal) (Poll, error) {
	return s.setPoll(ctx, id, pollID, p, PollOpen, PollClosed, "poll.closed")
}

func (s *Service) setPoll(ctx context.Context, id, pollID int64, p *web.Principal, from, to, kind string) (Poll, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Poll{}, err
	}
	if err := s.writable(a); err != nil {
		return Poll{}, err
	}
	var poll Poll
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND briefing_id = ?", pollID, id).First(&poll).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return missing("poll")
			}
			return err
		}
		if to == PollOpen {
			var n int64
			if err := tx.Model(&Poll{}).Where("briefing_id = ? AND status = ?", id, PollOpen).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return errs.New(errs.ErrConflict, "briefing.poll_open")
			}
		}
		col := map[string]string{PollOpen: "opened_at", PollClosed: "closed_at"}[to]
		res := tx.Model(&Poll{}).Where("id = ? AND status = ?", pollID, from).Updates(map[string]any{"status": to, col: s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "briefing.poll_state")
		}
		return tx.First(&poll, pollID).Error
	})
	if err != nil {
		return poll, err
	}
	ps := []Poll{poll}
	if err := s.tally(ctx, ps); err != nil {
		return poll, err
	}
	s.publish(ctx, id, kind, ps[0])
	return ps[0], nil
}

// PollVoteInput is the option chosen, counted from 0.
type PollVoteInput struct {
	Option *int `json:"option" validate:"required,gte=0,lte=9"`
}

// VotePoll records the caller's one answer to an open poll; the primary key (poll, user)
// refuses a second one on every instance.
func (s *Service) VotePoll(ctx context.Context, id, pollID int64, p *web.Principal, option int) error {
	if _, err := s.participating(ctx, id, p, false); err != nil {
		return err
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var poll Poll
		if err := tx.Where("id = ? AND briefing_id = ? AND status <> ?", pollID, id, PollDraft).First(&poll).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return missing("poll")
			}
			return err
		}
		poll.fill()
		if poll.Status != PollOpen {
			return errs.New(errs.ErrConflict, "briefing.poll_closed")
		}
		if option >= len(poll.Options) {
			return errs.Invalid("option", "field.invalid")
		}
		err := tx.Create(&pollVote{PollID: pollID, UserID: p.UserID, BriefingID: id, Option: option, CreatedAt: s.now()}).Error
		if db.IsUniqueViolation(err) {
			return errs.New(errs.ErrConflict, "briefing.already_voted")
		}
		return err
	})
	if err != nil {
		return err
	}
	s.init()
	s.dirty.poll(id, pollID)
	return nil
}

// ModerationInput mutes or removes an attendee; nil fields stay as they are.
type ModerationInput struct {
	UserID  int64 `json:"userId" validate:"required,gte=1"`
	Muted   *bool `json:"muted,omitempty"`
	Removed *bool `json:"removed,omitempty"`
}

// ModerateUser mutes or removes an attendee. A removed attendee's connections leave the room
// on every instance and may not rejoin.
func (s *Service) ModerateUser(ctx context.Context, id int64, p *web.Principal, in ModerationInput) (Moderation, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Moderation{}, err
	}
	if err := s.writable(a); err != nil {
		return Moderation{}, err
	}
	if in.UserID == p.UserID {
		return Moderation{}, errs.Invalid("userId", "briefing.self")
	}
	m := Moderation{BriefingID: id, UserID: in.UserID}
	if _, err := s.Users.ByID(ctx, in.UserID); errors.Is(err, errs.ErrNotFound) {
		return Moderation{}, missing("user")
	} else if err != nil {
		return Moderation{}, err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("briefing_id = ? AND user_id = ?", id, in.UserID).Limit(1).Find(&m).Error; err != nil {
			return err
		}
		existed := m.By != 0
		if in.Muted != nil {
			m.Muted = *in.Muted
		}
		if in.Removed != nil {
			m.Removed = *in.Removed
		}
		m.BriefingID, m.UserID, m.By, m.UpdatedAt = id, in.UserID, p.UserID, s.now()
		if existed {
			return tx.Model(&Moderation{}).Where("briefing_id = ? AND user_id = ?", id, in.UserID).
				Updates(map[string]any{"muted": m.Muted, "removed": m.Removed, "by": m.By, "updated_at": m.UpdatedAt}).Error
		}
		return tx.Create(&m).Error
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, id, "mod.user", m)
	if m.Removed {
		// The live engine drops the user's connections from the channel on every instance.
		s.publish(ctx, id, "mod.kick", map[string]int64{"user": in.UserID})
	}
	return m, nil
}
