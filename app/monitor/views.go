package monitor

import (
	"context"
	"slices"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/zone"
)

// visibleZones returns the key zones p may read, in id order: all for admins, their province's
// for province staff, their own for zone staff.
func (s *Service) visibleZones(ctx context.Context, p *actor.Actor) ([]zone.Ref, error) {
	if p == nil || (p.Role != actor.RoleAdmin && p.Role != actor.RoleProvince && p.Role != actor.RoleZoneStaff) {
		return nil, nil
	}
	ids, err := s.Store.KeyZones(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role == actor.RoleZoneStaff {
		if !slices.Contains(ids, p.ZoneID) {
			return nil, nil
		}
		ids = []int64{p.ZoneID}
	}
	refs, err := s.Zones.RefsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]zone.Ref, 0, len(ids))
	for _, id := range ids {
		z, ok := refs[id]
		if ok && (p.Role != actor.RoleProvince || (p.Province != "" && z.Province == p.Province)) {
			out = append(out, z)
		}
	}
	return out, nil
}

func refIDs(zs []zone.Ref) []int64 {
	ids := make([]int64, len(zs))
	for i, z := range zs {
		ids[i] = z.ID
	}
	return ids
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
func (s *Service) Overview(ctx context.Context, p *actor.Actor) (Overview, error) {
	out := Overview{Zones: []ZoneStatus{}}
	st, err := s.Settings(ctx)
	if err != nil {
		return out, err
	}
	out.Settings = st
	zs, err := s.visibleZones(ctx, p)
	if err != nil || len(zs) == 0 {
		return out, err
	}
	ids := refIDs(zs)
	due := AddMonths(MonthOf(s.now()), -1)
	// The last 13 months hold each zone's latest report and its base a year before.
	rs, err := s.Store.Reports(ctx, ids, AddMonths(due, -13), due)
	if err != nil {
		return out, err
	}
	byKey := map[int64]map[string]Report{}
	for _, r := range rs {
		if byKey[r.ZoneID] == nil {
			byKey[r.ZoneID] = map[string]Report{}
		}
		byKey[r.ZoneID][r.Month] = r
	}
	alerts, err := s.Store.OpenAlerts(ctx, ids)
	if err != nil {
		return out, err
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
	out.CanReport = p.Role == actor.RoleAdmin || (p.Role == actor.RoleZoneStaff && slices.Contains(ids, p.ZoneID))
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
func (s *Service) Series(ctx context.Context, p *actor.Actor, q SeriesQuery) (Series, error) {
	if q.Months == 0 {
		q.Months = 24
	}
	out := Series{ZoneID: q.ZoneID, Points: []Point{}}
	var ids []int64
	if q.ZoneID > 0 {
		z, err := s.zoneRef(ctx, q.ZoneID)
		if err != nil {
			return out, err
		}
		if !seesZone(p, z.ID, z.Province) {
			return out, errs.Forbidden()
		}
		out.NameZh, out.NameEn, ids = z.NameZh, z.NameEn, []int64{z.ID}
	} else {
		zs, err := s.visibleZones(ctx, p)
		if err != nil {
			return out, err
		}
		ids = refIDs(zs)
	}
	last := AddMonths(MonthOf(s.now()), -1)
	first := AddMonths(last, -(q.Months - 1))
	rs, err := s.Store.Reports(ctx, ids, AddMonths(first, -12), last)
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
func (s *Service) Alerts(ctx context.Context, p *actor.Actor, q AlertQuery) ([]Alert, error) {
	if q.Limit == 0 {
		q.Limit = 100
	}
	zs, err := s.visibleZones(ctx, p)
	if err != nil {
		return nil, err
	}
	out, err := s.Store.Alerts(ctx, refIDs(zs), q)
	if err != nil {
		return out, err
	}
	byID := make(map[int64]zone.Ref, len(zs))
	for _, z := range zs {
		byID[z.ID] = z
	}
	nameAlerts(out, byID)
	return out, nil
}

// nameAlerts sets each alert's zone names and province from zs.
func nameAlerts(as []Alert, zs map[int64]zone.Ref) {
	for i := range as {
		z := zs[as[i].ZoneID]
		as[i].ZoneNameZh, as[i].ZoneNameEn, as[i].Province = z.NameZh, z.NameEn, z.Province
	}
}

// Acknowledge marks an alert as seen (admins, or province staff of the zone's province).
func (s *Service) Acknowledge(ctx context.Context, id int64, p *actor.Actor) (Alert, error) {
	a, err := s.Store.Alert(ctx, id)
	if err != nil {
		return a, err
	}
	zs, err := s.Zones.RefsByID(ctx, []int64{a.ZoneID})
	if err != nil {
		return a, err
	}
	list := []Alert{a}
	nameAlerts(list, zs)
	a = list[0]
	if !p.ReviewsProvince(a.Province) {
		return a, errs.Forbidden()
	}
	now := s.now()
	if err := s.Store.Acknowledge(ctx, id, p.UserID, now); err != nil {
		return a, err
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
	if len(ids) > 0 {
		zs, err := s.Zones.RefsByID(ctx, ids)
		if err != nil {
			return err
		}
		if len(zs) != len(ids) {
			return errs.Invalid("zoneIds", "field.zone_unknown")
		}
	}
	return s.Store.SetKeyZones(ctx, ids, s.now())
}

// KeyZones lists the monitored zones' ids.
func (s *Service) KeyZones(ctx context.Context) ([]int64, error) {
	return s.Store.KeyZones(ctx)
}
