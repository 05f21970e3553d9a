package devcluster_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/bots"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/store/storetest"
)

// fastHash keeps argon2id cheap in tests; the production parameters are
// covered by package password.
var fastHash = password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// startCluster starts a cluster on loopback with its data in dir (a fresh
// temporary directory when empty) and stops it when the test ends.
func startCluster(t *testing.T, dir string, tweak func(*devcluster.Config)) *devcluster.Cluster {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cfg := devcluster.Config{DataDir: dir, HashParams: fastHash}
	cfg.World.Heartbeat = 200 * time.Millisecond
	if tweak != nil {
		tweak(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := devcluster.Start(t.Context(), cfg, log)
	if err != nil {
		t.Fatalf("devcluster.Start: %v", err)
	}
	t.Cleanup(func() { c.Shutdown(context.Background()) }) // idempotent
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	return c
}

// wantCode fails the test unless err is an API error with code.
func wantCode(t *testing.T, what string, err error, code api.Code) {
	t.Helper()
	if got := api.CodeOf(err); err == nil || got != code {
		t.Fatalf("%s: error = %v (code %q), want code %q", what, err, got, code)
	}
}

// wantClosed fails the test unless err says the world closed the
// connection with code.
func wantClosed(t *testing.T, what string, err error, code protocol.CloseCode) {
	t.Helper()
	var ce *client.CloseError
	if !errors.As(err, &ce) || ce.Code != code {
		t.Fatalf("%s: ended with %v, want close %v", what, err, code)
	}
}

// enterWorld logs a new guest in, creates a character and returns a fresh
// join grant for it.
func enterWorld(t *testing.T, c *devcluster.Cluster) (*client.Gateway, api.Character, api.EnterResponse) {
	t.Helper()
	ctx := t.Context()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(ctx); err != nil {
		t.Fatalf("Guest: %v", err)
	}
	ch, err := gw.CreateCharacter(ctx, c.World.ID(), "Hero"+gw.Session().Account.Username[6:12], api.ClassRogue)
	if err != nil {
		t.Fatalf("CreateCharacter: %v", err)
	}
	enter, err := gw.Enter(ctx, c.World.ID(), ch.ID)
	if err != nil {
		t.Fatalf("Enter: %v", err)
	}
	return gw, ch, enter
}

func TestFullFlowEndToEnd(t *testing.T) {
	c := startCluster(t, "", nil)
	ctx := t.Context()
	gw := client.NewGateway(c.URL(), nil)
	v, err := gw.Version(ctx)
	if err != nil || v.Protocol != protocol.Version {
		t.Fatalf("Version() = %+v, %v", v, err)
	}
	s, err := gw.CreateAccount(ctx, "Alice_1", "correct horse battery")
	if err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	if s.Account.Username != "alice_1" || s.Token == "" || s.Account.Guest {
		t.Fatalf("CreateAccount session = %+v, want username alice_1 and a token", s)
	}
	worlds, err := gw.Worlds(ctx)
	if err != nil || len(worlds) != 1 || worlds[0].ID != c.World.ID() || worlds[0].Status != "online" {
		t.Fatalf("Worlds() = %+v, %v; want the one world online", worlds, err)
	}
	ch, err := gw.CreateCharacter(ctx, c.World.ID(), "Alicia", api.ClassWizard)
	if err != nil {
		t.Fatalf("CreateCharacter: %v", err)
	}
	list, err := gw.Characters(ctx, c.World.ID())
	if err != nil || len(list) != 1 || list[0].Name != "Alicia" || list[0].Class != api.ClassWizard {
		t.Fatalf("Characters() = %+v, %v; want [Alicia wizard]", list, err)
	}
	enter, err := gw.Enter(ctx, c.World.ID(), ch.ID)
	if err != nil {
		t.Fatalf("Enter: %v", err)
	}
	conn, err := client.Join(ctx, enter.URL, enter.Token)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	if conn.Welcome.Map != "overworld" || conn.Welcome.TickRate != 20 {
		t.Fatalf("Welcome = %+v, want map overworld at 20 Hz", conn.Welcome)
	}
	if err := conn.Send(ctx, protocol.Ping{ClientTime: 42}); err != nil {
		t.Fatalf("Send Ping: %v", err)
	}
	for {
		m, err := conn.Recv(ctx)
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		if p, ok := m.(protocol.Pong); ok {
			if p.ClientTime != 42 {
				t.Fatalf("Pong.ClientTime = %d, want 42", p.ClientTime)
			}
			break
		}
	}
	conn.Close(protocol.CloseLogout)

	// Logging out revokes the session.
	if err := gw.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	stale := client.NewGateway(c.URL(), nil)
	if _, err := stale.Login(ctx, "alice_1", "correct horse battery"); err != nil {
		t.Fatalf("Login: %v", err)
	}
	token := stale.Session().Token
	if err := stale.Logout(ctx); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.URL()+api.Prefix+"/worlds", nil)
	req.Header.Set(api.VersionHeader, "0.1.0")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("worlds with a revoked session: HTTP %d, want 401", resp.StatusCode)
	}
}

