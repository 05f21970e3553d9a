package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedMapsAreUpToDate regenerates the maps into a temporary
// directory and compares them byte for byte with assets/maps, so a change
// to the generator cannot land without its output (run go run
// ./tools/mapgen from the repository root to refresh them). internal/maps
// tests what the maps contain.
func TestCommittedMapsAreUpToDate(t *testing.T) {
	dir := t.TempDir()
	tsx, err := os.ReadFile(filepath.Join("..", "..", "assets", "tiles", "tileset.tsx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tiles", "tileset.tsx"), tsx, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(dir, "", 0); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"overworld", "dungeon_entrance", "dungeon"} {
		got, err := os.ReadFile(filepath.Join(dir, "maps", name+".tmx"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "assets", "maps", name+".tmx"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("assets/maps/%s.tmx is out of date (run go run ./tools/mapgen)", name)
		}
	}
}

func TestUnknownTileNamePanicsWithTheName(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !bytes.Contains([]byte(r.(string)), []byte(`"no_such_tile"`)) {
			t.Errorf("recover() = %v, want a panic naming the tile", r)
		}
	}()
	tileset{"grass": 1}.gid("no_such_tile")
}
