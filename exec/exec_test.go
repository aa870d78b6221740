package exec

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

var bg = context.Background()

// col describes a test column: name, type and values (nil = NULL).
type col struct {
	name string
	dt   arrow.DataType
	vals []any
}

// recordOf builds a record; tag columns (TypeTag) get a dictionary.
func recordOf(t testing.TB, cols ...col) arrow.Record {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.dt, Nullable: true}
		b := array.NewBuilder(memory.DefaultAllocator, c.dt)
		for _, v := range c.vals {
			if v == nil {
				b.AppendNull()
				continue
			}
			switch bb := b.(type) {
			case *array.Int64Builder:
				bb.Append(int64(v.(int)))
			case *array.Uint64Builder:
				bb.Append(uint64(v.(int)))
			case *array.Float64Builder:
				bb.Append(v.(float64))
			case *array.StringBuilder:
				bb.Append(v.(string))
			case *array.BooleanBuilder:
				bb.Append(v.(bool))
			case *array.TimestampBuilder:
				bb.Append(arrow.Timestamp(int64(v.(int))))
			case *array.BinaryDictionaryBuilder:
				require.NoError(t, bb.AppendString(v.(string)))
			default:
				t.Fatalf("recordOf: type %v", c.dt)
			}
		}
		arrs[i] = b.NewArray()
		if d, ok := arrs[i].(*array.Dictionary); ok {
			d.Dictionary()
		}
		b.Release()
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(len(cols[0].vals)))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

// rows renders an operator's output, one "a|b|c" line per row (NULL as
// NULL), and checks every batch has the operator's schema.
func rows(t testing.TB, op Operator) []string {
	t.Helper()
	recs, err := Collect(bg, op)
	require.NoError(t, err)
	var out []string
	for _, rec := range recs {
		require.True(t, rec.Schema().Equal(op.Schema()), "batch schema %v, operator schema %v", rec.Schema(), op.Schema())
		for i := 0; i < int(rec.NumRows()); i++ {
			vals := make([]string, rec.NumCols())
			for c := range vals {
				s, ok := FormatValue(rec.Column(c), i, time.UTC)
				if !ok {
					s = "NULL"
				}
				vals[c] = s
			}
			out = append(out, strings.Join(vals, "|"))
		}
		rec.Release()
	}
	return out
}

func cpu(t testing.TB) arrow.Record {
	return recordOf(t,
		col{"time", TypeTimestamptz, []any{10, 20, 30, 40, 50, 60}},
		col{"host", TypeTag, []any{"a", "b", "a", nil, "b", "a"}},
		col{"usage", TypeFloat, []any{1.5, 2.0, nil, 4.0, 5.5, 0.5}},
		col{"n", TypeInt, []any{1, 2, 3, 4, nil, 6}},
	)
}

func colRef(rec arrow.Record, name string) *Column {
	i := rec.Schema().FieldIndices(name)[0]
	return &Column{Index: i, Name: name, DT: rec.Schema().Field(i).Type}
}

