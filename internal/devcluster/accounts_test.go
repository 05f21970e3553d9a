package devcluster_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/version"
)

// apiResult is what a raw API call answered.
type apiResult struct {
	status int
	code   api.Code // the error body's code; empty on success
}

// apiCall sends one request to the gateway's API, with this build's version
// and, when session is not empty, that session. It sends body as it is, so
// that tests can send what client.Gateway never would.
func apiCall(t *testing.T, c *devcluster.Cluster, method, path, session string, body io.Reader) apiResult {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, c.URL()+api.Prefix+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(api.VersionHeader, version.Version)
	if session != "" {
		req.Header.Set("Authorization", "Bearer "+session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var eb api.ErrorBody
	if resp.StatusCode >= 400 {
		if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil || eb.Error == nil {
			t.Fatalf("%s %s: HTTP %d without an error body (%v)", method, path, resp.StatusCode, err)
		}
		return apiResult{status: resp.StatusCode, code: eb.Error.Code}
	}
	return apiResult{status: resp.StatusCode}
}

// wantRateLimited fails the test unless err is a rate-limited error whose
// Retry-After lies within [least, most].
func wantRateLimited(t *testing.T, what string, err error, least, most time.Duration) {
	t.Helper()
	wantCode(t, what, err, api.CodeRateLimited)
	var ae *api.Error
	errors.As(err, &ae)
	if ae.RetryAfter < least || ae.RetryAfter > most {
		t.Fatalf("%s: Retry-After %v, want %v to %v", what, ae.RetryAfter, least, most)
	}
}

func TestExpiredJoinTokenIsReportedAsExpiredAfterLaterMints(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.JoinTokenTTL = time.Second })
	ctx := t.Context()
	gw, ch, late := enterWorld(t, c)
	time.Sleep(time.Until(late.ExpiresAt) + 50*time.Millisecond) // past the 1 s lifetime
	// Minting used to sweep expired tokens away, so that a late one looked
	// forged (4002).
	if _, err := gw.Enter(ctx, c.World.ID(), ch.ID); err != nil {
		t.Fatalf("Enter after the first token expired: %v", err)
	}
	_, err := client.Join(ctx, late.URL, late.Token)
	wantClosed(t, "Join with a token that expired before a later one was minted", err, protocol.CloseTokenExpired)
}

func TestEnterIsRateLimitedPerIP(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.Gateway.IPBurst = 3
		cfg.Gateway.IPEvery = time.Hour
	})
	ctx := t.Context()
	// Two players behind one address: guest logins and enters have
	// buckets of their own, so each gets three.
	first, firstChar, _ := enterWorld(t, c)
	second, secondChar, _ := enterWorld(t, c)
	if _, err := first.Enter(ctx, c.World.ID(), firstChar.ID); err != nil {
		t.Fatalf("third enter from one address: %v", err)
	}
	_, err := second.Enter(ctx, c.World.ID(), secondChar.ID)
	wantRateLimited(t, "fourth enter from one address", err, time.Minute, time.Hour)
}

func TestEnterIsRateLimitedPerAccount(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.Master.EnterBurst = 2
		cfg.Master.EnterEvery = time.Hour
	})
	ctx := t.Context()
	gw, ch, _ := enterWorld(t, c)
	if _, err := gw.Enter(ctx, c.World.ID(), ch.ID); err != nil {
		t.Fatalf("second enter: %v", err)
	}
	_, err := gw.Enter(ctx, c.World.ID(), ch.ID)
	wantRateLimited(t, "third enter of one account", err, time.Minute, time.Hour)
	// Another account is not held back.
	enterWorld(t, c)
}

func TestLiveJoinTokensPerAccountAreCapped(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) { cfg.World.MaxJoinTokens = 2 })
	ctx := t.Context()
	gw, ch, first := enterWorld(t, c)
	if _, err := gw.Enter(ctx, c.World.ID(), ch.ID); err != nil {
		t.Fatalf("second enter: %v", err)
	}
	// The world says to wait until the oldest token expires (30 s).
	_, err := gw.Enter(ctx, c.World.ID(), ch.ID)
	wantRateLimited(t, "a third join token while two wait", err, time.Second, 30*time.Second)
	// Using a token makes room for another.
	conn, err := client.Join(ctx, first.URL, first.Token)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	defer conn.Close(protocol.CloseLogout)
	if _, err := gw.Enter(ctx, c.World.ID(), ch.ID); err != nil {
		t.Fatalf("enter after using a token: %v", err)
	}
}

