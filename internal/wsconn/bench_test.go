//go:build unix

package wsconn_test

// The benchmarks compare this package with coder/websocket used the way
// internal/world used it before (a writer goroutine per connection fed by a
// 256-slot channel, a context.WithTimeout per message, and the handler's
// goroutine reading). The clients run in a child process (this test binary
// again, see runClientProcess), so the figures count only the server:
//
//	cpu-ns/op   user+system CPU of the whole test process per message
//	usr-ns/op   the user part of it (Go code, runtime, scheduler)
//	sys-ns/op   the system part (system calls, and on loopback the
//	            receiving side's TCP processing too)
//	B/conn      heap and goroutine stacks per idle connection
//
// go test ./internal/wsconn -run '^$' -bench . -benchtime 1s -count 5

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tinymmo/tinymmo/internal/wsconn"
	"github.com/tinymmo/tinymmo/internal/wstest"
)

// clientEnv, when set, makes the test binary a client process: its value is
// the mode, clientAddrEnv the server and clientCountEnv the number of
// connections.
const (
	clientEnv      = "WSCONN_BENCH_CLIENT"
	clientAddrEnv  = "WSCONN_BENCH_ADDR"
	clientCountEnv = "WSCONN_BENCH_CONNS"
)

// runClientProcess dials the connections, prints "ready" and then, by mode:
// "idle" does nothing, "drain" reads and discards everything, "send" writes
// small messages round-robin, one write system call each. It exits when its
// standard input closes.
func runClientProcess(mode string) int {
	addr := os.Getenv(clientAddrEnv)
	n, _ := strconv.Atoi(os.Getenv(clientCountEnv))
	conns := make([]net.Conn, n)
	for i := range conns {
		nc, err := rawHandshake(addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		conns[i] = nc
	}
	fmt.Println("ready")
	switch mode {
	case "drain":
		for _, nc := range conns {
			go io.Copy(io.Discard, nc)
		}
	case "send":
		go func() {
			msg := wstest.Frame(0x82, make([]byte, 20), true)
			for {
				for _, nc := range conns {
					if _, err := nc.Write(msg); err != nil {
						return
					}
				}
			}
		}()
	}
	io.Copy(io.Discard, os.Stdin)
	return 0
}

func rawHandshake(addr string) (net.Conn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	var k [16]byte
	rand.Read(k[:])
	fmt.Fprintf(nc, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n", addr, base64.StdEncoding.EncodeToString(k[:]))
	resp, err := http.ReadResponse(bufio.NewReaderSize(nc, 256), nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, fmt.Errorf("handshake: %s", resp.Status)
	}
	return nc, nil
}

// sender is the server's side of one connection as the world uses it.
type sender interface {
	Send([]byte) error
}

// lib serves connections one way; handler must report each connection to
// ready and count the messages it reads.
type lib struct {
	name    string
	handler func(ready func(sender), reads *atomic.Int64, wg *sync.WaitGroup) http.HandlerFunc
}

var libs = []lib{
	{"wsconn", func(ready func(sender), reads *atomic.Int64, wg *sync.WaitGroup) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			c, err := wsconn.Upgrade(w, r, wsconn.Options{MaxQueuedBytes: 64 << 20})
			if err != nil {
				return
			}
			wg.Add(1)
			defer wg.Done()
			defer c.CloseNow()
			ready(c)
			for {
				if _, _, err := c.Read(time.Time{}); err != nil {
					return
				}
				reads.Add(1)
			}
		}
	}},
	{"coder-session", func(ready func(sender), reads *atomic.Int64, wg *sync.WaitGroup) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
			if err != nil {
				return
			}
			wg.Add(1)
			defer wg.Done()
			defer c.CloseNow()
			s := &coderSession{c: c, out: make(chan []byte, 256), done: make(chan struct{})}
			go s.writeLoop()
			defer close(s.done)
			ready(s)
			for {
				if _, _, err := c.Read(context.Background()); err != nil {
					return
				}
				reads.Add(1)
			}
		}
	}},
}

// coderSession is internal/world's session write path before wsconn.
type coderSession struct {
	c       *websocket.Conn
	out     chan []byte
	done    chan struct{}
	written atomic.Int64
}

func (s *coderSession) Send(b []byte) error {
	s.out <- b // the world drops the client instead of blocking
	return nil
}

func (s *coderSession) writeLoop() {
	for {
		select {
		case b := <-s.out:
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := s.c.Write(ctx, websocket.MessageBinary, b)
			cancel()
			if err != nil {
				return
			}
			s.written.Add(1)
		case <-s.done:
			return
		}
	}
}

// benchServer serves lib to n connections from a client process in mode.
type benchServer struct {
	senders []sender
	reads   atomic.Int64
}

