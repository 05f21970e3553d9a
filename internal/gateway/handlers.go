package gateway

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/ratelimit"
	"github.com/tinymmo/tinymmo/internal/webclient"
)

// maxBody caps every request body; the largest legitimate one is a login.
const maxBody = 4 << 10

func (g *Gateway) routes() http.Handler {
	apiMux := http.NewServeMux()
	apiMux.HandleFunc("GET /api/v1/version", g.getVersion)
	apiMux.HandleFunc("POST /api/v1/accounts", g.createAccount)
	apiMux.HandleFunc("POST /api/v1/sessions", g.login)
	apiMux.HandleFunc("DELETE /api/v1/sessions", g.logout)
	apiMux.HandleFunc("POST /api/v1/guest", g.guestLogin)
	apiMux.HandleFunc("GET /api/v1/worlds", g.worlds)
	apiMux.HandleFunc("GET /api/v1/worlds/{world}/characters", g.characters)
	apiMux.HandleFunc("POST /api/v1/worlds/{world}/characters", g.createCharacter)
	apiMux.HandleFunc("POST /api/v1/worlds/{world}/enter", g.enter)
	apiMux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		api.WriteError(w, api.Errorf(api.CodeNotFound, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})

	mux := http.NewServeMux()
	mux.Handle("/api/", g.checkVersion(readBody(apiMux)))
	mux.HandleFunc("GET /healthz", cluster.Healthz(g.nc))
	// The web client (GET and HEAD); without one, "/" says how to build it.
	// A method-less pattern: "GET /" would conflict with "/api/".
	mux.Handle("/", webclient.Handler(g.cfg.Web))
	return mux
}

