package briefing

import (
	"context"
	"errors"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
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
func (s *Service) Room(ctx context.Context, id int64, p *actor.Actor) (Room, error) {
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
	if r.Questions, err = s.questions(ctx, id, a.host); err != nil {
		return r, err
	}
	if r.Polls, err = s.Store.Polls(ctx, id, a.host); err != nil {
		return r, err
	}
	if r.Chat, err = s.Store.Chat(ctx, id, chatBacklog); err != nil {
		return r, err
	}
	if p != nil {
		if r.MyVotes, err = s.Store.MyQuestionVotes(ctx, id, p.UserID); err != nil {
			return r, err
		}
		if r.MyPolls, err = s.Store.MyPollVotes(ctx, id, p.UserID); err != nil {
			return r, err
		}
	}
	r.Muting = []Moderation{}
	if a.host {
		if r.Muting, err = s.Store.Moderations(ctx, id); err != nil {
			return r, err
		}
	}
	return r, nil
}

// questions lists the Q&A: hosts see hidden questions, attendees see a stub in their place.
func (s *Service) questions(ctx context.Context, id int64, host bool) ([]Question, error) {
	return s.Store.Questions(ctx, id, host)
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
func (s *Service) TurnPage(ctx context.Context, id int64, p *actor.Actor, page int) (SlideEvent, error) {
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
	if err := s.Store.TurnPage(ctx, &SlideTurn{BriefingID: id, Page: page, UserID: p.UserID, At: ev.At}); err != nil {
		return ev, err
	}
	s.publish(ctx, id, "slide.page", ev)
	return ev, nil
}

// TextInput is a chat message or a question.
type TextInput struct {
	Body string `json:"body" validate:"required,min=1,max=1000,text"`
}

func (s *Service) author(ctx context.Context, p *actor.Actor) string {
	if p.Name != "" {
		return p.Name
	}
	u, _ := s.Users.ByID(ctx, p.UserID)
	return u.Name
}

// Chat posts a message to the room. Text is stored as typed and sent as JSON; pages render it
// as text.
func (s *Service) Chat(ctx context.Context, id int64, p *actor.Actor, in TextInput) (ChatMessage, error) {
	if _, err := s.participating(ctx, id, p, true); err != nil {
		return ChatMessage{}, err
	}
	if err := s.limit(ctx, "chat", id, p, ChatLimit); err != nil {
		return ChatMessage{}, err
	}
	m := ChatMessage{BriefingID: id, UserID: p.UserID, AuthorName: s.author(ctx, p), Body: in.Body, CreatedAt: s.now()}
	if err := s.Store.AddChat(ctx, &m); err != nil {
		return m, err
	}
	s.publish(ctx, id, "chat", m)
	return m, nil
}

// HideChat removes a message from the room.
func (s *Service) HideChat(ctx context.Context, id, msgID int64, p *actor.Actor) error {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return err
	}
	if err := s.writable(a); err != nil {
		return err
	}
	if err := s.Store.HideChat(ctx, id, msgID); err != nil {
		return err
	}
	s.publish(ctx, id, "chat.hidden", map[string]int64{"id": msgID})
	return nil
}

// Ask adds a question to the Q&A; it reaches the room with the next coalesced update.
func (s *Service) Ask(ctx context.Context, id int64, p *actor.Actor, in TextInput) (Question, error) {
	if _, err := s.participating(ctx, id, p, true); err != nil {
		return Question{}, err
	}
	if err := s.limit(ctx, "ask", id, p, AskLimit); err != nil {
		return Question{}, err
	}
	q := Question{BriefingID: id, UserID: p.UserID, AuthorName: s.author(ctx, p), Body: in.Body, CreatedAt: s.now()}
	if err := s.Store.AddQuestion(ctx, &q); err != nil {
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
func (s *Service) Upvote(ctx context.Context, id, qid int64, p *actor.Actor) (VoteResult, error) {
	if _, err := s.participating(ctx, id, p, false); err != nil {
		return VoteResult{}, err
	}
	var votes int
	err := s.Store.Transaction(ctx, func(st *Store) error {
		q, err := st.Question(ctx, id, qid, false)
		if err != nil {
			return err
		}
		if q.UserID == p.UserID {
			// Voting up one's own question would only push it up the list.
			return errs.New(errs.ErrForbidden, "briefing.own_question")
		}
		votes, err = st.Upvote(ctx, id, qid, p.UserID, s.now())
		return err
	})
	if err != nil {
		return VoteResult{}, err
	}
	s.init()
	s.dirty.vote(id, qid)
	return VoteResult{QuestionID: qid, Votes: votes}, nil
}

// ModerateInput answers, pins or hides a question; nil fields stay as they are.
type ModerateInput struct {
	Answer *string `json:"answer,omitempty" validate:"omitempty,max=5000,text"`
	Pinned *bool   `json:"pinned,omitempty"`
	Hidden *bool   `json:"hidden,omitempty"`
}

// Moderate applies a host's decision on a question.
func (s *Service) Moderate(ctx context.Context, id, qid int64, p *actor.Actor, in ModerateInput) (Question, error) {
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
	err = s.Store.Transaction(ctx, func(st *Store) error {
		if len(cols) > 0 {
			if err := st.ModerateQuestion(ctx, id, qid, cols); err != nil {
				return err
			}
		}
		var err error
		q, err = st.Question(ctx, id, qid, true)
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
func (s *Service) CreatePoll(ctx context.Context, id int64, p *actor.Actor, in PollInput) (Poll, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Poll{}, err
	}
	if err := s.writable(a); err != nil {
		return Poll{}, err
	}
	poll := Poll{BriefingID: id, QuestionZh: clean(in.QuestionZh), QuestionEn: clean(in.QuestionEn), RawOptions: marshal(in.Options), Status: PollDraft, CreatedAt: s.now()}
	if err := s.Store.CreatePoll(ctx, &poll); err != nil {
		return poll, err
	}
	poll.fill()
	return poll, nil
}

// OpenPoll opens a poll for voting; one poll is open at a time.
func (s *Service) OpenPoll(ctx context.Context, id, pollID int64, p *actor.Actor) (Poll, error) {
	return s.setPoll(ctx, id, pollID, p, PollDraft, PollOpen, "poll.opened")
}

// ClosePoll ends voting on a poll; the result stays visible.
func (s *Service) ClosePoll(ctx context.Context, id, pollID int64, p *actor.Actor) (Poll, error) {
	return s.setPoll(ctx, id, pollID, p, PollOpen, PollClosed, "poll.closed")
}

func (s *Service) setPoll(ctx context.Context, id, pollID int64, p *actor.Actor, from, to, kind string) (Poll, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Poll{}, err
	}
	if err := s.writable(a); err != nil {
		return Poll{}, err
	}
	var poll Poll
	err = s.Store.Transaction(ctx, func(st *Store) error {
		var err error
		if poll, err = st.Poll(ctx, id, pollID, true); err != nil {
			return err
		}
		if to == PollOpen {
			n, err := st.OpenPolls(ctx, id)
			if err != nil {
				return err
			}
			if n > 0 {
				return errs.New(errs.ErrConflict, "briefing.poll_open")
			}
		}
		col := map[string]string{PollOpen: "opened_at", PollClosed: "closed_at"}[to]
		poll, err = st.MovePoll(ctx, pollID, from, to, col, s.now())
		return err
	})
	if err != nil {
		return poll, err
	}
	ps := []Poll{poll}
	if err := s.Store.Tally(ctx, ps); err != nil {
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
func (s *Service) VotePoll(ctx context.Context, id, pollID int64, p *actor.Actor, option int) error {
	if _, err := s.participating(ctx, id, p, false); err != nil {
		return err
	}
	err := s.Store.Transaction(ctx, func(st *Store) error {
		poll, err := st.Poll(ctx, id, pollID, false)
		if err != nil {
			return err
		}
		if poll.Status != PollOpen {
			return errs.New(errs.ErrConflict, "briefing.poll_closed")
		}
		if option >= len(poll.Options) {
			return errs.Invalid("option", "field.invalid")
		}
		return st.VotePoll(ctx, &pollVote{PollID: pollID, UserID: p.UserID, BriefingID: id, Option: option, CreatedAt: s.now()})
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
func (s *Service) ModerateUser(ctx context.Context, id int64, p *actor.Actor, in ModerationInput) (Moderation, error) {
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
	err = s.Store.Transaction(ctx, func(st *Store) error {
		var err error
		if m, err = st.Moderation(ctx, id, in.UserID); err != nil {
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
		return st.SaveModeration(ctx, &m, existed)
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
