package master_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/cluster"
	"github.com/tinymmo/tinymmo/internal/master"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/store"
)

func startMaster(t *testing.T) (*master.Master, string) {
	t.Helper()
	dir := t.TempDir()
	m, err := master.Start(t.Context(), master.Config{
		DataDir: dir, NATSListen: "127.0.0.1:0", HTTPListen: "127.0.0.1:0",
		HashParams: password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown(t.Context()) })
	return m, dir
}

func TestBannedAccountsCannotLogInOrUseSessions(t *testing.T) {
	m, dir := startMaster(t)
	ctx := t.Context()
	nc, err := cluster.Connect(m.NATSURL(), m.Secret(), "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	creds := cluster.LoginRequest{Username: "mallory", Password: "mallory password"}
	s, err := cluster.Request[api.Session](ctx, nc, cluster.SubjectCreateAccount, creds)
	if err != nil {
		t.Fatal(err)
	}

	db, err := store.OpenMaster(ctx, store.MasterFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.BanAccount(ctx, s.Account.ID, "botting", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	_, err = cluster.Request[api.Session](ctx, nc, cluster.SubjectLogin, creds)
	if api.CodeOf(err) != api.CodeBanned {
		t.Fatalf("login of a banned account: %v, want code %s", err, api.CodeBanned)
	}
	_, err = cluster.Request[api.WorldsResponse](ctx, nc, cluster.SubjectWorlds, cluster.SessionRequest{Session: s.Token})
	if api.CodeOf(err) != api.CodeBanned {
		t.Fatalf("session of a banned account: %v, want code %s", err, api.CodeBanned)
	}

	if err := db.LiftBans(ctx, s.Account.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.Request[api.Session](ctx, nc, cluster.SubjectLogin, creds); err != nil {
		t.Fatalf("login after the ban was lifted: %v", err)
	}
}

func TestControlPlaneRefusesStrangers(t *testing.T) {
	m, _ := startMaster(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		secret string
		admit  bool
	}{{m.Secret(), true}, {"not the secret", false}, {"", false}} {
		nc, err := cluster.Connect(m.NATSURL(), tc.secret, "test", log)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		err = cluster.WaitConnected(ctx, nc)
		cancel()
		if admitted := err == nil; admitted != tc.admit {
			t.Errorf("secret %q: admitted = %v, want %v", tc.secret, admitted, tc.admit)
		}
		_, err = cluster.Request[api.Session](t.Context(), nc, cluster.SubjectGuestLogin, cluster.Empty{})
		if (err == nil) != tc.admit {
			t.Errorf("secret %q: guest login error %v, want success %v", tc.secret, err, tc.admit)
		}
		nc.Close()
	}
}
