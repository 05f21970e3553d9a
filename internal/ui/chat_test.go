package ui

import (
	"context"
	"fmt"
	"image"
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
	"github.com/tinymmo/tinymmo/internal/rules"
)

func TestTheChatKeepsTheLastLines(t *testing.T) {
	f, _ := newFightSession(t)
	channels := []protocol.Channel{protocol.ChannelSay, protocol.ChannelWhisper, protocol.ChannelParty,
		protocol.ChannelWhisperSent, protocol.ChannelSystem, protocol.ChannelInvite}
	for i := range 60 {
		m := protocol.ChatLine{Channel: channels[i%len(channels)], From: "Ann", Text: fmt.Sprint("line ", i)}
		if err := f.s.apply(m, f.now); err != nil {
			t.Fatal(err)
		}
	}
	var so social
	f.s.socialInto(&so)
	if len(so.lines) != maxChatLines || so.lines[0].text != "line 10" || so.lines[maxChatLines-1].text != "line 59" {
		t.Fatalf("the chat keeps %d lines, %q to %q; want the last %d, line 10 to line 59",
			len(so.lines), so.lines[0].text, so.lines[len(so.lines)-1].text, maxChatLines)
	}
	snap := f.describe()
	if len(snap.Chat) != maxChatShown {
		t.Fatalf("the test hook lists %d lines, want %d", len(snap.Chat), maxChatShown)
	}
	want := []string{"say", "whisper", "party", "whisper-sent", "system", "invite"}
	for i, l := range snap.Chat {
		n := 40 + i
		if l.Text != fmt.Sprint("line ", n) || l.From != "Ann" || l.Channel != want[n%len(want)] {
			t.Errorf("chat[%d] = %+v, want line %d on %s", i, l, n, want[n%len(want)])
		}
	}
}

func TestChatLinesShowAsTheirChannelSays(t *testing.T) {
	for _, c := range []struct {
		line chatLine
		want string
	}{
		{chatLine{channel: protocol.ChannelSay, from: "Ann", text: "hi"}, "Ann: hi"},
		{chatLine{channel: protocol.ChannelWhisper, from: "Ann", text: "psst"}, "Ann: psst"},
		{chatLine{channel: protocol.ChannelWhisperSent, from: "Bob", text: "psst"}, "To Bob: psst"},
		{chatLine{channel: protocol.ChannelParty, from: "Ann", text: "go"}, "Ann: go"},
		{chatLine{channel: protocol.ChannelSystem, text: "Slow down."}, "Slow down."},
		{chatLine{channel: protocol.ChannelInvite, from: "Ann", text: "Ann invites you to a party."}, "Ann invites you to a party."},
	} {
		if got := chatText(&c.line); got != c.want {
			t.Errorf("%v line shows %q, want %q", c.line.channel, got, c.want)
		}
	}
	seen := map[[4]uint8]protocol.Channel{}
	for ch := protocol.ChannelSay; ch <= protocol.ChannelInvite; ch++ {
		c := chatColour(ch)
		if other, ok := seen[[4]uint8{c.R, c.G, c.B, c.A}]; ok {
			t.Errorf("channels %v and %v share a colour", other, ch)
		}
		seen[[4]uint8{c.R, c.G, c.B, c.A}] = ch
	}
}

