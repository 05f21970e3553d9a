package wsconn_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(clientEnv); mode != "" {
		os.Exit(runClientProcess(mode))
	}
	goleak.VerifyTestMain(m)
}
