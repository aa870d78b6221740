package planner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// Timescale Toolkit's two-step aggregates: an aggregate builds a summary
// and an accessor reads a value out of it,
//
//	SELECT time_bucket('1 hour', ts), average(time_weight('Linear', ts, temp)) FROM ...
//	SELECT counter_agg(ts, bytes) -> rate() FROM ...   (package sql: rate(counter_agg(ts, bytes)))
//
// Strata holds no summary values: each accessor over a summary is bound as
// the aggregates that compute its value from the rows, written below as SQL
// over the summary's arguments a1, a2, ..., the accessor's parameters p1,
// p2, ... and the summary's FILTER f0 (TRUE without one). The ones that
// need the points in time order are AggSummary (exec.Summary); the rest
// are PostgreSQL's aggregates. Percentile sketches are computed exactly
// (their error bound is 0). What needs a stored summary (rollup, the
// interpolated_* accessors over neighbouring buckets, bounds) is refused
// with what to use instead.

// toolkitSummary is one summary aggregate: its arguments and accessors.
type toolkitSummary struct {
	args      []int // the numbers of arguments it takes
	accessors map[string]toolkitAccessor
}

// toolkitAccessor writes the SQL of an accessor; params are its
// parameters (constants), summary the summary call.
type toolkitAccessor struct {
	params    [2]int // at least, at most
	defaults  []string
	writeExpr func(c *toolkitCall) (string, error)
}

// toolkitCall is an accessor applied to a summary.
type toolkitCall struct {
	accessor string
	summary  *aggCall
	params   []ast.ExprNode
	// text reads a constant text argument (a literal or a bind
	// parameter's value); "" with ok false while a statement is only
	// described, before its parameters have values.
	text func(e ast.ExprNode) (v string, ok bool, err error)
}

// param is accessor parameter i as constant text (lower case, trimmed),
// def while the statement is only described.
func (c *toolkitCall) param(i int, what, def string) (string, error) {
	return c.constant(c.params[i], what, c.accessor, def)
}

// arg is the summary's argument i as constant text (lower case, trimmed).
func (c *toolkitCall) arg(i int, what, def string) (string, error) {
	return c.constant(c.summary.args[i], what, c.summary.name, def)
}

func (c *toolkitCall) constant(e ast.ExprNode, what, of, def string) (string, error) {
	v, ok, err := c.text(e)
	if err != nil {
		return "", &Error{Code: "22023", Msg: fmt.Sprintf("the %s of %s must be a constant", what, of), Hint: "write it as a quoted string, like 'Linear', or pass it as a parameter"}
	}
	if !ok {
		return def, nil
	}
	return strings.ToLower(strings.TrimSpace(v)), nil
}

// fixed is an accessor without parameters written as sql.
func fixed(sql string) toolkitAccessor {
	return toolkitAccessor{writeExpr: func(*toolkitCall) (string, error) { return sql, nil }}
}

// summaryFunc is an accessor computed by AggSummary's fn.
func summaryFunc(kind, fn string) toolkitAccessor {
	return fixed(fmt.Sprintf("summary_internal('%s', '%s', '', '', a1, a2) FILTER (WHERE f0)", kind, fn))
}

// twMethod reads time_weight's method: 'linear' (or 'trapezoidal') or
// 'locf', in any case.
func twMethod(c *toolkitCall) (string, error) {
	m, err := c.arg(0, "method", "linear")
	if err != nil {
		return "", err
	}
	switch m {
	case "linear", "trapezoidal":
		return "linear", nil
	case "locf":
		return "locf", nil
	}
	return "", errorf("22023", "unknown time_weight method %q: use 'Linear' or 'LOCF'", m)
}

// statsMethod reads the method of stats_agg's stddev, variance, skewness,
// kurtosis and covariance: 'sample' (the default) or 'population'.
func statsMethod(c *toolkitCall, i int) (bool, error) {
	if i >= len(c.params) {
		return true, nil
	}
	m, err := c.param(i, "method", "sample")
	if err != nil {
		return false, err
	}
	switch m {
	case "sample", "samp":
		return true, nil
	case "population", "pop":
		return false, nil
	}
	return false, errorf("22023", "unknown statistics method %q: use 'sample' or 'population'", m)
}

