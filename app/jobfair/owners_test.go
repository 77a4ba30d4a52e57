package jobfair

import (
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/zone"
)

// testStore is a Store on g reading zones and people through their owners, as the server
// wires it.
func testStore(g *gorm.DB) *Store { return NewStore(g, zone.NewStore(g), account.NewStore(g)) }
