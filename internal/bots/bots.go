// Package bots is TinyMMO's load generator: many headless players, each a
// real client built on package client, running the real flow against a
// gateway and a world (version check, login, world list, character, enter,
// play, log out) and reporting what they measured.
//
// Four scenarios say how a bot plays once in the world: "idle" stands
// still and pings once a second; "walk" walks like a player, sending an
// input whenever its direction changes (tagged with the tick it starts at),
// keeping a client.View of the world and predicting its own position with
// a client.Predictor, and counts every correction the world forces on the
// prediction, desyncs apart from resyncs. Some walkers head for portals, so
// map changes happen too. "fight" plays like "walk" but hunts the hostile
// NPCs in view with its class's abilities, and on a world with PvP the
// other players too (fight.go). "social" walks like
// "walk" and chats, forms parties and takes them into private Dungeon
// instances, checking that every whisper and party line arrives
// (social.go).
//
// Run owns one goroutine per bot (two while it plays: one reads the
// connection) and returns when all have finished.
package bots

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Scenarios: how a bot plays once it is in the world.
const (
	// ScenarioIdle stands still and pings once a second.
	ScenarioIdle = "idle"
	// ScenarioWalk walks with prediction, one input a tick; see walk.go.
	ScenarioWalk = "walk"
	// ScenarioFight walks like ScenarioWalk and fights the NPCs it sees,
	// and the players too where the world has PvP; see fight.go.
	ScenarioFight = "fight"
	// ScenarioSocial walks like ScenarioWalk, chats and goes into the
	// Dungeon in parties; see social.go.
	ScenarioSocial = "social"
)

// Config configures a run. Gateway is required.
type Config struct {
	// Gateway is the gateway's base URL, e.g. "http://127.0.0.1:8080".
	Gateway string
	// WorldMetrics is the URL of the world's /metrics, on its monitoring
	// address (tinymmo dev prints it), e.g. "http://127.0.0.1:8101/metrics".
	// When set, the summary has the world's tick percentiles over the run.
	WorldMetrics string
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
	// Scenario is how bots play: ScenarioIdle (the default),
	// ScenarioWalk, ScenarioFight or ScenarioSocial.
	Scenario string
}

