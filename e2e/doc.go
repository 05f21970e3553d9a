// Package e2e holds TinyMMO's browser end-to-end tests. They build the web
// client, start a whole cluster in the test process (internal/devcluster)
// and play it in headless Chromium, driven through chromedp: clicking the
// real widgets, reading the client's state from window.tinymmo, and saving a
// screenshot of every screen to docs/screenshots.
//
// The tests need /usr/bin/chromium (apt-get install chromium) and skip
// without it, or with -short. Run them with
//
//	go test ./e2e/...
package e2e
