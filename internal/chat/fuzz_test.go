package chat

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzClean: whatever a client types, Clean either refuses it with one of
// its errors or returns a line that is valid UTF-8, trimmed, free of
// control and format characters, at most MaxRunes long, and clean already.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"hello", "  hi  ", "\x1b[31mred", "a\u202eb", "\xff", "", strings.Repeat("é", MaxRunes+1), "\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Clean(in)
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrTooLong) && !errors.Is(err, ErrBadUTF8) {
				t.Fatalf("Clean(%q): unexpected error %v", in, err)
			}
			return
		}
		switch {
		case !utf8.ValidString(out):
			t.Fatalf("Clean(%q) = %q, not UTF-8", in, out)
		case out == "" || out != strings.TrimSpace(out):
			t.Fatalf("Clean(%q) = %q, empty or untrimmed", in, out)
		case utf8.RuneCountInString(out) > MaxRunes:
			t.Fatalf("Clean(%q) has %d runes", in, utf8.RuneCountInString(out))
		case strings.IndexFunc(out, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
			t.Fatalf("Clean(%q) = %q keeps a control or format character", in, out)
		}
		if again, err := Clean(out); err != nil || again != out {
			t.Fatalf("Clean is not idempotent on %q: %q, %v", out, again, err)
		}
	})
}