func TestTextMustBeValidUTF8(t *testing.T) {
	c := startCluster(t, "", nil)
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(t.Context()); err != nil {
		t.Fatal(err)
	}
	session := gw.Session().Token
	for _, tc := range []struct {
		what, method, path, body string
		code                     api.Code
	}{
		// A JSON decoder turns invalid bytes into U+FFFD, which made a
		// valid 10-character password of this one.
		{"password with invalid bytes", "POST", "/accounts", `{"username":"alice","password":"abc` + "\xff\xfe" + `defgh"}`, api.CodeBadRequest},
		{"password with a lone surrogate", "POST", "/accounts", `{"username":"alice","password":"abcdefgh\ud800"}`, api.CodeInvalidPassword},
		{"login with invalid bytes", "POST", "/sessions", `{"username":"alice","password":"` + "\xc3\x28" + `12345678"}`, api.CodeBadRequest},
		{"username with invalid bytes", "POST", "/accounts", `{"username":"ali` + "\x80" + `ce","password":"good password"}`, api.CodeBadRequest},
		{"character name with invalid bytes", "POST", "/worlds/" + c.World.ID() + "/characters", `{"name":"Ali` + "\xed\xa0\x80" + `","class":"rogue"}`, api.CodeBadRequest},
	} {
		t.Run(tc.what, func(t *testing.T) {
			got := apiCall(t, c, tc.method, tc.path, session, strings.NewReader(tc.body))
			if got.status != http.StatusBadRequest || got.code != tc.code {
				t.Fatalf("HTTP %d %q, want 400 %q", got.status, got.code, tc.code)
			}
		})
	}
	// None of them created alice.
	if _, err := client.NewGateway(c.URL(), nil).CreateAccount(t.Context(), "alice", "a good password"); err != nil {
		t.Fatalf("CreateAccount(alice) after the refusals: %v", err)
	}
}

func TestClassIsSpelledAsDocumented(t *testing.T) {
	c := startCluster(t, "", nil)
	ctx := t.Context()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(ctx); err != nil {
		t.Fatal(err)
	}
	for _, class := range []api.Class{"Knight", "KNIGHT", "knight ", "Wizard"} {
		_, err := gw.CreateCharacter(ctx, c.World.ID(), "Arthur", class)
		wantCode(t, fmt.Sprintf("class %q", class), err, api.CodeInvalidClass)
	}
	if ch, err := gw.CreateCharacter(ctx, c.World.ID(), "Arthur", "knight"); err != nil || ch.Class != api.ClassKnight {
		t.Fatalf("class knight: %+v, %v", ch, err)
	}
}

func TestLogoutNeedsALiveSession(t *testing.T) {
	c := startCluster(t, "", nil)
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.Guest(t.Context()); err != nil {
		t.Fatal(err)
	}
	session := gw.Session().Token
	if got := apiCall(t, c, "DELETE", "/sessions", session, nil); got.status != http.StatusNoContent {
		t.Fatalf("first logout: HTTP %d %q, want 204", got.status, got.code)
	}
	for _, tc := range []struct{ what, session string }{
		{"revoked session", session},
		{"no session", ""},
		{"unknown session", "not-a-session"},
	} {
		if got := apiCall(t, c, "DELETE", "/sessions", tc.session, nil); got.status != http.StatusUnauthorized || got.code != api.CodeUnauthorized {
			t.Errorf("logout with a %s: HTTP %d %q, want 401 %q", tc.what, got.status, got.code, api.CodeUnauthorized)
		}
	}
}

// unsized hides a reader's length, so that the request is sent chunked,
// without a Content-Length.
type unsized struct{ io.Reader }

