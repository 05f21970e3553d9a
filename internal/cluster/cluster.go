// Package cluster is the control plane between the master, the gateways and
// the worlds: the NATS subjects they use, the JSON messages on them (as Go
// structs), typed request/reply with deadlines, and the embedded NATS server
// the master runs by default.
//
// Every connection authenticates with the cluster secret, so an exposed NATS
// port does not let a stranger register a world or mint join tokens.
// Errors cross the control plane as *api.Error values, so a code such as
// api.CodeNameTaken reaches the gateway unchanged.
package cluster

import (
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
)

// Subjects on which the master answers requests from gateways.
const (
	SubjectCreateAccount   = "tinymmo.master.account.create"
	SubjectLogin           = "tinymmo.master.login"
	SubjectGuestLogin      = "tinymmo.master.guest"
	SubjectLogout          = "tinymmo.master.logout"
	SubjectWorlds          = "tinymmo.master.worlds"
	SubjectCharacters      = "tinymmo.master.characters"
	SubjectCreateCharacter = "tinymmo.master.character.create"
	SubjectEnter           = "tinymmo.master.enter"
	// SubjectModerate carries a world's ModerateRequest: a moderator's
	// action to record in the audit log, with the ban or mute it applies.
	SubjectModerate = "tinymmo.master.moderate"
	// SubjectDeletedAccounts answers a world's DeletedAccountsRequest
	// with the accounts the master deleted (idle guests), so that the world
	// deletes their characters.
	SubjectDeletedAccounts = "tinymmo.master.accounts.deleted"
)

// Event subjects.
const (
	// SubjectHeartbeat carries a world's Heartbeat. The first one registers
	// the world; a world that stops sending leaves the world list.
	SubjectHeartbeat = "tinymmo.world.heartbeat"
	// SubjectMasterStarted is published by a master when it starts, so the
	// worlds re-register at once instead of at their next heartbeat.
	SubjectMasterStarted = "tinymmo.master.started"
	// SubjectGatewayHeartbeat carries a gateway's GatewayHeartbeat, for
	// the admin dashboard's list of gateways.
	SubjectGatewayHeartbeat = "tinymmo.gateway.heartbeat"
)

// Operations a world answers on WorldSubject(id, op).
const (
	WorldOpCharacters      = "characters"
	WorldOpCreateCharacter = "character.create"
	WorldOpMintJoin        = "join.mint"
	// WorldOpStatus answers a StatusRequest with the world's WorldStatus,
	// for the master's admin dashboard, which asks once a second.
	WorldOpStatus = "status"
	// WorldOpAdmin carries an AdminAction from the master's dashboard,
	// already checked and audited by the master, for the world to carry
	// out on its players.
	WorldOpAdmin = "admin"
)

// WorldSubject returns the subject on which world id answers op.
func WorldSubject(worldID, op string) string {
	return "tinymmo.world." + worldID + "." + op
}

// ValidWorldID reports whether id is usable as one NATS subject token:
// 1 to 64 ASCII letters, digits, - and _.
func ValidWorldID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Heartbeat is a world's periodic announcement of itself.
type Heartbeat struct {
	World     api.World `json:"world"`
	Instances int       `json:"instances"`
	// Interval is how often the world sends heartbeats; the master drops a
	// world it has not heard from for three intervals.
	Interval time.Duration `json:"interval"`
}

// GatewayHeartbeat is a gateway's periodic announcement of itself.
type GatewayHeartbeat struct {
	// Addr is the gateway's public HTTP address, which names it.
	Addr    string `json:"addr"`
	Version string `json:"version"`
	// Requests counts the HTTP requests it has answered since it started.
	Requests uint64 `json:"requests"`
	// Interval is how often the gateway sends heartbeats.
	Interval time.Duration `json:"interval"`
}

// LoginRequest asks the master to create an account or to log in.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// SessionRequest carries a gateway session token, for calls that need one.
type SessionRequest struct {
	Session string `json:"session"`
}

// CharactersRequest asks for the session's characters on a world.
type CharactersRequest struct {
	Session string `json:"session"`
	WorldID string `json:"world_id"`
}

// CreateCharacterRequest asks to create a character on a world.
type CreateCharacterRequest struct {
	Session string    `json:"session"`
	WorldID string    `json:"world_id"`
	Name    string    `json:"name"`
	Class   api.Class `json:"class"`
}

// EnterRequest asks for a join token for one of the session's characters.
type EnterRequest struct {
	Session     string `json:"session"`
	WorldID     string `json:"world_id"`
	CharacterID int64  `json:"character_id"`
}

// DeletedAccountsRequest asks for the accounts deleted after the one
// numbered After (0: from the oldest the master keeps).
type DeletedAccountsRequest struct {
	After int64 `json:"after"`
}

// DeletedAccount is an account the master deleted, numbered in order.
type DeletedAccount struct {
	Seq       int64 `json:"seq"`
	AccountID int64 `json:"account_id"`
}

// DeletedAccountsResponse lists deleted accounts in order, at most
// MaxDeletedAccounts: a full page means more may follow.
type DeletedAccountsResponse struct {
	Accounts []DeletedAccount `json:"accounts"`
}

// MaxDeletedAccounts is the most accounts one DeletedAccountsResponse
// lists.
const MaxDeletedAccounts = 500

