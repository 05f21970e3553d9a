// Package password hashes and verifies account passwords with argon2id.
//
// It owns the stored form of a password: a PHC string such as
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// (salt and hash in unpadded standard base64). A [Hasher] bounds how many
// hashes run at once, because each one holds Params.Memory KiB for its whole
// duration: without a bound a login flood would exhaust memory. The package
// starts no goroutines. The master imports it; nothing that runs in the client
// should.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrMalformedHash is returned by [Hasher.Verify] when the stored string is
// not an argon2id PHC string this package accepts (bad syntax, another
// algorithm or version, or parameters outside the caps).
var ErrMalformedHash = errors.New("password: malformed hash")

// Caps on parameters, applied both to a Hasher's own Params and to those read
// from a stored string, so a corrupt database row cannot make Verify allocate
// or compute without bound.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 16
	maxThreads   = 16
	minSaltLen   = 8 // the Argon2 specification's minimum
	maxSaltLen   = 64
	minKeyLen    = 16 // an empty or tiny key would match too easily
	maxKeyLen    = 64
	// maxEncodedLen comfortably exceeds the longest string the caps allow
	// (about 210 bytes), and is checked before anything is parsed.
	maxEncodedLen = 256
)

// Params are the argon2id cost parameters. The zero value means DefaultParams.
type Params struct {
	Memory  uint32 // memory per hash in KiB; at most 1 GiB and at least 8*Threads
	Time    uint32 // passes over memory, 1..16
	Threads uint8  // lanes, 1..16
	SaltLen uint32 // random salt bytes per hash, 8..64
	KeyLen  uint32 // derived key bytes, 16..64
}

// DefaultParams returns OWASP's recommended argon2id parameters: 19 MiB,
// two passes, one lane, a 16-byte salt and a 32-byte key.
func DefaultParams() Params {
	return Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

func (p Params) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("t=%d outside 1..%d", p.Time, maxTime)
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("p=%d outside 1..%d", p.Threads, maxThreads)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("m=%d outside %d..%d", p.Memory, 8*uint32(p.Threads), maxMemoryKiB)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("salt length %d outside %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("key length %d outside %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// A Hasher hashes and verifies passwords with fixed Params, running at most
// a fixed number of hashes at once. Create one with NewHasher; its methods
// are safe for concurrent use.
type Hasher struct {
	params Params
	// sem holds one token per running hash; its capacity is the bound.
	sem chan struct{}
	// dummy is a well-formed stored string with the Hasher's params, used
	// by VerifyDummy to spend the same time as a real Verify.
	dummy string
	// derive computes the key. It is argon2.IDKey; tests replace it to
	// observe how many derivations run at once.
	derive func(password, salt []byte, p Params) []byte
}

// NewHasher returns a Hasher using p (the zero Params means DefaultParams)
// that runs at most maxConcurrent hashes at once (0 means 2*GOMAXPROCS).
// Peak memory for hashing is about maxConcurrent*p.Memory KiB. It returns an
// error when p is outside the caps documented on Params or maxConcurrent is
// negative.
func NewHasher(p Params, maxConcurrent int) (*Hasher, error) {
	if p == (Params{}) {
		p = DefaultParams()
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("password: invalid params: %w", err)
	}
	if maxConcurrent < 0 {
		return nil, fmt.Errorf("password: maxConcurrent = %d, want >= 0", maxConcurrent)
	}
	if maxConcurrent == 0 {
		maxConcurrent = 2 * runtime.GOMAXPROCS(0)
	}
	return &Hasher{
		params: p,
		sem:    make(chan struct{}, maxConcurrent),
		dummy:  encode(p, make([]byte, p.SaltLen), make([]byte, p.KeyLen)),
		derive: idKey,
	}, nil
}

func idKey(password, salt []byte, p Params) []byte {
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// acquire waits for a hashing slot or for ctx to end. On success the caller
// must call release.
func (h *Hasher) acquire(ctx context.Context) error {
	// Checked first: select picks at random when a slot is free too.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string for password with a fresh random salt. It
// waits for a free slot first and returns ctx.Err() if ctx ends while it
// waits; once hashing has started it runs to completion.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", fmt.Errorf("password: hash: %w", err)
	}
	defer h.release()
	salt := make([]byte, h.params.SaltLen)
	rand.Read(salt) // never fails: since Go 1.24 it crashes the program instead
	return encode(h.params, salt, h.derive([]byte(password), salt, h.params)), nil
}

// Verify reports whether password matches encoded, a string made by Hash.
// needsRehash is true when the password matched but encoded was made with
// params other than the Hasher's: the caller should then store a fresh Hash.
// A malformed encoded returns an error wrapping ErrMalformedHash without
// hashing. Like Hash, it waits for a slot and returns ctx.Err() if ctx ends
// while it waits.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, fmt.Errorf("password: verify: %w", err)
	}
	defer h.release()
	got := h.derive([]byte(password), salt, p)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != h.params, nil
}

