//go:build !js

package ui

// canReload is set where the client can update itself by reloading; a
// desktop client cannot.
const canReload = false

// updateHint tells the player how to get the new version.
const updateHint = "Please download the new version of the client."

// reload does nothing on the desktop (canReload is false).
func reload() {}

// publish does nothing outside the browser: tests of the desktop client
// call App.Snapshot.
func publish(*Snapshot) {}
