package exec

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// stringAggOf runs string_agg(DISTINCT? v, ',' ORDER BY v [DESC]) over
// rec's column v, grouped by gids, through the collecting accumulator as
// the aggregate operator drives it (ORDER BY keys first, unless the keys
// are the argument).
func stringAggOf(t testing.TB, rec arrow.Record, gids []uint32, groups int, distinct, desc bool) []string {
	arg := colRef(rec, "v")
	a := Agg{Func: AggStringAgg, Arg: arg, Sep: ",", Distinct: distinct, Order: []SortKey{{Expr: colRef(rec, "v"), Desc: desc}}}
	acc := &collectAcc{agg: a}
	acc.grow(groups)
	col := rec.Column(arg.Index)
	if !a.orderedByArg() {
		require.NoError(t, acc.updateKeys(gids, col, []arrow.Array{col}))
	}
	require.NoError(t, acc.update(gids, col, nil))
	res := acc.result(TypeText, groups)
	defer res.Release()
	out := make([]string, groups)
	for g := range out {
		s, ok := FormatValue(res, g, time.UTC)
		if !ok {
			s = "NULL"
		}
		out[g] = s
	}
	return out
}

// TestStringAggDistinct: each distinct value once, in the ORDER BY's
// order, NULLs left out; without DISTINCT every value.
func TestStringAggDistinct(t *testing.T) {
	vals := []any{"b", "a", nil, "b", "c", "a", "x", nil, "x", "y"}
	gids := []uint32{0, 0, 0, 0, 0, 0, 1, 1, 1, 1}
	rec := recordOf(t, col{"v", TypeText, vals})
	defer rec.Release()
	for _, tc := range []struct {
		distinct, desc bool
		want           []string
	}{
		{true, false, []string{"a,b,c", "x,y", "NULL"}},
		{true, true, []string{"c,b,a", "y,x", "NULL"}},
		{false, false, []string{"a,a,b,b,c", "x,x,y", "NULL"}},
		{false, true, []string{"c,b,b,a,a", "y,x,x", "NULL"}},
	} {
		name := fmt.Sprintf("distinct=%v desc=%v", tc.distinct, tc.desc)
		require.Equal(t, tc.want, stringAggOf(t, rec, gids, 3, tc.distinct, tc.desc), name)
	}
	// Ordered by another column: the keys are recorded and sort the values.
	two := recordOf(t, col{"v", TypeText, []any{"p", "q", "r"}}, col{"k", TypeInt, []any{3, 1, 2}})
	defer two.Release()
	k := colRef(two, "k")
	a := Agg{Func: AggStringAgg, Arg: colRef(two, "v"), Sep: ",", Order: []SortKey{{Expr: k}}}
	require.False(t, a.orderedByArg())
	acc := &collectAcc{agg: a}
	acc.grow(1)
	g := []uint32{0, 0, 0}
	require.NoError(t, acc.updateKeys(g, two.Column(0), []arrow.Array{two.Column(1)}))
	require.NoError(t, acc.update(g, two.Column(0), nil))
	res := acc.result(TypeText, 1)
	defer res.Release()
	s, _ := FormatValue(res, 0, time.UTC)
	require.Equal(t, "q,r,p", s)
}

// BenchmarkStringAggDistinct: string_agg(DISTINCT rack, ',') of 864,000
// rows in 100 groups of one value each (a TSBS tag per host).
func BenchmarkStringAggDistinct(b *testing.B) {
	vals := make([]any, 864000)
	gids := make([]uint32, len(vals))
	for i := range vals {
		gids[i] = uint32(i % 100)
		vals[i] = fmt.Sprintf("rack_%d", i%100)
	}
	rec := recordOf(b, col{"v", TypeText, vals})
	defer rec.Release()
	for b.Loop() {
		stringAggOf(b, rec, gids, 100, true, false)
	}
}

