package monitor

import (
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// visibleZones narrows a zones query to the key zones p may read.
func (s *Service) visibleZones(tx *gorm.DB, p *web.Principal) *gorm.DB {
	tx = tx.Where("zones.id IN (?)", s.DB.Model(&keyZone{}).Select("zone_id"))
	switch p.Role {
	case web.RoleAdmin:
		return tx
	case web.RoleProvince:
		return tx.Where("zones.province = ? AND zones.province <> ''", p.Province)
	case web.RoleZoneStaff:
		return tx.Where("zones.id = ?", p.ZoneID)
	}
	return tx.Where("1 = 0")
}

// ZoneStatus is a key zone on the dashboard: its latest report and whether last month's is in.
type ZoneStatus struct {
	ZoneID      int64    `json:"zoneId"`
	NameZh      string   `json:"nameZh"`
	NameEn      string   `json:"nameEn"`
	Province    string   `json:"province"`
	LatestMonth string   `json:"latestMonth"`
	Latest      *Point   `json:"latest"`
	DueMonth    string   `json:"dueMonth"`
	DueIn       bool     `json:"dueIn"`
	OpenAlerts  int      `json:"openAlerts"`
	TradeYoY    *float64 `json:"tradeYoY"`
}

// Overview is the dashboard's head: the rules and the key zones the caller may read.
type Overview struct {
	Settings Settings     `json:"settings"`
	Zones    []ZoneStatus `json:"zones"`
	// CanReport says whether the caller enters figures (zone staff of a key zone, admins).
	CanReport bool `json:"canReport"`
}

// Overview returns the key zones the caller may read with their reporting state.
func (s *Service) Overview(ctx context.Context, p *web.Principal) (Overview, error) {
	out := Overview{Zones: []ZoneStatus{}}
	st, err := s.Settings(ctx)
	if err != nil {
		return out, err
	}
	out.Settings = st
	var zs []zone.Zone
	if err := s.visibleZones(s.DB.WithContext(ctx).Model(&zone.Zone{}), p).Select("id, name_zh, name_en, province").Order("id").Find(&zs).Error; err != nil {
		return out, err
	}
	if len(zs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(zs))
	for i, z := range zs {
		ids[i] = z.ID
	}
	due := AddMonths(MonthOf(s.now()), -1)
	var rs []Report
	// The last 13 months hold each zone's latest report and its base a year before.
	from := AddMonths(due, -13)
	if err := s.DB.WithContext(ctx).Where("zone_id IN ? AND month >= ?", ids, from).Find(&rs).Error; err != nil {
		return out, err
	}
	byKey := map[int64]map[string]Report{}
	for _, r := range rs {
		if byKey[r.ZoneID] == nil {
			byKey[r.ZoneID] = map[string]Report{}
		}
		byKey[r.ZoneID][r.Month] = r
	}
	var open []struct {
		ZoneID int64
		N      int
	}
	if err := s.DB.WithContext(ctx).Model(&Alert{}).Select("zone_id, COUNT(*) AS n").Where("zone_id IN ? AND acknowledged_at IS NULL", ids).Group("zone_id").Scan(&open).Error; err != nil {
		return out, err
	}
	alerts := map[int64]int{}
	for _, o := range open {
		alerts[o.ZoneID] = o.N
	}
	for _, z := range zs {
		zsx := ZoneStatus{ZoneID: z.ID, NameZh: z.NameZh, NameEn: z.NameEn, Province: z.Province, DueMonth: due, OpenAlerts: alerts[z.ID]}
		months := byKey[z.ID]
		for m := range months {
			if m > zsx.LatestMonth {
				zsx.LatestMonth = m
			}
		}
		_, zsx.DueIn = months[due]
		if zsx.LatestMonth != "" {
			r := months[zsx.LatestMonth]
			pt := point(r, prevOf(months, zsx.LatestMonth))
			zsx.Latest, zsx.TradeYoY = &pt, pt.TradeYoY
		}
		out.Zones = append(out.Zones, zsx)
	}
	out.CanReport = p.Role == web.RoleAdmin || (p.Role == web.RoleZoneStaff && slices.Contains(ids, p.ZoneID))
	return out, nil
}

func prevOf(months map[string]Report, m string) *Report {
	if r, ok := months[AddMonths(m, -12)]; ok {
		return &r
	}
	return nil
}

// Point is one month of a series with its year-on-year changes (nil without a base).
type Point struct {
	Month            string   `json:"month"`
	ReportID         int64    `json:"reportId"` // 0 in a sum over zones
	Imports          float64  `json:"imports"`
	Exports          float64  `json:"exports"`
	FDIContracted    float64  `json:"fdiContracted"`
	FDIActual        float64  `json:"fdiActual"`
	ImportsYoY       *float64 `json:"importsYoY"`
	ExportsYoY       *float64 `json:"exportsYoY"`
	FDIContractedYoY *float64 `json:"fdiContractedYoY"`
	FDIActualYoY     *float64 `json:"fdiActualYoY"`
	TradeYoY         *float64 `json:"tradeYoY"` // imports + exports
}

func point(r Report, prev *Report) Point {
	pt := Point{Month: r.Month, ReportID: r.ID, Imports: r.Imports, Exports: r.Exports, FDIContracted: r.FDIContracted, FDIActual: r.FDIActual}
	if prev != nil {
		pt.ImportsYoY, pt.ExportsYoY = YoY(r.Imports, prev.Imports), YoY(r.Exports, prev.Exports)
		pt.FDIContractedYoY, pt.FDIActualYoY = YoY(r.FDIContracted, prev.FDIContracted), YoY(r.FDIActual, prev.FDIActual)
		pt.TradeYoY = YoY(r.Imports+r.Exports, prev.Imports+prev.Exports)
	}
	return pt
}

// SeriesQuery picks a zone (0: the sum over the key zones the caller may read) and how many
// months back from the last ended one.
type SeriesQuery struct {
	ZoneID int64 `query:"zoneId" validate:"gte=0"`
	Months int   `query:"months" validate:"omitempty,gte=1,lte=120"`
}

// Series is the monthly trend of one zone or of a sum of zones.
type Series struct {
	ZoneID int64   `json:"zoneId"`
	NameZh string  `json:"nameZh"`
	NameEn string  `json:"nameEn"`
	Points []Point `json:"points"`
}

// Series returns the months of q's window that have figures, oldest first, each compared
// with the same month a year before. Summed over zones, only the months that as many zones
// reported as any month are kept.
func (s *Service) Series(ctx context.Context, p *web.Principal, q SeriesQuery) (Series, error) {
	if q.Months == 0 {
		q.Months = 24
	}
	out := Series{ZoneID: q.ZoneID, Points: []Point{}}
	tx := s.visibleZones(s.DB.WithContext(ctx).Model(&zone.Zone{}), p)
	if q.ZoneID > 0 {
		var z zone.Zone
		err := s.DB.WithContext(ctx).Select("id, name_zh, name_en, province").First(&z, q.ZoneID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return out, errs.NotFound("zone")
		} else if err != nil {
			return out, err
		}
		if !seesZone(p, z.ID, z.Province) {
			return out, errs.Forbidden()
		}
		out.NameZh, out.NameEn = z.NameZh, z.NameEn
		tx = s.DB.WithContext(ctx).Model(&zone.Zone{}).Where("zones.id = ?", z.ID)
	}
	last := AddMonths(MonthOf(s.now()), -1)
	first := AddMonths(last, -(q.Months - 1))
	var rs []Report
	err := s.DB.WithContext(ctx).Where("zone_id IN (?) AND month >= ? AND month <= ?", tx.Select("zones.id"), AddMonths(first, -12), last).
		Order("month").Find(&rs).Error
	if err != nil {
		return out, err
	}
	sums, counts := map[string]Report{}, map[string]int{}
	var months []string
	for _, r := range rs {
		acc, ok := sums[r.Month]
		if !ok {
			months = append(months, r.Month)
			acc.Month = r.Month
		}
		if q.ZoneID > 0 {
			acc = r
		} else {
			acc.Imports += r.Imports
			acc.Exports += r.Exports
			acc.FDIContracted += r.FDIContracted
			acc.FDIActual += r.FDIActual
		}
		sums[r.Month] = acc
		counts[r.Month]++
	}
	// A sum over zones leaves out the months not every zone has reported yet, so a late
	// report never shows as a fall.
	full := 0
	for _, n := range counts {
		full = max(full, n)
	}
	for _, m := range months {
		if m < first || counts[m] < full {
			continue
		}
		pt := point(sums[m], prevOf(sums, m))
		pt.Imports, pt.Exports, pt.FDIContracted, pt.FDIActual = round2(pt.Imports), round2(pt.Exports), round2(pt.FDIContracted), round2(pt.FDIActual)
		out.Points = append(out.Points, pt)
	}
	return out, nil
}

// AlertQuery filters the alert list.
type AlertQuery struct {
	Open   bool  `query:"open"`
	ZoneID int64 `query:"zoneId" validate:"gte=0"`
	Limit  int   `query:"limit" validate:"omitempty,gte=1,lte=200"`
}

// Alerts lists the alerts of the zones the caller may read, newest first.
func (s *Service) Alerts(ctx context.Context, p *web.Principal, q AlertQuery) ([]Alert, error) {
	if q.Limit == 0 {
		q.Limit = 100
	}
	out := []Alert{}
	zq := s.visibleZones(s.DB.Model(&zone.Zone{}), p).Select("zones.id")
	tx := s.DB.WithContext(ctx).Where("zone_id IN (?)", zq)
	if q.Open {
		tx = tx.Where("acknowledged_at IS NULL")
	}
	if q.ZoneID > 0 {
		tx = tx.Where("zone_id = ?", q.ZoneID)
	}
	if err := tx.Order("created_at DESC, id DESC").Limit(q.Limit).Find(&out).Error; err != nil {
		return out, err
	}
	return out, s.nameAlerts(ctx, out)
}

func (s *Service) nameAlerts(ctx context.Context, as []Alert) error {
	if len(as) == 0 {
		return nil
	}
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.ZoneID
	}
	var zs []zone.Zone
	if err := s.DB.WithContext(ctx).Select("id, name_zh, name_en, province").Where("id IN ?", ids).Find(&zs).Error; err != nil {
		return err
	}
	for i := range as {
		for _, z := range zs {
			if z.ID == as[i].ZoneID {
				as[i].ZoneNameZh, as[i].ZoneNameEn, as[i].Province = z.NameZh, z.NameEn, z.Province
			}
		}
	}
	return nil
}

