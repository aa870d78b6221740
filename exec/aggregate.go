package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// AggFunc is an aggregate function.
type AggFunc int

// The aggregate functions.
const (
	AggCountStar AggFunc = iota
	AggCount
	AggSum
	AggAvg
	AggMin
	AggMax
	AggFirst // first(value, time): the value at the smallest time
	AggLast  // last(value, time): the value at the largest time
	AggStddevSamp
	AggStddevPop
	AggVarSamp
	AggVarPop
	AggBoolAnd
	AggBoolOr
	AggStringAgg      // string_agg(value, Sep [ORDER BY ...])
	AggPercentileCont // percentile_cont(Fraction) WITHIN GROUP (ORDER BY Arg)
	AggPercentileDisc // percentile_disc(Fraction) WITHIN GROUP (ORDER BY Arg)
	AggMode           // mode() WITHIN GROUP (ORDER BY Arg)
	// AggSingle is the value of a scalar subquery per group: its one row's
	// value, NULL without rows, an error with more than one.
	AggSingle
	// The statistics of pairs (Arg, Time) = (Y, X) where neither is NULL:
	// corr(Y, X), covar_pop, covar_samp and the regr_* functions of the
	// least-squares line Y = slope*X + intercept.
	AggCorr
	AggCovarPop
	AggCovarSamp
	AggRegrSlope
	AggRegrIntercept
	AggRegrR2
	AggRegrCount
	AggRegrAvgX
	AggRegrAvgY
	AggRegrSXX
	AggRegrSYY
	AggRegrSXY
	AggHistogram // TimescaleDB's histogram(Arg, Hist.Min, Hist.Max, Hist.Buckets)
	// AggTimeOfMin and AggTimeOfMax are the Time of the row with the
	// smallest/largest Arg, the smallest such Time among equal values
	// (InfluxDB 3's selector_min/selector_max(value, time)['time']).
	AggTimeOfMin
	AggTimeOfMax
	// The bitwise AND, OR and XOR of the non-NULL integers.
	AggBitAnd
	AggBitOr
	AggBitXor
	// AggSummary computes Summary.Func from the group's (Time, Arg) points
	// in time order (Timescale Toolkit's summaries read by an accessor).
	AggSummary
)

var aggNames = map[AggFunc]string{AggCountStar: "count(*)", AggCount: "count", AggSum: "sum", AggAvg: "avg", AggMin: "min", AggMax: "max",
	AggFirst: "first", AggLast: "last", AggStddevSamp: "stddev_samp", AggStddevPop: "stddev_pop", AggVarSamp: "var_samp",
	AggVarPop: "var_pop", AggBoolAnd: "bool_and", AggBoolOr: "bool_or", AggStringAgg: "string_agg",
	AggPercentileCont: "percentile_cont", AggPercentileDisc: "percentile_disc", AggMode: "mode", AggSingle: "scalar subquery",
	AggCorr: "corr", AggCovarPop: "covar_pop", AggCovarSamp: "covar_samp", AggRegrSlope: "regr_slope",
	AggRegrIntercept: "regr_intercept", AggRegrR2: "regr_r2", AggRegrCount: "regr_count", AggRegrAvgX: "regr_avgx",
	AggRegrAvgY: "regr_avgy", AggRegrSXX: "regr_sxx", AggRegrSYY: "regr_syy", AggRegrSXY: "regr_sxy", AggHistogram: "histogram",
	AggTimeOfMin: "time_of_min", AggTimeOfMax: "time_of_max", AggBitAnd: "bit_and", AggBitOr: "bit_or", AggBitXor: "bit_xor", AggSummary: "summary"}

// IsPairStat reports whether f is one of the two-argument statistics
// (corr, covar_*, regr_*).
func (f AggFunc) IsPairStat() bool { return f >= AggCorr && f <= AggRegrSXY }

func (f AggFunc) String() string { return aggNames[f] }

// Agg is one aggregate of a HashAggregate: Func over Arg (nil for
// count(*)), with Time the ordering argument of first/last or the second
// argument (X) of the pair statistics.
type Agg struct {
	Func AggFunc
	Arg  Expr
	Time Expr
	// Distinct aggregates each group's distinct non-NULL values once
	// (count, sum and avg; min and max are the same either way).
	Distinct bool
	// Filter, when set, limits the aggregate to rows where it is true
	// (FILTER (WHERE ...)).
	Filter Expr
	// Order orders the values of string_agg; for the WITHIN GROUP
	// aggregates, Order[0].Desc reverses the sort of Arg.
	Order []SortKey
	// Sep is string_agg's delimiter; Fraction the percentile; Hist the
	// buckets of histogram.
	Sep      string
	Fraction float64
	Hist     Histogram
	// Summary is what AggSummary computes.
	Summary Summary
	// Decimal marks a numeric argument of sum or avg, held as the float8
	// nearest each decimal value: the sum is moved to the nearest decimal
	// of the values' places (snapDecimal) and avg divides it by the count
	// as decimals (decimalQuotient), so avg of 0.1, 0.2, 0.3 is 0.2 as in
	// PostgreSQL, not the float sum's 0.19999999999999998. Places are the
	// plan's (0 to 15) when every value has them, else (-1) each group's
	// largest of its values' own (valuePlaces).
	Decimal bool
	Places  int
}

