package wsconn_test

// clientEnv, when set, makes the test binary a client process for the
// benchmarks (see bench_test.go).
const clientEnv = "WSCONN_BENCH_CLIENT"
