package sim

import (
	"errors"
	"iter"
	"math/rand/v2"

	"github.com/tinymmo/tinymmo/internal/character"
	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/protocol"
	"github.com/tinymmo/tinymmo/internal/rules"
)

// Terrain is what an instance needs of its map. *maps.Map provides it; the
// tick benchmark and tests use made-up fields.
type Terrain interface {
	rules.Collider
	// PortalAt returns the portal whose area contains p.
	PortalAt(p rules.Vec) (maps.Portal, bool)
	// SizeSubpixels returns the map's width and height in subpixels.
	SizeSubpixels() (w, h int32)
}

// Config is what an instance takes from its world.
type Config struct {
	// TickRate is the steps per second; it sets speeds per tick.
	TickRate int
	// SpawnHalf is half the view: entities closer than this enter it.
	// KeepHalf is larger: entities farther than this leave it again.
	SpawnHalf, KeepHalf rules.Vec
	// AutosaveTicks is how often every player is saved; 0 never. The
	// players are spread over the interval, so that no tick saves them
	// all.
	AutosaveTicks uint32
	// PortalGuardTicks is how long portals ignore a player who just arrived.
	PortalGuardTicks uint32
	// EmptyTicks is how long the instance must stay empty before a step
	// reports it (Result.Empty); 0 never.
	EmptyTicks uint32
	// MaxSpawns caps the entities one snapshot spawns; the rest follow in
	// later snapshots, nearest first. 0 means DefaultMaxSpawns.
	MaxSpawns int
	// MaxVisible caps the entities one client knows at once; 0 means
	// DefaultMaxVisible. In a crowd the nearest enter first, and others
	// only as known ones leave the view, so a crowd costs each client what
	// its visible part costs, in time, memory and bytes.
	MaxVisible int
	// QuietTicks is how long a client that nothing changed for goes
	// without a snapshot: one that would carry nothing but its tick is
	// sent only if the last was QuietTicks ago. 0 means DefaultQuietTicks.
	QuietTicks int
	// ScanEvery is how often, in ticks, a client's view is searched for
	// entities entering or leaving it; 0 means DefaultScanEvery. Between
	// searches a snapshot only tells what changed about the entities the
	// client knows, which costs a fraction of a search in a crowd: an
	// entity may enter the view up to ScanEvery-1 ticks late, and one that
	// left the view stays known (and exact) as long. Each client searches
	// on ticks of its own, so the work spreads evenly.
	ScanEvery int
	// SpreadRadius is how far, in subpixels, from a spawn point arrivals
	// are spread (Arrival.Spread), so a crowd arriving together does not
	// stand on one spot.
	SpreadRadius int32
	// Seed seeds the instance's random numbers (arrival spreading), so a
	// run is repeatable.
	Seed uint64

	// Owner names whose private instance this is (a player, or a party's
	// leader), for MapChange; empty for a shared one.
	Owner string
	// NPCZones are where the instance's NPCs live (the map's npc_zones);
	// NoRespawn keeps dead NPCs dead (a private dungeon).
	NPCZones  []maps.NPCZone
	NoRespawn bool
	// PvP lets players hurt each other outside the SafeZones.
	PvP       bool
	SafeZones []rules.Rect
	// Respawn is where dead players come back (spread by SpreadRadius).
	Respawn rules.Vec
}

// DefaultMaxVisible is the most entities a client knows when
// Config.MaxVisible is 0: a crowded screen.
const DefaultMaxVisible = 200

// DefaultQuietTicks is Config.QuietTicks when 0: a second at 20 Hz.
const DefaultQuietTicks = 20

// DefaultScanEvery is the ticks between view searches when
// Config.ScanEvery is 0: 200 ms at 20 Hz.
const DefaultScanEvery = 4

// DefaultMaxSpawns is the spawns per snapshot when Config.MaxSpawns is 0.
// A spawn is about 30 bytes, so a snapshot stays a few kilobytes however
// big the crowd a player arrives in.
const DefaultMaxSpawns = 64