func TestFilterCompare(t *testing.T) {
	c := NewCtx()
	rec := cpu(t)
	defer rec.Release()
	host, usage, n := colRef(rec, "host"), colRef(rec, "usage"), colRef(rec, "n")
	tests := []struct {
		name string
		pred Expr
		want []string
	}{
		{"tag = const", &Compare{Op: Eq, L: host, R: &Literal{V: "a", DT: TypeText}}, []string{"1970-01-01 00:00:00.00000001+00|a|1.5|1", "1970-01-01 00:00:00.00000003+00|a|NULL|3", "1970-01-01 00:00:00.00000006+00|a|0.5|6"}},
		{"const <> tag (flipped)", &Compare{Op: Ne, L: &Literal{V: "a", DT: TypeText}, R: host}, []string{"1970-01-01 00:00:00.00000002+00|b|2|2", "1970-01-01 00:00:00.00000005+00|b|5.5|NULL"}},
		{"float > const, NULL excluded", &Compare{Op: Gt, L: usage, R: &Literal{V: 1.9, DT: TypeFloat}}, []string{"1970-01-01 00:00:00.00000002+00|b|2|2", "1970-01-01 00:00:00.00000004+00|NULL|4|4", "1970-01-01 00:00:00.00000005+00|b|5.5|NULL"}},
		{"int <= int column", &Compare{Op: Le, L: n, R: n}, []string{"1970-01-01 00:00:00.00000001+00|a|1.5|1", "1970-01-01 00:00:00.00000002+00|b|2|2", "1970-01-01 00:00:00.00000003+00|a|NULL|3", "1970-01-01 00:00:00.00000004+00|NULL|4|4", "1970-01-01 00:00:00.00000006+00|a|0.5|6"}},
		{"compare with NULL is never true", &Compare{Op: Eq, L: n, R: &Literal{V: nil, DT: TypeInt}}, nil},
		{"tag IN list", &InList{X: host, Values: []any{"b", "zzz"}}, []string{"1970-01-01 00:00:00.00000002+00|b|2|2", "1970-01-01 00:00:00.00000005+00|b|5.5|NULL"}},
		{"IS NULL", &IsNull{X: host}, []string{"1970-01-01 00:00:00.00000004+00|NULL|4|4"}},
		{"time range", &Logic{Op: And, L: &Compare{Op: Ge, L: colRef(rec, "time"), R: &Literal{V: Timestamp(20), DT: TypeTimestamptz}}, R: &Compare{Op: Lt, L: colRef(rec, "time"), R: &Literal{V: Timestamp(40), DT: TypeTimestamptz}}},
			[]string{"1970-01-01 00:00:00.00000002+00|b|2|2", "1970-01-01 00:00:00.00000003+00|a|NULL|3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, rows(t, NewFilter(c, NewValues(rec.Schema(), rec), tt.pred)))
		})
	}
}

func TestThreeValuedLogic(t *testing.T) {
	c := NewCtx()
	rec := recordOf(t,
		col{"a", TypeBool, []any{true, true, true, false, false, false, nil, nil, nil}},
		col{"b", TypeBool, []any{true, false, nil, true, false, nil, true, false, nil}},
	)
	defer rec.Release()
	a, b := colRef(rec, "a"), colRef(rec, "b")
	op := NewProject(c, NewValues(rec.Schema(), rec),
		[]Expr{&Logic{Op: And, L: a, R: b}, &Logic{Op: Or, L: a, R: b}, &Not{X: a}, &IsNull{X: b, Negate: true}},
		[]string{"and", "or", "not", "notnull"})
	require.Equal(t, []string{
		"t|t|f|t", "f|t|f|t", "NULL|t|f|f",
		"f|t|t|t", "f|f|t|t", "f|NULL|t|f",
		"NULL|t|NULL|t", "f|NULL|NULL|t", "NULL|NULL|NULL|f",
	}, rows(t, op))
}

func TestInListWithNull(t *testing.T) {
	c := NewCtx()
	rec := recordOf(t, col{"n", TypeInt, []any{1, 2, nil}})
	defer rec.Release()
	n := colRef(rec, "n")
	op := NewProject(c, NewValues(rec.Schema(), rec),
		[]Expr{&InList{X: n, Values: []any{int64(1), nil}}, &InList{X: n, Values: []any{int64(1), nil}, Negate: true}, &InList{X: n, Values: []any{int64(2)}, Negate: true}},
		[]string{"in", "notin", "notin2"})
	require.Equal(t, []string{"t|f|t", "NULL|NULL|f", "NULL|NULL|NULL"}, rows(t, op))
}

