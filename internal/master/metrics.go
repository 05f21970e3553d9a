package master

import "github.com/prometheus/client_golang/prometheus"

// metrics are the master's Prometheus collectors, registered on the
// master's own registry (never the global one).
type metrics struct {
	logins   *prometheus.CounterVec // by result
	accounts *prometheus.CounterVec // account creations by result
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
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.logins, m.accounts}
}
