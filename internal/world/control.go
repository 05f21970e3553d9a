package world

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/sim"
	"github.com/tinymmo/tinymmo/internal/store"
)

func (s *Server) serveControlPlane() error {
	s.svc = cluster.NewService(s.nc, s.log)
	// A master that (re)starts asks every world to register at once. The
	// subscription ends when the connection closes.
	if _, err := s.nc.Subscribe(cluster.SubjectMasterStarted, func(*nats.Msg) { s.sendHeartbeat() }); err != nil {
		return fmt.Errorf("world: subscribe: %w", err)
	}
	return errors.Join(
		cluster.Handle(s.svc, cluster.WorldSubject(s.cfg.ID, cluster.WorldOpCharacters), s.listCharacters),
		cluster.Handle(s.svc, cluster.WorldSubject(s.cfg.ID, cluster.WorldOpCreateCharacter), s.createCharacter),
		cluster.Handle(s.svc, cluster.WorldSubject(s.cfg.ID, cluster.WorldOpMintJoin), s.mintJoin),
		cluster.Handle(s.svc, cluster.WorldSubject(s.cfg.ID, cluster.WorldOpStatus), s.status),
		cluster.Handle(s.svc, cluster.WorldSubject(s.cfg.ID, cluster.WorldOpAdmin), s.admin),
	)
}

// heartbeatLoop announces the world until Shutdown. NATS buffers publishes
// while disconnected and the loop keeps going, so a restarted master hears
// from this world again without anything restarting here.
func (s *Server) heartbeatLoop() {
	t := time.NewTicker(s.cfg.Heartbeat)
	defer t.Stop()
	s.sendHeartbeat()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.sendHeartbeat()
		}
	}
}