// integralUnits are the units of time integral takes, in nanoseconds.
var integralUnits = map[string]int64{}

func init() {
	for ns, names := range map[int64][]string{
		1e3:         {"us", "usec", "usecs", "usecond", "useconds", "microsecond", "microseconds", "microsecon"},
		1e6:         {"ms", "msec", "msecs", "msecond", "mseconds", "millisecond", "milliseconds", "millisecon"},
		1e9:         {"s", "sec", "secs", "second", "seconds"},
		60e9:        {"m", "min", "mins", "minute", "minutes"},
		3600e9:      {"h", "hr", "hrs", "hour", "hours"},
		86400e9:     {"d", "day", "days"},
		7 * 86400e9: {"w", "week", "weeks"},
	} {
		for _, n := range names {
			integralUnits[n] = ns
		}
	}
}

// statsAccessors are stats_agg's accessors over the values v written
// (v: the argument, f: the rows that take part). The sample statistics of
// one value are NaN for the one-variable summary and NULL for the
// two-variable one, as Timescale Toolkit gives them.
func statsAccessors(v, f string, suffix string, acc map[string]toolkitAccessor) {
	agg := func(fn string) string { return fmt.Sprintf("(%s(%s) FILTER (WHERE %s))", fn, v, f) }
	one := "'NaN'::float8"
	if suffix != "" {
		one = "NULL"
	}
	moment := func(fn string) toolkitAccessor {
		return toolkitAccessor{params: [2]int{0, 1}, writeExpr: func(c *toolkitCall) (string, error) {
			sample, err := statsMethod(c, 0)
			if err != nil {
				return "", err
			}
			m := map[bool]string{true: "sample", false: "population"}[sample]
			x := fmt.Sprintf("summary_internal('stats_agg', '%s', '%s', '', NULL, %s) FILTER (WHERE %s)", fn, m, v, f)
			if sample && suffix != "" {
				x = fmt.Sprintf("CASE WHEN %s > 1 THEN %s END", agg("count"), x)
			}
			return x, nil
		}}
	}
	spread := func(samp, pop string) toolkitAccessor {
		return toolkitAccessor{params: [2]int{0, 1}, writeExpr: func(c *toolkitCall) (string, error) {
			sample, err := statsMethod(c, 0)
			if err != nil {
				return "", err
			}
			if !sample {
				return agg(pop), nil
			}
			return fmt.Sprintf("CASE WHEN %s = 1 THEN %s ELSE %s END", agg("count"), one, agg(samp)), nil
		}}
	}
	acc["average"+suffix] = fixed(agg("avg") + "::float8")
	// In float8, as the Toolkit sums: a bigint sum could overflow.
	acc["sum"+suffix] = fixed(fmt.Sprintf("(sum(%s::float8) FILTER (WHERE %s))", v, f))
	acc["stddev"+suffix] = spread("stddev_samp", "stddev_pop")
	acc["variance"+suffix] = spread("var_samp", "var_pop")
	acc["skewness"+suffix] = moment("skewness")
	acc["kurtosis"+suffix] = moment("kurtosis")
}

// percentileAccessors are a percentile sketch's accessors over values v.
func percentileAccessors(v string) map[string]toolkitAccessor {
	return map[string]toolkitAccessor{
		"approx_percentile": {params: [2]int{1, 1}, writeExpr: func(*toolkitCall) (string, error) {
			return "percentile_cont(p1) WITHIN GROUP (ORDER BY " + v + ") FILTER (WHERE f0)", nil
		}},
		"approx_percentile_rank": {params: [2]int{1, 1}, writeExpr: func(*toolkitCall) (string, error) {
			return fmt.Sprintf("(count(*) FILTER (WHERE f0 AND %[1]s <= p1))::float8 / nullif(count(%[1]s) FILTER (WHERE f0), 0)", v), nil
		}},
		"mean":     fixed(fmt.Sprintf("(avg(%s) FILTER (WHERE f0))::float8", v)),
		"num_vals": fixed(fmt.Sprintf("(count(%s) FILTER (WHERE f0))::float8", v)),
		"min_val":  fixed(fmt.Sprintf("(min(%s) FILTER (WHERE f0))::float8", v)),
		"max_val":  fixed(fmt.Sprintf("(max(%s) FILTER (WHERE f0))::float8", v)),
	}
}