// VerifyDummy spends the time and memory of a Verify against a hash made
// with the Hasher's params, and matches nothing. Call it when a login names
// an account that does not exist, so that response time does not reveal
// which usernames exist. It returns only a context error (see Verify).
func (h *Hasher) VerifyDummy(ctx context.Context, password string) error {
	_, _, err := h.Verify(ctx, password, h.dummy)
	return err
}

// b64 is the PHC strings' base64: standard alphabet, no padding, and
// canonical (strict) so that a tampered final character is rejected rather
// than silently decoding to the same bytes.
func b64() *base64.Encoding { return base64.RawStdEncoding.Strict() }

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64().EncodeToString(salt), b64().EncodeToString(key))
}

// decode parses a PHC string made by encode. It accepts exactly that form
// and returns an error wrapping ErrMalformedHash for anything else,
// including parameters outside the caps.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	fail := func(format string, args ...any) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: "+format, append([]any{ErrMalformedHash}, args...)...)
	}
	if len(encoded) > maxEncodedLen {
		return fail("%d bytes, more than %d", len(encoded), maxEncodedLen)
	}
	// The base64 decoder skips '\r' and '\n', so without this check two
	// different strings would decode to the same hash.
	if i := strings.IndexFunc(encoded, func(r rune) bool { return !isPHCChar(r) }); i >= 0 {
		return fail("unexpected character at byte %d", i)
	}
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want 5 $-separated fields")
	}
	if parts[1] != "argon2id" {
		return fail("algorithm %q, want argon2id", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("version %q, want v=%d", parts[2], argon2.Version)
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("params %q, want m=,t=,p=", parts[3])
	}
	m, err1 := parseParam(kv[0], "m=", 32)
	t, err2 := parseParam(kv[1], "t=", 32)
	par, err3 := parseParam(kv[2], "p=", 8)
	if err := errors.Join(err1, err2, err3); err != nil {
		return fail("params %q: %w", parts[3], err)
	}
	// Decoded lengths are bounded by maxEncodedLen, so decoding allocates
	// little even before the lengths are checked by validate.
	salt, err = b64().DecodeString(parts[4])
	if err != nil {
		return fail("salt: %w", err)
	}
	key, err = b64().DecodeString(parts[5])
	if err != nil {
		return fail("hash: %w", err)
	}
	p = Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(par), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if err := p.validate(); err != nil {
		return fail("%w", err)
	}
	return p, salt, key, nil
}

// parseParam parses "<prefix><decimal>" into an unsigned integer of
// bitSize bits.
func parseParam(s, prefix string, bitSize int) (uint64, error) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, fmt.Errorf("%q does not start with %q", s, prefix)
	}
	v, err := strconv.ParseUint(digits, 10, bitSize)
	if err != nil {
		return 0, err
	}
	// Only the canonical spelling is accepted ("8", not "08"), so that a
	// string decodes and re-encodes to itself.
	if strconv.FormatUint(v, 10) != digits {
		return 0, fmt.Errorf("%q is not in canonical form", s)
	}
	return v, nil
}

// isPHCChar reports whether r may appear in a string made by encode.
func isPHCChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		r == '$' || r == '=' || r == ',' || r == '+' || r == '/'
}
