// Package sim is the world's simulation core: the game state of a map
// instance and the rules that step it, one tick at a time, as plain values
// and functions. An Instance holds its players, their input queues
// (InputQueue, which turns a client's tick-tagged inputs into the input in
// force at every tick, docs/protocol.md "Input"), the interest grid and
// each client's view. Step takes the time and the inputs drained for the
// tick and returns the events (arrival messages, travellers, saves, refused
// inputs, an empty instance); Replicate encodes every client's snapshot.
//
// sim runs no goroutines and uses no channels, locks (but one per entity's
// spawn-property cache, for Replicate's parts), clocks or I/O, so every
// part of it is tested by calling it tick by tick. The world's shell
// (package world) owns the goroutines that feed it and send what it
// produces. The world and its benchmarks import it, and the client's tests
// play against its input queue; it imports no server package (the
// character state it carries is package character), so it builds for
// js/wasm too.
package sim
