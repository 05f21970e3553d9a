package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/bots"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/store"
)

// dashboardBots is how many bots play while the admin watches.
const dashboardBots = 3

// TestDashboardShowsBotsAndKicksOne checks that the dashboard's API
// refuses a page that has not logged in, and that its login form refuses a
// wrong password. It then logs in through the page, waits for the bots to
// show, kicks one with its button and checks that it left the world, and
// sends a broadcast from the page that a player in the world receives.
func TestDashboardShowsBotsAndKicksOne(t *testing.T) {
	needBrowser(t)
	cfg := devcluster.Config{DataDir: t.TempDir(), HashParams: fastHash}
	cfg.World.Heartbeat = 200 * time.Millisecond
	c := start(t, cfg)
	gw := client.NewGateway(c.URL(), nil)
	s, err := gw.CreateAccount(t.Context(), "overseer", playerPassword)
	if err != nil {
		t.Fatal(err)
	}
	db, err := c.OpenMasterDB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SetRole(t.Context(), s.Account.ID, store.RoleAdmin); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var sum bots.Summary
	wg.Go(func() {
		sum, _ = bots.Run(ctx, bots.Config{Gateway: c.URL(), Count: dashboardBots, Duration: 10 * time.Minute, Scenario: bots.ScenarioIdle})
	})
	t.Cleanup(func() {
		stop()
		wg.Wait()
		t.Logf("bots: %d entered, %d failed", sum.Entered, sum.Failed)
	})

	page := newBrowser(t)
	err = chromedp.Do(page,
		chromedp.EmulateViewport(1200, 900),
		chromedp.Navigate(c.Master.DashboardURL()),
		chromedp.WaitVisible("#login"),
	)
	if err != nil {
		t.Fatalf("opening the dashboard: %v", err)
	}
	status, err := chromedp.Run(page, chromedp.Evaluate[int](`fetch("api/events").then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || status != 401 {
		t.Errorf("the live events before logging in: HTTP %d, %v; want 401", status, err)
	}
	err = chromedp.Do(page,
		chromedp.SendKeys("#username", "overseer"),
		chromedp.SendKeys("#password", "not the password"),
		chromedp.Click(`#login button[type="submit"]`),
	)
	if err != nil {
		t.Fatalf("logging in with a wrong password: %v", err)
	}
	waitText(t, page, "#login-error", "the wrong password refused", 10*time.Second, func(s string) bool { return s == "wrong username or password" })
	if open, err := chromedp.Run(page, chromedp.Evaluate[bool](`!document.getElementById("dash").hidden`)); err != nil || open {
		t.Errorf("the dashboard opened after a wrong password (%v)", err)
	}
	err = chromedp.Do(page,
		chromedp.Evaluate[chromedp.Void](`document.getElementById("password").value = ""`),
		chromedp.SendKeys("#password", playerPassword),
		chromedp.Click(`#login button[type="submit"]`),
		chromedp.WaitVisible("#dash"),
	)
	if err != nil {
		t.Fatalf("logging in to the dashboard: %v", err)
	}
	waitText(t, page, "#ccu", "every bot online", 60*time.Second, func(s string) bool { return s == "3" })
	rows := waitRows(t, page, dashboardBots)
	// Let the charts gather a few seconds before the picture.
	time.Sleep(3 * time.Second)
	docShot(t, page, "dashboard")

	kicked := rows[0]
	err = chromedp.Do(page,
		// The kick button asks for a reason.
		chromedp.Evaluate[chromedp.Void](`window.prompt = () => "kicked by the end-to-end test"`),
		chromedp.Click(`#players tr[data-name="`+kicked+`"] button.kick`),
	)
	if err != nil {
		t.Fatalf("clicking kick: %v", err)
	}
	waitText(t, page, "#ccu", "one bot fewer", 15*time.Second, func(s string) bool { return s == "2" })
	if left := waitRows(t, page, dashboardBots-1); strings.Contains(strings.Join(left, " "), kicked) {
		t.Errorf("%s is still listed after the kick: %v", kicked, left)
	}
	// The gateway's world list, from the world's heartbeats, agrees.
	if err := waitPopulation(t, gw, dashboardBots-1); err != nil {
		t.Error(err)
	}
	audit, err := chromedp.Run(page, chromedp.Text("#audit"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(audit, "overseer") || !strings.Contains(audit, "kick") || !strings.Contains(audit, kicked) {
		t.Errorf("the moderation log shows %q, want overseer's kick of %s", audit, kicked)
	}

	// A player, a client like the bots, hears what the page broadcasts.
	listener := client.NewGateway(c.URL(), nil)
	if _, err := listener.Guest(t.Context()); err != nil {
		t.Fatal(err)
	}
	ch, err := listener.CreateCharacter(t.Context(), c.World.ID(), "Listener", api.ClassKnight)
	if err != nil {
		t.Fatal(err)
	}
	enter, err := listener.Enter(t.Context(), c.World.ID(), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Join(t.Context(), enter.URL, enter.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(protocol.CloseLogout)
	const message = "The end-to-end test says hello"
	err = chromedp.Do(page,
		chromedp.SendKeys("#broadcast-message", message),
		chromedp.Click(`#broadcast button[type="submit"]`),
	)
	if err != nil {
		t.Fatalf("sending a broadcast: %v", err)
	}
	waitText(t, page, "#action-result", "the broadcast sent", 10*time.Second, func(s string) bool { return s == "Broadcast sent." })
	awaitSystemLine(t, conn, "[Broadcast] "+message)
}

// awaitSystemLine reads conn's messages until a system line reads text,
// for up to 10 s.
func awaitSystemLine(t *testing.T, conn *client.Conn, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var heard []string
	for {
		m, err := conn.Recv(ctx)
		if err != nil {
			t.Fatalf("the player heard %q, never %q: %v", heard, text, err)
		}
		if l, ok := m.(protocol.ChatLine); ok && l.Channel == protocol.ChannelSystem {
			if l.Text == text {
				return
			}
			heard = append(heard, l.Text)
		}
	}
}

// waitText waits until the text of the element sel satisfies ok.
func waitText(t *testing.T, page context.Context, sel, what string, timeout time.Duration, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var text string
	for time.Now().Before(deadline) {
		var err error
		if text, err = chromedp.Run(page, chromedp.Text(sel)); err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		if ok(text) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: %s still reads %q after %v", what, sel, text, timeout)
}

// waitRows waits until the players table lists n players, and returns
// their names.
func waitRows(t *testing.T, page context.Context, n int) []string {
	t.Helper()
	var names []string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		if names, err = chromedp.Run(page, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#players tr")].map(tr => tr.dataset.name)`)); err != nil {
			t.Fatal(err)
		}
		if len(names) == n {
			return names
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the players table lists %v, want %d players", names, n)
	return nil
}

// waitPopulation waits up to 5 s until the gateway lists one world with n
// players.
func waitPopulation(t *testing.T, gw *client.Gateway, n int) error {
	t.Helper()
	var got []api.World
	for range 25 {
		var err error
		if got, err = gw.Worlds(t.Context()); err != nil {
			return err
		}
		if len(got) == 1 && got[0].Population == n {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the gateway lists %+v, want one world with %d players", got, n)
}
