//go:build !unix

package world

import "time"

// processCPU returns 0: getrusage is Unix's, and the tick benchmark then
// reports no CPU figure. It keeps the package building for Windows.
func processCPU() time.Duration { return 0 }