func TestHashAggregate(t *testing.T) {
	c := NewCtx()
	rec := cpu(t)
	defer rec.Release()
	host, usage, n, tm := colRef(rec, "host"), colRef(rec, "usage"), colRef(rec, "n"), colRef(rec, "time")
	agg, err := NewHashAggregate(c, NewValues(rec.Schema(), rec), []Expr{host}, []Agg{
		{Func: AggCountStar}, {Func: AggCount, Arg: usage}, {Func: AggSum, Arg: n}, {Func: AggAvg, Arg: usage},
		{Func: AggMin, Arg: usage}, {Func: AggMax, Arg: n}, {Func: AggFirst, Arg: usage, Time: tm}, {Func: AggLast, Arg: n, Time: tm},
		{Func: AggStddevSamp, Arg: usage}, {Func: AggMax, Arg: host},
	}, []string{"host", "count", "count_usage", "sum", "avg", "min", "max", "first", "last", "stddev", "maxhost"})
	require.NoError(t, err)
	require.Equal(t, []string{
		"a|3|2|10|1|0.5|6|1.5|6|0.7071067811865476|a",
		"b|2|2|2|3.75|2|2|2|NULL|2.4748737341529163|b", // last(n): n is NULL at b's latest time
		"NULL|1|1|4|4|4|4|4|4|NULL|NULL",
	}, rows(t, agg))
}

func TestAggregateWithoutKeys(t *testing.T) {
	c := NewCtx()
	rec := cpu(t)
	defer rec.Release()
	schema := rec.Schema()
	empty := rec.NewSlice(0, 0)
	defer empty.Release()
	for _, tt := range []struct {
		in   []arrow.Record
		want []string
	}{
		{[]arrow.Record{rec, rec}, []string{"12|32|2.7|0.5"}},
		{nil, []string{"0|NULL|NULL|NULL"}},
		{[]arrow.Record{empty}, []string{"0|NULL|NULL|NULL"}},
	} {
		agg, err := NewHashAggregate(c, NewValues(schema, tt.in...), nil,
			[]Agg{{Func: AggCountStar}, {Func: AggSum, Arg: colRef(rec, "n")}, {Func: AggAvg, Arg: colRef(rec, "usage")}, {Func: AggMin, Arg: colRef(rec, "usage")}},
			[]string{"count", "sum", "avg", "min"})
		require.NoError(t, err)
		require.Equal(t, tt.want, rows(t, agg))
	}
}

func TestSumOverflowIsAnError(t *testing.T) {
	c := NewCtx()
	rec := recordOf(t, col{"n", TypeInt, []any{int(^uint64(0) >> 1), 1}})
	defer rec.Release()
	agg, err := NewHashAggregate(c, NewValues(rec.Schema(), rec), nil, []Agg{{Func: AggSum, Arg: colRef(rec, "n")}}, []string{"sum"})
	require.NoError(t, err)
	_, err = Collect(bg, agg)
	require.ErrorContains(t, err, "bigint out of range")
}

func TestSortAndLimit(t *testing.T) {
	c := NewCtx()
	rec := cpu(t)
	defer rec.Release()
	other := recordOf(t,
		col{"time", TypeTimestamptz, []any{70}},
		col{"host", TypeTag, []any{"c"}},
		col{"usage", TypeFloat, []any{nil}},
		col{"n", TypeInt, []any{0}},
	)
	defer other.Release()
	host, usage := colRef(rec, "host"), colRef(rec, "usage")
	proj := func(op Operator) Operator {
		return NewProject(c, op, []Expr{colRef(rec, "host"), colRef(rec, "usage")}, []string{"host", "usage"})
	}
	sorted := NewSort(c, NewValues(rec.Schema(), rec, other), []SortKey{{Expr: host}, {Expr: usage, Desc: true, NullsFirst: true}}, -1)
	require.Equal(t, []string{"a|NULL", "a|1.5", "a|0.5", "b|5.5", "b|2", "c|NULL", "NULL|4"}, rows(t, proj(sorted)),
		"two records with different dictionaries; NULL host last ascending")

	top := NewSort(c, NewValues(rec.Schema(), rec, other), []SortKey{{Expr: usage, Desc: true, NullsFirst: false}}, 3)
	require.Equal(t, []string{"b|5.5", "NULL|4", "b|2"}, rows(t, proj(top)))

	lim := NewLimit(NewValues(rec.Schema(), rec, other), 5, 10)
	require.Len(t, rows(t, lim), 2, "offset crosses a batch boundary")
	lim = NewLimit(NewValues(rec.Schema(), rec, other), 1, 2)
	require.Equal(t, []string{"b|2", "a|NULL"}, rows(t, proj(lim)))
}