// Summary is what a run measured. Its JSON form is the bots' report.
type Summary struct {
	Requested int `json:"requested"`
	// Entered counts the bots that got into the world, whether they left
	// when their visit was over or were disconnected.
	Entered int `json:"entered"`
	// Disconnected counts the bots that entered and were then
	// disconnected by the world, or lost the connection, by close code:
	// "4009" when the world shut down, "1006" (CloseLost) when the
	// connection was lost without a close frame (a killed world). These
	// bots did not fail.
	Disconnected map[string]int `json:"disconnected"`
	// Failed counts the bots that did not make it into the world, or
	// that broke off on an error of their own (a desync, a malformed
	// message).
	Failed            int `json:"failed"`
	CreatedCharacters int `json:"created_characters"`
	ReusedCharacters  int `json:"reused_characters"`
	// Errors counts failed bots by what failed. The key "tick_metrics"
	// instead counts a failure to read the world's tick histogram (TickMS
	// is then zero); it fails no bot.
	Errors map[string]int `json:"errors"`
	// ErrorSamples holds the message of one error of each kind in Errors.
	ErrorSamples map[string]string `json:"error_samples,omitempty"`
	LoginMS      Percentiles       `json:"login_ms"`
	EnterMS      Percentiles       `json:"enter_ms"`

	// Desyncs counts the walkers' prediction corrections larger than
	// client.DesyncTolerance that nothing explains: the client's rules and
	// the world's disagree (a bug). Resyncs counts those explained by an
	// input that reached the world late (or was dropped), or by a jump of
	// the client's clock (client.Correction.Resync).
	Desyncs int `json:"desyncs"`
	Resyncs int `json:"resyncs"`
	// PortalTrips counts the map changes the bots went through. They are
	// predicted exactly: a trip causes no resync.
	PortalTrips int `json:"portal_trips"`
	// What the fighters did (ScenarioFight): NPCs and, on a world with
	// PvP, players they attacked that died (several fighters may count
	// one), their own deaths, abilities the world let them use and those
	// it refused, and levels gained.
	Kills          int `json:"kills"`
	PlayerKills    int `json:"player_kills"`
	Deaths         int `json:"deaths"`
	AbilitiesUsed  int `json:"abilities_used"`
	ActionsRefused int `json:"actions_refused"`
	LevelsGained   int `json:"levels_gained"`
	// What the social bots did (ScenarioSocial; see social.go). ChatSent
	// counts their lines (says, whispers, party lines; not commands),
	// ChatReceived the lines of other bots they heard, Whispers the
	// whispers among the lines sent, and ChatRefused the lines and
	// commands the world refused with a system line (slow down, not
	// online, …), and ChatRefusedSample is the text of one of those
	// refusals. ChatExpected counts the deliveries of whispers and
	// party lines the senders expected, each to one recipient, and
	// ChatLost those the recipient never saw: 0 when chat works.
	// PartiesFormed counts the parties that at least one invited bot
	// joined, PrivateInstances the distinct private instances bots
	// entered, PartyDungeons the parties two or more members of which met
	// in their party's private instance, and PartySplits the arrivals of
	// party members in another private instance than their party's (0
	// when parties share their instance).
	ChatSent          int    `json:"chat_sent"`
	ChatReceived      int    `json:"chat_received"`
	Whispers          int    `json:"whispers"`
	ChatRefused       int    `json:"chat_refused"`
	ChatRefusedSample string `json:"chat_refused_sample,omitempty"`
	ChatExpected      int    `json:"chat_expected"`
	ChatLost          int    `json:"chat_lost"`
	PartiesFormed     int    `json:"parties_formed"`
	PrivateInstances  int    `json:"private_instances"`
	PartyDungeons     int    `json:"party_dungeons"`
	PartySplits       int    `json:"party_splits"`
	// DownBytesPerS and UpBytesPerS are each bot's WebSocket payload bytes
	// per second received and sent while in the world, over the bots.
	DownBytesPerS Percentiles `json:"down_bytes_per_s"`
	UpBytesPerS   Percentiles `json:"up_bytes_per_s"`
	// SnapshotsPerS is the mean of each bot's snapshots received per
	// second in the world.
	SnapshotsPerS float64 `json:"snapshots_per_s"`
	// TickMS is the world's tick duration over the run, from the deltas of
	// its tinymmo_world_tick_seconds histogram before and after: zeros
	// without Config.WorldMetrics. It takes in the logins, joins and
	// logouts of every bot.
	TickMS Percentiles `json:"tick_ms"`
	// TickMSAllIn is the tick duration while every bot was in the world,
	// from the last bot's join to the first one's leaving, AllInS seconds:
	// the load the scenario describes. Zeros if there was no such window
	// (a bot failed to join, or the visits were shorter than the joins
	// took) or without Config.WorldMetrics.
	TickMSAllIn Percentiles `json:"tick_ms_all_in"`
	AllInS      float64     `json:"all_in_s"`
	// StealPercent is the share of this machine's CPU time, over the
	// same ticks, that the host of its virtual machine took back (see
	// package hostcpu), in percent: it stretches the ticks of a world that
	// runs here, as under tinymmo dev. 0 on a machine without /proc/stat.
	StealPercent float64 `json:"steal_percent"`
}

// Percentiles summarizes a distribution.
type Percentiles struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// result is one bot's outcome.
type result struct {
	entered      bool
	disconnected protocol.CloseCode // how the world ended the visit; 0 if the bot left on its own
	created      bool               // made a new character (false: reused one)
	err          error
	errKind      string
	login        time.Duration
	enter        time.Duration
	play         playStats
}

// playStats is what a bot measured in the world.
type playStats struct {
	duration  time.Duration
	conn      client.ConnStats // carried while playing
	snapshots int
	desyncs   int
	resyncs   int
	trips     int
	fight     fightStats
	social    socialStats
}

