package monitor

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"zonefair/app/actor"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/zone"
)

// Service is the monitoring's use cases.
type Service struct {
	Store  *Store
	Zones  Zones
	Notify *notify.Service // nil tells nobody
	Users  Users
	Now    func() time.Time
	// Every is how often Run looks for late reports (a minute when zero).
	Every time.Duration
	Log   *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Settings returns the monitoring rules in force.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	return s.Store.Settings(ctx)
}

// SaveSettings replaces the monitoring rules (admins).
func (s *Service) SaveSettings(ctx context.Context, p *actor.Actor, in SettingsInput) (Settings, error) {
	if p == nil || p.Role != actor.RoleAdmin {
		return Settings{}, errs.Forbidden()
	}
	st := Settings{DropThreshold: math.Round(in.DropThreshold*10) / 10, DueDay: in.DueDay, UpdatedBy: p.UserID, UpdatedAt: s.now()}
	err := s.Store.SaveSettings(ctx, &st)
	return st, err
}

// ReportInput is a zone's figures for a month, in USD 10,000.
type ReportInput struct {
	ZoneID        int64   `json:"zoneId" validate:"gte=0"`
	Month         string  `json:"month" validate:"required,len=7"`
	Imports       float64 `json:"imports" validate:"gte=0,lte=10000000"`
	Exports       float64 `json:"exports" validate:"gte=0,lte=10000000"`
	FDIContracted float64 `json:"fdiContracted" validate:"gte=0,lte=10000000"`
	FDIActual     float64 `json:"fdiActual" validate:"gte=0,lte=10000000"`
	Note          string  `json:"note" validate:"max=2000,text"`
}

// CorrectionInput changes a report's figures, with the reason kept in the audit trail.
type CorrectionInput struct {
	Imports       float64 `json:"imports" validate:"gte=0,lte=10000000"`
	Exports       float64 `json:"exports" validate:"gte=0,lte=10000000"`
	FDIContracted float64 `json:"fdiContracted" validate:"gte=0,lte=10000000"`
	FDIActual     float64 `json:"fdiActual" validate:"gte=0,lte=10000000"`
	Reason        string  `json:"reason" validate:"required,min=2,max=1000,text"`
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// checkMonth accepts a YYYY-MM month from 2000 on that has ended in Beijing.
func (s *Service) checkMonth(m string) error {
	t, err := time.Parse("2006-01", m)
	if err != nil || t.Year() < 2000 || m >= MonthOf(s.now()) {
		return errs.Invalid("month", "monitor.month")
	}
	return nil
}

// zoneOf loads the zone a caller reports or reads for, checking access and key-zone status.
func (s *Service) zoneOf(ctx context.Context, zoneID int64) (zone.Ref, bool, error) {
	z, err := s.zoneRef(ctx, zoneID)
	if err != nil {
		return z, false, err
	}
	key, err := s.Store.IsKeyZone(ctx, zoneID)
	return z, key, err
}

// zoneRef names zone zoneID (a 404 error when it does not exist).
func (s *Service) zoneRef(ctx context.Context, zoneID int64) (zone.Ref, error) {
	zs, err := s.Zones.RefsByID(ctx, []int64{zoneID})
	if err != nil {
		return zone.Ref{}, err
	}
	z, ok := zs[zoneID]
	if !ok {
		return z, errs.NotFound("zone")
	}
	return z, nil
}

// Submit stores a key zone's first report for a month (zone staff their zone, admins any)
// and raises the alerts its figures call for.
func (s *Service) Submit(ctx context.Context, p *actor.Actor, in ReportInput) (Report, error) {
	zoneID, err := p.CreatesIn(in.ZoneID)
	if err != nil {
		return Report{}, err
	}
	if in.ZoneID = zoneID; !p.ManagesZone(in.ZoneID) {
		return Report{}, errs.Forbidden()
	}
	if err := s.checkMonth(in.Month); err != nil {
		return Report{}, err
	}
	z, key, err := s.zoneOf(ctx, in.ZoneID)
	if err != nil {
		return Report{}, err
	}
	if !key {
		return Report{}, errs.New(errs.ErrConflict, "monitor.not_key_zone")
	}
	r := Report{ZoneID: in.ZoneID, Month: in.Month, Imports: round2(in.Imports), Exports: round2(in.Exports),
		FDIContracted: round2(in.FDIContracted), FDIActual: round2(in.FDIActual), Note: strings.TrimSpace(in.Note), ReportedBy: p.UserID}
	// The report and the alerts it raises are stored together: a failure leaves neither, so
	// the zone can simply submit again and no alert is lost.
	var raised []raisedAlert
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		if err := tx.CreateReport(ctx, &r); err != nil {
			return err
		}
		var err error
		raised, err = s.evaluate(ctx, tx, z, r.Month, nil)
		return err
	})
	if err != nil {
		if db.IsUniqueViolation(err) {
			return r, errs.New(errs.ErrConflict, "monitor.report_exists")
		}
		return r, err
	}
	s.tell(ctx, raised)
	return r, nil
}

