package protocol

import (
	"fmt"
	"math"

	"github.com/tinymmo/tinymmo/internal/wire"
)

// Direction is a movement direction: none, or one of the eight compass
// points, numbered clockwise from north. North is up the screen (-Y).
type Direction uint8

// Directions. Values above DirNW are malformed.
const (
	DirNone Direction = iota
	DirN
	DirNE
	DirE
	DirSE
	DirS
	DirSW
	DirW
	DirNW
)

// String returns the compass name, such as "NE", "none", or
// "Direction(9)" for an invalid value.
func (d Direction) String() string {
	switch d {
	case DirNone:
		return "none"
	case DirN:
		return "N"
	case DirNE:
		return "NE"
	case DirE:
		return "E"
	case DirSE:
		return "SE"
	case DirS:
		return "S"
	case DirSW:
		return "SW"
	case DirW:
		return "W"
	case DirNW:
		return "NW"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// Aim returns the facing (Input.Aim) of d: 1/256ths of a turn clockwise
// from east, so E is 0, S 64, W 128 and N 192. DirNone and invalid
// directions have no facing and return 0.
func (d Direction) Aim() uint8 {
	if d == DirNone || d > DirNW {
		return 0
	}
	// Directions run clockwise from N, 32 aim units apart; N is 192.
	return uint8(192 + 32*(int(d)-1))
}

// Buttons is a set of action buttons held during a tick, one bit each.
type Buttons uint8

// Buttons. Bits not defined here are reserved: a sender must leave them
// clear, and an Input with any of them set is malformed.
const (
	ButtonPrimary  Buttons = 1 << 0 // the class's basic attack
	ButtonSpecial1 Buttons = 1 << 1 // its first special ability
	ButtonSpecial2 Buttons = 1 << 2 // its second special ability
)

// definedButtons holds every defined button bit; the others are reserved.
const definedButtons = ButtonPrimary | ButtonSpecial1 | ButtonSpecial2

// MaxInputLead is how many ticks ahead of the player's current tick an
// Input's Tick may be; an Input further ahead is malformed.
const MaxInputLead = 200

// MaxQueuedInputs is how many Inputs may wait in the world for their Tick;
// the world drops (and counts) one beyond that.
const MaxQueuedInputs = 32

// Input is a change of a player's intent, in force from player tick Tick
// until a newer Input takes over. The client sends one only when Move, Aim
// or Buttons change, so an idle player sends nothing. It carries no
// position: the world moves the player by its own rules, one step a tick,
// and acknowledges Seq in the snapshot of the tick it applied it at, so the
// client can reconcile its prediction.
//
// The world refuses (closing with CloseMalformed) an Input whose Seq is not
// above the previous one's, whose Tick is below the previous one's, or
// whose Tick is more than MaxInputLead beyond the player's current tick.
// Decode checks only what one message shows.
type Input struct {
	// Seq numbers the connection's inputs: 1 for the first, then strictly
	// increasing (the client adds one per input).
	Seq uint32
	// Tick is the player tick from which the input holds: the world moves
	// the player by it in the step that makes the player's tick Tick (or
	// the next step, if it arrives late).
	Tick uint32
	// Move is the direction the player wants to move in, or DirNone.
	Move Direction
	// Aim is the facing, in 1/256ths of a turn: the angle is Aim*360/256
	// degrees, clockwise from east (+X) as seen on screen, so 64 is
	// south (+Y, down), 128 west and 192 north.
	Aim uint8
	// Buttons are the buttons held. Pressing a button (a bit set that
	// the previous Input had clear) uses its ability at Tick; a basic
	// attack that charges (the rogue's bow) fires when it is released.
	Buttons Buttons
	// Target names the entity an ability that needs one is aimed at (the
	// wizard's Mending Bolt): its handle + 1, or 0 for none (yourself).
	Target uint32
}

// Type returns TypeInput.
func (Input) Type() Type { return TypeInput }

// Append appends the encoded Input to b.
func (m Input) Append(b []byte) []byte {
	b = wire.AppendU8(b, uint8(TypeInput))
	b = wire.AppendUvarint(b, uint64(m.Seq))
	b = wire.AppendUvarint(b, uint64(m.Tick))
	b = append(b, uint8(m.Move), m.Aim, uint8(m.Buttons))
	return wire.AppendUvarint(b, uint64(m.Target))
}

func decodeInput(payload []byte) (Message, error) {
	r := wire.NewReader(payload)
	seq := r.Uvarint()
	tick := r.Uvarint()
	move := Direction(r.U8())
	aim := r.U8()
	buttons := Buttons(r.U8())
	target := r.Uvarint()
	if err := r.Done(); err != nil {
		return nil, err
	}
	switch {
	case seq > math.MaxUint32:
		return nil, fmt.Errorf("seq %d overflows uint32", seq)
	case tick > math.MaxUint32:
		return nil, fmt.Errorf("tick %d overflows uint32", tick)
	case move > DirNW:
		return nil, fmt.Errorf("move %d out of range 0..%d", move, DirNW)
	case buttons&^definedButtons != 0:
		return nil, fmt.Errorf("buttons 0b%08b set reserved bits", buttons)
	case target > MaxHandle+1:
		return nil, fmt.Errorf("target %d over %d", target, MaxHandle+1)
	}
	return Input{Seq: uint32(seq), Tick: uint32(tick), Move: move, Aim: aim, Buttons: buttons, Target: uint32(target)}, nil
}
