package world

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/protocol"
)

func TestRefusalsAreLoggedOncePerSecondWithCounts(t *testing.T) {
	var buf bytes.Buffer
	r := newRefusals(slog.New(slog.NewTextHandler(&buf, nil)))
	t0 := time.Unix(1000, 0)
	r.note(protocol.CloseBusy, "10.0.0.1", t0)
	for i := range 500 {
		r.note(protocol.CloseBusy, "10.0.0.2", t0.Add(time.Duration(i)*time.Millisecond))
	}
	r.note(protocol.CloseBadToken, "10.0.0.3", t0.Add(time.Second))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("logged %d lines for 502 refusals over a second, want 2:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "busy=1") || !strings.Contains(lines[0], "last_ip=10.0.0.1") {
		t.Errorf("first line %q, want the first refusal", lines[0])
	}
	if !strings.Contains(lines[1], "busy=500") || !strings.Contains(lines[1], "bad_token=1") || !strings.Contains(lines[1], "last_ip=10.0.0.3") {
		t.Errorf("second line %q, want the 500 busy and 1 bad_token since the first", lines[1])
	}
}
