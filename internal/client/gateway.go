package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/version"
)

// Gateway calls a gateway's JSON API. It remembers the session token of the
// last successful login. A Gateway is not safe for concurrent use.
type Gateway struct {
	base    string
	version string
	hc      *http.Client
	session api.Session
	retries int // see RetryUnavailable
}

// NewGateway returns a client of the gateway at baseURL (e.g.
// "http://127.0.0.1:8080") that presents this build's version. hc nil means
// http.DefaultClient.
func NewGateway(baseURL string, hc *http.Client) *Gateway {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Gateway{base: strings.TrimRight(baseURL, "/"), version: version.Version, hc: hc}
}

// WithVersion returns a copy of g that presents version v instead: for tests
// of the version check.
func (g *Gateway) WithVersion(v string) *Gateway {
	c := *g
	c.version = v
	return &c
}

// RetryUnavailable makes every later call try again, up to n more times, a
// request the gateway answered with api.CodeUnavailable: the master or world
// did not answer in time, as when a burst of logins queues for the password
// hasher or a master restarts. Before the k-th retry the call waits k times
// the response's Retry-After, or less when ctx ends first. The default, 0,
// returns the first error, as tests of the error itself want.
//
// A retried request may have taken effect the first time (the master can
// finish a request the gateway gave up on), so a retried account creation
// can fail with api.CodeNameTaken for an account it made itself.
func (g *Gateway) RetryUnavailable(n int) { g.retries = n }

// Session returns the current session; its Token is empty before login.
func (g *Gateway) Session() api.Session { return g.session }

// Version asks the gateway for its version; it fails with
// api.CodeVersionMismatch when this client is out of date.
func (g *Gateway) Version(ctx context.Context) (api.VersionResponse, error) {
	var v api.VersionResponse
	err := g.call(ctx, http.MethodGet, "/version", nil, &v)
	return v, err
}

// CreateAccount creates an account and logs in to it.
func (g *Gateway) CreateAccount(ctx context.Context, username, password string) (api.Session, error) {
	return g.openSession(ctx, "/accounts", api.Credentials{Username: username, Password: password})
}

// Login logs in to an existing account.
func (g *Gateway) Login(ctx context.Context, username, password string) (api.Session, error) {
	return g.openSession(ctx, "/sessions", api.Credentials{Username: username, Password: password})
}

// Guest creates a guest account and logs in to it.
func (g *Gateway) Guest(ctx context.Context) (api.Session, error) {
	return g.openSession(ctx, "/guest", nil)
}

func (g *Gateway) openSession(ctx context.Context, path string, body any) (api.Session, error) {
	var s api.Session
	if err := g.call(ctx, http.MethodPost, path, body, &s); err != nil {
		return api.Session{}, err
	}
	g.session = s
	return s, nil
}

// Logout ends the session.
func (g *Gateway) Logout(ctx context.Context) error {
	err := g.call(ctx, http.MethodDelete, "/sessions", nil, nil)
	g.session = api.Session{}
	return err
}

// Worlds lists the worlds online.
func (g *Gateway) Worlds(ctx context.Context) ([]api.World, error) {
	var r api.WorldsResponse
	err := g.call(ctx, http.MethodGet, "/worlds", nil, &r)
	return r.Worlds, err
}

// Characters lists the account's characters on a world.
func (g *Gateway) Characters(ctx context.Context, worldID string) ([]api.Character, error) {
	var r api.CharactersResponse
	err := g.call(ctx, http.MethodGet, "/worlds/"+url.PathEscape(worldID)+"/characters", nil, &r)
	return r.Characters, err
}

// CreateCharacter creates a character on a world.
func (g *Gateway) CreateCharacter(ctx context.Context, worldID, name string, class api.Class) (api.Character, error) {
	var c api.Character
	err := g.call(ctx, http.MethodPost, "/worlds/"+url.PathEscape(worldID)+"/characters",
		api.CreateCharacterRequest{Name: name, Class: class}, &c)
	return c, err
}

// Enter asks for a join token for a character; pass the answer to Join.
func (g *Gateway) Enter(ctx context.Context, worldID string, characterID int64) (api.EnterResponse, error) {
	var r api.EnterResponse
	err := g.call(ctx, http.MethodPost, "/worlds/"+url.PathEscape(worldID)+"/enter",
		api.EnterRequest{CharacterID: characterID}, &r)
	return r, err
}

// maxResponse caps what the client reads of a gateway response.
const maxResponse = 1 << 20

// call performs an API call, retrying as RetryUnavailable asks. An error
// response comes back as *api.Error.
func (g *Gateway) call(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("client: encode %s: %w", path, err)
		}
		payload = b
	}
	for try := 1; ; try++ {
		err := g.callOnce(ctx, method, path, payload, out)
		var ae *api.Error
		if try > g.retries || !errors.As(err, &ae) || ae.Code != api.CodeUnavailable {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(try) * max(ae.RetryAfter, time.Second)):
		}
	}
}

// callOnce performs one API call with payload as its JSON body (nil for
// none).
func (g *Gateway) callOnce(ctx context.Context, method, path string, payload []byte, out any) error {
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, g.base+api.Prefix+path, rd)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	req.Header.Set(api.VersionHeader, g.version)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if g.session.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.session.Token)
	}
	resp, err := g.hc.Do(req)
	if err != nil {
		return fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("client: read %s: %w", path, err)
	}
	if resp.StatusCode >= 400 {
		var eb api.ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Error == nil {
			return fmt.Errorf("client: %s %s: HTTP %d", method, path, resp.StatusCode)
		}
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			eb.Error.RetryAfter = time.Duration(secs) * time.Second
		}
		return eb.Error
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("client: decode %s: %w", path, err)
	}
	return nil
}
