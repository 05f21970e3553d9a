// Package bots is TinyMMO's load generator: many headless players, each a
// real client built on package client, running the real flow against a
// gateway and a world (version check, login, world list, character, enter,
// play, log out) and reporting what they measured.
//
// Run owns one goroutine per bot and returns when all have finished.
package bots

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Config configures a run. Gateway is required.
type Config struct {
	// Gateway is the gateway's base URL, e.g. "http://127.0.0.1:8080".
	Gateway string
	// Count is how many bots run at once. Default 1.
	Count int
	// Duration is how long each bot stays in the world. Default 10s.
	Duration time.Duration
	// AccountPrefix, when set, makes bot i use the account PREFIX_i with
	// Password, creating it (and a character) the first time and reusing
	// both afterwards. When empty, every bot logs in as a new guest.
	AccountPrefix string
	Password      string
	// World is the id of the world to enter. Default: the first listed.
	World string
}

// Summary is what a run measured. Its JSON form is the bots' report.
type Summary struct {
	Requested         int            `json:"requested"`
	Entered           int            `json:"entered"`
	Failed            int            `json:"failed"`
	CreatedCharacters int            `json:"created_characters"`
	ReusedCharacters  int            `json:"reused_characters"`
	Errors            map[string]int `json:"errors"`
	LoginMS           Percentiles    `json:"login_ms"`
	EnterMS           Percentiles    `json:"enter_ms"`
}

// Percentiles summarizes a distribution.
type Percentiles struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// result is one bot's outcome.
type result struct {
	entered bool
	created bool // made a new character (false: reused one)
	err     error
	errKind string
	login   time.Duration
	enter   time.Duration
}

// Run runs cfg.Count bots and waits for them. A cancelled ctx ends the bots
// early; they still log out.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	if cfg.Gateway == "" {
		return Summary{}, errors.New("bots: no gateway URL")
	}
	if cfg.Count <= 0 {
		cfg.Count = 1
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 10 * time.Second
	}
	if cfg.AccountPrefix != "" {
		if _, err := api.NormalizeUsername(fmt.Sprintf("%s_%d", cfg.AccountPrefix, cfg.Count-1)); err != nil {
			return Summary{}, fmt.Errorf("bots: account prefix %q: %w", cfg.AccountPrefix, err)
		}
		if err := api.CheckPassword(cfg.Password); err != nil {
			return Summary{}, fmt.Errorf("bots: %w", err)
		}
	}
	results := make([]result, cfg.Count)
	var wg sync.WaitGroup
	for i := range cfg.Count {
		wg.Go(func() { results[i] = runBot(ctx, cfg, i) })
	}
	wg.Wait()
	return summarize(results), nil
}

func summarize(results []result) Summary {
	s := Summary{Requested: len(results), Errors: map[string]int{}}
	var logins, enters []time.Duration
	for _, r := range results {
		if r.login > 0 {
			logins = append(logins, r.login)
		}
		if r.err != nil {
			s.Failed++
			s.Errors[r.errKind]++
			continue
		}
		if r.entered {
			s.Entered++
			enters = append(enters, r.enter)
		}
		if r.created {
			s.CreatedCharacters++
		} else {
			s.ReusedCharacters++
		}
	}
	s.LoginMS = percentiles(logins)
	s.EnterMS = percentiles(enters)
	return s
}

// percentiles returns the nearest-rank p50 and p99 of ds in milliseconds.
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	rank := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		return float64(ds[max(0, min(i, len(ds)-1))].Microseconds()) / 1000
	}
	return Percentiles{P50: rank(0.50), P99: rank(0.99)}
}

// bot is one headless player.
type bot struct {
	cfg   Config
	index int
	gw    *client.Gateway
}

