package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tinymmo/tinymmo/internal/api"
	"github.com/tinymmo/tinymmo/internal/moderation"
	"github.com/tinymmo/tinymmo/internal/password"
	"github.com/tinymmo/tinymmo/internal/store"
)

const adminUsage = `usage: tinymmo admin <command> [flags]

commands (on the master's database: DATA/master.db, or its PostgreSQL database):
  create-user NAME [--role ROLE] [--password-file FILE]
              create an account; the password is read from FILE, or from
              standard input (its first line), never from a flag
  set-role NAME ROLE
              make an account a player, moderator or admin
  ban NAME --for DURATION|perm --reason TEXT
              ban an account (30s, 10m, 2h, 1d, up to 365d, or perm)
  unban NAME  lift an account's bans

Every command takes --data DIR (default data, or $TINYMMO_DATA), the
master's data directory, or --db URL (or $TINYMMO_DB), the master's
PostgreSQL database, and is written to the audit log as "console".
A ban or role change reaches a player who is online at their next login;
moderators act on players online with /ban, /mute and /kick.
`

// consoleActor is the actor the audit log names for the command line.
const consoleActor = "console"

// runAdmin runs "tinymmo admin": account administration on the master's
// database. stdin gives create-user its password when no file is named.
func runAdmin(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, adminUsage)
		return errors.New("admin: name a command")
	}
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	dataDir := os.Getenv(envPrefix + "DATA")
	if dataDir == "" {
		dataDir = "data"
	}
	fs.StringVar(&dataDir, "data", dataDir, "the master's data directory")
	dbURL := fs.String("db", os.Getenv(envPrefix+"DB"), "the master's PostgreSQL database, if it has one (postgres://…)")
	var run func(ctx context.Context, db *store.MasterDB, names []string) (string, error)
	switch args[0] {
	case "create-user":
		role := fs.String("role", "player", "the account's role: player, moderator or admin")
		file := fs.String("password-file", "", "file whose first line is the password (default: standard input)")
		run = func(ctx context.Context, db *store.MasterDB, names []string) (string, error) {
			return createUser(ctx, db, names, *role, *file, stdin)
		}
	case "set-role":
		run = setRole
	case "ban":
		length := fs.String("for", "", "how long: 30s, 10m, 2h, 1d (up to 365d), or perm")
		reason := fs.String("reason", "", "why, for the player and the audit log")
		run = func(ctx context.Context, db *store.MasterDB, names []string) (string, error) {
			return ban(ctx, db, names, *length, *reason)
		}
	case "unban":
		run = unban
	case "help", "-h", "--help":
		fmt.Fprint(stdout, adminUsage)
		return nil
	default:
		fmt.Fprint(stdout, adminUsage)
		return fmt.Errorf("admin: unknown command %q", args[0])
	}
	names, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	where, err := store.MasterDatabase(dataDir, *dbURL)
	if err != nil {
		return err
	}
	db, err := store.OpenMaster(ctx, where)
	if err != nil {
		return err
	}
	defer db.Close()
	out, err := run(ctx, db, names)
	if err != nil {
		return fmt.Errorf("admin %s: %w", args[0], err)
	}
	_, err = fmt.Fprintln(stdout, out)
	return err
}

// parseInterspersed parses args with fs, allowing flags after the
// positional arguments ("ban NAME --for 1d"), and returns the positional
// ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// account returns the account the positional arguments name: exactly one
// (plus want more), or an error saying what was expected.
func account(ctx context.Context, db *store.MasterDB, names []string, want int, usage string) (store.Account, error) {
	if len(names) != 1+want {
		return store.Account{}, fmt.Errorf("usage: tinymmo admin %s", usage)
	}
	a, err := db.AccountByUsername(ctx, names[0])
	if errors.Is(err, store.ErrNotFound) {
		return store.Account{}, fmt.Errorf("no account is named %q", names[0])
	}
	return a, err
}

