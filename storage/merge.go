package storage

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// mergeDedup sorts the rows of recs by (tags in schema order, time) and
// collapses rows with the same primary key (series + time) into one: for every
// field, the value of the newest row that has it wins (InfluxDB semantics).
// recs are ordered oldest write first; rows within a record are in write order.
// The output has exactly schema's columns (a column a source lacks is null
// there) and comes in records of at most chunkRows rows, tag columns sharing one
// sorted dictionary. schema must hold every tag column of the table, or rows of
// distinct series would be merged.
//
// Cost (1M TSBS rows, 100 series): one map lookup per row to find its series,
// a counting sort by series, a sortedness check per series (rows usually arrive
// in time order, so the per-series sort is usually skipped), then one gather per
// column.
func mergeDedup(schema *arrow.Schema, recs []arrow.Record, chunkRows int, tr TimeRange) ([]arrow.Record, error) {
	it, err := newMergeIter(schema, recs, chunkRows, tr)
	if err != nil {
		return nil, err
	}
	var out []arrow.Record
	for rec := it.Next(); rec != nil; rec = it.Next() {
		out = append(out, rec)
	}
	return out, nil
}

// mergeIter yields the merged rows chunk by chunk, so a persist holds one
// chunk of output at a time rather than a second copy of the partition.
type mergeIter struct {
	m         *merger
	chunkRows int
	next      int
}

// newMergeIter sorts and groups the rows (the work that needs every row) and
// returns an iterator that gathers the output chunks on demand.
func newMergeIter(schema *arrow.Schema, recs []arrow.Record, chunkRows int, tr TimeRange) (*mergeIter, error) {
	m, err := newMerger(schema, recs)
	if err != nil {
		return nil, err
	}
	m.tr = tr
	it := &mergeIter{m: m, chunkRows: chunkRows}
	if m.total == 0 {
		m.release()
		it.m = nil
		return it, nil
	}
	m.seriesOfRows()
	m.sortRows()
	m.findRuns()
	return it, nil
}

// Next returns the next chunk (the caller releases it), or nil at the end.
func (it *mergeIter) Next() arrow.Record {
	if it.m == nil {
		return nil
	}
	if it.next >= it.m.outRows() {
		it.m.release()
		it.m = nil
		return nil
	}
	end := min(it.next+it.chunkRows, it.m.outRows())
	rec := it.m.chunk(it.next, end)
	it.next = end
	return rec
}

type merger struct {
	schema *arrow.Schema
	recs   []arrow.Record
	total  int
	tr     TimeRange
	timeIx int   // schema index of time
	tagIx  []int // schema indices of tags
	// colOf[s][c] is the column of source s holding schema column c, or -1.
	colOf [][]int
	// times[s] are source s's timestamps.
	times [][]int64
	// rank[s][k][code] is the global rank (1-based, 0 = null) of dictionary
	// entry code of tag k in source s; dicts[k] the sorted global values.
	rank  [][][]int32
	dicts []arrow.Array
	// codes[s][k] are source s's dictionary codes of tag k (nil when the
	// source lacks the tag); tagArr[s][k] the array, for its nulls.
	codes  [][][]int32
	tagArr [][]*array.Dictionary
	// dense[s][c]: source s has schema column c without nulls.
	dense [][]bool
	// series[g] is the series id of global row g; tuples[id] its tag ranks.
	seriesID []uint32
	tuples   [][]int32
	// perm lists packed row refs (source<<32 | row) in output order;
	// runStart[r] is the first perm position of output row r.
	perm     []uint64
	runStart []int32
	starts   []int // global row index of each source's first row
}

func newMerger(schema *arrow.Schema, recs []arrow.Record) (*merger, error) {
	m := &merger{schema: schema, recs: recs, timeIx: -1}
	for i, f := range schema.Fields() {
		typ, err := ColumnTypeOf(f)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		switch typ {
		case TypeTime:
			m.timeIx = i
		case TypeTag:
			m.tagIx = append(m.tagIx, i)
		}
	}
	if m.timeIx < 0 {
		return nil, fmt.Errorf("merge: schema has no time column")
	}
	for s, rec := range recs {
		m.starts = append(m.starts, m.total)
		m.total += int(rec.NumRows())
		cols := make([]int, schema.NumFields())
		for c, f := range schema.Fields() {
			cols[c] = -1
			idx := rec.Schema().FieldIndices(f.Name)
			if len(idx) == 0 {
				continue
			}
			if !arrow.TypeEqual(rec.Schema().Field(idx[0]).Type, f.Type) {
				return nil, fmt.Errorf("merge: source %d column %q is %v, want %v", s, f.Name, rec.Schema().Field(idx[0]).Type, f.Type)
			}
			cols[c] = idx[0]
		}
		if cols[m.timeIx] < 0 {
			return nil, fmt.Errorf("merge: source %d has no time column", s)
		}
		dense := make([]bool, len(cols))
		for c, col := range cols {
			dense[c] = col >= 0 && rec.Column(col).NullN() == 0
		}
		m.colOf = append(m.colOf, cols)
		m.dense = append(m.dense, dense)
		m.times = append(m.times, timestamps(rec.Column(cols[m.timeIx])))
	}
	m.unifyDictionaries()
	return m, nil
}

