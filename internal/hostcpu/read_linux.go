package hostcpu

import (
	"fmt"
	"os"
)

// Read returns the machine's CPU time so far.
func Read() (Times, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return Times{}, fmt.Errorf("hostcpu: %w", err)
	}
	return Parse(b)
}
