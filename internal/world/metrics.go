package world

import "github.com/prometheus/client_golang/prometheus"

// metrics are the world's Prometheus collectors, on the world's own
// registry (never the global one).
type metrics struct {
	connections      prometheus.Gauge
	players          prometheus.Gauge
	refused          *prometheus.CounterVec // handshakes refused, by close reason
	bytesIn          prometheus.Counter
	bytesOut         prometheus.Counter
	inputsDropped    prometheus.Counter
	malformed        prometheus.Counter
	slowClients      prometheus.Counter
	tickSeconds      prometheus.Histogram
	instances        prometheus.Gauge
	portalTrips      prometheus.Counter
	autosavesSkipped prometheus.Counter
}

func newMetrics() *metrics {
	return &metrics{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tinymmo_world_connections", Help: "Open WebSocket connections, admitted or not.",
		}),
		players: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tinymmo_world_players", Help: "Players in the world.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_world_refused_total", Help: "Connections refused at Hello, by reason.",
		}, []string{"reason"}),
		bytesIn: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_bytes_in_total", Help: "Message payload bytes received from players.",
		}),
		bytesOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_bytes_out_total", Help: "Message payload bytes sent to players.",
		}),
		inputsDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_inputs_dropped_total", Help: "Client messages dropped: over the connection's rate cap, or inputs beyond the queue waiting for their tick (protocol.MaxQueuedInputs).",
		}),
		malformed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_malformed_total", Help: "Connections closed for a malformed or unexpected message.",
		}),
		slowClients: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_slow_clients_total", Help: "Players dropped because they could not keep up with their messages.",
		}),
		tickSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "tinymmo_world_tick_seconds",
			Help:    "Time one instance tick takes: inputs, movement, portals, interest management and encoding.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .0075, .01, .015, .025, .05, .1},
		}),
		instances: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tinymmo_world_instances", Help: "Map instances running.",
		}),
		portalTrips: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_portal_trips_total", Help: "Players who went through a portal.",
		}),
		autosavesSkipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_autosaves_skipped_total", Help: "Autosave batches skipped because the previous ones were still being written.",
		}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.connections, m.players, m.refused, m.bytesIn, m.bytesOut, m.inputsDropped, m.malformed, m.slowClients,
		m.tickSeconds, m.instances, m.portalTrips, m.autosavesSkipped}
}