func TestAPIErrors(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MaxCharacters = 2 })
	ctx := t.Context()
	world := c.World.ID()

	gw := client.NewGateway(c.URL(), nil)
	_, err := gw.WithVersion("0.0.1").Version(ctx)
	wantCode(t, "old client version", err, api.CodeVersionMismatch)
	_, err = gw.WithVersion("0.0.1").Guest(ctx)
	wantCode(t, "guest login with an old client", err, api.CodeVersionMismatch)

	_, err = gw.Worlds(ctx)
	wantCode(t, "worlds without a session", err, api.CodeUnauthorized)

	for _, tc := range []struct {
		user, pass string
		code       api.Code
	}{
		{"ab", "long enough pw", api.CodeInvalidUsername},
		{"has space", "long enough pw", api.CodeInvalidUsername},
		{"admin", "long enough pw", api.CodeInvalidUsername},
		{"guest_abc", "long enough pw", api.CodeInvalidUsername},
		{"bob", "short", api.CodeInvalidPassword},
		{"bob", strings.Repeat("x", 129), api.CodeInvalidPassword},
	} {
		_, err := gw.CreateAccount(ctx, tc.user, tc.pass)
		wantCode(t, "CreateAccount("+tc.user+")", err, tc.code)
	}

	if _, err := gw.CreateAccount(ctx, "bob", "bobs password"); err != nil {
		t.Fatalf("CreateAccount(bob): %v", err)
	}
	_, err = client.NewGateway(c.URL(), nil).CreateAccount(ctx, "BOB", "another password")
	wantCode(t, "duplicate username, other case", err, api.CodeUsernameTaken)

	// A wrong password and an unknown user get the very same answer.
	_, errWrong := client.NewGateway(c.URL(), nil).Login(ctx, "bob", "not bobs password")
	_, errUnknown := client.NewGateway(c.URL(), nil).Login(ctx, "nobody_here", "whatever pw")
	wantCode(t, "wrong password", errWrong, api.CodeBadCredentials)
	wantCode(t, "unknown user", errUnknown, api.CodeBadCredentials)
	if errWrong.Error() != errUnknown.Error() {
		t.Fatalf("login errors differ: %q vs %q; they must not reveal whether the user exists", errWrong, errUnknown)
	}

	for _, tc := range []struct {
		name  string
		class api.Class
		code  api.Code
	}{
		{"x", api.ClassKnight, api.CodeInvalidName},
		{"1abc", api.ClassKnight, api.CodeInvalidName},
		{"Admin", api.ClassKnight, api.CodeInvalidName},
		{"Goodname", "paladin", api.CodeInvalidClass},
	} {
		_, err := gw.CreateCharacter(ctx, world, tc.name, tc.class)
		wantCode(t, "CreateCharacter("+tc.name+")", err, tc.code)
	}
	if _, err := gw.CreateCharacter(ctx, world, "Bobby", api.ClassKnight); err != nil {
		t.Fatalf("CreateCharacter(Bobby): %v", err)
	}
	other := client.NewGateway(c.URL(), nil)
	if _, err := other.Guest(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = other.CreateCharacter(ctx, world, "BOBBY", api.ClassRogue)
	wantCode(t, "duplicate character name, other case", err, api.CodeNameTaken)
	if _, err := gw.CreateCharacter(ctx, world, "Bobbina", api.ClassRogue); err != nil {
		t.Fatalf("second character: %v", err)
	}
	_, err = gw.CreateCharacter(ctx, world, "Bobbette", api.ClassRogue)
	wantCode(t, "third character with a maximum of 2", err, api.CodeTooManyCharacters)

	_, err = gw.Characters(ctx, "no-such-world")
	wantCode(t, "characters on an unknown world", err, api.CodeNotFound)
	mine, err := gw.Characters(ctx, world)
	if err != nil || len(mine) != 2 {
		t.Fatalf("Characters = %v, %v; want 2", mine, err)
	}
	_, err = other.Enter(ctx, world, mine[0].ID)
	wantCode(t, "entering with someone else's character", err, api.CodeNotFound)
}

