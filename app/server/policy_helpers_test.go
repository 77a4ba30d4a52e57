package server_test

import (
	"fmt"
	"time"

	"zonefair/app/web"
)

type policyOut struct {
	ID          int64    `json:"id"`
	ZoneID      *int64   `json:"zoneId"`
	Level       string   `json:"level"`
	Province    string   `json:"province"`
	TitleZh     string   `json:"titleZh"`
	TitleEn     string   `json:"titleEn"`
	Status      string   `json:"status"`
	State       string   `json:"state"`
	Topics      []string `json:"topics"`
	CanEdit     bool     `json:"canEdit"`
	Attachments []struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		URL   string `json:"url"`
		Pages int    `json:"pages"`
	} `json:"attachments"`
}

type policyPage struct {
	Items []policyOut `json:"items"`
	Total int64       `json:"total"`
}

// day is today in Beijing shifted by n days.
func day(n int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, n).Format(time.DateOnly)
}

// policyInput is a valid zone-level rent relief policy; over replaces fields.
func policyInput(over map[string]any) map[string]any {
	in := map[string]any{
		"level": "zone", "issuerZh": "苏州工业园区管委会", "issuerEn": "Suzhou Industrial Park Administrative Committee",
		"titleZh": "园区中小企业房租减免办法", "titleEn": "Rent relief for small and medium enterprises in the park",
		"summaryZh": "对租用国有资产类经营用房的中小企业减免三个月租金。", "summaryEn": "Three months' rent waived for SMEs renting state-owned premises.",
		"bodyZh": "第一条 为支持企业复工复产……", "bodyEn": "Article 1. To help enterprises resume work…",
		"applyZh": "登录园区企业服务平台在线申请。", "applyEn": "Apply online through the park's enterprise service portal.",
		"topics": []string{"rent", "epidemic_relief"}, "ownerships": []string{"domestic", "foreign"}, "sizes": []string{"small", "medium"},
		"issuedOn": day(-10), "effectiveOn": day(-5), "expiresOn": day(200),
	}
	for k, v := range over {
		in[k] = v
	}
	return in
}

// createPolicy drafts a policy as c (published at once when publish) and returns it.
func createPolicy(c *client, publish bool, over map[string]any) policyOut {
	c.e.t.Helper()
	var p policyOut
	c.do("POST", fmt.Sprintf("/api/v1/policies?publish=%v", publish), policyInput(over)).want(201).json(&p)
	return p
}

func ppath(id int64, rest string) string { return fmt.Sprintf("/api/v1/policies/%d%s", id, rest) }

// notifications returns c's notifications of kind.
func notificationsOf(c *client, kind string) []map[string]any {
	c.e.t.Helper()
	var list struct {
		Items []struct {
			Kind string         `json:"kind"`
			Data map[string]any `json:"data"`
		} `json:"items"`
	}
	c.do("GET", "/api/v1/notifications?limit=100", nil).want(200).json(&list)
	var out []map[string]any
	for _, n := range list.Items {
		if n.Kind == kind {
			out = append(out, n.Data)
		}
	}
	return out
}

// provinceStaff makes the seeded province reviewer work for province and logs them in.
func (e *env) provinceStaff(province string) *client {
	e.t.Helper()
	if err := e.db.Exec("UPDATE users SET province = ? WHERE id = ?", province, e.users[web.RoleProvince].ID).Error; err != nil {
		e.t.Fatal(err)
	}
	e.accountsChanged()
	return e.as(web.RoleProvince)
}