func TestFormat(t *testing.T) {
	require.Equal(t, "0.1", FormatFloat(0.1))
	require.Equal(t, "1e+20", FormatFloat(1e20))
	require.Equal(t, "1.5e-05", FormatFloat(1.5e-5))
	require.Equal(t, "-3", FormatFloat(-3))
	require.Equal(t, "1 year 2 mons 3 days 04:05:06.5", FormatInterval(arrow.MonthDayNanoInterval{Months: 14, Days: 3, Nanoseconds: int64(4*time.Hour + 5*time.Minute + 6500*time.Millisecond)}))
	require.Equal(t, "00:00:00", FormatInterval(arrow.MonthDayNanoInterval{}))
	loc, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	require.Equal(t, "2016-01-01 05:30:00+05:30", formatTimestampIn(time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano(), loc))
}

// TestHashJoinKeysAcrossBatches: text keys first seen in a later probe batch
// must not collide with ids given out earlier (a bug once matched host_4 to
// host_0).
func TestHashJoinKeysAcrossBatches(t *testing.T) {
	c := NewCtx()
	hosts := recordOf(t, col{"host", TypeText, []any{"host_0", "host_1"}}, col{"team", TypeText, []any{"web", "db"}})
	defer hosts.Release()
	b1 := recordOf(t, col{"h", TypeTag, []any{"host_0"}})
	defer b1.Release()
	b2 := recordOf(t, col{"h", TypeTag, []any{"host_4", "host_1", nil}})
	defer b2.Release()
	for _, tt := range []struct {
		kind JoinKind
		want []string
	}{
		{JoinInner, []string{"host_0|host_0|web", "host_1|host_1|db"}},
		{JoinLeft, []string{"host_0|host_0|web", "host_1|host_1|db", "host_4|NULL|NULL", "NULL|NULL|NULL"}},
		{JoinRight, []string{"host_0|host_0|web", "host_1|host_1|db"}},
		{JoinFull, []string{"host_0|host_0|web", "host_1|host_1|db", "host_4|NULL|NULL", "NULL|NULL|NULL"}},
	} {
		j := NewHashJoin(c, tt.kind, NewValues(b1.Schema(), b1, b2), NewValues(hosts.Schema(), hosts),
			[]Expr{colRef(b1, "h")}, []Expr{colRef(hosts, "host")}, nil)
		got := rows(t, j)
		require.ElementsMatch(t, tt.want, got, "join kind %d", tt.kind)
	}
}

// TestHashJoinEmptyBuildBatch: a LEFT JOIN whose build side yields only a
// zero-row batch (an empty pg_catalog table) pads with NULLs instead of
// reading row 0 of that batch (a bug once panicked there).
func TestHashJoinEmptyBuildBatch(t *testing.T) {
	c := NewCtx()
	left := recordOf(t, col{"h", TypeText, []any{"a", "b"}}, col{"v", TypeInt, []any{1, 2}})
	defer left.Release()
	right := recordOf(t, col{"k", TypeText, []any{}}, col{"d", TypeFloat, []any{}})
	defer right.Release()
	j := NewHashJoin(c, JoinLeft, NewValues(left.Schema(), left), NewValues(right.Schema(), right),
		[]Expr{colRef(left, "h")}, []Expr{colRef(right, "k")}, nil)
	require.ElementsMatch(t, []string{"a|1|NULL|NULL", "b|2|NULL|NULL"}, rows(t, j))
}

