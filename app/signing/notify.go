package signing

import (
	"context"
	"fmt"
	"strconv"
)

type message int

const (
	msgSent message = iota
	msgYourTurn
	msgReminder
	msgDeclined
	msgVoided
	msgExpired
	msgCompleted
)

// texts are the notification subjects, Chinese then English; %s is the agreement's title.
var texts = map[message][2]string{
	msgSent:      {"协议已发出：%s", "Agreement sent: %s"},
	msgYourTurn:  {"请签署：%s", "Ready for your signature: %s"},
	msgReminder:  {"提醒：%s 仍待您签署", "Reminder: %s awaits your signature"},
	msgDeclined:  {"协议被拒签：%s", "Agreement declined: %s"},
	msgVoided:    {"协议已作废：%s", "Agreement voided: %s"},
	msgExpired:   {"协议已过期：%s", "Agreement expired: %s"},
	msgCompleted: {"协议已签署完成：%s", "Agreement completed: %s"},
}

type mail struct {
	to    int64
	msg   message
	title string
}

// outbox collects what a use case must announce once its transaction has committed.
type outbox struct {
	mails []mail
	hooks bool
}

func (o *outbox) mail(to int64, m message, title string) {
	for _, x := range o.mails {
		if x.to == to && x.msg == m {
			return
		}
	}
	o.mails = append(o.mails, mail{to: to, msg: m, title: title})
}

// flush sends the collected messages, publishes the status change and wakes the webhook
// deliverer. Failures are logged: the change itself is already committed.
func (s *Service) flush(ctx context.Context, id int64, status, event string, o outbox) {
	link := s.BaseURL + "/signing/" + strconv.FormatInt(id, 10)
	users := []int64{}
	for _, m := range o.mails {
		users = append(users, m.to)
		if s.Sender == nil {
			continue
		}
		t := texts[m.msg]
		subject := fmt.Sprintf(t[0], m.title) + " / " + fmt.Sprintf(t[1], m.title)
		body := subject + "\n\n" + link
		if n, ok := s.Sender.(Notifier); ok {
			data := map[string]any{"agreementId": id, "title": m.title, "status": status, "event": event, "subjectZh": fmt.Sprintf(t[0], m.title), "subjectEn": fmt.Sprintf(t[1], m.title)}
			if err := n.Notify(ctx, m.to, "signing."+event, data); err != nil {
				s.log().Warn("signing notification not stored", "agreement", id, "user", m.to, "err", err)
			}
		}
		if err := s.Sender.Send(ctx, m.to, subject, body); err != nil {
			s.log().Warn("signing notification not sent", "agreement", id, "user", m.to, "err", err)
		}
	}
	if s.Publisher != nil {
		data := map[string]any{"agreementId": id, "status": status, "event": event}
		if _, err := s.Publisher.Publish(ctx, "agreement:"+strconv.FormatInt(id, 10), "signing.status", data); err != nil {
			s.log().Warn("signing status not published", "agreement", id, "err", err)
		}
		for _, u := range users {
			_, _ = s.Publisher.Publish(ctx, "user:"+strconv.FormatInt(u, 10), "signing.status", data)
		}
	}
	if o.hooks {
		select {
		case s.kicker() <- struct{}{}:
		default:
		}
	}
}

// codeMessage is the message carrying a one-time code.
func codeMessage(title, code string) (string, string) {
	subject := "Zonefair 签署验证码 / signing code: " + code
	body := fmt.Sprintf("您正在签署《%s》，验证码 %s，%d 分钟内有效，仅可使用一次。请勿告诉他人。\n"+
		"You are signing \"%s\". Your code is %s; it is valid for %d minutes and works once. Never share it.",
		title, code, int(CodeTTL.Minutes()), title, code, int(CodeTTL.Minutes()))
	return subject, body
}
