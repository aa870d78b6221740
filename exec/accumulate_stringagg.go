package exec

import (
	"bytes"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// stringAggAcc is string_agg(x, sep [ORDER BY k]) of text (or tags)
// without DISTINCT when
// the ORDER BY is absent, is the argument itself, or is one key of
// bigint, timestamp or double precision: each group's values back to
// back in one byte slice (no value boxed, no string made per row) and
// the keys in a typed slice, sorted at the end as collectAcc sorts its
// boxed ones (stably, NULL keys where NULLS FIRST/LAST puts them, NaN
// above every number). Other orders are collectAcc's.
type stringAggAcc[K int64 | float64] struct {
	agg  Agg
	data [][]byte
	ends [][]int // each value's end in data
	// keyed: the one ORDER BY key's values (knull: which were NULL, made
	// at the group's first NULL key).
	keyed  bool
	keys   [][]K
	knull  [][]bool
	keysOf func(arrow.Array) []K
	cmp    func(a, b K) int
	held   int64
}

// newStringAggAcc is the typed string_agg accumulator for a, nil when its
// order needs collectAcc.
func newStringAggAcc(a Agg) accumulator {
	if a.Distinct || a.Arg == nil || !IsText(a.Arg.Type()) {
		return nil
	}
	if len(a.Order) == 0 || a.orderedByArg() {
		return &stringAggAcc[int64]{agg: a}
	}
	if len(a.Order) != 1 {
		return nil
	}
	switch a.Order[0].Expr.Type().ID() {
	case arrow.INT64:
		return &stringAggAcc[int64]{agg: a, keyed: true, cmp: cmp3[int64], keysOf: func(x arrow.Array) []int64 { return x.(*array.Int64).Int64Values() }}
	case arrow.TIMESTAMP:
		return &stringAggAcc[int64]{agg: a, keyed: true, cmp: cmp3[int64], keysOf: func(x arrow.Array) []int64 { return timestampValues(x.(*array.Timestamp)) }}
	case arrow.FLOAT64:
		return &stringAggAcc[float64]{agg: a, keyed: true, cmp: cmpFloat, keysOf: func(x arrow.Array) []float64 { return x.(*array.Float64).Float64Values() }}
	}
	return nil
}

func (a *stringAggAcc[K]) heldBytes() int64 { return a.held }

func (a *stringAggAcc[K]) grow(groups int) {
	a.data, a.ends = growTo(a.data, groups), growTo(a.ends, groups)
	if a.keyed {
		a.keys, a.knull = growTo(a.keys, groups), growTo(a.knull, groups)
	}
}

// update appends each row's text (the argument is text or a tag, as
// newStringAggAcc checked).
func (a *stringAggAcc[K]) update(gids []uint32, arg, _ arrow.Array) error {
	text := textAccessor(arg)
	var n int
	for i, g := range gids {
		if arg.IsValid(i) {
			v := text(i) // a view of the batch's bytes, copied here
			a.data[g] = append(a.data[g], v...)
			a.ends[g] = append(a.ends[g], len(a.data[g]))
			n += len(v) + 8
		}
	}
	a.held += 2 * int64(n)
	return nil
}

// updateKeys records the ORDER BY key of each row whose argument is not
// NULL; the aggregate operator calls it before update.
func (a *stringAggAcc[K]) updateKeys(gids []uint32, arg arrow.Array, keys []arrow.Array) error {
	k := keys[0]
	vals := a.keysOf(k)
	for i, g := range gids {
		if arg.IsNull(i) {
			continue
		}
		if k.IsNull(i) {
			if a.knull[g] == nil {
				a.knull[g] = make([]bool, len(a.keys[g]), cap(a.keys[g]))
			}
			var zero K
			a.keys[g] = append(a.keys[g], zero)
			a.knull[g] = append(a.knull[g], true)
			continue
		}
		a.keys[g] = append(a.keys[g], vals[i])
		if a.knull[g] != nil {
			a.knull[g] = append(a.knull[g], false)
		}
	}
	a.held += 16 * int64(len(gids))
	return nil
}

func (a *stringAggAcc[K]) result(dt arrow.DataType, groups int) arrow.Array {
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	sep := []byte(a.agg.Sep)
	var idx []int
	var out []byte
	for g := 0; g < groups; g++ {
		data, ends := a.data[g], a.ends[g]
		if len(ends) == 0 {
			b.AppendNull()
			continue
		}
		value := func(j int) []byte {
			start := 0
			if j > 0 {
				start = ends[j-1]
			}
			return data[start:ends[j]]
		}
		idx = idx[:0]
		for j := range ends {
			idx = append(idx, j)
		}
		switch {
		case a.keyed:
			keys, nulls, sk := a.keys[g], a.knull[g], a.agg.Order[0]
			if nulls == nil && a.presorted(keys, sk.Desc, idx) {
				break // rows arrive in time order: no sort
			}
			slices.SortStableFunc(idx, func(x, y int) int {
				if nulls != nil && (nulls[x] || nulls[y]) {
					return nullsPlaced(nulls[x], nulls[y], sk.NullsFirst)
				}
				if sk.Desc {
					return a.cmp(keys[y], keys[x])
				}
				return a.cmp(keys[x], keys[y])
			})
		case len(a.agg.Order) > 0: // ordered by the argument
			desc := a.agg.Order[0].Desc
			slices.SortStableFunc(idx, func(x, y int) int {
				if desc {
					return bytes.Compare(value(y), value(x))
				}
				return bytes.Compare(value(x), value(y))
			})
		}
		out = out[:0]
		for n, j := range idx {
			if n > 0 {
				out = append(out, sep...)
			}
			out = append(out, value(j)...)
		}
		if sb, ok := b.(*array.StringBuilder); ok {
			sb.BinaryBuilder.Append(out)
		} else {
			appendValue(b, string(out))
		}
	}
	return b.NewArray()
}

// presorted reports whether keys (none NULL) are already in the order
// asked for, or strictly in its reverse, in which case idx is reversed:
// the stable sort's answer either way, found in one pass.
func (a *stringAggAcc[K]) presorted(keys []K, desc bool, idx []int) bool {
	in, rev := true, true
	for j := 1; j < len(keys) && (in || rev); j++ {
		c := a.cmp(keys[j-1], keys[j])
		if desc {
			c = -c
		}
		in = in && c <= 0
		rev = rev && c > 0
	}
	if !in && rev {
		slices.Reverse(idx)
	}
	return in || rev
}
