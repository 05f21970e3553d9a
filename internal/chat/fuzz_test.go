package chat_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/tinymmo/tinymmo/internal/chat"
)

// FuzzClean runs Clean on arbitrary text, as a client's Chat carries it.
// A refusal must be one of Clean's errors, for the reason it names; what it
// accepts must be valid UTF-8, free of control and format characters and of
// spaces at either end, 1 to MaxRunes characters long, made of the input's
// characters in their order, and left as it is by a second Clean.
func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"hello", "  hello there \t", "line\nbreak\r\x1b[31mred", "a\u202eb\u200bc", "héllo 世界 🙂",
		"", " \n\t ", "\u200b", "\u00a0x\u00a0", "\ufeff bom", "bad \xff utf8", "\xed\xa0\x80",
		strings.Repeat("é", chat.MaxRunes), strings.Repeat("é", chat.MaxRunes+1),
		strings.Repeat("\u200b", chat.MaxRunes) + "x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := chat.Clean(s)
		if err != nil {
			switch {
			case out != "":
				t.Fatalf("Clean(%q) = %q with error %v, want \"\"", s, out, err)
			case errors.Is(err, chat.ErrBadUTF8) == utf8.ValidString(s):
				t.Fatalf("Clean(%q) = %v; want ErrBadUTF8 exactly when the text is not valid UTF-8", s, err)
			case errors.Is(err, chat.ErrTooLong) && utf8.RuneCountInString(s) <= chat.MaxRunes:
				t.Fatalf("Clean(%q) = %v, but it has only %d characters", s, err, utf8.RuneCountInString(s))
			case !errors.Is(err, chat.ErrBadUTF8) && !errors.Is(err, chat.ErrTooLong) && !errors.Is(err, chat.ErrEmpty):
				t.Fatalf("Clean(%q) = %v, not one of its errors", s, err)
			}
			return
		}
		if !utf8.ValidString(s) || !utf8.ValidString(out) {
			t.Fatalf("Clean(%q) = %q: accepted or returned text that is not valid UTF-8", s, out)
		}
		if n := utf8.RuneCountInString(out); n < 1 || n > chat.MaxRunes {
			t.Fatalf("Clean(%q) = %q, %d characters", s, out, n)
		}
		if strings.TrimSpace(out) != out {
			t.Fatalf("Clean(%q) = %q, with spaces at an end", s, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("Clean(%q) = %q, which holds %U", s, out, r)
			}
		}
		if !isSubsequence(out, s) {
			t.Fatalf("Clean(%q) = %q, which is not the input's characters in order", s, out)
		}
		if again, err := chat.Clean(out); again != out || err != nil {
			t.Fatalf("Clean(%q) = %q, %v; want %q unchanged", out, again, err, out)
		}
	})
}

// isSubsequence reports whether the characters of sub appear in s in the
// same order.
func isSubsequence(sub, s string) bool {
	for _, r := range sub {
		i := strings.IndexRune(s, r)
		if i < 0 {
			return false
		}
		s = s[i+utf8.RuneLen(r):]
	}
	return true
}