func runBot(ctx context.Context, cfg Config, i int) (r result) {
	b := &bot{cfg: cfg, index: i, gw: client.NewGateway(cfg.Gateway, nil)}
	fail := func(kind string, err error) result {
		r.err, r.errKind = err, kind
		if code := api.CodeOf(err); code != api.CodeInternal {
			r.errKind = kind + ":" + string(code)
		}
		return r
	}
	if _, err := retry(ctx, func() (api.VersionResponse, error) { return b.gw.Version(ctx) }); err != nil {
		return fail("version", err)
	}
	start := time.Now()
	if err := b.login(ctx); err != nil {
		return fail("login", err)
	}
	r.login = time.Since(start)
	defer b.gw.Logout(context.WithoutCancel(ctx))

	world, err := b.pickWorld(ctx)
	if err != nil {
		return fail("worlds", err)
	}
	char, created, err := b.character(ctx, world)
	if err != nil {
		return fail("character", err)
	}
	r.created = created
	start = time.Now()
	enter, err := retry(ctx, func() (api.EnterResponse, error) { return b.gw.Enter(ctx, world, char.ID) })
	if err != nil {
		return fail("enter", err)
	}
	conn, err := client.Join(ctx, enter.URL, enter.Token)
	if err != nil {
		return fail("join", err)
	}
	r.enter = time.Since(start)
	r.entered = true
	if err := b.play(ctx, conn); err != nil {
		return fail("play", err)
	}
	return r
}

// login logs in as a guest, or to the bot's account, creating it if needed.
func (b *bot) login(ctx context.Context) error {
	if b.cfg.AccountPrefix == "" {
		_, err := retry(ctx, func() (api.Session, error) { return b.gw.Guest(ctx) })
		return err
	}
	user := fmt.Sprintf("%s_%d", b.cfg.AccountPrefix, b.index)
	_, err := retry(ctx, func() (api.Session, error) { return b.gw.Login(ctx, user, b.cfg.Password) })
	if api.CodeOf(err) == api.CodeBadCredentials {
		_, err = retry(ctx, func() (api.Session, error) { return b.gw.CreateAccount(ctx, user, b.cfg.Password) })
	}
	return err
}

func (b *bot) pickWorld(ctx context.Context) (string, error) {
	worlds, err := retry(ctx, func() ([]api.World, error) { return b.gw.Worlds(ctx) })
	if err != nil {
		return "", err
	}
	for _, w := range worlds {
		if b.cfg.World == "" || w.ID == b.cfg.World {
			return w.ID, nil
		}
	}
	return "", fmt.Errorf("bots: world %q is not online", b.cfg.World)
}

// character returns the account's first character on world, creating one
// if it has none.
func (b *bot) character(ctx context.Context, world string) (api.Character, bool, error) {
	chars, err := retry(ctx, func() ([]api.Character, error) { return b.gw.Characters(ctx, world) })
	if err != nil {
		return api.Character{}, false, err
	}
	if len(chars) > 0 {
		return chars[0], false, nil
	}
	class := api.Classes[b.index%len(api.Classes)]
	for {
		c, err := retry(ctx, func() (api.Character, error) { return b.gw.CreateCharacter(ctx, world, botName(), class) })
		if api.CodeOf(err) == api.CodeNameTaken {
			continue // a random name collided; draw another
		}
		return c, true, err
	}
}

// play stays in the world for the configured duration, pinging once a
// second, then logs out.
func (b *bot) play(ctx context.Context, conn *client.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.Duration)
	defer cancel()
	recvErr := make(chan error, 1)
	go func() {
		for {
			if _, err := conn.Recv(context.WithoutCancel(ctx)); err != nil {
				recvErr <- err
				return
			}
		}
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			conn.Close(protocol.CloseLogout)
			<-recvErr
			return nil
		case err := <-recvErr:
			conn.Close(protocol.CloseLogout)
			return fmt.Errorf("bots: connection lost: %w", err)
		case <-tick.C:
			if err := conn.Send(ctx, protocol.Ping{ClientTime: uint64(time.Now().UnixMilli())}); err != nil && ctx.Err() == nil {
				conn.Close(protocol.CloseLogout)
				<-recvErr
				return err
			}
		}
	}
}

// retry calls fn until it succeeds with anything but a rate-limit error,
// waiting as long as the gateway's Retry-After asks.
func retry[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	for {
		v, err := fn()
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Code != api.CodeRateLimited {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(max(ae.RetryAfter, 100*time.Millisecond)):
		}
	}
}

// botName returns a random valid character name.
func botName() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return "Bot" + string(b)
}
