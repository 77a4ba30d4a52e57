package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Message is what a notification says, in both languages, and the page it leads to (a path
// of the web interface).
type Message struct {
	TextZh string `json:"textZh"`
	TextEn string `json:"textEn"`
	Link   string `json:"link"`
}

// Generic is what a notification of an unknown kind says: only old rows of a kind no longer
// sent should ever show it.
var Generic = Message{TextZh: "您有一条新通知。", TextEn: "You have a new notification."}

// ErrUnknownKind is returned by Add for a kind without a message: every kind a package sends
// must say what happened, to what, and link to it.
var ErrUnknownKind = errors.New("notify: kind has no message")

// kind renders one kind's data. mail says whether Deliver emails it: kinds whose package
// sends an email of its own (with calendar links, summaries, codes) leave it off.
type kind struct {
	render func(d notice) Message
	mail   bool
}

// notice is the union of the fields the kinds' data carry; each kind reads its own.
type notice struct {
	ID          int64      `json:"id"`
	MeetingID   int64      `json:"meetingId"`
	ProjectID   *int64     `json:"projectId"`
	BriefingID  int64      `json:"briefingId"`
	PolicyID    int64      `json:"policyId"`
	AgreementID int64      `json:"agreementId"`
	LeadID      int64      `json:"leadId"`
	Kind        string     `json:"kind"`
	Status      string     `json:"status"`
	Title       string     `json:"title"`
	TitleZh     string     `json:"titleZh"`
	TitleEn     string     `json:"titleEn"`
	JobTitle    string     `json:"jobTitle"`
	JobTitleEn  string     `json:"jobTitleEn"`
	EmployerZh  string     `json:"employerZh"`
	EmployerEn  string     `json:"employerEn"`
	Note        string     `json:"note"`
	Investor    string     `json:"investor"`
	ZoneNameZh  string     `json:"zoneNameZh"`
	ZoneNameEn  string     `json:"zoneNameEn"`
	SubjectZh   string     `json:"subjectZh"`
	SubjectEn   string     `json:"subjectEn"`
	StartsAt    *time.Time `json:"startsAt"`
	TimeZone    string     `json:"timeZone"`
	// ApplicationID, Sender and ForEmployer are of application.message: ForEmployer links to
	// the employer's view of the application.
	ApplicationID int64  `json:"applicationId"`
	Sender        string `json:"sender"`
	ForEmployer   bool   `json:"forEmployer"`
}

// kinds maps every notification kind to its message.
var kinds = map[string]kind{
	"application.updated": {render: applicationUpdated},
	"application.message": {render: applicationMessage, mail: true},
	"meeting.booked":      {render: slotMeeting("已预约会议", "Meeting booked")},
	"meeting.reminder":    {render: slotMeeting("会议即将开始", "Meeting starts soon")},
	"meeting.called":      {render: slotMeeting("轮到您了，请进入面试间", "It is your turn: join the interview room"), mail: true},
	"meeting.cancelled":   {render: meetingCancelled, mail: true},
	"meeting.requested":   {render: meetingRequested, mail: true},
	"meeting.accepted":    {render: meetingDecided("会议请求已接受", "Meeting request accepted"), mail: true},
	"meeting.declined":    {render: meetingDecided("会议请求已婉拒", "Meeting request declined"), mail: true},
	"project.interest":    {render: projectInterest, mail: true},
	"project.lead":        {render: projectLead, mail: true},
	"briefing.registered": {render: briefing("已报名推介会", "You are registered for"), mail: true},
	"briefing.reminder":   {render: briefing("推介会即将开始", "Briefing starts soon")},
	"policy.published":    {render: subject(func(d notice) string { return "/policies/" + id(d.PolicyID) })},
	"monitor.alert":       {render: subject(func(notice) string { return "/monitoring" }), mail: true},
}

// signing kinds are "signing.<event>"; the signing package words and mails them itself.
const signingPrefix = "signing."

func lookup(k string) (kind, bool) {
	if strings.HasPrefix(k, signingPrefix) && len(k) > len(signingPrefix) {
		return kind{render: subject(func(d notice) string { return "/signing/" + id(d.AgreementID) })}, true
	}
	v, ok := kinds[k]
	return v, ok
}

// Kinds lists the kinds with a message of their own (signing's as "signing.*").
func Kinds() []string {
	out := make([]string, 0, len(kinds)+1)
	for k := range kinds {
		out = append(out, k)
	}
	return append(out, signingPrefix+"*")
}

// Render says what a notification of kind k with data raw tells its reader. A kind without a
// message, or data it cannot read, gives Generic and false.
func Render(k string, raw json.RawMessage) (Message, bool) {
	kd, ok := lookup(k)
	if !ok {
		return Generic, false
	}
	var d notice
	if err := json.Unmarshal(raw, &d); err != nil {
		return Generic, false
	}
	m := kd.render(d)
	if m.TextZh == "" || m.TextEn == "" {
		return Generic, false
	}
	return m, true
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// or is a if set, else b: English names fall back to the Chinese one.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// when formats t in zone tz (China's time when unset), as both languages read it.
func when(t *time.Time, tz string) string {
	if t == nil {
		return ""
	}
	loc, err := time.LoadLocation(or(tz, "Asia/Shanghai"))
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

var statusNames = map[string][2]string{
	"viewed":    {"已查看", "viewed"},
	"interview": {"邀请面试", "invited to interview"},
	"offer":     {"录用意向", "offer"},
	"rejected":  {"未通过", "not selected"},
	"withdrawn": {"已撤回", "withdrawn"},
	"submitted": {"已投递", "submitted"},
}

func applicationUpdated(d notice) Message {
	s, ok := statusNames[d.Status]
	if !ok || d.JobTitle == "" {
		return Message{}
	}
	m := Message{
		TextZh: fmt.Sprintf("%s 更新了您对「%s」的申请：%s", d.EmployerZh, d.JobTitle, s[0]),
		TextEn: fmt.Sprintf("%s updated your application for %s: %s", or(d.EmployerEn, d.EmployerZh), or(d.JobTitleEn, d.JobTitle), s[1]),
		Link:   "/applications?id=" + id(d.ID),
	}
	if d.Note != "" {
		m.TextZh += "。留言：" + d.Note
		m.TextEn += ". Note: " + d.Note
	}
	return m
}

func applicationMessage(d notice) Message {
	if d.ApplicationID == 0 || d.JobTitle == "" || d.Sender == "" || d.Note == "" {
		return Message{}
	}
	link := "/applications?id=" + id(d.ApplicationID) + "&messages=1"
	if d.ForEmployer {
		link = "/employer/applicants?application=" + id(d.ApplicationID)
	}
	body := []rune(d.Note)
	if len(body) > 140 {
		body = append(body[:139], '…')
	}
	return Message{
		TextZh: fmt.Sprintf("%s 就「%s」的申请留言：%s", d.Sender, d.JobTitle, string(body)),
		TextEn: fmt.Sprintf("%s wrote about the application for %s: %s", d.Sender, or(d.JobTitleEn, d.JobTitle), string(body)),
		Link:   link,
	}
}

// slotMeeting words the notifications of booked meeting slots (app/meeting).
func slotMeeting(zh, en string) func(notice) Message {
	return func(d notice) Message {
		if d.MeetingID == 0 {
			return Message{}
		}
		what := [2]string{"面试", "interview"}
		if d.Kind == "negotiation" {
			what = [2]string{"洽谈", "negotiation"}
		}
		at := when(d.StartsAt, d.TimeZone)
		return Message{
			TextZh: fmt.Sprintf("%s：%s%s，%s", zh, what[0], title(d.Title), at),
			TextEn: fmt.Sprintf("%s: %s%s, %s", en, what[1], title(d.Title), at),
			Link:   "/meetings/room/" + id(d.MeetingID),
		}
	}
}

func title(t string) string {
	if t == "" {
		return ""
	}
	return " · " + t
}

// meetingCancelled words both cancellations: of a booked slot (app/meeting, with its kind) and
// of an investor's meeting request (app/project, with its status).
func meetingCancelled(d notice) Message {
	if d.Status == "" {
		return slotMeeting("会议已取消", "Meeting cancelled")(d)
	}
	return meetingDecided("会议请求已取消", "Meeting request cancelled")(d)
}

func meetingRequested(d notice) Message {
	if d.MeetingID == 0 || d.Investor == "" {
		return Message{}
	}
	m := Message{
		TextZh: fmt.Sprintf("%s 请求会面", d.Investor),
		TextEn: fmt.Sprintf("%s asks to meet", d.Investor),
		Link:   "/meetings/" + id(d.MeetingID),
	}
	switch {
	case d.TitleZh != "" && d.ProjectID != nil:
		m.TextZh += "，关于项目「" + d.TitleZh + "」"
		m.TextEn += " about the project " + or(d.TitleEn, d.TitleZh)
	case d.TitleZh != "":
		m.TextZh += "，来自推介会「" + d.TitleZh + "」"
		m.TextEn += " after the briefing " + or(d.TitleEn, d.TitleZh)
	}
	return m
}

// meetingDecided words the answers to an investor's meeting request, read by both sides.
func meetingDecided(zh, en string) func(notice) Message {
	return func(d notice) Message {
		if d.MeetingID == 0 || d.ZoneNameZh == "" {
			return Message{}
		}
		m := Message{
			TextZh: fmt.Sprintf("%s：%s 与 %s", zh, d.Investor, d.ZoneNameZh),
			TextEn: fmt.Sprintf("%s: %s with %s", en, d.Investor, or(d.ZoneNameEn, d.ZoneNameZh)),
			Link:   "/meetings/" + id(d.MeetingID),
		}
		if at := when(d.StartsAt, ""); at != "" && d.Status == "accepted" {
			m.TextZh += "，" + at
			m.TextEn += ", " + at
		}
		return m
	}
}

func projectInterest(d notice) Message {
	if d.TitleZh == "" || d.Investor == "" {
		return Message{}
	}
	return Message{
		TextZh: fmt.Sprintf("%s 关注了项目「%s」", d.Investor, d.TitleZh),
		TextEn: fmt.Sprintf("%s is interested in the project %s", d.Investor, or(d.TitleEn, d.TitleZh)),
		Link:   "/projects/desk",
	}
}

var leadNames = map[string][2]string{
	"new":         {"新线索", "new"},
	"contacted":   {"已联系", "contacted"},
	"meeting":     {"已约见", "meeting arranged"},
	"negotiating": {"洽谈中", "negotiating"},
	"signed":      {"已签约", "signed"},
	"dropped":     {"已终止", "closed"},
}

func projectLead(d notice) Message {
	s, ok := leadNames[d.Status]
	if !ok || d.TitleZh == "" || d.ProjectID == nil {
		return Message{}
	}
	return Message{
		TextZh: fmt.Sprintf("您对项目「%s」的意向：%s", d.TitleZh, s[0]),
		TextEn: fmt.Sprintf("Your interest in the project %s: %s", or(d.TitleEn, d.TitleZh), s[1]),
		Link:   "/projects/" + id(*d.ProjectID),
	}
}

func briefing(zh, en string) func(notice) Message {
	return func(d notice) Message {
		if d.BriefingID == 0 || d.TitleZh == "" {
			return Message{}
		}
		at := when(d.StartsAt, "")
		return Message{
			TextZh: fmt.Sprintf("%s：「%s」，%s", zh, d.TitleZh, at),
			TextEn: fmt.Sprintf("%s: %s, %s", en, or(d.TitleEn, d.TitleZh), at),
			Link:   "/briefings/" + id(d.BriefingID),
		}
	}
}

// subject uses the wording the sending package put in the data.
func subject(link func(notice) string) func(notice) Message {
	return func(d notice) Message {
		return Message{TextZh: d.SubjectZh, TextEn: or(d.SubjectEn, d.SubjectZh), Link: link(d)}
	}
}

// Mail is the email that says m to address in locale ("en" or Chinese), linking to the page
// on the site at base.
func (m Message) Mail(address, locale, base string) Mail {
	text, open := m.TextZh, "查看："
	if locale == "en" {
		text, open = m.TextEn, "Open: "
	}
	subject := []rune(text)
	if len(subject) > 120 {
		subject = append(subject[:119], '…')
	}
	body := text + "\n"
	if m.Link != "" {
		body += "\n" + open + strings.TrimRight(base, "/") + m.Link + "\n"
	}
	return Mail{To: address, Subject: string(subject), Text: body}
}
