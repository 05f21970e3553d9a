//go:build race

package sim

// raceEnabled is set when the race detector, which slows these tests about
// tenfold, is on.
const raceEnabled = true
