// Package layering holds no code: its test enforces which of this module's
// packages may import which, so the shared and client-side packages stay
// free of server code and build for js/wasm.
package layering
