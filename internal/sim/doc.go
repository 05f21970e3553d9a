// Package sim is the world's simulation core: the game state of a map
// instance and the rules that step it, one tick at a time, as plain values
// and functions. The world's goroutines feed it and send what it produces;
// sim itself runs no goroutines and uses no channels, locks, clocks or I/O,
// so every part of it is tested by calling it.
//
// It holds for now each player's input queue (InputQueue), which turns the
// client's tick-tagged inputs into the input in force at every tick
// (docs/protocol.md, "Input").
package sim