func createUser(ctx context.Context, db *store.MasterDB, names []string, roleName, file string, stdin io.Reader) (string, error) {
	if len(names) != 1 {
		return "", errors.New("usage: tinymmo admin create-user NAME [--role ROLE] [--password-file FILE]")
	}
	username, err := api.NormalizeUsername(names[0])
	if err != nil {
		return "", err
	}
	role, err := store.ParseRole(roleName)
	if err != nil {
		return "", err
	}
	pw, err := readPassword(file, stdin)
	if err != nil {
		return "", err
	}
	if err := api.CheckPassword(pw); err != nil {
		return "", err
	}
	hasher, err := password.NewHasher(password.Params{}, 1)
	if err != nil {
		return "", err
	}
	hash, err := hasher.Hash(ctx, pw)
	if err != nil {
		return "", err
	}
	a, err := db.CreateAccount(ctx, username, hash, false)
	if err != nil {
		return "", err
	}
	if _, err := db.Moderate(ctx, store.AuditEntry{ActorName: consoleActor, Action: store.ActionCreateUser,
		TargetID: a.ID, TargetName: a.Username, Detail: string(role)}, time.Time{}); err != nil {
		return "", err
	}
	if role != store.RolePlayer {
		if _, err := db.Moderate(ctx, store.AuditEntry{ActorName: consoleActor, Action: store.ActionSetRole,
			TargetID: a.ID, TargetName: a.Username, Detail: string(role)}, time.Time{}); err != nil {
			return "", fmt.Errorf("account %q created as a player, but: %w", a.Username, err)
		}
	}
	return fmt.Sprintf("created %s (account %d) with role %s", a.Username, a.ID, role), nil
}

// readPassword returns the first line of file, or of stdin when file is
// empty, without its line ending.
func readPassword(file string, stdin io.Reader) (string, error) {
	r := stdin
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password: give it in --password-file or on standard input")
	}
	return line, nil
}

func setRole(ctx context.Context, db *store.MasterDB, names []string) (string, error) {
	a, err := account(ctx, db, names, 1, "set-role NAME ROLE")
	if err != nil {
		return "", err
	}
	role, err := store.ParseRole(names[1])
	if err != nil {
		return "", err
	}
	if _, err := db.Moderate(ctx, store.AuditEntry{ActorName: consoleActor, Action: store.ActionSetRole,
		TargetID: a.ID, TargetName: a.Username, Detail: string(role)}, time.Time{}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is now a %s (was a %s)", a.Username, role, a.Role), nil
}

func ban(ctx context.Context, db *store.MasterDB, names []string, length, reason string) (string, error) {
	a, err := account(ctx, db, names, 0, "ban NAME --for DURATION|perm --reason TEXT")
	if err != nil {
		return "", err
	}
	d, err := moderation.ParseBan(length)
	if err != nil {
		return "", fmt.Errorf("--for: %w", err)
	}
	if reason, err = moderation.CheckReason(reason); err != nil {
		return "", fmt.Errorf("--reason: %w", err)
	}
	now := time.Now()
	var until time.Time
	detail := moderation.Permanent
	if d > 0 {
		until, detail = now.Add(d), d.String()
	}
	if _, err := db.Moderate(ctx, store.AuditEntry{At: now, ActorName: consoleActor, Action: store.ActionBan,
		TargetID: a.ID, TargetName: a.Username, Reason: reason, Detail: detail}, until); err != nil {
		return "", err
	}
	if d == 0 {
		return fmt.Sprintf("%s is banned for good: %s", a.Username, reason), nil
	}
	return fmt.Sprintf("%s is banned until %s: %s", a.Username, until.UTC().Format(time.RFC3339), reason), nil
}

func unban(ctx context.Context, db *store.MasterDB, names []string) (string, error) {
	a, err := account(ctx, db, names, 0, "unban NAME")
	if err != nil {
		return "", err
	}
	if _, err := db.Moderate(ctx, store.AuditEntry{ActorName: consoleActor, Action: store.ActionUnban,
		TargetID: a.ID, TargetName: a.Username}, time.Time{}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s is no longer banned", a.Username), nil
}
