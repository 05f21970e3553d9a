package master

import (
	"crypto/subtle"
	"embed"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/ratelimit"
	"github.com/tinymmo/tinymmo/internal/store"
)

// The admin dashboard is a page under /admin/ on the master's HTTP server:
// a login form for accounts with the admin role, live figures of the
// cluster over server-sent events (see liveFeed), and moderation actions
// (see dashboard_actions.go).
//
// Security: a login is a random token in an HttpOnly, SameSite=Strict
// cookie (Secure over TLS) that names a session kept in memory (see
// adminSessions); every POST but the login must also carry the session's
// CSRF token in X-CSRF-Token, and a request whose Origin is not this
// server's is refused. Wrong passwords are rate-limited per IP. The role is
// read from the database again on every action.

//go:embed dashboard
var dashboardAssets embed.FS

// Dashboard names.
const (
	adminCookie = "tinymmo_admin"
	csrfHeader  = "X-CSRF-Token"
	maxAPIBody  = 4 << 10
)

// Login attempts one IP may make: loginBurst at once, then one per
// loginEvery.
const (
	loginBurst = 5
	loginEvery = 12 * time.Second
)

// dashboard serves /admin/. It owns the admin sessions, the login rate
// limit and the live feed.
type dashboard struct {
	m        *Master
	secure   bool // served over TLS: cookies are Secure
	sessions *adminSessions
	logins   *ratelimit.Keyed[string] // login attempts per IP
	live     *liveFeed
}

// dashboardAllowed reports whether the dashboard may run on cfg's
// listener: on a loopback address, over TLS, or when the operator said
// dashboard_insecure.
func dashboardAllowed(cfg Config) bool {
	if cfg.TLSCert != "" || cfg.DashboardInsecure {
		return true
	}
	host, _, err := net.SplitHostPort(cfg.HTTPListen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func newDashboard(m *Master) *dashboard {
	return &dashboard{
		m: m, secure: m.cfg.TLSCert != "", sessions: newAdminSessions(),
		logins: ratelimit.New[string](loginEvery, loginBurst, ratelimit.DefaultMaxKeys),
		live:   newLiveFeed(m),
	}
}

// routes adds the dashboard's handlers to mux.
func (d *dashboard) routes(mux *http.ServeMux) {
	page, _ := fs.Sub(dashboardAssets, "dashboard") // the directory is embedded
	mux.Handle("GET /admin/", withPageHeaders(http.StripPrefix("/admin/", http.FileServerFS(page))))
	mux.HandleFunc("POST /admin/api/login", d.login)
	mux.Handle("POST /admin/api/logout", d.admin(true, d.logout))
	mux.Handle("GET /admin/api/me", d.admin(false, d.me))
	mux.Handle("GET /admin/api/events", d.admin(false, d.live.serve))
	mux.Handle("POST /admin/api/actions/{action}", d.admin(true, d.action))
}

// withPageHeaders adds the headers that keep the page from being framed
// or loading anything from elsewhere.
func withPageHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// adminHandler is a dashboard handler that runs with the caller's session.
type adminHandler func(w http.ResponseWriter, r *http.Request, s adminSession)

// admin wraps h so that it runs only for a live session of an account
// that is still an admin, and, with stateChanging, only when the request
// carries the session's CSRF token and no foreign Origin.
func (d *dashboard) admin(stateChanging bool, h adminHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookie, err := r.Cookie(adminCookie)
		if err != nil {
			api.WriteError(w, api.Errorf(api.CodeUnauthorized, "please log in"))
			return
		}
		s, ok := d.sessions.lookup(cookie.Value, time.Now())
		if !ok {
			api.WriteError(w, api.Errorf(api.CodeUnauthorized, "your session has expired; please log in again"))
			return
		}
		if stateChanging {
			if !sameOrigin(r) {
				api.WriteError(w, api.Errorf(api.CodeForbidden, "cross-origin request refused"))
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(s.CSRF)) != 1 {
				api.WriteError(w, api.Errorf(api.CodeForbidden, "missing or wrong %s header", csrfHeader))
				return
			}
		}
		if err := d.stillAdmin(r, s); err != nil {
			api.WriteError(w, err)
			return
		}
		h(w, r, s)
	})
}

// stillAdmin checks that s's account is an admin and not banned now, so
// that a role taken away ends the dashboard at once.
func (d *dashboard) stillAdmin(r *http.Request, s adminSession) error {
	acct, err := d.m.db.AccountByID(r.Context(), s.AccountID)
	if errors.Is(err, store.ErrNotFound) || err == nil && acct.Role != store.RoleAdmin {
		return api.Errorf(api.CodeForbidden, "the dashboard is for admins")
	}
	if err != nil {
		return err
	}
	return d.m.checkBan(r.Context(), acct.ID, time.Now())
}

// sameOrigin reports whether r has no Origin header or one naming this
// server (its Host).
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// loginRequest is the login form's body.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// meResponse tells the page who is logged in and the CSRF token to send.
type meResponse struct {
	Username string `json:"username"`
	CSRF     string `json:"csrf"`
}

func (d *dashboard) login(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		api.WriteError(w, api.Errorf(api.CodeForbidden, "cross-origin request refused"))
		return
	}
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ok, wait := d.logins.Allow(ip, time.Now()); !ok {
		api.WriteError(w, api.RateLimited("login attempts", wait))
		return
	}
	var req loginRequest
	r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
	if err := api.DecodeJSON(r, &req); err != nil {
		api.WriteError(w, err)
		return
	}
	acct, err := d.m.checkPassword(r.Context(), req.Username, req.Password)
	if err != nil {
		api.WriteError(w, err)
		return
	}
	if acct.Role != store.RoleAdmin {
		api.WriteError(w, api.Errorf(api.CodeForbidden, "the dashboard is for admins"))
		return
	}
	if err := d.m.checkBan(r.Context(), acct.ID, time.Now()); err != nil {
		api.WriteError(w, err)
		return
	}
	token, s := d.sessions.open(acct.ID, acct.Username, time.Now())
	http.SetCookie(w, &http.Cookie{
		Name: adminCookie, Value: token, Path: "/admin/", Expires: s.Expires,
		HttpOnly: true, Secure: d.secure, SameSite: http.SameSiteStrictMode,
	})
	d.m.log.Info("dashboard login", "admin", acct.Username, "ip", ip)
	api.WriteJSON(w, http.StatusOK, meResponse{Username: s.Username, CSRF: s.CSRF})
}

func (d *dashboard) logout(w http.ResponseWriter, r *http.Request, _ adminSession) {
	cookie, _ := r.Cookie(adminCookie) // admin checked it
	d.sessions.close(cookie.Value)
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Path: "/admin/", MaxAge: -1, HttpOnly: true, Secure: d.secure, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

func (d *dashboard) me(w http.ResponseWriter, _ *http.Request, s adminSession) {
	api.WriteJSON(w, http.StatusOK, meResponse{Username: s.Username, CSRF: s.CSRF})
}
