package chat

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestClean(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		err      error
	}{
		{"hello", "hello", nil},
		{"  hello there \t", "hello there", nil},
		{"line\nbreak\r\x1b[31mred", "linebreak[31mred", nil},
		{"a\u202eb\u200bc", "abc", nil}, // a bidi override and a zero-width space
		{"héllo 世界 🙂", "héllo 世界 🙂", nil},
		{"", "", ErrEmpty},
		{" \n\t ", "", ErrEmpty},
		{strings.Repeat("é", MaxRunes), strings.Repeat("é", MaxRunes), nil},
		{strings.Repeat("é", MaxRunes+1), "", ErrTooLong},
		{"bad \xff utf8", "", ErrBadUTF8},
	} {
		got, err := Clean(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Clean(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestLimiterAllowsFiveLinesInAnyTenSeconds(t *testing.T) {
	var l Limiter
	start := time.Unix(1000, 0)
	for i := range Burst {
		if ok, _ := l.Allow(start.Add(time.Duration(i) * time.Second)); !ok {
			t.Fatalf("line %d refused", i+1)
		}
	}
	ok, wait := l.Allow(start.Add(5 * time.Second))
	if ok || wait != 5*time.Second {
		t.Fatalf("a sixth line within 10 s: allowed %v, wait %v; want refused for 5 s", ok, wait)
	}
	// A refused line does not count: once the first is 10 s old, one more.
	if ok, _ := l.Allow(start.Add(10 * time.Second)); !ok {
		t.Fatal("a line 10 s after the first was refused")
	}
	if ok, _ := l.Allow(start.Add(10*time.Second + time.Millisecond)); ok {
		t.Fatal("a line right after it was allowed: the second line is only 9 s old")
	}
}
