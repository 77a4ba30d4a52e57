package notify

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// samples hold data for every kind as its package sends it.
var samples = func() map[string]map[string]any {
	at := time.Date(2026, 5, 20, 6, 30, 0, 0, time.UTC)
	return map[string]map[string]any{
		"application.updated": {"id": 7, "status": "interview", "jobTitle": "数据工程师", "jobTitleEn": "Data engineer", "employerZh": "苏州示例科技", "employerEn": "Suzhou Example Tech", "note": "5月22日 10:00，A座3楼"},
		"application.message": {"applicationId": 7, "jobTitle": "数据工程师", "jobTitleEn": "Data engineer", "sender": "Wang Fang", "note": "Bring your transcript", "forEmployer": false},
		"meeting.booked":      {"meetingId": 3, "kind": "interview", "startsAt": at, "timeZone": "Asia/Shanghai", "title": "数据工程师"},
		"meeting.reminder":    {"meetingId": 3, "kind": "negotiation", "startsAt": at, "timeZone": "Asia/Shanghai"},
		"meeting.called":      {"meetingId": 4, "kind": "interview", "startsAt": at, "timeZone": "Asia/Shanghai", "title": "Booth queue"},
		"meeting.cancelled":   {"meetingId": 3, "kind": "interview", "startsAt": at, "timeZone": "Asia/Shanghai"},
		"meeting.requested":   {"meetingId": 9, "investor": "Anna Investor", "projectId": 2, "titleZh": "新能源电池项目", "titleEn": "Battery plant"},
		"meeting.accepted":    {"meetingId": 9, "status": "accepted", "startsAt": at, "investor": "Anna Investor", "zoneNameZh": "苏州工业园区", "zoneNameEn": "Suzhou Industrial Park"},
		"meeting.declined":    {"meetingId": 9, "status": "declined", "investor": "Anna Investor", "zoneNameZh": "苏州工业园区", "zoneNameEn": "Suzhou Industrial Park"},
		"project.interest":    {"leadId": 5, "projectId": 2, "titleZh": "新能源电池项目", "titleEn": "Battery plant", "investor": "Anna Investor"},
		"project.lead":        {"leadId": 5, "projectId": 2, "status": "contacted", "titleZh": "新能源电池项目", "titleEn": "Battery plant"},
		"briefing.registered": {"briefingId": 6, "titleZh": "苏州推介会", "titleEn": "Suzhou briefing", "startsAt": at},
		"briefing.reminder":   {"briefingId": 6, "titleZh": "苏州推介会", "titleEn": "Suzhou briefing", "startsAt": at},
		"policy.published":    {"policyId": 8, "titleZh": "人才政策", "subjectZh": "新政策：人才政策", "subjectEn": "New policy: Talent policy"},
		"monitor.alert":       {"id": 1, "subjectZh": "预警：苏州工业园区 2026-04 月报逾期未报", "subjectEn": "Alert: Suzhou Industrial Park has not reported 2026-04"},
		"signing.*":           {"agreementId": 11, "subjectZh": "请签署：投资协议", "subjectEn": "Ready for your signature: Investment agreement"},
	}
}()

// TestEveryKindSaysWhatHappened fails when a kind has no sample here or its words fall back
// to the generic text, in either language, or lead nowhere.
func TestEveryKindSaysWhatHappened(t *testing.T) {
	for _, k := range Kinds() {
		data, ok := samples[k]
		if !ok {
			t.Errorf("%s: no sample; add one and check its words", k)
			continue
		}
		name := strings.Replace(k, "*", "your_turn", 1)
		raw, _ := json.Marshal(data)
		m, ok := Render(name, raw)
		if !ok || m.TextZh == Generic.TextZh || m.TextEn == Generic.TextEn {
			t.Errorf("%s: generic words %+v", k, m)
			continue
		}
		if !strings.HasPrefix(m.Link, "/") {
			t.Errorf("%s: link %q", k, m.Link)
		}
		if strings.ContainsAny(m.TextEn, "的请您") {
			t.Errorf("%s: English text %q is Chinese", k, m.TextEn)
		}
	}
	for k := range samples {
		if _, ok := lookup(strings.Replace(k, "*", "sent", 1)); !ok {
			t.Errorf("sample of %s, which no package sends", k)
		}
	}
}