func TestMemoryLimit(t *testing.T) {
	c := NewCtx()
	c.MemLimit = 1000
	rec := cpu(t)
	defer rec.Release()
	recs := make([]arrow.Record, 20)
	for i := range recs {
		recs[i] = rec
	}
	_, err := Collect(bg, NewSort(c, NewValues(rec.Schema(), recs...), []SortKey{{Expr: colRef(rec, "n")}}, -1))
	require.ErrorIs(t, err, ErrMemoryLimit)
	require.ErrorContains(t, err, "add conditions on time or tags")

	c = NewCtx() // the default limit is far away
	out, err := Collect(bg, NewSort(c, NewValues(rec.Schema(), recs...), []SortKey{{Expr: colRef(rec, "n")}}, -1))
	require.NoError(t, err)
	for _, r := range out {
		r.Release()
	}
	require.Greater(t, c.Used(), int64(1000))
}

// TestGroupKeysAcrossFastAndSlowPaths: a key first seen in a batch with
// NULL keys (generic path) and later in one without (one-key fast path)
// is one group.
func TestGroupKeysAcrossFastAndSlowPaths(t *testing.T) {
	c := NewCtx()
	withNull := recordOf(t, col{"k", TypeTag, []any{"a", nil}}, col{"v", TypeInt, []any{1, 2}})
	defer withNull.Release()
	noNull := recordOf(t, col{"k", TypeTag, []any{"a", "b"}}, col{"v", TypeInt, []any{10, 20}})
	defer noNull.Release()
	for _, order := range [][]arrow.Record{{withNull, noNull}, {noNull, withNull}} {
		agg, err := NewHashAggregate(c, NewValues(withNull.Schema(), order...), []Expr{colRef(withNull, "k")},
			[]Agg{{Func: AggSum, Arg: colRef(withNull, "v")}}, []string{"k", "sum"})
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"a|11", "NULL|2", "b|20"}, rows(t, agg))
	}
}

// TestHashJoinChunksLargeMatches: a key matching many rows on both sides
// streams in bounded batches, and every join kind still sees each left
// row's matches exactly once.
func TestHashJoinChunksLargeMatches(t *testing.T) {
	c := NewCtx()
	const nl, nr = 400, 300 // 120,000 pairs on key "k": two chunks
	lv := make([]any, nl)
	for i := range lv {
		lv[i] = "k"
	}
	lv[nl-1] = "lonely"
	rv := make([]any, nr)
	for i := range rv {
		rv[i] = "k"
	}
	left := recordOf(t, col{"a", TypeText, lv})
	defer left.Release()
	right := recordOf(t, col{"b", TypeText, rv})
	defer right.Release()
	for _, tt := range []struct {
		kind JoinKind
		rows int
	}{
		{JoinInner, (nl - 1) * nr},
		{JoinLeft, (nl-1)*nr + 1},
		{JoinSemi, nl - 1},
		{JoinAnti, 1},
	} {
		j := NewHashJoin(c, tt.kind, NewValues(left.Schema(), left), NewValues(right.Schema(), right),
			[]Expr{colRef(left, "a")}, []Expr{colRef(right, "b")}, nil)
		total, batches := 0, 0
		for {
			rec, err := j.Next(bg)
			require.NoError(t, err)
			if rec == nil {
				break
			}
			require.LessOrEqual(t, int(rec.NumRows()), joinChunkRows+nl)
			total += int(rec.NumRows())
			batches++
		}
		j.Close()
		require.Equal(t, tt.rows, total, "join kind %d", tt.kind)
		if tt.kind == JoinInner {
			require.Greater(t, batches, 1, "the product streams in chunks")
		}
	}
}

// TestMaskNullsOnSlice: NULLs set on a sliced array (offset > 0) land on the
// slice's rows, not on the rows of the array it was cut from.
func TestMaskNullsOnSlice(t *testing.T) {
	rec := recordOf(t, col{"n", TypeInt, []any{1, 2, nil, 4, 5, 6}})
	defer rec.Release()
	sl := array.NewSlice(rec.Column(0), 2, 6) // NULL, 4, 5, 6
	valid := allValid(4)
	valid[0] &^= 1 << 3 // row 3 (6) becomes NULL
	out := maskNulls(sl, valid)
	defer out.Release()
	var got []string
	for i := 0; i < out.Len(); i++ {
		s, ok := FormatValue(out, i, time.UTC)
		if !ok {
			s = "NULL"
		}
		got = append(got, s)
	}
	require.Equal(t, []string{"NULL", "4", "5", "NULL"}, got)
	require.Equal(t, 2, out.NullN())
}