// Player is a character in the world. The shell creates it when a session
// starts; after that exactly one party owns it at a time: the instance it
// is in (from Add until Remove or a Travel), or the shell between
// instances.
type Player struct {
	// Char is the character's state. Its position is current only while
	// the player is outside an instance; use State for the current one.
	Char character.Character
	// Owner is the shell's handle for the player (its session). The core
	// never reads it.
	Owner any
	// Party is the player's party (0: none), which the shell keeps
	// current: party members near a kill share its experience.
	Party uint32

	tick     uint32 // player tick: steps taken since the session began, continued across maps
	welcomed bool   // the client had its Welcome; later arrivals send MapChange
	inputs   InputQueue
	ackAt    uint32 // the player tick at which the input in force was applied
	acked    bool   // an input was ever applied
	entity   *entity
}

// NewPlayer returns a player for c, to be placed with Instance.Add.
func NewPlayer(c character.Character, owner any) *Player {
	return &Player{Char: c, Owner: owner}
}

// State returns the character with its current position, health, mana
// and experience. Only its owner may call it.
func (p *Player) State() character.Character {
	c := p.Char
	if e := p.entity; e != nil {
		c.X, c.Y = e.pos.X, e.pos.Y
		c.Level, c.XP = e.level, e.xp
		c.HP, c.MaxHP, c.MP, c.MaxMP = int(e.hp), int(e.stats.MaxHP), int(e.mp), int(e.stats.MaxMP)
	}
	return c
}

// Vitals returns the player's health and mana and their maxima; all 0
// while it is outside an instance. Only its owner may call it.
func (p *Player) Vitals() (hp, maxHP, mp, maxMP int32) {
	if e := p.entity; e != nil {
		return e.hp, e.stats.MaxHP, e.mp, e.stats.MaxMP
	}
	return 0, 0, 0, 0
}

// Tick returns the player tick: how many steps the player has taken.
func (p *Player) Tick() uint32 { return p.tick }

// Arrival is a player entering an instance.
type Arrival struct {
	Player *Player
	// Spread places the player at a free spot near its position rather
	// than on it: set it for arrivals at a spawn point, where crowds form.
	Spread bool
}

// Input is one message a player sent, drained by the shell for a step.
type Input struct {
	Player *Player
	Input  protocol.Input
}

// Message is an encoded message for one player's client. Bytes stay valid
// until the next Step of the instance that returned it.
type Message struct {
	To    *Player
	Bytes []byte
}

// Travel is a player who left the instance through a portal. The shell
// owns the player from then on.
type Travel struct {
	Player *Player
	Portal maps.Portal
}

// Refusal is an input the core refused, and why.
type Refusal struct {
	Player *Player
	Err    error // wraps ErrMalformedInput or ErrInputQueueFull
}

// Result is what a step produced besides the snapshots (see Replicate).
// Its slices are reused by the next Step.
type Result struct {
	// Messages are for arriving players: Welcome or MapChange. Send them
	// before the step's snapshots.
	Messages []Message
	// Travels are the players who left through a portal.
	Travels []Travel
	// Saves are the states of the players whose autosave is due this
	// tick, each with a new save version (character.Character.Version).
	Saves []character.Character
	// Refused are inputs that broke the rules (ErrMalformedInput: close
	// the connection) or found the queue full (ErrInputQueueFull: dropped).
	Refused []Refusal
	// Empty reports that the instance has been empty for Config.EmptyTicks.
	Empty bool
}

