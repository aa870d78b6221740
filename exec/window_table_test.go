package exec

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// windowTableInput is eight rows in three records (the second empty):
// partition a's rows sort as 0, 2, 3 (peers at t = 2), 5, 7 and b's as 4,
// 1, 6 (t NULL, last).
func windowTableInput(t *testing.T) []arrow.Record {
	hour := 3600_000_000_000
	cols := func(from, to int) []col {
		all := []col{
			{"g", TypeTag, []any{"a", "b", "a", "a", "b", "a", "b", "a"}},
			{"t", TypeInt, []any{1, 2, 2, 2, 1, 3, nil, 4}},
			{"ts", TypeTimestamptz, []any{hour, 2 * hour, 2 * hour, 2 * hour, hour, 3 * hour, nil, 4 * hour}},
			{"v", TypeInt, []any{10, nil, 20, 5, 7, nil, 3, 1}},
			{"f", TypeFloat, []any{1.5, 2.0, nil, 0.5, -1.0, 3.0, 4.0, 2.5}},
			{"s", TypeText, []any{"x", "y", nil, "z", "w", "v", "u", "t"}},
			{"b", TypeBool, []any{true, false, true, nil, true, false, true, true}},
			{"big", TypeInt, []any{math.MaxInt64 / 2, math.MaxInt64 / 2, math.MaxInt64 / 2, 1, 1, 1, 1, 1}},
		}
		for i := range all {
			all[i].vals = all[i].vals[from:to]
		}
		return all
	}
	return []arrow.Record{recordOf(t, cols(0, 4)...), recordOf(t, cols(4, 4)...), recordOf(t, cols(4, 8)...)}
}

