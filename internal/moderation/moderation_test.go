package moderation

import (
	"errors"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/store"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		max  time.Duration
		want time.Duration // 0: an error
	}{
		{"10m", MaxMute, 10 * time.Minute},
		{"1h30m", MaxMute, 90 * time.Minute},
		{"1d", MaxMute, Day},
		{"30d", MaxMute, 30 * Day},
		{"31d", MaxMute, 0},
		{"721h", MaxMute, 0},
		{"0s", MaxMute, 0},
		{"-5m", MaxMute, 0},
		{"0d", MaxMute, 0},
		{"-1d", MaxMute, 0},
		{"99999999999999999d", MaxMute, 0},
		{"1.5d", MaxMute, 0},
		{"soon", MaxMute, 0},
		{"", MaxMute, 0},
		{"365d", MaxBan, 365 * Day},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in, tt.max)
		if got != tt.want || (err == nil) != (tt.want != 0) || err != nil && !errors.Is(err, ErrDuration) {
			t.Errorf("ParseDuration(%q, %v) = %v, %v, want %v", tt.in, tt.max, got, err, tt.want)
		}
	}
	if d, err := ParseBan("PERM"); d != 0 || err != nil {
		t.Errorf("ParseBan(PERM) = %v, %v, want 0 (permanent)", d, err)
	}
	if _, err := ParseBan("366d"); err == nil {
		t.Error("ParseBan(366d) succeeded, want an error: write perm instead")
	}
}

func TestFormatLeft(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{9*time.Minute + 12*time.Second, "9m 12s"},
		{9*time.Minute + 11*time.Second + time.Millisecond, "9m 12s"},
		{400 * time.Millisecond, "1s"},
		{0, "1s"},
		{45 * time.Second, "45s"},
		{10 * time.Minute, "10m"},
		{2*Day + 3*time.Hour + 4*time.Minute, "2d 3h"},
		{Day + 5*time.Second, "1d"},
		{time.Hour + 5*time.Second, "1h"},
	}
	for _, tt := range tests {
		if got := FormatLeft(tt.in); got != tt.want {
			t.Errorf("FormatLeft(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRequired(t *testing.T) {
	tests := []struct {
		action store.Action
		want   api.Role
		ok     bool
	}{
		{store.ActionMute, api.RoleModerator, true},
		{store.ActionBan, api.RoleModerator, true},
		{store.ActionBroadcast, api.RoleAdmin, true},
		{store.ActionSetRole, "", false},
		{store.ActionCreateUser, "", false},
		{"drop-tables", "", false},
	}
	for _, tt := range tests {
		if got, ok := Required(tt.action); got != tt.want || ok != tt.ok {
			t.Errorf("Required(%q) = %q, %v, want %q, %v", tt.action, got, ok, tt.want, tt.ok)
		}
	}
	if !api.RoleAdmin.AtLeast(api.RoleModerator) || api.RolePlayer.AtLeast(api.RoleModerator) || api.Role("root").AtLeast(api.RolePlayer) {
		t.Error("Role.AtLeast does not order player < moderator < admin, with unknown roles below all")
	}
}