// Instance is one copy of a map and everything in it. It is not safe for
// concurrent use, except as Replicate says: one goroutine (the shell's
// runner) calls its methods.
type Instance struct {
	id      uint32
	mapName string
	terrain Terrain
	cfg     Config
	rng     *rand.Rand

	tick     uint32 // the instance's own step count
	arrivals []Arrival
	entities []*entity // the players, dense; entity.slot indexes it
	npcs     []*entity // the NPCs, dense; entity.slot indexes it
	shots    []shot    // projectiles in flight
	blasts   []blast   // telegraphed strikes to come
	nextShot uint32    // the last projectile's id
	sharers  []*entity // scratch for shareXP
	// Counted for the world's metrics, since the instance began.
	refusals, abilitiesUsed, deaths, levelsGained int
	// viewers lists every entity's viewer by its id; freeViewers are the
	// ids free for reuse.
	viewers     []*viewer
	freeViewers []int32
	grid        *grid
	emptySince  uint32
	result      Result
	parts       []*replicator // replication scratch, one per part
}

// New returns instance number id of the map mapName, with terrain t.
// Arriving players are told id in MapChange.Instance.
func New(id uint32, mapName string, t Terrain, cfg Config) *Instance {
	wSub, hSub := t.SizeSubpixels()
	in := &Instance{
		id: id, mapName: mapName, terrain: t, cfg: cfg,
		rng:  rand.New(rand.NewPCG(cfg.Seed, uint64(id))),
		grid: newGrid(wSub, hSub),
	}
	in.spawnNPCs(cfg.NPCZones)
	return in
}

// Counters are what an instance's fights came to since it began.
type Counters struct {
	AbilitiesUsed, Refused, Deaths, LevelsGained int
	// NPCs is how many NPCs the instance holds now.
	NPCs int
}

// Counters returns the instance's counters.
func (in *Instance) Counters() Counters {
	return Counters{AbilitiesUsed: in.abilitiesUsed, Refused: in.refusals, Deaths: in.deaths, LevelsGained: in.levelsGained, NPCs: len(in.npcs)}
}

// Map returns the name of the instance's map.
func (in *Instance) Map() string { return in.mapName }

// Population returns the players inside and arriving.
func (in *Instance) Population() int { return len(in.entities) + len(in.arrivals) }

// Players returns every player inside, for the shell to look after their
// sessions. Do not Add or Remove while ranging over it.
func (in *Instance) Players() iter.Seq[*Player] {
	return func(yield func(*Player) bool) {
		for _, e := range in.entities {
			if !yield(e.p) {
				return
			}
		}
	}
}

// Add places a player in the instance at the next Step, which sends it its
// Welcome (the first time) or a MapChange.
func (in *Instance) Add(a Arrival) {
	in.arrivals = append(in.arrivals, a)
}

// Remove takes p out of the instance at once (its session ended) and
// returns its last state. p must be in the instance or arriving.
func (in *Instance) Remove(p *Player) character.Character {
	for i, a := range in.arrivals {
		if a.Player == p {
			in.arrivals = append(in.arrivals[:i], in.arrivals[i+1:]...)
			return p.State()
		}
	}
	c := p.State()
	in.remove(p.entity)
	return c
}

// ErrNotHere is returned for an input of a player who is not in the
// instance.
var ErrNotHere = errors.New("sim: player is not in this instance")