func TestWordsNameWhatHappenedToWhat(t *testing.T) {
	cases := []struct {
		kind, zh, en, link string
	}{
		{"application.updated", "「数据工程师」的申请：邀请面试。留言：5月22日", "Data engineer: invited to interview. Note: 5月22日", "/applications?id=7"},
		{"application.message", "Wang Fang 就「数据工程师」的申请留言：Bring your transcript", "Wang Fang wrote about the application for Data engineer: Bring your transcript", "/applications?id=7&messages=1"},
		{"meeting.booked", "已预约会议：面试 · 数据工程师，2026-05-20 14:30 CST", "Meeting booked: interview · 数据工程师, 2026-05-20 14:30 CST", "/meetings/room/3"},
		{"meeting.cancelled", "会议已取消", "Meeting cancelled: interview", "/meetings/room/3"},
		{"meeting.requested", "Anna Investor 请求会面，关于项目「新能源电池项目」", "Anna Investor asks to meet about the project Battery plant", "/meetings/9"},
		{"meeting.accepted", "会议请求已接受：Anna Investor 与 苏州工业园区，2026-05-20 14:30", "Meeting request accepted: Anna Investor with Suzhou Industrial Park, 2026-05-20 14:30", "/meetings/9"},
		{"project.lead", "您对项目「新能源电池项目」的意向：已联系", "Your interest in the project Battery plant: contacted", "/projects/2"},
		{"briefing.registered", "已报名推介会：「苏州推介会」", "You are registered for: Suzhou briefing", "/briefings/6"},
	}
	for _, c := range cases {
		raw, _ := json.Marshal(samples[c.kind])
		m, _ := Render(c.kind, raw)
		if !strings.Contains(m.TextZh, c.zh) || !strings.Contains(m.TextEn, c.en) || m.Link != c.link {
			t.Errorf("%s: got %+v", c.kind, m)
		}
	}
	// A cancelled meeting request (app/project) reads as one, not as a cancelled slot.
	raw, _ := json.Marshal(map[string]any{"meetingId": 9, "status": "cancelled", "investor": "Anna", "zoneNameZh": "苏州工业园区"})
	if m, _ := Render("meeting.cancelled", raw); m.TextEn != "Meeting request cancelled: Anna with 苏州工业园区" || m.Link != "/meetings/9" {
		t.Errorf("request cancelled: %+v", m)
	}
}

func TestUnknownOrWordlessKindIsGeneric(t *testing.T) {
	if m, ok := Render("nobody.sends", json.RawMessage(`{}`)); ok || m != Generic {
		t.Errorf("unknown kind: %+v %v", m, ok)
	}
	if _, ok := Render("meeting.requested", json.RawMessage(`{"meetingId": 1}`)); ok {
		t.Error("a request without its investor has words")
	}
	if _, err := (&Service{}).Add(nil, 1, "nobody.sends", map[string]any{}); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("Add of an unknown kind: %v", err)
	}
}

func TestMailSaysTheSameInTheReadersLanguage(t *testing.T) {
	raw, _ := json.Marshal(samples["project.interest"])
	m, _ := Render("project.interest", raw)
	en := m.Mail("a@example.com", "en", "https://zonefair.example/")
	if en.Subject != m.TextEn || !strings.Contains(en.Text, m.TextEn) || !strings.Contains(en.Text, "https://zonefair.example/projects/desk") {
		t.Errorf("en mail: %+v", en)
	}
	zh := m.Mail("a@example.com", "zh-CN", "https://zonefair.example")
	if zh.Subject != m.TextZh || !strings.Contains(zh.Text, "查看：https://zonefair.example/projects/desk") {
		t.Errorf("zh mail: %+v", zh)
	}
	long := Message{TextZh: strings.Repeat("长", 300), TextEn: "x", Link: "/"}.Mail("a@example.com", "zh-CN", "")
	if n := len([]rune(long.Subject)); n != 120 {
		t.Errorf("subject of %d characters", n)
	}
}
