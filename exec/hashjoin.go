package exec

import (
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// JoinKind is the kind of a join.
type JoinKind int

// The join kinds.
const (
	JoinInner JoinKind = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinSemi // left rows with at least one match (EXISTS); output: left columns
	JoinAnti // left rows with no match (NOT EXISTS); output: left columns
)

// HashJoin joins its left and right inputs on equal keys (none: every pair,
// a cross join), keeping pairs for which Residual (over the joined columns:
// left's then right's) is true. The right input is built into a hash table;
// left batches probe it. Outer joins pad the missing side with NULLs. NULL
// keys never match, as in SQL.
type HashJoin struct {
	left, right Operator
	kind        JoinKind
	leftKeys    []Expr
	rightKeys   []Expr
	residual    Expr
	schema      *arrow.Schema // joined columns (what Residual sees)
	outSchema   *arrow.Schema // what the join returns
	c           *Ctx

	built   bool
	recs    []arrow.Record // build side
	matched [][]bool
	intern  []map[string]uint64
	tail    bool // unmatched right rows emitted
	cur     arrow.Record

	// The hash table over the build side's rows with non-NULL keys, in
	// build order: row g has key tuple keyv[g*nk:(g+1)*nk] (each key as
	// encoded by the grouper) and address refs[g]; the rows whose tuples
	// hash alike chain from chains[hash] through next, in build order.
	// Typed slices, no allocation per row.
	nk     int
	keyv   []uint64
	refs   []rowRef
	next   []int32
	chains map[uint64]chain

	// The left batch being probed, resumable between output chunks.
	probeRec  arrow.Record
	probeKeys []uint64 // nk per row
	probeOK   []bool
	probePos  int    // next left row
	probeG    int32  // next build row of its chain to look at (chainStart: from the top)
	rowHit    []bool // left rows of probeRec that matched
}

// chain is the first and last build row of a hash chain.
type chain struct{ first, last int32 }

// chainStart marks a probe row whose chain is not yet looked up.
const chainStart = -2

// tupleHash hashes a key tuple; one key is its own hash (the map mixes it).
func tupleHash(k []uint64) uint64 {
	if len(k) == 1 {
		return k[0]
	}
	h := uint64(14695981039346656037)
	for _, v := range k {
		h ^= v
		h *= 0x9E3779B97F4A7C15
		h ^= h >> 29
	}
	return h
}

// NewHashJoin joins left and right; leftKeys[i] = rightKeys[i] are the
// equi-join conditions.
func NewHashJoin(c *Ctx, kind JoinKind, left, right Operator, leftKeys, rightKeys []Expr, residual Expr) *HashJoin {
	fields := make([]arrow.Field, 0, left.Schema().NumFields()+right.Schema().NumFields())
	for _, f := range left.Schema().Fields() {
		f.Nullable = true
		fields = append(fields, f)
	}
	for _, f := range right.Schema().Fields() {
		f.Nullable = true
		fields = append(fields, f)
	}
	j := &HashJoin{left: left, right: right, kind: kind, leftKeys: leftKeys, rightKeys: rightKeys, residual: residual,
		schema: arrow.NewSchema(fields, nil), c: c, nk: len(leftKeys), chains: map[uint64]chain{}}
	if kind == JoinSemi || kind == JoinAnti {
		j.outSchema = left.Schema()
	} else {
		j.outSchema = j.schema
	}
	j.intern = make([]map[string]uint64, len(leftKeys))
	for i := range j.intern {
		j.intern[i] = map[string]uint64{}
	}
	return j
}

func (j *HashJoin) Schema() *arrow.Schema { return j.outSchema }

// keys encodes the key values of a batch: row i's tuple is
// enc[i*nk:(i+1)*nk]; ok[i] is false when a key of row i is NULL.
func (j *HashJoin) keys(rec arrow.Record, exprs []Expr) ([]uint64, []bool, error) {
	n, nk := int(rec.NumRows()), len(exprs)
	enc := make([]uint64, n*nk)
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = true
	}
	for k, e := range exprs {
		a, err := e.Eval(j.c, rec)
		if err != nil {
			return nil, nil, err
		}
		g := &grouper{keys: []Expr{e}, intern: []map[string]uint64{j.intern[k]}, texts: make([][]string, 1), enc: make([][]uint64, 1), scratch: make([][]uint64, 1), isNul: make([][]bool, 1)}
		err = g.encode(0, a)
		a.Release()
		if err != nil {
			return nil, nil, err
		}
		for i, v := range g.enc[0] {
			enc[i*nk+k] = v
		}
		for i, null := range g.isNul[0] {
			if null {
				ok[i] = false
			}
		}
	}
	return enc, ok, nil
}

