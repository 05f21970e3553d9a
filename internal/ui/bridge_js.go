//go:build js

package ui

import (
	"encoding/json"
	"syscall/js"
)

// canReload is set where the client can update itself by reloading.
const canReload = true

// updateHint tells the player how to get the new version.
const updateHint = "Refresh the page to update."

// reload reloads the page, which fetches the new build.
func reload() { js.Global().Get("location").Call("reload") }

// publish sets window.tinymmo to a copy of s, frozen at the top level. A
// plain value set from the game goroutine needs no callback into Go from
// JavaScript.
func publish(s *Snapshot) {
	b, err := json.Marshal(s)
	if err != nil {
		return // a Snapshot always marshals
	}
	v := js.Global().Get("JSON").Call("parse", string(b))
	js.Global().Get("Object").Call("freeze", v)
	js.Global().Set("tinymmo", v)
}
