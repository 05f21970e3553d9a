package api

import (
	"strings"
	"unicode/utf8"
)

// Limits on what players choose.
const (
	UsernameMinLen = 3
	UsernameMaxLen = 20
	PasswordMinLen = 8   // characters
	PasswordMaxLen = 128 // characters
	NameMinLen     = 3
	NameMaxLen     = 16
)

// GuestPrefix starts every guest account's username. Players cannot choose
// a name with it, so a guest name never collides with a chosen one.
const GuestPrefix = "guest_"

// reserved lists names no player may take, as usernames or character names.
// They are compared case-insensitively.
var reserved = [...]string{
	"admin", "administrator", "root", "system", "server", "moderator", "mod",
	"support", "staff", "gm", "gamemaster", "tinymmo", "guest", "null", "nobody",
}

func isReserved(lower string) bool {
	for _, r := range reserved {
		if lower == r {
			return true
		}
	}
	return false
}

// NormalizeUsername checks a username against the rules (3–20 characters of
// a–z, 0–9 and _, any case; not reserved; not starting with GuestPrefix) and
// returns it in lower case, the form in which usernames are stored and
// compared.
func NormalizeUsername(s string) (string, error) {
	if len(s) < UsernameMinLen || len(s) > UsernameMaxLen {
		return "", Errorf(CodeInvalidUsername, "username must be %d to %d characters long", UsernameMinLen, UsernameMaxLen)
	}
	// The bytes of s, not of its lower case: strings.ToLower turns some
	// letters outside ASCII into ASCII ones (the Kelvin sign into k).
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", Errorf(CodeInvalidUsername, "username may contain only letters a-z, digits and _")
		}
	}
	lower := strings.ToLower(s)
	if isReserved(lower) || strings.HasPrefix(lower, GuestPrefix) {
		return "", Errorf(CodeInvalidUsername, "username %q is reserved", s)
	}
	return lower, nil
}

// CheckPassword checks a new password's length: 8 to 128 characters of valid
// UTF-8. Nothing else is imposed; length is what makes a password strong.
//
// U+FFFD, the replacement character, is refused too: it is what a JSON
// decoder makes of invalid bytes and of escaped lone surrogates ("\ud800"),
// so a password holding one was almost certainly not what its owner typed.
func CheckPassword(s string) error {
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return Errorf(CodeInvalidPassword, "password must be valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n < PasswordMinLen || n > PasswordMaxLen {
		return Errorf(CodeInvalidPassword, "password must be %d to %d characters long", PasswordMinLen, PasswordMaxLen)
	}
	return nil
}

// CheckCharacterName checks a character name: 3 to 16 ASCII letters and
// digits, starting with a letter, and not reserved. Names are unique per
// world regardless of case; the world's database enforces that.
func CheckCharacterName(s string) error {
	if len(s) < NameMinLen || len(s) > NameMaxLen {
		return Errorf(CodeInvalidName, "name must be %d to %d characters long", NameMinLen, NameMaxLen)
	}
	for i, c := range []byte(s) {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !letter {
			return Errorf(CodeInvalidName, "name must start with a letter")
		}
		if !letter && !(c >= '0' && c <= '9') {
			return Errorf(CodeInvalidName, "name may contain only letters and digits")
		}
	}
	if isReserved(strings.ToLower(s)) {
		return Errorf(CodeInvalidName, "name %q is reserved", s)
	}
	return nil
}

// ParseClass returns the class named by s, spelled exactly as in Classes
// (lower case): the API accepts no other spelling.
func ParseClass(s string) (Class, error) {
	for _, c := range Classes {
		if s == string(c) {
			return c, nil
		}
	}
	return "", Errorf(CodeInvalidClass, "class must be knight, rogue or wizard")
}
