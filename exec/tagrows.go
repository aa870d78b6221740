package exec

import "slices"

// TagRows writes the values of adjacent tag (dictionary) columns of a
// batch as one run of bytes per row, for encoders of row formats (the
// PostgreSQL endpoint's DataRows, CSV). A row's run is assembled from each
// column's entry, encoded once per batch by the caller, with sep between
// them; the rows after it with the same codes - a series' rows, adjacent
// in files sorted by series - reuse it: one copy a row instead of one per
// tag.
type TagRows struct {
	codes   [][]int32 // per column: its dictionary codes
	offs    [][]int32 // per column: entry k is data[offs[k]:offs[k+1]]
	data    [][]byte
	sep     []byte
	last    []int32 // the codes run holds
	valid   bool
	run     []byte
	columns int
	// Rows' scratch.
	rows   [][]byte
	starts []int32
	newRun []bool
	arena  []byte
}

// NewTagRows returns a TagRows whose columns are separated by sep.
func NewTagRows(sep string) *TagRows { return &TagRows{sep: []byte(sep)} }

// Add appends a column: its codes and its encoded entries.
func (t *TagRows) Add(codes []int32, offs []int32, data []byte) {
	t.codes = append(t.codes, codes)
	t.offs = append(t.offs, offs)
	t.data = append(t.data, data)
	t.last = append(t.last, 0)
	t.columns++
	t.valid = false
}

// Columns is the number of columns added.
func (t *TagRows) Columns() int { return t.columns }

// Reset forgets the run held (a new pass over rows).
func (t *TagRows) Reset() { t.valid = false }

// Row returns row i's run; it is valid until the next call.
func (t *TagRows) Row(i int32) []byte {
	if t.valid {
		same := true
		for k, c := range t.codes {
			if c[i] != t.last[k] {
				same = false
				break
			}
		}
		if same {
			return t.run
		}
	}
	t.run = t.run[:0]
	for k, c := range t.codes {
		if k > 0 {
			t.run = append(t.run, t.sep...)
		}
		e := c[i]
		t.last[k] = e
		t.run = append(t.run, t.data[k][t.offs[k][e]:t.offs[k][e+1]]...)
	}
	t.valid = true
	return t.run
}

// Rows returns the runs of the rows idx, in order, valid until the next
// call: a row whose codes equal the row before it shares that row's run.
// The codes are compared column by column over the whole list (one pass
// per column instead of one per row and column), so writers that need
// each run twice (sizes, then bytes) compute them once.
func (t *TagRows) Rows(idx []int32) [][]byte {
	n := len(idx)
	t.rows = slices.Grow(t.rows[:0], n)[:n]
	t.starts = slices.Grow(t.starts[:0], n)[:n]
	newRun := slices.Grow(t.newRun[:0], n)[:n]
	clear(newRun)
	t.newRun = newRun
	if n == 0 {
		return t.rows
	}
	newRun[0] = true
	for _, c := range t.codes {
		prev := c[idx[0]]
		for r := 1; r < n; r++ {
			code := c[idx[r]]
			if code != prev {
				newRun[r] = true
			}
			prev = code
		}
	}
	// Build the runs into one arena, then slice it (it no longer grows).
	t.arena = t.arena[:0]
	for r, i := range idx {
		if !newRun[r] {
			t.starts[r] = t.starts[r-1]
			continue
		}
		t.starts[r] = int32(len(t.arena))
		for k, c := range t.codes {
			if k > 0 {
				t.arena = append(t.arena, t.sep...)
			}
			e := c[i]
			t.arena = append(t.arena, t.data[k][t.offs[k][e]:t.offs[k][e+1]]...)
		}
	}
	end := len(t.arena)
	for r := n - 1; r >= 0; r-- {
		t.rows[r] = t.arena[t.starts[r]:end]
		if newRun[r] {
			end = int(t.starts[r]) // the rows before end where this run starts
		}
	}
	return t.rows
}