// Step runs one tick at the world time nowMillis (milliseconds since the
// Unix epoch, only sent to clients): arrivals, the inputs drained since
// the last step, movement, portals, autosave. Call Replicate after it for
// the snapshots. The result is valid until the next Step.
func (in *Instance) Step(nowMillis int64, inputs []Input) *Result {
	r := &in.result
	r.Messages, r.Travels, r.Saves, r.Refused, r.Empty = r.Messages[:0], r.Travels[:0], r.Saves[:0], r.Refused[:0], false
	in.tick++
	in.applyViewLogs()
	in.admit(uint64(nowMillis))
	for _, i := range inputs {
		p := i.Player
		if p.entity == nil || in.entities[p.entity.slot] != p.entity {
			r.Refused = append(r.Refused, Refusal{p, ErrNotHere})
			continue
		}
		// An input may take effect at the step about to run.
		if err := p.inputs.Push(i.Input, p.tick); err != nil {
			r.Refused = append(r.Refused, Refusal{p, err})
		}
	}
	for _, e := range in.entities {
		in.applyInput(e)
	}
	for _, e := range in.entities {
		if e.dir != rules.DirNone {
			e.pos = rules.Step(e.pos, e.dir, e.speed, in.terrain)
			in.grid.moved(e)
		}
	}
	in.thinkNPCs()
	for _, e := range in.entities {
		cur := e.p.inputs.Current()
		pressed, released := e.p.inputs.Edges()
		in.act(e, cur.Buttons, pressed, released, cur.Aim, cur.Target)
	}
	in.flyShots()
	in.strikeBlasts()
	for _, e := range in.entities {
		if e.dead && in.tick >= e.respawnAt {
			in.revive(e)
		}
	}
	in.regenerate()
	for i := 0; i < len(in.entities); i++ {
		e := in.entities[i]
		if e.dead {
			continue
		}
		if e.arrivalMove != protocol.DirNone && e.p.inputs.Current().Move != e.arrivalMove {
			e.arrivalMove = protocol.DirNone
		}
		if in.tick >= e.guardUntil && e.arrivalMove == protocol.DirNone {
			if portal, ok := in.terrain.PortalAt(e.pos); ok {
				p := e.p
				p.Char.X, p.Char.Y = e.pos.X, e.pos.Y
				in.remove(e)
				r.Travels = append(r.Travels, Travel{p, portal})
				i-- // remove moved the last entity into this slot
			}
		}
	}
	if every := in.cfg.AutosaveTicks; every > 0 {
		for _, e := range in.entities {
			if (in.tick-e.phase)%every == 0 {
				e.p.Char.Version++ // each save of a character is newer than the last
				r.Saves = append(r.Saves, e.p.State())
			}
		}
	}
	in.checkEmpty()
	return r
}

// admit places the players that arrived since the last step.
func (in *Instance) admit(now uint64) {
	for _, a := range in.arrivals {
		p := a.Player
		e := &entity{
			slot:        len(in.entities),
			phase:       in.tick - uint32(len(in.entities)), // spread the searches and saves over the ticks; tick - phase never wraps
			p:           p,
			pos:         rules.Vec{X: p.Char.X, Y: p.Char.Y},
			guardUntil:  in.tick + in.cfg.PortalGuardTicks,
			arrivalMove: p.inputs.Current().Move,
			fighter:     playerFighter(p.Char),
		}
		e.speed = rules.SpeedPerTick(int(e.stats.Speed), in.cfg.TickRate)
		if a.Spread {
			e.pos = in.spread(e.pos)
		}
		e.view = in.newViewer(e.pos)
		p.entity = e
		in.entities = append(in.entities, e)
		in.grid.insert(e)
		// Arrivals are rare: their messages get memory of their own, apart
		// from the snapshot scratch that Replicate reuses.
		var msg []byte
		if !p.welcomed {
			// A player's ticks start at the instance's, so players who
			// entered the world in one instance share their tick numbers.
			p.welcomed, p.tick = true, in.tick-1
			msg = protocol.Welcome{
				EntityID: uint32(p.Char.ID), Map: in.mapName, X: e.pos.X, Y: e.pos.Y,
				TickRate: uint16(in.cfg.TickRate), Tick: p.tick, ServerTime: now, Speed: uint32(e.speed),
			}.Append(nil)
		} else {
			msg = protocol.MapChange{
				Map: in.mapName, Instance: in.id, X: e.pos.X, Y: e.pos.Y, Tick: p.tick, ServerTime: now,
				Ack: p.inputs.Current().Seq, Owner: in.cfg.Owner,
			}.Append(nil)
		}
		in.result.Messages = append(in.result.Messages, Message{p, msg})
	}
	clear(in.arrivals)
	in.arrivals = in.arrivals[:0]
}

