//go:build !unix

package wsconn_test

const clientEnv = "WSCONN_BENCH_CLIENT"

func runClientProcess(string) int { return 0 }
