package master

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
)

// metrics are the master's Prometheus collectors, registered on the
// master's own registry (never the global one).
type metrics struct {
	logins   *prometheus.CounterVec // by result
	accounts *prometheus.CounterVec // account creations by result
	// sessions counts sessions opened (logins of every kind) and revoked
	// (logouts).
	sessions *prometheus.CounterVec
	// requests counts the control-plane requests answered, by subject and
	// result: "ok" or the error's api.Code.
	requests *prometheus.CounterVec
	// requestSeconds is the time the handler of a control-plane request
	// takes, by subject.
	requestSeconds *prometheus.HistogramVec
	// guestsDeleted counts the guest accounts deleted for being idle.
	guestsDeleted prometheus.Counter
}

func newMetrics() *metrics {
	return &metrics{
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_master_logins_total",
			Help: "Password logins by result (ok, bad_credentials).",
		}, []string{"result"}),
		accounts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_master_accounts_total",
			Help: "Account creation attempts by result (created, guest, taken).",
		}, []string{"result"}),
		sessions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_master_sessions_total",
			Help: "Gateway sessions opened (by a login, a guest login or a new account) and revoked (by a logout).",
		}, []string{"what"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_master_requests_total",
			Help: "Control-plane requests answered, by NATS subject and result (ok, or the error code).",
		}, []string{"subject", "result"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tinymmo_master_request_seconds",
			Help:    "Time the master takes to handle a control-plane request, by NATS subject.",
			Buckets: prometheus.ExponentialBuckets(.0005, 2, 15), // 0.5 ms to 8 s
		}, []string{"subject"}),
		guestsDeleted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_master_guests_deleted_total",
			Help: "Guest accounts deleted after going unused for guest_expiry (their characters go in every world).",
		}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.logins, m.accounts, m.sessions, m.requests, m.requestSeconds, m.guestsDeleted}
}

// handle subscribes fn to subject on m's control-plane service (see
// cluster.Handle), counting and timing each request it handles.
func handle[Req, Resp any](m *Master, subject string, fn func(context.Context, Req) (Resp, error)) error {
	return cluster.Handle(m.svc, subject, func(ctx context.Context, req Req) (Resp, error) {
		start := time.Now()
		resp, err := fn(ctx, req)
		m.metrics.requestSeconds.WithLabelValues(subject).Observe(time.Since(start).Seconds())
		result := "ok"
		if err != nil {
			result = string(api.CodeOf(err))
		}
		m.metrics.requests.WithLabelValues(subject, result).Inc()
		return resp, err
	})
}
