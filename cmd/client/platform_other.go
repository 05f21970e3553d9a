//go:build !js

package main

// defaultGateway is where "tinymmo dev" listens by default.
func defaultGateway() string { return "http://127.0.0.1:8080" }

// query returns "": on the desktop the flags say what a page's query
// parameters would.
func query(string) string { return "" }
