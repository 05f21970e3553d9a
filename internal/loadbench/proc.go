package loadbench

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// clockTicksPerSecond converts the utime and stime of /proc/PID/stat,
// which count clock ticks, to seconds. It is sysconf(_SC_CLK_TCK), which
// Go cannot call without cgo; Linux reports these times in USER_HZ, which
// its ABI fixes at 100 on every architecture, whatever the kernel's HZ.
const clockTicksPerSecond = 100

// cpuTimes is a process's CPU time so far, all its threads together.
type cpuTimes struct {
	User, Sys float64 // seconds
}

// parseStat reads utime and stime, fields 14 and 15, from the contents of
// /proc/PID/stat. Field 2, the command name in parentheses, may hold spaces
// and parentheses itself, so fields are counted from the last ')'.
func parseStat(b []byte) (cpuTimes, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return cpuTimes{}, fmt.Errorf("loadbench: /proc stat without a command name: %q", b)
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3, the state
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return cpuTimes{}, fmt.Errorf("loadbench: /proc stat with %d fields, want at least %d", len(f)+2, stime+3)
	}
	u, err := strconv.ParseUint(f[utime], 10, 64)
	if err != nil {
		return cpuTimes{}, fmt.Errorf("loadbench: utime %q: %w", f[utime], err)
	}
	s, err := strconv.ParseUint(f[stime], 10, 64)
	if err != nil {
		return cpuTimes{}, fmt.Errorf("loadbench: stime %q: %w", f[stime], err)
	}
	return cpuTimes{User: float64(u) / clockTicksPerSecond, Sys: float64(s) / clockTicksPerSecond}, nil
}

// parseRSS reads VmRSS, the resident set size in KiB, from the contents of
// /proc/PID/status.
func parseRSS(b []byte) (kib int64, err error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("loadbench: VmRSS line %q, want a number of kB", sc.Text())
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, fmt.Errorf("loadbench: no VmRSS in /proc status")
}

// ioCalls is a process's read and write system calls so far: syscr and
// syscw of /proc/PID/io (read, readv, write, writev and their kin).
type ioCalls struct {
	Reads, Writes uint64
}

// parseIO reads syscr and syscw from the contents of /proc/PID/io.
func parseIO(b []byte) (ioCalls, error) {
	var c ioCalls
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		var to *uint64
		switch name {
		case "syscr":
			to = &c.Reads
		case "syscw":
			to = &c.Writes
		}
		if !ok || to == nil {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(value), 10, 64)
		if err != nil {
			return ioCalls{}, fmt.Errorf("loadbench: /proc io %s: %w", name, err)
		}
		*to = n
		found++
	}
	if found != 2 {
		return ioCalls{}, fmt.Errorf("loadbench: /proc io without syscr and syscw")
	}
	return c, nil
}

// cpuList writes CPU numbers as the kernel does: "0", "1-3", "0,2,4-5".
func cpuList(cpus []int) string {
	var b strings.Builder
	for i := 0; i < len(cpus); {
		j := i
		for j+1 < len(cpus) && cpus[j+1] == cpus[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", cpus[i], cpus[j])
		} else {
			fmt.Fprintf(&b, "%d", cpus[i])
		}
		i = j + 1
	}
	return b.String()
}
