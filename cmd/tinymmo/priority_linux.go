package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// lowerToIdlePriority moves every thread of this process to the kernel's
// idle scheduling class (SCHED_IDLE), which runs only on a core nothing
// else wants, so that bots sharing a machine with the world they test
// never keep it waiting for a core. Threads started later inherit the
// class from the thread that starts them; two passes catch one started
// during the first. Lowering needs no privilege.
func lowerToIdlePriority() error {
	for range 2 {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("idle priority: %w", err)
		}
		for _, task := range tasks {
			tid, err := strconv.Atoi(task.Name())
			if err != nil {
				continue
			}
			attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE}
			if err := unix.SchedSetAttr(tid, &attr, 0); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("idle priority: thread %d: %w", tid, err)
			}
		}
	}
	return nil
}
