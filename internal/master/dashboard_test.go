package master

import "testing"

func TestDashboardRunsOnlyOnLoopbackUnlessTLSOrInsecure(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want bool
	}{
		{Config{HTTPListen: "127.0.0.1:8090"}, true},
		{Config{HTTPListen: "[::1]:8090"}, true},
		{Config{HTTPListen: "localhost:8090"}, true},
		{Config{HTTPListen: ":8090"}, false},
		{Config{HTTPListen: "0.0.0.0:8090"}, false},
		{Config{HTTPListen: "192.0.2.7:8090"}, false},
		{Config{HTTPListen: "0.0.0.0:8090", TLSCert: "c.pem", TLSKey: "k.pem"}, true},
		{Config{HTTPListen: "0.0.0.0:8090", DashboardInsecure: true}, true},
	} {
		if got := dashboardAllowed(tt.cfg); got != tt.want {
			t.Errorf("dashboardAllowed(%+v) = %v, want %v", tt.cfg, got, tt.want)
		}
	}
}
