//go:build !unix

package tickbench

import "time"

// processCPU returns 0: this benchmark reads the process's CPU time only on
// unix systems, so NsPerPlayerTick is 0 elsewhere.
func processCPU() time.Duration { return 0 }
