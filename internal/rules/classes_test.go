package rules

import "testing"

func TestStats(t *testing.T) {
	for _, tt := range []struct {
		class string
		want  ClassStats
		ok    bool
	}{
		{"knight", ClassStats{MaxHP: 120, MaxMP: 30, Speed: 80}, true},
		{"rogue", ClassStats{MaxHP: 90, MaxMP: 50, Speed: 100}, true},
		{"wizard", ClassStats{MaxHP: 70, MaxMP: 100, Speed: 90}, true},
		{"Knight", ClassStats{}, false}, // names are stored lower case
		{"paladin", ClassStats{}, false},
	} {
		if got, ok := Stats(tt.class); got != tt.want || ok != tt.ok {
			t.Errorf("Stats(%q) = %+v, %v; want %+v, %v", tt.class, got, ok, tt.want, tt.ok)
		}
	}
}