// TestWindowFunctions computes every window function over the rows of
// windowTableInput, with ROWS, RANGE (offsets over integers, DESC and
// intervals over timestamps), GROUPS and EXCLUDE frames, and requires the
// values worked out by hand, row by row in input order (nil: NULL).
func TestWindowFunctions(t *testing.T) {
	recs := windowTableInput(t)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	rec := recs[0]
	c := func(name string) *Column { return colRef(rec, name) }
	lit := func(v any, dt arrow.DataType) Expr { return &Literal{V: v, DT: dt} }
	byT := []SortKey{{Expr: c("t")}}
	g := []Expr{c("g")}
	rows := func(s, e Bound) Frame { return Frame{Rows: true, Start: s, End: e} }
	unb, unf, cur := Bound{Kind: UnboundedPreceding}, Bound{Kind: UnboundedFollowing}, Bound{Kind: CurrentRow}
	pre := func(n int64, v any) Bound { return Bound{Kind: Preceding, N: n, Value: v} }
	fol := func(n int64, v any) Bound { return Bound{Kind: Following, N: n, Value: v} }
	whole := func(ex FrameExclude) Frame { return Frame{Rows: true, Start: unb, End: unf, Exclude: ex} }
	sqrt := math.Sqrt
	tests := []struct {
		name string
		f    WindowFunc
		want []any
	}{
		{"row_number", WindowFunc{Name: "row_number", DT: TypeInt}, []any{1, 2, 2, 3, 1, 4, 3, 5}},
		{"row_number over ()", WindowFunc{Name: "row_number", DT: TypeInt, Partition: []Expr{}, Order: nil}, []any{1, 2, 3, 4, 5, 6, 7, 8}},
		{"rank", WindowFunc{Name: "rank", DT: TypeInt}, []any{1, 2, 2, 2, 1, 4, 3, 5}},
		{"dense_rank", WindowFunc{Name: "dense_rank", DT: TypeInt}, []any{1, 2, 2, 2, 1, 3, 3, 4}},
		{"percent_rank", WindowFunc{Name: "percent_rank", DT: TypeFloat}, []any{0.0, 0.5, 0.25, 0.25, 0.0, 0.75, 1.0, 1.0}},
		{"cume_dist", WindowFunc{Name: "cume_dist", DT: TypeFloat}, []any{0.2, 2.0 / 3, 0.6, 0.6, 1.0 / 3, 0.8, 1.0, 1.0}},
		{"ntile(2)", WindowFunc{Name: "ntile", Args: []Expr{lit(int64(2), TypeInt)}, DT: TypeInt}, []any{1, 1, 1, 1, 1, 2, 2, 2}},
		{"ntile(NULL)", WindowFunc{Name: "ntile", Args: []Expr{lit(nil, TypeInt)}, DT: TypeInt}, []any{nil, nil, nil, nil, nil, nil, nil, nil}},
		{"lag(v)", WindowFunc{Name: "lag", Args: []Expr{c("v")}, DT: TypeInt}, []any{nil, 7, 10, 20, nil, 5, nil, nil}},
		{"lag(v, 2, -1)", WindowFunc{Name: "lag", Args: []Expr{c("v"), lit(int64(2), TypeInt), lit(int64(-1), TypeInt)}, DT: TypeInt}, []any{-1, -1, -1, 10, -1, 20, 7, 5}},
		{"lag(s, NULL)", WindowFunc{Name: "lag", Args: []Expr{c("s"), lit(nil, TypeInt)}, DT: TypeText}, []any{nil, nil, nil, nil, nil, nil, nil, nil}},
		{"lead(v)", WindowFunc{Name: "lead", Args: []Expr{c("v")}, DT: TypeInt}, []any{20, 3, 5, nil, nil, 1, nil, nil}},
		{"lead(g, 1, s)", WindowFunc{Name: "lead", Args: []Expr{c("g"), lit(int64(1), TypeInt), c("s")}, DT: TypeText}, []any{"a", "b", "a", "a", "b", "a", "u", "t"}},
		{"first_value(v)", WindowFunc{Name: "first_value", Args: []Expr{c("v")}, DT: TypeInt}, []any{10, 7, 10, 10, 7, 10, 7, 10}},
		{"last_value(v)", WindowFunc{Name: "last_value", Args: []Expr{c("v")}, DT: TypeInt}, []any{10, nil, 5, 5, 7, nil, 3, 1}},
		{"nth_value(s, 3)", WindowFunc{Name: "nth_value", Args: []Expr{c("s"), lit(int64(3), TypeInt)}, DT: TypeText}, []any{nil, nil, "z", "z", nil, "z", "u", "z"}},
		{"nth_value(ts, 1) rows 1 following", WindowFunc{Name: "nth_value", Args: []Expr{c("ts"), lit(int64(1), TypeInt)}, DT: TypeTimestamptz,
			Frame: rows(fol(1, nil), unf)}, []any{Timestamp(7200e9), nil, Timestamp(7200e9), Timestamp(10800e9), Timestamp(7200e9), Timestamp(14400e9), nil, nil}},
		{"count(*)", WindowFunc{Name: "count", Star: true, DT: TypeInt}, []any{1, 2, 3, 3, 1, 4, 3, 5}},
		{"count(*) over ()", WindowFunc{Name: "count", Star: true, DT: TypeInt, Partition: []Expr{}}, []any{8, 8, 8, 8, 8, 8, 8, 8}},
		{"count(v)", WindowFunc{Name: "count", Args: []Expr{c("v")}, DT: TypeInt}, []any{1, 1, 3, 3, 1, 3, 2, 4}},
		{"sum(v)", WindowFunc{Name: "sum", Args: []Expr{c("v")}, DT: TypeInt}, []any{10, 7, 35, 35, 7, 35, 10, 36}},
		{"sum(v) rows 1 preceding", WindowFunc{Name: "sum", Args: []Expr{c("v")}, DT: TypeInt, Frame: rows(pre(1, nil), cur)},
			[]any{10, 7, 30, 25, 7, 5, 3, 1}},
		{"avg(f)", WindowFunc{Name: "avg", Args: []Expr{c("f")}, DT: TypeFloat}, []any{1.5, 0.5, 1.0, 1.0, -1.0, 5.0 / 3, 5.0 / 3, 1.875}},
		{"min(s)", WindowFunc{Name: "min", Args: []Expr{c("s")}, DT: TypeText}, []any{"x", "w", "x", "x", "w", "v", "u", "t"}},
		{"max(f) rows 1 around", WindowFunc{Name: "max", Args: []Expr{c("f")}, DT: TypeFloat, Frame: rows(pre(1, nil), fol(1, nil))},
			[]any{1.5, 4.0, 1.5, 3.0, 2.0, 3.0, 4.0, 3.0}},
		{"max(ts) over ()", WindowFunc{Name: "max", Args: []Expr{c("ts")}, DT: TypeTimestamptz, Partition: []Expr{}},
			[]any{Timestamp(14400e9), Timestamp(14400e9), Timestamp(14400e9), Timestamp(14400e9), Timestamp(14400e9), Timestamp(14400e9), Timestamp(14400e9), Timestamp(14400e9)}},
		{"bool_and(b)", WindowFunc{Name: "bool_and", Args: []Expr{c("b")}, DT: TypeBool}, []any{true, false, true, true, true, false, false, false}},
		{"bool_or(b)", WindowFunc{Name: "bool_or", Args: []Expr{c("b")}, DT: TypeBool}, []any{true, true, true, true, true, true, true, true}},
		{"string_agg(s, ',')", WindowFunc{Name: "string_agg", Args: []Expr{c("s"), lit(",", TypeText)}, DT: TypeText},
			[]any{"x", "w,y", "x,z", "x,z", "w", "x,z,v", "w,y,u", "x,z,v,t"}},
		{"string_agg(g, s) over ()", WindowFunc{Name: "string_agg", Args: []Expr{c("g"), c("s")}, DT: TypeText, Partition: []Expr{}},
			[]any{"aybazawbvaubta", "aybazawbvaubta", "aybazawbvaubta", "aybazawbvaubta", "aybazawbvaubta", "aybazawbvaubta", "aybazawbvaubta", "aybazawbvaubta"}},
		{"stddev(v) partition", WindowFunc{Name: "stddev", Args: []Expr{c("v")}, DT: TypeFloat, Order: []SortKey{}},
			[]any{sqrt(202.0 / 3), sqrt(8), sqrt(202.0 / 3), sqrt(202.0 / 3), sqrt(8), sqrt(202.0 / 3), sqrt(8), sqrt(202.0 / 3)}},
		{"var_pop(f) running", WindowFunc{Name: "var_pop", Args: []Expr{c("f")}, DT: TypeFloat}, []any{0.0, 2.25, 0.25, 0.25, 0.0, 19.0 / 18, 114.0 / 27, 0.921875}},
		{"sum(v) range 1 preceding", WindowFunc{Name: "sum", Args: []Expr{c("v")}, DT: TypeInt, Frame: Frame{Start: pre(0, int64(1)), End: cur}},
			[]any{10, 7, 35, 35, 7, 25, 3, 1}},
		{"sum(v) desc range 1 following", WindowFunc{Name: "sum", Args: []Expr{c("v")}, DT: TypeInt, Order: []SortKey{{Expr: c("t"), Desc: true, NullsFirst: true}},
			Frame: Frame{Start: cur, End: fol(0, int64(1))}}, []any{10, 7, 35, 35, 7, 25, 3, 1}},
		{"count(*) range interval", WindowFunc{Name: "count", Star: true, DT: TypeInt, Order: []SortKey{{Expr: c("ts")}},
			Frame: Frame{Start: pre(0, arrow.MonthDayNanoInterval{Nanoseconds: 3600e9}), End: cur}}, []any{1, 2, 3, 3, 1, 3, 1, 2}},
		{"count(*) groups 1 around", WindowFunc{Name: "count", Star: true, DT: TypeInt, Frame: Frame{Groups: true, Start: pre(1, nil), End: fol(1, nil)}},
			[]any{3, 3, 4, 4, 2, 4, 2, 2}},
		{"sum(v) exclude current row", WindowFunc{Name: "sum", Args: []Expr{c("v")}, DT: TypeInt, Frame: whole(ExcludeCurrentRow)},
			[]any{26, 10, 16, 31, 3, 36, 7, 35}},
		{"count(*) exclude group", WindowFunc{Name: "count", Star: true, DT: TypeInt, Frame: Frame{Start: unb, End: unf, Exclude: ExcludeGroup}},
			[]any{4, 2, 3, 3, 2, 4, 2, 4}},
		{"count(*) exclude ties", WindowFunc{Name: "count", Star: true, DT: TypeInt, Frame: Frame{Start: unb, End: unf, Exclude: ExcludeTies}},
			[]any{5, 3, 4, 4, 3, 5, 3, 5}},
		{"min(v) exclude current row", WindowFunc{Name: "min", Args: []Expr{c("v")}, DT: TypeInt, Frame: whole(ExcludeCurrentRow)},
			[]any{1, 3, 1, 1, 3, 1, 7, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			if f.Partition == nil {
				f.Partition = g
			}
			if f.Order == nil && f.Partition != nil && len(f.Partition) > 0 {
				f.Order = byT
			}
			if f.Frame == (Frame{}) {
				f.Frame = DefaultFrame
			}
			got := windowValues(t, recs, &f)
			require.Len(t, got, len(tc.want))
			for i, w := range tc.want {
				if x, ok := w.(int); ok {
					w = int64(x)
				}
				if x, ok := w.(float64); ok && got[i] != nil {
					require.InDelta(t, x, got[i], 1e-12, "row %d", i)
					continue
				}
				require.Equal(t, w, got[i], "row %d", i)
			}
		})
	}
}

