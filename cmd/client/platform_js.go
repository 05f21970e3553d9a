//go:build js

package main

import "syscall/js"

// defaultGateway is the page's origin: the gateway serves the client.
func defaultGateway() string {
	return js.Global().Get("location").Get("origin").String()
}

// query returns the page's query parameter name (?autoplay=, ?scene=), or
// "" without it.
func query(name string) string {
	q := js.Global().Get("URLSearchParams").New(js.Global().Get("location").Get("search"))
	if v := q.Call("get", name); v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}
