//go:build js

package main

import "syscall/js"

// defaultGateway is the page's origin: the gateway serves the client.
func defaultGateway() string {
	return js.Global().Get("location").Get("origin").String()
}

// defaultAutoplay is the page's ?autoplay= query parameter.
func defaultAutoplay() string {
	q := js.Global().Get("URLSearchParams").New(js.Global().Get("location").Get("search"))
	if v := q.Call("get", "autoplay"); v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}
