// Package migrations holds Zonefair's schema history as ordered steps. Each step owns copies of
// the structs it creates, so a step means the same thing forever; see README.md for the rules.
package migrations

import "gorm.io/gorm"

// Step is one schema change, applied inside its own transaction.
type Step struct {
	Version int
	Name    string
	Up      func(tx *gorm.DB) error
}

// Steps is the whole history, oldest first. Append only.
var Steps = []Step{
	{Version: 1, Name: "accounts and zones", Up: v1AccountsAndZones},
	{Version: 2, Name: "job fair", Up: v2JobFair},
	{Version: 3, Name: "online signing", Up: v3Signing},
	{Version: 4, Name: "briefings and investment projects", Up: v4Briefings},
	{Version: 5, Name: "covering search index on PostgreSQL", Up: v5JobTermsCovering},
	{Version: 6, Name: "province reviewers and the zones' assessment", Up: v6Assessment},
	{Version: 7, Name: "policy packages and foreign trade and investment monitoring", Up: v7PoliciesMonitoring},
	{Version: 8, Name: "meetings: slots, bookings, rooms and walk-up queues", Up: v8Meetings},
	{Version: 9, Name: "project attachments and incentive policies", Up: v9ProjectLinks},
	{Version: 10, Name: "re-sent agreements point to the one they replace", Up: v10AgreementResend},
	{Version: 11, Name: "authenticated head of each agreement's audit trail", Up: v11AuditHeadMAC},
	{Version: 12, Name: "conversations between employers and graduates on applications", Up: v12ApplicationMessages},
	{Version: 13, Name: "login sessions in the database when there is no Redis", Up: v13Sessions},
	{Version: 14, Name: "video stage of briefings and presence in video rooms", Up: v14Video},
	{Version: 15, Name: "booth conversations with an enterprise's staff", Up: v15EnterpriseChat},
}

// Latest is the version a fully migrated database has.
func Latest() int { return Steps[len(Steps)-1].Version }
