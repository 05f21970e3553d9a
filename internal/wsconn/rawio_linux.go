package wsconn

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The system calls on the hot paths, made raw: without telling the
// scheduler, as syscall.Read and syscall.Write do, that the goroutine may
// block. Each is made only where it cannot block (a non-blocking socket,
// an epoll wait with a timeout of 0), so the scheduler loses nothing; and
// a processor that never enters a system call is never handed to another
// thread by the runtime's monitor, which for a server doing thousands of
// short writes a second cost more than the writes' own bookkeeping.

// rawWrite writes b to the non-blocking descriptor fd.
func rawWrite(fd int, b []byte) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// rawRead reads into b from the non-blocking descriptor fd.
func rawRead(fd int, b []byte) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// readyNow fills events with the ready descriptors of the epoll set epfd,
// without waiting, and returns how many there are.
func readyNow(epfd int, events []unix.EpollEvent) (int, error) {
	n, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(unsafe.SliceData(events))), uintptr(len(events)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
