package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tinymmo/tinymmo/internal/store"
)

// runMigrateDB runs "tinymmo migrate-db --from sqlite:DIR --to URL": it
// copies the master's database and every world's found in DIR
// (master.db, world-ID.db) into the PostgreSQL database URL, in the
// schemas the roles use with --db URL (master, world_ID). Each database is
// copied in one transaction into an empty schema, and its row counts are
// checked. Stop the roles first: a role that writes meanwhile would write
// after the copy.
func runMigrateDB(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate-db", flag.ContinueOnError)
	fs.SetOutput(stdout)
	from := fs.String("from", "", "the deployment to copy: sqlite:DIR, its data directory")
	to := fs.String("to", "", "the PostgreSQL database to copy it into: postgres://USER:PASSWORD@HOST/NAME")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, ok := strings.CutPrefix(*from, "sqlite:")
	if !ok || dir == "" || fs.NArg() > 0 {
		return errors.New("migrate-db: usage: tinymmo migrate-db --from sqlite:DIR --to postgres://USER:PASSWORD@HOST/NAME")
	}
	if !store.IsPostgres(*to) {
		return errors.New("migrate-db: --to must be a postgres:// URL")
	}
	// Opening a missing file would make an empty database.
	if _, err := os.Stat(store.MasterFile(dir)); err != nil {
		return fmt.Errorf("migrate-db: no master database in %s: %w", dir, err)
	}
	worlds, err := filepath.Glob(filepath.Join(dir, "world-*.db"))
	if err != nil {
		return fmt.Errorf("migrate-db: %w", err)
	}
	slices.Sort(worlds)

	copyOne := func(what string, run func() (store.Copied, error)) error {
		copied, err := run()
		if err != nil {
			return fmt.Errorf("migrate-db: %s: %w", what, err)
		}
		var parts []string
		for _, table := range slices.Sorted(maps.Keys(copied)) {
			parts = append(parts, fmt.Sprintf("%d %s", copied[table], table))
		}
		_, err = fmt.Fprintf(stdout, "%s: copied %s\n", what, strings.Join(parts, ", "))
		return err
	}
	master, err := store.MasterDatabase(dir, *to)
	if err != nil {
		return fmt.Errorf("migrate-db: %w", err)
	}
	err = copyOne("master", func() (store.Copied, error) {
		return copyDatabase(ctx, store.MasterFile(dir), master, store.OpenMaster, store.CopyMaster)
	})
	if err != nil {
		return err
	}
	for _, file := range worlds {
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "world-"), ".db")
		world, err := store.WorldDatabase(dir, *to, id)
		if err != nil {
			return fmt.Errorf("migrate-db: world %s: %w", id, err)
		}
		err = copyOne("world "+id, func() (store.Copied, error) {
			return copyDatabase(ctx, file, world, store.OpenWorld, store.CopyWorld)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// copyDatabase opens the databases from and to with open and copies one
// into the other with copyAll.
func copyDatabase[DB interface{ Close() error }](ctx context.Context, from, to string,
	open func(context.Context, string) (DB, error), copyAll func(context.Context, DB, DB) (store.Copied, error)) (store.Copied, error) {
	src, err := open(ctx, from)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	dst, err := open(ctx, to)
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	return copyAll(ctx, src, dst)
}
