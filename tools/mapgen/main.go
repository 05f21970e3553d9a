// Command mapgen generates TinyMMO's three Tiled maps (overworld,
// dungeon_entrance and dungeon) from fixed seeds, so a run rewrites
// byte-identical TMX files.
//
// Usage, from the repository root, after go run ./tools/artgen:
//
//	go run ./tools/mapgen [-assets assets] [-preview dir [-shrink n]]
//
// It reads tiles/tileset.tsx to look tiles up by their "name" property and
// writes maps/<name>.tmx under the assets directory. Each map has the tile
// layers ground, decoration and collision (any non-zero tile is solid) and
// the object layers portals, spawns and npc_zones that internal/maps reads.
// With -preview it also renders each map to dir/<name>.png. The outputs
// are committed; edit them in Tiled or rerun mapgen.
package main

import (
	"encoding/xml"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("assets", "assets", "assets directory: reads tiles/tileset.tsx, writes maps/*.tmx")
	preview := flag.String("preview", "", "if set, also render each map to a PNG in this directory")
	shrink := flag.Int("shrink", 0, "scale previews down by 2^shrink")
	flag.Parse()
	if err := run(*dir, *preview, *shrink); err != nil {
		log.Fatal(err)
	}
}

func run(dir, preview string, shrink int) error {
	tiles, err := loadTileNames(filepath.Join(dir, "tiles", "tileset.tsx"))
	if err != nil {
		return err
	}
	for _, gen := range []func(tileset) (*tmap, error){overworld, dungeonEntrance, dungeon} {
		m, err := gen(tiles)
		if err != nil {
			return err
		}
		if err := m.check(); err != nil {
			return err
		}
		path := filepath.Join(dir, "maps", m.name+".tmx")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("mapgen: %w", err)
		}
		if err := os.WriteFile(path, m.tmx(), 0o644); err != nil {
			return fmt.Errorf("mapgen: %w", err)
		}
		if preview != "" {
			if err := writePreview(m, filepath.Join(dir, "tiles", "tileset.png"), preview, shrink); err != nil {
				return err
			}
		}
	}
	return nil
}

// tileset maps tile names to global tile ids (the tileset's firstgid is 1).
type tileset map[string]uint32

// gid returns the global id of the named tile; an unknown name is a bug in
// mapgen (or a tileset that lost a tile), so it panics with the name.
func (t tileset) gid(name string) uint32 {
	g, ok := t[name]
	if !ok {
		panic(fmt.Sprintf("mapgen: tileset has no tile named %q", name))
	}
	return g
}

func loadTileNames(path string) (tileset, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mapgen: %w (run go run ./tools/artgen first)", err)
	}
	var ts struct {
		Tiles []struct {
			ID         uint32 `xml:"id,attr"`
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"tile"`
	}
	if err := xml.Unmarshal(data, &ts); err != nil {
		return nil, fmt.Errorf("mapgen: %s: %w", path, err)
	}
	names := tileset{}
	for _, t := range ts.Tiles {
		for _, p := range t.Properties {
			if p.Name == "name" {
				names[p.Value] = t.ID + 1
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("mapgen: %s: no named tiles", path)
	}
	return names, nil
}
