package loadbench

import (
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name, stat   string
		wantU, wantS float64
		wantErr      bool
	}{
		{
			name:  "plain",
			stat:  "7674 (tinymmo) S 7657 7674 7657 0 -1 4194560 9174 0 0 0 78 81 0 0 20 0 9 0 1443 1340000000 11800 18446744073709551615",
			wantU: 0.78, wantS: 0.81,
		},
		{
			name:  "a command name with spaces and parentheses",
			stat:  "42 (a b) (c)) R 1 42 42 0 -1 0 0 0 0 0 250 5 0 0 20 0 1 0 9 0 0",
			wantU: 2.5, wantS: 0.05,
		},
		{name: "truncated", stat: "42 (x) R 1 42 42 0 -1 0 0 0 0 0 250", wantErr: true},
		{name: "no command name", stat: "42 x R 1", wantErr: true},
		{name: "bad number", stat: "1 (x) R 1 1 1 0 -1 0 0 0 0 0 x 5 0", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.stat + "\n"))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseStat = %+v, want an error", got)
				}
				return
			}
			if err != nil || got.User != tt.wantU || got.Sys != tt.wantS {
				t.Fatalf("parseStat = %+v, %v; want user %v sys %v", got, err, tt.wantU, tt.wantS)
			}
		})
	}
}

func TestParseRSS(t *testing.T) {
	status := "Name:\ttinymmo\nVmPeak:\t 1400000 kB\nVmRSS:\t   47012 kB\nRssAnon:\t   20000 kB\n"
	if got, err := parseRSS([]byte(status)); err != nil || got != 47012 {
		t.Errorf("parseRSS = %d, %v; want 47012", got, err)
	}
	// A kernel thread has no VmRSS.
	if _, err := parseRSS([]byte("Name:\tkthreadd\nState:\tS\n")); err == nil {
		t.Error("parseRSS(no VmRSS) = nil error, want one")
	}
}

func TestParseIO(t *testing.T) {
	io := "rchar: 5000\nwchar: 7000\nsyscr: 123\nsyscw: 4567\nread_bytes: 0\n"
	if got, err := parseIO([]byte(io)); err != nil || got != (ioCalls{Reads: 123, Writes: 4567}) {
		t.Errorf("parseIO = %+v, %v; want 123 reads, 4567 writes", got, err)
	}
	for _, bad := range []string{"rchar: 5\nsyscr: 1\n", "syscr: x\nsyscw: 2\n"} {
		if got, err := parseIO([]byte(bad)); err == nil {
			t.Errorf("parseIO(%q) = %+v, want an error", bad, got)
		}
	}
}

func TestCPUList(t *testing.T) {
	tests := []struct {
		cpus []int
		want string
	}{
		{[]int{0}, "0"},
		{[]int{1, 2, 3}, "1-3"},
		{[]int{0, 2, 4, 5}, "0,2,4-5"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := cpuList(tt.cpus); got != tt.want {
			t.Errorf("cpuList(%v) = %q, want %q", tt.cpus, got, tt.want)
		}
	}
}
