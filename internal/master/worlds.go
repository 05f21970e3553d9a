package master

import (
	"context"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
)

func (m *Master) listWorlds(ctx context.Context, req cluster.SessionRequest) (api.WorldsResponse, error) {
	if _, err := m.authenticate(ctx, req.Session); err != nil {
		return api.WorldsResponse{}, err
	}
	return api.WorldsResponse{Worlds: m.liveWorlds(time.Now())}, nil
}

// liveWorld returns the registered world id, or a not-found error a player
// can read.
func (m *Master) liveWorld(id string) (api.World, error) {
	hb, ok := m.worlds.lookup(id, time.Now())
	if !ok {
		return api.World{}, api.Errorf(api.CodeNotFound, "world %q is not online", id)
	}
	return hb.World, nil
}

func (m *Master) characters(ctx context.Context, req cluster.CharactersRequest) (api.CharactersResponse, error) {
	acct, err := m.authenticate(ctx, req.Session)
	if err != nil {
		return api.CharactersResponse{}, err
	}
	if _, err := m.liveWorld(req.WorldID); err != nil {
		return api.CharactersResponse{}, err
	}
	return cluster.Request[api.CharactersResponse](ctx, m.nc,
		cluster.WorldSubject(req.WorldID, cluster.WorldOpCharacters),
		cluster.WorldCharactersRequest{AccountID: acct.ID})
}

func (m *Master) createCharacter(ctx context.Context, req cluster.CreateCharacterRequest) (api.Character, error) {
	acct, err := m.authenticate(ctx, req.Session)
	if err != nil {
		return api.Character{}, err
	}
	if _, err := m.liveWorld(req.WorldID); err != nil {
		return api.Character{}, err
	}
	return cluster.Request[api.Character](ctx, m.nc,
		cluster.WorldSubject(req.WorldID, cluster.WorldOpCreateCharacter),
		cluster.WorldCreateCharacterRequest{AccountID: acct.ID, Name: req.Name, Class: req.Class})
}

func (m *Master) enter(ctx context.Context, req cluster.EnterRequest) (api.EnterResponse, error) {
	acct, err := m.authenticate(ctx, req.Session)
	if err != nil {
		return api.EnterResponse{}, err
	}
	if ok, wait := m.enters.Allow(acct.ID, time.Now()); !ok {
		return api.EnterResponse{}, api.RateLimited("requests to enter a world", wait)
	}
	// The world decides whether it is full: it knows whether this account
	// is already playing there and would only be replaced.
	if _, err := m.liveWorld(req.WorldID); err != nil {
		return api.EnterResponse{}, err
	}
	mute, err := m.joinMute(ctx, acct.ID)
	if err != nil {
		return api.EnterResponse{}, err
	}
	return cluster.Request[api.EnterResponse](ctx, m.nc,
		cluster.WorldSubject(req.WorldID, cluster.WorldOpMintJoin),
		cluster.MintJoinRequest{AccountID: acct.ID, CharacterID: req.CharacterID, Role: api.Role(acct.Role), Mute: mute})
}