// TestIntCompareWithFloatConstant: bigint_col op float_constant runs as an
// integer comparison where that gives the same answers, and its answers are
// PostgreSQL's bigint-vs-float8 ones: the integer cast to float8, which
// rounds beyond 2^53.
func TestIntCompareWithFloatConstant(t *testing.T) {
	xs := []any{-3, -2, -1, 0, 1, 2, 3, nil, math.MaxInt64, math.MinInt64, 1<<53 + 1}
	rec := recordOf(t, col{"x", TypeInt, xs})
	defer rec.Release()
	x := colRef(rec, "x")
	fs := []float64{-1.5, -1, 0, 0.5, 1, 2.5, 1 << 53, 1e20, -1e20, math.Inf(1), math.Inf(-1)}
	for _, f := range fs {
		for op := Eq; op <= Ge; op++ {
			for _, flipped := range []bool{false, true} {
				var e Expr = &Compare{Op: op, L: &Cast{X: x, To: TypeFloat}, R: &Literal{V: f, DT: TypeFloat}}
				if flipped {
					e = &Compare{Op: op.Flip(), L: &Literal{V: f, DT: TypeFloat}, R: &Cast{X: x, To: TypeFloat}}
				}
				out, err := e.Eval(NewCtx(), rec)
				require.NoError(t, err)
				b := out.(*array.Boolean)
				for i, v := range xs {
					if v == nil {
						require.True(t, b.IsNull(i))
						continue
					}
					want := op.Holds(cmpFloat(float64(v.(int)), f))
					require.Equal(t, want, b.Value(i), "%d %s %v (flipped %v)", v, op, f, flipped)
				}
				out.Release()
			}
		}
	}
	_, _, _, ok := intCompare(&Cast{X: x, To: TypeFloat}, Gt, 90.0)
	require.True(t, ok, "usage_user > 90.0 runs on integers")
	_, _, _, ok = intCompare(&Cast{X: x, To: TypeFloat}, Eq, 90.5)
	require.False(t, ok, "= with a fraction keeps the float comparison")
	_, _, _, ok = intCompare(&Cast{X: x, To: TypeFloat}, Lt, math.NaN())
	require.False(t, ok, "NaN keeps the float comparison")
}

// TestFloatCompareNaNOrder: float comparisons, against a constant on
// either side and between columns, answer as PostgreSQL's order does
// (cmpFloat): NaN equals NaN and is greater than every number.
func TestFloatCompareNaNOrder(t *testing.T) {
	vals := []float64{math.NaN(), math.Inf(-1), -1, math.Copysign(0, -1), 0, 1.5, math.Inf(1)}
	xs := make([]any, 0, len(vals)*len(vals))
	ys := make([]any, 0, len(vals)*len(vals))
	for _, a := range vals {
		for _, b := range vals {
			xs, ys = append(xs, a), append(ys, b)
		}
	}
	rec := recordOf(t, col{"x", TypeFloat, xs}, col{"y", TypeFloat, ys})
	defer rec.Release()
	x, y := colRef(rec, "x"), colRef(rec, "y")
	check := func(e Expr, want func(i int) bool) {
		out, err := e.Eval(NewCtx(), rec)
		require.NoError(t, err)
		defer out.Release()
		b := out.(*array.Boolean)
		for i := range xs {
			require.Equal(t, want(i), b.Value(i), "%s at %v, %v", e, xs[i], ys[i])
		}
	}
	for op := Eq; op <= Ge; op++ {
		check(&Compare{Op: op, L: x, R: y}, func(i int) bool { return op.Holds(cmpFloat(xs[i].(float64), ys[i].(float64))) })
		for _, c := range vals {
			check(&Compare{Op: op, L: x, R: &Literal{V: c, DT: TypeFloat}}, func(i int) bool { return op.Holds(cmpFloat(xs[i].(float64), c)) })
			check(&Compare{Op: op, L: &Literal{V: c, DT: TypeFloat}, R: x}, func(i int) bool { return op.Holds(cmpFloat(c, xs[i].(float64))) })
		}
	}
}

