package master

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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

// A stream opened while nobody watched wakes the feed, and sends no event
// until one lists the players: the events gathered unwatched count them
// but leave the list out.
func TestLiveStreamWaitsForAnEventThatListsThePlayers(t *testing.T) {
	f := newLiveFeed(nil)
	f.publish(liveEvent{CCU: 7}, false)

	pr, pw := io.Pipe()
	req := httptest.NewRequestWithContext(t.Context(), "GET", "/admin/api/events", nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.serve(&pipeResponse{ResponseRecorder: httptest.NewRecorder(), w: pw}, req, adminSession{})
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	next := func() string {
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				return data
			}
		}
		t.Fatal("the stream ended")
		return ""
	}
	if history := next(); !strings.HasPrefix(history, "[") {
		t.Fatalf("the stream began with %q, want the history", history)
	}
	select {
	case <-f.wake:
	case <-time.After(10 * time.Second):
		t.Fatal("the first stream did not wake the feed")
	}
	if f.watchers.Load() != 1 {
		t.Errorf("%d watchers, want 1", f.watchers.Load())
	}
	f.publish(liveEvent{CCU: 7}, false) // gathered before the wake was seen
	f.publish(liveEvent{CCU: 7, Players: []livePlayer{{World: "w"}}}, true)
	var ev liveEvent
	if err := json.Unmarshal([]byte(next()), &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Players) != 1 {
		t.Errorf("the first event listed %d players, want the listed event's 1", len(ev.Players))
	}
	close(f.stopping)
	pr.Close() // and a write the stream had begun fails
	<-done
	if f.watchers.Load() != 0 {
		t.Errorf("%d watchers after the stream ended, want 0", f.watchers.Load())
	}
}

// pipeResponse is a ResponseWriter whose body goes to w as it is written.
type pipeResponse struct {
	*httptest.ResponseRecorder
	w io.Writer
}

func (p *pipeResponse) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p *pipeResponse) Flush()                      {}
