package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/monitor"
	"zonefair/app/notify"
	"zonefair/app/zone"
)

// demoKeyZones are the monitored zones with their typical month (USD 10,000): imports,
// exports, contracted and actually used foreign investment.
var demoKeyZones = []struct {
	slug                      string
	imports, exports, fc, fdi float64
}{
	{"suzhou-industrial-park", 350000, 460000, 42000, 17000},
	{"tianjin-teda", 210000, 180000, 30000, 12000},
	{"beijing-etda", 160000, 90000, 25000, 9000},
	{"guangzhou-etdz", 240000, 260000, 36000, 14000},
	{"kunshan-etdz", 300000, 420000, 28000, 10000},
	{"shanghai-minhang-etdz", 120000, 110000, 20000, 8000},
	{"ningbo-etdz", 180000, 230000, 16000, 6000},
	{"xian-etdz", 60000, 75000, 12000, 4500},
}

// demoMonitoring makes the demo zones key zones and loads 24 months of figures ending last
// month, with steady growth and seasonality. Kunshan's exports fall by almost a third in the
// last month, which raises an alert to Jiangsu and the ministry; Suzhou and Xi'an have not
// reported the last month yet, which the late-report check turns into alerts after the due
// day. It does nothing when reports exist.
func demoMonitoring(ctx context.Context, g *gorm.DB) error {
	var n int64
	if err := g.WithContext(ctx).Model(&monitor.Report{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	admin, err := account.NewStore(g).ByEmail(ctx, "admin@zonefair.test")
	if err != nil {
		return err
	}
	svc := &monitor.Service{Store: monitor.NewStore(g), Zones: zone.NewStore(g), Notify: &notify.Service{Store: notify.NewStore(g)}, Users: account.NewStore(g)}
	zones := zone.NewStore(g)
	var ids []int64
	for _, k := range demoKeyZones {
		z, err := zones.BySlug(ctx, k.slug)
		if err != nil {
			return fmt.Errorf("key zone %s: %w", k.slug, err)
		}
		ids = append(ids, z.ID)
	}
	if err := svc.SetKeyZones(ctx, monitor.KeyZonesInput{ZoneIDs: ids}); err != nil {
		return err
	}
	last := monitor.AddMonths(monitor.MonthOf(time.Now()), -1)
	var rows []monitor.Report
	for i, k := range demoKeyZones {
		rng := rand.New(rand.NewPCG(uint64(i)+7, 2020))
		for m := 23; m >= 0; m-- {
			month := monitor.AddMonths(last, -m)
			if m == 0 && (k.slug == "xian-etdz" || k.slug == "suzhou-industrial-park" || k.slug == "kunshan-etdz") {
				continue // Xi'an and Suzhou have yet to report; Kunshan reports below, through the service
			}
			t, _ := time.Parse("2006-01", month)
			// 6 % a year, a dip around the Spring Festival, ±4 % noise.
			f := math.Pow(1.06, float64(24-m)/12) * (1 - 0.12*math.Max(0, math.Cos(float64(t.Month()-2)*math.Pi/6))) * (0.96 + 0.08*rng.Float64())
			rows = append(rows, monitor.Report{ZoneID: ids[i], Month: month, Imports: round(k.imports * f), Exports: round(k.exports * f * (0.98 + 0.04*rng.Float64())),
				FDIContracted: round(k.fc * f * (0.8 + 0.4*rng.Float64())), FDIActual: round(k.fdi * f * (0.9 + 0.2*rng.Float64())), Note: ""})
		}
	}
	if err := g.WithContext(ctx).CreateInBatches(&rows, 100).Error; err != nil {
		return err
	}
	var base monitor.Report
	kunshan := ids[4]
	if err := g.WithContext(ctx).Where("zone_id = ? AND month = ?", kunshan, monitor.AddMonths(last, -12)).First(&base).Error; err != nil {
		return err
	}
	_, err = svc.Submit(ctx, admin.Actor(), monitor.ReportInput{ZoneID: kunshan, Month: last,
		Imports: round(base.Imports * 1.02), Exports: round(base.Exports * 0.69), FDIContracted: round(base.FDIContracted * 1.05), FDIActual: round(base.FDIActual * 0.97),
		Note: "主要出口企业订单转移 Orders of major exporters moved abroad"})
	return err
}

func round(v float64) float64 { return math.Round(v) }