func TestMalformedRequestBodies(t *testing.T) {
	c := startCluster(t, "", nil)
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"not json", "{{{", http.StatusBadRequest},
		{"trailing data", `{"username":"a","password":"b"} {}`, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, c.URL()+api.Prefix+"/sessions", strings.NewReader(tc.body))
			req.Header.Set(api.VersionHeader, "0.1.0")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(body), `"code":"bad_request"`) {
				t.Fatalf("HTTP %d %s, want %d with code bad_request", resp.StatusCode, body, tc.status)
			}
		})
	}
}

func TestRateLimitPerUsername(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.Gateway.NameBurst = 3
		cfg.Gateway.NameEvery = time.Hour
	})
	ctx := t.Context()
	for i := range 3 {
		_, err := client.NewGateway(c.URL(), nil).Login(ctx, "victim", "guess number "+string(rune('a'+i)))
		wantCode(t, "guess", err, api.CodeBadCredentials)
	}
	_, err := client.NewGateway(c.URL(), nil).Login(ctx, "victim", "guess number d")
	wantCode(t, "fourth guess", err, api.CodeRateLimited)
	var ae *api.Error
	if errors.As(err, &ae); ae.RetryAfter < time.Minute {
		t.Fatalf("Retry-After = %v, want about an hour", ae.RetryAfter)
	}
	// Another username from the same IP is unaffected.
	_, err = client.NewGateway(c.URL(), nil).Login(ctx, "bystander", "some password")
	wantCode(t, "other username", err, api.CodeBadCredentials)
}

func TestRateLimitPerIP(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.Gateway.IPBurst = 2
		cfg.Gateway.IPEvery = time.Hour
	})
	ctx := t.Context()
	for range 2 {
		if _, err := client.NewGateway(c.URL(), nil).Guest(ctx); err != nil {
			t.Fatalf("Guest: %v", err)
		}
	}
	_, err := client.NewGateway(c.URL(), nil).Guest(ctx)
	wantCode(t, "third guest login from one IP", err, api.CodeRateLimited)
}

// closeCode dials the world and sends raw bytes as the first message, then
// returns the close code the world answered with.
func closeCode(t *testing.T, url string, first []byte) protocol.CloseCode {
	t.Helper()
	ctx := t.Context()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer ws.CloseNow()
	if err := ws.Write(ctx, websocket.MessageBinary, first); err != nil {
		t.Fatalf("Write: %v", err)
	}
	for {
		if _, _, err := ws.Read(ctx); err != nil {
			return protocol.CloseCode(websocket.CloseStatus(err))
		}
	}
}

