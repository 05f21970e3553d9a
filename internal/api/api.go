// Package api defines the gateway's public JSON API: the request and response
// bodies under /api/v1, the error codes with their HTTP statuses, and the
// validation rules for usernames, passwords and character names.
//
// The gateway serves these types, the client core sends them, and the master
// and worlds return the same error codes over the control plane so an error
// keeps its meaning from the process that found it to the player who sees it.
// Package api imports nothing of ours; anything may import it, the js/wasm
// client included.
package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Prefix is the path under which every endpoint lives.
const Prefix = "/api/v1"

// VersionHeader carries the client's version on every call. A call whose
// version differs from the gateway's is refused with 426 Upgrade Required.
const VersionHeader = "X-TinyMMO-Version"

// Code names an error kind. Codes are stable: clients switch on them.
type Code string

// The error codes, each with the HTTP status the gateway answers with.
const (
	CodeVersionMismatch   Code = "version_mismatch"    // 426
	CodeBadRequest        Code = "bad_request"         // 400: malformed JSON or missing field
	CodeInvalidUsername   Code = "invalid_username"    // 400
	CodeInvalidPassword   Code = "invalid_password"    // 400
	CodeInvalidName       Code = "invalid_name"        // 400: character name
	CodeInvalidClass      Code = "invalid_class"       // 400
	CodeBadCredentials    Code = "bad_credentials"     // 401: never says which part was wrong
	CodeUnauthorized      Code = "unauthorized"        // 401: missing, expired or revoked session
	CodeBanned            Code = "banned"              // 403
	CodeForbidden         Code = "forbidden"           // 403: the account's role does not allow it
	CodeNotFound          Code = "not_found"           // 404: world, character or route
	CodeUsernameTaken     Code = "username_taken"      // 409
	CodeNameTaken         Code = "name_taken"          // 409
	CodeTooManyCharacters Code = "too_many_characters" // 409
	CodeBodyTooLarge      Code = "body_too_large"      // 413: a request body over the cap
	CodeRateLimited       Code = "rate_limited"        // 429, with Retry-After
	CodeWorldFull         Code = "world_full"          // 503
	CodeUnavailable       Code = "unavailable"         // 503, with Retry-After: the master or world did not answer
	CodeInternal          Code = "internal"            // 500
)

// Status returns the HTTP status the gateway sends for code.
func (c Code) Status() int {
	switch c {
	case CodeVersionMismatch:
		return http.StatusUpgradeRequired
	case CodeBadRequest, CodeInvalidUsername, CodeInvalidPassword, CodeInvalidName, CodeInvalidClass:
		return http.StatusBadRequest
	case CodeBadCredentials, CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeBanned, CodeForbidden:
		return http.StatusForbidden
	case CodeNotFound:
		return http.StatusNotFound
	case CodeUsernameTaken, CodeNameTaken, CodeTooManyCharacters:
		return http.StatusConflict
	case CodeBodyTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeWorldFull, CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// Error is an error with a code and a message fit to show a player. Internal
// causes are logged where they happen and never put in Message.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// RetryAfter, when positive, is how long to wait before trying again
	// (set with CodeRateLimited and CodeUnavailable). It travels in the
	// Retry-After header, not in the body.
	RetryAfter time.Duration `json:"-"`
}

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// RateLimited returns a CodeRateLimited error saying that there were too
// many of what, and to try again after wait.
func RateLimited(what string, wait time.Duration) *Error {
	e := Errorf(CodeRateLimited, "too many %s; try again in %d s", what, RetryAfterSeconds(wait))
	e.RetryAfter = wait
	return e
}

// RetryAfterSeconds rounds d up to whole seconds, at least one: the value of
// a Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// CodeOf returns the code of the first *Error in err's chain, or CodeInternal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorBody is the JSON body of every error response:
// {"error":{"code":"…","message":"…"}}.
type ErrorBody struct {
	Error *Error `json:"error"`
}

// VersionResponse answers GET /api/v1/version.
type VersionResponse struct {
	Version  string `json:"version"`
	Protocol int    `json:"protocol"`
}

// Credentials is the body of POST /accounts (create) and POST /sessions (login).
type Credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Role is an account's role.
type Role string

// The roles, from least to most privileged.
const (
	RolePlayer    Role = "player"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
)

// AtLeast reports whether r may do what min may: player < moderator <
// admin. An unknown role is below every role, so it may do nothing a
// player may not.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() }

func (r Role) rank() int {
	switch r {
	case RolePlayer:
		return 1
	case RoleModerator:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Account is what a client may know of its own account.
type Account struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Guest    bool   `json:"guest"`
	Role     Role   `json:"role"`
}

// Session answers create account, login and guest login. Token goes in the
// Authorization header ("Bearer <token>") of every later call.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Account   Account   `json:"account"`
}

// World is one entry of the world list.
type World struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Population int    `json:"population"`
	Capacity   int    `json:"capacity"`
	Status     string `json:"status"` // "online" or "full"
	PvP        bool   `json:"pvp"`
	Hardcore   bool   `json:"hardcore"`
}

// WorldsResponse answers GET /worlds.
type WorldsResponse struct {
	Worlds []World `json:"worlds"`
}

// Class is a character class.
type Class string

// The playable classes.
const (
	ClassKnight Class = "knight"
	ClassRogue  Class = "rogue"
	ClassWizard Class = "wizard"
)

// Classes lists the playable classes in display order.
var Classes = [...]Class{ClassKnight, ClassRogue, ClassWizard}

// Character is one of an account's characters on a world.
type Character struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Class Class  `json:"class"`
	Level int    `json:"level"`
	Map   string `json:"map"`
	HP    int    `json:"hp"`
	MaxHP int    `json:"max_hp"`
	MP    int    `json:"mp"`
	MaxMP int    `json:"max_mp"`
}

// CharactersResponse answers GET /worlds/{world}/characters.
type CharactersResponse struct {
	Characters []Character `json:"characters"`
}

// CreateCharacterRequest is the body of POST /worlds/{world}/characters.
type CreateCharacterRequest struct {
	Name  string `json:"name"`
	Class Class  `json:"class"`
}

// EnterRequest is the body of POST /worlds/{world}/enter.
type EnterRequest struct {
	CharacterID int64 `json:"character_id"`
}

// EnterResponse tells the client where to open its WebSocket and which
// single-use token to present there in Hello.
type EnterResponse struct {
	URL       string    `json:"url"`
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}