func orderString(keys []SortKey) string {
	if len(keys) == 0 {
		return ""
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Expr.String() + descString(keys[i:i+1])
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}

func descString(keys []SortKey) string {
	if len(keys) > 0 && keys[0].Desc {
		return " DESC"
	}
	return ""
}

func filterString(f Expr) string {
	if f == nil {
		return ""
	}
	return " FILTER (WHERE " + f.String() + ")"
}

func (a Agg) String() string {
	switch {
	case a.Func == AggCountStar && a.Filter != nil:
		return "count(*)" + filterString(a.Filter)
	case a.Func == AggCountStar:
		return "count(*)"
	case a.Func == AggSummary && a.Time == nil:
		return fmt.Sprintf("%s(%s)%s", a.Summary, a.Arg, filterString(a.Filter))
	case a.Func == AggSummary:
		return fmt.Sprintf("%s(%s, %s)%s", a.Summary, a.Time, a.Arg, filterString(a.Filter))
	case a.Time != nil:
		return fmt.Sprintf("%s(%s, %s)%s", a.Func, a.Arg, a.Time, filterString(a.Filter))
	case a.Distinct:
		return fmt.Sprintf("%s(DISTINCT %s)%s", a.Func, a.Arg, filterString(a.Filter))
	case a.Func == AggStringAgg:
		return fmt.Sprintf("string_agg(%s, '%s'%s)%s", a.Arg, a.Sep, orderString(a.Order), filterString(a.Filter))
	case a.Func == AggPercentileCont || a.Func == AggPercentileDisc:
		return fmt.Sprintf("%s(%v) WITHIN GROUP (ORDER BY %s%s)%s", a.Func, a.Fraction, a.Arg, descString(a.Order), filterString(a.Filter))
	case a.Func == AggHistogram:
		return fmt.Sprintf("histogram(%s, %v, %v, %d)%s", a.Arg, a.Hist.Min, a.Hist.Max, a.Hist.Buckets, filterString(a.Filter))
	case a.Func == AggMode:
		return fmt.Sprintf("mode() WITHIN GROUP (ORDER BY %s%s)%s", a.Arg, descString(a.Order), filterString(a.Filter))
	case a.Filter != nil:
		return fmt.Sprintf("%s(%s)%s", a.Func, a.Arg, filterString(a.Filter))
	}
	return fmt.Sprintf("%s(%s)", a.Func, a.Arg)
}

// orderedByArg is true when the aggregate's argument is a column and every
// ORDER BY key is that column (string_agg(DISTINCT x, ',' ORDER BY x), as
// DISTINCT requires): the values are their own keys, and none are recorded
// beside them.
func (a Agg) orderedByArg() bool {
	if a.Arg == nil || len(a.Order) == 0 {
		return false
	}
	ac, ok := a.Arg.(*Column)
	if !ok {
		return false // an expression: its keys are recorded
	}
	for _, k := range a.Order {
		if kc, ok := k.Expr.(*Column); !ok || kc.Index != ac.Index {
			return false
		}
	}
	return true
}

// ResultType is the type an aggregate returns for its argument type.
func (a Agg) ResultType() (arrow.DataType, error) {
	var in arrow.DataType
	if a.Arg != nil {
		in = a.Arg.Type()
		if IsText(in) {
			in = TypeText
		}
	}
	switch a.Func {
	case AggCountStar, AggCount:
		return TypeInt, nil
	case AggSum:
		switch in.ID() {
		case arrow.INT64, arrow.UINT64, arrow.FLOAT64:
			return in, nil
		}
	case AggAvg, AggStddevSamp, AggStddevPop, AggVarSamp, AggVarPop:
		switch in.ID() {
		case arrow.INT64, arrow.UINT64, arrow.FLOAT64:
			return TypeFloat, nil
		}
	case AggMin, AggMax, AggFirst, AggLast, AggSingle:
		return in, nil
	case AggBoolAnd, AggBoolOr:
		if in.ID() == arrow.BOOL {
			return TypeBool, nil
		}
	case AggStringAgg:
		return TypeText, nil
	case AggPercentileCont:
		switch in.ID() {
		case arrow.INT64, arrow.UINT64, arrow.FLOAT64:
			return TypeFloat, nil
		case arrow.INTERVAL_MONTH_DAY_NANO:
			return TypeInterval, nil // interpolated as PostgreSQL's interval_lerp
		}
	case AggPercentileDisc, AggMode:
		return in, nil
	case AggHistogram:
		if numericID(in.ID()) {
			return TypeText, nil // int4[], held as its text
		}
	case AggBitAnd, AggBitOr, AggBitXor:
		if in.ID() == arrow.INT64 || in.ID() == arrow.UINT64 {
			return in, nil
		}
	case AggTimeOfMin, AggTimeOfMax:
		if a.Time != nil && a.Time.Type().ID() == arrow.TIMESTAMP {
			return a.Time.Type(), nil
		}
	case AggSummary:
		// NULL arguments (a literal NULL) make every result NULL.
		if (numericID(in.ID()) || in.ID() == arrow.NULL) && (a.Time == nil || a.Time.Type().ID() == arrow.TIMESTAMP || a.Time.Type().ID() == arrow.NULL) {
			return a.Summary.resultType(), nil
		}
		return nil, fmt.Errorf("%s takes a timestamp and a number", a.Summary.Kind)
	}
	if a.Func.IsPairStat() && a.Time != nil {
		x := a.Time.Type().ID()
		if numericID(in.ID()) && numericID(x) {
			if a.Func == AggRegrCount {
				return TypeInt, nil
			}
			return TypeFloat, nil
		}
		return nil, fmt.Errorf("function %s(%v, %v) does not exist", a.Func, in, a.Time.Type())
	}
	return nil, fmt.Errorf("function %s(%s) does not exist", a.Func, SQLTypeName(in))
}

// HashAggregate groups its child's rows by key expressions and computes
// aggregates per group. Output: the keys, then the aggregates. Without keys
// it returns one row, even for no input (as SQL requires).
//
// Over a parallel scan, with PerSplit set and every aggregate Mergeable,
// each scan worker aggregates the batches it reads into its own groups
// (partial aggregation, on every core), and the workers' groups and states
// are merged at the end.
type HashAggregate struct {
	child  Operator
	keys   []Expr
	aggs   []Agg
	schema *arrow.Schema
	c      *Ctx
	done   bool
	cur    arrow.Record
	// PerSplit asks for partial aggregation per split (see above).
	PerSplit bool
	// EmptySets lists, below an Expand, the grouping sets that group by no
	// key: each has its one group (NULL keys) even when no row arrives, as
	// an aggregate without GROUP BY does. The last key is the set number.
	EmptySets []int64
	// workers is how many workers aggregated (EXPLAIN ANALYZE); 0: the
	// aggregation ran in one goroutine.
	workers int
}

// NewHashAggregate builds the operator; names name the output columns.
func NewHashAggregate(c *Ctx, child Operator, keys []Expr, aggs []Agg, names []string) (*HashAggregate, error) {
	fields := make([]arrow.Field, 0, len(keys)+len(aggs))
	for i, k := range keys {
		fields = append(fields, arrow.Field{Name: names[i], Type: k.Type(), Nullable: true})
	}
	for i, a := range aggs {
		dt, err := a.ResultType()
		if err != nil {
			return nil, err
		}
		fields = append(fields, arrow.Field{Name: names[len(keys)+i], Type: dt, Nullable: true})
	}
	return &HashAggregate{child: child, keys: keys, aggs: aggs, schema: arrow.NewSchema(fields, nil), c: c}, nil
}

func numericID(t arrow.Type) bool {
	return t == arrow.INT64 || t == arrow.UINT64 || t == arrow.FLOAT64 || t == arrow.NULL
}

func (h *HashAggregate) Schema() *arrow.Schema { return h.schema }

func (h *HashAggregate) Close() {
	if h.cur != nil {
		h.cur.Release()
		h.cur = nil
	}
	h.child.Close()
}

// AnalyzeNote reports, for EXPLAIN ANALYZE, how many workers aggregated.
func (h *HashAggregate) AnalyzeNote() string {
	if h.workers == 0 {
		return ""
	}
	return fmt.Sprintf("partial aggregates of %d workers merged", h.workers)
}

func (h *HashAggregate) Next(ctx context.Context) (arrow.Record, error) {
	if h.cur != nil {
		h.cur.Release()
		h.cur = nil
	}
	if h.done {
		return nil, nil
	}
	h.done = true
	var st *aggState
	var err error
	if src, ok := h.child.(Consumer); ok && h.PerSplit && src.Workers() > 0 && h.mergeable() {
		st, err = h.parallel(ctx, src)
	} else {
		st, err = h.serial(ctx)
	}
	if err != nil {
		return nil, err
	}
	g := st.g
	cols := make([]arrow.Array, 0, h.schema.NumFields())
	cols = append(cols, g.keyArrays()...)
	for i, acc := range st.accs {
		acc.grow(g.groups)
		cols = append(cols, acc.result(h.schema.Field(len(h.keys)+i).Type, g.groups))
		if r, ok := acc.(interface{ resultErr() error }); ok && r.resultErr() != nil {
			for _, c := range cols {
				c.Release()
			}
			return nil, r.resultErr()
		}
	}
	h.cur = array.NewRecord(h.schema, cols, int64(g.groups))
	for _, c := range cols {
		c.Release()
	}
	if g.groups == 0 {
		return nil, nil
	}
	return h.cur, nil
}

func (h *HashAggregate) mergeable() bool {
	for _, a := range h.aggs {
		if !Mergeable(a) {
			return false
		}
	}
	return true
}

// aggState is one grouping's groups and aggregate states.
type aggState struct {
	h        *HashAggregate
	g        *grouper
	accs     []accumulator
	gids     []uint32
	reserved int
	held     int64 // bytes reserved for the values sizer accumulators keep
}

// sizer is an accumulator that keeps values as it goes (percentiles,
// summaries): heldBytes is what they take, reserved against the query's
// memory limit as they arrive.
type sizer interface {
	heldBytes() int64
}

// accountHeld reserves what the keeping accumulators took since the last
// call.
func (st *aggState) accountHeld() error {
	var n int64
	for _, acc := range st.accs {
		if s, ok := acc.(sizer); ok {
			n += s.heldBytes()
		}
	}
	if d := n - st.held; d != 0 {
		st.held = n
		return st.h.c.Reserve(d)
	}
	return nil
}

func (h *HashAggregate) newState(keys []Expr) (*aggState, error) {
	st := &aggState{h: h, g: newGrouper(keys), accs: make([]accumulator, len(h.aggs))}
	for i, a := range h.aggs {
		acc, err := newAccumulator(a)
		if err != nil {
			return nil, err
		}
		st.accs[i] = acc
	}
	shareSummaryPoints(h.aggs, st.accs)
	if len(keys) == 0 {
		st.g.groups = 1
	}
	if len(h.EmptySets) > 0 {
		if err := st.seedEmptySets(); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// seedEmptySets gives each of EmptySets its group: a batch of the child's
// columns, NULL but for the set numbers, is grouped without aggregating.
func (st *aggState) seedEmptySets() error {
	h := st.h
	set, ok := h.keys[len(h.keys)-1].(*Column)
	if !ok {
		return fmt.Errorf("aggregate: the last key is not a grouping set number")
	}
	schema := h.child.Schema()
	n := len(h.EmptySets)
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		if i == set.Index {
			b := array.NewInt64Builder(h.c.Mem)
			b.AppendValues(h.EmptySets, nil)
			cols[i] = b.NewArray()
			b.Release()
			continue
		}
		cols[i] = array.MakeArrayOfNull(h.c.Mem, f.Type, n)
	}
	rec := array.NewRecord(schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	var err error
	if st.gids, err = st.g.assign(h.c, rec, st.gids); err != nil {
		return err
	}
	return st.account()
}

// add folds one batch into the state.
func (st *aggState) add(rec arrow.Record) error {
	h := st.h
	n := int(rec.NumRows())
	var err error
	if len(h.keys) == 0 {
		st.gids = zeros(st.gids, n)
	} else if st.gids, err = st.g.assign(h.c, rec, st.gids); err != nil {
		return err
	}
	// The new groups' memory is reserved before the states grow for them.
	if err := st.account(); err != nil {
		return err
	}
	for i, a := range h.aggs {
		if s, ok := st.accs[i].(*summaryAcc); ok && s.leader != nil {
			continue // its leader keeps the points
		}
		if err := updateAcc(h.c, st.accs[i], a, rec, st.gids, st.g.groups); err != nil {
			return err
		}
	}
	return st.accountHeld()
}

// account reserves memory for group state as it grows: keys, map entry
// and one slot per aggregate.
func (st *aggState) account() error {
	if grown := st.g.groups - st.reserved; grown > 0 {
		if err := st.h.c.Reserve(int64(grown) * st.perGroup()); err != nil {
			return err
		}
		st.reserved = st.g.groups
	}
	return nil
}

func (st *aggState) perGroup() int64 {
	n := int64(64 + 16*len(st.h.keys) + 24*len(st.h.aggs))
	for _, a := range st.h.aggs {
		if a.Func == AggHistogram {
			n += 4 * int64(a.Hist.Buckets+2) // its counts
		}
	}
	return n
}

// serial aggregates the child's batches in this goroutine.
func (h *HashAggregate) serial(ctx context.Context) (*aggState, error) {
	st, err := h.newState(h.keys)
	if err != nil {
		return nil, err
	}
	for {
		rec, err := h.child.Next(ctx)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return st, nil
		}
		if err := st.add(rec); err != nil {
			return nil, err
		}
	}
}

// parallel aggregates per worker and merges the workers' states: each
// worker's groups (its key arrays) are grouped again by a grouper over key
// columns, which maps them to the merged groups.
func (h *HashAggregate) parallel(ctx context.Context, src Consumer) (*aggState, error) {
	states := make([]*aggState, src.Workers())
	err := src.Consume(ctx, func(w int, rec arrow.Record, sel []int32) error {
		if sel != nil {
			return fmt.Errorf("aggregate: a selection of rows was handed over; nothing asked for one")
		}
		if states[w] == nil {
			st, err := h.newState(h.keys)
			if err != nil {
				return err
			}
			states[w] = st
		}
		return states[w].add(rec)
	})
	if err != nil {
		return nil, err
	}
	// Merge into the state with the most groups: its grouper, given key
	// columns in place of the key expressions (the groups' encoding
	// depends only on the key types), groups the other states' keys.
	var merged *aggState
	for _, st := range states {
		if st != nil {
			h.workers++
			if merged == nil || st.g.groups > merged.g.groups {
				merged = st
			}
		}
	}
	switch h.workers {
	case 0:
		return h.newState(h.keys) // no rows
	case 1:
		return merged, nil // one worker saw every row: nothing to merge
	}
	fields := make([]arrow.Field, len(h.keys))
	cols := make([]Expr, len(h.keys))
	for i, k := range h.keys {
		name := fmt.Sprintf("key%d", i)
		cols[i] = &Column{Index: i, Name: name, DT: k.Type()}
		fields[i] = arrow.Field{Name: name, Type: k.Type(), Nullable: true}
	}
	merged.g.keys = cols
	keySchema := arrow.NewSchema(fields, nil)
	for w, st := range states {
		if st == nil || st == merged {
			continue
		}
		if err := merged.merge(st, keySchema); err != nil {
			return nil, err
		}
		states[w] = nil
		st.release() // its groups are now counted in merged's
	}
	return merged, nil
}

// merge folds another worker's groups and aggregate states into st.
func (st *aggState) merge(o *aggState, keySchema *arrow.Schema) error {
	groups := o.g.groups
	if len(st.h.keys) == 0 {
		st.gids = zeros(st.gids, 1)
	} else {
		if groups == 0 {
			return nil
		}
		arrs := o.g.keyArrays()
		keys := array.NewRecord(keySchema, arrs, int64(groups))
		for _, a := range arrs {
			a.Release()
		}
		var err error
		st.gids, err = st.g.assign(st.h.c, keys, st.gids)
		keys.Release()
		if err != nil {
			return err
		}
	}
	for i, acc := range st.accs {
		acc.grow(st.g.groups)
		o.accs[i].grow(groups)
		if err := acc.(merger).merge(o.accs[i], st.gids); err != nil {
			return err
		}
	}
	if err := st.account(); err != nil {
		return err
	}
	return st.accountHeld()
}

// release returns the memory reserved for st's groups.
func (st *aggState) release() {
	_ = st.h.c.Reserve(-int64(st.reserved)*st.perGroup() - st.held)
	st.reserved, st.held = 0, 0
}

func zeros(dst []uint32, n int) []uint32 {
	if cap(dst) < n {
		return make([]uint32, n)
	}
	dst = dst[:n]
	clear(dst)
	return dst
}

func updateAcc(c *Ctx, acc accumulator, a Agg, rec arrow.Record, gids []uint32, groups int) error {
	acc.grow(groups)
	if a.Filter != nil {
		mask, err := a.Filter.Eval(c, rec)
		if err != nil {
			return err
		}
		idx := selectTrue(mask.(*array.Boolean), nil)
		mask.Release()
		if len(idx) < int(rec.NumRows()) {
			sub, err := takeRecord(rec, idx)
			if err != nil {
				return err
			}
			defer sub.Release()
			rec, gids = sub, gather(gids, idx)
		}
	}
	var arg, tm arrow.Array
	var err error
	if a.Arg != nil {
		if arg, err = a.Arg.Eval(c, rec); err != nil {
			return err
		}
		defer arg.Release()
	}
	if a.Time != nil {
		if tm, err = a.Time.Eval(c, rec); err != nil {
			return err
		}
		defer tm.Release()
	}
	if ca, ok := acc.(keyRecorder); ok && a.Func == AggStringAgg && len(a.Order) > 0 && !a.orderedByArg() {
		keys := make([]arrow.Array, len(a.Order))
		for k, o := range a.Order {
			if keys[k], err = o.Expr.Eval(c, rec); err != nil {
				return err
			}
			defer keys[k].Release()
		}
		if err := ca.updateKeys(gids, arg, keys); err != nil {
			return err
		}
	}
	return acc.update(gids, arg, tm)
}

// keyRecorder is a string_agg accumulator that records each row's ORDER BY
// key values (updateKeys, called before update).
type keyRecorder interface {
	updateKeys(gids []uint32, arg arrow.Array, keys []arrow.Array) error
}

// grouper assigns group ids to rows by the values of the key expressions.
// Each key value becomes a uint64 (text through an intern table, tags mapped
// once per dictionary), and up to four of them form a fixed-size map key.
type grouper struct {
	keys   []Expr
	groups int
	// sorted: one key, and every group so far was made in ascending key
	// order without NULLs; the groups are not in one yet (sortedGroup).
	sorted bool
	one    map[uint64]uint32    // one key, not NULL
	two    map[[2]uint64]uint32 // two keys, neither NULL
	small  map[groupKey]uint32
	large  map[string]uint32
	// Per key column: the representative values of each group and the
	// intern table for text.
	vals   [][]uint64
	nulls  [][]bool
	intern []map[string]uint64
	texts  [][]string
	// ivals: per interval key column, the first interval of each interned
	// span ('1 day' and '24 hours' are one group, shown as the first seen).
	ivals [][]arrow.MonthDayNanoInterval
	// Per batch: each key column's encoding (a copy in scratch, or a view
	// of the batch's own values) and NULL flags.
	enc     [][]uint64
	scratch [][]uint64
	isNul   [][]bool
}

type groupKey struct {
	v     [4]uint64
	nulls uint8
}

func newGrouper(keys []Expr) *grouper {
	g := &grouper{keys: keys, one: map[uint64]uint32{}, two: map[[2]uint64]uint32{}, small: map[groupKey]uint32{}, large: map[string]uint32{}, sorted: len(keys) == 1}
	g.vals = make([][]uint64, len(keys))
	g.nulls = make([][]bool, len(keys))
	g.intern = make([]map[string]uint64, len(keys))
	g.texts = make([][]string, len(keys))
	g.enc = make([][]uint64, len(keys))
	g.scratch = make([][]uint64, len(keys))
	g.isNul = make([][]bool, len(keys))
	for i := range keys {
		g.intern[i] = map[string]uint64{}
	}
	return g
}

// internText maps a text value to its id. Ids come from the intern map's
// size, so encoders that share a map (the two sides of a hash join) agree.
func (g *grouper) internText(k int, s string) uint64 {
	id, ok := g.intern[k][s]
	if !ok {
		id = uint64(len(g.intern[k]))
		g.intern[k][s] = id
		g.texts[k] = append(g.texts[k], s)
	}
	return id
}

// view points key column k's encoding at a's own values when they are
// int64s or times without NULLs (their bits are the encoding); false for
// other arrays. The encoding is valid while a is.
func (g *grouper) view(k int, a arrow.Array) bool {
	if a.NullN() > 0 {
		return false
	}
	var vals []int64
	switch a := a.(type) {
	case *array.Int64:
		vals = a.Int64Values()
	case *array.Timestamp:
		vals = timestampValues(a)
	default:
		return false
	}
	g.enc[k] = arrow.Uint64Traits.CastFromBytes(arrow.Int64Traits.CastToBytes(vals))
	g.isNul[k] = slices.Grow(g.isNul[k][:0], len(vals))[:len(vals)]
	clear(g.isNul[k])
	return true
}

// encode turns key column k of a batch into uint64s and null flags.
func (g *grouper) encode(k int, a arrow.Array) error {
	n := a.Len()
	enc := slices.Grow(g.scratch[k][:0], n)
	nul := slices.Grow(g.isNul[k][:0], n)[:n]
	switch a.NullN() {
	case 0:
		clear(nul)
	case n: // a key a grouping set leaves out
		for i := range nul {
			nul[i] = true
		}
		enc = enc[:n]
		clear(enc)
		g.enc[k], g.scratch[k], g.isNul[k] = enc, enc, nul
		return nil
	default:
		for i := range nul {
			nul[i] = a.IsNull(i)
		}
	}
	switch a := a.(type) {
	case *array.Int64:
		for _, v := range a.Int64Values() {
			enc = append(enc, uint64(v))
		}
	case *array.Timestamp:
		for _, v := range timestampValues(a) {
			enc = append(enc, uint64(v))
		}
	case *array.Uint64:
		enc = append(enc, a.Uint64Values()...)
	case *array.Float64:
		for _, v := range a.Float64Values() {
			if v == 0 {
				v = 0 // -0 and +0 are one group
			} else if math.IsNaN(v) {
				v = math.NaN()
			}
			enc = append(enc, math.Float64bits(v))
		}
	case *array.Boolean:
		for i := 0; i < n; i++ {
			if a.Value(i) {
				enc = append(enc, 1)
			} else {
				enc = append(enc, 0)
			}
		}
	case *array.String:
		for i := 0; i < n; i++ {
			enc = append(enc, g.internText(k, a.Value(i)))
		}
	case *array.Dictionary:
		dict := a.Dictionary().(*array.String)
		ids := make([]uint64, dict.Len())
		for i := range ids {
			ids[i] = g.internText(k, dict.Value(i))
		}
		for i, code := range a.Indices().(*array.Int32).Int32Values() {
			if nul[i] {
				enc = append(enc, 0) // a NULL's code need not index the dictionary
				continue
			}
			enc = append(enc, ids[code])
		}
	case *array.MonthDayNanoInterval:
		if g.ivals == nil {
			g.ivals = make([][]arrow.MonthDayNanoInterval, len(g.keys))
		}
		var key [16]byte
		for i := 0; i < n; i++ {
			if nul[i] {
				enc = append(enc, 0)
				continue
			}
			v := a.Value(i)
			days, nanos := intervalSpan(v)
			binary.LittleEndian.PutUint64(key[:8], uint64(days))
			binary.LittleEndian.PutUint64(key[8:], uint64(nanos))
			id := g.internText(k, string(key[:]))
			if int(id) == len(g.ivals[k]) {
				g.ivals[k] = append(g.ivals[k], v)
			}
			enc = append(enc, id)
		}
	default:
		return fmt.Errorf("cannot group by %v values", a.DataType())
	}
	g.enc[k], g.scratch[k], g.isNul[k] = enc, enc, nul
	return nil
}

func (g *grouper) assign(c *Ctx, rec arrow.Record, gids []uint32) ([]uint32, error) {
	n := int(rec.NumRows())
	for k, e := range g.keys {
		a, err := e.Eval(c, rec)
		if err != nil {
			return nil, err
		}
		// Integer and time keys without NULLs are read in place (no
		// copy into enc): the array lives until assign returns.
		defer a.Release()
		if g.view(k, a) {
			continue
		}
		if err := g.encode(k, a); err != nil {
			return nil, err
		}
	}
	gids = zeros(gids, n)
	// One or two keys without NULLs (time buckets, tags): maps with small
	// fixed keys, several times cheaper to hash than groupKey.
	if len(g.keys) == 1 && !anyTrue(g.isNul[0]) {
		enc := g.enc[0]
		for i := 0; i < n; i++ {
			// Sorted input repeats a key for a run of rows: reuse the
			// previous row's group without hashing.
			if i > 0 && enc[i] == enc[i-1] {
				gids[i] = gids[i-1]
				continue
			}
			if g.sorted {
				if id, ok := g.sortedGroup(i); ok {
					gids[i] = id
					continue
				}
			}
			id, ok := g.one[enc[i]]
			if !ok {
				id = g.newGroup(i)
				g.one[enc[i]] = id
			}
			gids[i] = id
		}
		return gids, nil
	}
	g.leaveSorted()
	if len(g.keys) == 2 && !anyTrue(g.isNul[0]) && !anyTrue(g.isNul[1]) {
		e0, e1 := g.enc[0], g.enc[1]
		for i := 0; i < n; i++ {
			if i > 0 && e0[i] == e0[i-1] && e1[i] == e1[i-1] {
				gids[i] = gids[i-1]
				continue
			}
			k := [2]uint64{e0[i], e1[i]}
			id, ok := g.two[k]
			if !ok {
				id = g.newGroup(i)
				g.two[k] = id
			}
			gids[i] = id
		}
		return gids, nil
	}
	if len(g.keys) <= 4 {
		var key groupKey
		for i := 0; i < n; i++ {
			// Runs of one key (a grouping set's NULLs, a series' rows)
			// reuse the previous row's group without hashing.
			if i > 0 && g.sameKey(i) {
				gids[i] = gids[i-1]
				continue
			}
			key = groupKey{}
			for k := range g.keys {
				if g.isNul[k][i] {
					key.nulls |= 1 << k
				} else {
					key.v[k] = g.enc[k][i]
				}
			}
			id, ok := g.lookupSmall(key)
			if !ok {
				id = g.newGroup(i)
				g.storeSmall(key, id)
			}
			gids[i] = id
		}
		return gids, nil
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.Reset()
		for k := range g.keys {
			if g.isNul[k][i] {
				b.WriteByte(0)
				continue
			}
			b.WriteByte(1)
			v := g.enc[k][i]
			for j := 0; j < 8; j++ {
				b.WriteByte(byte(v >> (8 * j)))
			}
		}
		id, ok := g.large[b.String()]
		if !ok {
			id = g.newGroup(i)
			g.large[b.String()] = id
		}
		gids[i] = id
	}
	return gids, nil
}

// sameKey reports whether row i's key is row i-1's.
func (g *grouper) sameKey(i int) bool {
	for k := range g.keys {
		nul := g.isNul[k]
		if nul[i] != nul[i-1] || !nul[i] && g.enc[k][i] != g.enc[k][i-1] {
			return false
		}
	}
	return true
}

// sortedGroup finds or makes the group of row i's key while every key so far
// came in ascending order (one key, no NULLs: time buckets of a series read
// in time order): a key above the last is a new group, any other is found
// by binary search among the keys, which are the groups in id order, so no
// hash map is built (720 inserts were a fifth of a 12-hour per-minute
// query's grouping). ok is false once a key breaks the order: the groups
// then go into the map and hashing takes over.
func (g *grouper) sortedGroup(i int) (uint32, bool) {
	v := g.enc[0][i]
	keys := g.vals[0]
	if len(keys) == 0 || v > keys[len(keys)-1] {
		return g.newGroup(i), true
	}
	if j, found := slices.BinarySearch(keys, v); found {
		return uint32(j), true
	}
	g.leaveSorted()
	return 0, false
}

// leaveSorted files the groups made in sorted mode in the one-key map.
func (g *grouper) leaveSorted() {
	if !g.sorted {
		return
	}
	g.sorted = false
	for j, v := range g.vals[0] {
		g.one[v] = uint32(j)
	}
}

func (g *grouper) newGroup(row int) uint32 {
	for k := range g.keys {
		g.vals[k] = append(g.vals[k], g.enc[k][row])
		g.nulls[k] = append(g.nulls[k], g.isNul[k][row])
	}
	g.groups++
	return uint32(g.groups - 1)
}

// keyArrays rebuilds the key columns from the groups' representative values.
func (g *grouper) keyArrays() []arrow.Array {
	out := make([]arrow.Array, len(g.keys))
	for k, e := range g.keys {
		dt := e.Type()
		var valid []byte
		for i, isNull := range g.nulls[k] {
			if isNull {
				if valid == nil {
					valid = newBitmap(g.groups)
					for j := 0; j < g.groups; j++ {
						setBit(valid, j)
					}
				}
				valid[i>>3] &^= 1 << (uint(i) & 7)
			}
		}
		vals := g.vals[k]
		switch dt.ID() {
		case arrow.NULL: // GROUP BY NULL: one group
			out[k] = array.NewNull(len(vals))
		case arrow.INT64, arrow.TIMESTAMP:
			ints := make([]int64, len(vals))
			for i, v := range vals {
				ints[i] = int64(v)
			}
			out[k] = fixedArray(dt, ints, valid)
		case arrow.UINT64:
			out[k] = fixedArray(dt, append([]uint64(nil), vals...), valid)
		case arrow.FLOAT64:
			fs := make([]float64, len(vals))
			for i, v := range vals {
				fs[i] = math.Float64frombits(v)
			}
			out[k] = fixedArray(dt, fs, valid)
		case arrow.BOOL:
			bits := newBitmap(len(vals))
			for i, v := range vals {
				if v == 1 {
					setBit(bits, i)
				}
			}
			out[k] = boolArray(bits, valid, len(vals))
		case arrow.INTERVAL_MONTH_DAY_NANO:
			ivs := make([]arrow.MonthDayNanoInterval, len(vals))
			for i, v := range vals {
				if !g.nulls[k][i] {
					ivs[i] = g.ivals[k][v]
				}
			}
			out[k] = fixedArray(dt, ivs, valid)
		case arrow.STRING, arrow.DICTIONARY:
			texts := g.texts[k]
			if dt.ID() == arrow.DICTIONARY {
				codes := make([]int32, len(vals))
				for i, v := range vals {
					codes[i] = int32(v)
				}
				if len(texts) == 0 && len(vals) > 0 {
					texts = []string{""} // the NULL group only: code 0 stays in range
				}
				sb := array.NewStringBuilder(memory.DefaultAllocator)
				sb.AppendValues(texts, nil)
				dict := sb.NewArray()
				sb.Release()
				idx := fixedArray(arrow.PrimitiveTypes.Int32, codes, valid)
				out[k] = array.NewDictionaryArray(dt, idx, dict)
				out[k].(*array.Dictionary).Dictionary()
				idx.Release()
				dict.Release()
				continue
			}
			sb := array.NewStringBuilder(memory.DefaultAllocator)
			for i, v := range vals {
				if g.nulls[k][i] {
					sb.AppendNull()
				} else {
					sb.Append(texts[v])
				}
			}
			out[k] = sb.NewArray()
			sb.Release()
		}
	}
	return out
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

// storeSmall files a new group under its generic key: keys without NULLs of
// one- and two-key groupings go to the maps the fast paths read.
func (g *grouper) storeSmall(key groupKey, id uint32) {
	if key.nulls == 0 {
		switch len(g.keys) {
		case 1:
			g.one[key.v[0]] = id
			return
		case 2:
			g.two[[2]uint64{key.v[0], key.v[1]}] = id
			return
		}
	}
	g.small[key] = id
}

// lookupSmall finds a group by its generic key, also where an earlier batch
// without NULLs put it in the one- or two-key map.
func (g *grouper) lookupSmall(key groupKey) (uint32, bool) {
	if id, ok := g.small[key]; ok {
		return id, true
	}
	if key.nulls == 0 {
		switch len(g.keys) {
		case 1:
			id, ok := g.one[key.v[0]]
			return id, ok
		case 2:
			id, ok := g.two[[2]uint64{key.v[0], key.v[1]}]
			return id, ok
		}
	}
	return 0, false
}