func (j *HashJoin) build(ctx context.Context) error {
	j.built = true
	// Empty batches are skipped: assemble reads row 0 of recs[0] for
	// unmatched rows.
	return eachBatch(ctx, j.right, func(rec arrow.Record) error {
		ri, keys, ok, err := j.keepBuild(rec, 48)
		if err != nil {
			return err
		}
		j.matched = append(j.matched, make([]bool, rec.NumRows()))
		nk := j.nk
		for row := range ok {
			if !ok[row] {
				continue
			}
			key := keys[row*nk : (row+1)*nk]
			g := int32(len(j.refs))
			j.refs = append(j.refs, makeRef(ri, row))
			j.keyv = append(j.keyv, key...)
			j.next = append(j.next, -1)
			h := tupleHash(key)
			if c, ok := j.chains[h]; ok {
				j.next[c.last] = g
				j.chains[h] = chain{c.first, g}
			} else {
				j.chains[h] = chain{g, g}
			}
		}
		return nil
	})
}

// keepBuild keeps a batch of the build side, reserving its memory and
// perRow bytes more a row, and encodes its keys; ri is its index in recs.
func (j *HashJoin) keepBuild(rec arrow.Record, perRow int64) (ri int, keys []uint64, ok []bool, err error) {
	if err := j.c.Reserve(recordSize(rec) + perRow*rec.NumRows()); err != nil {
		return 0, nil, nil, err
	}
	rec.Retain()
	ri = len(j.recs)
	j.recs = append(j.recs, rec)
	keys, ok, err = j.keys(rec, j.rightKeys)
	return ri, keys, ok, err
}

const noRef = ^rowRef(0)