var toolkitSummaries = map[string]*toolkitSummary{}

func init() {
	tw := map[string]toolkitAccessor{
		"average": {writeExpr: func(c *toolkitCall) (string, error) {
			m, err := twMethod(c)
			return fmt.Sprintf("summary_internal('time_weight', 'average', '%s', '', a2, a3) FILTER (WHERE f0)", m), err
		}},
		"integral": {params: [2]int{0, 1}, defaults: []string{"second"}, writeExpr: func(c *toolkitCall) (string, error) {
			m, err := twMethod(c)
			if err != nil {
				return "", err
			}
			u, err := c.param(0, "unit", "second")
			if err != nil {
				return "", err
			}
			if _, ok := integralUnits[u]; !ok {
				return "", errorf("22023", "unrecognized duration unit %q for integral: use microsecond, millisecond, second, minute, hour, day or week", u)
			}
			return fmt.Sprintf("summary_internal('time_weight', 'integral', '%s', '%s', a2, a3) FILTER (WHERE f0)", m, u), nil
		}},
		"first_val":  fixed("(first(a3, a2) FILTER (WHERE f0 AND a2 IS NOT NULL AND a3 IS NOT NULL))::float8"),
		"last_val":   fixed("(last(a3, a2) FILTER (WHERE f0 AND a2 IS NOT NULL AND a3 IS NOT NULL))::float8"),
		"first_time": fixed("min(a2) FILTER (WHERE f0 AND a3 IS NOT NULL)"),
		"last_time":  fixed("max(a2) FILTER (WHERE f0 AND a3 IS NOT NULL)"),
	}
	toolkitSummaries["time_weight"] = &toolkitSummary{args: []int{3}, accessors: tw}

	counter := func(kind string) map[string]toolkitAccessor {
		acc := map[string]toolkitAccessor{}
		for _, fn := range []string{"delta", "rate", "time_delta", "idelta_left", "idelta_right", "irate_left", "irate_right",
			"num_changes", "num_elements", "slope", "intercept", "corr"} {
			acc[fn] = summaryFunc(kind, fn)
		}
		acc["counter_zero_time"] = summaryFunc(kind, "zero_time")
		if kind == "counter_agg" {
			acc["num_resets"] = summaryFunc(kind, "num_resets")
			acc["first_val"] = fixed("(first(a2, a1) FILTER (WHERE f0 AND a1 IS NOT NULL AND a2 IS NOT NULL))::float8")
			acc["last_val"] = fixed("(last(a2, a1) FILTER (WHERE f0 AND a1 IS NOT NULL AND a2 IS NOT NULL))::float8")
			acc["first_time"] = fixed("min(a1) FILTER (WHERE f0 AND a2 IS NOT NULL)")
			acc["last_time"] = fixed("max(a1) FILTER (WHERE f0 AND a2 IS NOT NULL)")
		} else {
			acc["gauge_zero_time"] = summaryFunc(kind, "zero_time")
		}
		return acc
	}
	toolkitSummaries["counter_agg"] = &toolkitSummary{args: []int{2}, accessors: counter("counter_agg")}
	toolkitSummaries["gauge_agg"] = &toolkitSummary{args: []int{2}, accessors: counter("gauge_agg")}

	// candlestick_agg(ts, price, volume): rows with a NULL time or price
	// take no part; one NULL volume makes volume and vwap NULL.
	const f = "f0 AND a1 IS NOT NULL AND a2 IS NOT NULL"
	const allVolumes = "bool_and(a3 IS NOT NULL) FILTER (WHERE " + f + ")"
	toolkitSummaries["candlestick_agg"] = &toolkitSummary{args: []int{3}, accessors: map[string]toolkitAccessor{
		"open":       fixed("(first(a2, a1) FILTER (WHERE " + f + "))::float8"),
		"close":      fixed("(last(a2, a1) FILTER (WHERE " + f + "))::float8"),
		"high":       fixed("(max(a2) FILTER (WHERE " + f + "))::float8"),
		"low":        fixed("(min(a2) FILTER (WHERE " + f + "))::float8"),
		"open_time":  fixed("min(a1) FILTER (WHERE " + f + ")"),
		"close_time": fixed("max(a1) FILTER (WHERE " + f + ")"),
		"high_time":  fixed("time_of_max_internal(a2, a1) FILTER (WHERE " + f + ")"),
		"low_time":   fixed("time_of_min_internal(a2, a1) FILTER (WHERE " + f + ")"),
		// Sums in float8, as the Toolkit's: bigint products overflow.
		"volume": fixed("CASE WHEN " + allVolumes + " THEN sum(a3::float8) FILTER (WHERE " + f + ") END"),
		"vwap": fixed("CASE WHEN " + allVolumes + " AND sum(a3::float8) FILTER (WHERE " + f + ") > 0 THEN " +
			"sum(a2::float8 * a3::float8) FILTER (WHERE " + f + ") / sum(a3::float8) FILTER (WHERE " + f + ") END"),
	}}

	one := map[string]toolkitAccessor{
		"num_vals": fixed("CASE WHEN count(*) FILTER (WHERE f0) > 0 THEN count(a1) FILTER (WHERE f0) END"),
	}
	statsAccessors("a1", "f0", "", one)
	// stats_agg(y, x): pairs where neither is NULL.
	const pairs = "f0 AND a1 IS NOT NULL AND a2 IS NOT NULL"
	two := map[string]toolkitAccessor{
		"num_vals":            fixed("regr_count(a1, a2) FILTER (WHERE f0)"),
		"slope":               fixed("regr_slope(a1, a2) FILTER (WHERE f0)"),
		"intercept":           fixed("regr_intercept(a1, a2) FILTER (WHERE f0)"),
		"corr":                fixed("corr(a1, a2) FILTER (WHERE f0)"),
		"determination_coeff": fixed("regr_r2(a1, a2) FILTER (WHERE f0)"),
		"x_intercept": fixed("CASE WHEN regr_sxx(a1, a2) FILTER (WHERE f0) = 0 AND regr_count(a1, a2) FILTER (WHERE f0) > 1 THEN regr_avgx(a1, a2) FILTER (WHERE f0) " +
			"WHEN regr_syy(a1, a2) FILTER (WHERE f0) = 0 THEN NULL " +
			"ELSE -(regr_intercept(a1, a2) FILTER (WHERE f0)) / (regr_slope(a1, a2) FILTER (WHERE f0)) END"),
		"covariance": {params: [2]int{0, 1}, writeExpr: func(c *toolkitCall) (string, error) {
			sample, err := statsMethod(c, 0)
			if sample {
				return "covar_samp(a1, a2) FILTER (WHERE f0)", err
			}
			return "covar_pop(a1, a2) FILTER (WHERE f0)", err
		}},
	}
	statsAccessors("a1", pairs, "_y", two)
	statsAccessors("a2", pairs, "_x", two)
	toolkitSummaries["stats_agg"] = &toolkitSummary{args: []int{1, 2}, accessors: one}
	toolkitSummaries["stats_agg/2"] = &toolkitSummary{args: []int{2}, accessors: two}

	// state_agg(ts, state): each state holds until the next point's time;
	// the last point's state holds for no time. Where points of several
	// series share a time, each of their states holds (the Toolkit refuses
	// two states at one time). The interval counts hours, not days, as the
	// Toolkit's: 27:00:00.
	states := map[string]toolkitAccessor{
		"duration_in": {params: [2]int{1, 1}, writeExpr: func(*toolkitCall) (string, error) {
			return "coalesce(summary_internal('state_agg', 'integral', 'locf', 's', a1, " +
				"CASE WHEN a2 IS NULL THEN NULL WHEN a2 = p1 THEN 1.0 ELSE 0.0 END) FILTER (WHERE f0) * interval '1 second', interval '0')", nil
		}},
		"state_at": {params: [2]int{1, 1}, writeExpr: func(*toolkitCall) (string, error) {
			return "last(a2, a1) FILTER (WHERE f0 AND a1 <= p1 AND a2 IS NOT NULL)", nil
		}},
	}
	toolkitSummaries["state_agg"] = &toolkitSummary{args: []int{2}, accessors: states}
	toolkitSummaries["compact_state_agg"] = &toolkitSummary{args: []int{2}, accessors: states}

	toolkitSummaries["percentile_agg"] = &toolkitSummary{args: []int{1}, accessors: percentileAccessors("a1")}
	toolkitSummaries["uddsketch"] = &toolkitSummary{args: []int{3}, accessors: percentileAccessors("a3")}
	toolkitSummaries["tdigest"] = &toolkitSummary{args: []int{2}, accessors: percentileAccessors("a2")}

	// hyperloglog(buckets, value) and approx_count_distinct(value) (its
	// default buckets): distinct_count counted exactly, NULLs left out.
	toolkitSummaries["hyperloglog"] = &toolkitSummary{args: []int{2}, accessors: map[string]toolkitAccessor{
		"distinct_count": fixed("count(DISTINCT a2) FILTER (WHERE f0)")}}
	toolkitSummaries["approx_count_distinct"] = &toolkitSummary{args: []int{1}, accessors: map[string]toolkitAccessor{
		"distinct_count": fixed("count(DISTINCT a1) FILTER (WHERE f0)")}}
}

