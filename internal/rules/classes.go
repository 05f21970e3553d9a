package rules

// ClassStats are a character class's base numbers at level 1.
type ClassStats struct {
	MaxHP, MaxMP int
	// Speed is the walking speed in pixels per second.
	Speed int
}

// Stats returns the base stats of the class named class ("knight", "rogue"
// or "wizard", as the API and the databases spell it). The knight trades
// speed for health, the wizard health for mana.
func Stats(class string) (ClassStats, bool) {
	switch class {
	case "knight":
		return ClassStats{MaxHP: 120, MaxMP: 30, Speed: 80}, true
	case "rogue":
		return ClassStats{MaxHP: 90, MaxMP: 50, Speed: 100}, true
	case "wizard":
		return ClassStats{MaxHP: 70, MaxMP: 100, Speed: 90}, true
	}
	return ClassStats{}, false
}
