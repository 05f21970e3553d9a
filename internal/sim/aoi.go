package sim

import "github.com/tinymmo/tinymmo/internal/rules"

// cellShift sets the AOI grid's cell size: 1<<12 subpixels = 256 px = 16
// tiles. A 1280x720 view plus margins then spans about 7x5 cells, so a
// query touches few cells and few entities outside the view.
const cellShift = 12

// grid is a uniform grid over an instance's map, bucketing entities by the
// cell that holds their position. Owned by the instance's goroutine.
type grid struct {
	cols, rows int
	cells      [][]*entity
}

func newGrid(widthSub, heightSub int32) *grid {
	cols := int(widthSub>>cellShift) + 1
	rows := int(heightSub>>cellShift) + 1
	return &grid{cols: cols, rows: rows, cells: make([][]*entity, cols*rows)}
}

// cellOf returns the index of the cell holding p, clamped to the grid.
func (g *grid) cellOf(p rules.Vec) int {
	cx := min(max(int(p.X>>cellShift), 0), g.cols-1)
	cy := min(max(int(p.Y>>cellShift), 0), g.rows-1)
	return cy*g.cols + cx
}

func (g *grid) insert(e *entity) {
	e.cell = g.cellOf(e.pos)
	e.cellIndex = len(g.cells[e.cell])
	g.cells[e.cell] = append(g.cells[e.cell], e)
}

func (g *grid) remove(e *entity) {
	cell := g.cells[e.cell]
	last := cell[len(cell)-1]
	cell[e.cellIndex] = last
	last.cellIndex = e.cellIndex
	cell[len(cell)-1] = nil
	g.cells[e.cell] = cell[:len(cell)-1]
}

// moved re-buckets e after its position changed.
func (g *grid) moved(e *entity) {
	if g.cellOf(e.pos) != e.cell {
		g.remove(e)
		g.insert(e)
	}
}

// query calls fn for every entity in the cells that overlap r. The caller
// filters by exact position: cells are coarser than r.
func (g *grid) query(r rules.Rect, fn func(*entity)) {
	lo, hi := g.cellOf(r.Min), g.cellOf(r.Max)
	x0, y0 := lo%g.cols, lo/g.cols
	x1, y1 := hi%g.cols, hi/g.cols
	for cy := y0; cy <= y1; cy++ {
		for _, cell := range g.cells[cy*g.cols+x0 : cy*g.cols+x1+1] {
			for _, e := range cell {
				fn(e)
			}
		}
	}
}