// toolkitRefused are accessors (and rollup) that need a stored summary or
// a type Strata lacks, with the summaries they read ("": every one) and
// what to do instead.
var toolkitRefused = map[string]struct{ kinds, why string }{
	"rollup":                   {"", "Strata keeps no summaries to combine; apply the accessor to the rows' summary directly"},
	"interpolated_average":     {"time_weight", "it needs the neighbouring buckets' summaries; use average(), or time_bucket_gapfill with interpolate()"},
	"interpolated_integral":    {"time_weight", "it needs the neighbouring buckets' summaries; use integral()"},
	"interpolated_delta":       {"counter_agg gauge_agg", "it needs the neighbouring buckets' summaries; use delta()"},
	"interpolated_rate":        {"counter_agg gauge_agg", "it needs the neighbouring buckets' summaries; use rate()"},
	"extrapolated_delta":       {"counter_agg gauge_agg", "it needs counter bounds (a tstzrange), which Strata does not have; use delta()"},
	"extrapolated_rate":        {"counter_agg gauge_agg", "it needs counter bounds (a tstzrange), which Strata does not have; use rate()"},
	"with_bounds":              {"counter_agg gauge_agg", "Strata has no tstzrange type; use delta() or rate()"},
	"error":                    {"percentile_agg uddsketch tdigest", "Strata computes percentiles exactly: the error bound is 0"},
	"stderror":                 {"hyperloglog approx_count_distinct", "Strata counts distinct values exactly: the standard error is 0"},
	"approx_percentile_array":  {"percentile_agg uddsketch tdigest", "call approx_percentile once per fraction"},
	"approx_percentiles":       {"percentile_agg uddsketch tdigest", "call approx_percentile once per fraction"},
	"interpolated_duration_in": {"state_agg compact_state_agg", "it needs the neighbouring buckets' summaries; use duration_in()"},
	"state_timeline":           {"state_agg compact_state_agg", "Strata has no set-returning accessors; use lead(time) OVER (PARTITION BY ... ORDER BY time) to find where each state ends"},
	"into_values":              {"state_agg compact_state_agg", "Strata has no set-returning accessors; call duration_in once per state"},
}

