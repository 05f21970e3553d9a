//go:build !linux

package main

import "errors"

// lowerToIdlePriority is supported on Linux only.
func lowerToIdlePriority() error {
	return errors.New("idle priority: supported on Linux only")
}
