//go:build !js

// These tests drive the App with run and press (app_test.go), which do not
// build for js/wasm.

package ui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// chatWorld is a scripted world for the game screen: it welcomes the
// player on the overworld, hands the screen the messages a test sends on
// it, and records what the screen sends.
type chatWorld struct {
	welcome protocol.Welcome
	in      chan protocol.Message
	done    chan struct{}
	once    sync.Once

	mu   sync.Mutex
	sent []protocol.Message
}

func newChatWorld(t *testing.T) *chatWorld {
	t.Helper()
	m, err := maps.Load("overworld")
	if err != nil {
		t.Fatal(err)
	}
	spawn, _ := m.Spawn("default")
	w := protocol.Welcome{EntityID: 1, Map: "overworld", X: spawn.X, Y: spawn.Y, TickRate: 20, Tick: 1000,
		ServerTime: uint64(time.Now().UnixMilli()), Speed: 64}
	return &chatWorld{welcome: w, in: make(chan protocol.Message, 16), done: make(chan struct{})}
}

func (w *chatWorld) Welcome() protocol.Welcome { return w.welcome }

func (w *chatWorld) Recv(ctx context.Context) (protocol.Message, error) {
	select {
	case m := <-w.in:
		return m, nil
	case <-w.done:
		return nil, context.Canceled
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (w *chatWorld) Send(_ context.Context, m protocol.Message) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = append(w.sent, m)
	return nil
}

func (w *chatWorld) Close(protocol.CloseCode) error {
	w.once.Do(func() { close(w.done) })
	return nil
}

func (w *chatWorld) Stats() client.ConnStats { return client.ConnStats{} }

// chats returns the chat lines the game sent so far.
func (w *chatWorld) chats() []protocol.Chat {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []protocol.Chat
	for _, m := range w.sent {
		if c, ok := m.(protocol.Chat); ok {
			out = append(out, c)
		}
	}
	return out
}

// moves returns the directions of the inputs the game sent so far.
func (w *chatWorld) moves() []protocol.Direction {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []protocol.Direction
	for _, m := range w.sent {
		if in, ok := m.(protocol.Input); ok {
			out = append(out, in.Move)
		}
	}
	return out
}

// newChatGame starts an App on the game screen over a chatWorld.
func newChatGame(t *testing.T) (*App, *gameScreen, *chatWorld) {
	t.Helper()
	w := newChatWorld(t)
	a, err := New(Options{Scene: w, Character: api.Character{Name: "Me", Class: api.ClassKnight, Level: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	run(t, a, 5*time.Second, onScreen("game"))
	return a, a.screen.(*gameScreen), w
}

// widgetShown reports whether snapshot s lists widget id.
func widgetShown(s Snapshot, id string) bool {
	return slices.ContainsFunc(s.Widgets, func(w WidgetState) bool { return w.ID == id })
}

// waitFor waits until check holds, failing after a few seconds.
func waitFor(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Text input needs a running game, so the tests below do not tick the
// App while the chat's input line has the focus: they look at its state
// (App.snapshot) and run what a tick runs (gameScreen.play) instead.

func TestEnterOpensTheChatAndSendsTheLine(t *testing.T) {
	a, s, w := newChatGame(t)
	if snap := a.Snapshot(); snap.ChatFocused || !widgetShown(snap, "chat.open") || widgetShown(snap, "chat.input") {
		t.Fatalf("at the start: chatFocused %v, widgets %+v; want the Chat button alone", snap.ChatFocused, snap.Widgets)
	}
	enter, escape := s.f.onSubmit, s.f.onCancel // what the form runs on Enter and Escape

	enter()
	snap := a.snapshot()
	if !snap.ChatFocused || snap.Focus != "chat.input" || !widgetShown(snap, "chat.input") {
		t.Fatalf("after Enter: chatFocused %v, focus %q; want the input line focused", snap.ChatFocused, snap.Focus)
	}
	s.chat.input.field.setText(strings.Repeat("é", 300))
	if n := utf8.RuneCountInString(s.chat.input.field.Text()); n != chat.MaxRunes {
		t.Errorf("the input line keeps %d characters of 300, want %d", n, chat.MaxRunes)
	}
	s.chat.input.field.setText("hello there")
	enter()
	waitFor(t, "the line sent", func() bool { return len(w.chats()) == 1 })
	if got := w.chats()[0]; got != (protocol.Chat{Channel: protocol.ChannelSay, Text: "hello there"}) {
		t.Errorf("sent %+v, want a say of hello there", got)
	}
	if snap := a.snapshot(); snap.ChatFocused || widgetShown(snap, "chat.input") {
		t.Errorf("after sending, chatFocused %v; want the input line closed", snap.ChatFocused)
	}

	enter()
	s.chat.input.field.setText("/w Bob psst")
	enter()
	waitFor(t, "the command sent", func() bool { return len(w.chats()) == 2 })
	if got := w.chats()[1]; got != (protocol.Chat{Channel: protocol.ChannelSay, Text: "/w Bob psst"}) {
		t.Errorf("sent %+v, want the command said as it was typed", got)
	}

	// Escape closes without sending; an empty line closes too.
	enter()
	s.chat.input.field.setText("never mind")
	escape()
	enter()
	if s.chat.input.field.Text() != "" {
		t.Errorf("the input line holds %q after Escape, want it empty", s.chat.input.field.Text())
	}
	enter()
	time.Sleep(50 * time.Millisecond) // time to send what would be sent
	snap = run(t, a, time.Second, func(Snapshot) bool { return true })
	if n := len(w.chats()); n != 2 || snap.ChatFocused {
		t.Errorf("after Escape and an empty Enter: %d lines sent (want 2), chatFocused %v", n, snap.ChatFocused)
	}

	// The Chat button opens it too.
	press(t, a, "chat.open")
	if snap := a.snapshot(); !snap.ChatFocused || !widgetShown(snap, "chat.input") {
		t.Errorf("the Chat button left chatFocused false")
	}
}

func TestTheKeysDoNotWalkWhileTyping(t *testing.T) {
	_, s, w := newChatGame(t)
	s.ctrl.keyDown = func(k ebiten.Key) bool { return k == ebiten.KeyW }
	playFor := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Second / 60) {
			s.play(time.Now())
		}
	}
	s.openChat()
	playFor(300 * time.Millisecond)
	time.Sleep(50 * time.Millisecond) // time to send what would be sent
	if slices.ContainsFunc(w.moves(), func(d protocol.Direction) bool { return d != protocol.DirNone }) {
		t.Fatalf("W held while typing sent moves %v", w.moves())
	}
	s.escape()
	playFor(300 * time.Millisecond)
	waitFor(t, "a move north once the chat is closed", func() bool { return slices.Contains(w.moves(), protocol.DirN) })
}

func TestAnInvitationPromptsAndAnswers(t *testing.T) {
	a, _, w := newChatGame(t)
	w.in <- protocol.ChatLine{Channel: protocol.ChannelInvite, From: "Ann", Text: "Ann invites you to a party."}
	// The snapshot hears of the invitation as it arrives, and the screen
	// shows it at its next update.
	snap := run(t, a, 5*time.Second, func(s Snapshot) bool { return s.Invite == "Ann" && widgetShown(s, "invite.accept") })
	if !widgetShown(snap, "invite.decline") {
		t.Fatalf("the invitation shows the widgets %+v; want invite.accept and invite.decline", snap.Widgets)
	}
	press(t, a, "invite.accept")
	waitFor(t, "the answer sent", func() bool { return len(w.chats()) == 1 })
	if got := w.chats()[0]; got != (protocol.Chat{Channel: protocol.ChannelSay, Text: "/accept"}) {
		t.Errorf("accepting sent %+v, want /accept", got)
	}
	snap = run(t, a, time.Second, func(Snapshot) bool { return true })
	if snap.Invite != "" || widgetShown(snap, "invite.accept") {
		t.Errorf("after accepting: invite %q, accept button shown %v", snap.Invite, widgetShown(snap, "invite.accept"))
	}

	w.in <- protocol.ChatLine{Channel: protocol.ChannelInvite, From: "Bob", Text: "Bob invites you to a party."}
	run(t, a, 5*time.Second, func(s Snapshot) bool { return s.Invite == "Bob" })
	press(t, a, "invite.decline")
	waitFor(t, "the answer sent", func() bool { return len(w.chats()) == 2 })
	if got := w.chats()[1]; got.Text != "/decline" {
		t.Errorf("declining sent %+v, want /decline", got)
	}
}

func TestTheGameShowsThePartyAndTheOwner(t *testing.T) {
	a, s, w := newChatGame(t)
	if !s.partyFrame().Empty() {
		t.Fatalf("a party frame shows without a party")
	}
	w.in <- protocol.Party{Leader: "Ann", Members: []string{"Ann", "Me"}}
	w.in <- protocol.PartyVitals{Members: []protocol.MemberVitals{{}, {HP: 7, MaxHP: 10, MP: 3, MaxMP: 4}}}
	wel := w.Welcome()
	w.in <- protocol.MapChange{Map: "overworld", X: wel.X, Y: wel.Y, Tick: wel.Tick, Owner: "Ann"}
	snap := run(t, a, 5*time.Second, func(s Snapshot) bool { return s.Owner == "Ann" && s.Party != nil && s.Party.Members[1].MaxHP > 0 })
	want := []PartyMember{{Name: "Ann"}, {Name: "Me", HP: 7, MaxHP: 10, MP: 3, MaxMP: 4, Online: true}}
	if snap.Party.Leader != "Ann" || !slices.Equal(snap.Party.Members, want) {
		t.Errorf("party = %+v, want Ann (offline) leading Ann and Me with Me's vitals", snap.Party)
	}
	// The screen takes the party at its next update.
	run(t, a, 5*time.Second, func(Snapshot) bool { return !s.partyFrame().Empty() })
	if r := s.partyFrame(); r.Dy() < 2*s.app.theme.px(partyRow) || r.Min.Y < s.hud.panel.Max.Y {
		t.Errorf("the party frame of two is %v, under the panel %v; want two rows under it", r, s.hud.panel)
	}
}