// forgetLoop deletes the characters of the accounts the master deleted
// (idle guests): at start, from the oldest the master remembers, and then
// every ForgetEvery. The master's numbering keeps the place; a world that
// was down catches up when it starts.
func (s *Server) forgetLoop() {
	t := time.NewTicker(s.cfg.ForgetEvery)
	defer t.Stop()
	var after int64
	for {
		after = s.forget(after)
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// forget asks the master for the accounts deleted after the one numbered
// after, deletes their characters, and returns the number of the last one
// it dealt with. It stops at an account still in use here (online, or with
// a save not yet written): that one, and those after it, wait for the next
// round.
func (s *Server) forget(after int64) int64 {
	for s.ctx.Err() == nil {
		ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
		done, page, err := s.forgetPage(ctx, after)
		cancel()
		if err != nil {
			if s.ctx.Err() == nil {
				s.log.Warn("world: deleting the characters of deleted accounts", "err", err)
			}
			return after
		}
		if done == after || page < cluster.MaxDeletedAccounts {
			return done
		}
		after = done
	}
	return after
}

// forgetPage deals with one page of deleted accounts after the one
// numbered after: it returns the number of the last it dealt with and how
// many the page held.
func (s *Server) forgetPage(ctx context.Context, after int64) (done int64, page int, err error) {
	resp, err := cluster.Request[cluster.DeletedAccountsResponse](ctx, s.nc, cluster.SubjectDeletedAccounts,
		cluster.DeletedAccountsRequest{After: after})
	if err != nil {
		return after, 0, err
	}
	done = after
	var ids []int64
	for _, d := range resp.Accounts {
		inUse, err := s.inUse(ctx, d.AccountID)
		if err != nil {
			return after, 0, err
		}
		if inUse {
			break
		}
		ids, done = append(ids, d.AccountID), d.Seq
	}
	n, err := s.db.DeleteCharactersOf(ctx, ids)
	if err != nil {
		return after, 0, err
	}
	if n > 0 {
		s.metrics.charactersForgotten.Add(float64(n))
		s.log.Info("world: deleted the characters of deleted accounts", "characters", n, "accounts", len(ids))
	}
	return done, len(resp.Accounts), nil
}

// inUse reports whether the account plays here now, or one of its
// characters has a save the saver has not written: its characters must
// not go yet.
func (s *Server) inUse(ctx context.Context, accountID int64) (bool, error) {
	if s.players.online(accountID) {
		return true, nil
	}
	cs, err := s.db.Characters(ctx, accountID)
	if err != nil {
		return false, err
	}
	for _, c := range cs {
		if _, pending := s.saver.Pending(c.ID); pending {
			return true, nil
		}
	}
	return false, nil
}

func (s *Server) sendHeartbeat() {
	population := s.players.count()
	status := "online"
	if population >= s.cfg.Capacity {
		status = "full"
	}
	hb := cluster.Heartbeat{
		World: api.World{
			ID: s.cfg.ID, Name: s.cfg.Name, Population: population, Capacity: s.cfg.Capacity,
			Status: status, PvP: s.cfg.PvP, Hardcore: s.cfg.Hardcore,
		},
		Instances: s.instanceCount(),
		Interval:  s.cfg.Heartbeat,
	}
	data, _ := json.Marshal(hb) // a Heartbeat always encodes
	if err := s.nc.Publish(cluster.SubjectHeartbeat, data); err != nil && s.ctx.Err() == nil {
		s.log.Warn("world: heartbeat", "err", err)
	}
}

func (s *Server) listCharacters(ctx context.Context, req cluster.WorldCharactersRequest) (api.CharactersResponse, error) {
	cs, err := s.db.Characters(ctx, req.AccountID)
	if err != nil {
		return api.CharactersResponse{}, err
	}
	out := api.CharactersResponse{Characters: make([]api.Character, 0, len(cs))}
	for _, c := range cs {
		out.Characters = append(out.Characters, publicCharacter(c))
	}
	return out, nil
}

func (s *Server) createCharacter(ctx context.Context, req cluster.WorldCreateCharacterRequest) (api.Character, error) {
	if err := api.CheckCharacterName(req.Name); err != nil {
		return api.Character{}, err
	}
	class, err := api.ParseClass(string(req.Class))
	if err != nil {
		return api.Character{}, err
	}
	kind, _ := rules.ClassNamed(string(class)) // every api.Class has stats
	stats := kind.StatsAt(1)
	// New characters start on a free spot near the start point, so that
	// a crowd of newcomers does not stand on one spot.
	spawn := s.startPosition()
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	pos := sim.FreeSpotNear(s.maps[spawn.Map], spawn.Pos, int32(s.cfg.SpawnSpread)*rules.SubpixelsPerPixel, rng)
	c, err := s.db.CreateCharacter(ctx, store.Character{
		AccountID: req.AccountID, Name: req.Name, Class: store.Class(class), Level: 1,
		Map: spawn.Map, X: pos.X, Y: pos.Y,
		HP: int(stats.MaxHP), MaxHP: int(stats.MaxHP), MP: int(stats.MaxMP), MaxMP: int(stats.MaxMP),
	}, s.cfg.MaxCharacters)
	switch {
	case errors.Is(err, store.ErrNameTaken):
		return api.Character{}, api.Errorf(api.CodeNameTaken, "the name %q is taken on this world", req.Name)
	case errors.Is(err, store.ErrTooManyCharacters):
		return api.Character{}, api.Errorf(api.CodeTooManyCharacters, "you already have %d characters on this world", s.cfg.MaxCharacters)
	case err != nil:
		return api.Character{}, err
	}
	return publicCharacter(c), nil
}

func (s *Server) mintJoin(ctx context.Context, req cluster.MintJoinRequest) (api.EnterResponse, error) {
	c, err := s.db.Character(ctx, req.CharacterID)
	if errors.Is(err, store.ErrNotFound) || err == nil && c.AccountID != req.AccountID {
		// Someone else's character looks exactly like a missing one.
		return api.EnterResponse{}, api.Errorf(api.CodeNotFound, "no such character")
	}
	if err != nil {
		return api.EnterResponse{}, err
	}
	if s.players.count() >= s.cfg.Capacity && !s.players.online(req.AccountID) {
		return api.EnterResponse{}, api.Errorf(api.CodeWorldFull, "%s is full; try again later or pick another world", s.cfg.Name)
	}
	token, expires, err := s.tokens.mint(joinGrant{AccountID: req.AccountID, CharacterID: c.ID, Role: req.Role, Mute: req.Mute}, time.Now())
	if err != nil {
		return api.EnterResponse{}, err
	}
	return api.EnterResponse{URL: s.cfg.PublicURL, Token: token, ExpiresAt: expires.UTC()}, nil
}

func publicCharacter(c store.Character) api.Character {
	return api.Character{
		ID: c.ID, Name: c.Name, Class: api.Class(c.Class), Level: c.Level, Map: c.Map,
		HP: c.HP, MaxHP: c.MaxHP, MP: c.MP, MaxMP: c.MaxMP,
	}
}
