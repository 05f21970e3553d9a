package main

import (
	"context"
	"flag"
	"log/slog"
	"strings"

	"github.com/tinymmo/tinymmo/internal/cluster"
)

// runNATS runs one node of a NATS cluster for the control plane, for a
// deployment that does not want the master's embedded server (a master
// restart then leaves the control plane up). Point the master at it with
// --nats; every node and role shares the cluster secret.
func runNATS(ctx context.Context, args []string, log *slog.Logger) error {
	var opts struct {
		Listen        string `toml:"listen"`
		ClusterListen string `toml:"cluster_listen"`
		Routes        string `toml:"routes"`
		Name          string `toml:"name"`
		Secret        string `toml:"secret"`
		Data          string `toml:"data"`
	}
	fs := flag.NewFlagSet("nats", flag.ContinueOnError)
	fs.StringVar(&opts.Listen, "listen", "127.0.0.1:4222", "address clients (master, gateways, worlds) connect to")
	fs.StringVar(&opts.ClusterListen, "cluster-listen", "", "address other nodes' routes connect to (empty: no cluster)")
	fs.StringVar(&opts.Routes, "routes", "", "comma-separated cluster addresses (host:port) of the other nodes")
	fs.StringVar(&opts.Name, "name", "", "node name in NATS's messages (default: generated)")
	fs.StringVar(&opts.Secret, "secret", "", "cluster secret; empty reads DATA/cluster.secret")
	fs.StringVar(&opts.Data, "data", "data", "directory holding the cluster secret")
	if err := parseConfig(fs, args, &opts); err != nil {
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