func TestBodiesOverTheCapAreRefusedOnEveryRoute(t *testing.T) {
	c := startCluster(t, "", nil)
	world := c.World.ID()
	huge := bytes.Repeat([]byte("x"), 10<<20)
	over := bytes.Repeat([]byte("x"), 5<<10)
	for _, tc := range []struct{ method, path string }{
		{"POST", "/guest"},
		{"POST", "/accounts"},
		{"POST", "/sessions"},
		{"DELETE", "/sessions"},
		{"GET", "/version"},
		{"GET", "/worlds"},
		{"GET", "/worlds/" + world + "/characters"},
		{"POST", "/worlds/" + world + "/characters"},
		{"POST", "/worlds/" + world + "/enter"},
		{"GET", "/no/such/route"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			for _, body := range []struct {
				what string
				r    io.Reader
			}{
				{"5 KiB", bytes.NewReader(over)},
				{"5 KiB chunked", unsized{bytes.NewReader(over)}},
			} {
				if got := apiCall(t, c, tc.method, tc.path, "", body.r); got.status != http.StatusRequestEntityTooLarge || got.code != api.CodeBodyTooLarge {
					t.Errorf("%s body: HTTP %d %q, want 413 %q", body.what, got.status, got.code, api.CodeBodyTooLarge)
				}
			}
		})
	}
	// What the outside client sent: 10 MB to /guest, which made an account.
	for _, r := range []io.Reader{bytes.NewReader(huge), unsized{bytes.NewReader(huge)}} {
		if got := apiCall(t, c, "POST", "/guest", "", r); got.status != http.StatusRequestEntityTooLarge {
			t.Errorf("10 MB to /guest: HTTP %d %q, want 413", got.status, got.code)
		}
	}
}

// forwardedFor is an HTTP transport whose requests claim, to a gateway that
// trusts its proxy, to come from the address it holds.
type forwardedFor string

func (ip forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", string(ip))
	return http.DefaultTransport.RoundTrip(r)
}

func TestStrangerCannotLockTheOwnerOut(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.Gateway.TrustProxy = true
		cfg.Gateway.NameBurst = 3
		cfg.Gateway.NameEvery = time.Hour
		cfg.Gateway.FailureBurst = 3
		cfg.Gateway.FailureEvery = 100 * time.Millisecond
	})
	ctx := t.Context()
	owner := client.NewGateway(c.URL(), &http.Client{Transport: forwardedFor("203.0.113.7")})
	if _, err := owner.CreateAccount(ctx, "owner", "the owner's password"); err != nil {
		t.Fatal(err)
	}
	stranger := client.NewGateway(c.URL(), &http.Client{Transport: forwardedFor("198.51.100.9")})
	refused := 0
	for i := range 10 {
		_, err := stranger.Login(ctx, "owner", fmt.Sprint("guess number ", i))
		switch api.CodeOf(err) {
		case api.CodeBadCredentials:
		case api.CodeRateLimited:
			refused++
		default:
			t.Fatalf("stranger's guess %d: %v", i, err)
		}
	}
	if _, err := owner.Login(ctx, "owner", "the owner's password"); err != nil {
		t.Fatalf("the owner's login from another address after the stranger's guesses: %v", err)
	}
	if refused != 7 {
		t.Fatalf("%d of the stranger's 10 guesses were refused, want 7 (a burst of 3 per address and username)", refused)
	}
}

func TestGatewayFailsFastWhileTheMasterIsDown(t *testing.T) {
	t.Run("embedded NATS", func(t *testing.T) {
		c := startCluster(t, "", nil)
		if err := c.Master.Shutdown(t.Context()); err != nil {
			t.Fatal(err)
		}
		wantUnavailableAtOnce(t, c)
	})
	t.Run("external NATS", func(t *testing.T) {
		dir := t.TempDir()
		secret, err := cluster.LoadOrCreateSecret(dir)
		if err != nil {
			t.Fatal(err)
		}
		nats, err := cluster.StartEmbedded("127.0.0.1:0", secret)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nats.Shutdown)
		c := startCluster(t, dir, func(cfg *devcluster.Config) { cfg.Master.NATSURL = nats.URL() })
		if err := c.Master.Shutdown(t.Context()); err != nil {
			t.Fatal(err)
		}
		wantUnavailableAtOnce(t, c)
	})
}

// wantUnavailableAtOnce fails the test unless a call that needs the master
// answers 503 with Retry-After, without waiting out the control plane's
// request timeout.
func wantUnavailableAtOnce(t *testing.T, c *devcluster.Cluster) {
	t.Helper()
	gw := client.NewGateway(c.URL(), nil)
	// The first call may race the gateway's noticing that the master is
	// gone; the second must not.
	gw.Guest(t.Context())
	start := time.Now()
	_, err := gw.Guest(t.Context())
	elapsed := time.Since(start)
	wantCode(t, "guest login while the master is down", err, api.CodeUnavailable)
	var ae *api.Error
	if errors.As(err, &ae); ae.RetryAfter <= 0 {
		t.Errorf("503 without Retry-After")
	}
	if elapsed >= cluster.DefaultTimeout {
		t.Errorf("the gateway answered after %v: it waited out the %v timeout", elapsed, cluster.DefaultTimeout)
	}
}
