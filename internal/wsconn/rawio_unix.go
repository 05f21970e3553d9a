//go:build unix && !linux

package wsconn

import "syscall"

// rawWrite writes b to the non-blocking descriptor fd.
func rawWrite(fd int, b []byte) (int, error) { return syscall.Write(fd, b) }
