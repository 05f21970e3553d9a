package world

import "testing"

func TestHandshakesAreBoundedInTotalAndPerAddress(t *testing.T) {
	h := newHandshakes(3, 2)
	for i := range 2 {
		if !h.acquire("a") {
			t.Fatalf("connection %d from a was refused", i+1)
		}
	}
	if h.acquire("a") {
		t.Fatal("a third from a was let in, over the per-address bound of 2")
	}
	if !h.acquire("b") {
		t.Fatal("b was refused with room left")
	}
	if h.acquire("c") {
		t.Fatal("c was let in, over the total bound of 3")
	}
	h.release("a")
	if !h.acquire("c") {
		t.Fatal("c was refused after a released a slot")
	}
	h.release("a")
	h.release("b")
	h.release("c")
	if h.total != 0 || len(h.perIP) != 0 {
		t.Fatalf("after releasing everything: total %d, %d addresses kept", h.total, len(h.perIP))
	}
}
