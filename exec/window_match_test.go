package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestWindowMatchesBoxed runs random window functions (every name, ROWS,
// RANGE with offsets, GROUPS and EXCLUDE frames, several functions sharing
// a window, keys of every sortable type with NULLs and ties, several
// records of which some are empty, argument errors) through the window
// operator and through its boxed predecessor (window_oracle_test.go), and
// requires the same values, of the same types, or the same error.
func TestWindowMatchesBoxed(t *testing.T) {
	cases := 3000
	if testing.Short() {
		cases = 300
	}
	for seed := range cases {
		rng := rand.New(rand.NewPCG(uint64(seed), 77))
		recs := randomWindowInput(rng)
		funcs := randomWindowFuncs(rng, recs[0].Schema())
		names := make([]string, len(funcs))
		for i := range names {
			names[i] = fmt.Sprintf("w%d", i)
		}
		want, wantErr := Collect(bg, newOldWindow(NewCtx(), NewValues(recs[0].Schema(), recs...), funcs, names))
		got, gotErr := Collect(bg, NewWindow(NewCtx(), NewValues(recs[0].Schema(), recs...), funcs, names))
		desc := describeFuncs(funcs)
		if wantErr != nil {
			require.Error(t, gotErr, "seed %d: %s", seed, desc)
			require.Equal(t, wantErr.Error(), gotErr.Error(), "seed %d: %s", seed, desc)
		} else {
			require.NoError(t, gotErr, "seed %d: %s", seed, desc)
			require.Equal(t, len(want), len(got), "seed %d", seed)
			for ri := range want {
				requireSameRecord(t, want[ri], got[ri], fmt.Sprintf("seed %d record %d: %s", seed, ri, desc))
			}
		}
		for _, r := range append(want, got...) {
			r.Release()
		}
		for _, r := range recs {
			r.Release()
		}
	}
}

func describeFuncs(funcs []*WindowFunc) string {
	s := ""
	for _, f := range funcs {
		s += fmt.Sprintf("%s(", f.Name)
		for _, a := range f.Args {
			s += a.String() + ","
		}
		s += ") OVER (PARTITION BY "
		for _, p := range f.Partition {
			s += p.String() + ","
		}
		s += " ORDER BY "
		for _, k := range f.Order {
			s += fmt.Sprintf("%s desc=%v nf=%v,", k.Expr, k.Desc, k.NullsFirst)
		}
		s += fmt.Sprintf(" %+v); ", f.Frame)
	}
	return s
}

// requireSameRecord requires equal schemas and equal values (floats equal
// to the bit, NaNs alike).
func requireSameRecord(t *testing.T, want, got arrow.Record, msg string) {
	t.Helper()
	require.True(t, want.Schema().Equal(got.Schema()), "%s: schema %v, want %v", msg, got.Schema(), want.Schema())
	require.Equal(t, want.NumRows(), got.NumRows(), msg)
	for c := 0; c < int(want.NumCols()); c++ {
		wc, gc := want.Column(c), got.Column(c)
		require.True(t, arrow.TypeEqual(wc.DataType(), gc.DataType()), "%s: column %d type", msg, c)
		if wc.DataType().ID() == arrow.NULL {
			require.Equal(t, wc.Len(), gc.Len(), msg)
			continue
		}
		wg, err := valueGetter(wc)
		require.NoError(t, err)
		gg, err := valueGetter(gc)
		require.NoError(t, err)
		for i := 0; i < wc.Len(); i++ {
			require.Equal(t, wc.IsNull(i), gc.IsNull(i), "%s: column %d row %d null", msg, c, i)
			if wc.IsNull(i) {
				continue
			}
			w, g := wg(i), gg(i)
			if wf, ok := w.(float64); ok {
				gf := g.(float64)
				require.True(t, math.Float64bits(wf) == math.Float64bits(gf) || wf != wf && gf != gf, "%s: column %d row %d: %v, want %v", msg, c, i, gf, wf)
				continue
			}
			require.Equal(t, w, g, "%s: column %d row %d", msg, c, i)
		}
	}
}

// The random input's columns.
var windowTestSchema = arrow.NewSchema([]arrow.Field{
	{Name: "time", Type: TypeInt, Nullable: true},
	{Name: "ts", Type: TypeTimestamptz, Nullable: true},
	{Name: "g", Type: TypeTag, Nullable: true},
	{Name: "s", Type: TypeText, Nullable: true},
	{Name: "i", Type: TypeInt, Nullable: true},
	{Name: "f", Type: TypeFloat, Nullable: true},
	{Name: "u", Type: TypeUint, Nullable: true},
	{Name: "b", Type: TypeBool, Nullable: true},
	{Name: "iv", Type: TypeInterval, Nullable: true},
	{Name: "k", Type: TypeInt, Nullable: true},
	{Name: "d", Type: TypeText, Nullable: true},
}, nil)

// randomWindowInput makes 1 to 4 records of 0 to 40 rows (sometimes 300).
func randomWindowInput(rng *rand.Rand) []arrow.Record {
	nrec := 1 + rng.IntN(4)
	maxRows := 40
	if rng.IntN(10) == 0 {
		maxRows = 300 // long partitions: min/max candidate queues compact
	}
	nulls := rng.IntN(4) // 0: none
	bigInts := rng.IntN(5) == 0
	recs := make([]arrow.Record, nrec)
	for ri := range recs {
		rows := rng.IntN(maxRows + 1)
		if rng.IntN(6) == 0 {
			rows = 0
		}
		cols := make([]arrow.Array, len(windowTestSchema.Fields()))
		for c, fld := range windowTestSchema.Fields() {
			b := array.NewBuilder(memory.DefaultAllocator, fld.Type)
			for range rows {
				if nulls > 0 && rng.IntN(8) < nulls && fld.Name != "time" {
					b.AppendNull()
					continue
				}
				switch fld.Name {
				case "time":
					b.(*array.Int64Builder).Append(int64(rng.IntN(30)))
				case "ts":
					b.(*array.TimestampBuilder).Append(arrow.Timestamp(int64(rng.IntN(20)) * int64(3600e9) * int64(1+rng.IntN(30))))
				case "g":
					require.NoError(nil, b.(*array.BinaryDictionaryBuilder).AppendString(fmt.Sprintf("h%d", rng.IntN(4))))
				case "s":
					b.(*array.StringBuilder).Append([]string{"", "a", "b", "ab", "ba", "zz"}[rng.IntN(6)])
				case "i":
					v := int64(rng.IntN(21) - 10)
					if bigInts && rng.IntN(3) == 0 {
						v = math.MaxInt64/2 - int64(rng.IntN(3))
						if rng.IntN(2) == 0 {
							v = -v
						}
					}
					b.(*array.Int64Builder).Append(v)
				case "f":
					v := float64(rng.IntN(17)-8) / 4
					switch rng.IntN(14) {
					case 0:
						v = math.NaN()
					case 1:
						v = math.Inf(1)
					case 2:
						v = math.Inf(-1)
					case 3:
						v = math.Copysign(0, -1)
					}
					b.(*array.Float64Builder).Append(v)
				case "u":
					b.(*array.Uint64Builder).Append(uint64(rng.IntN(12)))
				case "b":
					b.(*array.BooleanBuilder).Append(rng.IntN(2) == 0)
				case "iv":
					// '1 mon' and '30 days' are equal, as PostgreSQL compares them.
					b.(*array.MonthDayNanoIntervalBuilder).Append([]arrow.MonthDayNanoInterval{
						{Months: 1}, {Days: 30}, {Days: 1}, {Nanoseconds: 86400e9}, {Days: -2}, {Months: 2, Days: -3}}[rng.IntN(6)])
				case "k":
					b.(*array.Int64Builder).Append(int64(rng.IntN(7) - 1))
				case "d":
					b.(*array.StringBuilder).Append([]string{",", "-", ""}[rng.IntN(3)])
				}
			}
			cols[c] = b.NewArray()
			b.Release()
		}
		recs[ri] = array.NewRecord(windowTestSchema, cols, int64(rows))
		for _, a := range cols {
			a.Release()
		}
	}
	return recs
}

func windowTestCol(name string) *Column {
	i := windowTestSchema.FieldIndices(name)[0]
	return &Column{Index: i, Name: name, DT: windowTestSchema.Field(i).Type}
}

// randomWindowFuncs makes 1 to 4 functions, some over one window.
func randomWindowFuncs(rng *rand.Rand, _ *arrow.Schema) []*WindowFunc {
	pick := func(names ...string) *Column { return windowTestCol(names[rng.IntN(len(names))]) }
	keyCols := []string{"time", "ts", "g", "s", "i", "f", "u", "b", "iv", "k"}
	var part []Expr
	var order []SortKey
	var frame Frame
	newWindow := func() {
		part, order = nil, nil
		for range rng.IntN(3) {
			part = append(part, pick(keyCols...))
		}
		for range rng.IntN(3) {
			desc := rng.IntN(2) == 0
			order = append(order, SortKey{Expr: pick(keyCols...), Desc: desc, NullsFirst: rng.IntN(3) == 0 != desc})
		}
		frame = randomFrame(rng, order)
	}
	newWindow()
	n := 1 + rng.IntN(4)
	funcs := make([]*WindowFunc, n)
	for i := range funcs {
		if rng.IntN(3) == 0 {
			newWindow()
		} else if rng.IntN(3) == 0 {
			frame = randomFrame(rng, order)
		}
		funcs[i] = randomWindowFunc(rng, pick)
		funcs[i].Partition, funcs[i].Order, funcs[i].Frame = part, order, frame
	}
	return funcs
}

func randomFrame(rng *rand.Rand, order []SortKey) Frame {
	if rng.IntN(4) == 0 {
		return DefaultFrame
	}
	f := Frame{}
	switch rng.IntN(3) {
	case 0:
		f.Rows = true
	case 1:
		f.Groups = len(order) > 0
	}
	offset := func() any {
		if len(order) == 0 {
			return int64(1)
		}
		switch order[0].Expr.Type().ID() {
		case arrow.TIMESTAMP:
			if rng.IntN(12) == 0 {
				return int64(1) // an error
			}
			return arrow.MonthDayNanoInterval{Days: int32(rng.IntN(3)), Nanoseconds: int64(rng.IntN(3)) * 3600e9}
		case arrow.FLOAT64:
			return []any{0.5, 1.0, math.Inf(1), int64(1)}[rng.IntN(4)]
		case arrow.INT64:
			if rng.IntN(8) == 0 {
				return int64(math.MaxInt64)
			}
			return []any{int64(0), int64(1), int64(3), 1.5}[rng.IntN(4)]
		}
		return int64(rng.IntN(3))
	}
	bound := func(start bool) Bound {
		switch rng.IntN(5) {
		case 0:
			if start {
				return Bound{Kind: UnboundedPreceding}
			}
			return Bound{Kind: UnboundedFollowing}
		case 1:
			return Bound{Kind: CurrentRow}
		case 2:
			return Bound{Kind: Preceding, N: int64(rng.IntN(4)), Value: offset()}
		case 3:
			return Bound{Kind: Following, N: int64(rng.IntN(4)), Value: offset()}
		}
		return Bound{Kind: Preceding, N: math.MaxInt64, Value: offset()}
	}
	f.Start, f.End = bound(true), bound(false)
	if f.Start.Kind == Following && f.End.Kind != Following && f.End.Kind != UnboundedFollowing {
		f.Start, f.End = f.End, f.Start
	}
	if f.End.Kind == UnboundedPreceding || f.Start.Kind == UnboundedFollowing {
		f.Start, f.End = Bound{Kind: UnboundedPreceding}, Bound{Kind: CurrentRow}
	}
	f.Exclude = FrameExclude(rng.IntN(6) % 4)
	return f
}

func randomWindowFunc(rng *rand.Rand, pick func(...string) *Column) *WindowFunc {
	lit := func(v any, dt arrow.DataType) Expr { return &Literal{V: v, DT: dt} }
	names := []string{"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
		"first_value", "last_value", "nth_value", "count", "sum", "avg", "min", "max", "bool_and", "bool_or",
		"string_agg", "stddev", "stddev_pop", "var_samp", "variance"}
	f := &WindowFunc{Name: names[rng.IntN(len(names))]}
	valueCols := []string{"time", "ts", "g", "s", "i", "f", "u", "b", "iv"}
	switch f.Name {
	case "row_number", "rank", "dense_rank", "ntile":
		f.DT = TypeInt
		if f.Name == "ntile" {
			switch rng.IntN(5) {
			case 0:
				f.Args = []Expr{windowTestCol("k")}
			case 1:
				f.Args = []Expr{lit(nil, TypeInt)}
			default:
				f.Args = []Expr{lit(int64(1+rng.IntN(5)), TypeInt)}
			}
		}
	case "percent_rank", "cume_dist":
		f.DT = TypeFloat
	case "lag", "lead":
		v := pick(valueCols...)
		f.Args = []Expr{v}
		if rng.IntN(3) > 0 {
			switch rng.IntN(4) {
			case 0:
				f.Args = append(f.Args, windowTestCol("k"))
			case 1:
				f.Args = append(f.Args, lit(nil, TypeInt))
			default:
				f.Args = append(f.Args, lit(int64(rng.IntN(5)-1), TypeInt))
			}
			if rng.IntN(2) == 0 {
				f.Args = append(f.Args, v) // the value at the current row as the default
			}
		}
		f.DT = valueType(v.DT)
	case "first_value", "last_value", "min", "max":
		v := pick(valueCols...)
		f.Args, f.DT = []Expr{v}, valueType(v.DT)
	case "nth_value":
		v := pick(valueCols...)
		f.Args, f.DT = []Expr{v, lit(int64(1+rng.IntN(3)), TypeInt)}, valueType(v.DT)
		if rng.IntN(3) == 0 {
			f.Args[1] = windowTestCol("k")
		}
	case "count":
		f.DT = TypeInt
		if rng.IntN(2) == 0 {
			f.Star = true
		} else {
			f.Args = []Expr{pick(valueCols...)}
		}
	case "sum", "avg":
		v := pick("i", "f", "u")
		f.Args, f.DT = []Expr{v}, TypeFloat
		if f.Name == "sum" && v.DT.ID() == arrow.INT64 {
			f.DT = TypeInt
		}
	case "bool_and", "bool_or":
		f.Args, f.DT = []Expr{windowTestCol("b")}, TypeBool
	case "string_agg":
		f.Args, f.DT = []Expr{pick("s", "g"), pick("d", "s")}, TypeText
		if rng.IntN(3) == 0 {
			f.Args[1] = lit(";", TypeText)
		}
	default:
		f.Args, f.DT = []Expr{pick("i", "f", "u")}, TypeFloat
	}
	return f
}

func valueType(dt arrow.DataType) arrow.DataType {
	if IsText(dt) {
		return TypeText
	}
	return dt
}

// TestWindowEmitMatchesSort: a window passing its rows in one function's
// order (EmitInOrderOf) yields what a stable Sort on that function's
// PARTITION BY (ascending, NULLs last) and ORDER BY keys yields over the
// window in input order, row for row, over the random cases above.
func TestWindowEmitMatchesSort(t *testing.T) {
	cases := 1000
	if testing.Short() {
		cases = 200
	}
	checked := 0
	for seed := range cases {
		rng := rand.New(rand.NewPCG(uint64(seed), 78))
		recs := randomWindowInput(rng)
		funcs := randomWindowFuncs(rng, recs[0].Schema())
		names := make([]string, len(funcs))
		for i := range names {
			names[i] = fmt.Sprintf("w%d", i)
		}
		fn := rng.IntN(len(funcs))
		var keys []SortKey
		for _, p := range funcs[fn].Partition {
			keys = append(keys, SortKey{Expr: p})
		}
		keys = append(keys, funcs[fn].Order...)
		if len(keys) == 0 {
			continue
		}
		want, wantErr := Collect(bg, NewSort(NewCtx(), NewWindow(NewCtx(), NewValues(recs[0].Schema(), recs...), funcs, names), keys, -1))
		got, gotErr := Collect(bg, NewWindow(NewCtx(), NewValues(recs[0].Schema(), recs...), funcs, names).EmitInOrderOf(fn))
		desc := fmt.Sprintf("seed %d, rows in %s's order: %s", seed, funcs[fn].Name, describeFuncs(funcs))
		if wantErr != nil {
			require.Error(t, gotErr, desc)
		} else {
			require.NoError(t, gotErr, desc)
			wantRec, gotRec := concatRecords(t, want), concatRecords(t, got)
			if wantRec != nil || gotRec != nil {
				require.NotNil(t, wantRec, desc)
				require.NotNil(t, gotRec, desc)
				requireSameRecord(t, wantRec, gotRec, desc)
				wantRec.Release()
				gotRec.Release()
			}
			checked++
		}
		for _, r := range append(want, got...) {
			r.Release()
		}
		for _, r := range recs {
			r.Release()
		}
	}
	require.Greater(t, checked, cases/3, "cases compared")
}

// concatRecords joins records of one schema into one (nil for none or no
// rows), so that differently cut outputs compare row by row.
func concatRecords(t *testing.T, recs []arrow.Record) arrow.Record {
	t.Helper()
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	if rows == 0 {
		return nil
	}
	refs := make([]rowRef, 0, rows)
	for ri, r := range recs {
		for row := 0; row < int(r.NumRows()); row++ {
			refs = append(refs, makeRef(ri, row))
		}
	}
	out, err := gatherRows(recs[0].Schema(), recs, refs)
	require.NoError(t, err)
	return out
}

// TestWindowEmitInOrderInput: rows that arrive in the window's order
// leave as slices of their record (no gather), with the same values a
// Sort over the window gives.
func TestWindowEmitInOrderInput(t *testing.T) {
	rec := recordOf(t,
		col{"time", TypeInt, []any{1, 2, 3, 4, 5}},
		col{"v", TypeInt, []any{10, nil, 30, 40, 50}})
	defer rec.Release()
	timeCol := &Column{Index: 0, Name: "time", DT: TypeInt}
	funcs := []*WindowFunc{{Name: "sum", Args: []Expr{&Column{Index: 1, Name: "v", DT: TypeInt}}, Order: []SortKey{{Expr: timeCol}},
		Frame: Frame{Rows: true, Start: Bound{Kind: Preceding, N: 1}, End: Bound{Kind: CurrentRow}}, DT: TypeInt}}
	w := NewWindow(NewCtx(), NewValues(rec.Schema(), rec), funcs, []string{"s"}).EmitInOrderOf(0)
	got, err := Collect(bg, w)
	require.NoError(t, err)
	want, err := Collect(bg, NewSort(NewCtx(), NewWindow(NewCtx(), NewValues(rec.Schema(), rec), funcs, []string{"s"}), []SortKey{{Expr: timeCol}}, -1))
	require.NoError(t, err)
	require.Len(t, got, 1)
	requireSameRecord(t, want[0], got[0], "in order")
	require.True(t, &rec.Column(0).Data().Buffers()[1].Bytes()[0] == &got[0].Column(0).Data().Buffers()[1].Bytes()[0], "a slice of the input, not a copy")
	for _, r := range append(want, got...) {
		r.Release()
	}
}