// unifyDictionaries builds each tag's sorted global dictionary and every
// source's code → rank mapping, so that comparing ranks compares strings.
func (m *merger) unifyDictionaries() {
	m.rank = make([][][]int32, len(m.recs))
	m.codes = make([][][]int32, len(m.recs))
	m.tagArr = make([][]*array.Dictionary, len(m.recs))
	for s, rec := range m.recs {
		m.rank[s] = make([][]int32, len(m.tagIx))
		m.codes[s] = make([][]int32, len(m.tagIx))
		m.tagArr[s] = make([]*array.Dictionary, len(m.tagIx))
		for k, c := range m.tagIx {
			if col := m.colOf[s][c]; col >= 0 {
				d := rec.Column(col).(*array.Dictionary)
				m.tagArr[s][k] = d
				m.codes[s][k] = d.Indices().(*array.Int32).Int32Values()
			}
		}
	}
	for k, c := range m.tagIx {
		seen := map[string]struct{}{}
		for s, rec := range m.recs {
			if col := m.colOf[s][c]; col >= 0 {
				d := rec.Column(col).(*array.Dictionary).Dictionary().(*array.String)
				for i := 0; i < d.Len(); i++ {
					seen[d.Value(i)] = struct{}{}
				}
			}
		}
		values := make([]string, 0, len(seen))
		for v := range seen {
			values = append(values, v)
		}
		sort.Strings(values)
		rankOf := make(map[string]int32, len(values))
		for i, v := range values {
			rankOf[v] = int32(i + 1)
		}
		m.dicts = append(m.dicts, array.NewStringData(stringData(values)))
		for s, rec := range m.recs {
			if col := m.colOf[s][c]; col >= 0 {
				d := rec.Column(col).(*array.Dictionary).Dictionary().(*array.String)
				// At least one entry: a column of NULLs alone may come
				// with no values, its rows' codes 0 (rank 0, null).
				r := make([]int32, max(d.Len(), 1))
				for i := range d.Len() {
					r[i] = rankOf[d.Value(i)]
				}
				m.rank[s][k] = r
			}
		}
	}
}

// seriesOfRows assigns every row its series id. Series are found by a
// 64-bit hash of the rank tuple, computed a tag column at a time over a
// source's rows; each row's tuple is then checked against its series' (a
// column at a time too), and the rare row whose hash collided is placed by
// a string-keyed map of its tuple.
func (m *merger) seriesOfRows() {
	m.seriesID = make([]uint32, m.total)
	if len(m.tagIx) == 0 {
		m.tuples = [][]int32{nil}
		return
	}
	byHash := map[uint64]uint32{}
	var collided map[string]uint32
	tuple := make([]int32, len(m.tagIx))
	var hashes []uint64
	var ranks [][]int32
	for s, rec := range m.recs {
		n := int(rec.NumRows())
		hashes = slices.Grow(hashes[:0], n)[:n]
		for i := range hashes {
			hashes[i] = 14695981039346656037
		}
		if ranks == nil {
			ranks = make([][]int32, len(m.tagIx))
		}
		for k := range m.tagIx {
			ranks[k] = m.ranksOf(s, k, slices.Grow(ranks[k][:0], n)[:n])
			r := ranks[k]
			for i, v := range r {
				h := (hashes[i] ^ uint64(uint32(v))) * 1099511628211
				hashes[i] = h ^ h>>29
			}
		}
		ids := m.seriesID[m.starts[s] : m.starts[s]+n]
		for row, h := range hashes {
			id, ok := byHash[h]
			if !ok {
				for k := range tuple {
					tuple[k] = ranks[k][row]
				}
				id = m.newSeries(tuple)
				byHash[h] = id
			}
			ids[row] = id
		}
		// A row whose tuple differs from its series' shares a hash with
		// another series: placed by its tuple.
		for row, id := range ids {
			same := true
			for k := range tuple {
				if m.tuples[id][k] != ranks[k][row] {
					same = false
					break
				}
			}
			if same {
				continue
			}
			for k := range tuple {
				tuple[k] = ranks[k][row]
			}
			if collided == nil {
				collided = map[string]uint32{}
			}
			key := tupleKey(tuple)
			if id, ok := collided[key]; ok {
				ids[row] = id
				continue
			}
			ids[row] = m.newSeries(tuple)
			collided[key] = ids[row]
		}
	}
}