func TestJoinRefusals(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.JoinTokenTTL = time.Second })
	url := c.World.PlayURL()

	t.Run("malformed Hello", func(t *testing.T) {
		for _, raw := range [][]byte{{}, {0xff}, {byte(protocol.TypeHello), 0x80}, protocol.Ping{ClientTime: 1}.Append(nil)} {
			if got := closeCode(t, url, raw); got != protocol.CloseMalformed {
				t.Errorf("first message %x: close %v, want %v", raw, got, protocol.CloseMalformed)
			}
		}
	})
	t.Run("oversized Hello", func(t *testing.T) {
		raw := protocol.Hello{Version: protocol.Version, Token: strings.Repeat("t", 64)}.Append(nil)
		raw = append(raw, make([]byte, protocol.MaxClientMessage)...)
		if got := closeCode(t, url, raw); got != protocol.CloseCode(websocket.StatusMessageTooBig) {
			t.Errorf("oversized: close %v, want %d", got, websocket.StatusMessageTooBig)
		}
	})
	t.Run("bad version", func(t *testing.T) {
		_, _, enter := enterWorld(t, c)
		if got := closeCode(t, url, protocol.Hello{Version: protocol.Version + 1, Token: enter.Token}.Append(nil)); got != protocol.CloseBadVersion {
			t.Errorf("close %v, want %v", got, protocol.CloseBadVersion)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		if got := closeCode(t, url, protocol.Hello{Version: protocol.Version, Token: "forged"}.Append(nil)); got != protocol.CloseBadToken {
			t.Errorf("close %v, want %v", got, protocol.CloseBadToken)
		}
	})
	t.Run("reused token", func(t *testing.T) {
		_, _, enter := enterWorld(t, c)
		conn, err := client.Join(t.Context(), enter.URL, enter.Token)
		if err != nil {
			t.Fatalf("first Join: %v", err)
		}
		defer conn.Close(protocol.CloseLogout)
		_, err = client.Join(t.Context(), enter.URL, enter.Token)
		wantClosed(t, "second Join with the same token", err, protocol.CloseTokenUsed)
	})
	t.Run("expired token", func(t *testing.T) {
		_, _, enter := enterWorld(t, c)
		time.Sleep(time.Until(enter.ExpiresAt) + 50*time.Millisecond) // past the 1 s lifetime
		_, err := client.Join(t.Context(), enter.URL, enter.Token)
		wantClosed(t, "Join with an expired token", err, protocol.CloseTokenExpired)
	})
}

// TestSilentSocketsAreBoundedAndClosed opens sockets that never say Hello:
// beyond the per-address bound they are closed at once with 4014, and
// each admitted one is closed with 4007 when its Hello is late. A player
// refused with 4014 meanwhile gets in once they are gone, as client.Join
// tries again.
func TestSilentSocketsAreBoundedAndClosed(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.World.MaxHandshakesPerIP = 2
		// Long enough for the player below to log in and be refused.
		cfg.World.HelloTimeout = time.Second
	})
	ctx := t.Context()
	url := c.World.PlayURL()
	var silent []*websocket.Conn
	for range 2 {
		ws, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			t.Fatalf("Dial: %v", err)
		}
		defer ws.CloseNow()
		silent = append(silent, ws)
	}
	busy, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("third silent socket: %v", err)
	}
	_, _, err = busy.Read(ctx)
	if got := protocol.CloseCode(websocket.CloseStatus(err)); got != protocol.CloseBusy {
		t.Fatalf("third silent socket from one address: %v, want close %v", err, protocol.CloseBusy)
	}
	// A player who joins now is refused as busy, and client.Join tries
	// again until the silent sockets' slots are free.
	_, _, enter := enterWorld(t, c)
	joined := make(chan error, 1)
	go func() {
		conn, err := client.Join(ctx, enter.URL, enter.Token)
		if err == nil {
			conn.Close(protocol.CloseLogout)
		}
		joined <- err
	}()
	for i, ws := range silent {
		_, _, err := ws.Read(ctx)
		if got := protocol.CloseCode(websocket.CloseStatus(err)); got != protocol.CloseMalformed {
			t.Fatalf("silent socket %d: %v, want close %v", i, err, protocol.CloseMalformed)
		}
	}
	if err := <-joined; err != nil {
		t.Fatalf("Join while the silent sockets held every slot, retried after they were closed: %v", err)
	}
}