// checkVersion refuses any API call whose client version differs from the
// gateway's, before anything else happens.
func (g *Gateway) checkVersion(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(api.VersionHeader); v != g.cfg.Version {
			api.WriteError(w, api.Errorf(api.CodeVersionMismatch,
				"this client is version %q but the server runs %q; please refresh or update your client", v, g.cfg.Version))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads the whole request body into memory before next runs, so
// that the cap holds on every route, those that take no body included: a
// body over maxBody bytes is refused with 413.
func readBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			api.WriteError(w, api.Errorf(api.CodeBodyTooLarge, "request body over %d bytes", tooBig.Limit))
			return
		case err != nil:
			api.WriteError(w, api.Errorf(api.CodeBadRequest, "the request body could not be read"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

func (g *Gateway) getVersion(w http.ResponseWriter, r *http.Request) {
	api.WriteJSON(w, http.StatusOK, api.VersionResponse{Version: g.cfg.Version, Protocol: protocol.Version})
}

func (g *Gateway) createAccount(w http.ResponseWriter, r *http.Request) {
	g.credentialCall(w, r, cluster.SubjectCreateAccount, http.StatusCreated)
}

func (g *Gateway) login(w http.ResponseWriter, r *http.Request) {
	g.credentialCall(w, r, cluster.SubjectLogin, http.StatusOK)
}

// credentialCall serves the two calls that take a username and password,
// after the limits per client IP and per client IP and username, and after
// waiting while the username's failed logins are being slowed down.
func (g *Gateway) credentialCall(w http.ResponseWriter, r *http.Request, subject string, status int) {
	var c api.Credentials
	if err := api.DecodeJSON(r, &c); err != nil {
		api.WriteError(w, err)
		return
	}
	ip, now := g.clientIP(r), time.Now()
	if err := limit(g.metrics, g.byIP, limitedIP, ip, now); err != nil {
		api.WriteError(w, err)
		return
	}
	// Valid usernames are short; a longer one is cut so that junk cannot
	// make the limiters' keys large.
	name := strings.ToLower(c.Username[:min(len(c.Username), 2*api.UsernameMaxLen)])
	if err := limit(g.metrics, g.byIPName, limitedIPName, ipAndName{ip, name}, now); err != nil {
		api.WriteError(w, err)
		return
	}
	// The wait comes before the password is tried, so a guesser cannot
	// learn anything sooner by giving up on slow answers.
	if delay := g.failuresByName.Delay(name, now); delay > 0 {
		g.metrics.rateLimited.WithLabelValues(limitedFailure).Inc()
		if !sleep(r.Context(), delay) {
			return // the client has gone
		}
	}
	s, err := cluster.Request[api.Session](r.Context(), g.nc, subject, cluster.LoginRequest{Username: c.Username, Password: c.Password})
	if api.CodeOf(err) == api.CodeBadCredentials {
		g.failuresByName.Allow(name, time.Now())
	}
	if subject == cluster.SubjectLogin {
		result := "ok"
		if err != nil {
			result = "failed"
		}
		g.metrics.loginSeconds.WithLabelValues(result).Observe(time.Since(now).Seconds())
	}
	g.reply(w, status, s, err)
}

func (g *Gateway) guestLogin(w http.ResponseWriter, r *http.Request) {
	if err := limit(g.metrics, g.byIP, limitedIP, g.clientIP(r), time.Now()); err != nil {
		api.WriteError(w, err)
		return
	}
	s, err := cluster.Request[api.Session](r.Context(), g.nc, cluster.SubjectGuestLogin, cluster.Empty{})
	g.reply(w, http.StatusCreated, s, err)
}

func (g *Gateway) logout(w http.ResponseWriter, r *http.Request) {
	_, err := cluster.Request[cluster.Empty](r.Context(), g.nc, cluster.SubjectLogout, cluster.SessionRequest{Session: bearer(r)})
	if err != nil {
		g.reply(w, 0, nil, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (g *Gateway) worlds(w http.ResponseWriter, r *http.Request) {
	resp, err := cluster.Request[api.WorldsResponse](r.Context(), g.nc, cluster.SubjectWorlds, cluster.SessionRequest{Session: bearer(r)})
	g.reply(w, http.StatusOK, resp, err)
}

func (g *Gateway) characters(w http.ResponseWriter, r *http.Request) {
	resp, err := cluster.Request[api.CharactersResponse](r.Context(), g.nc, cluster.SubjectCharacters,
		cluster.CharactersRequest{Session: bearer(r), WorldID: r.PathValue("world")})
	g.reply(w, http.StatusOK, resp, err)
}

func (g *Gateway) createCharacter(w http.ResponseWriter, r *http.Request) {
	var req api.CreateCharacterRequest
	if err := api.DecodeJSON(r, &req); err != nil {
		api.WriteError(w, err)
		return
	}
	resp, err := cluster.Request[api.Character](r.Context(), g.nc, cluster.SubjectCreateCharacter,
		cluster.CreateCharacterRequest{Session: bearer(r), WorldID: r.PathValue("world"), Name: req.Name, Class: req.Class})
	g.reply(w, http.StatusCreated, resp, err)
}

func (g *Gateway) enter(w http.ResponseWriter, r *http.Request) {
	if err := limit(g.metrics, g.entersByIP, limitedEnterIP, g.clientIP(r), time.Now()); err != nil {
		api.WriteError(w, err)
		return
	}
	var req api.EnterRequest
	if err := api.DecodeJSON(r, &req); err != nil {
		api.WriteError(w, err)
		return
	}
	resp, err := cluster.Request[api.EnterResponse](r.Context(), g.nc, cluster.SubjectEnter,
		cluster.EnterRequest{Session: bearer(r), WorldID: r.PathValue("world"), CharacterID: req.CharacterID})
	g.reply(w, http.StatusOK, resp, err)
}

// limit takes a token for key from l, or counts a hit on the limit named
// what and returns a rate-limited error.
func limit[K comparable](m *metrics, l *ratelimit.Keyed[K], what string, key K, now time.Time) error {
	if ok, wait := l.Allow(key, now); !ok {
		m.rateLimited.WithLabelValues(what).Inc()
		return api.RateLimited("attempts", wait)
	}
	return nil
}

// sleep waits for d, or until ctx ends; it reports whether it waited d out.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// reply writes v with status, or err as an error response. Errors without a
// code are logged and reported as internal, so no internal detail leaks.
func (g *Gateway) reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		var ae *api.Error
		if !errors.As(err, &ae) {
			g.log.Error("gateway call failed", "err", err)
		}
		api.WriteError(w, err)
		return
	}
	api.WriteJSON(w, status, v)
}

// bearer returns the session token from "Authorization: Bearer <token>".
func bearer(r *http.Request) string {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return token
}
