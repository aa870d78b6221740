package pqfile

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"

	"github.com/parquet-go/parquet-go/format"
)

// rowRange is the rows [start, end) of a row group.
type rowRange struct{ start, end int64 }

// pruner decides from statistics which row groups and pages may hold rows in
// the time range and matching the tag filters. It never drops a row that may
// match; the time range is applied exactly later, row by row. A block sample
// drops the pages it does not keep.
type pruner struct {
	f                *File
	timeBound        bool
	minTime, maxTime int64 // [minTime, maxTime)
	tags             []tagPredicate
	// window is the file's row window [start, end); end 0: none.
	window rowRange
	sample *BlockSample
}

// tagPredicate is a TagFilter resolved against the file: col is the index of
// the column in File.cols, or -1 when the file does not have it (every row is
// null there, and null equals no value).
type tagPredicate struct {
	col    int
	values [][]byte // sorted
}

func newPruner(f *File, opts ReadOptions) pruner {
	p := pruner{f: f, minTime: opts.MinTime, maxTime: opts.MaxTime, window: rowRange{opts.RowStart, opts.RowEnd}, sample: opts.Sample}
	p.timeBound = opts.MinTime != 0 || opts.MaxTime != 0
	for _, t := range opts.Tags {
		tp := tagPredicate{col: -1}
		for i, c := range f.cols {
			if c.name == t.Column {
				tp.col = i
			}
		}
		for _, v := range t.Values {
			tp.values = append(tp.values, []byte(v))
		}
		slices.SortFunc(tp.values, bytes.Compare)
		p.tags = append(p.tags, tp)
	}
	return p
}

// keepTime reports whether times [lo, hi] may meet the range.
func (p *pruner) keepTime(lo, hi int64) bool {
	return !p.timeBound || (hi >= p.minTime && lo < p.maxTime)
}

// keepTag reports whether a value of tp may lie in [lo, hi].
func (tp *tagPredicate) keep(lo, hi []byte) bool {
	for _, v := range tp.values {
		if bytes.Compare(v, lo) >= 0 && bytes.Compare(v, hi) <= 0 {
			return true
		}
	}
	return false
}

// keepRowGroup reports whether row group g may hold matching rows, from the
// column chunk statistics.
func (p *pruner) keepRowGroup(g int) bool {
	if p.f.pf.RowGroups()[g].NumRows() == 0 || len(p.windowRows(g)) == 0 {
		return false
	}
	if p.timeBound {
		if lo, hi, ok := p.f.chunkTimeBounds(g); ok && !p.keepTime(lo, hi) {
			return false
		}
	}
	for i := range p.tags {
		tp := &p.tags[i]
		if tp.col < 0 || p.f.cols[tp.col].kind != kindTag && p.f.cols[tp.col].kind != kindString {
			return false
		}
		chunk := p.f.chunk(g, tp.col)
		lo, hi, ok := chunk.Bounds()
		if !ok {
			if chunk.NullCount() == chunk.NumValues() {
				return false // all null
			}
			continue // no statistics
		}
		if !tp.keep(lo.ByteArray(), hi.ByteArray()) {
			return false
		}
	}
	return true
}

// rowRanges returns the rows of row group g that the page indexes of the time
// column and the tag filter columns cannot rule out.
func (p *pruner) rowRanges(g int) []rowRange {
	numRows := p.f.pf.RowGroups()[g].NumRows()
	ranges := p.windowRows(g)
	if p.timeBound {
		ranges = intersect(ranges, p.pageRanges(g, p.f.timeCol, numRows, func(null bool, lo, hi []byte) bool {
			if null || len(lo) != 8 || len(hi) != 8 {
				return true
			}
			return p.keepTime(int64(binary.LittleEndian.Uint64(lo)), int64(binary.LittleEndian.Uint64(hi)))
		}))
	}
	for i := range p.tags {
		tp := &p.tags[i]
		ranges = intersect(ranges, p.pageRanges(g, tp.col, numRows, func(null bool, lo, hi []byte) bool {
			return !null && tp.keep(lo, hi)
		}))
	}
	if p.sample != nil {
		ranges = intersect(ranges, p.sampledPages(g, numRows))
	}
	return ranges
}

