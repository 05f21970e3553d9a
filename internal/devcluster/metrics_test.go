package devcluster_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/promtext"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// dashboardPath is the Grafana dashboard, from this package's directory.
const dashboardPath = "../../deploy/grafana/tinymmo.json"

// TestEveryRoleServesItsMetrics runs a cluster, makes an account, a login,
// a failed login, a rate-limited login, a guest login, a say, an attack
// and a character save, and checks that each role's /metrics counted them
// (and the world its NPCs) and that its /healthz answers. It then checks
// that every metric the Grafana dashboard queries is one the roles serve.
func TestEveryRoleServesItsMetrics(t *testing.T) {
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.Gateway.NameBurst, cfg.Gateway.NameEvery = 3, time.Hour
	})
	ctx := t.Context()
	gw := client.NewGateway(c.URL(), nil)
	if _, err := gw.CreateAccount(ctx, "counted", "correct horse battery"); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	if _, err := gw.Login(ctx, "counted", "correct horse battery"); err != nil {
		t.Fatalf("Login: %v", err)
	}
	_, err := gw.Login(ctx, "counted", "a wrong password")
	wantCode(t, "login with a wrong password", err, api.CodeBadCredentials)
	_, err = gw.Login(ctx, "counted", "correct horse battery")
	wantCode(t, "a fourth call for one username with a burst of 3", err, api.CodeRateLimited)
	_, _, enter := enterWorld(t, c) // a guest login, a character and a join token
	conn, err := client.Join(ctx, enter.URL, enter.Token)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	if err := conn.Send(ctx, protocol.Chat{Channel: protocol.ChannelSay, Text: "counted"}); err != nil {
		t.Fatal(err)
	}
	// The rogue charges its bow for half a second and shoots.
	at := conn.Welcome.Tick
	for _, in := range []protocol.Input{{Seq: 1, Tick: at + 1, Buttons: protocol.ButtonPrimary}, {Seq: 2, Tick: at + 11}} {
		if err := conn.Send(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	worldURL := "http://" + c.World.MetricsAddr().String()
	// NPCs' attacks count as well: the shot makes at least one.
	world := scrapeUntil(t, worldURL, "the say and the shot", func(s promtext.Scrape) bool {
		return hasSeries(s, "tinymmo_world_chat_total", map[string]string{"what": "say"}) &&
			hasSeries(s, "tinymmo_world_combat_total", map[string]string{"what": "ability"})
	})
	wantValue(t, world, "tinymmo_world_chat_total", map[string]string{"what": "say"}, 1)
	if npcs, err := world.Value("tinymmo_world_npcs"); err != nil || npcs <= 0 {
		t.Errorf("tinymmo_world_npcs = %v, %v with the overworld running; want its NPCs", npcs, err)
	}

	conn.Close(protocol.CloseLogout) // the world saves the character
	world = scrapeUntil(t, worldURL, "a timed save after a logout", func(s promtext.Scrape) bool {
		return hasSeries(s, "tinymmo_world_save_seconds_count", map[string]string{"result": "ok"})
	})
	wantAtLeast(t, world, "tinymmo_world_saves_written_total", nil, 1)

	gatewayURL := "http://" + c.Gateway.MetricsAddr().String()
	gateway := scrape(t, gatewayURL)
	const loginRoute = "POST /api/v1/sessions"
	wantValue(t, gateway, "tinymmo_gateway_requests_total", map[string]string{"route": loginRoute, "code": "200"}, 1)
	wantValue(t, gateway, "tinymmo_gateway_requests_total", map[string]string{"route": loginRoute, "code": "401"}, 1)
	wantValue(t, gateway, "tinymmo_gateway_requests_total", map[string]string{"route": loginRoute, "code": "429"}, 1)
	wantValue(t, gateway, "tinymmo_gateway_requests_total", map[string]string{"route": "POST /api/v1/guest", "code": "201"}, 1)
	wantValue(t, gateway, "tinymmo_gateway_request_seconds_count", map[string]string{"route": loginRoute}, 3)
	wantValue(t, gateway, "tinymmo_gateway_login_seconds_count", map[string]string{"result": "ok"}, 1)
	wantValue(t, gateway, "tinymmo_gateway_login_seconds_count", map[string]string{"result": "failed"}, 1)
	wantValue(t, gateway, "tinymmo_gateway_rate_limited_total", map[string]string{"what": "ip_name"}, 1)

	masterURL := "http://" + c.Master.HTTPAddr().String()
	master := scrape(t, masterURL)
	wantValue(t, master, "tinymmo_master_logins_total", map[string]string{"result": "ok"}, 1)
	wantValue(t, master, "tinymmo_master_logins_total", map[string]string{"result": "bad_credentials"}, 1)
	wantValue(t, master, "tinymmo_master_accounts_total", map[string]string{"result": "created"}, 1)
	wantValue(t, master, "tinymmo_master_accounts_total", map[string]string{"result": "guest"}, 1)
	wantValue(t, master, "tinymmo_master_sessions_total", map[string]string{"what": "opened"}, 3)
	wantValue(t, master, "tinymmo_master_requests_total", map[string]string{"subject": cluster.SubjectLogin, "result": "ok"}, 1)
	wantValue(t, master, "tinymmo_master_requests_total", map[string]string{"subject": cluster.SubjectLogin, "result": "bad_credentials"}, 1)
	wantValue(t, master, "tinymmo_master_request_seconds_count", map[string]string{"subject": cluster.SubjectLogin}, 2)
	wantValue(t, master, "tinymmo_master_request_seconds_count", map[string]string{"subject": cluster.SubjectEnter}, 1)

	for _, base := range []string{gatewayURL, masterURL, worldURL} {
		if code := get(t, base+"/healthz"); code != http.StatusOK {
			t.Errorf("GET %s/healthz: HTTP %d, want 200", base, code)
		}
	}
	// The public addresses do not publish the numbers, and the world's
	// answers its health check there too, for a load balancer.
	if body := getBody(t, c.URL()+"/metrics"); strings.Contains(body, "tinymmo_gateway_requests_total") {
		t.Error("the gateway's public address serves its metrics")
	}
	worldPlay := "http://" + c.World.Addr().String()
	if code := get(t, worldPlay+"/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics on the world's public address: HTTP %d, want 404", code)
	}
	if code := get(t, worldPlay+"/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz on the world's public address: HTTP %d, want 200", code)
	}

	served := map[string]bool{}
	for _, s := range []promtext.Scrape{gateway, master, world} {
		for _, smp := range s.Samples {
			served[smp.Name] = true
		}
	}
	queried := dashboardMetrics(t)
	if len(queried) == 0 {
		t.Fatal("the dashboard queries no tinymmo metric")
	}
	for _, name := range queried {
		if !served[name] {
			t.Errorf("%s queries %s, which no role serves", dashboardPath, name)
		}
	}
}

