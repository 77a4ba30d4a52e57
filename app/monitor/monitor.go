// Package monitor owns the monitoring of foreign trade and foreign investment in the key
// national-level zones: each key zone reports its monthly imports, exports and contracted and
// actually used foreign investment; corrections are audited; a sharp year-on-year drop or a
// late report raises an alert, once, to the zone's province and the ministry, delivered live.
package monitor

import (
	"math"
	"time"

	"zonefair/app/actor"
	"zonefair/app/web"
)

// Indicators are the monthly figures a key zone reports, in USD 10,000 (万美元).
var Indicators = []string{"imports", "exports", "fdi_contracted", "fdi_actual"}

// Alert kinds.
const (
	KindDrop = "drop" // a figure fell by at least the threshold year on year
	KindLate = "late" // the month's report was not in by the due day
)

// KindAlert is the notification and live publication of a new alert.
const KindAlert = "monitor.alert"

// Settings are the ministry's monitoring rules.
type Settings struct {
	// DropThreshold is the year-on-year fall, in percent, that raises an alert (20 = −20 %).
	DropThreshold float64 `json:"dropThreshold"`
	// DueDay is the day of the following month by which a month's report is due.
	DueDay    int       `json:"dueDay"`
	UpdatedBy int64     `json:"-"`
	UpdatedAt time.Time `json:"updatedAt"`
	ID        int64     `json:"-"`
}

// TableName is the monitor_settings table (one row).
func (Settings) TableName() string { return "monitor_settings" }

// SettingsInput sets the monitoring rules.
type SettingsInput struct {
	DropThreshold float64 `json:"dropThreshold" validate:"gt=0,lte=100"`
	DueDay        int     `json:"dueDay" validate:"gte=1,lte=28"`
}

// DefaultSettings apply until an admin saves others.
var DefaultSettings = Settings{DropThreshold: 20, DueDay: 15}

// Report is one zone's figures for one month.
type Report struct {
	ID            int64     `json:"id"`
	ZoneID        int64     `json:"zoneId"`
	Month         string    `json:"month"` // YYYY-MM
	Imports       float64   `json:"imports"`
	Exports       float64   `json:"exports"`
	FDIContracted float64   `json:"fdiContracted" gorm:"column:fdi_contracted"`
	FDIActual     float64   `json:"fdiActual" gorm:"column:fdi_actual"`
	Note          string    `json:"note"`
	ReportedBy    int64     `json:"-"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// TableName is the monitor_reports table.
func (Report) TableName() string { return "monitor_reports" }

// value is the report's figure for indicator.
func (r *Report) value(indicator string) float64 {
	switch indicator {
	case "imports":
		return r.Imports
	case "exports":
		return r.Exports
	case "fdi_contracted":
		return r.FDIContracted
	}
	return r.FDIActual
}

func (r *Report) set(indicator string, v float64) {
	switch indicator {
	case "imports":
		r.Imports = v
	case "exports":
		r.Exports = v
	case "fdi_contracted":
		r.FDIContracted = v
	default:
		r.FDIActual = v
	}
}

// Change is one audited correction of one figure.
type Change struct {
	ID        int64     `json:"id"`
	ReportID  int64     `json:"reportId"`
	UserID    int64     `json:"userId"`
	UserName  string    `json:"userName"`
	Field     string    `json:"field" enum:"imports,exports,fdi_contracted,fdi_actual"`
	OldValue  float64   `json:"oldValue"`
	NewValue  float64   `json:"newValue"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"createdAt"`
}

// TableName is the monitor_report_changes table.
func (Change) TableName() string { return "monitor_report_changes" }

// Alert is a sharp drop or a late report of a key zone.
type Alert struct {
	ID             int64      `json:"id"`
	ZoneID         int64      `json:"zoneId"`
	Month          string     `json:"month"`
	Kind           string     `json:"kind" enum:"drop,late"`
	Indicator      string     `json:"indicator"` // "" for late reports
	Value          *float64   `json:"value"`
	Previous       *float64   `json:"previous"`
	ChangePct      *float64   `json:"changePct"`
	Threshold      float64    `json:"threshold"`
	AcknowledgedAt *time.Time `json:"acknowledgedAt"`
	AcknowledgedBy *int64     `json:"-"`
	CreatedAt      time.Time  `json:"createdAt"`

	ZoneNameZh string `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn string `json:"zoneNameEn" gorm:"-"`
	Province   string `json:"province" gorm:"-"`
}

// TableName is the monitor_alerts table.
func (Alert) TableName() string { return "monitor_alerts" }

type keyZone struct {
	ZoneID    int64
	CreatedAt time.Time
}

func (keyZone) TableName() string { return "monitor_zones" }

// YoY is the change from prev to cur in percent, rounded to 0.1, or nil when there is no
// base to compare with.
func YoY(cur, prev float64) *float64 {
	if prev <= 0 {
		return nil
	}
	v := math.Round((cur-prev)/prev*1000) / 10
	return &v
}

// beijing is the time zone months are counted in.
var beijing = time.FixedZone("CST", 8*3600)

// MonthOf is the month (YYYY-MM) in Beijing at t.
func MonthOf(t time.Time) string { return t.In(beijing).Format("2006-01") }

// AddMonths shifts a YYYY-MM month by n months.
func AddMonths(month string, n int) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// seesZone reports whether p may read a zone's figures: admins, the zone's province staff and
// its own staff.
func seesZone(p *actor.Actor, zoneID int64, province string) bool {
	return p.ReviewsProvince(province) || (p != nil && p.Role == actor.RoleZoneStaff && p.ZoneID == zoneID)
}

func init() {
	web.AddMessages(map[string][2]string{
		"not_found.monitor_report": {"未找到该月报。", "Monthly report not found."},
		"not_found.monitor_alert":  {"未找到该预警。", "Alert not found."},
		"monitor.month":            {"月份格式应为 YYYY-MM，且须为已结束的月份。", "Use a month in the form YYYY-MM that has already ended."},
		"monitor.report_exists":    {"该开发区本月的月报已提交，请提交更正。", "This zone's report for the month is already in; submit a correction instead."},
		"monitor.not_key_zone":     {"该开发区不在重点监测名单中。", "This zone is not a monitored key zone."},
		"monitor.value":            {"须为 0 至 10,000,000 之间的数值（万美元）。", "Must be a number from 0 to 10,000,000 (USD 10,000)."},
		"monitor.no_change":        {"更正内容与原数据相同。", "The correction changes nothing."},
		"monitor.acknowledged":     {"该预警已确认。", "This alert has already been acknowledged."},
	})
}
