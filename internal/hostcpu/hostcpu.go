// Package hostcpu reads the machine's CPU time, all CPUs together, from
// /proc/stat, to tell how much of it the host of a virtual machine took
// back: the steal time.
//
// On a virtual machine the host may leave a virtual CPU waiting while it
// runs something else. A program cannot see it happen, but its wall-clock
// durations grow: a world tick that is descheduled for one host time slice
// (4 ms on many hosts) takes 4 ms longer. The load tools report the steal
// next to tick percentiles so that a reader can tell the server's slowness
// from the host's.
package hostcpu

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Times is the machine's CPU time so far, in clock ticks (USER_HZ), summed
// over its CPUs: Steal is the time the host took, and Total every state's
// time together (steal included, the guest time that user already
// counts excluded).
type Times struct {
	Steal, Total uint64
}

// StealPercent is the share of the CPU time between a and a later b that
// the host took, in percent: 0 when no time passed.
func StealPercent(a, b Times) float64 {
	if b.Total <= a.Total || b.Steal < a.Steal {
		return 0
	}
	return 100 * float64(b.Steal-a.Steal) / float64(b.Total-a.Total)
}

// Parse reads the "cpu" line, the sum over all CPUs, from the contents of
// /proc/stat. Its fields are user, nice, system, idle, iowait, irq,
// softirq, steal, guest and guest_nice; kernels older than 2.6.11 stop
// before steal, which then counts as 0.
func Parse(b []byte) (Times, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] != "cpu" {
			continue
		}
		const stealField, firstGuest = 8, 9 // indices in f, after "cpu"
		if len(f) < 5 {
			return Times{}, fmt.Errorf("hostcpu: /proc/stat cpu line %q has too few fields", sc.Text())
		}
		var t Times
		for i, s := range f[1:min(len(f), firstGuest)] {
			v, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return Times{}, fmt.Errorf("hostcpu: /proc/stat cpu field %d: %w", i+1, err)
			}
			t.Total += v
			if i+1 == stealField {
				t.Steal = v
			}
		}
		return t, nil
	}
	if err := sc.Err(); err != nil {
		return Times{}, fmt.Errorf("hostcpu: %w", err)
	}
	return Times{}, errors.New("hostcpu: /proc/stat has no cpu line")
}