// Correct changes a report's figures (the zone's staff or admins), recording each changed
// figure with the reason, and re-evaluates the month and the same month a year later.
func (s *Service) Correct(ctx context.Context, id int64, p *actor.Actor, in CorrectionInput) (Report, error) {
	r, err := s.Store.Report(ctx, id)
	if err != nil {
		return r, err
	}
	if !p.ManagesZone(r.ZoneID) {
		return r, errs.Forbidden()
	}
	next := map[string]float64{"imports": round2(in.Imports), "exports": round2(in.Exports), "fdi_contracted": round2(in.FDIContracted), "fdi_actual": round2(in.FDIActual)}
	now := s.now()
	var changes []Change
	for _, ind := range Indicators {
		if old := r.value(ind); old != next[ind] {
			changes = append(changes, Change{ReportID: id, UserID: p.UserID, UserName: p.Name, Field: ind, OldValue: old, NewValue: next[ind], Reason: strings.TrimSpace(in.Reason), CreatedAt: now})
			r.set(ind, next[ind])
		}
	}
	if len(changes) == 0 {
		return r, errs.Invalid("reason", "monitor.no_change")
	}
	z, _, err := s.zoneOf(ctx, r.ZoneID)
	if err != nil {
		return r, err
	}
	// The corrected month and the same month a year later are compared anew, in the same
	// transaction as the correction.
	var raised []raisedAlert
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		if err := tx.Correct(ctx, &r, changes, now); err != nil {
			return err
		}
		var err error
		if raised, err = s.evaluate(ctx, tx, z, r.Month, raised); err != nil {
			return err
		}
		raised, err = s.evaluate(ctx, tx, z, AddMonths(r.Month, 12), raised)
		return err
	})
	if err != nil {
		return r, err
	}
	r.UpdatedAt = now
	s.tell(ctx, raised)
	return r, nil
}

// Changes lists a report's audited corrections, newest first.
func (s *Service) Changes(ctx context.Context, id int64, p *actor.Actor) ([]Change, error) {
	r, err := s.Store.Report(ctx, id)
	if err != nil {
		return nil, err
	}
	z, err := s.zoneRef(ctx, r.ZoneID)
	if err != nil {
		return nil, err
	}
	if !seesZone(p, z.ID, z.Province) {
		return nil, errs.Forbidden()
	}
	return s.Store.Changes(ctx, id)
}

// evaluate compares a zone's month with the same month a year before, in tx, and raises a drop
// alert for each figure that fell by at least the threshold; it appends the alerts raised.
func (s *Service) evaluate(ctx context.Context, tx *Store, z zone.Ref, month string, raised []raisedAlert) ([]raisedAlert, error) {
	rs, err := tx.ReportsIn(ctx, z.ID, []string{month, AddMonths(month, -12)})
	if err != nil {
		return raised, err
	}
	var cur, prev *Report
	for i := range rs {
		if rs[i].Month == month {
			cur = &rs[i]
		} else {
			prev = &rs[i]
		}
	}
	if cur == nil || prev == nil {
		return raised, nil
	}
	st, err := tx.Settings(ctx)
	if err != nil {
		return raised, err
	}
	for _, ind := range Indicators {
		v, pv := cur.value(ind), prev.value(ind)
		pct := YoY(v, pv)
		if pct == nil || *pct > -st.DropThreshold {
			continue
		}
		a := Alert{ZoneID: z.ID, Month: month, Kind: KindDrop, Indicator: ind, Value: &v, Previous: &pv, ChangePct: pct, Threshold: st.DropThreshold}
		if raised, err = s.raise(ctx, tx, z, a, raised); err != nil {
			return raised, err
		}
	}
	return raised, nil
}

