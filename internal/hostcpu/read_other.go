//go:build !linux

package hostcpu

import (
	"errors"
	"fmt"
)

// Read returns the machine's CPU time so far. Only Linux has /proc/stat.
func Read() (Times, error) {
	return Times{}, fmt.Errorf("hostcpu: %w", errors.ErrUnsupported)
}
