package world

import (
	"testing"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

func TestHelpCoversEveryCommandWithinAChatLine(t *testing.T) {
	listed := map[string]bool{}
	for _, name := range helpOrder {
		if _, ok := commands[name]; !ok {
			t.Errorf("/help lists /%s, which is no command", name)
		}
		listed[name] = true
	}
	for name := range commands {
		if !listed[name] {
			t.Errorf("/%s is missing from /help", name)
		}
	}
	for _, role := range []api.Role{api.RolePlayer, api.RoleModerator, api.RoleAdmin} {
		lines := helpLines(role)
		for _, l := range lines {
			if len(l) > protocol.MaxChatText {
				t.Errorf("a %s's /help line is %d bytes, over the %d of a chat line: %s", role, len(l), protocol.MaxChatText, l)
			}
		}
		if want := map[api.Role]int{api.RolePlayer: 1, api.RoleModerator: 2, api.RoleAdmin: 3}[role]; len(lines) != want {
			t.Errorf("a %s's /help has %d lines, want %d: %q", role, len(lines), want, lines)
		}
	}
}