// isToolkitSummary reports whether name is a summary aggregate.
func isToolkitSummary(name string) bool {
	_, ok := toolkitSummaries[name]
	return ok
}

// parseToolkitCall recognises an accessor applied to a summary: a call
// (or an aggregate, such as sum or stddev) with exactly one argument that
// is a summary aggregate.
func parseToolkitCall(e ast.ExprNode) (*toolkitCall, bool) {
	var name string
	var args []ast.ExprNode
	switch x := unparen(e).(type) {
	case *ast.FuncCallExpr:
		name, args = x.FnName.L, x.Args
	case *ast.AggregateFuncExpr:
		name, args = strings.ToLower(x.F), x.Args
	default:
		return nil, false
	}
	c := &toolkitCall{accessor: name}
	for _, a := range args {
		if f, ok := unparen(a).(*ast.FuncCallExpr); ok && f.FnName.L == sql.MarkerPipe && len(f.Args) == 1 {
			a = f.Args[0] // summary -> accessor()
		}
		if call, ok := parseAggCall(unparen(a)); ok && isToolkitSummary(call.name) {
			if c.summary != nil {
				return nil, false
			}
			c.summary = call
			continue
		}
		c.params = append(c.params, a)
	}
	return c, c.summary != nil
}

// toolkit binds an accessor applied to a summary.
func (q *selectBinder) toolkit(c *toolkitCall) (exec.Expr, error) {
	sum := c.summary
	if sum.distinct || sum.order != nil || sum.within != nil {
		return nil, notSupported(sum.name + " with DISTINCT, ORDER BY or WITHIN GROUP")
	}
	kind := sum.name
	def := toolkitSummaries[kind]
	if kind == "stats_agg" && len(sum.args) == 2 {
		def = toolkitSummaries["stats_agg/2"]
	}
	if !slices.Contains(def.args, len(sum.args)) {
		if kind == "counter_agg" && len(sum.args) == 3 {
			return nil, notSupported("counter_agg with bounds (Strata has no tstzrange type)")
		}
		return nil, errorf(CodeUndefinedFunc, "function %s takes %s arguments, got %d", kind, joinInts(def.args), len(sum.args))
	}
	if r, ok := toolkitRefused[c.accessor]; ok && (r.kinds == "" || slices.Contains(strings.Fields(r.kinds), kind)) {
		return nil, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("%s of %s is not supported", c.accessor, kind), Hint: r.why}
	}
	for _, p := range c.params {
		if usesColumns(p) || containsAggregate(p) {
			return nil, errorf(CodeGrouping, "the parameters of %s must be constants, not columns or aggregates", c.accessor)
		}
	}
	c.text = q.constantText
	acc, ok := def.accessors[c.accessor]
	if !ok {
		names := make([]string, 0, len(def.accessors))
		for n := range def.accessors {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, errorf(CodeUndefinedFunc, "%s is not an accessor of %s; its accessors are %s", c.accessor, kind, strings.Join(names, ", "))
	}
	for len(c.params) < len(acc.defaults) {
		c.params = append(c.params, ast.NewValueExpr(acc.defaults[len(c.params)], "", ""))
	}
	if len(c.params) < acc.params[0] || len(c.params) > acc.params[1] {
		return nil, errorf(CodeUndefinedFunc, "%s of %s takes %d to %d parameters besides the summary, got %d", c.accessor, kind, acc.params[0], acc.params[1], len(c.params))
	}
	text, err := acc.writeExpr(c)
	if err != nil {
		return nil, err
	}
	x, err := toolkitExpr(text, c)
	if err != nil {
		return nil, err
	}
	return q.bindValue(x)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, " or ")
}

