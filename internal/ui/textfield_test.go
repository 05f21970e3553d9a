package ui

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/api"
)

func TestTextFieldInsert(t *testing.T) {
	for _, tc := range []struct {
		name      string
		max       int
		start     string
		caret     int
		insert    string
		want      string
		wantCaret int
	}{
		{"at the end", 20, "bob", 3, "by", "bobby", 5},
		{"in the middle", 20, "bby", 1, "o", "boby", 2},
		{"accents and CJK", 20, "", 0, "héllo 日本語", "héllo 日本語", len("héllo 日本語")},
		{"line breaks and controls dropped", 20, "", 0, "a\nb\tc\x00d", "abcd", 4},
		{"cut at the limit", 5, "abc", 3, "defg", "abcde", 5},
		{"full", 3, "abc", 1, "x", "abc", 1},
		{"limit counts characters, not bytes", 3, "日", 3, "本語!", "日本語", len("日本語")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTextField(false, tc.max)
			f.text, f.caret = tc.start, tc.caret
			f.insert(tc.insert)
			if f.text != tc.want || f.caret != tc.wantCaret {
				t.Errorf("insert(%q) into %q at %d = %q at %d, want %q at %d",
					tc.insert, tc.start, tc.caret, f.text, f.caret, tc.want, tc.wantCaret)
			}
		})
	}
}

func TestTextFieldSetTextCleansAndCaps(t *testing.T) {
	f := newTextField(false, api.NameMaxLen)
	f.setText("Averyveryverylongname\n")
	if f.Text() != "Averyveryverylon" || f.caret != len(f.Text()) {
		t.Errorf("setText = %q, caret %d; want the first %d characters, caret at the end", f.Text(), f.caret, api.NameMaxLen)
	}
}

func TestPasswordFieldShowsDots(t *testing.T) {
	f := newTextField(true, api.PasswordMaxLen)
	f.setText("sécret")
	f.caret = len("sé")
	line, at, _, _ := f.rendered()
	if line != "••••••" || at != len("••") {
		t.Errorf("rendered() = %q, %d; want six dots with the caret after two", line, at)
	}
	f.composition = "ab"
	if line, _, _, _ := f.rendered(); line != "••••••••" {
		t.Errorf("with a composition, rendered() = %q; want it dotted too", line)
	}
}

func TestPlainFieldShowsComposition(t *testing.T) {
	f := newTextField(false, 20)
	f.setText("ab")
	f.caret = 1
	f.composition, f.compCaret = "にほ", len("に")
	line, at, start, end := f.rendered()
	if line != "aにほb" || at != len("aに") || start != len("a") || end != len("aにほ") {
		t.Errorf("rendered() = %q, %d, %d, %d; want the composition after a, the caret inside it", line, at, start, end)
	}
}