// TestCharacterThatCannotBeLoadedGetsItsOwnReason deletes a character
// between the join token and the join: the world cannot load it and says
// so with 4013, not as if it were shutting down.
func TestCharacterThatCannotBeLoadedGetsItsOwnReason(t *testing.T) {
	dir := t.TempDir()
	c := startCluster(t, dir, nil)
	_, ch, enter := enterWorld(t, c)
	db, err := sql.Open("sqlite", store.WorldFile(dir, c.World.ID()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), "DELETE FROM characters WHERE id = ?", ch.ID); err != nil {
		t.Fatal(err)
	}
	_, err = client.Join(t.Context(), enter.URL, enter.Token)
	wantClosed(t, "Join of a deleted character", err, protocol.CloseLoadFailed)
}

func TestSecondLoginReplacesFirst(t *testing.T) {
	c := startCluster(t, "", nil)
	ctx := t.Context()
	gw, ch, enter := enterWorld(t, c)
	first, err := client.Join(ctx, enter.URL, enter.Token)
	if err != nil {
		t.Fatalf("first Join: %v", err)
	}
	enter2, err := gw.Enter(ctx, c.World.ID(), ch.ID)
	if err != nil {
		t.Fatalf("second Enter: %v", err)
	}
	var wg sync.WaitGroup
	var firstErr error
	wg.Go(func() {
		for {
			if _, err := first.Recv(ctx); err != nil {
				firstErr = err
				return
			}
		}
	})
	second, err := client.Join(ctx, enter2.URL, enter2.Token)
	if err != nil {
		t.Fatalf("second Join: %v", err)
	}
	defer second.Close(protocol.CloseLogout)
	wg.Wait()
	var ce *client.CloseError
	if !errors.As(firstErr, &ce) || ce.Code != protocol.CloseReplaced {
		t.Fatalf("first connection ended with %v, want close %v", firstErr, protocol.CloseReplaced)
	}
}

func TestWorldFull(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.Capacity = 1 })
	ctx := t.Context()
	_, _, enter := enterWorld(t, c)
	conn, err := client.Join(ctx, enter.URL, enter.Token)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	defer conn.Close(protocol.CloseLogout)
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(ctx); err != nil {
		t.Fatal(err)
	}
	ch, err := gw.CreateCharacter(ctx, c.World.ID(), "Latecomer", api.ClassKnight)
	if err != nil {
		t.Fatal(err)
	}
	_, err = gw.Enter(ctx, c.World.ID(), ch.ID)
	wantCode(t, "enter a full world", err, api.CodeWorldFull)
}

// onEachDatabase runs test with the cluster's tables in SQLite files (db
// empty), and in a PostgreSQL database of its own (see package storetest).
func onEachDatabase(t *testing.T, test func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { test(t, "") })
	t.Run("postgres", func(t *testing.T) { test(t, storetest.NewDatabase(t)) })
}

// inDatabase is a startCluster tweak that keeps the tables in db.
func inDatabase(db string) func(*devcluster.Config) {
	return func(cfg *devcluster.Config) { cfg.DB = db }
}

func TestBotsEnterAndReuseCharactersAcrossRestart(t *testing.T) {
	onEachDatabase(t, testBotsEnterAndReuseCharactersAcrossRestart)
}