// ranksOf fills out (one per row of source s) with the ranks of tag k (0
// when null or absent) and returns it.
func (m *merger) ranksOf(s, k int, out []int32) []int32 {
	codes := m.codes[s][k]
	if codes == nil {
		clear(out)
		return out
	}
	rank := m.rank[s][k]
	for i, c := range codes {
		out[i] = rank[c]
	}
	if d := m.tagArr[s][k]; d.NullN() > 0 {
		for i := range out {
			if d.IsNull(i) {
				out[i] = 0
			}
		}
	}
	return out
}

func (m *merger) newSeries(tuple []int32) uint32 {
	m.tuples = append(m.tuples, slices.Clone(tuple))
	return uint32(len(m.tuples) - 1)
}

func tupleKey(tuple []int32) string {
	b := make([]byte, 0, 4*len(tuple))
	for _, r := range tuple {
		b = append(b, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
	}
	return string(b)
}

// sortRows orders rows by (series tuple, time), stable in write order.
func (m *merger) sortRows() {
	order := make([]int, len(m.tuples))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return slices.Compare(m.tuples[order[a]], m.tuples[order[b]]) < 0 })
	ordOf := make([]int32, len(m.tuples))
	for pos, id := range order {
		ordOf[id] = int32(pos)
	}
	// Counting sort by series ordinal (stable), leaving out rows outside
	// the time range.
	next := make([]int, len(m.tuples)+1)
	kept := 0
	for s := range m.recs {
		base := m.starts[s]
		for row, ts := range m.times[s] {
			if m.tr.Contains(ts) {
				next[ordOf[m.seriesID[base+row]]+1]++
				kept++
			}
		}
	}
	for i := 1; i < len(next); i++ {
		next[i] += next[i-1]
	}
	groupStart := slices.Clone(next)
	m.perm = make([]uint64, kept)
	for s := range m.recs {
		base := m.starts[s]
		for row, ts := range m.times[s] {
			if !m.tr.Contains(ts) {
				continue
			}
			o := ordOf[m.seriesID[base+row]]
			m.perm[next[o]] = uint64(s)<<32 | uint64(row)
			next[o]++
		}
	}
	// Within each series, sort by time where rows are not already in order.
	for g := 0; g+1 < len(groupStart); g++ {
		seg := m.perm[groupStart[g]:groupStart[g+1]]
		if !slices.IsSortedFunc(seg, m.cmpTime) {
			slices.SortStableFunc(seg, m.cmpTime)
		}
	}
}

func (m *merger) timeOf(ref uint64) int64 { return m.times[ref>>32][uint32(ref)] }

func (m *merger) seriesOf(ref uint64) uint32 {
	return m.seriesID[m.starts[ref>>32]+int(uint32(ref))]
}

func (m *merger) cmpTime(a, b uint64) int { return cmp.Compare(m.timeOf(a), m.timeOf(b)) }

// findRuns groups adjacent rows with the same series and time.
func (m *merger) findRuns() {
	m.runStart = make([]int32, 0, len(m.perm)+1)
	for i, ref := range m.perm {
		if i == 0 || m.timeOf(ref) != m.timeOf(m.perm[i-1]) || m.seriesOf(ref) != m.seriesOf(m.perm[i-1]) {
			m.runStart = append(m.runStart, int32(i))
		}
	}
	m.runStart = append(m.runStart, int32(len(m.perm)))
}

func (m *merger) outRows() int { return len(m.runStart) - 1 }

const noRow = ^uint64(0)

// picks returns, for output rows [start, end), the row that supplies schema
// column c: the newest row of the run where the column is not null, or noRow.
func (m *merger) picks(c, start, end int, dst []uint64) []uint64 {
	dst = dst[:0]
	for r := start; r < end; r++ {
		if first := m.runStart[r]; m.runStart[r+1]-first == 1 {
			// One row, the common case: take it unless it lacks the value.
			ref := m.perm[first]
			if m.dense[ref>>32][c] {
				dst = append(dst, ref)
				continue
			}
		}
		pick := noRow
		for p := m.runStart[r+1] - 1; p >= m.runStart[r]; p-- {
			ref := m.perm[p]
			col := m.colOf[ref>>32][c]
			if col >= 0 && m.recs[ref>>32].Column(col).IsValid(int(uint32(ref))) {
				pick = ref
				break
			}
		}
		dst = append(dst, pick)
	}
	return dst
}