// sampledPages returns the rows of row group g's pages the block sample
// keeps, a page being the time column's (every column is cut into pages
// at the same rows); without a page index the row group is one block.
func (p *pruner) sampledPages(g int, numRows int64) []rowRange {
	_, oi := p.f.pageIndex(g, p.f.timeCol)
	if oi == nil || len(oi.PageLocations) == 0 {
		if p.sample.Keeps(uint64(g), math.MaxUint64) {
			return []rowRange{{0, numRows}}
		}
		return nil
	}
	var out []rowRange
	for i := range oi.PageLocations {
		start, end := pageRows(oi.PageLocations, i, numRows)
		if start < end && p.sample.Keeps(uint64(g), uint64(i)) {
			out = appendRange(out, start, end)
		}
	}
	return out
}

// windowRows returns row group g's rows inside the row window, relative to
// the group: all of them without a window, none outside it.
func (p *pruner) windowRows(g int) []rowRange {
	groups := p.f.pf.RowGroups()
	numRows := groups[g].NumRows()
	if p.window.end == 0 {
		return []rowRange{{0, numRows}}
	}
	var first int64
	for _, rg := range groups[:g] {
		first += rg.NumRows()
	}
	lo, hi := max(p.window.start-first, 0), min(p.window.end-first, numRows)
	if lo >= hi {
		return nil
	}
	return []rowRange{{lo, hi}}
}

// pageRanges returns the rows of the pages of column c in row group g that
// keep accepts, given each page's null flag and min/max; all rows when the
// column has no usable page index.
func (p *pruner) pageRanges(g, c int, numRows int64, keep func(null bool, lo, hi []byte) bool) []rowRange {
	ci, oi := p.f.pageIndex(g, c)
	all := []rowRange{{0, numRows}}
	if ci == nil || oi == nil {
		return all
	}
	locs := oi.PageLocations
	if len(locs) == 0 || len(ci.NullPages) != len(locs) || len(ci.MinValues) != len(locs) || len(ci.MaxValues) != len(locs) {
		return all
	}
	var out []rowRange
	for i := range locs {
		start, end := pageRows(locs, i, numRows)
		if start < end && keep(ci.NullPages[i], ci.MinValues[i], ci.MaxValues[i]) {
			out = appendRange(out, start, end)
		}
	}
	return out
}

// appendRange appends the rows [start, end), which follow out's, to out,
// joined to the last range when they meet it.
func appendRange(out []rowRange, start, end int64) []rowRange {
	if n := len(out); n > 0 && out[n-1].end == start {
		out[n-1].end = end
		return out
	}
	return append(out, rowRange{start, end})
}

// pageRows returns the rows of page i of an offset index, clamped to the row
// group.
func pageRows(locs []format.PageLocation, i int, numRows int64) (start, end int64) {
	start = min(max(locs[i].FirstRowIndex, 0), numRows)
	end = numRows
	if i+1 < len(locs) {
		end = min(max(locs[i+1].FirstRowIndex, start), numRows)
	}
	return start, end
}

// intersect returns the rows in both a and b, which are sorted and disjoint.
func intersect(a, b []rowRange) []rowRange {
	var out []rowRange
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].start, b[j].start), min(a[i].end, b[j].end)
		if lo < hi {
			out = append(out, rowRange{lo, hi})
		}
		if a[i].end < b[j].end {
			i++
		} else {
			j++
		}
	}
	return out
}

// CandidateRows returns the rows of the file, as sorted, disjoint [start,
// end) ranges of file row numbers, that the time range, tag filters and row
// window of opts cannot be ruled out for by row group statistics and page
// indexes: a reader with these options reads rows only from them. Callers
// use it to size and place parallel row windows by the rows a query may
// read rather than by the rows a file has.
func (f *File) CandidateRows(opts ReadOptions) (ranges [][2]int64, err error) {
	defer recoverError(&err, "read statistics")
	p := newPruner(f, opts)
	var first int64
	for g, rg := range f.pf.RowGroups() {
		n := rg.NumRows()
		if p.keepRowGroup(g) {
			for _, r := range p.rowRanges(g) {
				lo, hi := first+r.start, first+r.end
				if k := len(ranges); k > 0 && ranges[k-1][1] == lo {
					ranges[k-1][1] = hi
				} else {
					ranges = append(ranges, [2]int64{lo, hi})
				}
			}
		}
		first += n
	}
	return ranges, nil
}
