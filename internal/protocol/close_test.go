package protocol_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

var allCloseCodes = []protocol.CloseCode{
	protocol.CloseLogout, protocol.CloseBadVersion, protocol.CloseBadToken, protocol.CloseTokenExpired,
	protocol.CloseTokenUsed, protocol.CloseWorldFull, protocol.CloseReplaced, protocol.CloseMalformed,
	protocol.CloseRateLimited, protocol.CloseShutdown, protocol.CloseKicked, protocol.CloseTooSlow,
	protocol.CloseStillSaving, protocol.CloseLoadFailed, protocol.CloseBusy, protocol.CloseBanned,
}

func TestCloseCodesAreDistinctAndFitACloseFrame(t *testing.T) {
	// RFC 6455 §5.5: a control frame payload is at most 125 bytes, two of
	// which hold the code.
	const maxReason = 123
	names := map[string]protocol.CloseCode{}
	reasons := map[string]protocol.CloseCode{}
	for i, c := range allCloseCodes {
		if want := protocol.CloseCode(4000 + i); c != want {
			t.Errorf("close code #%d = %d, want %d", i, c, want)
		}
		name, reason := c.String(), c.Reason()
		if strings.HasPrefix(name, "CloseCode(") {
			t.Errorf("CloseCode(%d).String() = %q, want a name", c, name)
		}
		if prev, dup := names[name]; dup {
			t.Errorf("CloseCode(%d).String() = %q, same as %d", c, name, prev)
		}
		if prev, dup := reasons[reason]; dup {
			t.Errorf("CloseCode(%d).Reason() = %q, same as %d", c, reason, prev)
		}
		names[name], reasons[reason] = c, c
		if len(reason) == 0 || len(reason) > maxReason {
			t.Errorf("len(CloseCode(%d).Reason()) = %d, want 1..%d", c, len(reason), maxReason)
		}
	}
	if got := protocol.CloseBadVersion.Reason(); !strings.Contains(got, "refresh") {
		t.Errorf("CloseBadVersion.Reason() = %q, want it to ask the player to refresh", got)
	}
}

func TestUnknownCloseCode(t *testing.T) {
	c := protocol.CloseCode(4999)
	if got, want := c.String(), "CloseCode(4999)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := c.Reason(); got == "" {
		t.Errorf("Reason() is empty, want a generic text")
	}
}

func TestReasonWithFitsACloseFrameOnACharacterBoundary(t *testing.T) {
	tests := []struct {
		why  string
		want string // "": only check the bounds
	}{
		{"spamming", "You were removed from the world: spamming"},
		{"  ", protocol.CloseKicked.Reason()},
		{strings.Repeat("é", 100), ""},
		{strings.Repeat("a", 200), ""},
		{strings.Repeat("🙂", 40), ""},
	}
	for _, tt := range tests {
		got := protocol.CloseKicked.ReasonWith(tt.why)
		if tt.want != "" && got != tt.want {
			t.Errorf("ReasonWith(%q) = %q, want %q", tt.why, got, tt.want)
		}
		if len(got) > protocol.MaxCloseReason || !utf8.ValidString(got) {
			t.Errorf("ReasonWith(%q) = %q (%d bytes), want valid UTF-8 of at most %d bytes", tt.why, got, len(got), protocol.MaxCloseReason)
		}
		if len(tt.why) > 100 && !strings.HasSuffix(got, "…") {
			t.Errorf("ReasonWith(%d bytes) = %q, want it cut with an ellipsis", len(tt.why), got)
		}
	}
}
