package master

import (
	"context"
	"errors"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/moderation"
	"github.com/tinymmo/tinymmo/internal/store"
)

// moderate checks a moderator's action that a world forwards, and records
// it in the audit log together with the ban or mute it applies. The
// actor's role is read here, not taken from the world, so that a role
// taken away while its holder plays stops working at once; and nobody may
// sanction an account whose role is as high as their own.
func (m *Master) moderate(ctx context.Context, req cluster.ModerateRequest) (cluster.Empty, error) {
	action := store.Action(req.Action)
	need, ok := moderation.Required(action)
	if !ok {
		return cluster.Empty{}, api.Errorf(api.CodeBadRequest, "unknown action %q", req.Action)
	}
	actor, err := m.db.AccountByID(ctx, req.ActorID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !api.Role(actor.Role).AtLeast(need) {
		return cluster.Empty{}, api.Errorf(api.CodeForbidden, "/%s is for %ss", action, need)
	}
	if err != nil {
		return cluster.Empty{}, err
	}
	entry := store.AuditEntry{
		ActorID: actor.ID, ActorName: req.ActorName, Action: action,
		TargetID: req.TargetID, TargetName: req.TargetName, Reason: req.Reason, Detail: req.Detail,
	}
	var until time.Time
	switch action {
	case store.ActionBan, store.ActionMute, store.ActionKick:
		if entry.Reason, err = moderation.CheckReason(req.Reason); err != nil {
			return cluster.Empty{}, api.Errorf(api.CodeBadRequest, "%s", err)
		}
	}
	switch action {
	case store.ActionBan:
		if req.For < 0 || req.For > moderation.MaxBan {
			return cluster.Empty{}, api.Errorf(api.CodeBadRequest, "a ban lasts at most %s, or is permanent", moderation.FormatLeft(moderation.MaxBan))
		}
		entry.Detail = moderation.Permanent
		if req.For > 0 {
			until, entry.Detail = time.Now().Add(req.For), req.For.String()
		}
	case store.ActionMute:
		if req.For <= 0 || req.For > moderation.MaxMute {
			return cluster.Empty{}, api.Errorf(api.CodeBadRequest, "a mute lasts more than 0 and at most %s", moderation.FormatLeft(moderation.MaxMute))
		}
		until, entry.Detail = time.Now().Add(req.For), req.For.String()
	}
	if req.TargetID != 0 {
		target, err := m.db.AccountByID(ctx, req.TargetID)
		if errors.Is(err, store.ErrNotFound) {
			return cluster.Empty{}, api.Errorf(api.CodeNotFound, "no such account")
		}
		if err != nil {
			return cluster.Empty{}, err
		}
		// Looking for a player, going to one or healing one harms no one,
		// so a moderator may do it to a fellow moderator or an admin.
		harmless := action == store.ActionWhere || action == store.ActionGoto || action == store.ActionHeal
		if target.ID != actor.ID && !harmless && api.Role(target.Role).AtLeast(api.Role(actor.Role)) {
			return cluster.Empty{}, api.Errorf(api.CodeForbidden, "%s is a %s: you may not %s them", req.TargetName, target.Role, action)
		}
	}
	// A ban keeps the account's sessions: every call checks bans
	// (authenticate), so the player is told why and until when.
	if _, err := m.db.Moderate(ctx, entry, until); err != nil {
		return cluster.Empty{}, err
	}
	m.log.Info("moderation", "actor", actor.Username, "action", action, "target", req.TargetName, "reason", entry.Reason, "detail", entry.Detail)
	return cluster.Empty{}, nil
}

// joinMute returns the mute in force on the account now, for its join
// grant, or nil.
func (m *Master) joinMute(ctx context.Context, accountID int64) (*cluster.Mute, error) {
	mute, ok, err := m.db.ActiveMute(ctx, accountID, time.Now())
	if err != nil || !ok {
		return nil, err
	}
	return &cluster.Mute{Until: mute.ExpiresAt, Reason: mute.Reason}, nil
}