// Run runs cfg.Count bots and waits for them. A cancelled ctx ends the bots
// early; they still log out.
func Run(ctx context.Context, cfg Config) (Summary, error) {
	return runWith(ctx, cfg, hooks{})
}

// hooks let tests look into and steer a run; the zero value changes
// nothing.
type hooks struct {
	check       *viewCheck // collects what every walker saw
	seekerEvery int        // overrides the package's seekerEvery
	entered     func()     // called by each bot once it has the world's Welcome
}

// runWith is Run with test hooks.
func runWith(ctx context.Context, cfg Config, h hooks) (Summary, error) {
	if cfg.Gateway == "" {
		return Summary{}, errors.New("bots: no gateway URL")
	}
	if cfg.Count <= 0 {
		cfg.Count = 1
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 10 * time.Second
	}
	switch cfg.Scenario {
	case "":
		cfg.Scenario = ScenarioIdle
	case ScenarioIdle, ScenarioWalk, ScenarioFight, ScenarioSocial:
	default:
		return Summary{}, fmt.Errorf("bots: unknown scenario %q (want %s, %s, %s or %s)", cfg.Scenario, ScenarioIdle, ScenarioWalk, ScenarioFight, ScenarioSocial)
	}
	if cfg.AccountPrefix != "" {
		if _, err := api.NormalizeUsername(fmt.Sprintf("%s_%d", cfg.AccountPrefix, cfg.Count-1)); err != nil {
			return Summary{}, fmt.Errorf("bots: account prefix %q: %w", cfg.AccountPrefix, err)
		}
		if err := api.CheckPassword(cfg.Password); err != nil {
			return Summary{}, fmt.Errorf("bots: %w", err)
		}
	}
	f := &fleet{
		cfg: cfg, maps: client.NewMapCache(nil), seed: uint64(time.Now().UnixNano()), ticks: tickProbe{url: cfg.WorldMetrics},
		seekerEvery: cmp.Or(h.seekerEvery, seekerEvery), check: h.check, entered: h.entered,
	}
	if cfg.Scenario == ScenarioSocial {
		f.social = newSociety(cfg.Count)
	}
	results := make([]result, cfg.Count)
	var wg sync.WaitGroup
	for i := range cfg.Count {
		wg.Go(func() { results[i] = f.bot(ctx, i) })
	}
	wg.Wait()
	s := summarize(results)
	if f.social != nil {
		f.social.report(&s)
	}
	tick, steal, err := f.ticks.finish(context.WithoutCancel(ctx))
	if err != nil {
		s.Errors["tick_metrics"]++
		s.ErrorSamples["tick_metrics"] = err.Error()
	}
	s.TickMS, s.StealPercent = tick, steal
	s.TickMSAllIn, s.AllInS = f.ticks.allInWindow()
	return s, nil
}

// fleet is what the bots of a run share.
type fleet struct {
	cfg  Config
	maps *client.MapCache // every walker's maps, loaded once
	seed uint64           // of the walkers' random choices
	// seekerEvery makes one walker in seekerEvery a portal seeker.
	seekerEvery int
	check       *viewCheck // nil except in tests
	entered     func()     // nil except in tests
	social      *society   // nil but in the social scenario
	ticks       tickProbe
}

