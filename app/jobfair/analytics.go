package jobfair

import (
	"context"
	"io"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"zonefair/app/sheet"
)

// Analytics are an organiser's figures for a fair, or for one zone's booth at it.
type Analytics struct {
	FairID int64 `json:"fairId"`
	ZoneID int64 `json:"zoneId"`
	// Visitors counts distinct visitors per day, summed over the days.
	Visitors     int64            `json:"visitors"`
	BoothViews   int64            `json:"boothViews"`
	JobViews     int64            `json:"jobViews"`
	OpenJobs     int              `json:"openJobs"`
	Applications int64            `json:"applications"`
	Status       map[string]int64 `json:"status"`
	// Funnel counts, for each pipeline stage (submitted, viewed, interview, offer), the
	// applications that got at least that far — an offer made straight from "submitted" counts
	// at every stage before it, so the funnel never widens — then those ever rejected or
	// withdrawn.
	Funnel    []Stage      `json:"funnel"`
	TopMajors []MajorCount `json:"topMajors"`
	ByDay     []Day        `json:"byDay"`
}

// Stage is one step of the funnel.
type Stage struct {
	Status string `json:"status"`
	Count  int64  `json:"count"`
}

// MajorCount is how many applications came from a major.
type MajorCount struct {
	Major string `json:"major"`
	Count int64  `json:"count"`
}

// Day is one day's figures.
type Day struct {
	Day          string `json:"day" format:"date"`
	Visitors     int64  `json:"visitors"`
	JobViews     int64  `json:"jobViews"`
	Applications int64  `json:"applications"`
}

// AnalyticsQuery narrows analytics to one zone (admins only; staff always see their own).
type AnalyticsQuery struct {
	ZoneID int64 `query:"zoneId" validate:"gte=0"`
}

// Analytics computes the figures of fairID, of zoneID's booth when non-zero.
func (s *Store) Analytics(ctx context.Context, fairID, zoneID int64, now time.Time) (Analytics, error) {
	if err := s.views.flush(ctx); err != nil {
		return Analytics{}, err
	}
	a := Analytics{FairID: fairID, ZoneID: zoneID, Status: map[string]int64{}, Funnel: []Stage{}, TopMajors: []MajorCount{}, ByDay: []Day{}}
	g := s.db.WithContext(ctx)
	days := map[string]*Day{}
	day := func(d string) *Day {
		if days[d] == nil {
			days[d] = &Day{Day: d}
		}
		return days[d]
	}
	var visitors []struct {
		Day string
		N   int64
	}
	if err := g.Table("fair_visitors").Select("day, COUNT(*) AS n").Where("fair_id = ? AND zone_id = ?", fairID, zoneID).Group("day").Scan(&visitors).Error; err != nil {
		return a, err
	}
	for _, v := range visitors {
		a.Visitors += v.N
		day(v.Day).Visitors = v.N
	}
	var views []struct {
		Day   string
		Job   bool
		Views int64
	}
	vq := g.Table("fair_page_views").Select("day, job_id > 0 AS job, SUM(views) AS views").Where("fair_id = ?", fairID)
	if zoneID > 0 {
		vq = vq.Where("zone_id = ?", zoneID)
	}
	if err := vq.Group("day, job_id > 0").Scan(&views).Error; err != nil {
		return a, err
	}
	for _, v := range views {
		if v.Job {
			a.JobViews += v.Views
			day(v.Day).JobViews += v.Views
		} else {
			a.BoothViews += v.Views
		}
	}
	apps := func() *gorm.DB {
		q := g.Table("applications").Where("applications.fair_id = ?", fairID)
		if zoneID > 0 {
			q = q.Where("applications.zone_id = ?", zoneID)
		}
		return q
	}
	var byStatus []struct {
		Status string
		N      int64
	}
	if err := apps().Select("status, COUNT(*) AS n").Group("status").Scan(&byStatus).Error; err != nil {
		return a, err
	}
	for _, r := range byStatus {
		a.Status[r.Status] = r.N
		a.Applications += r.N
	}
	var reached []struct {
		ToStatus string
		N        int64
	}
	err := apps().Joins("JOIN application_events ev ON ev.application_id = applications.id").
		Select("ev.to_status AS to_status, COUNT(DISTINCT applications.id) AS n").Group("ev.to_status").Scan(&reached).Error
	if err != nil {
		return a, err
	}
	got := map[string]int64{}
	for _, r := range reached {
		got[r.ToStatus] = r.N
	}
	// The furthest pipeline stage each application reached, counted per stage.
	pipeline := []string{StatusSubmitted, StatusViewed, StatusInterview, StatusOffer}
	furthest := apps().Joins("JOIN application_events ev ON ev.application_id = applications.id").
		Select("applications.id, MAX(CASE ev.to_status WHEN ? THEN 1 WHEN ? THEN 2 WHEN ? THEN 3 WHEN ? THEN 4 ELSE 0 END) AS r",
			StatusSubmitted, StatusViewed, StatusInterview, StatusOffer).Group("applications.id")
	var depth []struct {
		R int
		N int64
	}
	if err := g.Table("(?) AS furthest", furthest).Select("r, COUNT(*) AS n").Group("r").Scan(&depth).Error; err != nil {
		return a, err
	}
	for k, st := range pipeline {
		var n int64
		for _, d := range depth {
			if d.R > k {
				n += d.N
			}
		}
		a.Funnel = append(a.Funnel, Stage{Status: st, Count: n})
	}
	for _, st := range []string{StatusRejected, StatusWithdrawn} {
		a.Funnel = append(a.Funnel, Stage{Status: st, Count: got[st]})
	}
	if err := apps().Select("major, COUNT(*) AS count").Where("major <> ''").Group("major").Order("count DESC, major").Limit(10).Scan(&a.TopMajors).Error; err != nil {
		return a, err
	}
	var perDay []struct {
		Day string
		N   int64
	}
	if err := apps().Select("day, COUNT(*) AS n").Group("day").Scan(&perDay).Error; err != nil {
		return a, err
	}
	for _, r := range perDay {
		day(r.Day).Applications = r.N
	}
	for _, d := range days {
		a.ByDay = append(a.ByDay, *d)
	}
	slices.SortFunc(a.ByDay, func(x, y Day) int { return compareStrings(x.Day, y.Day) })
	counts, err := s.openCounts(ctx, fairID, now)
	if err != nil {
		return a, err
	}
	a.OpenJobs = counts.total
	if zoneID > 0 {
		a.OpenJobs = counts.zone[zoneID]
	}
	return a, nil
}