func (j *HashJoin) Next(ctx context.Context) (arrow.Record, error) {
	if j.cur != nil {
		j.cur.Release()
		j.cur = nil
	}
	if !j.built {
		if err := j.build(ctx); err != nil {
			return nil, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if j.probeRec == nil {
			rec, err := j.left.Next(ctx)
			if err != nil {
				return nil, err
			}
			if rec == nil {
				break
			}
			if err := j.startProbe(rec); err != nil {
				return nil, err
			}
		}
		out, err := j.probeChunk()
		if err != nil {
			return nil, err
		}
		if out != nil {
			j.cur = out
			return out, nil
		}
	}
	if (j.kind == JoinRight || j.kind == JoinFull) && !j.tail {
		j.tail = true
		var refs []rowRef
		for ri, m := range j.matched {
			for row, hit := range m {
				if !hit {
					refs = append(refs, makeRef(ri, row))
				}
			}
		}
		if len(refs) > 0 {
			left := make([]int32, len(refs))
			for i := range left {
				left[i] = -1
			}
			out, err := j.assemble(nil, left, refs)
			if err != nil {
				return nil, err
			}
			j.cur = out
			return out, nil
		}
	}
	return nil, nil
}

// joinChunkRows bounds the rows one output batch of the join holds, so that
// a key matching many rows on both sides streams instead of materializing
// its whole product.
const joinChunkRows = 64 << 10

// startProbe begins joining one left batch.
func (j *HashJoin) startProbe(rec arrow.Record) error {
	keys, ok, err := j.keys(rec, j.leftKeys)
	if err != nil {
		return err
	}
	rec.Retain()
	j.probeRec, j.probeKeys, j.probeOK = rec, keys, ok
	j.probePos, j.probeG = 0, chainStart
	n := int(rec.NumRows())
	if cap(j.rowHit) < n {
		j.rowHit = make([]bool, n)
	}
	j.rowHit = j.rowHit[:n]
	clear(j.rowHit)
	return nil
}

func (j *HashJoin) endProbe() {
	if j.probeRec != nil {
		j.probeRec.Release()
		j.probeRec = nil
	}
}

// probeChunk joins the next part of the current left batch: at most about
// joinChunkRows matches. It returns nil while there is nothing to emit;
// the batch ends (endProbe) after its last chunk, which also carries the
// unmatched left rows of outer joins and the result of semi and anti joins.
func (j *HashJoin) probeChunk() (arrow.Record, error) {
	rec := j.probeRec
	n, nk := len(j.probeOK), j.nk
	existsOnly := (j.kind == JoinSemi || j.kind == JoinAnti) && j.residual == nil // only whether a match exists matters
	var li []int32
	var rr []rowRef
	for j.probePos < n && len(li) < joinChunkRows {
		i := j.probePos
		if j.probeOK[i] {
			key := j.probeKeys[i*nk : (i+1)*nk]
			g := j.probeG
			if g == chainStart {
				g = -1
				if c, ok := j.chains[tupleHash(key)]; ok {
					g = c.first
				}
			}
			for ; g >= 0; g = j.next[g] {
				if !slices.Equal(j.keyv[int(g)*nk:int(g+1)*nk], key) {
					continue
				}
				if existsOnly {
					j.rowHit[i] = true
					g = -1
					break
				}
				if len(li) == joinChunkRows {
					break // this row continues in the next chunk, at g
				}
				li = append(li, int32(i))
				rr = append(rr, j.refs[g])
			}
			if g >= 0 {
				j.probeG = g
				break
			}
		}
		j.probePos++
		j.probeG = chainStart
	}
	last := j.probePos >= n
	if j.residual != nil && len(li) > 0 {
		cand, err := j.assemble(rec, li, rr)
		if err != nil {
			return nil, err
		}
		mask, err := j.residual.Eval(j.c, cand)
		cand.Release()
		if err != nil {
			return nil, err
		}
		b := mask.(*array.Boolean)
		keep := 0
		for i := range li {
			if b.IsValid(i) && b.Value(i) {
				li[keep], rr[keep] = li[i], rr[i]
				keep++
			}
		}
		mask.Release()
		li, rr = li[:keep], rr[:keep]
	}
	for _, ref := range rr {
		j.matched[ref>>32][uint32(ref)] = true
	}
	for _, i := range li {
		j.rowHit[i] = true
	}
	if j.kind == JoinSemi || j.kind == JoinAnti {
		if !last {
			return nil, nil
		}
		defer j.endProbe()
		var keep []int32
		for i, h := range j.rowHit {
			if h == (j.kind == JoinSemi) {
				keep = append(keep, int32(i))
			}
		}
		if len(keep) == 0 {
			return nil, nil
		}
		return takeRecord(rec, keep)
	}
	if last {
		defer j.endProbe()
		if j.kind == JoinLeft || j.kind == JoinFull {
			for i, h := range j.rowHit {
				if !h {
					li = append(li, int32(i))
					rr = append(rr, noRef)
				}
			}
		}
	}
	if len(li) == 0 {
		return nil, nil
	}
	return j.assemble(rec, li, rr)
}

// assemble builds joined rows: left rows li (-1: NULLs) beside right rows rr
// (noRef: NULLs).
func (j *HashJoin) assemble(left arrow.Record, li []int32, rr []rowRef) (arrow.Record, error) {
	n := len(li)
	cols := make([]arrow.Array, 0, j.schema.NumFields())
	release := func() {
		for _, c := range cols {
			c.Release()
		}
	}
	nl := j.left.Schema().NumFields()
	for c := 0; c < nl; c++ {
		dt := j.schema.Field(c).Type
		if left == nil {
			cols = append(cols, nullsOf(dt, n))
			continue
		}
		idx, valid := padIndexes32(li)
		a, err := takeArray(left.Column(c), idx)
		if err != nil {
			release()
			return nil, err
		}
		cols = append(cols, maskNulls(a, valid))
	}
	for c := nl; c < j.schema.NumFields(); c++ {
		dt := j.schema.Field(c).Type
		if len(j.recs) == 0 {
			cols = append(cols, nullsOf(dt, n))
			continue
		}
		refs := make([]rowRef, n)
		var valid []byte
		for i, r := range rr {
			if r == noRef {
				valid = withNull(valid, n, i)
				r = 0
			}
			refs[i] = r
		}
		srcs := make([]arrow.Array, len(j.recs))
		for i, r := range j.recs {
			srcs[i] = r.Column(c - nl)
		}
		a, err := gatherColumn(dt, srcs, refs)
		if err != nil {
			release()
			return nil, err
		}
		cols = append(cols, maskNulls(a, valid))
	}
	out := array.NewRecord(j.schema, cols, int64(n))
	release()
	return out, nil
}

func allValid(n int) []byte {
	v := newBitmap(n)
	for i := range v {
		v[i] = 0xff
	}
	return v
}

// padIndexes32 replaces -1 (no row) by 0 and returns a validity bitmap
// clearing those positions (nil when there are none).
func padIndexes32(li []int32) ([]int32, []byte) {
	var valid []byte
	idx := li
	for i, x := range li {
		if x < 0 {
			if valid == nil {
				valid = allValid(len(li))
				idx = append([]int32(nil), li...)
			}
			valid[i>>3] &^= 1 << (uint(i) & 7)
			idx[i] = 0
		}
	}
	return idx, valid
}

// maskNulls sets rows to NULL where valid has a 0 bit (nil: unchanged).
func maskNulls(a arrow.Array, valid []byte) arrow.Array {
	if valid == nil {
		return a
	}
	defer a.Release()
	n := a.Len()
	if old := validity(a); old != nil {
		valid = andValidity(valid, old)
	}
	data := a.Data()
	nulls := countNulls(valid, n)
	if off := data.Offset(); off != 0 { // a slice: the bitmap starts at its offset too
		shifted := make([]byte, bitutil.BytesForBits(int64(off+n)))
		bitutil.CopyBitmap(valid, 0, n, shifted, off)
		valid = shifted
	}
	bufs := append([]*memory.Buffer(nil), data.Buffers()...)
	bufs[0] = memory.NewBufferBytes(valid)
	nd := array.NewData(a.DataType(), n, bufs, data.Children(), nulls, data.Offset())
	if d := data.Dictionary(); d != nil {
		nd.SetDictionary(d)
	}
	defer nd.Release()
	out := array.MakeFromData(nd)
	if d, ok := out.(*array.Dictionary); ok {
		d.Dictionary()
	}
	return out
}

// nullsOf is an all-NULL column of a stored or SQL type.
func nullsOf(dt arrow.DataType, n int) arrow.Array {
	if dt.ID() == arrow.DICTIONARY {
		// One entry, so the codes of the NULL slots stay in range for
		// kernels that read codes before validity.
		sb := array.NewStringBuilder(memory.DefaultAllocator)
		sb.Append("")
		dict := sb.NewArray()
		sb.Release()
		defer dict.Release()
		idx := fixedArray(arrow.PrimitiveTypes.Int32, make([]int32, n), newBitmap(n))
		defer idx.Release()
		d := array.NewDictionaryArray(dt, idx, dict)
		d.Dictionary()
		return d
	}
	return array.MakeArrayOfNull(memory.DefaultAllocator, dt, n)
}

func (j *HashJoin) Close() {
	j.endProbe()
	if j.cur != nil {
		j.cur.Release()
		j.cur = nil
	}
	for _, r := range j.recs {
		r.Release()
	}
	j.recs = nil
	j.left.Close()
	j.right.Close()
}