func testBotsEnterAndReuseCharactersAcrossRestart(t *testing.T, db string) {
	dir := t.TempDir()
	run := func(want func(bots.Summary) bool) {
		c := startCluster(t, dir, inDatabase(db))
		sum, err := bots.Run(t.Context(), bots.Config{
			Gateway: c.URL(), Count: 8, Duration: 300 * time.Millisecond, AccountPrefix: "p", Password: "bot password",
		})
		if err != nil {
			t.Fatalf("bots.Run: %v", err)
		}
		if sum.Entered != 8 || sum.Failed != 0 || !want(sum) {
			t.Fatalf("summary %+v", sum)
		}
		if err := c.Shutdown(context.Background()); err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
	}
	run(func(s bots.Summary) bool { return s.CreatedCharacters == 8 && s.ReusedCharacters == 0 })
	run(func(s bots.Summary) bool { return s.CreatedCharacters == 0 && s.ReusedCharacters == 8 })
}

// drain reads conn until it closes and returns the close error; snapshots
// counts the snapshots received.
func drain(conn *client.Conn, snapshots *atomic.Int64) <-chan error {
	done := make(chan error, 1)
	go func() {
		for {
			m, err := conn.Recv(context.Background())
			if err != nil {
				done <- err
				return
			}
			if _, ok := m.(protocol.Snapshot); ok {
				snapshots.Add(1)
			}
		}
	}()
	return done
}

