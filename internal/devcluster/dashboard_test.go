package devcluster_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
)

const dashboardPassword = "correct horse battery"

// dashboardUser is a browser-like HTTP client of c's admin dashboard: it
// keeps cookies, and sends the CSRF token once logged in.
type dashboardUser struct {
	base    string // the dashboard's URL, ending in /admin/
	http    *http.Client
	csrf    string
	cookies []*http.Cookie // those the last response set
}

// newAccount creates an account with a password and gives it role.
func newAccount(t *testing.T, c *devcluster.Cluster, username string, role store.Role) {
	t.Helper()
	s, err := client.NewGateway(c.URL(), nil).CreateAccount(t.Context(), username, dashboardPassword)
	if err != nil {
		t.Fatal(err)
	}
	db, err := c.OpenMasterDB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetRole(t.Context(), s.Account.ID, role); err != nil {
		t.Fatal(err)
	}
}

func newDashboardUser(t *testing.T, c *devcluster.Cluster) *dashboardUser {
	t.Helper()
	jar, _ := cookiejar.New(nil) // never fails without options
	url := c.Master.DashboardURL()
	if url == "" {
		t.Fatal("the dashboard is off on a loopback listener")
	}
	return &dashboardUser{base: url, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// call sends a request to the dashboard's API, a JSON body when body is
// not nil, with the CSRF token when csrf is set, and returns the status and
// the error code of an error body.
func (u *dashboardUser) call(t *testing.T, method, path string, body any, csrf bool) (int, api.Code, []byte) {
	t.Helper()
	var payload bytes.Buffer
	if body != nil {
		json.NewEncoder(&payload).Encode(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u.base+"api/"+path, &payload)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if csrf {
		req.Header.Set("X-CSRF-Token", u.csrf)
	}
	resp, err := u.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	u.cookies = resp.Cookies()
	var raw bytes.Buffer
	raw.ReadFrom(resp.Body)
	var eb api.ErrorBody
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(raw.Bytes(), &eb); err != nil || eb.Error == nil {
			t.Fatalf("%s %s: HTTP %d without a JSON error body: %q", method, path, resp.StatusCode, raw.String())
		}
		return resp.StatusCode, eb.Error.Code, raw.Bytes()
	}
	return resp.StatusCode, "", raw.Bytes()
}

// login logs u in as username and returns the status.
func (u *dashboardUser) login(t *testing.T, username, password string) (int, api.Code) {
	t.Helper()
	status, code, body := u.call(t, "POST", "login", map[string]string{"username": username, "password": password}, false)
	if status == http.StatusOK {
		var me struct{ CSRF string }
		if err := json.Unmarshal(body, &me); err != nil || me.CSRF == "" {
			t.Fatalf("login answered %q, want the CSRF token", body)
		}
		u.csrf = me.CSRF
	}
	return status, code
}

// mustLogin logs u in as an admin.
func (u *dashboardUser) mustLogin(t *testing.T, username string) {
	t.Helper()
	if status, code := u.login(t, username, dashboardPassword); status != http.StatusOK {
		t.Fatalf("admin login: HTTP %d %s", status, code)
	}
}

func wantStatus(t *testing.T, what string, status int, code api.Code, wantStatus int, wantCode api.Code) {
	t.Helper()
	if status != wantStatus || code != wantCode {
		t.Errorf("%s: HTTP %d %q, want %d %q", what, status, code, wantStatus, wantCode)
	}
}

func TestDashboardLetsOnlyAdminsIn(t *testing.T) {
	c := startCluster(t, "", nil)
	newAccount(t, c, "boss", store.RoleAdmin)
	newAccount(t, c, "helper", store.RoleModerator)
	u := newDashboardUser(t, c)

	resp, err := u.http.Get(u.base)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	page.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(page.String(), "TinyMMO admin") {
		t.Errorf("GET /admin/: HTTP %d, want the page", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the page's Content-Security-Policy is %q", csp)
	}

	status, code, _ := u.call(t, "GET", "events", nil, false)
	wantStatus(t, "events without logging in", status, code, http.StatusUnauthorized, api.CodeUnauthorized)
	status, code, _ = u.call(t, "POST", "actions/broadcast", map[string]string{"message": "hi"}, false)
	wantStatus(t, "an action without logging in", status, code, http.StatusUnauthorized, api.CodeUnauthorized)

	status, code = u.login(t, "boss", "wrong password!")
	wantStatus(t, "a wrong password", status, code, http.StatusUnauthorized, api.CodeBadCredentials)
	status, code = u.login(t, "helper", dashboardPassword)
	wantStatus(t, "a moderator's login", status, code, http.StatusForbidden, api.CodeForbidden)
	status, _, _ = u.call(t, "GET", "me", nil, false)
	if status != http.StatusUnauthorized {
		t.Errorf("a refused login opened a session: me answered HTTP %d", status)
	}

	u.mustLogin(t, "boss")
	cookies := u.http.Jar.Cookies(mustParseURL(t, u.base))
	if len(cookies) != 1 || cookies[0].Name != "tinymmo_admin" {
		t.Fatalf("cookies after login: %v", cookies)
	}
	// Scripts cannot read it, and other sites' requests do not carry it.
	if set := u.cookies; len(set) != 1 || !set[0].HttpOnly || set[0].SameSite != http.SameSiteStrictMode || set[0].Path != "/admin/" {
		t.Errorf("the login set %v, want one HttpOnly, SameSite=Strict cookie for /admin/", set)
	}
	status, code, _ = u.call(t, "POST", "actions/broadcast", map[string]string{"message": "hi"}, false)
	wantStatus(t, "an action without the CSRF header", status, code, http.StatusForbidden, api.CodeForbidden)
	status, code, _ = u.call(t, "POST", "logout", nil, false)
	wantStatus(t, "logout without the CSRF header", status, code, http.StatusForbidden, api.CodeForbidden)
	status, code, _ = u.call(t, "POST", "actions/broadcast", map[string]string{"message": "hi"}, true)
	wantStatus(t, "a broadcast with the CSRF header", status, code, http.StatusNoContent, "")

	// A request from another origin is refused even with the right token.
	req, _ := http.NewRequestWithContext(t.Context(), "POST", u.base+"api/actions/broadcast", strings.NewReader(`{"message":"x"}`))
	req.Header.Set("X-CSRF-Token", u.csrf)
	req.Header.Set("Origin", "https://evil.example")
	if resp, err := u.http.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a foreign Origin: %v, want 403", resp.Status)
	}

	// A role taken away ends the dashboard at once.
	db, err := c.OpenMasterDB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	boss, err := db.AccountByUsername(t.Context(), "boss")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetRole(t.Context(), boss.ID, store.RoleModerator); err != nil {
		t.Fatal(err)
	}
	status, code, _ = u.call(t, "GET", "me", nil, false)
	wantStatus(t, "a demoted admin's session", status, code, http.StatusForbidden, api.CodeForbidden)
	if err := db.SetRole(t.Context(), boss.ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	status, code, _ = u.call(t, "POST", "logout", nil, true)
	wantStatus(t, "logout", status, code, http.StatusNoContent, "")
	status, code, _ = u.call(t, "GET", "me", nil, false)
	wantStatus(t, "after logout", status, code, http.StatusUnauthorized, api.CodeUnauthorized)

	// Three logins so far from this IP; the burst is five.
	for i := range 2 {
		status, code = u.login(t, "boss", "wrong password!")
		wantStatus(t, "wrong password "+string(rune('1'+i)), status, code, http.StatusUnauthorized, api.CodeBadCredentials)
	}
	status, code = u.login(t, "boss", dashboardPassword)
	wantStatus(t, "a sixth login at once", status, code, http.StatusTooManyRequests, api.CodeRateLimited)
}

func TestDashboardKicksAndBroadcastsToPlayers(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "" })
	newAccount(t, c, "boss", store.RoleAdmin)
	u := newDashboardUser(t, c)
	u.mustLogin(t, "boss")
	p := joinAs(t, c, "")
	q := joinAs(t, c, "")

	status, code, _ := u.call(t, "POST", "actions/broadcast", map[string]string{"message": "Server restarts soon"}, true)
	wantStatus(t, "broadcast", status, code, http.StatusNoContent, "")
	p.told(t, "[Broadcast] Server restarts soon")
	q.told(t, "[Broadcast] Server restarts soon")

	kick := map[string]string{"world": c.World.ID(), "name": p.name, "reason": "testing the dashboard"}
	status, code, _ = u.call(t, "POST", "actions/kick", map[string]string{"world": c.World.ID(), "name": p.name}, true)
	wantStatus(t, "a kick without a reason", status, code, http.StatusBadRequest, api.CodeBadRequest)
	status, code, _ = u.call(t, "POST", "actions/kick", kick, true)
	wantStatus(t, "kick", status, code, http.StatusNoContent, "")
	if ce := p.closed(t); ce.Code != protocol.CloseKicked || !strings.Contains(ce.Reason, "testing the dashboard") {
		t.Errorf("the kicked player was closed with %d %q, want %d and the reason", ce.Code, ce.Reason, protocol.CloseKicked)
	}

	mute := map[string]string{"world": c.World.ID(), "name": q.name, "reason": "spam", "duration": "10m"}
	status, code, _ = u.call(t, "POST", "actions/mute", mute, true)
	wantStatus(t, "mute", status, code, http.StatusNoContent, "")
	q.told(t, "An admin muted you for 10m")

	ban := map[string]string{"world": c.World.ID(), "name": q.name, "reason": "still spamming", "duration": "1d"}
	status, code, _ = u.call(t, "POST", "actions/ban", ban, true)
	wantStatus(t, "ban", status, code, http.StatusNoContent, "")
	if ce := q.closed(t); ce.Code != protocol.CloseBanned {
		t.Errorf("the banned player was closed with %d %q, want %d", ce.Code, ce.Reason, protocol.CloseBanned)
	}
	_, err := q.gw.Enter(t.Context(), c.World.ID(), q.id)
	wantCode(t, "entering again after a ban", err, api.CodeBanned)

	got := auditTrail(auditLog(t, c))
	want := []string{"broadcast boss ", "kick boss " + p.name, "mute boss " + q.name, "ban boss " + q.name}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit log %q, want %q", got, want)
	}
}