// toolkitExpr parses an accessor's SQL and puts the summary's arguments,
// the accessor's parameters and the summary's filter in place of a1..,
// p1.. and f0.
func toolkitExpr(text string, c *toolkitCall) (ast.ExprNode, error) {
	if c.summary.filter == nil {
		text = strings.ReplaceAll(strings.ReplaceAll(text, "f0 AND ", ""), "f0", "TRUE")
	}
	stmts, err := sql.Parse("SELECT " + text)
	if err != nil || len(stmts) != 1 {
		return nil, fmt.Errorf("planner: accessor %s: %v", c.accessor, err)
	}
	sel, ok := stmts[0].AST.(*ast.SelectStmt)
	if !ok || sel.Fields == nil || len(sel.Fields.Fields) != 1 {
		return nil, fmt.Errorf("planner: accessor %s: not one expression", c.accessor)
	}
	vals := map[string]ast.ExprNode{}
	for i, a := range c.summary.args {
		vals[fmt.Sprintf("a%d", i+1)] = a
	}
	for i, p := range c.params {
		vals[fmt.Sprintf("p%d", i+1)] = p
	}
	if c.summary.filter != nil {
		vals["f0"] = c.summary.filter
	}
	node, _ := sel.Fields.Fields[0].Expr.Accept(&substitute{vals: vals})
	return node.(ast.ExprNode), nil
}

// substitute replaces the column references it names, and gives the
// accessors' internal aggregates their reserved names (which user SQL
// cannot call).
type substitute struct{ vals map[string]ast.ExprNode }

