// Package moderation holds the rules of moderators' actions that the
// world, the master and the admin command line share: which role each
// action needs, how long a ban or a mute may last and how such durations
// are written, and how the time left is told to a player.
//
// It is pure: no I/O, no goroutines, safe for concurrent use. Server
// packages and cmd/tinymmo import it; the client does not.
package moderation

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/store"
)

// Day is 24 hours, the unit "d" of durations.
const Day = 24 * time.Hour

// Bounds of durations.
const (
	MaxMute = 30 * Day  // the longest mute
	MaxBan  = 365 * Day // the longest ban that ends; longer ones are permanent ("perm")
)

// MaxReason is the most bytes a reason may have.
const MaxReason = 200

// Required returns the least role that may take action, and false for an
// action no one may take through the game (create-user, set-role: the
// command line only).
func Required(action store.Action) (api.Role, bool) {
	switch action {
	case store.ActionBan, store.ActionUnban, store.ActionMute, store.ActionUnmute,
		store.ActionKick, store.ActionWhere, store.ActionGoto, store.ActionSummon, store.ActionHeal:
		return api.RoleModerator, true
	case store.ActionBroadcast:
		return api.RoleAdmin, true
	}
	return "", false
}

// ErrDuration is wrapped by every error of ParseDuration. Its text is
// written for the moderator who typed the duration.
var ErrDuration = errors.New("bad duration")

// ParseDuration parses a duration as time.ParseDuration does ("90s",
// "1h30m"), or as a whole number of days ("7d"), and checks that it is
// more than zero and at most max.
func ParseDuration(s string, max time.Duration) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || time.Duration(n) > max/Day+1 {
			return 0, fmt.Errorf("%w %q: write it like 30s, 10m, 2h or 1d, at most %s", ErrDuration, s, FormatLeft(max))
		}
		d = time.Duration(n) * Day
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%w %q: write it like 30s, 10m, 2h or 1d", ErrDuration, s)
		}
	}
	if d <= 0 || d > max {
		return 0, fmt.Errorf("%w %q: it must be more than 0 and at most %s", ErrDuration, s, FormatLeft(max))
	}
	return d, nil
}

// Permanent is how a permanent ban is written.
const Permanent = "perm"

// ParseBan parses how long a ban lasts: ParseDuration's forms up to
// MaxBan, or Permanent, which returns 0.
func ParseBan(s string) (time.Duration, error) {
	if strings.EqualFold(s, Permanent) {
		return 0, nil
	}
	return ParseDuration(s, MaxBan)
}

// FormatLeft writes d for a player, to the second, with its largest unit
// and the next one: "9m 12s", "2d 3h", "45s". It rounds up, so that a mute with 0.4 s
// left still says "1s".
func FormatLeft(d time.Duration) string {
	secs := int64((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	units := []struct {
		n    int64
		name string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}}
	i := 0
	for secs < units[i].n {
		i++
	}
	parts := []string{strconv.FormatInt(secs/units[i].n, 10) + units[i].name}
	if i+1 < len(units) {
		if v := secs % units[i].n / units[i+1].n; v > 0 {
			parts = append(parts, strconv.FormatInt(v, 10)+units[i+1].name)
		}
	}
	return strings.Join(parts, " ")
}

// CheckReason returns reason trimmed, or an error a moderator can read
// when it is empty or over MaxReason bytes.
func CheckReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", errors.New("give a reason")
	case len(reason) > MaxReason:
		return "", fmt.Errorf("the reason is over %d bytes", MaxReason)
	}
	return reason, nil
}
