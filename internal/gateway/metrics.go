package gateway

import (
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tinymmo/tinymmo/internal/cluster"
)

// Rate limits, as the label "what" of tinymmo_gateway_rate_limited_total
// names them.
const (
	limitedIP      = "ip"       // credential calls of one client IP
	limitedEnterIP = "enter_ip" // world entries of one client IP
	limitedIPName  = "ip_name"  // credential calls of one IP at one username
	limitedFailure = "failures" // logins made to wait after the username's failures
)

// metrics are the gateway's Prometheus collectors, registered on the
// gateway's own registry (never the global one).
type metrics struct {
	registry *prometheus.Registry
	// requests counts answered requests by route pattern (the ServeMux
	// pattern that served them, so the label set stays small) and status.
	requests *prometheus.CounterVec
	// requestSeconds is the time to answer, by route pattern.
	requestSeconds *prometheus.HistogramVec
	// loginSeconds is the time a password login takes, from the request's
	// arrival to the answer, waits for the failure limit included.
	loginSeconds *prometheus.HistogramVec
	// rateLimited counts calls refused or delayed by a rate limit.
	rateLimited *prometheus.CounterVec
	// served counts the requests answered, for the heartbeat.
	served atomic.Uint64
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_gateway_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tinymmo_gateway_request_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: prometheus.ExponentialBuckets(.0005, 2, 15), // 0.5 ms to 8 s
		}, []string{"route"}),
		loginSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tinymmo_gateway_login_seconds",
			Help:    "Time a password login takes, waits for the failed-login limit included, by result (ok, failed).",
			Buckets: prometheus.ExponentialBuckets(.005, 2, 12), // 5 ms to 10 s
		}, []string{"result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_gateway_rate_limited_total",
			Help: "Calls refused by a rate limit (ip, enter_ip, ip_name) or made to wait for a username's failed logins (failures).",
		}, []string{"what"}),
	}
	m.registry.MustRegister(m.requests, m.requestSeconds, m.loginSeconds, m.rateLimited)
	return m
}

// instrument counts and times every request next answers. The route is
// the pattern the innermost ServeMux matched, which it records on the
// request; a request no pattern matched counts under "none".
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "none"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		m.served.Add(1)
		m.requestSeconds.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// serveMetrics serves /metrics and /healthz on their own listener, apart
// from the public API, so that the numbers are not published to players.
func (g *Gateway) serveMetrics() error {
	ln, err := net.Listen("tcp", g.cfg.MetricsListen)
	if err != nil {
		return err
	}
	g.metricsAddr = ln.Addr()
	g.metricsHTTP = cluster.ServeMonitoring(ln, g.nc, g.metrics.registry, g.log)
	return nil
}