func summarize(results []result) Summary {
	s := Summary{Requested: len(results), Disconnected: map[string]int{}, Errors: map[string]int{}, ErrorSamples: map[string]string{}}
	var logins, enters []time.Duration
	var down, up []float64
	var snapshotRates float64
	for _, r := range results {
		s.Desyncs += r.play.desyncs
		s.PortalTrips += r.play.trips
		s.Resyncs += r.play.resyncs
		f := r.play.fight
		s.Kills, s.PlayerKills = s.Kills+f.kills, s.PlayerKills+f.playerKills
		s.Deaths, s.LevelsGained = s.Deaths+f.deaths, s.LevelsGained+f.levels
		s.AbilitiesUsed, s.ActionsRefused = s.AbilitiesUsed+f.used, s.ActionsRefused+f.refused
		so := r.play.social
		s.ChatSent, s.ChatReceived, s.Whispers = s.ChatSent+so.sent, s.ChatReceived+so.received, s.Whispers+so.whispers
		s.ChatRefused, s.PartiesFormed = s.ChatRefused+so.refused, s.PartiesFormed+so.formed
		s.ChatRefusedSample = cmp.Or(s.ChatRefusedSample, so.refusal)
		if secs := r.play.duration.Seconds(); secs > 0 {
			down = append(down, float64(r.play.conn.BytesIn)/secs)
			up = append(up, float64(r.play.conn.BytesOut)/secs)
			snapshotRates += float64(r.play.snapshots) / secs
		}
		if r.login > 0 {
			logins = append(logins, r.login)
		}
		if r.err != nil {
			s.Failed++
			s.Errors[r.errKind]++
			if _, ok := s.ErrorSamples[r.errKind]; !ok {
				s.ErrorSamples[r.errKind] = r.err.Error()
			}
			continue
		}
		if r.entered {
			s.Entered++
			enters = append(enters, r.enter)
		}
		if r.disconnected != 0 {
			s.Disconnected[strconv.Itoa(int(r.disconnected))]++
		}
		if r.created {
			s.CreatedCharacters++
		} else {
			s.ReusedCharacters++
		}
	}
	s.LoginMS = durationPercentiles(logins)
	s.EnterMS = durationPercentiles(enters)
	s.DownBytesPerS = percentiles(down)
	s.UpBytesPerS = percentiles(up)
	if len(down) > 0 {
		s.SnapshotsPerS = snapshotRates / float64(len(down))
	}
	return s
}

// durationPercentiles returns the nearest-rank p50 and p99 of ds in
// milliseconds.
func durationPercentiles(ds []time.Duration) Percentiles {
	ms := make([]float64, len(ds))
	for i, d := range ds {
		ms[i] = float64(d.Microseconds()) / 1000
	}
	return percentiles(ms)
}

// percentiles returns the nearest-rank p50 and p99 of vs.
func percentiles(vs []float64) Percentiles {
	if len(vs) == 0 {
		return Percentiles{}
	}
	slices.Sort(vs)
	rank := func(p float64) float64 {
		i := int(p*float64(len(vs))+0.999999) - 1
		return vs[max(0, min(i, len(vs)-1))]
	}
	return Percentiles{P50: rank(0.50), P99: rank(0.99)}
}

// bot is one headless player.
type bot struct {
	cfg   Config
	fleet *fleet
	index int
	gw    *client.Gateway
	pvp   bool // the world it plays in lets players fight each other
}

// bot runs bot i from start to logout.
func (f *fleet) bot(ctx context.Context, i int) (r result) {
	cfg := f.cfg
	b := &bot{cfg: cfg, fleet: f, index: i, gw: client.NewGateway(cfg.Gateway, nil)}
	// An overloaded master sheds requests it cannot answer in time (a
	// burst of logins queues for the password hasher): a bot backs off and
	// tries again, as a real client would.
	b.gw.RetryUnavailable(botRetriesUnavailable)
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
	b.pvp = world.PvP
	char, created, err := b.character(ctx, world.ID)
	if err != nil {
		return fail("character", err)
	}
	r.created = created
	start = time.Now()
	enter, err := retry(ctx, func() (api.EnterResponse, error) { return b.gw.Enter(ctx, world.ID, char.ID) })
	if err != nil {
		return fail("enter", err)
	}
	f.ticks.start(ctx)
	conn, err := client.Join(ctx, enter.URL, enter.Token)
	if err != nil {
		return fail("join", err)
	}
	r.enter = time.Since(start)
	r.entered = true
	if f.entered != nil {
		f.entered()
	}
	f.ticks.in(ctx, cfg.Count)
	before, began := conn.Stats(), time.Now()
	if cfg.Scenario != ScenarioIdle {
		err = b.walk(ctx, conn, char, &r.play)
	} else {
		err = b.idle(ctx, conn, &r.play)
	}
	f.ticks.out(context.WithoutCancel(ctx))
	r.play.duration = time.Since(began)
	after := conn.Stats()
	r.play.conn = client.ConnStats{
		MessagesIn: after.MessagesIn - before.MessagesIn, BytesIn: after.BytesIn - before.BytesIn,
		MessagesOut: after.MessagesOut - before.MessagesOut, BytesOut: after.BytesOut - before.BytesOut,
	}
	var d *disconnectedError
	switch {
	case errors.As(err, &d):
		r.disconnected = d.code
	case errors.Is(err, client.ErrDesync):
		return fail("desync", err)
	case err != nil:
		return fail("play", err)
	}
	return r
}

