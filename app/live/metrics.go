package live

import (
	"context"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	conns       prometheus.Gauge
	published   prometheus.Counter
	deliveries  prometheus.Counter
	recoveries  prometheus.Counter
	resets      prometheus.Counter
	disconnects *prometheus.CounterVec
	behind      prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, h *Hub) (*metrics, error) {
	m := &metrics{
		conns: prometheus.NewGauge(prometheus.GaugeOpts{Name: "zonefair_live_connections",
			Help: "Open websocket connections."}),
		published: prometheus.NewCounter(prometheus.CounterOpts{Name: "zonefair_live_publications_total",
			Help: "Publications accepted by this instance."}),
		deliveries: prometheus.NewCounter(prometheus.CounterOpts{Name: "zonefair_live_deliveries_total",
			Help: "Publication frames queued to connections."}),
		recoveries: prometheus.NewCounter(prometheus.CounterOpts{Name: "zonefair_live_recoveries_total",
			Help: "Joins that resumed from a client's last offset."}),
		resets: prometheus.NewCounter(prometheus.CounterOpts{Name: "zonefair_live_resets_total",
			Help: "Times a room found its history gone and told clients to reload."}),
		disconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zonefair_live_disconnects_total",
			Help: "Connections closed, by close code (4009 = slow consumer)."}, []string{"code"}),
		behind: prometheus.NewCounter(prometheus.CounterOpts{Name: "zonefair_live_writes_behind_total",
			Help: "Times a connection's socket was full, so its own writer took over from the flushers."}),
	}
	if reg == nil {
		return m, nil
	}
	up := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zonefair_live_backend_up",
		Help: "1 while fan-out between instances works."}, func() float64 {
		if h.node != nil && h.node.Ready(context.Background()) == nil {
			return 1
		}
		return 0
	})
	for _, c := range []prometheus.Collector{m.conns, m.published, m.deliveries, m.recoveries, m.resets, m.disconnects, m.behind, up} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) disconnect(code int) {
	m.disconnects.WithLabelValues(strconv.Itoa(code)).Inc()
}
