package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tinymmo/tinymmo/internal/webclient"
)

// The web download's budget, in bytes of what a browser that accepts
// brotli transfers to start the game (webclient.Download.Brotli).
const (
	// releaseBudget is issue 10's target for the release build, brotli
	// at webclient.BestBrotliQuality.
	releaseBudget = 5_000_000
	// devBudget stands for releaseBudget in a build at the default
	// quality, the one the tests make: compressing at the best quality
	// takes one and a half to three minutes, and the default's copy is
	// 17 % larger (5.60 MB against 4.78 MB for the game of this test's
	// first version, 5.50 against 4.70 before). Past devBudget, measure
	// the release build (go run ./tools/buildweb).
	devBudget = releaseBudget * 117 / 100
)

// TestWebDownloadStaysWithinBudget builds the web client, or finds it
// built, and checks its brotli download against the budget for the
// quality it was compressed at.
func TestWebDownloadStaysWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the web client; skipped with -short")
	}
	data, err := os.ReadFile(filepath.Join(buildWeb(t), webclient.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m webclient.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", webclient.ManifestFile, err)
	}
	budget := int64(releaseBudget)
	if m.BrotliQuality < webclient.BestBrotliQuality {
		budget = devBudget
	}
	t.Logf("download: %s (brotli quality %d)", m.Download, m.BrotliQuality)
	if m.Download.Brotli > budget {
		t.Errorf("the web download is %.2f MB with brotli at quality %d, over its budget of %.2f MB (%.2f MB at quality %d)",
			float64(m.Download.Brotli)/1e6, m.BrotliQuality, float64(budget)/1e6, releaseBudget/1e6, webclient.BestBrotliQuality)
	}
}
