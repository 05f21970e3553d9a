package ui

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

func TestProblemFromAPI(t *testing.T) {
	for _, tc := range []struct {
		err   error
		kind  string
		retry bool
	}{
		{api.Errorf(api.CodeVersionMismatch, "old"), kindVersion, false},
		{api.Errorf(api.CodeBadCredentials, "no"), kindCredentials, false},
		{api.Errorf(api.CodeInvalidUsername, "too short"), kindInvalid, false},
		{api.Errorf(api.CodeInvalidPassword, "too short"), kindInvalid, false},
		{api.Errorf(api.CodeInvalidName, "bad"), kindInvalid, false},
		{api.Errorf(api.CodeUsernameTaken, "taken"), kindUsernameTaken, false},
		{api.Errorf(api.CodeNameTaken, "taken"), kindNameTaken, false},
		{api.Errorf(api.CodeTooManyCharacters, "5 max"), kindTooMany, false},
		{api.Errorf(api.CodeRateLimited, "slow down"), kindRateLimited, false},
		{api.Errorf(api.CodeUnauthorized, "expired"), kindSession, false},
		{api.Errorf(api.CodeBanned, "banned"), kindBanned, false},
		{api.Errorf(api.CodeWorldFull, "full"), kindFull, true},
		{api.Errorf(api.CodeUnavailable, "down"), kindUnavailable, true},
		{api.Errorf(api.CodeInternal, "oops"), kindInternal, true},
		{fmt.Errorf("client: POST /guest: %w", errors.New("connection refused")), kindUnavailable, true},
		{fmt.Errorf("wrapped: %w", api.Errorf(api.CodeNameTaken, "taken")), kindNameTaken, false},
	} {
		p := problemFromAPI(tc.err)
		if p.kind != tc.kind || p.retry != tc.retry || p.title == "" || p.message == "" {
			t.Errorf("problemFromAPI(%v) = %+v, want kind %q, retry %v, a title and a message", tc.err, p, tc.kind, tc.retry)
		}
	}
}

func TestProblemFromAPIKeepsTheServersExplanation(t *testing.T) {
	p := problemFromAPI(api.Errorf(api.CodeInvalidPassword, "password must be 8 to 128 characters long"))
	if p.message != "password must be 8 to 128 characters long" {
		t.Errorf("message = %q, want the gateway's explanation", p.message)
	}
}

func TestProblemFromWorld(t *testing.T) {
	closed := func(c protocol.CloseCode, reason string) error {
		return fmt.Errorf("recv: %w", &client.CloseError{Code: c, Reason: reason})
	}
	for _, tc := range []struct {
		name    string
		err     error
		joined  bool
		kind    string
		message string
	}{
		{"shutdown", closed(protocol.CloseShutdown, protocol.CloseShutdown.Reason()), true,
			kindDisconnected, protocol.CloseShutdown.Reason()},
		{"replaced", closed(protocol.CloseReplaced, protocol.CloseReplaced.Reason()), true,
			kindDisconnected, protocol.CloseReplaced.Reason()},
		{"no reason sent", closed(protocol.CloseKicked, ""), true, kindDisconnected, protocol.CloseKicked.Reason()},
		{"a newer code", closed(4999, "The world moved."), true, kindDisconnected, "The world moved."},
		{"full", closed(protocol.CloseWorldFull, protocol.CloseWorldFull.Reason()), false,
			kindFull, protocol.CloseWorldFull.Reason()},
		{"bad version", closed(protocol.CloseBadVersion, ""), false, kindVersion, ""},
		{"lost", errors.New("net: closed"), true, kindDisconnected, ""},
		{"never reached", errors.New("dial: refused"), false, kindUnavailable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := problemFromWorld(tc.err, tc.joined)
			if p.kind != tc.kind || p.title == "" || p.message == "" {
				t.Fatalf("problemFromWorld = %+v, want kind %q with a title and a message", p, tc.kind)
			}
			if tc.message != "" && p.message != tc.message {
				t.Errorf("message = %q, want %q", p.message, tc.message)
			}
			if wantRetry := tc.kind != kindVersion; p.retry != wantRetry {
				t.Errorf("retry = %v, want %v", p.retry, wantRetry)
			}
		})
	}
}
