//go:build unix && !linux

package wsconn

import "syscall"

// writeNonblocking writes b to the non-blocking socket fd with one write
// system call.
func writeNonblocking(fd uintptr, b []byte) (int, error) {
	return syscall.Write(int(fd), b)
}
