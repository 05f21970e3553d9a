//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/bots"
	"github.com/tinymmo/tinymmo/internal/protocol"
)

// tmpfsEnv, set to "SIZE:DIR" in this test binary's environment, makes it
// mount a tmpfs of SIZE on DIR and become the program its arguments name,
// instead of running tests; see onTmpfs.
const tmpfsEnv = "TINYMMO_TEST_TMPFS"

func init() {
	if spec, ok := os.LookupEnv(tmpfsEnv); ok {
		err := execOnTmpfs(spec)
		fmt.Fprintln(os.Stderr, "tmpfs helper:", err)
		os.Exit(3)
	}
}

// execOnTmpfs mounts the tmpfs that spec describes and executes os.Args[1:]
// with it. It returns only on failure.
func execOnTmpfs(spec string) error {
	size, dir, _ := strings.Cut(spec, ":")
	// Mounts made here stay in this mount namespace.
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		return fmt.Errorf("mount a tmpfs on %s: %w", dir, err)
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, tmpfsEnv+"=") })
	return syscall.Exec(os.Args[1], os.Args[1:], env)
}

// onTmpfs returns a command that runs name with args in a mount namespace
// of its own, in which dir is a tmpfs of size (as mount's size=): a disk
// that really fills up, without root, since a user namespace makes the
// caller root inside it. Other processes see dir as it was; they reach the
// tmpfs as /proc/PID/root/DIR.
func onTmpfs(dir, size, name string, args ...string) *exec.Cmd {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	cmd := exec.Command(self, append([]string{name}, args...)...)
	cmd.Env = append(os.Environ(), tmpfsEnv+"="+size+":"+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	return cmd
}

// TestFaultDiskFullThenFreed fills the world's disk, a tmpfs of its own,
// while players walk, travel and log out, then frees it. No save is lost:
// a player who logs out during the outage gets its last state at the next
// login, from the world's memory; the world logs the outage once; and
// every pending save is written once space returns.
func TestFaultDiskFullThenFreed(t *testing.T) {
	skipShort(t)
	disk := t.TempDir()
	if out, err := onTmpfs(disk, "1m", bin, "version").CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs in a user namespace here (%v: %s); internal/world's TestLogoutDuringDiskFullKeepsProgress injects the store error instead", err, out)
	}
	const n = 10
	c := startClusterWith(t, func(args []string, secret string) *exec.Cmd {
		cmd := onTmpfs(disk, "16m", bin, args...)
		cmd.Env = append(cmd.Env, "TINYMMO_SECRET="+secret)
		return cmd
	}, "--data", disk, "--autosave", "1s")
	root := fmt.Sprintf("/proc/%d/root%s", c.world.cmd.Process.Pid, disk) // the world's disk, from here
	metrics := c.worldMetrics()

	// The players get their characters while there is room.
	tracked := newPlayer(t, c, "Tracked")
	cfg := bots.Config{Gateway: c.gatewayURL(), Count: n, Duration: 100 * time.Millisecond,
		AccountPrefix: "disk", Password: "disk password", Scenario: bots.ScenarioWalk}
	if sum, err := bots.Run(t.Context(), cfg); err != nil || sum.Entered != n {
		t.Fatalf("bots before the disk fills: %+v, %v", sum, err)
	}

	filled := fill(t, root)
	full := time.Now()
	errs := waitMetric(t, metrics, "tinymmo_world_save_errors_total", anyValue)
	waitMetric(t, metrics, "tinymmo_world_save_errors_total", func(v float64) bool { return v > errs })
	written := waitMetric(t, metrics, "tinymmo_world_saves_written_total", anyValue)

	// Walkers play, travel and log out; one player walks, logs out, comes
	// back where it left, walks again and logs out again.
	cfg.Duration = 3 * time.Second
	walking := startBots(t.Context(), t, cfg)
	left := tracked.walk(t, protocol.DirS, 500*time.Millisecond)
	tracked.leave()
	again := enter(t, tracked.gw, tracked.char)
	if got := again.state().own; got != left {
		t.Errorf("logged in again during the outage at %v, want %v, where it logged out", got, left)
	}
	last := again.walk(t, protocol.DirE, 500*time.Millisecond)
	again.leave()
	if sum := <-walking; sum.Entered != n || sum.Failed != 0 || len(sum.Disconnected) != 0 {
		t.Errorf("walkers during the outage: entered %d, disconnected %v, failed %d (%v); want all %d in and out",
			sum.Entered, sum.Disconnected, sum.Failed, sum.ErrorSamples, n)
	}
	// Every character waits in memory, and nothing reached the disk: the
	// login above got its state from memory.
	waitMetric(t, metrics, "tinymmo_world_saves_retrying", func(v float64) bool { return v == n+1 })
	if now := waitMetric(t, metrics, "tinymmo_world_saves_written_total", anyValue); now != written {
		t.Fatalf("%v saves written while the disk was full, want none", now-written)
	}
	failedWrites := waitMetric(t, metrics, "tinymmo_world_save_errors_total", anyValue) - errs

	if err := os.Remove(filepath.Join(root, "fill")); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	waitMetric(t, metrics, "tinymmo_world_saves_pending", func(v float64) bool { return v == 0 })
	drained := time.Since(freed)
	waitMetric(t, metrics, "tinymmo_world_saves_failed_total", func(v float64) bool { return v == 0 })
	if now := waitMetric(t, metrics, "tinymmo_world_saves_written_total", anyValue); now < written+n+1 {
		t.Errorf("%v saves written once the disk was freed, want at least %d", now-written, n+1)
	}
	// From the database now: nothing is pending any more.
	if got := enter(t, tracked.gw, tracked.char).state().own; got != last {
		t.Errorf("logged in after the outage at %v, want %v, where it logged out", got, last)
	}
	log := c.world.output()
	if failing, recovered := strings.Count(log, "writes failing"), strings.Count(log, "writes succeed again"); failing != 1 || recovered != 1 {
		t.Errorf("the world logged %d lines about failing writes and %d about recovery, want one of each for the outage:\n%s", failing, recovered, log)
	}
	t.Logf("reliability: disk full (%d KiB filled) for %v under %d walking players: %v writes failed, nothing lost: %d characters waited in memory, logins got their last state, and all were written %v after space returned",
		filled>>10, freed.Sub(full).Round(time.Millisecond), n+1, failedWrites, n+1, drained.Round(time.Millisecond))
}

// fill writes a file into dir until its disk is full, and returns how many
// bytes it wrote.
func fill(t *testing.T, dir string) int64 {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	var total int64
	for {
		n, err := f.Write(buf)
		total += int64(n)
		if errors.Is(err, syscall.ENOSPC) {
			return total
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