func startBench(b *testing.B, l lib, mode string, n int) *benchServer {
	b.Helper()
	bs := &benchServer{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	all := make(chan struct{})
	srv := httptest.NewServer(l.handler(func(s sender) {
		mu.Lock()
		defer mu.Unlock()
		if bs.senders = append(bs.senders, s); len(bs.senders) == n {
			close(all)
		}
	}, &bs.reads, &wg))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), clientEnv+"="+mode, clientAddrEnv+"="+srv.Listener.Addr().String(),
		clientCountEnv+"="+strconv.Itoa(n))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
		srv.Close()
		wg.Wait()
	})
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
		b.Fatalf("client process: %q", line)
	}
	select {
	case <-all:
	case <-time.After(30 * time.Second):
		b.Fatal("connections did not arrive")
	}
	return bs
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() (user, sys time.Duration) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// reportCPU reports CPU per operation since cpuTime returned user and sys.
func reportCPU(b *testing.B, user, sys time.Duration) {
	u, s := cpuTime()
	b.ReportMetric(float64(u-user+s-sys)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(u-user)/float64(b.N), "usr-ns/op")
	b.ReportMetric(float64(s-sys)/float64(b.N), "sys-ns/op")
}

// BenchmarkSend sends 200-byte messages round-robin to connections whose
// client reads everything.
func BenchmarkSend(b *testing.B) {
	for _, l := range libs {
		for _, n := range []int{100} {
			b.Run(fmt.Sprintf("lib=%s/conns=%d", l.name, n), func(b *testing.B) {
				bs := startBench(b, l, "drain", n)
				msg := make([]byte, 200)
				b.ReportAllocs()
				b.ResetTimer()
				user, sys := cpuTime()
				for i := range b.N {
					if err := bs.senders[i%n].Send(msg); err != nil {
						b.Fatal(err)
					}
				}
				for _, s := range bs.senders { // wait for queued messages
					if cs, ok := s.(*coderSession); ok {
						for len(cs.out) > 0 {
							runtime.Gosched()
						}
					}
				}
				reportCPU(b, user, sys)
			})
		}
	}
}

// BenchmarkRead reads 20-byte messages that a client process writes
// round-robin to its connections, one write system call per message.
func BenchmarkRead(b *testing.B) {
	for _, l := range libs {
		for _, n := range []int{100} {
			b.Run(fmt.Sprintf("lib=%s/conns=%d", l.name, n), func(b *testing.B) {
				bs := startBench(b, l, "send", n)
				b.ReportAllocs()
				b.ResetTimer()
				user, sys := cpuTime()
				start := bs.reads.Load()
				for bs.reads.Load()-start < int64(b.N) {
					time.Sleep(time.Millisecond)
				}
				reportCPU(b, user, sys)
			})
		}
	}
}

// handoff is wsconn with the reading moved from the handler to a new
// goroutine, so that net/http can free its buffers for the connection.
var handoff = lib{"wsconn-handoff", func(ready func(sender), reads *atomic.Int64, wg *sync.WaitGroup) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := wsconn.Upgrade(w, r, wsconn.Options{})
		if err != nil {
			return
		}
		wg.Go(func() {
			defer c.CloseNow()
			ready(c)
			for {
				if _, _, err := c.Read(time.Time{}); err != nil {
					return
				}
				reads.Add(1)
			}
		})
	}
}}

// BenchmarkIdleConn measures heap and goroutine stacks per idle
// connection. Run it with -benchtime 1x.
func BenchmarkIdleConn(b *testing.B) {
	const n = 1000
	for _, l := range append(libs, handoff) {
		b.Run("lib="+l.name, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&before)
			g0 := runtime.NumGoroutine()
			startBench(b, l, "idle", n)
			time.Sleep(100 * time.Millisecond) // let handlers park
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&after)
			g1 := runtime.NumGoroutine()
			for range b.N {
			}
			heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
			stack := float64(after.StackInuse) - float64(before.StackInuse)
			b.ReportMetric((heap+stack)/n, "B/conn")
			b.ReportMetric(heap/n, "heap-B/conn")
			b.ReportMetric(stack/n, "stack-B/conn")
			b.ReportMetric(float64(g1-g0)/n, "goroutines/conn")
		})
	}
}

// BenchmarkTick is the world's pattern: every 5 ms one 200-byte message to
// each connection, whose client reads everything. An op is one tick;
// cpu-ns/msg is the CPU per message sent.
func BenchmarkTick(b *testing.B) {
	const n = 300
	for _, l := range libs {
		b.Run(fmt.Sprintf("lib=%s/conns=%d", l.name, n), func(b *testing.B) {
			bs := startBench(b, l, "drain", n)
			msg := make([]byte, 200)
			b.ReportAllocs()
			b.ResetTimer()
			user, sys := cpuTime()
			for range b.N {
				for _, s := range bs.senders {
					if err := s.Send(msg); err != nil {
						b.Fatal(err)
					}
				}
				time.Sleep(5 * time.Millisecond)
			}
			u, s := cpuTime()
			msgs := float64(b.N * n)
			b.ReportMetric(float64(u-user+s-sys)/msgs, "cpu-ns/msg")
			b.ReportMetric(float64(u-user)/msgs, "usr-ns/msg")
			b.ReportMetric(float64(s-sys)/msgs, "sys-ns/msg")
		})
	}
}
