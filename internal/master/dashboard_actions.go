package master

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/chat"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/moderation"
	"github.com/tinymmo/tinymmo/internal/store"
)

// actionRequest is the body of a dashboard action. Which fields count
// depends on the action:
//
//   - broadcast: Message, to World or, when World is empty, to every world;
//   - kick: World, Name (a character in the game there), Reason;
//   - mute: World, Name, Reason and Duration ("10m", "2h", "1d");
//   - ban: World, Name, Reason and Duration, or "perm";
//   - reset-password: Username and Password;
//   - save-now: World, or every world when empty;
//   - shutdown: World, and InSeconds (default 300, at most 3600) until it
//     stops.
type actionRequest struct {
	InSeconds int    `json:"in_seconds"`
	World     string `json:"world"`
	Name      string `json:"name"`
	Reason    string `json:"reason"`
	Duration  string `json:"duration"`
	Message   string `json:"message"`
	Username  string `json:"username"`
	Password  string `json:"password"`
}

// action runs the action named in the path for admin s. Every action is
// written to the audit log, with s's account as the actor, before any
// world acts on it; kick, mute, ban and broadcast also pass the checks of
// the in-game commands (see Master.moderate).
func (d *dashboard) action(w http.ResponseWriter, r *http.Request, s adminSession) {
	var req actionRequest
	r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
	if err := api.DecodeJSON(r, &req); err != nil {
		api.WriteError(w, err)
		return
	}
	var err error
	switch r.PathValue("action") {
	case "broadcast":
		err = d.broadcast(r.Context(), s, req)
	case "kick", "mute", "ban":
		err = d.sanction(r.Context(), s, store.Action(r.PathValue("action")), req)
	case "reset-password":
		err = d.resetPassword(r.Context(), s, req)
	case "save-now":
		err = d.saveNow(r.Context(), s, req)
	case "shutdown":
		err = d.shutdown(r.Context(), s, req)
	default:
		err = api.Errorf(api.CodeNotFound, "no such action")
	}
	if err != nil {
		api.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (d *dashboard) broadcast(ctx context.Context, s adminSession, req actionRequest) error {
	message, err := chat.Clean(req.Message)
	if err != nil {
		return api.Errorf(api.CodeBadRequest, "%s", err)
	}
	worlds, err := d.targetWorlds(req.World)
	if err != nil {
		return err
	}
	if _, err := d.m.moderate(ctx, cluster.ModerateRequest{ActorID: s.AccountID, ActorName: s.Username,
		Action: string(store.ActionBroadcast), Detail: message}); err != nil {
		return err
	}
	return d.tellWorlds(ctx, worlds, cluster.AdminAction{Action: cluster.AdminBroadcast, Message: message})
}

// saveNow has the worlds save every player's character now.
func (d *dashboard) saveNow(ctx context.Context, s adminSession, req actionRequest) error {
	worlds, err := d.targetWorlds(req.World)
	if err != nil {
		return err
	}
	if _, err := d.m.db.Moderate(ctx, store.AuditEntry{ActorID: s.AccountID, ActorName: s.Username,
		Action: store.ActionSaveNow, Detail: req.World}, time.Time{}); err != nil {
		return err
	}
	return d.tellWorlds(ctx, worlds, cluster.AdminAction{Action: cluster.AdminSaveNow})
}

// Bounds of a scheduled shutdown's countdown.
const (
	defaultShutdownIn = 5 * time.Minute
	maxShutdownIn     = time.Hour
)

// shutdown has world req.World tell its players and stop after
// req.InSeconds.
func (d *dashboard) shutdown(ctx context.Context, s adminSession, req actionRequest) error {
	if req.World == "" {
		return api.Errorf(api.CodeBadRequest, "name the world to shut down")
	}
	in := time.Duration(req.InSeconds) * time.Second
	if in == 0 {
		in = defaultShutdownIn
	}
	if in < 0 || in > maxShutdownIn {
		return api.Errorf(api.CodeBadRequest, "a shutdown comes within 1 s to %s", moderation.FormatLeft(maxShutdownIn))
	}
	if _, err := d.m.liveWorld(req.World); err != nil {
		return err
	}
	if _, err := d.m.db.Moderate(ctx, store.AuditEntry{ActorID: s.AccountID, ActorName: s.Username,
		Action: store.ActionShutdown, TargetName: req.World, Detail: in.String()}, time.Time{}); err != nil {
		return err
	}
	return d.tellWorlds(ctx, []string{req.World}, cluster.AdminAction{Action: cluster.AdminShutdown, In: in})
}

// targetWorlds returns id if that world is live, or every live world's
// id when id is empty.
func (d *dashboard) targetWorlds(id string) ([]string, error) {
	if id != "" {
		_, err := d.m.liveWorld(id)
		return []string{id}, err
	}
	var ids []string
	for _, w := range d.m.liveWorlds(time.Now()) {
		ids = append(ids, w.ID)
	}
	return ids, nil
}

// tellWorlds sends a to each world of ids, and returns their errors.
func (d *dashboard) tellWorlds(ctx context.Context, ids []string, a cluster.AdminAction) error {
	var errs []error
	for _, id := range ids {
		_, err := cluster.Request[cluster.Empty](ctx, d.m.nc, cluster.WorldSubject(id, cluster.WorldOpAdmin), a)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// sanction kicks, mutes or bans the player named req.Name on req.World.
func (d *dashboard) sanction(ctx context.Context, s adminSession, action store.Action, req actionRequest) error {
	target, err := d.onlinePlayer(ctx, req.World, req.Name)
	if err != nil {
		return err
	}
	mr := cluster.ModerateRequest{ActorID: s.AccountID, ActorName: s.Username, Action: string(action),
		TargetID: target.AccountID, TargetName: target.Name, Reason: req.Reason}
	switch action {
	case store.ActionMute:
		mr.For, err = moderation.ParseDuration(req.Duration, moderation.MaxMute)
	case store.ActionBan:
		mr.For, err = moderation.ParseBan(req.Duration)
	}
	if err != nil {
		return api.Errorf(api.CodeBadRequest, "%s", err)
	}
	if _, err := d.m.moderate(ctx, mr); err != nil {
		return err
	}
	act := cluster.AdminAction{Action: string(action), Target: target.Name, Reason: strings.TrimSpace(req.Reason)}
	if action == store.ActionMute {
		act.Until = time.Now().Add(mr.For)
	}
	return d.tellWorlds(ctx, []string{req.World}, act)
}

// onlinePlayer asks world for its players and returns the one named name.
func (d *dashboard) onlinePlayer(ctx context.Context, world, name string) (cluster.PlayerStatus, error) {
	if _, err := d.m.liveWorld(world); err != nil {
		return cluster.PlayerStatus{}, err
	}
	st, err := cluster.Request[cluster.WorldStatus](ctx, d.m.nc, cluster.WorldSubject(world, cluster.WorldOpStatus), cluster.StatusRequest{Players: true})
	if err != nil {
		return cluster.PlayerStatus{}, err
	}
	for _, p := range st.Players {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	return cluster.PlayerStatus{}, api.Errorf(api.CodeNotFound, "%s is not online on %s", name, world)
}

// resetPassword gives the account named req.Username the password
// req.Password and ends its sessions. An admin may not reset another
// admin's password.
func (d *dashboard) resetPassword(ctx context.Context, s adminSession, req actionRequest) error {
	username, err := api.NormalizeUsername(req.Username)
	if err != nil {
		return err
	}
	if err := api.CheckPassword(req.Password); err != nil {
		return err
	}
	target, err := d.m.db.AccountByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) || err == nil && target.Guest {
		return api.Errorf(api.CodeNotFound, "no account %q with a password", username)
	}
	if err != nil {
		return err
	}
	if target.ID != s.AccountID && target.Role == store.RoleAdmin {
		return api.Errorf(api.CodeForbidden, "%s is an admin: you may not reset their password", username)
	}
	hash, err := d.m.hasher.Hash(ctx, req.Password)
	if err != nil {
		return fmt.Errorf("master: hash password: %w", err)
	}
	if err := d.m.db.SetPasswordHash(ctx, target.ID, hash); err != nil {
		return err
	}
	if err := d.m.db.RevokeAccountSessions(ctx, target.ID, time.Now()); err != nil {
		return err
	}
	_, err = d.m.db.Moderate(ctx, store.AuditEntry{ActorID: s.AccountID, ActorName: s.Username,
		Action: store.ActionResetPassword, TargetID: target.ID, TargetName: target.Username}, time.Time{})
	return err
}
