// Package chat holds the rules every chat line follows, shared by the
// world, which enforces them, and the client, which checks a line before
// sending it: how a line is cleaned and how long it may be, and how often a
// player may speak.
package chat

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxRunes is the most characters a chat line may have once cleaned.
const MaxRunes = 200

// Errors of Clean.
var (
	ErrEmpty   = errors.New("chat: the message is empty")
	ErrTooLong = fmt.Errorf("chat: the message is over %d characters", MaxRunes)
	ErrBadUTF8 = errors.New("chat: the message is not valid UTF-8")
)

// Clean returns text as it may be said: control and format characters
// (newlines, escapes, bidirectional overrides) removed, and spaces trimmed
// from both ends. It refuses text that is invalid UTF-8, empty once cleaned,
// or longer than MaxRunes characters.
func Clean(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", ErrBadUTF8
	}
	cleaned := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, text)
	cleaned = strings.TrimSpace(cleaned)
	switch n := utf8.RuneCountInString(cleaned); {
	case n == 0:
		return "", ErrEmpty
	case n > MaxRunes:
		return "", ErrTooLong
	}
	return cleaned, nil
}

// The rate limit: at most Burst lines in any Window.
const (
	Burst  = 5
	Window = 10 * time.Second
)

// Limiter says whether a player may speak: at most Burst lines in any
// Window. The zero value is ready for use. It is owned by one goroutine.
type Limiter struct {
	said [Burst]time.Time // the times of the last Burst lines, a ring
	next int
}

// Allow reports whether a line may be said at now, and records it if so;
// if not, it returns how long until one may.
func (l *Limiter) Allow(now time.Time) (bool, time.Duration) {
	oldest := l.said[l.next]
	if !oldest.IsZero() && now.Sub(oldest) < Window {
		return false, Window - now.Sub(oldest)
	}
	l.said[l.next] = now
	l.next = (l.next + 1) % Burst
	return true, 0
}