// WorldCharactersRequest asks a world for an account's characters.
type WorldCharactersRequest struct {
	AccountID int64 `json:"account_id"`
}

// WorldCreateCharacterRequest asks a world to create a character.
type WorldCreateCharacterRequest struct {
	AccountID int64     `json:"account_id"`
	Name      string    `json:"name"`
	Class     api.Class `json:"class"`
}

// MintJoinRequest asks a world for a single-use join token bound to an
// account and one of its characters. It carries what the world must know
// of the account for as long as the player stays: its role, and the mute
// in force when it entered, if any.
type MintJoinRequest struct {
	AccountID   int64    `json:"account_id"`
	CharacterID int64    `json:"character_id"`
	Role        api.Role `json:"role"`
	Mute        *Mute    `json:"mute,omitempty"`
}

// Mute is a mute in force: until when, and why.
type Mute struct {
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
}

// ModerateRequest asks the master to record a moderator's action in the
// audit log and, for a ban, an unban, a mute or an unmute, to apply it in
// the same transaction. The master checks the actor's role in its own
// database, so a role taken away while its holder plays stops working at
// once.
type ModerateRequest struct {
	ActorID    int64  `json:"actor_id"`
	ActorName  string `json:"actor_name"`
	Action     string `json:"action"` // a store.Action: ban, unban, mute, unmute, kick, where, goto, summon, broadcast
	TargetID   int64  `json:"target_id,omitempty"`
	TargetName string `json:"target_name,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// For is how long a ban or mute lasts; 0 bans for good.
	For time.Duration `json:"for,omitempty"`
	// Detail completes the action for the log: a message, a place.
	Detail string `json:"detail,omitempty"`
}

// StatusRequest asks a world for its WorldStatus. The list of players is
// the costly part of the answer (a world has thousands), so it comes only
// when asked for: the dashboard asks for it while somebody watches.
type StatusRequest struct {
	Players bool `json:"players,omitempty"`
}

// WorldStatus is what a world tells the master's dashboard of itself.
type WorldStatus struct {
	// Population is the players in the game; Players lists them when the
	// StatusRequest asked for them, and is empty otherwise.
	Population int              `json:"population"`
	Players    []PlayerStatus   `json:"players"`
	Instances  []InstanceStatus `json:"instances"`
	// BytesIn and BytesOut are the message payload bytes received from and
	// sent to players since the world started.
	BytesIn  uint64 `json:"bytes_in"`
	BytesOut uint64 `json:"bytes_out"`
	// TickBuckets is the histogram of instance tick durations since the
	// world started, cumulative as Prometheus keeps it: the master takes
	// the difference between two answers for a recent percentile.
	TickBuckets []TickBucket `json:"tick_buckets"`
	// Ticks counts every tick, those over the last bucket's bound too.
	Ticks uint64 `json:"ticks"`
	// Says are the world's last public chat lines, oldest first.
	Says []SayStatus `json:"says"`
}

// SayStatus is a public chat line: who said what, where and when.
type SayStatus struct {
	At   time.Time `json:"at"`
	Name string    `json:"name"`
	Map  string    `json:"map"`
	Text string    `json:"text"`
}

// TickBucket counts the ticks that took at most UpperBound seconds.
type TickBucket struct {
	UpperBound float64 `json:"le"`
	Count      uint64  `json:"count"`
}

// PlayerStatus is a player in the game. Level is the character's when it
// entered the world; Map is the map it is on, "" until it is placed.
type PlayerStatus struct {
	AccountID int64     `json:"account_id"`
	Name      string    `json:"name"`
	Class     api.Class `json:"class"`
	Level     int       `json:"level"`
	Map       string    `json:"map"`
	// PingMS is the round trip of the world's last WebSocket ping to the
	// player, in milliseconds rounded up (read_every included); 0 until
	// the first is answered (the world pings every ping_interval, 15 s).
	PingMS int64 `json:"ping_ms"`
}

// InstanceStatus is a running map instance and the players in it or on
// their way in.
type InstanceStatus struct {
	Map     string `json:"map"`
	Players int    `json:"players"`
	// TickP99MS is the 99th percentile of the instance's recent tick
	// durations, in milliseconds; 0 before it has run long enough.
	TickP99MS float64 `json:"tick_p99_ms"`
}

// Admin actions a world carries out for the dashboard.
const (
	AdminKick      = "kick"
	AdminBan       = "ban"
	AdminMute      = "mute"
	AdminBroadcast = "broadcast"
	AdminSaveNow   = "save-now"
	AdminShutdown  = "shutdown"
)

// AdminAction asks a world to act on the player named Target (a character
// name) or, for a broadcast, on everyone: kick or ban close the player's
// connection with the reason, mute silences them until Until, broadcast
// says Message to all, save-now queues every player's character for saving
// at their next tick, and shutdown stops the world after In, telling the
// players at 5 min, 1 min and 10 s before.
type AdminAction struct {
	Action  string    `json:"action"`
	Target  string    `json:"target,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	Until   time.Time `json:"until,omitzero"`
	Message string    `json:"message,omitempty"`
	// In is how long until a shutdown.
	In time.Duration `json:"in,omitempty"`
}

// Empty is the request or reply of a call that carries nothing.
type Empty struct{}