// dashboardMetrics parses the Grafana dashboard and returns the metric
// names its panels' queries use.
func dashboardMetrics(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		Title  string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(data, &dashboard); err != nil {
		t.Fatalf("%s is not valid JSON: %v", dashboardPath, err)
	}
	metricName := regexp.MustCompile(`\btinymmo_[a-z_]+\b`)
	var names []string
	for _, p := range dashboard.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, target := range p.Targets {
			names = append(names, metricName.FindAllString(target.Expr, -1)...)
		}
	}
	return names
}

// scrape reads the /metrics page under base.
func scrape(t *testing.T, base string) promtext.Scrape {
	t.Helper()
	s, err := promtext.Fetch(t.Context(), base+"/metrics")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// scrapeUntil reads the /metrics page under base until ok accepts it, for
// up to 10 s, and returns it; it fails the test, saying it was waiting
// for what, if ok never does.
func scrapeUntil(t *testing.T, base, what string, ok func(promtext.Scrape) bool) promtext.Scrape {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		s := scrape(t, base)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/metrics never showed %s", base, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hasSeries reports whether the series of name with labels add up to more
// than zero.
func hasSeries(s promtext.Scrape, name string, labels map[string]string) bool {
	v, err := s.ValueWhere(name, labels)
	return err == nil && v > 0
}

// wantValue fails the test unless the series of name with labels adds up
// to want.
func wantValue(t *testing.T, s promtext.Scrape, name string, labels map[string]string, want float64) {
	t.Helper()
	if got, err := s.ValueWhere(name, labels); err != nil || got != want {
		t.Errorf("%s%v = %v, %v; want %v", name, labels, got, err, want)
	}
}

// wantAtLeast fails the test unless the series of name with labels add up
// to least or more.
func wantAtLeast(t *testing.T, s promtext.Scrape, name string, labels map[string]string, least float64) {
	t.Helper()
	if got, err := s.ValueWhere(name, labels); err != nil || got < least {
		t.Errorf("%s%v = %v, %v; want at least %v", name, labels, got, err, least)
	}
}

// get returns the status code of a GET of url.
func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// getBody returns the body of a GET of url, whatever its status.
func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return string(body)
}
