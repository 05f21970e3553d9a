// Package devcluster runs a whole TinyMMO cluster in one process: a master
// with its embedded NATS server, one world and one gateway, each over its
// real network path on loopback. It is what "tinymmo dev" runs, and what
// end-to-end tests start.
package devcluster

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"time"

	"github.com/tinymmo/tinymmo/internal/gateway"
	"github.com/tinymmo/tinymmo/internal/master"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/rules"
	"github.com/tinymmo/tinymmo/internal/store"
	"github.com/tinymmo/tinymmo/internal/version"
	"github.com/tinymmo/tinymmo/internal/world"
)

// Config configures a Cluster. DataDir is required.
type Config struct {
	// DataDir holds the databases and the cluster secret.
	DataDir string
	// DB, a postgres:// URL, keeps the master's and the world's tables in
	// that PostgreSQL database instead of SQLite files in DataDir (see
	// store.MasterDatabase).
	DB string
	// Listen is the gateway's address. Default "127.0.0.1:0".
	Listen string
	// Web is the web client the gateway serves; nil serves a page that says
	// how to build it.
	Web fs.FS
	// Master configures the master's limits and, with NATSURL set, an
	// external control plane; its data directory, addresses and hash
	// parameters are set here.
	Master master.Config
	// World configures the world; its DataDir, NATS and secret are set
	// here, and its Listen and MetricsListen default to "127.0.0.1:0".
	World world.Config
	// Gateway configures the gateway's rate limits and its MetricsListen
	// (default "127.0.0.1:0"); its other addresses, secret and version are
	// set here.
	Gateway gateway.Config
	// HashParams are the argon2id parameters; zero means OWASP's. Tests
	// lower them.
	HashParams password.Params
}

// Cluster is a running cluster. Its roles are exported for tests that need
// to reach one directly.
type Cluster struct {
	Master  *master.Master
	World   *world.Server
	Gateway *gateway.Gateway

	dataDir, db string
}

// Start starts the master, then the world, then the gateway.
func Start(ctx context.Context, cfg Config, log *slog.Logger) (*Cluster, error) {
	c := &Cluster{dataDir: cfg.DataDir, db: cfg.DB}
	var err error
	mc := cfg.Master
	mc.DataDir, mc.DB, mc.NATSListen, mc.HTTPListen, mc.HashParams = cfg.DataDir, cfg.DB, "127.0.0.1:0", "127.0.0.1:0", cfg.HashParams
	if c.Master, err = master.Start(ctx, mc, log.With("role", "master")); err != nil {
		return nil, err
	}
	wc := cfg.World
	wc.DataDir, wc.DB, wc.NATSURL, wc.Secret = cfg.DataDir, cfg.DB, c.Master.NATSURL(), c.Master.Secret()
	if wc.Listen == "" {
		wc.Listen = "127.0.0.1:0"
	}
	if wc.MetricsListen == "" {
		wc.MetricsListen = "127.0.0.1:0"
	}
	if c.World, err = world.Start(ctx, wc, log.With("role", "world")); err != nil {
		c.Shutdown(context.Background())
		return nil, err
	}
	gc := cfg.Gateway
	gc.Listen, gc.NATSURL, gc.Secret, gc.Version, gc.Web = cfg.Listen, c.Master.NATSURL(), c.Master.Secret(), version.Version, cfg.Web
	if gc.Listen == "" {
		gc.Listen = "127.0.0.1:0"
	}
	if gc.MetricsListen == "" {
		gc.MetricsListen = "127.0.0.1:0"
	}
	if c.Gateway, err = gateway.Start(ctx, gc, log.With("role", "gateway")); err != nil {
		c.Shutdown(context.Background())
		return nil, err
	}
	return c, nil
}

// URL returns the gateway's base URL: the page to open.
func (c *Cluster) URL() string { return c.Gateway.URL() }

// WaitReady waits until the master lists the world, so players can enter.
func (c *Cluster) WaitReady(ctx context.Context) error {
	for !c.Master.WorldOnline(c.World.ID()) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// PlaceCharacter puts a character who is not in the world at pos on the
// named map, as if it had logged out there: for tests that need a player
// somewhere particular, such as in a portal. The world reads the position
// when the character next enters.
func (c *Cluster) PlaceCharacter(ctx context.Context, id int64, mapName string, pos rules.Vec) error {
	return c.EditCharacter(ctx, id, func(ch *store.Character) { ch.Map, ch.X, ch.Y = mapName, pos.X, pos.Y })
}

// EditCharacter changes a character who is not in the world as edit says,
// as if it had logged out so: for tests that need a player in a particular
// state. The world reads it when the character next enters.
func (c *Cluster) EditCharacter(ctx context.Context, id int64, edit func(*store.Character)) error {
	where, err := store.WorldDatabase(c.dataDir, c.db, c.World.ID())
	if err != nil {
		return err
	}
	db, err := store.OpenWorld(ctx, where)
	if err != nil {
		return err
	}
	defer db.Close()
	ch, err := db.Character(ctx, id)
	if err != nil {
		return err
	}
	edit(&ch)
	ch.Version++ // newer than the stored save, or the store refuses it
	_, err = db.SaveCharacters(ctx, ch)
	return err
}

// OpenMasterDB opens a second handle on the master's database, for tests
// that set accounts up (a role) or check what was stored (bans, the audit
// log). The caller closes it.
func (c *Cluster) OpenMasterDB(ctx context.Context) (*store.MasterDB, error) {
	where, err := store.MasterDatabase(c.dataDir, c.db)
	if err != nil {
		return nil, err
	}
	return store.OpenMaster(ctx, where)
}

// Shutdown stops the gateway, then the world (saving every character), then
// the master. Roles that never started are skipped.
func (c *Cluster) Shutdown(ctx context.Context) error {
	var errs []error
	if c.Gateway != nil {
		errs = append(errs, c.Gateway.Shutdown(ctx))
	}
	if c.World != nil {
		errs = append(errs, c.World.Shutdown(ctx))
	}
	if c.Master != nil {
		errs = append(errs, c.Master.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
