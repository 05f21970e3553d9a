// Package version holds the release version shared by the servers and the
// client. The gateway refuses clients whose version differs, so a deployment
// always runs one version end to end.
package version

// Version is this build's version. Bump it with every release that changes
// what a client and the servers must agree on.
const Version = "0.1.0"
