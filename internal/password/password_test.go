package password

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// tiny are the cheapest params the caps allow, so most tests run fast.
var tiny = Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func newHasher(t testing.TB, p Params, maxConcurrent int) *Hasher {
	t.Helper()
	h, err := NewHasher(p, maxConcurrent)
	if err != nil {
		t.Fatalf("NewHasher(%+v, %d) = %v", p, maxConcurrent, err)
	}
	return h
}

func TestHashVerifyRoundTrip(t *testing.T) {
	ctx := t.Context()
	h := newHasher(t, tiny, 0)
	for _, pw := range []string{"", "correct horse battery staple", "pässwörd ✓", strings.Repeat("x", 4096)} {
		enc, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatalf("Hash(%q) = %v", pw, err)
		}
		ok, rehash, err := h.Verify(ctx, pw, enc)
		if !ok || rehash || err != nil {
			t.Errorf("Verify(%q, %q) = %v, %v, %v, want true, false, nil", pw, enc, ok, rehash, err)
		}
		ok, _, err = h.Verify(ctx, pw+"!", enc)
		if ok || err != nil {
			t.Errorf("Verify(wrong password %q, %q) = %v, %v, want false, nil", pw+"!", enc, ok, err)
		}
	}
}

func TestHashUsesFreshSalt(t *testing.T) {
	ctx := t.Context()
	h := newHasher(t, tiny, 0)
	a, err := h.Hash(ctx, "same")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(ctx, "same")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Errorf("two hashes of one password are both %q, want different salts", a)
	}
}

func TestDefaultParamsEncoding(t *testing.T) {
	h := newHasher(t, Params{}, 1) // zero Params means DefaultParams
	enc, err := h.Hash(t.Context(), "hunter2")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(enc, prefix) {
		t.Fatalf("Hash = %q, want prefix %q", enc, prefix)
	}
	fields := strings.Split(strings.TrimPrefix(enc, prefix), "$")
	if len(fields) != 2 || len(fields[0]) != 22 || len(fields[1]) != 43 {
		t.Errorf("salt and hash fields = %q, want 22 and 43 base64 characters (16 and 32 bytes)", fields)
	}
}