func TestTheSessionShowsThePartySaysAndOwner(t *testing.T) {
	f, spawn := newFightSession(t)
	bobAt := rules.Vec{X: spawn.X + 20*rules.SubpixelsPerPixel, Y: spawn.Y}
	eveAt := rules.Vec{X: spawn.X - 20*rules.SubpixelsPerPixel, Y: spawn.Y}
	f.world(protocol.Snapshot{Spawns: []protocol.EntityProps{
		npcSpawn(0, bobAt, protocol.SpriteRogue, "Bob", 50, 50),
		npcSpawn(1, eveAt, protocol.SpriteWizard, "Eve", 50, 50),
	}})
	for _, m := range []protocol.Message{
		protocol.Party{Leader: "Ann", Members: []string{"Ann", "Me", "Bob"}},
		protocol.ChatLine{Channel: protocol.ChannelSay, From: "Bob", Text: "hello"},
		protocol.ChatLine{Channel: protocol.ChannelParty, From: "Eve", Text: "not a say"},
		protocol.ChatLine{Channel: protocol.ChannelSay, From: "Me", Text: "hi Bob"},
	} {
		if err := f.s.apply(m, f.now); err != nil {
			t.Fatal(err)
		}
	}
	snap := f.describe()
	if p := snap.Party; p == nil || p.Leader != "Ann" || len(p.Members) != 3 || p.Members[2].Name != "Bob" || !p.Members[2].Online || p.Members[2].MaxHP != 0 {
		t.Fatalf("party = %+v, want Ann leading Ann, Me and Bob, online until told otherwise, vitals unknown", p)
	}
	party := map[string]bool{}
	for _, o := range snap.Others {
		party[o.Name] = o.Party
	}
	if !party["Bob"] || party["Eve"] {
		t.Errorf("others marked in the party: %v; want Bob, not Eve", party)
	}
	says := map[string]string{}
	sc := f.scene()
	for _, e := range sc.entities {
		says[e.name] = e.says
		if (e.name == "Bob") != e.party {
			t.Errorf("%s is drawn with party %v", e.name, e.party)
		}
	}
	if says["Bob"] != "hello" || says["Me"] != "hi Bob" || says["Eve"] != "" {
		t.Errorf("bubbles say %q; want Bob's hello and the player's own line, nothing of Eve's party line", says)
	}
	f.now = f.now.Add(sayTime)
	for _, e := range f.scene().entities {
		if e.says != "" {
			t.Errorf("%s still says %q after %v", e.name, e.says, sayTime)
		}
	}

	vitals := []protocol.MemberVitals{{HP: 0, MaxHP: 0}, {HP: 40, MaxHP: 100, MP: 5, MaxMP: 50}, {HP: 90, MaxHP: 90, MP: 30, MaxMP: 30}}
	for _, m := range []protocol.Message{
		protocol.PartyVitals{Members: vitals},
		protocol.PartyVitals{Members: vitals[:2]}, // of a party that changed since: ignored
	} {
		if err := f.s.apply(m, f.now); err != nil {
			t.Fatal(err)
		}
	}
	want := []PartyMember{{Name: "Ann"}, {Name: "Me", HP: 40, MaxHP: 100, MP: 5, MaxMP: 50, Online: true}, {Name: "Bob", HP: 90, MaxHP: 90, MP: 30, MaxMP: 30, Online: true}}
	if got := f.describe().Party.Members; !slices.Equal(got, want) {
		t.Errorf("members with their vitals = %+v, want %+v", got, want)
	}
	if err := f.s.apply(protocol.Party{Leader: "Ann", Members: []string{"Ann", "Me"}}, f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.describe().Party.Members; got[1].MaxHP != 0 || !got[1].Online {
		t.Errorf("after Bob left, the player shows %+v; want the old vitals forgotten", got[1])
	}

	if err := f.s.apply(protocol.MapChange{Map: "overworld", X: spawn.X, Y: spawn.Y, Tick: f.tick, Owner: "Ann"}, f.now); err != nil {
		t.Fatal(err)
	}
	if snap := f.describe(); snap.Owner != "Ann" {
		t.Errorf("owner = %q after a MapChange into Ann's instance", snap.Owner)
	}
	if err := f.s.apply(protocol.Party{}, f.now); err != nil {
		t.Fatal(err)
	}
	if snap := f.describe(); snap.Party != nil {
		t.Errorf("party = %+v after leaving it, want nil", snap.Party)
	}
}

func TestAnInvitationWaitsAMinute(t *testing.T) {
	f, _ := newFightSession(t)
	if err := f.s.apply(protocol.ChatLine{Channel: protocol.ChannelInvite, From: "Ann", Text: "Ann invites you to a party."}, f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.describe().Invite; got != "Ann" {
		t.Fatalf("invite = %q, want Ann", got)
	}
	f.s.expireInvite(f.now.Add(inviteTime - time.Second))
	if got := f.describe().Invite; got != "Ann" {
		t.Fatalf("invite = %q a second before it expires, want Ann", got)
	}
	f.s.expireInvite(f.now.Add(inviteTime))
	if got := f.describe().Invite; got != "" {
		t.Errorf("invite = %q after %v, want none", got, inviteTime)
	}
}

func TestPlaceTitleNamesTheInstancesOwner(t *testing.T) {
	for _, c := range []struct{ owner, leader, want string }{
		{"", "", "Crypt"},
		{"", "Ann", "Crypt"},
		{"Ann", "Ann", "Crypt — Ann's party"},
		{"Ann", "", "Ann's Crypt"},
	} {
		if got := placeTitle("Crypt", c.owner, c.leader); got != c.want {
			t.Errorf("placeTitle(Crypt, %q, %q) = %q, want %q", c.owner, c.leader, got, c.want)
		}
	}
}

func TestTypingDoesNotWalkOrAttack(t *testing.T) {
	th, err := newTheme()
	if err != nil {
		t.Fatal(err)
	}
	held := []ebiten.Key{ebiten.KeyW, ebiten.KeySpace}
	c := controls{theme: th, keyDown: func(k ebiten.Key) bool { return slices.Contains(held, k) }}
	noWidget := func(image.Point) bool { return false }
	dir, _ := c.read(800, 600, image.Pt(400, 300), noWidget)
	if dir != protocol.DirN || c.buttons() != protocol.ButtonPrimary {
		t.Fatalf("W and Space held walk %v; want north and the basic attack", dir)
	}
	c.typing = true
	dir, _ = c.read(800, 600, image.Pt(400, 300), noWidget)
	c.buttons() // Space as pressed before typing
	if b := c.buttons(); dir != protocol.DirNone || b != 0 {
		t.Errorf("while typing, W and Space held walk %v with buttons %v; want nothing", dir, b)
	}
}

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
	snap := run(t, a, 5*time.Second, func(s Snapshot) bool { return s.Invite == "Ann" })
	if !widgetShown(snap, "invite.accept") || !widgetShown(snap, "invite.decline") {
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
	if r := s.partyFrame(); r.Dy() < 2*s.app.theme.px(partyRow) || r.Min.Y < s.hud.panel.Max.Y {
		t.Errorf("the party frame of two is %v, under the panel %v; want two rows under it", r, s.hud.panel)
	}
}
