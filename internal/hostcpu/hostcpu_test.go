package hostcpu

import (
	"runtime"
	"strings"
	"testing"
)

// A /proc/stat of a 2-CPU virtual machine, shortened.
const stat = `cpu  1181170 13158 166026 2699683 4777 0 14493 28431 7 0
cpu0 590585 6579 83013 1349841 2388 0 7246 14215 0 0
cpu1 590585 6579 83013 1349842 2389 0 7247 14216 0 0
intr 123456 0 9 0
ctxt 987654321
`

func TestParseSumsEveryStateButGuest(t *testing.T) {
	got, err := Parse([]byte(stat))
	if err != nil {
		t.Fatal(err)
	}
	want := Times{Steal: 28431, Total: 1181170 + 13158 + 166026 + 2699683 + 4777 + 0 + 14493 + 28431}
	if got != want {
		t.Fatalf("Parse = %+v, want %+v", got, want)
	}
}

func TestParseWithoutSteal(t *testing.T) {
	got, err := Parse([]byte("cpu  10 0 5 85\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Times{Total: 100}); got != want {
		t.Fatalf("Parse = %+v, want %+v", got, want)
	}
}

func TestParseRefusesWhatIsNotAStat(t *testing.T) {
	for name, in := range map[string]string{
		"no cpu line":  "cpu0 1 2 3 4\nintr 5\n",
		"too short":    "cpu  1 2 3\n",
		"not a number": "cpu  1 2 x 4 5\n",
		"negative":     "cpu  1 2 -3 4 5\n",
		"empty":        "",
	} {
		if _, err := Parse([]byte(in)); err == nil || !strings.HasPrefix(err.Error(), "hostcpu: ") {
			t.Errorf("%s: Parse error %v, want a hostcpu error", name, err)
		}
	}
}

func TestStealPercent(t *testing.T) {
	a := Times{Steal: 100, Total: 10_000}
	b := Times{Steal: 130, Total: 10_600}
	if got := StealPercent(a, b); got != 5 {
		t.Errorf("StealPercent = %v, want 5 (30 of 600 ticks)", got)
	}
	if got := StealPercent(b, b); got != 0 {
		t.Errorf("StealPercent of no time = %v, want 0", got)
	}
}

func TestReadGoesForward(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux has /proc/stat")
	}
	a, err := Read()
	if err != nil {
		t.Fatal(err)
	}
	for range 1_000_000 { // read until a clock tick (10 ms) has passed
		b, err := Read()
		if err != nil {
			t.Fatal(err)
		}
		if b.Total > a.Total {
			if b.Steal < a.Steal {
				t.Fatalf("steal went back: %d then %d", a.Steal, b.Steal)
			}
			if p := StealPercent(a, b); p < 0 || p > 100 {
				t.Fatalf("StealPercent = %v, want 0–100", p)
			}
			return
		}
	}
	t.Fatal("the machine's CPU time never moved")
}
