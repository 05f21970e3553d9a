package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// idleEnv, set in this test binary's environment, makes it lower itself to
// idle priority, start threads, report their scheduling classes and exit,
// instead of running tests: the change cannot be undone in the test process.
const idleEnv = "TINYMMO_TEST_IDLE_PRIORITY"

func init() {
	if _, ok := os.LookupEnv(idleEnv); ok {
		fmt.Println(reportIdlePriority())
		os.Exit(0)
	}
}

// reportIdlePriority lowers the process to idle priority, starts threads
// of its own, and says how many of all its threads are in SCHED_IDLE.
func reportIdlePriority() string {
	if err := lowerToIdlePriority(); err != nil {
		return err.Error()
	}
	// Goroutines locked to their threads while they wait force new
	// threads, started after the lowering.
	var started, release sync.WaitGroup
	release.Add(1)
	for range 4 {
		started.Add(1)
		go func() {
			runtime.LockOSThread()
			started.Done()
			release.Wait()
		}()
	}
	started.Wait()
	defer release.Done()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err.Error()
	}
	idle := 0
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		attr, err := unix.SchedGetAttr(tid, 0)
		if err == nil && attr.Policy == unix.SCHED_IDLE {
			idle++
		}
	}
	return fmt.Sprintf("%d of %d threads idle", idle, len(tasks))
}

func TestLowerToIdlePriorityReachesEveryThread(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), idleEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v: %s", err, out)
	}
	var idle, total int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%d of %d threads idle", &idle, &total); err != nil {
		t.Fatalf("helper said %q", out)
	}
	if total < 5 || idle != total {
		t.Errorf("%d of %d threads at idle priority, want all, and at least the 4 started after lowering", idle, total)
	}
}