func TestFloodingAndMalformedClientsAreCutOffAlone(t *testing.T) {
	c := startCluster(t, "", nil)
	ctx := t.Context()
	join := func() *client.Conn {
		_, _, enter := enterWorld(t, c)
		conn, err := client.Join(ctx, enter.URL, enter.Token)
		if err != nil {
			t.Fatalf("Join: %v", err)
		}
		return conn
	}
	bystander := join()
	defer bystander.Close(protocol.CloseLogout)
	var bystanderSnaps atomic.Int64
	bystanderDone := drain(bystander, &bystanderSnaps)

	// A flood: far more messages than the rate cap allows.
	flooder := join()
	var ignored atomic.Int64
	flooderDone := drain(flooder, &ignored)
	for seq := uint32(1); seq <= 1000; seq++ {
		if err := flooder.Send(ctx, protocol.Input{Seq: seq, Move: protocol.DirE}); err != nil {
			break // closed by the world
		}
	}
	wantClosed(t, "the flooder's connection", <-flooderDone, protocol.CloseRateLimited)

	// Malformed bytes after Welcome, on a hand-made connection.
	_, _, enter := enterWorld(t, c)
	ws, _, err := websocket.Dial(ctx, enter.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := ws.Write(ctx, websocket.MessageBinary, protocol.Hello{Version: protocol.Version, Token: enter.Token}.Append(nil)); err != nil {
		t.Fatal(err)
	}
	if _, welcome, err := ws.Read(ctx); err != nil || welcome[0] != byte(protocol.TypeWelcome) {
		t.Fatalf("no Welcome: %x, %v", welcome, err)
	}
	raw := protocol.Input{Seq: 1, Tick: 1, Move: protocol.DirE}.Append(nil)
	raw[3] = 9 // type, seq, tick, then the direction: there is no direction 9
	if err := ws.Write(ctx, websocket.MessageBinary, raw); err != nil {
		t.Fatal(err)
	}
	readCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		if _, _, err := ws.Read(readCtx); err != nil {
			if got := protocol.CloseCode(websocket.CloseStatus(err)); got != protocol.CloseMalformed {
				t.Fatalf("malformed sender closed with %v, want %v", got, protocol.CloseMalformed)
			}
			break
		}
	}

	// The bystander kept getting its snapshots all along, and still does.
	before := bystanderSnaps.Load()
	deadline := time.Now().Add(5 * time.Second)
	for bystanderSnaps.Load() < before+5 {
		if time.Now().After(deadline) {
			t.Fatalf("bystander received %d snapshots in 5 s after the others were cut off", bystanderSnaps.Load()-before)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-bystanderDone:
		t.Fatalf("bystander's connection ended: %v", err)
	default:
	}
}

func TestShutdownSavesWhereThePlayerWalked(t *testing.T) {
	onEachDatabase(t, testShutdownSavesWhereThePlayerWalked)
}

func testShutdownSavesWhereThePlayerWalked(t *testing.T, db string) {
	dir := t.TempDir()
	c := startCluster(t, dir, inDatabase(db))
	ctx := t.Context()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.CreateAccount(ctx, "walker", "walker password"); err != nil {
		t.Fatal(err)
	}
	ch, err := gw.CreateCharacter(ctx, c.World.ID(), "Walker", api.ClassKnight)
	if err != nil {
		t.Fatal(err)
	}
	enter, err := gw.Enter(ctx, c.World.ID(), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Join(ctx, enter.URL, enter.Token)
	if err != nil {
		t.Fatal(err)
	}
	var snaps atomic.Int64
	drain(conn, &snaps)
	start := conn.Welcome
	// One input: the world holds it, and the player walks on.
	if err := conn.Send(ctx, protocol.Input{Seq: 1, Tick: start.Tick + 1, Move: protocol.DirS}); err != nil {
		t.Fatal(err)
	}
	for snaps.Load() < 20 {
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}

	c2 := startCluster(t, dir, inDatabase(db))
	gw = client.NewGateway(c2.URL(), nil)
	if _, err := gw.Login(ctx, "walker", "walker password"); err != nil {
		t.Fatalf("Login after the restart: %v", err)
	}
	enter2, err := gw.Enter(ctx, c2.World.ID(), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn2, err := client.Join(ctx, enter2.URL, enter2.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close(protocol.CloseLogout)
	if conn2.Welcome.X != start.X || conn2.Welcome.Y <= start.Y {
		t.Fatalf("after the restart the character is at (%d, %d); it walked south from (%d, %d)",
			conn2.Welcome.X, conn2.Welcome.Y, start.X, start.Y)
	}
	// On PostgreSQL, no SQLite file was made beside it.
	for _, file := range []string{store.MasterFile(dir), store.WorldFile(dir, c2.World.ID())} {
		if _, err := os.Stat(file); (db == "") != (err == nil) {
			t.Errorf("with db %q, stat %s: %v", db, file, err)
		}
	}
}

func TestStoppedWorldLeavesTheList(t *testing.T) {
	c := startCluster(t, "", nil)
	ctx := t.Context()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.World.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		worlds, err := gw.Worlds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(worlds) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stopped world is still listed after 10 s: %+v", worlds)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestShutdownClosesPlayersBeforeIdleSockets shuts the world down while a
// socket that never sent a request is open, as a browser's speculative
// preconnection is: net/http's Shutdown waits 5 s for such a socket, and
// players must not wait with it to hear that the world is going.
func TestShutdownClosesPlayersBeforeIdleSockets(t *testing.T) {
	c := startCluster(t, "", nil)
	_, _, enter := enterWorld(t, c)
	conn, err := client.Join(t.Context(), enter.URL, enter.Token)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	defer conn.Close(protocol.CloseLogout)
	idle, err := net.Dial("tcp", c.World.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	start := time.Now()
	shutdown := make(chan error, 1)
	go func() { shutdown <- c.World.Shutdown(context.Background()) }()
	for {
		_, err := conn.Recv(t.Context())
		if err == nil {
			continue
		}
		wantClosed(t, "the player's connection", err, protocol.CloseShutdown)
		break
	}
	// Half of net/http's 5 s: ample for a close frame on loopback.
	if took := time.Since(start); took > 2500*time.Millisecond {
		t.Errorf("the player heard of the shutdown after %v, want it before the world waits on idle sockets", took)
	}
	if err := <-shutdown; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
}
