package world

import (
	runtimemetrics "runtime/metrics"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tinymmo/tinymmo/internal/saver"
)

// metrics are the world's Prometheus collectors, on the world's own
// registry (never the global one).
type metrics struct {
	connections   prometheus.Gauge
	players       prometheus.Gauge
	refused       *prometheus.CounterVec // handshakes refused, by close reason
	bytesIn       prometheus.Counter
	bytesOut      prometheus.Counter
	inputsDropped prometheus.Counter
	malformed     prometheus.Counter
	slowClients   prometheus.Counter
	tickSeconds   prometheus.Histogram
	instances     prometheus.Gauge
	portalTrips   prometheus.Counter
	// combat counts the instances' fights by what happened: abilities
	// used and refused, deaths, level-ups.
	combat *prometheus.CounterVec
	npcs   prometheus.Gauge
	// chat counts chat lines by what became of them: say and whisper
	// lines passed on, and lines refused for the rate limit.
	chat *prometheus.CounterVec
	// saveSeconds is the time one batch of character saves takes to
	// write, by result (ok, error).
	saveSeconds *prometheus.HistogramVec
	// charactersForgotten counts the characters deleted with their
	// accounts (idle guests the master deleted).
	charactersForgotten prometheus.Counter
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
		combat: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_world_combat_total", Help: "What happened in fights: abilities used, actions refused, deaths (players and NPCs) and levels gained.",
		}, []string{"what"}),
		npcs: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tinymmo_world_npcs", Help: "NPCs in every instance.",
		}),
		chat: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tinymmo_world_chat_total", Help: "Chat lines: said to an instance, whispered, or refused for the rate limit.",
		}, []string{"what"}),
		saveSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tinymmo_world_save_seconds",
			Help:    "Time to write one batch of character saves to the database, by result (ok, error).",
			Buckets: prometheus.ExponentialBuckets(.0005, 2, 15), // 0.5 ms to 8 s
		}, []string{"result"}),
		charactersForgotten: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tinymmo_world_characters_deleted_total",
			Help: "Characters deleted because the master deleted their account (an idle guest).",
		}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.connections, m.players, m.refused, m.bytesIn, m.bytesOut, m.inputsDropped, m.malformed, m.slowClients,
		m.tickSeconds, m.instances, m.portalTrips, m.combat, m.npcs, m.chat, m.saveSeconds, m.charactersForgotten}
}

// observeSave records one batch write of the saver (saver.Options.ObserveWrite).
func (m *metrics) observeSave(elapsed time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.saveSeconds.WithLabelValues(result).Observe(elapsed.Seconds())
}

// saverCollectors reads the saver's counters at each scrape.
func saverCollectors(sv *saver.Saver) []prometheus.Collector {
	counter := func(name, help string, read func(saver.Stats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return read(sv.Stats()) })
	}
	gauge := func(name, help string, read func(saver.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return read(sv.Stats()) })
	}
	return []prometheus.Collector{
		counter("tinymmo_world_saves_written_total", "Character saves written to the database.",
			func(s saver.Stats) float64 { return float64(s.Written) }),
		counter("tinymmo_world_saves_replaced_total", "Queued character saves replaced by a newer version before they were written.",
			func(s saver.Stats) float64 { return float64(s.Replaced) }),
		counter("tinymmo_world_saves_stale_total", "Character saves dropped because a newer version was queued or stored.",
			func(s saver.Stats) float64 { return float64(s.Stale) }),
		counter("tinymmo_world_saves_failed_total", "Character saves given up: the character no longer exists, or shutdown ran out of time while writes failed.",
			func(s saver.Stats) float64 { return float64(s.Failed) }),
		counter("tinymmo_world_save_errors_total", "Failed attempts to write a batch of saves; the saves stay pending and are retried.",
			func(s saver.Stats) float64 { return float64(s.Errors) }),
		counter("tinymmo_world_save_batches_total", "Batches of character saves written.",
			func(s saver.Stats) float64 { return float64(s.Batches) }),
		counter("tinymmo_world_save_batch_seconds_total", "Time spent writing batches of character saves.",
			func(s saver.Stats) float64 { return s.BatchTime.Seconds() }),
		gauge("tinymmo_world_saves_pending", "Characters whose newest state is not in the database yet: queued or being written.",
			func(s saver.Stats) float64 { return float64(s.Pending) }),
		gauge("tinymmo_world_saves_retrying", "Characters waiting for a retry because their last write failed; logins get their state from memory meanwhile.",
			func(s saver.Stats) float64 { return float64(s.Retrying) }),
	}
}

// runtimeCollectors report two of the Go runtime's memory figures for the
// whole process, read at each scrape: unlike the resident set size, they
// do not move with where the garbage collector stands, so they show what
// each player really holds (bench load reads them per player).
func runtimeCollectors() []prometheus.Collector {
	gauge := func(name, help, metric string) prometheus.Collector {
		sample := []runtimemetrics.Sample{{Name: metric}}
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			runtimemetrics.Read(sample)
			return float64(sample[0].Value.Uint64())
		})
	}
	return []prometheus.Collector{
		gauge("tinymmo_process_heap_live_bytes", "Heap bytes the last garbage collection found live (runtime/metrics /gc/heap/live:bytes).", "/gc/heap/live:bytes"),
		gauge("tinymmo_process_stack_bytes", "Bytes of goroutine stacks (runtime/metrics /memory/classes/heap/stacks:bytes).", "/memory/classes/heap/stacks:bytes"),
	}
}