// Acknowledge marks an alert as seen (admins, or province staff of the zone's province).
func (s *Service) Acknowledge(ctx context.Context, id int64, p *web.Principal) (Alert, error) {
	var a Alert
	if err := s.DB.WithContext(ctx).First(&a, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return a, errs.NotFound("monitor_alert")
		}
		return a, err
	}
	list := []Alert{a}
	if err := s.nameAlerts(ctx, list); err != nil {
		return a, err
	}
	a = list[0]
	if !p.ReviewsProvince(a.Province) {
		return a, errs.Forbidden()
	}
	now := s.now()
	res := s.DB.WithContext(ctx).Model(&Alert{}).Where("id = ? AND acknowledged_at IS NULL", id).
		Updates(map[string]any{"acknowledged_at": now, "acknowledged_by": p.UserID})
	if res.Error != nil {
		return a, res.Error
	}
	if res.RowsAffected == 0 {
		return a, errs.New(errs.ErrConflict, "monitor.acknowledged")
	}
	a.AcknowledgedAt, a.AcknowledgedBy = &now, &p.UserID
	return a, nil
}

// KeyZonesInput replaces the list of monitored key zones.
type KeyZonesInput struct {
	ZoneIDs []int64 `json:"zoneIds" validate:"max=300,dive,gt=0"`
}

// SetKeyZones replaces the monitored key zones (admins).
func (s *Service) SetKeyZones(ctx context.Context, in KeyZonesInput) error {
	ids := slices.Compact(slices.Sorted(slices.Values(in.ZoneIDs)))
	var n int64
	if len(ids) > 0 {
		if err := s.DB.WithContext(ctx).Model(&zone.Zone{}).Where("id IN ?", ids).Count(&n).Error; err != nil {
			return err
		}
		if int(n) != len(ids) {
			return errs.Invalid("zoneIds", "field.zone_unknown")
		}
	}
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("1 = 1").Delete(&keyZone{}).Error; err != nil {
			return err
		}
		rows := make([]keyZone, len(ids))
		for i, id := range ids {
			rows[i] = keyZone{ZoneID: id, CreatedAt: now}
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Create(&rows).Error
	})
}

// KeyZones lists the monitored zones' ids.
func (s *Service) KeyZones(ctx context.Context) ([]int64, error) {
	out := []int64{}
	return out, s.DB.WithContext(ctx).Model(&keyZone{}).Order("zone_id").Pluck("zone_id", &out).Error
}
