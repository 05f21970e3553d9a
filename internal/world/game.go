package world

import (
	"fmt"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/sim"
)

// startMap and startSpawn are where new characters begin.
const (
	startMap   = "overworld"
	startSpawn = "default"
)

// place is a position on a named map.
type place struct {
	Map string
	Pos rules.Vec
}

// loadMaps loads every map and checks that new characters have somewhere to
// start.
func loadMaps() (map[string]*maps.Map, error) {
	all, err := maps.LoadAll()
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	m, ok := all[startMap]
	if !ok {
		return nil, fmt.Errorf("world: start map %q missing", startMap)
	}
	if _, ok := m.Spawn(startSpawn); !ok {
		return nil, fmt.Errorf("world: start map %q has no %q spawn", startMap, startSpawn)
	}
	for name, m := range all {
		if _, ok := m.Spawn(respawnPoint); !ok {
			return nil, fmt.Errorf("world: map %q has no %q spawn to bring the dead back to", name, respawnPoint)
		}
		for _, z := range m.NPCZones {
			if !sim.KnownNPCKind(z.Kind) {
				return nil, fmt.Errorf("world: map %q: npc zone %q has an unknown kind %q", name, z.Name, z.Kind)
			}
		}
	}
	return all, nil
}

// respawnPoint is the spawn of every map where dead players come back.
const respawnPoint = "default"

// safeRadius is how far around every spawn point players cannot hurt each
// other, in subpixels: arrivals and the respawned are never fought over.
const safeRadius = 96 * rules.SubpixelsPerPixel

// instanceConfig returns the configuration of an instance of map m: the
// world's, with the map's NPCs, respawn point and safe zones. A private
// instance (of owner, "" for a shared one) keeps its dead NPCs dead.
func (s *Server) instanceConfig(base sim.Config, m *maps.Map, owner string) sim.Config {
	cfg := base
	cfg.NPCZones, cfg.NoRespawn, cfg.PvP, cfg.Owner = m.NPCZones, owner != "", s.cfg.PvP, owner
	cfg.Respawn, _ = m.Spawn(respawnPoint) // checked by loadMaps
	cfg.SafeZones = nil
	for _, p := range m.Spawns {
		cfg.SafeZones = append(cfg.SafeZones, rules.Rect{
			Min: rules.Vec{X: p.X - safeRadius, Y: p.Y - safeRadius},
			Max: rules.Vec{X: p.X + safeRadius, Y: p.Y + safeRadius},
		})
	}
	return cfg
}

// startPosition returns where a new character begins.
func (s *Server) startPosition() place {
	p, _ := s.maps[startMap].Spawn(startSpawn) // checked by loadMaps
	return place{Map: startMap, Pos: p}
}

// instanceCount reports how many map instances are running.
func (s *Server) instanceCount() int { return s.registry.count() }
