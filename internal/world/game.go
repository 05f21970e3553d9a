package world

import (
	"fmt"

	"github.com/tinymmo/tinymmo/internal/maps"
	"github.com/tinymmo/tinymmo/internal/rules"
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
	return all, nil
}

// startPosition returns where a new character begins.
func (s *Server) startPosition() place {
	p, _ := s.maps[startMap].Spawn(startSpawn) // checked by loadMaps
	return place{Map: startMap, Pos: p}
}

// instanceCount reports how many map instances are running.
func (s *Server) instanceCount() int { return s.registry.count() }
