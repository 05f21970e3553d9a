//go:build !js

package main

// defaultGateway is where "tinymmo dev" listens by default.
func defaultGateway() string { return "http://127.0.0.1:8080" }

// defaultAutoplay is off: on the desktop, --autoplay turns it on.
func defaultAutoplay() string { return "" }