// TestSortedGroupingMatchesHashing: one-key grouping without a hash map
// while keys ascend gives every key one group, the same as hashing, when
// the order breaks (within a batch, at a batch boundary, by a NULL key)
// and when ascending runs repeat earlier keys (a second series).
func TestSortedGroupingMatchesHashing(t *testing.T) {
	c := NewCtx()
	batches := [][]any{
		{1, 1, 2, 5, 5, 9},    // ascending
		{9, 10, 12},           // continues across the batch boundary
		{3, 12, 13, 2, 100},   // 3 between keys (new), 12 and 2 seen, then above
		{nil, 4, 1},           // a NULL key: the hashing paths
		{200, 201, 1, 4, 300}, // ascending again, then repeats
	}
	for _, cut := range []int{0, 1, 2, 3, 4} {
		// Runs that end after batch cut stay in sorted mode longer.
		var recs []arrow.Record
		for _, b := range batches[:cut+1] {
			vals := make([]any, len(b))
			for i := range vals {
				vals[i] = 1
			}
			recs = append(recs, recordOf(t, col{"k", TypeInt, b}, col{"v", TypeInt, vals}))
		}
		want := map[string]int{}
		for _, b := range batches[:cut+1] {
			for _, k := range b {
				want[fmt.Sprint(k)]++
			}
		}
		agg, err := NewHashAggregate(c, NewValues(recs[0].Schema(), recs...), []Expr{colRef(recs[0], "k")},
			[]Agg{{Func: AggSum, Arg: colRef(recs[0], "v")}}, []string{"k", "sum"})
		require.NoError(t, err)
		got := map[string]int{}
		for _, line := range rows(t, agg) {
			var n int
			k, v, _ := strings.Cut(line, "|")
			_, err := fmt.Sscan(v, &n)
			require.NoError(t, err)
			if k == "NULL" {
				k = "<nil>"
			}
			_, dup := got[k]
			require.False(t, dup, "key %s in two groups (batches 0..%d)", k, cut)
			got[k] = n
		}
		require.Equal(t, want, got, "batches 0..%d", cut)
		for _, r := range recs {
			r.Release()
		}
	}
}

// TestSortPassesOrderedRunsThrough: rows already in order within a record
// come out as slices of it (no copy); any other order is gathered; both
// keep the right rows.
func TestSortPassesOrderedRunsThrough(t *testing.T) {
	c := NewCtx()
	in := recordOf(t, col{"k", TypeInt, []any{1, 2, 3, 4, 5}}, col{"v", TypeText, []any{"a", "b", "c", "d", "e"}})
	defer in.Release()
	s := NewSort(c, NewValues(in.Schema(), in), []SortKey{{Expr: colRef(in, "k")}}, 3)
	rec, err := s.Next(bg)
	require.NoError(t, err)
	require.EqualValues(t, 3, rec.NumRows())
	require.Same(t, &in.Column(0).Data().Buffers()[1].Bytes()[0], &rec.Column(0).Data().Buffers()[1].Bytes()[0], "a slice of the input")
	s.Close()

	desc := NewSort(c, NewValues(in.Schema(), in), []SortKey{{Expr: colRef(in, "k"), Desc: true}}, -1)
	require.Equal(t, []string{"5|e", "4|d", "3|c", "2|b", "1|a"}, rows(t, desc))
	asc := NewSort(c, NewValues(in.Schema(), in), []SortKey{{Expr: colRef(in, "k")}}, -1)
	require.Equal(t, []string{"1|a", "2|b", "3|c", "4|d", "5|e"}, rows(t, asc))
}
