// Package rules is the one implementation of TinyMMO's movement and collision
// rules, shared by the world server (authoritative simulation) and the client
// (prediction).
//
// Everything here is integer fixed-point: positions are in subpixels (1/16 px,
// so one 16 px tile is 256 subpixels) and no function uses floating point.
// Compilers may fuse float operations differently on amd64, arm64 and wasm;
// integers give the server and every client the same answer bit for bit, so
// prediction never disagrees with the server.
//
// The package owns no state and starts no goroutines; every function is pure
// and safe for concurrent use. It imports only the standard library and must
// stay importable by the js/wasm client: it may not import any other package
// of this module.
package rules

// Units. Positions are int32 subpixels; maps are grids of square tiles.
const (
	// SubpixelsPerPixel is the fixed-point scale: one pixel is 16 subpixels.
	SubpixelsPerPixel = 16
	// TileSize is the side of a map tile in pixels.
	TileSize = 16
	// TileSubpixels is the side of a map tile in subpixels (TileSize *
	// SubpixelsPerPixel).
	TileSubpixels = TileSize * SubpixelsPerPixel
	// tileShift converts subpixels to tile indices: tile = v >> tileShift,
	// which floors for negative values too.
	tileShift = 8
)

// Vec is a position or displacement in subpixels. X grows to the east
// (right), Y to the south (down), as on screen.
type Vec struct{ X, Y int32 }

// TileCenter returns the centre of tile (tx, ty) in subpixels.
func TileCenter(tx, ty int) Vec {
	return Vec{int32(tx)*TileSubpixels + TileSubpixels/2, int32(ty)*TileSubpixels + TileSubpixels/2}
}

// Tile returns the tile that contains point v.
func (v Vec) Tile() (tx, ty int) { return int(v.X >> tileShift), int(v.Y >> tileShift) }

// Rect is an axis-aligned rectangle in subpixels, half-open: it contains the
// points p with Min.X <= p.X < Max.X and Min.Y <= p.Y < Max.Y. A Rect with
// Max <= Min on either axis is empty.
type Rect struct{ Min, Max Vec }

// Contains reports whether p lies inside r.
func (r Rect) Contains(p Vec) bool {
	return r.Min.X <= p.X && p.X < r.Max.X && r.Min.Y <= p.Y && p.Y < r.Max.Y
}

// Collider answers whether a map tile blocks movement. *maps.Map implements
// it; tiles outside the map must report solid so that bodies stay inside.
// Implementations must be deterministic and safe for the caller's
// concurrency (Step calls Solid from the caller's goroutine only).
type Collider interface {
	Solid(tx, ty int) bool
}

// The player body is an axis-aligned box around the feet point p:
// [p.X-BodyHalfWidth, p.X+BodyHalfWidth) x [p.Y-BodyHeight, p.Y).
// It is small (10x6 px) and sits at the feet, so a character's head and
// shoulders may overlap a wall's top as in most top-down games.
const (
	// BodyHalfWidth is half the body's width in subpixels (5 px).
	BodyHalfWidth = 5 * SubpixelsPerPixel
	// BodyHeight is the body's height above the feet point in subpixels (6 px).
	BodyHeight = 6 * SubpixelsPerPixel
)

// Fits reports whether a body with its feet at p overlaps no solid tile of c.
func Fits(p Vec, c Collider) bool {
	x0, x1 := int64(p.X)-BodyHalfWidth, int64(p.X)+BodyHalfWidth
	y0, y1 := int64(p.Y)-BodyHeight, int64(p.Y)
	for ty := y0 >> tileShift; ty <= (y1-1)>>tileShift; ty++ {
		for tx := x0 >> tileShift; tx <= (x1-1)>>tileShift; tx++ {
			if c.Solid(int(tx), int(ty)) {
				return false
			}
		}
	}
	return true
}