// raisedAlert is an alert stored in a transaction, to be told to its readers once committed.
type raisedAlert struct {
	alert Alert
	to    []int64
}

// raise stores an alert in tx unless the same one (zone, month, kind, figure) exists — the
// unique index makes that hold across instances — with a notification for the province and
// the ministry; it appends the alert if it was new.
func (s *Service) raise(ctx context.Context, tx *Store, z zone.Ref, a Alert, raised []raisedAlert) ([]raisedAlert, error) {
	a.CreatedAt = s.now()
	added, err := tx.AddAlert(ctx, &a)
	if err != nil || !added {
		return raised, err
	}
	to, err := s.Users.Reviewers(ctx, z.Province)
	if err != nil {
		return raised, err
	}
	a.ZoneNameZh, a.ZoneNameEn, a.Province = z.NameZh, z.NameEn, z.Province
	if s.Notify != nil {
		for _, id := range to {
			if _, err := s.Notify.Add(tx.db, id, KindAlert, notice(a)); err != nil {
				return raised, err
			}
		}
	}
	return append(raised, raisedAlert{alert: a, to: to}), nil
}

// tell publishes committed alerts to their readers' open pages.
func (s *Service) tell(ctx context.Context, raised []raisedAlert) {
	if s.Notify == nil {
		return
	}
	for _, r := range raised {
		for _, id := range r.to {
			s.Notify.Publish(ctx, id, KindAlert, notice(r.alert))
		}
	}
}

// CheckLate raises a late alert for every key zone whose report for last month is not in
// after the due day. Several instances may run it at once: each alert is raised once.
func (s *Service) CheckLate(ctx context.Context) (int, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now().In(beijing)
	if now.Day() <= st.DueDay {
		return 0, nil
	}
	month := AddMonths(MonthOf(now), -1)
	ids, err := s.Store.LateZones(ctx, month)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	zs, err := s.Zones.RefsByID(ctx, ids)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		z, ok := zs[id]
		if !ok {
			continue // removed since it was made a key zone
		}
		var raised []raisedAlert
		err := s.Store.Transaction(ctx, func(tx *Store) error {
			var err error
			raised, err = s.raise(ctx, tx, z, Alert{ZoneID: z.ID, Month: month, Kind: KindLate, Threshold: float64(st.DueDay)}, nil)
			return err
		})
		if err != nil {
			return n, err
		}
		s.tell(ctx, raised)
		n += len(raised)
	}
	return n, nil
}

// Run looks for late reports every Every until ctx ends. Start it once per process; every
// instance may run it.
func (s *Service) Run(ctx context.Context) {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	every := s.Every
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.CheckLate(ctx); err != nil && ctx.Err() == nil {
			log.Warn("late monitoring reports not checked", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// AlertNotice is an alert as notifications carry it, with a sentence in both languages.
type AlertNotice struct {
	Alert
	SubjectZh string `json:"subjectZh"`
	SubjectEn string `json:"subjectEn"`
}

var indicatorNames = map[string][2]string{
	"imports": {"进口", "imports"}, "exports": {"出口", "exports"},
	"fdi_contracted": {"合同外资", "contracted foreign investment"}, "fdi_actual": {"实际使用外资", "foreign investment actually used"},
}

func notice(a Alert) AlertNotice {
	n := AlertNotice{Alert: a}
	if a.Kind == KindLate {
		n.SubjectZh = fmt.Sprintf("预警：%s %s 月报逾期未报", a.ZoneNameZh, a.Month)
		n.SubjectEn = fmt.Sprintf("Alert: %s has not reported %s", a.ZoneNameEn, a.Month)
		return n
	}
	name, pct := indicatorNames[a.Indicator], 0.0
	if a.ChangePct != nil {
		pct = *a.ChangePct
	}
	n.SubjectZh = fmt.Sprintf("预警：%s %s %s同比 %.1f%%", a.ZoneNameZh, a.Month, name[0], pct)
	n.SubjectEn = fmt.Sprintf("Alert: %s %s %.1f%% year on year in %s", a.ZoneNameEn, name[1], pct, a.Month)
	return n
}
