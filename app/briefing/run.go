package briefing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"zonefair/app/actor"
	"zonefair/app/briefing/ics"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/web"
)

var (
	errNotEnded      = errs.New(errs.ErrConflict, "briefing.not_ended")
	errRegisterFirst = errs.New(errs.ErrForbidden, "briefing.register_first")
)

// Run does the briefings' background work until ctx ends: coalesced room updates every
// FlushEvery, attendance writes every Heartbeat, reminders every minute. Start it once per
// process; every instance may run it.
func (s *Service) Run(ctx context.Context) {
	s.init()
	flush := time.NewTicker(s.FlushEvery)
	defer flush.Stop()
	beat := time.NewTicker(s.Heartbeat)
	defer beat.Stop()
	remind := time.NewTicker(time.Minute)
	defer remind.Stop()
	for {
		select {
		case <-ctx.Done():
			// What was counted so far still counts.
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = s.Flush(cctx)
			_ = s.FlushAttendance(cctx)
			cancel()
			return
		case <-flush.C:
			if err := s.Flush(ctx); err != nil && ctx.Err() == nil {
				s.Log.Warn("briefing updates not flushed", "err", err)
			}
		case <-beat.C:
			if err := s.FlushAttendance(ctx); err != nil && ctx.Err() == nil {
				s.Log.Warn("attendance not written", "err", err)
			}
		case <-remind.C:
			if _, err := s.Remind(ctx); err != nil && ctx.Err() == nil {
				s.Log.Warn("briefing reminders failed", "err", err)
			}
		}
	}
}

// Remind notifies the registrants of briefings starting within ReminderBefore, once per
// briefing: claiming the briefing with a conditional update keeps two instances from both
// sending. It returns how many reminders were sent.
func (s *Service) Remind(ctx context.Context) (int, error) {
	s.init()
	now := s.now()
	due, err := s.Store.DueReminders(ctx, now, now.Add(s.ReminderBefore))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, b := range due {
		var ids []int64
		err := s.Store.Transaction(ctx, func(st *Store) error {
			claimed, err := st.ClaimReminder(ctx, b.ID, now)
			if err != nil || !claimed {
				return err
			}
			if ids, err = st.Registrants(ctx, b.ID); err != nil {
				return err
			}
			if s.Notify == nil {
				return nil
			}
			for _, id := range ids {
				if _, err := s.Notify.Add(st.db, id, "briefing.reminder", reminder(b)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
		// The reminder is claimed and stored: mail whoever can be read now.
		users, err := s.Users.ByIDs(ctx, ids)
		if err != nil {
			return sent, err
		}
		for _, u := range users {
			if s.Notify != nil {
				s.Notify.Publish(ctx, u.ID, "briefing.reminder", reminder(b))
				s.Notify.Email(ctx, s.reminderMail(b, u.Email, u.Locale))
			}
			sent++
		}
	}
	return sent, nil
}

func reminder(b Briefing) map[string]any {
	return map[string]any{"briefingId": b.ID, "titleZh": b.TitleZh, "titleEn": b.TitleEn, "startsAt": b.StartsAt}
}

func (s *Service) link(id int64) string {
	return s.BaseURL + "/briefings/" + strconv.FormatInt(id, 10)
}

func (s *Service) reminderMail(b Briefing, to, locale string) notify.Mail {
	at := b.StartsAt.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04")
	if locale == string(web.LocaleEn) {
		return notify.Mail{To: to, Subject: "Starting soon: " + b.TitleEn,
			Text: fmt.Sprintf("The briefing \"%s\" starts at %s (Beijing time).\nJoin: %s\n", b.TitleEn, at, s.link(b.ID))}
	}
	return notify.Mail{To: to, Subject: "即将开始：" + b.TitleZh,
		Text: fmt.Sprintf("您报名的推介会“%s”将于北京时间 %s 开始。\n进入会场：%s\n", b.TitleZh, at, s.link(b.ID))}
}

// Calendar returns the briefing as an .ics file for the caller's calendar.
func (s *Service) Calendar(ctx context.Context, id int64, p *actor.Actor) ([]byte, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return nil, err
	}
	b := a.b
	return ics.Write(ics.Event{
		UID: "briefing-" + strconv.FormatInt(b.ID, 10) + "@zonefair", Summary: b.TitleZh + " / " + b.TitleEn,
		Description: b.AgendaZh + "\n\n" + b.AgendaEn, URL: s.link(b.ID), Location: s.link(b.ID),
		Start: b.StartsAt, End: b.EndsAt, Stamp: b.UpdatedAt, Reminder: 30 * time.Minute,
	}), nil
}

// missing is a 404 naming what was not found.
func missing(what string) *errs.Error { return errs.New(errs.ErrNotFound, "briefing.missing_"+what) }
