package pqfile

import (
	"fmt"
	"sort"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// cursor reads the pages of one column chunk forward, seeking past pages no
// requested row lies in, and copies rows of the current page into a builder.
type cursor struct {
	f       *File
	chunk   *parquet.FileColumnChunk
	col     fileColumn
	key     pageKey               // the chunk in f.cache; page set per page
	pages   *parquet.FilePages    // opened at the first page not cached
	locs    []format.PageLocation // the offset index; nil without one
	numRows int64
	stats   *ReadStats
	noFill  bool // do not add pages read to the cache

	page     parquet.Page // current page, nil before the first
	cached   bool         // page belongs to the cache: never Release it
	maxCode  int32        // a cached page's largest dictionary code (pageInfo)
	start    int64        // first row of the current page
	end      int64        // end of the current page's rows
	nextPage int          // index in locs of the page ReadPage returns next
	read     int          // pages read

	levels   []byte // definition levels of the page; nil when it has no nulls
	lastRow  int64  // a row of the page and the index of its value in the
	lastVal  int    // page's values: counting nulls resumes from there
	dict     *dictionary
	dictFrom parquet.Dictionary // the page dictionary dict was built from
}

func newCursor(f *File, g, c int, stats *ReadStats, noFill bool) *cursor {
	cur := &cursor{
		f:       f,
		chunk:   f.chunk(g, c),
		col:     f.cols[c],
		key:     pageKey{file: f.id, group: int32(g), column: int32(c)},
		numRows: f.pf.RowGroups()[g].NumRows(),
		stats:   stats,
		end:     0,
		noFill:  noFill,
	}
	if _, oi := f.pageIndex(g, c); oi != nil && len(oi.PageLocations) > 0 {
		cur.locs = oi.PageLocations
	}
	return cur
}

func (c *cursor) close() {
	if c.locs != nil {
		c.stats.PagesSkipped += max(len(c.locs)-c.read, 0)
	}
	c.releasePage()
	if c.dict != nil {
		c.dict.release()
		c.dict = nil
	}
	if c.pages != nil {
		c.pages.Close()
	}
}

// filePages returns the chunk's page reader, opening it on first use.
func (c *cursor) filePages() *parquet.FilePages {
	if c.pages == nil {
		c.pages = c.chunk.PagesFrom(c.f.pf)
	}
	return c.pages
}

func (c *cursor) releasePage() {
	if c.page != nil && !c.cached {
		parquet.Release(c.page)
	}
	c.page, c.cached = nil, false
}

// load makes the page holding row current. Rows only move forward; with an
// offset index the pages before row's page are skipped without being read.
func (c *cursor) load(row int64) error {
	if c.page != nil && row >= c.start && row < c.end {
		return nil
	}
	if c.page != nil && row < c.start {
		return fmt.Errorf("pqfile: column %q: row %d is before the current page at row %d", c.col.name, row, c.start)
	}
	c.releasePage()
	if c.locs != nil {
		target := sort.Search(len(c.locs), func(i int) bool { return c.locs[i].FirstRowIndex > row }) - 1
		if target < 0 {
			return fmt.Errorf("pqfile: column %q: no page holds row %d", c.col.name, row)
		}
		c.start, c.end = pageRows(c.locs, target, c.numRows)
		cache := c.f.cache
		if cache != nil {
			c.key.page = int32(target)
			if p, info := cache.page(c.key); p != nil {
				c.stats.PagesCached++
				c.maxCode = info.maxCode
				return c.usePage(p, true, info.nulls)
			}
		}
		if target != c.nextPage {
			if err := c.filePages().SeekToRow(c.locs[target].FirstRowIndex); err != nil {
				return fmt.Errorf("pqfile: column %q: seek to row %d: %w", c.col.name, c.locs[target].FirstRowIndex, err)
			}
		}
		c.nextPage = target + 1
		if err := c.readPage(); err != nil {
			return err
		}
		if cache != nil && !c.noFill {
			c.maxCode = cache.addPage(c.key, c.page).maxCode
			c.cached = true
		}
		return nil
	}
	for {
		c.start = c.end
		if err := c.readPage(); err != nil {
			return err
		}
		c.end = c.start + c.page.NumRows()
		if row < c.end {
			return nil
		}
		c.releasePage()
	}
}

// readPage reads the next page and prepares its view.
func (c *cursor) readPage() error {
	p, err := c.filePages().ReadPage()
	if err != nil {
		return fmt.Errorf("pqfile: column %q: read page at row %d: %w", c.col.name, c.start, err)
	}
	c.stats.PagesRead++
	return c.usePage(p, false, -1)
}

// usePage makes p, of rows [c.start, c.end) with an offset index, current;
// nulls is its count of nulls, or -1 if not known.
func (c *cursor) usePage(p parquet.Page, cached bool, nulls int64) error {
	c.page, c.cached = p, cached
	c.read++
	if c.locs != nil && p.NumRows() != c.end-c.start {
		return fmt.Errorf("pqfile: column %q: page at row %d has %d rows, offset index says %d", c.col.name, c.start, p.NumRows(), c.end-c.start)
	}
	c.levels = nil
	if nulls < 0 {
		nulls = p.NumNulls() // walks the levels: cached pages keep the count
	}
	if nulls > 0 {
		c.levels = p.DefinitionLevels()
		if int64(len(c.levels)) != p.NumRows() {
			return fmt.Errorf("pqfile: column %q: page at row %d has %d levels for %d rows", c.col.name, c.start, len(c.levels), p.NumRows())
		}
	}
	c.lastRow, c.lastVal = 0, 0
	return nil
}

// valueIndex returns the index in the page's values of page row i (rows
// asked for only move forward within a page).
func (c *cursor) valueIndex(i int64) int {
	if c.levels == nil {
		return int(i)
	}
	if i < c.lastRow {
		c.lastRow, c.lastVal = 0, 0
	}
	for _, l := range c.levels[c.lastRow:i] {
		if l != 0 {
			c.lastVal++
		}
	}
	c.lastRow = i
	return c.lastVal
}

// int64s returns the values of rows [from, to) of the time column: a view
// of the page's values, valid until the cursor moves, when one page holds
// them all (view true), else a copy in *scratch.
func (c *cursor) int64s(from, to int64, scratch *[]int64) (vals []int64, view bool, err error) {
	if err := c.load(from); err != nil {
		return nil, false, err
	}
	if to <= c.end && c.levels == nil {
		i := int(from - c.start)
		data := c.page.Data()
		return data.Int64()[i : i+int(to-from)], true, nil
	}
	dst := (*scratch)[:0]
	defer func() { *scratch = dst }()
	for from < to {
		if err := c.load(from); err != nil {
			return dst, false, err
		}
		upto := min(to, c.end)
		data := c.page.Data()
		vs := data.Int64()
		i := c.valueIndex(from - c.start)
		dst = append(dst, vs[i:i+int(upto-from)]...)
		from = upto
	}
	return dst, false, nil
}

// appendRuns appends the rows of runs, sorted and disjoint, to b.
func (c *cursor) appendRuns(runs []rowRange, b *builder) error {
	for _, r := range runs {
		for from := r.start; from < r.end; {
			if err := c.load(from); err != nil {
				return err
			}
			upto := min(r.end, c.end)
			if err := c.copyRows(from-c.start, upto-c.start, b); err != nil {
				return err
			}
			from = upto
		}
	}
	return nil
}

// copyRows appends page rows [i, j) to b.
func (c *cursor) copyRows(i, j int64, b *builder) error {
	v := c.valueIndex(i)
	var levels []byte
	if c.levels != nil {
		levels = c.levels[i:j]
	}
	data := c.page.Data()
	switch c.col.kind {
	case kindTime, kindTimestamp, kindInt, kindUint:
		b.appendFixed(asBytes(data.Int64()), 8, v, levels, int(j-i))
	case kindFloat:
		b.appendFixed(asBytes(data.Double()), 8, v, levels, int(j-i))
	case kindBool:
		b.appendBools(data.Boolean(), v, levels, int(j-i))
	case kindString:
		vals, offs := data.ByteArray()
		b.appendStrings(vals, offs, v, levels, int(j-i))
	case kindTag:
		return c.copyTags(data, v, levels, int(j-i), b)
	}
	return nil
}

// copyTags appends tag rows. Dictionary-encoded pages append their indices
// as they are, sharing one Arrow dictionary built once per column chunk from
// the Parquet dictionary page; plain pages (a writer that gave up on the
// dictionary) hash their strings.
func (c *cursor) copyTags(data encoding.Values, v int, levels []byte, n int, b *builder) error {
	pd := c.page.Dictionary()
	if pd == nil {
		vals, offs := data.ByteArray()
		b.appendTagStrings(vals, offs, v, levels, n)
		return nil
	}
	return b.appendTagCodes(c.dictionary(pd, b.alloc), data.Int32(), v, levels, n)
}

// dictionary returns the Arrow copy of page dictionary pd (a reference the
// cursor holds): from the page cache when the file has one, since every
// page of a chunk, whichever reader decoded it, indexes the chunk's one
// dictionary page; else built from pd with alloc.
func (c *cursor) dictionary(pd parquet.Dictionary, alloc memory.Allocator) *dictionary {
	if c.dict != nil && (c.dictFrom == pd || c.f.cache != nil) {
		return c.dict
	}
	if c.dict != nil {
		c.dict.release()
	}
	build := func(alloc memory.Allocator) func() *dictionary {
		return func() *dictionary {
			dd := pd.Page().Data()
			vals, offs := dd.ByteArray()
			return newDictionary(vals, offs, alloc)
		}
	}
	if cache := c.f.cache; cache != nil {
		k := c.key
		k.page = dictPage
		c.dict = cache.dictionary(k, build(memory.DefaultAllocator), !c.noFill)
	} else {
		c.dict = build(alloc)()
	}
	c.dictFrom = pd
	return c.dict
}

// view returns rows [run.start, run.end) as an array over the page's own
// values, or nil when they cannot be: the page may be released (not
// cached), has nulls, does not hold the whole run, or its kind is not
// fixed-width or dictionary codes.
func (c *cursor) view(run rowRange, alloc memory.Allocator) (arrow.Array, error) {
	if err := c.load(run.start); err != nil {
		return nil, err
	}
	if !c.cached || c.levels != nil || run.end > c.end {
		return nil, nil
	}
	i, j := int(run.start-c.start), int(run.end-c.start)
	data := c.page.Data()
	switch c.col.kind {
	case kindTime, kindTimestamp, kindInt, kindUint, kindFloat:
		var b []byte
		if c.col.kind == kindFloat {
			b = asBytes(data.Double()[i:j])
		} else {
			b = asBytes(data.Int64()[i:j])
		}
		return fixedArray(c.col.kind.arrowType(), b), nil
	case kindTag:
		pd := c.page.Dictionary()
		if pd == nil {
			return nil, nil
		}
		d := c.dictionary(pd, alloc)
		codes := data.Int32()[i:j]
		if c.maxCode < 0 || int(c.maxCode) >= d.len() {
			// Checked once per cached page: find the culprit for the error.
			for _, code := range codes {
				if uint32(code) >= uint32(d.len()) {
					return nil, fmt.Errorf("pqfile: dictionary code %d out of range [0, %d)", code, d.len())
				}
			}
			if c.maxCode >= 0 {
				return nil, fmt.Errorf("pqfile: dictionary code %d out of range [0, %d)", c.maxCode, d.len())
			}
		}
		buf := memory.NewBufferBytes(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(codes))), len(codes)*4))
		ad := array.NewDataWithDictionary(tagArrowType, len(codes), []*memory.Buffer{nil, buf}, 0, 0, d.arr.Data().(*array.Data))
		defer ad.Release()
		return array.MakeFromData(ad), nil
	}
	return nil, nil
}

// fixedArray is an array of 8-byte values over b, which it does not own.
func fixedArray(dt arrow.DataType, b []byte) arrow.Array {
	ad := array.NewData(dt, len(b)/8, []*memory.Buffer{nil, memory.NewBufferBytes(b)}, nil, 0, 0)
	defer ad.Release()
	return array.MakeFromData(ad)
}

// asBytes views 8-byte values as bytes.
func asBytes[T int64 | float64](vs []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(vs))), len(vs)*8)
}
