package gateway

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/client"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/cluster/clustertest"
)

// TestFailedLoginsSlowTheUsernameDown runs a gateway in front of a stand-in
// master that refuses every password, and checks that a username's failures
// make its later logins wait before they are tried.
func TestFailedLoginsSlowTheUsernameDown(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	master := clustertest.Start(t, "master")
	var tried atomic.Int64
	err := cluster.Handle(master.Service, cluster.SubjectLogin, func(context.Context, cluster.LoginRequest) (api.Session, error) {
		tried.Add(1)
		return api.Session{}, api.Errorf(api.CodeBadCredentials, "wrong username or password")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := master.Conn.Flush(); err != nil {
		t.Fatal(err)
	}

	g, err := Start(t.Context(), Config{
		Listen: "127.0.0.1:0", MetricsListen: "127.0.0.1:0", NATSURL: master.URL, Secret: master.Secret, Version: "test",
		FailureBurst: 2, FailureEvery: time.Hour,
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Shutdown(context.Background())
	if err := cluster.WaitConnected(t.Context(), g.nc); err != nil {
		t.Fatal(err)
	}
	login := func(ctx context.Context, username string) error {
		_, err := client.NewGateway(g.URL(), nil).WithVersion("test").Login(ctx, username, "a wrong password")
		return err
	}
	for i := range 2 {
		if err := login(t.Context(), "Victim"); api.CodeOf(err) != api.CodeBadCredentials {
			t.Fatalf("login %d: %v, want %s", i+1, err, api.CodeBadCredentials)
		}
	}
	now := time.Now()
	if d := g.failuresByName.Delay("victim", now); d < 50*time.Minute {
		t.Fatalf("after 2 failures with a burst of 2: logins of victim wait %v, want nearly an hour", d)
	}
	if d := g.failuresByName.Delay("bystander", now); d != 0 {
		t.Fatalf("logins of another username wait %v, want 0", d)
	}
	// A third login waits rather than being refused or tried; when its
	// client gives up, it is never tried.
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if err := login(ctx, "victim"); api.CodeOf(err) == api.CodeRateLimited || err == nil {
		t.Fatalf("third login: %v, want it to wait until the client gives up", err)
	}
	if n := tried.Load(); n != 2 {
		t.Fatalf("the master tried %d passwords, want 2", n)
	}
}