// internalAggs are the accessors' spellings of the internal aggregates.
var internalAggs = map[string]string{
	"summary_internal": summaryAgg, "time_of_min_internal": "__pg_time_of_min", "time_of_max_internal": "__pg_time_of_max",
}

// summaryAgg is AggSummary's name: __pg_summary(kind, fn, method, unit,
// time, value).
const summaryAgg = "__pg_summary"

func (s *substitute) Enter(n ast.Node) (ast.Node, bool) { return n, false }

func (s *substitute) Leave(n ast.Node) (ast.Node, bool) {
	switch x := n.(type) {
	case *ast.ColumnNameExpr:
		if x.Name.Table.L == "" {
			if v, ok := s.vals[x.Name.Name.L]; ok {
				return v, true
			}
		}
	case *ast.FuncCallExpr:
		if name, ok := internalAggs[x.FnName.L]; ok {
			x.FnName = ast.NewCIStr(name)
		}
	}
	return n, true
}

// constantText reads a constant text argument: a literal or a bind
// parameter's value (ok false while the statement is only described).
func (q *selectBinder) constantText(e ast.ExprNode) (string, bool, error) {
	x, err := q.b.bindNode(&scope{}, e, nil)
	if err != nil {
		return "", false, err
	}
	if x, err = q.b.coerce(x, exec.TypeText); err != nil {
		return "", false, err
	}
	if x, err = q.b.fold(x); err != nil {
		return "", false, err
	}
	lit, ok := x.(*exec.Literal)
	switch {
	case !ok:
		return "", false, errorf("22023", "not a constant")
	case lit.V == nil && q.b.describe:
		return "", false, nil
	case lit.V == nil:
		return "", false, errorf("22023", "NULL")
	}
	v, _ := lit.V.(string)
	return v, true, nil
}

// summaryAggregate binds AggSummary, written by the accessors as
// __pg_summary(kind, fn, method, unit, time, value) (time NULL for
// stats_agg).
func (q *selectBinder) summaryAggregate(call *aggCall) (exec.Expr, error) {
	if len(call.args) != 6 {
		return nil, errorf(CodeInternal, "%s takes 6 arguments", summaryAgg)
	}
	text := make([]string, 4)
	for i := range text {
		text[i] = constText(call.args[i])
	}
	fn := -1
	for f := exec.SummaryAverage; f <= exec.SummaryKurtosis; f++ {
		if f.String() == text[1] {
			fn = int(f)
		}
	}
	if fn < 0 {
		return nil, errorf(CodeUndefinedFunc, "no summary function %q", text[1])
	}
	s := exec.Summary{Func: exec.SummaryFunc(fn), Kind: text[0], LOCF: text[2] == "locf", Sample: text[2] == "sample", Unit: integralUnits[text[3]]}
	if s.Func == exec.SummaryIntegral && s.Unit <= 0 {
		return nil, errorf(CodeInternal, "%s: no unit %q", summaryAgg, text[3])
	}
	agg := exec.Agg{Func: exec.AggSummary, Summary: s}
	v, err := q.b.bindExpr(q.in, call.args[5])
	if err != nil {
		return nil, err
	}
	agg.Arg = v
	if s.Kind != "stats_agg" {
		t, err := q.b.bindExpr(q.in, call.args[4])
		if err != nil {
			return nil, err
		}
		agg.Time = t
	}
	if call.filter != nil {
		if agg.Filter, err = q.aggFilter(call.filter); err != nil {
			return nil, err
		}
	}
	if agg.Time != nil {
		// The points it reads, columns by their place: accessors over the
		// same ones share them (exec's shareSummaryPoints).
		src := agg
		src.Summary = exec.Summary{}
		agg.Summary.Source = aggID(src)
	}
	if _, err := agg.ResultType(); err != nil {
		what := typeName(int64(pgOfEngine(v.Type()))) + " values"
		if agg.Time != nil && agg.Time.Type().ID() != arrow.TIMESTAMP && agg.Time.Type().ID() != arrow.NULL {
			what = "times of type " + typeName(int64(pgOfEngine(agg.Time.Type())))
		}
		return nil, errorf(CodeUndefinedFunc, "%s of %s does not exist: it takes a timestamp and a number", s.Kind, what)
	}
	return q.addAgg(agg)
}