// TestVerifyReferenceVectors checks interoperability with the Argon2
// reference implementation (P-H-C/phc-winner-argon2, src/test.c).
func TestVerifyReferenceVectors(t *testing.T) {
	h := newHasher(t, tiny, 0)
	for _, enc := range []string{
		"$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		"$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
	} {
		ok, rehash, err := h.Verify(t.Context(), "password", enc)
		if !ok || !rehash || err != nil {
			t.Errorf("Verify(password, %q) = %v, %v, %v, want true, true, nil", enc, ok, rehash, err)
		}
		ok, _, err = h.Verify(t.Context(), "Password", enc)
		if ok || err != nil {
			t.Errorf("Verify(Password, %q) = %v, %v, want false, nil", enc, ok, err)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	const (
		salt = "c29tZXNhbHRzb21lc2FsdA"                      // 16 bytes
		key  = "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4" // 32 bytes
	)
	tests := []struct{ name, enc string }{
		{"empty", ""},
		{"plain text", "hunter2"},
		{"no leading dollar", "argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key},
		{"argon2i", "$argon2i$v=19$m=8,t=1,p=1$" + salt + "$" + key},
		{"bcrypt", "$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"},
		{"version 16", "$argon2id$v=16$m=8,t=1,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=8,t=1,p=1$" + salt + "$" + key},
		{"missing hash", "$argon2id$v=19$m=8,t=1,p=1$" + salt},
		{"extra field", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key + "$x"},
		{"empty hash", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$"},
		{"empty salt", "$argon2id$v=19$m=8,t=1,p=1$$" + key},
		{"params out of order", "$argon2id$v=19$t=1,m=8,p=1$" + salt + "$" + key},
		{"missing param", "$argon2id$v=19$m=8,t=1$" + salt + "$" + key},
		{"extra param", "$argon2id$v=19$m=8,t=1,p=1,k=1$" + salt + "$" + key},
		{"non-numeric m", "$argon2id$v=19$m=x,t=1,p=1$" + salt + "$" + key},
		{"negative m", "$argon2id$v=19$m=-8,t=1,p=1$" + salt + "$" + key},
		{"signed m", "$argon2id$v=19$m=+8,t=1,p=1$" + salt + "$" + key},
		{"m overflows uint32", "$argon2id$v=19$m=4294967296,t=1,p=1$" + salt + "$" + key},
		{"m above 1 GiB", "$argon2id$v=19$m=1048577,t=1,p=1$" + salt + "$" + key},
		{"m below 8p", "$argon2id$v=19$m=15,t=1,p=2$" + salt + "$" + key},
		{"t zero", "$argon2id$v=19$m=8,t=0,p=1$" + salt + "$" + key},
		{"t above 16", "$argon2id$v=19$m=8,t=17,p=1$" + salt + "$" + key},
		{"p zero", "$argon2id$v=19$m=8,t=1,p=0$" + salt + "$" + key},
		{"p above 16", "$argon2id$v=19$m=1024,t=1,p=17$" + salt + "$" + key},
		{"p overflows uint8", "$argon2id$v=19$m=8,t=1,p=257$" + salt + "$" + key},
		{"salt not base64", "$argon2id$v=19$m=8,t=1,p=1$!!!!!!!!!!!!$" + key},
		{"padded salt", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "==$" + key},
		{"non-canonical salt", "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdB$" + key},
		{"salt too short", "$argon2id$v=19$m=8,t=1,p=1$c29tZXM$" + key},
		{"salt too long", "$argon2id$v=19$m=8,t=1,p=1$" + strings.Repeat("A", 88) + "$" + key},
		{"hash too short", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$AAAAAAAAAAAAAAAAAAAA"},
		{"hash too long", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + strings.Repeat("A", 88)},
		{"newline in salt", "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRz\nb21lc2FsdA$" + key},
		{"whitespace", " $argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key},
		{"too long overall", "$argon2id$v=19$m=8,t=1,p=1$" + salt + "$" + key + strings.Repeat("A", 300)},
	}
	h := newHasher(t, tiny, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(t.Context(), "password", tt.enc)
			if ok || rehash || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("Verify(%q) = %v, %v, %v, want false, false, ErrMalformedHash", tt.enc, ok, rehash, err)
			}
		})
	}
}

// TestVerifyDetectsTampering flips each character of a valid string in turn:
// every variant must either fail to parse or fail to match.
func TestVerifyDetectsTampering(t *testing.T) {
	h := newHasher(t, tiny, 0)
	enc, err := h.Hash(t.Context(), "password")
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(enc) {
		b := []byte(enc)
		if b[i] == 'B' {
			b[i] = 'C'
		} else {
			b[i] = 'B'
		}
		ok, _, err := h.Verify(t.Context(), "password", string(b))
		if ok {
			t.Errorf("Verify(%q) matched after changing byte %d (err %v)", b, i, err)
		}
	}
}

func TestVerifyNeedsRehash(t *testing.T) {
	ctx := t.Context()
	stored := newHasher(t, tiny, 0)
	enc, err := stored.Hash(ctx, "password")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		p      Params
		rehash bool
	}{
		{"same params", tiny, false},
		{"more memory", Params{Memory: 16, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"more passes", Params{Memory: 8, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, true},
		{"more lanes", Params{Memory: 16, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}, true},
		{"longer salt", Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32}, true},
		{"shorter key", Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 16}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHasher(t, tt.p, 0)
			ok, rehash, err := h.Verify(ctx, "password", enc)
			if !ok || rehash != tt.rehash || err != nil {
				t.Errorf("Verify = %v, %v, %v, want true, %v, nil", ok, rehash, err, tt.rehash)
			}
			ok, rehash, err = h.Verify(ctx, "wrong", enc)
			if ok || rehash || err != nil {
				t.Errorf("Verify(wrong) = %v, %v, %v, want false, false, nil", ok, rehash, err)
			}
		})
	}
}

func TestVerifyDummyMatchesNothing(t *testing.T) {
	h := newHasher(t, tiny, 0)
	if err := h.VerifyDummy(t.Context(), "password"); err != nil {
		t.Fatalf("VerifyDummy = %v", err)
	}
	// The dummy must be a well-formed string with the Hasher's own params,
	// or VerifyDummy would return early or cost a different amount.
	p, _, _, err := decode(h.dummy)
	if err != nil || p != tiny {
		t.Errorf("decode(dummy %q) = %+v, %v, want %+v, nil", h.dummy, p, err, tiny)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := h.VerifyDummy(ctx, "password"); !errors.Is(err, context.Canceled) {
		t.Errorf("VerifyDummy(cancelled) = %v, want context.Canceled", err)
	}
}

func TestNewHasherRejectsBadParams(t *testing.T) {
	tests := []struct {
		name          string
		p             Params
		maxConcurrent int
	}{
		{"zero time", Params{Memory: 8, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}, 0},
		{"memory above cap", Params{Memory: maxMemoryKiB + 1, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 0},
		{"memory below 8 per lane", Params{Memory: 8, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}, 0},
		{"zero threads", Params{Memory: 8, Time: 1, Threads: 0, SaltLen: 16, KeyLen: 32}, 0},
		{"short salt", Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}, 0},
		{"short key", Params{Memory: 8, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}, 0},
		{"negative concurrency", tiny, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if h, err := NewHasher(tt.p, tt.maxConcurrent); err == nil {
				t.Errorf("NewHasher(%+v, %d) = %v, nil, want an error", tt.p, tt.maxConcurrent, h)
			}
		})
	}
}

func TestCancelledContextRefusedBeforeHashing(t *testing.T) {
	h := newHasher(t, tiny, 1)
	var derived atomic.Int32
	h.derive = func(password, salt []byte, p Params) []byte {
		derived.Add(1)
		return idKey(password, salt, p)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash(cancelled) = %v, want context.Canceled", err)
	}
	if _, _, err := h.Verify(ctx, "pw", h.dummy); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify(cancelled) = %v, want context.Canceled", err)
	}
	if n := derived.Load(); n != 0 {
		t.Errorf("derived %d keys with a cancelled context, want 0", n)
	}
	// The refusals must not have leaked slots.
	for range 3 {
		if _, err := h.Hash(t.Context(), "pw"); err != nil {
			t.Fatalf("Hash after refusals = %v", err)
		}
	}
}

