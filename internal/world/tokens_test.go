package world

import (
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

func TestExpiredTokensAreRememberedForAGrace(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	tk := newTokens(30*time.Second, 3)
	late, _, err := tk.mint(joinGrant{AccountID: 1, CharacterID: 10}, now)
	if err != nil {
		t.Fatal(err)
	}
	used, _, _ := tk.mint(joinGrant{AccountID: 2, CharacterID: 20}, now)
	if _, _, ok := tk.redeem(used, now); !ok {
		t.Fatal("a fresh token was refused")
	}
	// Later mints do not sweep away what expired before them.
	expired := now.Add(31 * time.Second)
	tk.mint(joinGrant{AccountID: 3, CharacterID: 30}, expired)
	for _, tc := range []struct {
		token string
		at    time.Time
		want  protocol.CloseCode
	}{
		{late, expired, protocol.CloseTokenExpired},
		{late, expired, protocol.CloseTokenExpired}, // asked again
		{used, expired, protocol.CloseTokenUsed},
		{"forged", expired, protocol.CloseBadToken},
	} {
		if _, code, ok := tk.redeem(tc.token, tc.at); ok || code != tc.want {
			t.Errorf("redeem(%.8s) = %v, %v; want %v", tc.token, code, ok, tc.want)
		}
	}
	// After the grace they are forgotten, and so is every account's list.
	over := now.Add(30*time.Second + expiredTokenGrace + time.Second)
	tk.mint(joinGrant{AccountID: 4, CharacterID: 40}, over)
	if _, code, _ := tk.redeem(late, over); code != protocol.CloseBadToken {
		t.Errorf("redeem after the grace = %v, want %v", code, protocol.CloseBadToken)
	}
	if len(tk.byToken) != 2 || len(tk.order) != 2 || len(tk.byAccount) != 2 {
		t.Errorf("after the grace: %d tokens, %d in order, %d accounts kept; want 2, 2, 2", len(tk.byToken), len(tk.order), len(tk.byAccount))
	}
}

func TestLiveTokensPerAccountAreCapped(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	tk := newTokens(30*time.Second, 2)
	alice := joinGrant{AccountID: 1, CharacterID: 10}
	first, _, _ := tk.mint(alice, now)
	tk.mint(alice, now.Add(10*time.Second))
	_, _, err := tk.mint(alice, now.Add(20*time.Second))
	if api.CodeOf(err) != api.CodeRateLimited || err.(*api.Error).RetryAfter != 10*time.Second {
		t.Fatalf("third live token: %v, want rate limited until the first expires in 10 s", err)
	}
	if _, _, err := tk.mint(joinGrant{AccountID: 2, CharacterID: 20}, now); err != nil {
		t.Fatalf("another account: %v", err)
	}
	// Using a token, or its expiry, makes room.
	tk.redeem(first, now.Add(20*time.Second))
	if _, _, err := tk.mint(alice, now.Add(20*time.Second)); err != nil {
		t.Fatalf("after using one: %v", err)
	}
	if _, _, err := tk.mint(alice, now.Add(41*time.Second)); err != nil {
		t.Fatalf("after one expired: %v", err)
	}
}

func TestTokensKeptAreBounded(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	tk := newTokens(time.Second, 1)
	for i := range maxTokensKept + 100 {
		at := now.Add(time.Duration(i) * time.Millisecond)
		token, _, err := tk.mint(joinGrant{AccountID: int64(i), CharacterID: 1}, at)
		if err != nil {
			t.Fatal(err)
		}
		tk.redeem(token, at)
	}
	if n := len(tk.byToken); n > maxTokensKept+1 {
		t.Fatalf("%d tokens kept, want at most %d", n, maxTokensKept+1)
	}
}
