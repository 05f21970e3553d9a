package loadbench

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// supported says whether Run works on this system.
const supported = true

// readCPU returns process pid's CPU time so far.
func readCPU(pid int) (cpuTimes, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return cpuTimes{}, fmt.Errorf("loadbench: %w", err)
	}
	return parseStat(b)
}

// readRSS returns process pid's resident set size in KiB.
func readRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("loadbench: %w", err)
	}
	return parseRSS(b)
}

// readIO returns process pid's read and write system calls so far.
func readIO(pid int) (ioCalls, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return ioCalls{}, fmt.Errorf("loadbench: %w", err)
	}
	return parseIO(b)
}

// allowedCPUs returns the CPUs this process may run on, ascending.
func allowedCPUs() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("loadbench: sched_getaffinity: %w", err)
	}
	var cpus []int
	for i := range len(set) * 64 {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}

// sysProcAttr puts a child in its own process group, so a Ctrl-C at the
// terminal reaches only us and we stop the children in order, and has the
// kernel kill it if we die without stopping it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// startOn starts cmd confined to cpus (all of them when cpus is empty).
//
// A child inherits the CPU affinity of the thread that forks it, so we
// set it on a locked thread just around the fork. Setting it on the child
// afterwards would miss the threads its runtime had already started: the
// affinity of a Linux thread is its own. The Go runtime in the child then
// sizes GOMAXPROCS to those CPUs.
//
// The thread is restored and unlocked afterwards, and lives on: it must,
// because Pdeathsig fires when the thread that forked the child exits.
func startOn(cmd *exec.Cmd, cpus []int) error {
	if len(cpus) == 0 {
		return cmd.Start()
	}
	runtime.LockOSThread()
	var old, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("loadbench: sched_getaffinity: %w", err)
	}
	for _, c := range cpus {
		set.Set(c)
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("loadbench: pin to cpus %s: %w", cpuList(cpus), err)
	}
	startErr := cmd.Start()
	if err := unix.SchedSetaffinity(0, &old); err != nil {
		// Keep the thread locked rather than let other goroutines run
		// pinned: the runtime ends it when this goroutine exits. That
		// would fire the child's Pdeathsig, so stop the child now.
		if startErr == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		return fmt.Errorf("loadbench: restore the cpu affinity: %w", err)
	}
	runtime.UnlockOSThread()
	return startErr
}
