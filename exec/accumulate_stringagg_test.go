package exec

import (
	"fmt"
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
