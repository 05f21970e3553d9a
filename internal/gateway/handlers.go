package gateway

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/protocol"
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
		writeError(w, api.Errorf(api.CodeNotFound, "no such endpoint: %s %s", r.Method, r.URL.Path))
	})

	mux := http.NewServeMux()
	mux.Handle("/api/", g.checkVersion(apiMux))
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
			writeError(w, api.Errorf(api.CodeVersionMismatch,
				"this client is version %q but the server runs %q; please refresh or update your client", v, g.cfg.Version))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

func (g *Gateway) getVersion(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, api.VersionResponse{Version: g.cfg.Version, Protocol: protocol.Version})
}

func (g *Gateway) createAccount(w http.ResponseWriter, r *http.Request) {
	g.credentialCall(w, r, cluster.SubjectCreateAccount, http.StatusCreated)
}

func (g *Gateway) login(w http.ResponseWriter, r *http.Request) {
	g.credentialCall(w, r, cluster.SubjectLogin, http.StatusOK)
}

// credentialCall serves the two calls that take a username and password,
// after the per-IP and per-username rate limits.
func (g *Gateway) credentialCall(w http.ResponseWriter, r *http.Request, subject string, status int) {
	var c api.Credentials
	if err := decode(r, &c); err != nil {
		writeError(w, err)
		return
	}
	now := time.Now()
	if err := g.limit(g.byIP, "ip:"+g.clientIP(r), now); err != nil {
		writeError(w, err)
		return
	}
	// Valid usernames are short; a longer one is cut so that junk cannot
	// make the limiter's keys large.
	name := strings.ToLower(c.Username[:min(len(c.Username), 2*api.UsernameMaxLen)])
	if err := g.limit(g.byName, name, now); err != nil {
		writeError(w, err)
		return
	}
	s, err := cluster.Request[api.Session](r.Context(), g.nc, subject, cluster.LoginRequest{Username: c.Username, Password: c.Password})
	g.reply(w, status, s, err)
}

func (g *Gateway) guestLogin(w http.ResponseWriter, r *http.Request) {
	if err := g.limit(g.byIP, "ip:"+g.clientIP(r), time.Now()); err != nil {
		writeError(w, err)
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
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	resp, err := cluster.Request[api.Character](r.Context(), g.nc, cluster.SubjectCreateCharacter,
		cluster.CreateCharacterRequest{Session: bearer(r), WorldID: r.PathValue("world"), Name: req.Name, Class: req.Class})
	g.reply(w, http.StatusCreated, resp, err)
}

func (g *Gateway) enter(w http.ResponseWriter, r *http.Request) {
	var req api.EnterRequest
	if err := decode(r, &req); err != nil {
		writeError(w, err)
		return
	}
	resp, err := cluster.Request[api.EnterResponse](r.Context(), g.nc, cluster.SubjectEnter,
		cluster.EnterRequest{Session: bearer(r), WorldID: r.PathValue("world"), CharacterID: req.CharacterID})
	g.reply(w, http.StatusOK, resp, err)
}

// limit takes a token for key from l, or returns a rate-limited error.
func (g *Gateway) limit(l *keyedLimiter, key string, now time.Time) error {
	if ok, wait := l.allow(key, now); !ok {
		e := api.Errorf(api.CodeRateLimited, "too many attempts; try again in %d s", retrySeconds(wait))
		e.RetryAfter = wait
		return e
	}
	return nil
}

// reply writes v with status, or err as an error response. Errors without a
// code are logged and reported as internal, so no internal detail leaks.
func (g *Gateway) reply(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		var ae *api.Error
		if !errors.As(err, &ae) {
			g.log.Error("gateway call failed", "err", err)
		}
		writeError(w, err)
		return
	}
	writeJSON(w, status, v)
}

// bearer returns the session token from "Authorization: Bearer <token>".
func bearer(r *http.Request) string {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return token
}

// decode reads a JSON body into v, refusing oversized, malformed or trailing
// input with a bad-request error.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return api.Errorf(api.CodeBadRequest, "request body over %d bytes", tooBig.Limit)
		}
		return api.Errorf(api.CodeBadRequest, "malformed JSON body")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return api.Errorf(api.CodeBadRequest, "unexpected data after the JSON body")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes err as {"error":{"code","message"}} with its status.
func writeError(w http.ResponseWriter, err error) {
	var ae *api.Error
	if !errors.As(err, &ae) {
		ae = api.Errorf(api.CodeInternal, "internal error")
	}
	if ae.Code == api.CodeRateLimited {
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(ae.RetryAfter)))
	}
	writeJSON(w, ae.Code.Status(), api.ErrorBody{Error: ae})
}

// retrySeconds rounds d up to whole seconds, at least one.
func retrySeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}
