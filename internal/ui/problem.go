package ui

import (
	"errors"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// Problem kinds: what went wrong, in the terms the error screen offers a
// way out of. Tests read them as window.tinymmo.error.kind.
const (
	kindVersion       = "version_mismatch" // refresh (browser) or update (desktop)
	kindCredentials   = "bad_credentials"
	kindInvalid       = "invalid_input" // a username, password or name the rules refuse
	kindUsernameTaken = "username_taken"
	kindNameTaken     = "name_taken"
	kindTooMany       = "too_many_characters"
	kindRateLimited   = "rate_limited"
	kindSession       = "session_expired" // log in again
	kindBanned        = "banned"
	kindFull          = "server_full"
	kindDisconnected  = "disconnected" // the world connection ended; reconnect
	kindUnavailable   = "unavailable"  // a server did not answer or cannot be reached
	kindInternal      = "internal"
)

// problem is an error as the player sees it.
type problem struct {
	kind    string
	title   string
	message string
	// retry offers to try the same thing again (Reconnect, for a lost
	// world connection).
	retry bool
}

// problemFromAPI explains an error from a gateway call.
func problemFromAPI(err error) problem {
	var ae *api.Error
	if !errors.As(err, &ae) {
		return problem{kind: kindUnavailable, title: "Cannot reach the server", retry: true,
			message: "The game server did not answer. Check your connection and try again."}
	}
	p := problem{message: ae.Message}
	switch ae.Code {
	case api.CodeVersionMismatch:
		p = versionProblem()
	case api.CodeBadCredentials:
		p.kind, p.title, p.message = kindCredentials, "Wrong username or password",
			"The username or the password is not right. Check them and try again."
	case api.CodeInvalidUsername, api.CodeInvalidPassword, api.CodeInvalidName, api.CodeInvalidClass, api.CodeBadRequest:
		p.kind, p.title = kindInvalid, "Please check what you entered"
	case api.CodeUsernameTaken:
		p.kind, p.title = kindUsernameTaken, "Username taken"
		p.message = "Someone already has this username. Please choose another one."
	case api.CodeNameTaken:
		p.kind, p.title = kindNameTaken, "Name taken"
		p.message = "A character on this server already has this name. Please choose another one."
	case api.CodeTooManyCharacters:
		p.kind, p.title = kindTooMany, "No room for another character"
	case api.CodeRateLimited:
		p.kind, p.title = kindRateLimited, "Too many attempts"
	case api.CodeUnauthorized:
		p.kind, p.title = kindSession, "Please log in again"
		p.message = "Your session has expired or ended."
	case api.CodeBanned:
		p.kind, p.title = kindBanned, "Account banned"
	case api.CodeWorldFull:
		p.kind, p.title, p.retry = kindFull, "Server full", true
		p.message = "This server is full right now. Try again in a moment, or pick another server."
	case api.CodeUnavailable:
		p.kind, p.title, p.retry = kindUnavailable, "Server unavailable", true
	case api.CodeNotFound: // mostly a world that is not online (any more)
		p.kind, p.title, p.retry = kindUnavailable, "Not available", true
	default:
		p.kind, p.title, p.retry = kindInternal, "Something went wrong", true
	}
	if p.message == "" {
		p.message = "Please try again."
	}
	return p
}

// problemFromWorld explains why a world connection ended (joined) or
// could not start: a close code from the world, or a network failure.
func problemFromWorld(err error, joined bool) problem {
	var ce *client.CloseError
	if !errors.As(err, &ce) {
		if !joined {
			return problem{kind: kindUnavailable, title: "Cannot reach the world", retry: true,
				message: "The world server did not answer. Check your connection and try again."}
		}
		return problem{kind: kindDisconnected, title: "Disconnected", retry: true,
			message: "The connection to the world was lost."}
	}
	// The world sends the code's reason text; an older client may not know
	// a newer code, but can still show the text.
	reason := ce.Reason
	if reason == "" {
		reason = ce.Code.Reason()
	}
	switch ce.Code {
	case protocol.CloseBadVersion:
		return versionProblem()
	case protocol.CloseWorldFull:
		return problem{kind: kindFull, title: "Server full", message: reason, retry: true}
	}
	return problem{kind: kindDisconnected, title: "Disconnected", message: reason, retry: true}
}

func versionProblem() problem {
	return problem{kind: kindVersion, title: "A new version is available",
		message: "The servers run a newer version of TinyMMO than this client. " + updateHint}
}
