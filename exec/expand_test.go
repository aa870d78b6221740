package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// TestExpandRollup aggregates ROLLUP (host, n) as the planner builds it:
// Expand adds the keys and the set number after the input's columns, the
// aggregate groups by them. Keys a set leaves out are NULL (host's NULL
// value stays a group of its own set), aggregates see every row, and
// every buffer is released.
func TestExpandRollup(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	c := NewCtx()
	c.Mem = mem
	rec := cpu(t)
	defer rec.Release()
	host, usage, n := colRef(rec, "host"), colRef(rec, "usage"), colRef(rec, "n")
	isBig := &Compare{Op: Gt, L: n, R: &Literal{V: int64(2), DT: TypeInt}}
	exp, err := NewExpand(c, NewValues(rec.Schema(), rec, rec), []Expr{host, isBig}, [][]int{{0, 1}, {0}, {}}, []string{"host", "big", "set"})
	require.NoError(t, err)
	w := int(rec.NumCols())
	keys := []Expr{
		&Column{Index: w, Name: "host", DT: TypeTag},
		&Column{Index: w + 1, Name: "big", DT: TypeBool},
		&Column{Index: w + 2, Name: "set", DT: TypeInt},
	}
	agg, err := NewHashAggregate(c, exp, keys, []Agg{{Func: AggCountStar}, {Func: AggSum, Arg: n}, {Func: AggMax, Arg: usage}},
		[]string{"host", "big", "set", "count", "sum", "max"})
	require.NoError(t, err)
	agg.EmptySets = []int64{2}
	got := rows(t, agg)
	agg.Close()
	require.ElementsMatch(t, []string{
		"NULL|NULL|2|12|32|5.5", // the grand total: every row of both batches
		"a|f|0|2|2|1.5",
		"a|t|0|4|18|0.5",
		"b|f|0|2|4|2",
		"b|NULL|0|2|NULL|5.5", // n is NULL: so is n > 2
		"NULL|t|0|2|8|4",      // host is NULL in the data, not left out
		"a|NULL|1|6|20|1.5",
		"b|NULL|1|4|4|5.5",
		"NULL|NULL|1|2|8|4",
	}, got)
}

// TestExpandEmptySets: without input rows only the sets without keys have
// a row, as an aggregate without GROUP BY has.
func TestExpandEmptySets(t *testing.T) {
	c := NewCtx()
	rec := cpu(t)
	defer rec.Release()
	host := colRef(rec, "host")
	exp, err := NewExpand(c, NewValues(rec.Schema()), []Expr{host}, [][]int{{0}, {}, {}}, []string{"host", "set"})
	require.NoError(t, err)
	w := int(rec.NumCols())
	agg, err := NewHashAggregate(c, exp, []Expr{&Column{Index: w, Name: "host", DT: TypeTag}, &Column{Index: w + 1, Name: "set", DT: TypeInt}},
		[]Agg{{Func: AggCountStar}, {Func: AggSum, Arg: colRef(rec, "n")}}, []string{"host", "set", "count", "sum"})
	require.NoError(t, err)
	agg.EmptySets = []int64{1, 2}
	require.ElementsMatch(t, []string{"NULL|1|0|NULL", "NULL|2|0|NULL"}, rows(t, agg))
	agg.Close()
}

// TestExpandInWorkers: over a parallel scan, Expand hands each worker's
// batches on once per set and the aggregate merges the workers' partial
// states to what one goroutine computes.
func TestExpandInWorkers(t *testing.T) {
	e := multiSplitEngine(t)
	run := func(perSplit bool) []string {
		c := NewCtx()
		ps, err := NewParallelScan(c, e, storage.ScanRequest{Database: "db", Table: "m"}, nil, 2)
		require.NoError(t, err)
		s := ps.Schema()
		v := &Column{Index: s.FieldIndices("v")[0], Name: "v", DT: TypeFloat}
		tm := &Column{Index: s.FieldIndices("time")[0], Name: "time", DT: TypeTimestamptz}
		day, err := NewCall("date_trunc", []Expr{&Literal{V: "day", DT: TypeText}, tm})
		require.NoError(t, err)
		low := &Compare{Op: Lt, L: v, R: &Literal{V: 50.0, DT: TypeFloat}}
		exp, err := NewExpand(c, ps, []Expr{day, low}, [][]int{{0, 1}, {1}, {}}, []string{"day", "low", "set"})
		require.NoError(t, err)
		require.Equal(t, 2, exp.Workers())
		w := s.NumFields()
		agg, err := NewHashAggregate(c, exp, []Expr{
			&Column{Index: w, Name: "day", DT: TypeTimestamptz}, &Column{Index: w + 1, Name: "low", DT: TypeBool}, &Column{Index: w + 2, Name: "set", DT: TypeInt},
		}, []Agg{{Func: AggCountStar}, {Func: AggSum, Arg: v}}, []string{"day", "low", "set", "count", "sum"})
		require.NoError(t, err)
		agg.PerSplit = perSplit
		agg.EmptySets = []int64{2}
		defer agg.Close()
		out := rows(t, agg)
		if perSplit {
			// However the splits fell to the workers (one may read them all).
			require.Positive(t, agg.workers, "aggregated in the scan's workers")
		}
		return out
	}
	serial := run(false)
	require.Len(t, serial, 4*2+2+1)
	require.Contains(t, serial, "NULL|NULL|2|400|19800")
	require.Contains(t, serial, "NULL|t|1|200|4900")
	require.ElementsMatch(t, serial, run(true))
}

// TestGroupingBits: GROUPING's value per set number.
func TestGroupingBits(t *testing.T) {
	rec := recordOf(t, col{"set", TypeInt, []any{0, 2, 1, 2}})
	defer rec.Release()
	g := &Grouping{Set: colRef(rec, "set"), Values: []int64{0, 1, 3}, Args: "a, b"}
	a, err := g.Eval(NewCtx(), rec)
	require.NoError(t, err)
	defer a.Release()
	require.Equal(t, "[0 3 1 3]", a.String())
	bad := recordOf(t, col{"set", TypeInt, []any{5}})
	defer bad.Release()
	_, err = g.Eval(NewCtx(), bad)
	require.ErrorContains(t, err, "no grouping set")
}
