package moderation

import (
	"errors"
	"testing"
	"time"
)

// FuzzParseDuration: whatever a moderator types as a mute's or ban's
// length, it is refused with ErrDuration or is more than zero and at most
// the limit, and FormatLeft can say what is left of it.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"10m", "1h30m", "7d", "0d", "-5s", "99999999999999999d", "perm", "PERM", "1.5h", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, limit := range []time.Duration{MaxMute, MaxBan} {
			d, err := ParseDuration(in, limit)
			if err != nil {
				if !errors.Is(err, ErrDuration) {
					t.Fatalf("ParseDuration(%q): %v, not an ErrDuration", in, err)
				}
				continue
			}
			if d <= 0 || d > limit {
				t.Fatalf("ParseDuration(%q, %v) = %v, outside (0, limit]", in, limit, d)
			}
			if FormatLeft(d) == "" {
				t.Fatalf("FormatLeft(%v) is empty", d)
			}
		}
		if d, err := ParseBan(in); err == nil && (d < 0 || d > MaxBan) {
			t.Fatalf("ParseBan(%q) = %v", in, d)
		}
	})
}
