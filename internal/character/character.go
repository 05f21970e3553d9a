// Package character defines a character's persisted state and its class:
// the values the world's store saves and its simulation core carries. It
// imports nothing outside the standard library, so the client's tests may
// use the simulation core (package sim) on any platform, js/wasm included.
package character

import "time"

// Class is a character class.
type Class string

// The classes.
const (
	ClassKnight Class = "knight"
	ClassRogue  Class = "rogue"
	ClassWizard Class = "wizard"
)

// Valid reports whether c is one of the classes.
func (c Class) Valid() bool {
	return c == ClassKnight || c == ClassRogue || c == ClassWizard
}

// Character is a character's persisted state: a row of a world's characters
// table.
type Character struct {
	ID        int64
	AccountID int64 // an account in the master database
	Name      string
	Class     Class
	Level, XP int
	Map       string
	X, Y      int32 // position in 1/16 px
	HP, MaxHP int
	MP, MaxMP int
	CreatedAt time.Time
	UpdatedAt time.Time // the time of the last save that wrote the row
	// Version orders saves: SaveCharacters writes the character only if
	// Version is greater than the stored one, so an older snapshot that
	// arrives late never overwrites a newer one. A new character has
	// version 0; whoever saves it next picks a greater version, usually
	// the loaded one plus one.
	Version int64
}
