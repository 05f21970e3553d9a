package gateway

import (
	"fmt"
	"testing"
	"time"
)

func TestKeyedLimiter(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newKeyedLimiter(time.Second, 2, 3)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.allow("a", now); ok != want {
			t.Fatalf("call %d for a: allowed %v, want %v", i, ok, want)
		}
	}
	if ok, wait := l.allow("a", now); ok || wait != time.Second {
		t.Fatalf("exhausted bucket: allowed %v, wait %v; want a 1 s wait", ok, wait)
	}
	if ok, _ := l.allow("a", now.Add(time.Second)); !ok {
		t.Fatal("no token after refilling for one interval")
	}
	// Each key has its own bucket, and the number of keys is bounded.
	if ok, _ := l.allow("b", now); !ok {
		t.Fatal("key b limited by key a")
	}
	l.allow("c", now)
	if ok, _ := l.allow("d", now); ok {
		t.Fatal("a fourth active key was admitted beyond the limit of 3")
	}
	// Keys whose buckets refilled are forgotten, making room again.
	later := now.Add(time.Hour)
	for i := range 3 {
		if ok, _ := l.allow(fmt.Sprint("new", i), later); !ok {
			t.Fatalf("new key %d refused after the old buckets refilled", i)
		}
	}
	if n := len(l.buckets); n > 3 {
		t.Fatalf("%d buckets kept, want at most 3", n)
	}
}
