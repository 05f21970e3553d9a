// Package savertest provides what tests of saving need: a store whose writes
// fail, as on a full disk, until the test frees it. It wraps the store at the
// boundary a saver.Saver writes through, so everything above it, the saver
// and the world, runs as in production.
//
// Only tests import this package.
package savertest

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/tinymmo/tinymmo/internal/saver"
	"github.com/tinymmo/tinymmo/internal/store"
)

// ErrDiskFull is the error a full DiskFull returns, worded like SQLite's
// SQLITE_FULL.
var ErrDiskFull = errors.New("savertest: database or disk is full")

// DiskFull is a saver.Store that writes to Store while it has room, and
// refuses every write with ErrDiskFull between Fill and Free. The zero value
// with Store set has room. Safe for concurrent use.
type DiskFull struct {
	Store saver.Store

	full    atomic.Bool
	refused atomic.Int64
}

// Fill makes every later write fail until Free.
func (d *DiskFull) Fill() { d.full.Store(true) }

// Free lets writes through again.
func (d *DiskFull) Free() { d.full.Store(false) }

// Refused returns how many writes failed so far.
func (d *DiskFull) Refused() int64 { return d.refused.Load() }

// SaveCharacters implements saver.Store.
func (d *DiskFull) SaveCharacters(ctx context.Context, cs ...store.Character) (store.SaveResult, error) {
	if d.full.Load() {
		d.refused.Add(1)
		return store.SaveResult{}, ErrDiskFull
	}
	return d.Store.SaveCharacters(ctx, cs...)
}
