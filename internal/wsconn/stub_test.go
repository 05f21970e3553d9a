package wsconn_test

func runClientProcess(mode string) int { return 0 }