// WriteCSV writes a by-day table followed by the totals, funnel and top majors.
func (a Analytics) WriteCSV(w io.Writer) error {
	c, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	_ = c.Row("day", "visitors", "job_views", "applications")
	for _, d := range a.ByDay {
		_ = c.Row(d.Day, n(d.Visitors), n(d.JobViews), n(d.Applications))
	}
	_ = c.Row()
	_ = c.Row("metric", "value")
	_ = c.Row("visitors", n(a.Visitors))
	_ = c.Row("booth_views", n(a.BoothViews))
	_ = c.Row("job_views", n(a.JobViews))
	_ = c.Row("open_jobs", strconv.Itoa(a.OpenJobs))
	_ = c.Row("applications", n(a.Applications))
	for _, st := range a.Funnel {
		_ = c.Row("reached_"+st.Status, n(st.Count))
	}
	for _, m := range a.TopMajors {
		_ = c.Row("major_"+m.Major, n(m.Count))
	}
	return c.Flush()
}

// WriteApplicantsCSV writes applicants as CSV.
func WriteApplicantsCSV(w io.Writer, items []Applicant) error {
	c, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	if err := c.Row("id", "job", "employer", "status", "name", "email", "phone", "school", "major", "degree",
		"graduation_year", "skills", "languages", "cover_note", "applied_at"); err != nil {
		return err
	}
	for _, a := range items {
		err := c.Row(strconv.FormatInt(a.ID, 10), a.JobTitle, a.EmployerZh, a.Status, a.Name, a.Email, a.Phone, a.School,
			a.Major, a.Degree, strconv.Itoa(a.GraduationYear), a.Skills, a.Languages, a.CoverNote, a.CreatedAt.In(China).Format(time.DateTime))
		if err != nil {
			return err
		}
	}
	return c.Flush()
}

// fairFigures fills the visitor and application totals of a fair's home page.
func (s *Store) fairFigures(ctx context.Context, fairID int64, out *FairCounts) error {
	g := s.db.WithContext(ctx)
	if err := g.Table("fair_visitors").Where("fair_id = ? AND zone_id = 0", fairID).Count(&out.Visitors).Error; err != nil {
		return err
	}
	return g.Table("applications").Where("fair_id = ?", fairID).Count(&out.Applications).Error
}
