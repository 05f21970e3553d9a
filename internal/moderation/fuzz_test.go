package moderation_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/moderation"
)

// FuzzArguments runs the parsers of what a moderator types after a name
// ("/mute NAME 10m REASON", "/ban NAME perm REASON", and the dashboard's
// fields) on arbitrary text. A refused duration is an ErrDuration and 0;
// an accepted one lies within (0, max], is what time.ParseDuration reads
// or a whole number of days, and reads back the same from its String.
// ParseBan is ParseDuration up to MaxBan, but for "perm". An accepted
// reason is trimmed, not empty and at most MaxReason bytes.
func FuzzArguments(f *testing.F) {
	for _, s := range []string{
		"10m", "1h30m", "1d", "30d", "31d", "365d", "366d", "721h", "0s", "-5m", "0d", "-1d", "+2d",
		"99999999999999999d", "1.5d", "d", "5hd", "soon", "", "perm", "PERM", "Perm ", ".5s", "9223372036854775807ns",
		"  spamming the say channel  ", strings.Repeat("x", moderation.MaxReason+1),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, max := range []time.Duration{moderation.MaxMute, moderation.MaxBan} {
			d, err := moderation.ParseDuration(s, max)
			if err != nil {
				if d != 0 || !errors.Is(err, moderation.ErrDuration) {
					t.Fatalf("ParseDuration(%q, %v) = %v, %v; want 0 and an ErrDuration", s, max, d, err)
				}
				continue
			}
			if d <= 0 || d > max {
				t.Fatalf("ParseDuration(%q, %v) = %v, out of (0, %v]", s, max, d, max)
			}
			if days, ok := strings.CutSuffix(s, "d"); ok {
				if n, err := strconv.Atoi(days); err != nil || d != time.Duration(n)*moderation.Day {
					t.Fatalf("ParseDuration(%q, %v) = %v, not %q days", s, max, d, days)
				}
			} else if want, err := time.ParseDuration(s); err != nil || d != want {
				t.Fatalf("ParseDuration(%q, %v) = %v; time.ParseDuration says %v, %v", s, max, d, want, err)
			}
			if again, err := moderation.ParseDuration(d.String(), max); again != d || err != nil {
				t.Fatalf("ParseDuration(%q, %v) = %v, %v; want %v, which %q parsed as", d.String(), max, again, err, d, s)
			}
		}

		ban, err := moderation.ParseBan(s)
		if strings.EqualFold(s, moderation.Permanent) {
			if ban != 0 || err != nil {
				t.Fatalf("ParseBan(%q) = %v, %v; want 0 (permanent)", s, ban, err)
			}
		} else if d, derr := moderation.ParseDuration(s, moderation.MaxBan); ban != d || (err == nil) != (derr == nil) {
			t.Fatalf("ParseBan(%q) = %v, %v; ParseDuration up to MaxBan = %v, %v", s, ban, err, d, derr)
		}

		if reason, err := moderation.CheckReason(s); err == nil {
			if reason == "" || len(reason) > moderation.MaxReason || reason != strings.TrimSpace(s) {
				t.Fatalf("CheckReason(%q) accepted %q", s, reason)
			}
		} else if r := strings.TrimSpace(s); r != "" && len(r) <= moderation.MaxReason {
			t.Fatalf("CheckReason(%q) = %v, for a reason of %d bytes", s, err, len(r))
		}
	})
}
