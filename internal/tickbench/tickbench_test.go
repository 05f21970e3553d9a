package tickbench

import (
	"fmt"
	"testing"
)

func TestTickBenchSizesTheFieldForTheVisibleTarget(t *testing.T) {
	r := Run(Config{Players: 400, Ticks: 20, Visible: 50})
	if r.VisibleAvg < 30 || r.VisibleAvg > 70 {
		t.Errorf("visible_avg = %.1f, want about 50", r.VisibleAvg)
	}
	if r.MovingAvg <= 0 || r.MovingAvg > r.VisibleAvg {
		t.Errorf("moving_avg = %.1f, want in (0, visible_avg %.1f]", r.MovingAvg, r.VisibleAvg)
	}
	if r.ClientBytesPerS <= 0 || r.BytesPerMovingUpdate <= 0 || r.NsPerPlayerTick <= 0 {
		t.Errorf("result %+v has a figure that is not positive", r)
	}
}

// BenchmarkTick steps one instance of N random-walking players, each seeing
// about 100 others: the simulation, interest management and encoding of the
// server's hot path, without sockets.
func BenchmarkTick(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("players=%d", n), func(b *testing.B) {
			tb := newTickBench(Config{Players: n, Visible: 100, Seed: 1})
			for range 60 {
				tb.tick()
			}
			tb.resetCounters()
			b.ReportAllocs()
			ticks := 0
			for b.Loop() {
				tb.tick()
				ticks++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*ticks), "ns/player-tick")
			if tb.moving > 0 {
				b.ReportMetric(float64(tb.bodyBytes)/float64(tb.moving), "bytes/moving-update")
			}
			b.ReportMetric(float64(tb.bytes)*8/float64(n)/(float64(ticks)/20), "bits/s/client")
		})
	}
}