// playerFighter returns the fighter of character c as saved: its class's
// stats at its level, and its health and mana within them (full if it was
// saved dead).
func playerFighter(c character.Character) fighter {
	class, _ := rules.ClassNamed(string(c.Class)) // the world loads only valid classes
	level := min(max(c.Level, 1), rules.MaxLevel)
	f := fighter{
		name: c.Name, sprite: classSprite(c.Class), level: level, xp: max(c.XP, 0),
		stats: class.StatsAt(level), abilities: class.Abilities,
	}
	f.hp, f.mp = int32(c.HP), int32(c.MP)
	if f.hp <= 0 || f.hp > f.stats.MaxHP {
		f.hp = f.stats.MaxHP
	}
	f.mp = min(max(f.mp, 0), f.stats.MaxMP)
	return f
}

func classSprite(c character.Class) protocol.Sprite {
	switch c {
	case character.ClassRogue:
		return protocol.SpriteRogue
	case character.ClassWizard:
		return protocol.SpriteWizard
	}
	return protocol.SpriteKnight
}

// spread returns a free spot within SpreadRadius of p (see FreeSpotNear).
func (in *Instance) spread(p rules.Vec) rules.Vec {
	return FreeSpotNear(in.terrain, p, in.cfg.SpreadRadius, in.rng)
}

// FreeSpotNear returns a random spot within r subpixels of p (in each
// axis) on floor the body fits and outside portals, or p itself if a few
// tries find none: where to put one of a crowd arriving at p.
func FreeSpotNear(t Terrain, p rules.Vec, r int32, rng *rand.Rand) rules.Vec {
	if r <= 0 {
		return p
	}
	for range 16 {
		q := rules.Vec{X: p.X + rng.Int32N(2*r+1) - r, Y: p.Y + rng.Int32N(2*r+1) - r}
		if _, portal := t.PortalAt(q); !portal && rules.Fits(q, t) {
			return q
		}
	}
	return p
}

// applyInput advances e's player tick and takes the input in force for it.
func (in *Instance) applyInput(e *entity) {
	p := e.p
	p.tick++
	current, applied := p.inputs.Advance(p.tick)
	if applied {
		p.ackAt, p.acked = p.tick, true
	}
	dir := rules.Dir(current.Move)
	if e.dead {
		dir = rules.DirNone // the dead do not walk
	}
	if dir != e.dir {
		e.dir = dir
		e.dirChanged = in.tick
		in.changed(e)
	}
}

// remove takes the player e out of the instance, keeping entities dense.
func (in *Instance) remove(e *entity) {
	in.detach(e, &in.entities)
	in.dropViewer(e.view)
	e.p.Char.X, e.p.Char.Y = e.pos.X, e.pos.Y
	e.p.entity = nil
}

// detach takes e out of the grid and out of list (in.entities or in.npcs,
// which it keeps dense), and tells the viewers that know it that it left.
func (in *Instance) detach(e *entity, list *[]*entity) {
	in.grid.remove(e)
	e.removed = true // clients that know it drop it at their next snapshot
	// Between ticks, the viewers' logs of the last replication are not
	// applied yet: one that has just taken e in must be told too.
	in.applyViewLogs()
	in.notify(e)
	e.observers = nil
	l := *list
	last := l[len(l)-1]
	l[e.slot] = last
	last.slot = e.slot
	l[len(l)-1] = nil
	*list = l[:len(l)-1]
}

// checkEmpty reports the instance once it has been empty for EmptyTicks.
func (in *Instance) checkEmpty() {
	if in.Population() > 0 || in.cfg.EmptyTicks == 0 {
		in.emptySince = in.tick
		return
	}
	if in.tick-in.emptySince >= in.cfg.EmptyTicks {
		in.emptySince = in.tick // report again later if the shell keeps it
		in.result.Empty = true
	}
}