// CloseLost is the close code Summary.Disconnected counts a connection
// under when it was lost without a close frame, as when a world is killed:
// WebSocket's 1006, which is never sent on the wire.
const CloseLost protocol.CloseCode = 1006

// disconnectedError ends a visit the world ended: it closed the connection
// with code, or the connection was lost (CloseLost).
type disconnectedError struct {
	code protocol.CloseCode
	err  error
}

func (e *disconnectedError) Error() string {
	return fmt.Sprintf("bots: disconnected (%d): %v", int(e.code), e.err)
}

func (e *disconnectedError) Unwrap() error { return e.err }

// disconnected returns the error for a visit whose connection's reader
// failed with err.
func disconnected(err error) error {
	code := CloseLost
	if ce, ok := errors.AsType[*client.CloseError](err); ok {
		code = ce.Code
	}
	return &disconnectedError{code: code, err: err}
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

// pickWorld returns the world to enter: the configured one, or the first
// listed.
func (b *bot) pickWorld(ctx context.Context) (api.World, error) {
	worlds, err := retry(ctx, func() ([]api.World, error) { return b.gw.Worlds(ctx) })
	if err != nil {
		return api.World{}, err
	}
	for _, w := range worlds {
		if b.cfg.World == "" || w.ID == b.cfg.World {
			return w, nil
		}
	}
	return api.World{}, fmt.Errorf("bots: world %q is not online", b.cfg.World)
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

// idle stays in the world for the configured duration, pinging once a
// second, then logs out. It counts the snapshots it receives. A cancelled
// ctx ends the visit early, without an error.
//
// The visit ends on a timer rather than on a ctx deadline: the WebSocket
// library cuts the connection when a write's context expires, and a ping
// racing the deadline would then look like a lost connection.
func (b *bot) idle(ctx context.Context, conn *client.Conn, stats *playStats) error {
	recvErr := make(chan error, 1)
	var snapshots atomic.Int64
	defer func() { stats.snapshots = int(snapshots.Load()) }()
	go func() {
		for {
			m, err := conn.Recv(context.WithoutCancel(ctx))
			if err != nil {
				recvErr <- err
				return
			}
			if m.Type() == protocol.TypeSnapshot {
				snapshots.Add(1)
			}
		}
	}()
	visit := time.NewTimer(b.cfg.Duration)
	defer visit.Stop()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var pingErr error
		select {
		case <-visit.C:
		case <-ctx.Done():
		case err := <-recvErr:
			conn.Close(protocol.CloseLogout)
			if ctx.Err() != nil {
				return nil // a write cancelled with the run cut the connection
			}
			return disconnected(err)
		case <-tick.C:
			if pingErr = conn.Send(ctx, protocol.Ping{ClientTime: uint64(time.Now().UnixMilli())}); pingErr == nil {
				continue
			}
		}
		// The visit is over, the run was cancelled, or a ping failed.
		conn.Close(protocol.CloseLogout)
		err := <-recvErr
		if ctx.Err() != nil || pingErr == nil {
			return nil
		}
		return disconnected(err) // the connection is gone; its reader says how
	}
}

// retry calls fn until it returns anything but a rate-limit error, waiting
// as long as the gateway's Retry-After asks. (The gateway client itself
// retries unavailable answers: see botRetriesUnavailable.)
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

// botRetriesUnavailable is how many times a bot retries a request the
// gateway answered as unavailable.
const botRetriesUnavailable = 5

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