// chunk builds the output record of output rows [start, end).
func (m *merger) chunk(start, end int) arrow.Record {
	n := end - start
	cols := make([]arrow.Array, m.schema.NumFields())
	var picks []uint64
	// Each output row's series, for the tag columns.
	var series []uint32
	if len(m.tagIx) > 0 {
		series = make([]uint32, n)
		for r := range series {
			series[r] = m.seriesOf(m.perm[m.runStart[start+r]])
		}
	}
	for c, f := range m.schema.Fields() {
		switch {
		case c == m.timeIx:
			ts := make([]int64, n)
			for r := range ts {
				ts[r] = m.timeOf(m.perm[m.runStart[start+r]])
			}
			cols[c] = array.NewTimestampData(array.NewData(TimeArrowType, n, []*memory.Buffer{nil, memory.NewBufferBytes(sliceBytes(ts))}, nil, 0, 0))
		case slices.Contains(m.tagIx, c):
			k := slices.Index(m.tagIx, c)
			codes := make([]int32, n)
			var valid []byte
			nulls := 0
			for r := range codes {
				rank := m.tuples[series[r]][k]
				if rank == 0 {
					valid, nulls = clearBit(valid, r, n), nulls+1
					continue
				}
				codes[r] = rank - 1
			}
			data := array.NewData(TagArrowType, n, []*memory.Buffer{bufferOrNil(valid), memory.NewBufferBytes(sliceBytes(codes))}, nil, nulls, 0)
			data.SetDictionary(m.dicts[k].Data())
			cols[c] = newDictArray(data)
			data.Release()
		default:
			picks = m.picks(c, start, end, picks)
			cols[c] = m.gatherField(c, f.Type, picks)
		}
	}
	rec := array.NewRecord(m.schema, cols, int64(n))
	for _, col := range cols {
		col.Release()
	}
	return rec
}

func (m *merger) column(ref uint64, c int) arrow.Array {
	return m.recs[ref>>32].Column(m.colOf[ref>>32][c])
}

func (m *merger) gatherField(c int, dt arrow.DataType, picks []uint64) arrow.Array {
	switch dt.ID() {
	case arrow.FLOAT64:
		return gatherFixed(m, c, dt, picks, func(a arrow.Array) []float64 { return a.(*array.Float64).Float64Values() })
	case arrow.INT64:
		return gatherFixed(m, c, dt, picks, func(a arrow.Array) []int64 { return a.(*array.Int64).Int64Values() })
	case arrow.UINT64:
		return gatherFixed(m, c, dt, picks, func(a arrow.Array) []uint64 { return a.(*array.Uint64).Uint64Values() })
	case arrow.TIMESTAMP:
		return gatherFixed(m, c, dt, picks, timestamps)
	case arrow.BOOL:
		b := array.NewBooleanBuilder(memory.DefaultAllocator)
		defer b.Release()
		b.Reserve(len(picks))
		for _, ref := range picks {
			if ref == noRow {
				b.AppendNull()
			} else {
				b.Append(m.column(ref, c).(*array.Boolean).Value(int(uint32(ref))))
			}
		}
		return b.NewArray()
	case arrow.STRING:
		b := array.NewStringBuilder(memory.DefaultAllocator)
		defer b.Release()
		b.Reserve(len(picks))
		for _, ref := range picks {
			if ref == noRow {
				b.AppendNull()
			} else {
				b.Append(m.column(ref, c).(*array.String).Value(int(uint32(ref))))
			}
		}
		return b.NewArray()
	}
	panic(fmt.Sprintf("merge: unexpected field type %v", dt))
}

func gatherFixed[T int64 | uint64 | float64](m *merger, c int, dt arrow.DataType, picks []uint64, values func(arrow.Array) []T) arrow.Array {
	n := len(picks)
	out := make([]T, n)
	var valid []byte
	nulls := 0
	srcVals := make([][]T, len(m.recs))
	for s := range m.recs {
		if col := m.colOf[s][c]; col >= 0 {
			srcVals[s] = values(m.recs[s].Column(col))
		}
	}
	for r, ref := range picks {
		if ref == noRow {
			valid, nulls = clearBit(valid, r, n), nulls+1
			continue
		}
		out[r] = srcVals[ref>>32][uint32(ref)]
	}
	data := array.NewData(dt, n, []*memory.Buffer{bufferOrNil(valid), memory.NewBufferBytes(sliceBytes(out))}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// clearBit marks row r of an n-row validity bitmap null, allocating the
// bitmap (all valid) on first use.
func clearBit(valid []byte, r, n int) []byte {
	if valid == nil {
		valid = make([]byte, (n+7)/8)
		for i := range valid {
			valid[i] = 0xff
		}
	}
	valid[r>>3] &^= 1 << (uint(r) & 7)
	return valid
}

func bufferOrNil(b []byte) *memory.Buffer {
	if b == nil {
		return nil
	}
	return memory.NewBufferBytes(b)
}

func (m *merger) release() {
	for _, d := range m.dicts {
		d.Release()
	}
}

// describeSchema renders a schema's column names for error messages.
func describeSchema(s *arrow.Schema) string {
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
