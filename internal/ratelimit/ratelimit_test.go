package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

func TestKeyed(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := New[string](time.Second, 2, 3)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Allow("a", now); ok != want {
			t.Fatalf("call %d for a: allowed %v, want %v", i, ok, want)
		}
	}
	if ok, wait := l.Allow("a", now); ok || wait != time.Second {
		t.Fatalf("exhausted bucket: allowed %v, wait %v; want a 1 s wait", ok, wait)
	}
	if ok, _ := l.Allow("a", now.Add(time.Second)); !ok {
		t.Fatal("no token after refilling for one interval")
	}
	// Each key has its own bucket, and the number of keys is bounded.
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("key b limited by key a")
	}
	l.Allow("c", now)
	if ok, _ := l.Allow("d", now); ok {
		t.Fatal("a fourth active key was admitted beyond the limit of 3")
	}
	// Keys whose buckets refilled are forgotten, making room again.
	later := now.Add(time.Hour)
	for i := range 3 {
		if ok, _ := l.Allow(fmt.Sprint("new", i), later); !ok {
			t.Fatalf("new key %d refused after the old buckets refilled", i)
		}
	}
	if n := len(l.buckets); n > 3 {
		t.Fatalf("%d buckets kept, want at most 3", n)
	}
}

func TestDelayIsTheWaitForTheNextToken(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := New[int64](4*time.Second, 2, 10)
	if d := l.Delay(7, now); d != 0 {
		t.Fatalf("Delay(unknown key) = %v, want 0", d)
	}
	l.Allow(7, now)
	if d := l.Delay(7, now); d != 0 {
		t.Fatalf("Delay with a token left = %v, want 0", d)
	}
	l.Allow(7, now)
	for _, tc := range []struct {
		after, want time.Duration
	}{
		{0, 4 * time.Second},
		{time.Second, 3 * time.Second},
		{4 * time.Second, 0},
	} {
		if d := l.Delay(7, now.Add(tc.after)); d != tc.want {
			t.Errorf("Delay(%v after the bucket emptied) = %v, want %v", tc.after, d, tc.want)
		}
	}
	// Delay takes nothing: the token it waited for is still there.
	if ok, _ := l.Allow(7, now.Add(4*time.Second)); !ok {
		t.Fatal("Allow refused the token Delay waited for")
	}
}
