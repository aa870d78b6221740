package exec

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// AsofJoin joins each left row to at most one right row: of the right rows
// whose keys equal its keys, the one whose match value (rightOn) is nearest
// to the left row's (leftOn) while leftOn op rightOn holds. For >= that is
// the latest right value at or before the left one (a quote in force at a
// trade), for <= the earliest at or after it; > and < exclude equal values.
// Among right rows of one value, >= and > take the last to arrive, <= and
// < the first. Left rows with no such row, or a NULL key or match value,
// are dropped (inner) or padded with NULLs (left), in the left input's
// order.
//
// The right input is built once into one group per key tuple, its rows
// sorted by match value (only groups whose rows did not arrive in order
// are sorted); each left row looks its group up by hash and
// binary-searches it. Typed slices, no allocation per row.
type AsofJoin struct {
	hj              *HashJoin // its inputs, key encoding, build records and output assembly
	leftOn, rightOn Expr
	op              CmpOp
	outer           bool

	built bool
	cur   arrow.Record

	// The build rows of each key tuple, by match value (orderKey), then
	// arrival; groups whose tuples hash alike chain through next from
	// first[hash].
	groups []asofGroup
	first  map[uint64]int32
}

type asofGroup struct {
	key  []uint64
	next int32
	vals []uint64
	refs []rowRef
}

// NewAsofJoin joins left and right on leftKeys[i] = rightKeys[i] and the
// nearest leftOn op rightOn (op one of Lt, Le, Gt, Ge); outer keeps left
// rows without a match.
func NewAsofJoin(c *Ctx, outer bool, left, right Operator, leftKeys, rightKeys []Expr, leftOn, rightOn Expr, op CmpOp) *AsofJoin {
	kind := JoinInner
	if outer {
		kind = JoinLeft
	}
	return &AsofJoin{hj: NewHashJoin(c, kind, left, right, leftKeys, rightKeys, nil),
		leftOn: leftOn, rightOn: rightOn, op: op, outer: outer, first: map[uint64]int32{}}
}

func (j *AsofJoin) Schema() *arrow.Schema { return j.hj.Schema() }

// orderKeys evaluates a match value over rec as unsigned keys in the
// value's order (floats in PostgreSQL's: -0 = 0, NaN above +Infinity);
// ok[i] is false for a NULL.
func (j *AsofJoin) orderKeys(rec arrow.Record, e Expr) ([]uint64, []bool, error) {
	a, err := e.Eval(j.hj.c, rec)
	if err != nil {
		return nil, nil, err
	}
	defer a.Release()
	n := a.Len()
	keys := make([]uint64, n)
	ok := make([]bool, n)
	for i := range ok {
		ok[i] = a.IsValid(i)
	}
	const sign = 1 << 63
	switch a := a.(type) {
	case *array.Int64:
		for i, v := range a.Int64Values() {
			keys[i] = uint64(v) ^ sign
		}
	case *array.Timestamp:
		for i, v := range timestampValues(a) {
			keys[i] = uint64(v) ^ sign
		}
	case *array.Date32:
		for i, v := range a.Date32Values() {
			keys[i] = uint64(int64(v)) ^ sign
		}
	case *array.Float64:
		for i, v := range a.Float64Values() {
			keys[i] = floatOrderKey(v)
		}
	default:
		return nil, nil, fmt.Errorf("ASOF JOIN cannot order %v values", a.DataType())
	}
	return keys, ok, nil
}

