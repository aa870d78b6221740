package exec

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// SortKey is one ORDER BY item. NULLs sort as larger than every value (as in
// PostgreSQL): last ascending, first descending, unless NullsFirst says
// otherwise.
type SortKey struct {
	Expr       Expr
	Desc       bool
	NullsFirst bool
}

// DefaultNullsFirst is PostgreSQL's default: NULLS FIRST for DESC.
func DefaultNullsFirst(desc bool) bool { return desc }

// Sort orders all of its child's rows. With a limit it keeps only the first
// limit rows of the order (a top-k: see topK).
type Sort struct {
	child  Operator
	keys   []SortKey
	c      *Ctx
	limit  int64
	recs   []arrow.Record
	refs   []rowRef
	pos    int
	cur    arrow.Record
	sorted bool
}

// NewSort sorts child by keys; limit < 0 means all rows.
func NewSort(c *Ctx, child Operator, keys []SortKey, limit int64) *Sort {
	return &Sort{child: child, keys: keys, c: c, limit: limit}
}

func (s *Sort) Schema() *arrow.Schema { return s.child.Schema() }

// keyCmp compares the key values of two rows (in their records).
type keyCmp func(a, b rowRef) int

func (s *Sort) Next(ctx context.Context) (arrow.Record, error) {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	if !s.sorted {
		if err := s.sortAll(ctx); err != nil {
			return nil, err
		}
	}
	if s.pos >= len(s.refs) {
		return nil, nil
	}
	end := min(s.pos+BatchRows, len(s.refs))
	refs := s.refs[s.pos:end]
	s.pos = end
	rec, err := takeRows(s.Schema(), s.recs, refs)
	if err != nil {
		return nil, err
	}
	s.cur = rec
	return rec, nil
}

// takeRows is the rows refs name, in that order: a slice of their record
// when they are consecutive rows of one (groups made in key order, a scan
// or a series in time order), no copy; gathered otherwise.
func takeRows(schema *arrow.Schema, recs []arrow.Record, refs []rowRef) (arrow.Record, error) {
	if r, ok := runOf(refs); ok {
		return recs[r>>32].NewSlice(int64(uint32(r)), int64(uint32(r))+int64(len(refs))), nil
	}
	return gatherRows(schema, recs, refs)
}

// runOf reports whether refs are consecutive rows of one record, and the
// first of them.
func runOf(refs []rowRef) (rowRef, bool) {
	for i := 1; i < len(refs); i++ {
		if refs[i] != refs[0]+rowRef(i) {
			return 0, false
		}
	}
	return refs[0], len(refs) > 0
}

func (s *Sort) sortAll(ctx context.Context) error {
	if s.limit >= 0 {
		return s.topK(ctx)
	}
	s.sorted = true
	keyVals := make([][]arrow.Array, len(s.keys)) // [key][record]
	defer func() {
		for _, ks := range keyVals {
			for _, a := range ks {
				a.Release()
			}
		}
	}()
	for {
		rec, err := s.child.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		if err := s.c.Reserve(recordSize(rec) + 8*rec.NumRows()); err != nil {
			return err
		}
		rec.Retain()
		ri := len(s.recs)
		s.recs = append(s.recs, rec)
		for k, key := range s.keys {
			a, err := key.Expr.Eval(s.c, rec)
			if err != nil {
				return err
			}
			keyVals[k] = append(keyVals[k], a)
		}
		for row := 0; row < int(rec.NumRows()); row++ {
			s.refs = append(s.refs, makeRef(ri, row))
		}
	}
	order, err := keyOrder(s.keys, keyVals)
	if err != nil {
		return err
	}
	slices.SortStableFunc(s.refs, order)
	return ctx.Err()
}

// keyOrder compares rows by the sort keys, given each key's values per
// record ([key][record]).
func keyOrder(keys []SortKey, vals [][]arrow.Array) (keyCmp, error) {
	cmps := make([]keyCmp, len(keys))
	for k, key := range keys {
		c, err := compareFunc(vals[k], key.Desc, key.NullsFirst)
		if err != nil {
			return nil, err
		}
		cmps[k] = c
	}
	return func(a, b rowRef) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return 0
	}, nil
}

