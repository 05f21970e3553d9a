package api_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tinymmo/tinymmo/internal/api"
)

// The characters the rules allow, as cutsets.
const (
	letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	digits  = "0123456789"
)

// FuzzValidate runs every check of what a player chooses on arbitrary text.
// None may panic; each refusal is an *api.Error of the check's own code,
// answered with 400; and whatever a check accepts obeys the rules its
// documentation gives. NormalizeUsername must also be idempotent.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{
		"Alice_1", "alice_1", "ab", "abc", strings.Repeat("a", 20), strings.Repeat("a", 21), "Admin", "guest_abc", "GUEST_x1",
		"correct horse battery", "pässwörd", "short", strings.Repeat("é", 128), strings.Repeat("é", 129), "\xffpassword",
		"Alicia", "Hero1", "1Hero", "Hero_1", "gamemaster",
		"knight", "Rogue", "WIZARD", "bard", "",
		// Letters outside ASCII whose lower case is ASCII, which
		// NormalizeUsername once took for a-z.
		"\u212Aelvin", "\u0130stanbul",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// refused fails the test unless err is an *api.Error with code.
		refused := func(check string, err error, code api.Code) {
			t.Helper()
			if got := api.CodeOf(err); got != code || code.Status() != http.StatusBadRequest {
				t.Fatalf("%s(%q) = %v, want an error with code %q", check, s, err, code)
			}
		}

		if u, err := api.NormalizeUsername(s); err != nil {
			refused("NormalizeUsername", err, api.CodeInvalidUsername)
		} else {
			if u != strings.ToLower(s) || len(s) < api.UsernameMinLen || len(s) > api.UsernameMaxLen ||
				strings.Trim(s, letters+digits+"_") != "" || strings.HasPrefix(u, api.GuestPrefix) {
				t.Fatalf("NormalizeUsername(%q) = %q, which breaks the rules", s, u)
			}
			if again, err := api.NormalizeUsername(u); again != u || err != nil {
				t.Fatalf("NormalizeUsername(%q) = %q, %v; want it unchanged", u, again, err)
			}
		}

		if err := api.CheckPassword(s); err != nil {
			refused("CheckPassword", err, api.CodeInvalidPassword)
		} else if n := utf8.RuneCountInString(s); !utf8.ValidString(s) || n < api.PasswordMinLen || n > api.PasswordMaxLen {
			t.Fatalf("CheckPassword(%q) accepted %d characters (valid UTF-8: %v)", s, n, utf8.ValidString(s))
		}

		if err := api.CheckCharacterName(s); err != nil {
			refused("CheckCharacterName", err, api.CodeInvalidName)
		} else if len(s) < api.NameMinLen || len(s) > api.NameMaxLen ||
			strings.Trim(s[:1], letters) != "" || strings.Trim(s, letters+digits) != "" {
			t.Fatalf("CheckCharacterName(%q) accepted a name that breaks the rules", s)
		}

		if c, err := api.ParseClass(s); err != nil {
			refused("ParseClass", err, api.CodeInvalidClass)
		} else if !strings.EqualFold(s, string(c)) || !isClass(c) {
			t.Fatalf("ParseClass(%q) = %q", s, c)
		}
	})
}

// isClass reports whether c is one of api.Classes.
func isClass(c api.Class) bool {
	for _, k := range api.Classes {
		if c == k {
			return true
		}
	}
	return false
}
