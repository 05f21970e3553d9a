//go:build !linux

package loadbench

import (
	"os/exec"
	"syscall"
)

// supported says whether Run works on this system: it reads /proc and
// pins processes with sched_setaffinity, which only Linux has.
const supported = false

func readCPU(int) (cpuTimes, error)           { return cpuTimes{}, errUnsupported }
func readRSS(int) (int64, error)              { return 0, errUnsupported }
func readIO(int) (ioCalls, error)             { return ioCalls{}, errUnsupported }
func allowedCPUs() ([]int, error)             { return nil, errUnsupported }
func sysProcAttr() *syscall.SysProcAttr       { return nil }
func startOn(cmd *exec.Cmd, cpus []int) error { return errUnsupported }
