package saver_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tinymmo/tinymmo/internal/saver"
	"github.com/tinymmo/tinymmo/internal/store"
)

// A world saves through one Saver: the tick queues snapshots with Save, a
// save that must be in the database before going on waits with SaveNow, and
// shutdown writes what is left. Each snapshot carries a version greater than
// the last.
func Example() {
	dir, err := os.MkdirTemp("", "saver-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := store.OpenWorld(ctx, filepath.Join(dir, "world.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	c, err := db.CreateCharacter(ctx, store.Character{
		AccountID: 1, Name: "Ada", Class: store.ClassKnight, Level: 1, Map: "overworld", HP: 100, MaxHP: 100,
	}, 3)
	if err != nil {
		log.Fatal(err)
	}

	s := saver.New(db, slog.Default(), saver.Options{})
	c.Version, c.X = c.Version+1, 160 // an autosave from the tick: never blocks
	s.Save(c)
	c.Version, c.X = c.Version+1, 320 // waits for the write
	if err := s.SaveNow(ctx, c); err != nil {
		log.Fatal(err)
	}
	if err := s.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}

	stored, err := db.Character(ctx, c.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("version", stored.Version, "x", stored.X)
	// Output: version 2 x 320
}