func TestDashboardResetsPasswords(t *testing.T) {
	c := startCluster(t, "", nil)
	newAccount(t, c, "boss", store.RoleAdmin)
	newAccount(t, c, "chief", store.RoleAdmin)
	newAccount(t, c, "forgetful", store.RolePlayer)
	u := newDashboardUser(t, c)
	u.mustLogin(t, "boss")
	status, code, _ := u.call(t, "POST", "actions/reset-password", map[string]string{"username": "chief", "password": "a brand new one"}, true)
	wantStatus(t, "resetting another admin's password", status, code, http.StatusForbidden, api.CodeForbidden)
	status, code, _ = u.call(t, "POST", "actions/reset-password", map[string]string{"username": "forgetful", "password": "a brand new one"}, true)
	wantStatus(t, "reset", status, code, http.StatusNoContent, "")
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Login(t.Context(), "forgetful", dashboardPassword); api.CodeOf(err) != api.CodeBadCredentials {
		t.Errorf("the old password after a reset: %v", err)
	}
	if _, err := gw.Login(t.Context(), "forgetful", "a brand new one"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if got, want := auditTrail(auditLog(t, c)), "reset-password boss forgetful"; strings.Join(got, "|") != want {
		t.Errorf("audit log %q, want %q", got, want)
	}
}

func TestDashboardEventsCountPlayers(t *testing.T) {
	// Pings every 50 ms: the players' ping shows within the test.
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.PingInterval = 50 * time.Millisecond })
	newAccount(t, c, "boss", store.RoleAdmin)
	u := newDashboardUser(t, c)
	u.mustLogin(t, "boss")
	p := joinAs(t, c, "")
	q := joinAs(t, c, "")
	p.say(t, protocol.Chat{Channel: protocol.ChannelSay, Text: "hello dashboard"})
	p.say(t, protocol.Chat{Channel: protocol.ChannelWhisper, To: q.name, Text: "a secret"})
	q.hear(t, protocol.ChannelWhisper) // the whisper went by before the stream is read
	var snapshots atomic.Int64
	drain(p.conn, &snapshots) // reading, they answer the world's pings
	drain(q.conn, &snapshots)

	req, err := http.NewRequestWithContext(t.Context(), "GET", u.base+"api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	stream := &http.Client{Jar: u.http.Jar} // no timeout: the stream stays open
	resp, err := stream.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events: Content-Type %q", ct)
	}
	type event struct {
		CCU     int `json:"ccu"`
		Players []struct {
			Name   string `json:"name"`
			World  string `json:"world"`
			Class  string `json:"class"`
			Map    string `json:"map"`
			PingMS int64  `json:"ping_ms"`
		} `json:"players"`
		Gateways []struct {
			Addr     string `json:"addr"`
			Requests uint64 `json:"requests"`
		} `json:"gateways"`
		Worlds []struct {
			ID        string  `json:"id"`
			TickP99   float64 `json:"tick_p99_ms"`
			Instances []struct {
				Map     string  `json:"map"`
				Players int     `json:"players"`
				TickP99 float64 `json:"tick_p99_ms"`
			} `json:"instances"`
		} `json:"worlds"`
		Chat []struct {
			Name string `json:"name"`
			Text string `json:"text"`
		} `json:"chat"`
	}
	deadline := time.AfterFunc(10*time.Second, func() { resp.Body.Close() })
	defer deadline.Stop()
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(nil, 1<<20)
	var first string
	var last event
	for lines.Scan() {
		line := lines.Text()
		if first == "" && line != "" {
			first = line
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok || strings.HasPrefix(data, "[") { // the history
			continue
		}
		if err := json.Unmarshal([]byte(data), &last); err != nil {
			t.Fatalf("an event that is not JSON: %v: %q", err, data)
		}
		if len(last.Players) != last.CCU { // the worlds list their players only while a stream is open
			t.Fatalf("an event counted %d players and listed %d: %q", last.CCU, len(last.Players), data)
		}
		if last.CCU == 2 && len(last.Players) == 2 && len(last.Worlds) == 1 && last.Worlds[0].TickP99 > 0 &&
			len(last.Worlds[0].Instances) > 0 && last.Worlds[0].Instances[0].TickP99 > 0 && len(last.Chat) > 0 &&
			last.Players[0].PingMS > 0 && last.Players[1].PingMS > 0 && len(last.Gateways) == 1 && last.Gateways[0].Requests > 0 {
			break
		}
	}
	if first != "event: history" {
		t.Errorf("the stream began with %q, want the history", first)
	}
	if last.CCU != 2 || len(last.Players) != 2 {
		t.Fatalf("no event counted the two players with a tick duration and chat in 10 s; the last: %+v", last)
	}
	// The gateway answered the logins and character calls above.
	if len(last.Gateways) != 1 || last.Gateways[0].Addr != c.Gateway.Addr().String() || last.Gateways[0].Requests == 0 {
		t.Errorf("gateways %+v, want %s with the requests it answered", last.Gateways, c.Gateway.Addr())
	}
	for _, pl := range last.Players {
		// Loopback, and up to a read_every (25 ms) before the pong is read.
		if pl.PingMS <= 0 || pl.PingMS > 1000 {
			t.Errorf("%s's ping is %d ms, want a loopback round trip", pl.Name, pl.PingMS)
		}
	}
	names := last.Players[0].Name + " " + last.Players[1].Name
	if !strings.Contains(names, p.name) || !strings.Contains(names, q.name) || last.Players[0].World != c.World.ID() || last.Players[0].Map != "overworld" {
		t.Errorf("players %+v, want %s and %s on %s's overworld", last.Players, p.name, q.name, c.World.ID())
	}
	if len(last.Chat) != 1 || last.Chat[0].Name != p.name || last.Chat[0].Text != "hello dashboard" {
		t.Errorf("chat %+v, want only %s's say (never a whisper)", last.Chat, p.name)
	}
	if len(last.Worlds) != 1 || len(last.Worlds[0].Instances) == 0 || last.Worlds[0].Instances[0].Players != 2 {
		t.Errorf("worlds %+v, want one with an instance holding both players", last.Worlds)
	} else if p99 := last.Worlds[0].Instances[0].TickP99; p99 <= 0 || p99 > 1000 {
		t.Errorf("the instance's tick p99 is %v ms, want a tick's duration", p99)
	}
}

func mustParseURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestDashboardSavesEveryoneNow(t *testing.T) {
	dir := t.TempDir()
	c := startCluster(t, dir, func(cfg *devcluster.Config) { cfg.World.Autosave = time.Hour })
	newAccount(t, c, "boss", store.RoleAdmin)
	u := newDashboardUser(t, c)
	u.mustLogin(t, "boss")
	p := joinAs(t, c, "")
	db, err := store.OpenWorld(t.Context(), store.WorldFile(dir, c.World.ID()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before, err := db.Character(t.Context(), p.id)
	if err != nil {
		t.Fatal(err)
	}
	status, code, _ := u.call(t, "POST", "actions/save-now", map[string]string{}, true)
	wantStatus(t, "save-now", status, code, http.StatusNoContent, "")
	for range 50 {
		now, err := db.Character(t.Context(), p.id)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version > before.Version {
			if got := auditTrail(auditLog(t, c)); len(got) != 1 || !strings.HasPrefix(got[0], "save-now boss") {
				t.Errorf("audit log %q, want boss's save-now", got)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("the character's save version stayed %d after save-now", before.Version)
}

func TestDashboardShutsAWorldDownAfterACountdown(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MOTD = "" })
	newAccount(t, c, "boss", store.RoleAdmin)
	u := newDashboardUser(t, c)
	u.mustLogin(t, "boss")
	p := joinAs(t, c, "")
	shutdown := map[string]any{"world": c.World.ID(), "in_seconds": 2}
	status, code, _ := u.call(t, "POST", "actions/shutdown", shutdown, true)
	wantStatus(t, "shutdown", status, code, http.StatusNoContent, "")
	status, code, _ = u.call(t, "POST", "actions/shutdown", shutdown, true)
	wantStatus(t, "a second shutdown", status, code, http.StatusBadRequest, api.CodeBadRequest)
	p.told(t, "[Broadcast] This world shuts down in 2s")
	if ce := p.closed(t); ce.Code != protocol.CloseShutdown {
		t.Errorf("the player was closed with %d %q, want %d", ce.Code, ce.Reason, protocol.CloseShutdown)
	}
	select {
	case <-c.World.Stopped():
	case <-time.After(10 * time.Second):
		t.Fatal("the world did not stop")
	}
	// Each request is written before the world is told, the refused one
	// too, so that no action can go unrecorded.
	if got, want := auditTrail(auditLog(t, c)), "shutdown boss w1|shutdown boss w1"; strings.Join(got, "|") != want {
		t.Errorf("audit log %q, want %q", got, want)
	}
}