// TestConcurrencyIsBounded starts more hashes than there are slots, holds the
// running ones inside the key derivation, and observes that exactly
// maxConcurrent of them run while the rest wait and honour cancellation.
func TestConcurrencyIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxConcurrent, callers = 2, 6
		h := newHasher(t, tiny, maxConcurrent)
		stored, err := h.Hash(t.Context(), "pw")
		if err != nil {
			t.Fatal(err)
		}

		release := make(chan struct{})
		var running, peak atomic.Int32
		h.derive = func(password, salt []byte, p Params) []byte {
			n := running.Add(1)
			for {
				old := peak.Load()
				if n <= old || peak.CompareAndSwap(old, n) {
					break
				}
			}
			<-release
			running.Add(-1)
			return idKey(password, salt, p)
		}

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		errs := make(chan error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				if i%2 == 0 {
					_, err := h.Hash(ctx, "pw")
					errs <- err
					return
				}
				ok, _, err := h.Verify(ctx, "pw", stored)
				if err == nil && !ok {
					err = errors.New("verify did not match")
				}
				errs <- err
			})
		}

		synctest.Wait() // every caller is now running or waiting for a slot
		if n := running.Load(); n != maxConcurrent {
			t.Fatalf("%d derivations running, want %d", n, maxConcurrent)
		}
		if n := len(errs); n != 0 {
			t.Fatalf("%d callers returned while all slots were held, want 0", n)
		}

		cancel()
		synctest.Wait() // the waiting callers give up
		for range callers - maxConcurrent {
			if err := <-errs; !errors.Is(err, context.Canceled) {
				t.Errorf("waiting caller returned %v, want context.Canceled", err)
			}
		}
		if n := running.Load(); n != maxConcurrent {
			t.Errorf("%d derivations running after cancel, want %d", n, maxConcurrent)
		}

		close(release)
		wg.Wait()
		for range maxConcurrent {
			if err := <-errs; err != nil {
				t.Errorf("running caller returned %v, want nil", err)
			}
		}
		if n := peak.Load(); n != maxConcurrent {
			t.Errorf("peak concurrency %d, want %d", n, maxConcurrent)
		}
	})
}

// FuzzDecode checks that no input panics the parser and that everything it
// accepts is within the caps and encodes back to the same string.
func FuzzDecode(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")
	f.Add("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
	f.Add("$argon2id$v=19$m=1048577,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")
	f.Add("$argon2i$v=19$m=8,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, enc string) {
		p, salt, key, err := decode(enc)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("decode(%q) error %v does not wrap ErrMalformedHash", enc, err)
			}
			return
		}
		if err := p.validate(); err != nil {
			t.Fatalf("decode(%q) accepted params %+v outside the caps: %v", enc, p, err)
		}
		if got := encode(p, salt, key); got != enc {
			t.Fatalf("encode(decode(%q)) = %q", enc, got)
		}
	})
}

func BenchmarkHash(b *testing.B) {
	h := newHasher(b, DefaultParams(), 1)
	ctx := b.Context()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
	ms := b.Elapsed().Seconds() * 1e3 / float64(b.N)
	b.ReportMetric(ms, "ms/op")
	// One hash is one login; with p=1 a hash uses one core.
	b.ReportMetric(1e3/ms, "logins/s/core")
}
