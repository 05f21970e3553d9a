package world

import (
	"slices"
	"testing"
	"time"
)

// TestCountdownWarnsAtFiveMinutesOneMinuteAndTenSeconds: a shutdown from
// the dashboard is told at once, then at each of 5 min, 1 min and 10 s left
// that it has not passed, then happens.
func TestCountdownWarnsAtFiveMinutesOneMinuteAndTenSeconds(t *testing.T) {
	for _, tt := range []struct {
		in   time.Duration
		want []time.Duration
	}{
		{5 * time.Minute, []time.Duration{5 * time.Minute, time.Minute, 10 * time.Second, 0}},
		{time.Hour, []time.Duration{time.Hour, 5 * time.Minute, time.Minute, 10 * time.Second, 0}},
		{90 * time.Second, []time.Duration{90 * time.Second, time.Minute, 10 * time.Second, 0}},
		{10 * time.Second, []time.Duration{10 * time.Second, 0}},
		{2 * time.Second, []time.Duration{2 * time.Second, 0}},
	} {
		if got := countdown(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("countdown(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