// TestStringAggTypedMatchesCollected: the typed string_agg accumulator
// gives what the collecting one gives, over random values and keys with
// NULLs (and NaN keys) or in arrival order, of text and tags, every key
// type it takes, ascending and
// descending, NULLs first and last, the rows fed in several batches.
func TestStringAggTypedMatchesCollected(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	const rows, groups = 600, 7
	vals := make([]any, rows)
	ints, floats, times := make([]any, rows), make([]any, rows), make([]any, rows)
	// Keys in arrival order: with ties (sorted, or reversed when
	// descending, only by the sort) and strictly rising (reversed).
	ties, rising := make([]any, rows), make([]any, rows)
	gids := make([]uint32, rows)
	for i := range vals {
		gids[i] = uint32(r.Intn(groups - 1)) // the last group gets no rows
		if r.Intn(10) > 0 {
			vals[i] = fmt.Sprintf("v%d", r.Intn(50))
			if r.Intn(20) == 0 {
				vals[i] = ""
			}
		}
		ties[i], rising[i] = i/9, i
		if r.Intn(8) > 0 {
			ints[i] = r.Intn(40) - 20 // ties, so stability shows
			times[i] = r.Intn(40) * 1e9
			floats[i] = float64(r.Intn(40)) / 4
			if r.Intn(15) == 0 {
				floats[i] = math.NaN()
			}
		}
	}
	rec := recordOf(t, col{"v", TypeText, vals}, col{"i", TypeInt, ints}, col{"f", TypeFloat, floats}, col{"t", TypeTimestamptz, times},
		col{"s", TypeInt, ties}, col{"u", TypeTimestamptz, rising}, col{"d", TypeTag, vals})
	defer rec.Release()
	run := func(acc accumulator, a Agg) []string {
		acc.grow(groups)
		for lo := 0; lo < rows; lo += 128 {
			hi := min(lo+128, rows)
			part := rec.NewSlice(int64(lo), int64(hi))
			arg := part.Column(a.Arg.(*Column).Index)
			if kr, ok := acc.(keyRecorder); ok && len(a.Order) > 0 && !a.orderedByArg() {
				k := part.Column(a.Order[0].Expr.(*Column).Index)
				require.NoError(t, kr.updateKeys(gids[lo:hi], arg, []arrow.Array{k}))
			}
			require.NoError(t, acc.update(gids[lo:hi], arg, nil))
			part.Release()
		}
		res := acc.result(TypeText, groups)
		defer res.Release()
		out := make([]string, groups)
		for g := range out {
			if s, ok := FormatValue(res, g, time.UTC); ok {
				out[g] = "[" + s + "]"
			} else {
				out[g] = "NULL"
			}
		}
		return out
	}
	cases := 0
	for _, arg := range []string{"v", "d"} {
		for _, key := range []string{"", "arg", "i", "f", "t", "s", "u"} {
			for _, desc := range []bool{false, true} {
				for _, nullsFirst := range []bool{false, true} {
					if key == "arg" {
						key = arg
					}
					a := Agg{Func: AggStringAgg, Arg: colRef(rec, arg), Sep: "; "}
					if key != "" {
						a.Order = []SortKey{{Expr: colRef(rec, key), Desc: desc, NullsFirst: nullsFirst}}
					}
					typed := newStringAggAcc(a)
					require.NotNil(t, typed, "key %q", key)
					require.Equal(t, run(&collectAcc{agg: a}, a), run(typed, a), "%s key %q desc %v nulls first %v", arg, key, desc, nullsFirst)
					cases++
				}
			}
		}
	}
	require.Equal(t, 56, cases)
	// Two keys, DISTINCT or a text key: the collecting accumulator's.
	require.Nil(t, newStringAggAcc(Agg{Func: AggStringAgg, Arg: colRef(rec, "v"), Order: []SortKey{{Expr: colRef(rec, "i")}, {Expr: colRef(rec, "t")}}}))
	require.Nil(t, newStringAggAcc(Agg{Func: AggStringAgg, Arg: colRef(rec, "v"), Distinct: true}))
}

// BenchmarkStringAgg: string_agg(v, ',') of 864,000 rows in 100 groups,
// unordered and ORDER BY a time descending, typed against collected.
func BenchmarkStringAgg(b *testing.B) {
	vals, times := make([]any, 864000), make([]any, 864000)
	gids := make([]uint32, len(vals))
	for i := range vals {
		gids[i] = uint32(i % 100)
		vals[i] = fmt.Sprintf("%d.%d", i%97, i%13)
		times[i] = i / 100 * 1e10
	}
	rec := recordOf(b, col{"v", TypeText, vals}, col{"t", TypeTimestamptz, times})
	defer rec.Release()
	for _, ordered := range []bool{false, true} {
		a := Agg{Func: AggStringAgg, Arg: colRef(rec, "v"), Sep: ","}
		if ordered {
			a.Order = []SortKey{{Expr: colRef(rec, "t"), Desc: true}}
		}
		for _, c := range []struct {
			name string
			acc  func() accumulator
		}{{"typed", func() accumulator { return newStringAggAcc(a) }}, {"collected", func() accumulator { return &collectAcc{agg: a} }}} {
			b.Run(fmt.Sprintf("ordered=%v/%s", ordered, c.name), func(b *testing.B) {
				for b.Loop() {
					acc := c.acc()
					acc.grow(100)
					if ordered {
						require.NoError(b, acc.(keyRecorder).updateKeys(gids, rec.Column(0), []arrow.Array{rec.Column(1)}))
					}
					require.NoError(b, acc.update(gids, rec.Column(0), nil))
					acc.result(TypeText, 100).Release()
				}
			})
		}
	}
}
