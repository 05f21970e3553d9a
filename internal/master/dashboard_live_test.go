package master

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/cluster"
)

func TestTickPercentileReadsTheDifferenceOfTwoAnswers(t *testing.T) {
	at := func(ticks uint64, counts ...uint64) cluster.WorldStatus {
		st := cluster.WorldStatus{Ticks: ticks}
		for i, c := range counts {
			st.TickBuckets = append(st.TickBuckets, cluster.TickBucket{UpperBound: []float64{.001, .005, .01}[i], Count: c})
		}
		return st
	}
	// Long ago, slow ticks; in the last second, 100 ticks of which one
	// took up to 5 ms and the rest up to 1 ms.
	prev := at(1000, 0, 500, 1000)
	cur := at(1100, 99, 600, 1100)
	if got := tickPercentile(prev, cur, 0.99); got != .001 {
		t.Errorf("p99 = %v, want 0.001", got)
	}
	if got := tickPercentile(prev, cur, 1); got != .005 {
		t.Errorf("p100 = %v, want 0.005", got)
	}
	if got := tickPercentile(prev, at(1200, 99, 600, 1100), 0.99); got != .01 {
		t.Errorf("p99 beyond the last bucket = %v, want its bound", got)
	}
	if got := tickPercentile(cur, cur, 0.99); got != 0 {
		t.Errorf("p99 without ticks = %v, want 0", got)
	}
	if got := tickPercentile(cur, at(1200, 1, 2, 3), 0.99); got != 0 {
		t.Errorf("p99 after a restart = %v, want 0", got)
	}
}