// compareFunc returns a comparison of rows by one key, given the key's values
// per record.
func compareFunc(vals []arrow.Array, desc, nullsFirst bool) (keyCmp, error) {
	if len(vals) == 0 {
		return func(a, b rowRef) int { return 0 }, nil
	}
	dir := 1
	if desc {
		dir = -1
	}
	nullSide := 1 // NULL after values
	if nullsFirst {
		nullSide = -1
	}
	var values func(a, b rowRef) int
	switch vals[0].DataType().ID() {
	case arrow.INT64:
		values = typedCmp(vals, func(a arrow.Array) []int64 { return a.(*array.Int64).Int64Values() })
	case arrow.UINT64:
		values = typedCmp(vals, func(a arrow.Array) []uint64 { return a.(*array.Uint64).Uint64Values() })
	case arrow.FLOAT64:
		vs := make([][]float64, len(vals))
		for i, v := range vals {
			vs[i] = v.(*array.Float64).Float64Values()
		}
		values = func(a, b rowRef) int { return cmpFloat(vs[a>>32][uint32(a)], vs[b>>32][uint32(b)]) }
	case arrow.TIMESTAMP:
		values = typedCmp(vals, func(a arrow.Array) []int64 { return timestampValues(a.(*array.Timestamp)) })
	case arrow.DICTIONARY:
		values = dictRankCmp(vals)
	case arrow.STRING:
		get := make([]func(int) string, len(vals))
		for i, v := range vals {
			get[i] = textAccessor(v)
		}
		values = func(a, b rowRef) int { return cmp.Compare(get[a>>32](int(uint32(a))), get[b>>32](int(uint32(b)))) }
	case arrow.BOOL:
		values = func(a, b rowRef) int {
			return cmpBool(vals[a>>32].(*array.Boolean).Value(int(uint32(a))), vals[b>>32].(*array.Boolean).Value(int(uint32(b))))
		}
	case arrow.INTERVAL_MONTH_DAY_NANO:
		values = func(a, b rowRef) int {
			return cmpInterval(vals[a>>32].(*array.MonthDayNanoInterval).Value(int(uint32(a))), vals[b>>32].(*array.MonthDayNanoInterval).Value(int(uint32(b))))
		}
	case arrow.NULL:
		return func(a, b rowRef) int { return 0 }, nil
	default:
		return nil, fmt.Errorf("cannot sort by %v values", vals[0].DataType())
	}
	hasNulls := false
	for _, v := range vals {
		hasNulls = hasNulls || v.NullN() > 0
	}
	if !hasNulls {
		return func(a, b rowRef) int { return dir * values(a, b) }, nil
	}
	return func(a, b rowRef) int {
		an, bn := vals[a>>32].IsNull(int(uint32(a))), vals[b>>32].IsNull(int(uint32(b)))
		switch {
		case an && bn:
			return 0
		case an:
			return nullSide
		case bn:
			return -nullSide
		}
		return dir * values(a, b)
	}, nil
}

func typedCmp[T cmp.Ordered](vals []arrow.Array, values func(arrow.Array) []T) func(a, b rowRef) int {
	vs := make([][]T, len(vals))
	for i, v := range vals {
		vs[i] = values(v)
	}
	return func(a, b rowRef) int { return cmp.Compare(vs[a>>32][uint32(a)], vs[b>>32][uint32(b)]) }
}

func (s *Sort) Close() {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	for _, r := range s.recs {
		r.Release()
	}
	s.recs = nil
	s.child.Close()
}

// dictRankCmp compares tag values by rank: the distinct strings of all the
// records' dictionaries are sorted once, each record's codes mapped to
// ranks, and rows compare as integers (no string decoding per comparison).
func dictRankCmp(vals []arrow.Array) func(a, b rowRef) int {
	seen := dictionaryRanks(vals)
	ranks := make([][]int32, len(vals))
	codes := make([][]int32, len(vals))
	for r, v := range vals {
		da := v.(*array.Dictionary)
		d := da.Dictionary().(*array.String)
		ranks[r] = make([]int32, d.Len())
		for i := range ranks[r] {
			ranks[r][i] = int32(seen[d.Value(i)])
		}
		codes[r] = da.Indices().(*array.Int32).Int32Values()
	}
	return func(a, b rowRef) int {
		ra := ranks[a>>32][codes[a>>32][uint32(a)]]
		rb := ranks[b>>32][codes[b>>32][uint32(b)]]
		return cmp.Compare(ra, rb)
	}
}

// dictionaryRanks is each distinct string of the tag values' dictionaries
// (one per record) by its rank in sorted order.
func dictionaryRanks(vals []arrow.Array) map[string]uint32 {
	seen := map[string]uint32{}
	var all []string
	for _, v := range vals {
		d := v.(*array.Dictionary).Dictionary().(*array.String)
		for i := 0; i < d.Len(); i++ {
			if _, ok := seen[d.Value(i)]; !ok {
				seen[d.Value(i)] = 0
				all = append(all, d.Value(i))
			}
		}
	}
	slices.Sort(all)
	for i, s := range all {
		seen[s] = uint32(i)
	}
	return seen
}
