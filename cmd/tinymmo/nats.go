package main

import (
	"context"
	"flag"
	"log/slog"
	"strings"

	"github.com/tinymmo/tinymmo/internal/cluster"
)

// natsOptions are the options of "tinymmo nats".
type natsOptions struct {
	// Listen is the address clients (master, gateways, worlds) connect to.
	Listen string `toml:"listen"`
	// ClusterListen is the address other nodes' routes connect to; empty:
	// no cluster.
	ClusterListen string `toml:"cluster_listen"`
	// Routes are the cluster addresses (host:port) of the other nodes,
	// comma-separated.
	Routes string `toml:"routes"`
	// Name is the node's name in NATS's messages; empty: generated.
	Name string `toml:"name"`
	// Secret is the cluster secret; empty reads DATA/cluster.secret.
	Secret string `toml:"secret"`
	// Data is the directory holding the cluster secret.
	Data string `toml:"data"`
}

// flags returns the flags bound to o's fields.
func (o *natsOptions) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("nats", flag.ContinueOnError)
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:4222", "address clients (master, gateways, worlds) connect to")
	fs.StringVar(&o.ClusterListen, "cluster-listen", "", "address other nodes' routes connect to (empty: no cluster)")
	fs.StringVar(&o.Routes, "routes", "", "comma-separated cluster addresses (host:port) of the other nodes")
	fs.StringVar(&o.Name, "name", "", "node name in NATS's messages (default: generated)")
	fs.StringVar(&o.Secret, "secret", "", "cluster secret; empty reads DATA/cluster.secret")
	fs.StringVar(&o.Data, "data", "data", "directory holding the cluster secret")
	return fs
}

// runNATS runs one node of a NATS cluster for the control plane, for a
// deployment that does not want the master's embedded server (a master
// restart then leaves the control plane up). Point the master at it with
// --nats; every node and role shares the cluster secret.
func runNATS(ctx context.Context, args []string, log *slog.Logger) error {
	var opts natsOptions
	if err := parseConfig(opts.flags(), args, &opts); err != nil {
		return err
	}
	node := cluster.NodeConfig{Listen: opts.Listen, ClusterListen: opts.ClusterListen, Name: opts.Name}
	if opts.Routes != "" {
		node.Routes = strings.Split(opts.Routes, ",")
	}
	secret := opts.Secret
	if secret == "" {
		var err error
		if secret, err = cluster.ReadSecret(opts.Data); err != nil {
			return err
		}
	}
	srv, err := cluster.StartNode(node, secret)
	if err != nil {
		return err
	}
	log.Info("NATS node ready", "url", srv.URL(), "cluster", node.ClusterListen, "routes", node.Routes)
	<-ctx.Done()
	log.Info("shutting down")
	srv.Shutdown()
	return nil
}
