package exec

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stretchr/testify/require"
)

// timeOfRow is one input row of a time_of_min/max check; nil is NULL.
type timeOfRow struct {
	g    uint32
	v    any // int64, float64, string or bool
	t    *int64
	half int // which of two partial accumulators reads the row
}

// timeOfWant is the time of each group's smallest (max: largest) value,
// the smallest time among equal values, from a plain scan of the rows.
func timeOfWant(rows []timeOfRow, groups int, max bool) []*int64 {
	want := make([]*int64, groups)
	best := make([]any, groups)
	for _, r := range rows {
		if r.v == nil || r.t == nil {
			continue
		}
		if want[r.g] == nil {
			want[r.g], best[r.g] = r.t, r.v
			continue
		}
		c := compareAny(r.v, best[r.g])
		if max {
			c = -c
		}
		if c < 0 || c == 0 && *r.t < *want[r.g] {
			want[r.g], best[r.g] = r.t, r.v
		}
	}
	return want
}

func compareAny(a, b any) int {
	switch a := a.(type) {
	case int64:
		return cmp.Compare(a, b.(int64))
	case float64:
		return cmpFloat(a, b.(float64)) // NaN after every number, as PostgreSQL
	case string:
		return strings.Compare(a, b.(string))
	case bool:
		return cmpBool(a, b.(bool))
	}
	panic(fmt.Sprintf("type %T", a))
}

// timeOfArrays builds the value and time columns of rows.
func timeOfArrays(t *testing.T, rows []timeOfRow, kind arrow.Type) (gids []uint32, vals, times arrow.Array) {
	mem := memory.DefaultAllocator
	var vb array.Builder
	switch kind {
	case arrow.INT64:
		vb = array.NewInt64Builder(mem)
	case arrow.FLOAT64:
		vb = array.NewFloat64Builder(mem)
	case arrow.STRING:
		vb = array.NewStringBuilder(mem)
	case arrow.BOOL:
		vb = array.NewBooleanBuilder(mem)
	}
	tb := array.NewTimestampBuilder(mem, TypeTimestamptz)
	for _, r := range rows {
		gids = append(gids, r.g)
		switch v := r.v.(type) {
		case nil:
			vb.AppendNull()
		case int64:
			vb.(*array.Int64Builder).Append(v)
		case float64:
			vb.(*array.Float64Builder).Append(v)
		case string:
			vb.(*array.StringBuilder).Append(v)
		case bool:
			vb.(*array.BooleanBuilder).Append(v)
		}
		if r.t == nil {
			tb.AppendNull()
		} else {
			tb.Append(arrow.Timestamp(*r.t))
		}
	}
	vals, times = vb.NewArray(), tb.NewArray()
	t.Cleanup(func() { vals.Release(); times.Release() })
	return gids, vals, times
}

// TestTimeOfExtreme: time_of_min/max (selector_min/max(v, t)['time']) over
// random values with many ties and NULLs, read by one accumulator in
// batches and by two partial accumulators merged, equal a plain scan.
func TestTimeOfExtreme(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const groups = 40
	for _, kind := range []arrow.Type{arrow.INT64, arrow.FLOAT64, arrow.STRING, arrow.BOOL} {
		for _, max := range []bool{false, true} {
			var rows []timeOfRow
			for range 3000 {
				row := timeOfRow{g: uint32(r.IntN(groups)), half: r.IntN(2)}
				tm := int64(r.IntN(50))
				if r.IntN(20) > 0 {
					row.t = &tm
				}
				if r.IntN(10) > 0 {
					n := r.IntN(6) // few distinct values: many ties
					switch kind {
					case arrow.INT64:
						row.v = int64(n)
					case arrow.FLOAT64:
						row.v = float64(n) / 2
						if n == 5 {
							row.v = math.NaN()
						}
					case arrow.STRING:
						row.v = string(rune('a' + n))
					case arrow.BOOL:
						row.v = n%2 == 0
					}
				}
				rows = append(rows, row)
			}
			want := timeOfWant(rows, groups+2, max) // two groups without rows
			fn := AggTimeOfMin
			if max {
				fn = AggTimeOfMax
			}
			check := func(acc accumulator, how string) {
				got := acc.result(TypeTimestamptz, groups+2).(*array.Timestamp)
				defer got.Release()
				for g := range want {
					if want[g] == nil {
						require.True(t, got.IsNull(g), "%v max=%v %s group %d", kind, max, how, g)
						continue
					}
					require.True(t, got.IsValid(g), "%v max=%v %s group %d", kind, max, how, g)
					require.Equal(t, *want[g], int64(got.Value(g)), "%v max=%v %s group %d", kind, max, how, g)
				}
			}

			// One accumulator, three batches.
			one, err := newAccumulator(Agg{Func: fn})
			require.NoError(t, err)
			one.grow(groups + 2)
			for _, part := range [][]timeOfRow{rows[:1000], rows[1000:2000], rows[2000:]} {
				gids, vals, times := timeOfArrays(t, part, kind)
				require.NoError(t, one.update(gids, vals, times))
			}
			check(one, "batches")

			// Two partial accumulators (as two scan workers), merged.
			merged, err := newAccumulator(Agg{Func: fn})
			require.NoError(t, err)
			merged.grow(groups + 2)
			for half := range 2 {
				var part []timeOfRow
				for _, row := range rows {
					if row.half == half {
						part = append(part, row)
					}
				}
				acc, err := newAccumulator(Agg{Func: fn})
				require.NoError(t, err)
				acc.grow(groups + 2)
				gids, vals, times := timeOfArrays(t, part, kind)
				require.NoError(t, acc.update(gids, vals, times))
				ident := make([]uint32, groups+2)
				for g := range ident {
					ident[g] = uint32(g)
				}
				require.NoError(t, merged.(merger).merge(acc, ident))
			}
			check(merged, "merged")
		}
	}
}