// floatOrderKey maps a float to an unsigned key in cmpFloat's order.
func floatOrderKey(f float64) uint64 {
	switch {
	case f != f:
		return math.MaxUint64
	case f == 0:
		f = 0 // -0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

func (j *AsofJoin) build(ctx context.Context) error {
	j.built = true
	hj := j.hj
	nk := hj.nk
	err := eachBatch(ctx, hj.right, func(rec arrow.Record) error {
		ri, keys, ok, err := hj.keepBuild(rec, 24)
		if err != nil {
			return err
		}
		on, onOK, err := j.orderKeys(rec, j.rightOn)
		if err != nil {
			return err
		}
		last := int32(-1) // rows of one series often come in runs
		for row := range ok {
			if !ok[row] || !onOK[row] {
				continue
			}
			key := keys[row*nk : (row+1)*nk]
			g := last
			if g < 0 || !slices.Equal(j.groups[g].key, key) {
				g = j.group(key, true)
				last = g
			}
			grp := &j.groups[g]
			grp.vals = append(grp.vals, on[row])
			grp.refs = append(grp.refs, makeRef(ri, row))
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Rows mostly arrive in time order per series: sort only the groups
	// that did not.
	for g := range j.groups {
		grp := &j.groups[g]
		if slices.IsSorted(grp.vals) {
			continue
		}
		type entry struct {
			val uint64
			ref rowRef
		}
		es := make([]entry, len(grp.vals))
		for i := range es {
			es[i] = entry{grp.vals[i], grp.refs[i]}
		}
		slices.SortFunc(es, func(a, b entry) int {
			if c := cmp.Compare(a.val, b.val); c != 0 {
				return c
			}
			return cmp.Compare(a.ref, b.ref)
		})
		for i, e := range es {
			grp.vals[i], grp.refs[i] = e.val, e.ref
		}
	}
	return nil
}

// group returns the index of key's group, adding it when add (else -1).
func (j *AsofJoin) group(key []uint64, add bool) int32 {
	h := tupleHash(key)
	head, ok := j.first[h]
	if !ok {
		head = -1
	}
	for g := head; g >= 0; g = j.groups[g].next {
		if slices.Equal(j.groups[g].key, key) {
			return g
		}
	}
	if !add {
		return -1
	}
	g := int32(len(j.groups))
	j.groups = append(j.groups, asofGroup{key: slices.Clone(key), next: head})
	j.first[h] = g
	return g
}

// match returns the build row nearest to a left row's key tuple and match
// value v, or false.
func (j *AsofJoin) match(key []uint64, v uint64) (rowRef, bool) {
	g := j.group(key, false)
	if g < 0 {
		return 0, false
	}
	vals := j.groups[g].vals
	var p int
	switch j.op {
	case Ge: // the last value <= v
		p = sort.Search(len(vals), func(i int) bool { return vals[i] > v }) - 1
	case Gt: // the last value < v
		p = sort.Search(len(vals), func(i int) bool { return vals[i] >= v }) - 1
	case Le: // the first value >= v
		p = sort.Search(len(vals), func(i int) bool { return vals[i] >= v })
	case Lt: // the first value > v
		p = sort.Search(len(vals), func(i int) bool { return vals[i] > v })
	}
	if p < 0 || p >= len(vals) {
		return 0, false
	}
	return j.groups[g].refs[p], true
}

func (j *AsofJoin) Next(ctx context.Context) (arrow.Record, error) {
	if j.cur != nil {
		j.cur.Release()
		j.cur = nil
	}
	if !j.built {
		if err := j.build(ctx); err != nil {
			return nil, err
		}
	}
	nk := j.hj.nk
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := j.hj.left.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		keys, ok, err := j.hj.keys(rec, j.hj.leftKeys)
		if err != nil {
			return nil, err
		}
		on, onOK, err := j.orderKeys(rec, j.leftOn)
		if err != nil {
			return nil, err
		}
		var li []int32
		var rr []rowRef
		for i := range ok {
			ref, hit := rowRef(0), false
			if ok[i] && onOK[i] {
				ref, hit = j.match(keys[i*nk:(i+1)*nk], on[i])
			}
			switch {
			case hit:
				li, rr = append(li, int32(i)), append(rr, ref)
			case j.outer:
				li, rr = append(li, int32(i)), append(rr, noRef)
			}
		}
		if len(li) == 0 {
			continue
		}
		out, err := j.hj.assemble(rec, li, rr)
		if err != nil {
			return nil, err
		}
		j.cur = out
		return out, nil
	}
}

func (j *AsofJoin) Close() {
	if j.cur != nil {
		j.cur.Release()
		j.cur = nil
	}
	j.hj.Close()
}
