package wsconn

import (
	"syscall"
	"unsafe"
)

// writeNonblocking writes b to the non-blocking socket fd with one write
// system call, made without telling the scheduler (syscall.RawSyscall).
//
// The socket never blocks, so the call is short and its goroutine keeps
// its P. An ordinary syscall.Write marks the P as in a system call, and
// the runtime's monitor thread, seeing a runner spend most of a tick in
// back-to-back writes, keeps waking every 20 µs to hand the P to another
// thread, which then has to give it back: on a busy world that churn
// cost as much as the writes themselves (see docs/performance.md).
func writeNonblocking(fd uintptr, b []byte) (int, error) {
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(p), uintptr(len(b)))
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}