// windowValues runs f over recs and returns its values in input order.
func windowValues(t *testing.T, recs []arrow.Record, f *WindowFunc) []any {
	t.Helper()
	w := NewWindow(NewCtx(), NewValues(recs[0].Schema(), recs...), []*WindowFunc{f}, []string{"w"})
	defer w.Close()
	out, err := Collect(bg, w)
	require.NoError(t, err)
	var vals []any
	for _, r := range out {
		res := r.Column(int(r.NumCols()) - 1)
		require.True(t, arrow.TypeEqual(f.DT, res.DataType()), "%v, want %v", res.DataType(), f.DT)
		get, err := valueGetter(res)
		require.NoError(t, err)
		for i := 0; i < res.Len(); i++ {
			if res.IsNull(i) {
				vals = append(vals, nil)
				continue
			}
			vals = append(vals, get(i))
		}
		r.Release()
	}
	return vals
}

// TestWindowErrors: the argument and frame errors, and no rows from no
// input.
func TestWindowErrors(t *testing.T) {
	recs := windowTableInput(t)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	c := func(name string) *Column { return colRef(recs[0], name) }
	lit := func(v int64) Expr { return &Literal{V: v, DT: TypeInt} }
	byT := []SortKey{{Expr: c("t")}}
	tests := []struct {
		f    WindowFunc
		want string
	}{
		{WindowFunc{Name: "ntile", Args: []Expr{lit(0)}, DT: TypeInt}, "argument of ntile must be greater than zero"},
		{WindowFunc{Name: "nth_value", Args: []Expr{c("v"), lit(0)}, DT: TypeInt, Order: byT}, "argument of nth_value must be greater than zero"},
		{WindowFunc{Name: "lag", Args: []Expr{c("v"), c("s")}, DT: TypeInt, Order: byT}, "argument of lag must be an integer"},
		{WindowFunc{Name: "ntile", Args: []Expr{c("f")}, DT: TypeInt}, "argument of ntile must be an integer"},
		{WindowFunc{Name: "sum", Args: []Expr{c("big")}, DT: TypeInt, Order: byT}, "bigint out of range in sum()"},
		{WindowFunc{Name: "sum", Args: []Expr{c("v")}, DT: TypeInt, Order: byT,
			Frame: Frame{Start: Bound{Kind: Preceding, Value: arrow.MonthDayNanoInterval{Days: 1}}, End: Bound{Kind: CurrentRow}}},
			"RANGE offsets need a numeric or timestamp ORDER BY and a matching offset"},
		{WindowFunc{Name: "count", Star: true, DT: TypeInt, Order: []SortKey{{Expr: c("ts")}},
			Frame: Frame{Start: Bound{Kind: Preceding, Value: int64(1)}, End: Bound{Kind: CurrentRow}}},
			"RANGE offset for a timestamp ORDER BY must be an interval"},
		{WindowFunc{Name: "median", Args: []Expr{c("v")}, DT: TypeInt}, "window function median is not implemented"},
	}
	for _, tc := range tests {
		f := tc.f
		if f.Frame == (Frame{}) {
			f.Frame = DefaultFrame
		}
		w := NewWindow(NewCtx(), NewValues(recs[0].Schema(), recs...), []*WindowFunc{&f}, []string{"w"})
		_, err := Collect(bg, w)
		require.EqualError(t, err, tc.want, f.Name)
		w.Close()

		// No rows: no values, and no error.
		w = NewWindow(NewCtx(), NewValues(recs[0].Schema()), []*WindowFunc{&f}, []string{"w"})
		out, err := Collect(bg, w)
		require.NoError(t, err, f.Name)
		require.Empty(t, out)
		w.Close()
	}
}
