package influxql

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is what a measurement's column holds.
type Kind uint8

// The column kinds, with InfluxDB's field type names.
const (
	KindTime Kind = iota
	KindTag
	KindFloat
	KindInteger
	KindUnsigned
	KindString
	KindBoolean
)

// String is the type name SHOW FIELD KEYS reports.
func (k Kind) String() string {
	return [...]string{"time", "tag", "float", "integer", "unsigned", "string", "boolean"}[k]
}

// Column is one column of a measurement.
type Column struct {
	Name string
	Kind Kind
}

// Catalog is what translation reads of a database.
type Catalog interface {
	// Measurements lists the database's measurements, sorted.
	Measurements(db string) []string
	// Columns lists a measurement's columns (nil: no such measurement).
	Columns(db, measurement string) []Column
	// TimeBounds is the time of a measurement's first and last rows.
	TimeBounds(db, measurement string) (lo, hi int64, ok bool)
}

// MeasurementColumn names the column that carries each row's measurement,
// as InfluxDB 3 names it.
const MeasurementColumn = "iox::measurement"

// Query is a statement translated to SQL. Its result's columns are the
// measurement (MeasurementColumn), then time when Time is set, then the
// series tags (Tags), then the values; rows come ordered by series.
type Query struct {
	SQL  string
	Tags []string
	Time bool
	// Values are a SELECT's value columns after the measurement, time and
	// tags, and ValueKinds their kinds (what a subquery gives its outer
	// query).
	Values     []string
	ValueKinds []Kind
	// Location is tz()'s zone, in which /query writes times (nil: UTC).
	Location *time.Location
}

// Error is a statement that parses but cannot be answered.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Translate turns a SELECT or SHOW statement into one SQL query over db;
// now is the query's now(). A statement over no measurement gives a nil
// Query.
func Translate(st Statement, db string, cat Catalog, now time.Time) (*Query, error) {
	switch st := st.(type) {
	case *SelectStatement:
		return translateSelect(st, db, cat, now)
	case *ShowStatement:
		return translateShow(st, db, cat, now)
	}
	return nil, errorf("statement %T is not a query", st)
}

// quoteIdent quotes a SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteString quotes a SQL string literal.
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// timeLiteral is an instant as a SQL timestamptz literal.
func timeLiteral(ns int64) string {
	return "timestamptz " + quoteString(time.Unix(0, ns).UTC().Format(time.RFC3339Nano))
}

// intervalLiteral is a duration in nanoseconds as a SQL interval.
func intervalLiteral(ns int64) string {
	s := strconv.FormatInt(ns/1e9, 10)
	if frac := ns % 1e9; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%09d", frac), "0")
	}
	return "interval " + quoteString(s+" seconds")
}

// measurements resolves FROM's sources to the database's measurements
// (regexes matched, names kept even when missing: they answer nothing),
// sorted and without repeats.
func measurements(sources []Source, db string, cat Catalog) ([]string, error) {
	var out []string
	for _, s := range sources {
		if s.Database != "" && s.Database != db {
			return nil, errorf("measurement %s.%s is in database %q: query one database at a time (db=%s)", s.Database, s.Name, s.Database, s.Database)
		}
		if s.Regex == nil {
			out = append(out, s.Name)
			continue
		}
		re, err := compileRegex(s.Regex.Pattern)
		if err != nil {
			return nil, err
		}
		for _, m := range cat.Measurements(db) {
			if re.MatchString(m) {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func compileRegex(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, errorf("invalid regular expression /%s/: %v", p, err)
	}
	return re, nil
}

// table is one measurement's columns by name.
type table struct {
	name string
	cols map[string]Kind
	tags []string // sorted
	// from is the SQL relation of a subquery's rows, named name ("": the
	// measurement itself); first is the subquery's first time, when its
	// range has one.
	from  string
	first *int64
}

// relation is the table in a FROM clause.
func (t *table) relation() string {
	if t.from != "" {
		return t.from
	}
	return quoteIdent(t.name)
}

// loadTables is the measurements FROM names that exist.
func loadTables(sources []Source, db string, cat Catalog) ([]*table, error) {
	names, err := measurements(sources, db, cat)
	if err != nil {
		return nil, err
	}
	var tables []*table
	for _, m := range names {
		if t := loadTable(db, m, cat); t != nil {
			tables = append(tables, t)
		}
	}
	return tables, nil
}

func loadTable(db, m string, cat Catalog) *table {
	cols := cat.Columns(db, m)
	if cols == nil {
		return nil
	}
	t := &table{name: m, cols: map[string]Kind{}}
	for _, c := range cols {
		t.cols[c.Name] = c.Kind
		if c.Kind == KindTag {
			t.tags = append(t.tags, c.Name)
		}
	}
	slices.Sort(t.tags)
	return t
}

// aggregates maps InfluxQL's aggregate and selector functions to SQL; %s
// is the argument.
var aggregates = map[string]string{
	"count":  "count(%s)",
	"mean":   "avg(%s)",
	"sum":    "sum(%s)",
	"min":    "min(%s)",
	"max":    "max(%s)",
	"first":  "selector_first(%s, time)['value']",
	"last":   "selector_last(%s, time)['value']",
	"median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
	"mode":   "mode() WITHIN GROUP (ORDER BY %s)",
	"spread": "(max(%[1]s) - min(%[1]s))",
	"stddev": "stddev_samp(%s)",
	// integral(field [, unit]): the areas of integralPoints summed, in units.
	"integral": "sum(%s)",
	// distinct(field): the query is grouped by the value too (distinctOf).
	"distinct": "%s",
}

// selectors are the aggregates that pick one point: alone in a query
// without GROUP BY time, the point's time is the row's time.
var selectors = map[string]string{"first": "selector_first", "last": "selector_last", "min": "selector_min", "max": "selector_max"}

// scalars are the math functions InfluxQL and SQL share.
var scalars = map[string]int{
	"abs": 1, "ceil": 1, "floor": 1, "round": 1, "sqrt": 1, "ln": 1, "log2": 1, "log10": 1, "exp": 1,
	"sin": 1, "cos": 1, "tan": 1, "asin": 1, "acos": 1, "atan": 1, "atan2": 2, "pow": 2, "log": 2,
}

// unsupportedFuncs are InfluxQL functions Strata does not translate, with
// what to use instead.
var unsupportedFuncs = map[string]string{
	"sample": "SQL", "holt_winters": "SQL",
	"holt_winters_with_fit": "SQL", "exponential_moving_average": "SQL", "chande_momentum_oscillator": "SQL",
	"kaufmans_efficiency_ratio": "SQL", "kaufmans_adaptive_moving_average": "SQL", "triple_exponential_moving_average": "SQL",
	"triple_exponential_derivative": "SQL", "relative_strength_index": "SQL", "double_exponential_moving_average": "SQL",
}

// fieldName is the column name InfluxQL gives a SELECT item without an
// alias: a field's name, a call's function, the names in an expression
// joined with '_'.
func fieldName(x Expr) string {
	switch x := x.(type) {
	case *VarRef:
		return x.Name
	case *Call:
		return x.Name
	case *ParenExpr:
		return fieldName(x.X)
	case *BinaryExpr:
		l, r := fieldName(x.L), fieldName(x.R)
		switch {
		case l == "":
			return r
		case r == "":
			return l
		}
		return l + "_" + r
	}
	return ""
}

// varRefs appends the names x refers to.
func varRefs(x Expr, dst []string) []string {
	switch x := x.(type) {
	case *VarRef:
		return append(dst, x.Name)
	case *Call:
		for _, a := range x.Args {
			dst = varRefs(a, dst)
		}
	case *BinaryExpr:
		return varRefs(x.R, varRefs(x.L, dst))
	case *ParenExpr:
		return varRefs(x.X, dst)
	}
	return dst
}

// hasAggregate reports whether x calls an aggregate.
func hasAggregate(x Expr) bool {
	return calls(x, func(c *Call) bool {
		_, ok := aggregates[c.Name]
		return ok || c.Name == "percentile"
	})
}

// calls reports whether x calls a function match accepts.
func calls(x Expr, match func(*Call) bool) bool {
	switch x := x.(type) {
	case *Call:
		if match(x) {
			return true
		}
		for _, a := range x.Args {
			if calls(a, match) {
				return true
			}
		}
	case *BinaryExpr:
		return calls(x.L, match) || calls(x.R, match)
	case *ParenExpr:
		return calls(x.X, match)
	}
	return false
}

// selectTranslator translates one SELECT over one measurement.
type selectTranslator struct {
	st  *SelectStatement
	t   *table
	now time.Time
	agg bool
	tf  *transform // the field's transformation (nil: none)
	// kinds are the columns' kinds in any of the statement's
	// measurements, which type the NULL of a column one lacks.
	kinds map[string]Kind
	// shift moves WHERE's time bounds out (nanoseconds): a transformation
	// over GROUP BY time reads the bucket before the first one shown (after
	// the last, in ORDER BY time DESC).
	shift timeShift
	// loc is tz()'s zone, whose clock GROUP BY time's buckets follow
	// (nil: UTC).
	loc *time.Location
	// sel is the selector of a query that selects a point with other
	// fields or tags (SELECT max(v), host FROM m): each group reads only
	// its selected point (selectedPoints), whose values the items read.
	sel *Call
	// distinct is the field of SELECT distinct(field) ("" for other
	// queries): its values are grouped by, one row each.
	distinct string
	// integral is the field of SELECT integral(field) ("" for other
	// queries), whose values the rows hold as areas (integralPoints).
	integral string
}

// column is a field reference: the column, or NULL when the measurement
// has no such column (InfluxQL answers null).
func (s *selectTranslator) column(name string) string {
	if name == "time" {
		return "time"
	}
	if _, ok := s.t.cols[name]; ok {
		return quoteIdent(name)
	}
	return "CAST(NULL AS " + sqlType(s.kinds[name]) + ")"
}

// sqlType is the SQL type of a column kind's values (a float when the
// kind is not known).
func sqlType(k Kind) string {
	switch k {
	case KindTag, KindString:
		return "text"
	case KindInteger, KindUnsigned:
		return "bigint"
	case KindBoolean:
		return "boolean"
	}
	return "double precision"
}

// isText reports whether a SELECT item's values are strings: a string
// field or tag, or a selector of one (fill with numbers and interpolation
// leave those alone).
func (s *selectTranslator) isText(x Expr) bool {
	switch x := x.(type) {
	case *VarRef:
		k := s.kinds[x.Name]
		return k == KindString || k == KindTag
	case *Call:
		switch x.Name {
		case "first", "last", "min", "max", "mode":
			return len(x.Args) == 1 && s.isText(x.Args[0])
		}
	case *ParenExpr:
		return s.isText(x.X)
	}
	return false
}

// tagColumn is a tag reference: the column, or a NULL string.
func (s *selectTranslator) tagColumn(name string) string {
	if _, ok := s.t.cols[name]; ok {
		return quoteIdent(name)
	}
	return "CAST(NULL AS text)"
}

// value translates a SELECT item's expression.
func (s *selectTranslator) value(x Expr, inAgg bool) (string, error) {
	switch x := x.(type) {
	case *VarRef:
		if s.agg && !inAgg {
			return "", errorf("mixing aggregate and non-aggregate queries is not supported: %s is neither aggregated nor grouped", x.Name)
		}
		c := s.column(x.Name)
		switch k := s.t.cols[x.Name]; {
		case x.Type == "integer" && k == KindFloat:
			c = "CAST(trunc(" + c + ") AS bigint)" // InfluxQL casts a float down to an integer
		case x.Type == "float" && (k == KindInteger || k == KindUnsigned):
			c = "CAST(" + c + " AS double precision)"
		}
		return c, nil
	case *NumberLit:
		return numberSQL(x), nil
	case *StringLit:
		return quoteString(x.Val), nil
	case *BoolLit:
		return strconv.FormatBool(x.Val), nil
	case *ParenExpr:
		v, err := s.value(x.X, inAgg)
		return "(" + v + ")", err
	case *BinaryExpr:
		l, err := s.value(x.L, inAgg)
		if err != nil {
			return "", err
		}
		r, err := s.value(x.R, inAgg)
		if err != nil {
			return "", err
		}
		switch x.Op {
		case "+", "-", "*", "/", "%", "&", "|":
			return arith(x.Op, l, r), nil
		}
		return "", errorf("operator %s is not supported in a SELECT item", x.Op)
	case *Call:
		return s.call(x, inAgg)
	case *Wildcard:
		return "", errorf("* is only supported alone (SELECT * FROM ...)")
	}
	return "", errorf("%s is not supported in a SELECT item", describeExpr(x))
}

func numberSQL(x *NumberLit) string {
	if x.IsInt {
		return strconv.FormatInt(x.Int, 10)
	}
	if math.IsInf(x.Val, 0) || math.IsNaN(x.Val) {
		return "CAST(" + quoteString(strconv.FormatFloat(x.Val, 'g', -1, 64)) + " AS double precision)"
	}
	return "CAST(" + strconv.FormatFloat(x.Val, 'g', -1, 64) + " AS double precision)"
}

func describeExpr(x Expr) string {
	switch x := x.(type) {
	case *RegexLit:
		return "/" + x.Pattern + "/"
	case *DurationLit:
		return "a duration"
	case *NowCall:
		return "now()"
	case *Wildcard:
		return "*"
	case *VarRef:
		return x.Name
	case *Call:
		return x.Name + "()"
	case *NumberLit:
		return strconv.FormatFloat(x.Val, 'g', -1, 64)
	case *StringLit:
		return quoteString(x.Val)
	case *BoolLit:
		return strconv.FormatBool(x.Val)
	case *ParenExpr:
		return describeExpr(x.X)
	case *BinaryExpr:
		return "an expression with " + x.Op
	case *ParamRef:
		return "$" + x.Name + " (a parameter without a value: pass it in params)"
	}
	return "this expression"
}

func (s *selectTranslator) call(c *Call, inAgg bool) (string, error) {
	if alt, ok := unsupportedFuncs[c.Name]; ok {
		return "", errorf("%s() is not supported by Strata's InfluxQL: use %s on /api/v3/query_sql", c.Name, alt)
	}
	if n, ok := scalars[c.Name]; ok {
		if len(c.Args) != n {
			return "", errorf("%s() takes %d argument(s), got %d", c.Name, n, len(c.Args))
		}
		args := make([]string, n)
		for i, a := range c.Args {
			v, err := s.value(a, inAgg)
			if err != nil {
				return "", err
			}
			args[i] = v
		}
		name := c.Name
		switch name {
		case "round":
			// Half away from zero, as InfluxQL rounds (SQL's float
			// round is half to even).
			return "(sign(" + args[0] + ") * floor(abs(" + args[0] + ") + 0.5))", nil
		case "pow":
			name = "power"
		case "log":
			// InfluxQL's log(x, b) is log base b of x; SQL's log(b, x).
			args[0], args[1] = args[1], args[0]
		}
		return name + "(" + strings.Join(args, ", ") + ")", nil
	}
	format, isAgg := aggregates[c.Name]
	if !isAgg && c.Name != "percentile" {
		return "", errorf("undefined function %s()", c.Name)
	}
	if inAgg {
		return "", errorf("%s() cannot be nested inside another aggregate", c.Name)
	}
	want := 1
	if c.Name == "percentile" || c.Name == "integral" && len(c.Args) == 2 {
		want = 2
	}
	if len(c.Args) != want {
		return "", errorf("invalid number of arguments for %s, expected %d, got %d", c.Name, want, len(c.Args))
	}
	arg := c.Args[0]
	distinct := false
	if d, ok := arg.(*Call); ok && d.Name == "distinct" && c.Name == "count" && len(d.Args) == 1 {
		arg, distinct = d.Args[0], true
	}
	v, ok := arg.(*VarRef)
	if !ok {
		if _, star := arg.(*Wildcard); star {
			return "", errorf("%s(*) is not supported: name the field, %s(field)", c.Name, c.Name)
		}
		return "", errorf("expected field argument in %s()", c.Name)
	}
	col := s.column(v.Name)
	if k, ok := s.t.cols[v.Name]; ok && k == KindTag && s.sel == nil {
		return "", errorf("%s() of tag %s is not supported: aggregate a field", c.Name, v.Name)
	}
	if c.Name == "integral" {
		return s.integralValue(c)
	}
	if c.Name == "percentile" {
		n, ok := c.Args[1].(*NumberLit)
		if !ok || n.Val < 0 || n.Val > 100 {
			return "", errorf("percentile() takes a number from 0 to 100 as its second argument")
		}
		return fmt.Sprintf("percentile_disc(%s) WITHIN GROUP (ORDER BY %s)", strconv.FormatFloat(n.Val/100, 'g', -1, 64), col), nil
	}
	if distinct {
		col = "DISTINCT " + col
	}
	return fmt.Sprintf(format, col), nil
}

// pointsWhere is the conditions on the points a per-point query reads
// (top/bottom, integral): value not NULL, the WHERE, and, with GROUP BY
// time and no upper time bound, none after now.
func (s *selectTranslator) pointsWhere(value string) ([]string, error) {
	where := []string{value + " IS NOT NULL"}
	if s.st.Where != nil {
		w, err := s.condition(s.st.Where)
		if err != nil {
			return nil, err
		}
		where = append(where, w)
	}
	if _, upper := upperTime(s.st.Where, s.now); s.st.Interval != 0 && !upper {
		where = append(where, "time <= "+timeLiteral(s.now.UnixNano()))
	}
	return where, nil
}

// condition translates WHERE.
func (s *selectTranslator) condition(x Expr) (string, error) {
	return whereSQL(x, s.now, s.shift, func(name string) (string, Kind, bool) {
		k, ok := s.t.cols[name]
		return s.tagColumn(name), k, ok
	})
}

// whereSQL translates a WHERE condition; col resolves a name to its SQL,
// its kind and whether the measurement has it.
func whereSQL(x Expr, now time.Time, shift timeShift, col func(string) (string, Kind, bool)) (string, error) {
	switch x := x.(type) {
	case *ParenExpr:
		v, err := whereSQL(x.X, now, shift, col)
		return "(" + v + ")", err
	case *BoolLit:
		return strconv.FormatBool(x.Val), nil
	case *BinaryExpr:
		switch x.Op {
		case "AND", "OR":
			l, err := whereSQL(x.L, now, shift, col)
			if err != nil {
				return "", err
			}
			r, err := whereSQL(x.R, now, shift, col)
			if err != nil {
				return "", err
			}
			return "(" + l + " " + x.Op + " " + r + ")", nil
		case "=", "!=", "<>", "<", "<=", ">", ">=", "=~", "!~":
			return comparison(x, now, shift, col)
		}
	}
	return "", errorf("WHERE needs conditions (comparisons joined with AND and OR), got %s", describeExpr(x))
}

// timeShift widens time conditions: lower bounds move back, upper bounds
// on (nanoseconds).
type timeShift struct{ lower, upper int64 }

// flipped mirrors a comparison whose sides are swapped.
var flipped = map[string]string{"=": "=", "!=": "!=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

func comparison(x *BinaryExpr, now time.Time, shift timeShift, col func(string) (string, Kind, bool)) (string, error) {
	op, l, r := x.Op, x.L, x.R
	if _, ok := l.(*VarRef); !ok {
		if _, ok := r.(*VarRef); ok && flipped[op] != "" {
			op, l, r = flipped[op], r, l
		}
	}
	if op == "<>" {
		op = "!="
	}
	v, ok := l.(*VarRef)
	if !ok {
		// An expression of fields ("water_level" + 2 > 11.9).
		ls, err := arithSQL(l, col)
		if err != nil {
			return "", err
		}
		rs, err := arithSQL(r, col)
		if err != nil {
			return "", err
		}
		if op == "!=" {
			op = "<>"
		}
		if op == "=~" || op == "!~" {
			return "", errorf("%s compares a field or tag with a regular expression", op)
		}
		return "(" + ls + " " + op + " " + rs + ")", nil
	}
	if strings.EqualFold(v.Name, "time") {
		if op == "=~" || op == "!~" {
			return "", errorf("time cannot be matched with a regular expression")
		}
		ns, err := timeValue(r, now)
		if err != nil {
			return "", err
		}
		sqlOp := op
		switch op {
		case "!=":
			sqlOp = "<>"
		case ">", ">=":
			ns -= shift.lower
		case "<", "<=":
			ns += shift.upper
		}
		return "time " + sqlOp + " " + timeLiteral(ns), nil
	}
	c, kind, exists := col(v.Name)
	if v.Type == "tag" && exists && kind != KindTag {
		c, exists = "CAST(NULL AS text)", false // no tag of that name
	}
	isTag := !exists || kind == KindTag || v.Type == "tag"
	if re, ok := r.(*RegexLit); ok {
		if op != "=~" && op != "!~" {
			return "", errorf("a regular expression is compared with =~ or !~, not %s", op)
		}
		if _, err := compileRegex(re.Pattern); err != nil {
			return "", err
		}
		sqlOp := "~"
		if op == "!~" {
			sqlOp = "!~"
		}
		if isTag {
			c = "coalesce(" + c + ", '')"
		}
		return c + " " + sqlOp + " " + quoteString(re.Pattern), nil
	}
	if op == "=~" || op == "!~" {
		return "", errorf("%s needs a regular expression like /^a/ on its right", op)
	}
	var val string
	switch r := r.(type) {
	case *StringLit:
		val = quoteString(r.Val)
		if isTag {
			return tagComparison(c, op, r.Val), nil
		}
		if exists && kind != KindString {
			return "false", nil // a string never equals a number (InfluxQL matches nothing)
		}
	case *NumberLit:
		if isTag {
			return "false", nil
		}
		val = numberSQL(r)
	case *BoolLit:
		if isTag {
			return "false", nil
		}
		val = strconv.FormatBool(r.Val)
	case *VarRef:
		rc, _, rExists := col(r.Name)
		if !rExists {
			return "false", nil // a missing field is NULL: nothing matches
		}
		val = rc
	default:
		rs, err := arithSQL(r, col)
		if err != nil {
			return "", errorf("cannot compare %s with %s", v.Name, describeExpr(r))
		}
		if isTag {
			return "false", nil
		}
		val = rs
	}
	if !exists {
		return "false", nil
	}
	sqlOp := op
	if op == "!=" {
		sqlOp = "<>"
	}
	return c + " " + sqlOp + " " + val, nil
}

// arithSQL is an arithmetic expression of fields and numbers in a
// condition; a field the measurement lacks is NULL.
func arithSQL(x Expr, col func(string) (string, Kind, bool)) (string, error) {
	switch x := x.(type) {
	case *VarRef:
		c, _, ok := col(x.Name)
		if !ok {
			return "CAST(NULL AS double precision)", nil
		}
		return c, nil
	case *NumberLit:
		return numberSQL(x), nil
	case *StringLit:
		return quoteString(x.Val), nil
	case *ParenExpr:
		v, err := arithSQL(x.X, col)
		return "(" + v + ")", err
	case *BinaryExpr:
		switch x.Op {
		case "+", "-", "*", "/", "%":
			l, err := arithSQL(x.L, col)
			if err != nil {
				return "", err
			}
			r, err := arithSQL(x.R, col)
			if err != nil {
				return "", err
			}
			return arith(x.Op, l, r), nil
		}
	}
	return "", errorf("a condition compares fields, tags, numbers and strings, not %s", describeExpr(x))
}

// arith is l op r as InfluxQL computes it: integers divide into floats,
// and division and modulo by zero give 0.
func arith(op, l, r string) string {
	switch op {
	case "/":
		return "(CASE WHEN " + r + " = 0 THEN 0 ELSE CAST(" + l + " AS double precision) / " + r + " END)"
	case "%":
		return "(CASE WHEN " + r + " = 0 THEN 0 ELSE " + l + " % " + r + " END)"
	}
	return "(" + l + " " + op + " " + r + ")"
}

// tagComparison compares a tag with a string as InfluxQL does: a row
// without the tag has the empty string. Equality with a non-empty string
// stays a plain equality, which storage prunes files by.
func tagComparison(c, op, s string) string {
	q := quoteString(s)
	switch {
	case op == "=" && s != "":
		return c + " = " + q
	case op == "=":
		return "(" + c + " IS NULL OR " + c + " = '')"
	case op == "!=" && s != "":
		return "(" + c + " IS NULL OR " + c + " <> " + q + ")"
	case op == "!=":
		return "(" + c + " IS NOT NULL AND " + c + " <> '')"
	}
	return "coalesce(" + c + ", '') " + op + " " + q
}

// timeValue evaluates the time a condition compares time with: now(),
// RFC 3339 strings, integers (nanoseconds since the epoch), durations,
// and sums and differences of them.
func timeValue(x Expr, now time.Time) (int64, error) {
	switch x := x.(type) {
	case *NowCall:
		return now.UnixNano(), nil
	case *ParenExpr:
		return timeValue(x.X, now)
	case *NumberLit:
		if x.IsInt {
			return x.Int, nil
		}
		return int64(x.Val), nil
	case *DurationLit:
		return x.Nanos, nil
	case *StringLit:
		return parseTime(x.Val)
	case *BinaryExpr:
		if x.Op == "+" || x.Op == "-" {
			l, err := timeValue(x.L, now)
			if err != nil {
				return 0, err
			}
			r, err := timeValue(x.R, now)
			if err != nil {
				return 0, err
			}
			if x.Op == "-" {
				r = -r
			}
			return l + r, nil
		}
	}
	return 0, errorf("time is compared with now(), a time like '2024-01-01T00:00:00Z', an integer of nanoseconds or a duration, not %s", describeExpr(x))
}

// timeLayouts are the time strings InfluxQL reads.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

func parseTime(s string) (int64, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixNano(), nil
		}
	}
	return 0, errorf("invalid time %q: write it as RFC 3339, like '2024-01-01T00:00:00Z'", s)
}

// translateSelect builds one SQL query for all of FROM's measurements.
func translateSelect(st *SelectStatement, db string, cat Catalog, now time.Time) (*Query, error) {
	var loc *time.Location
	if st.Location != "" && !strings.EqualFold(st.Location, "UTC") {
		l, err := time.LoadLocation(st.Location)
		if err != nil {
			return nil, errorf("unknown time zone %q in tz(): name an IANA zone, like tz('America/Chicago')", st.Location)
		}
		if st.TimeOffset != 0 && st.Interval != 0 && st.Fill.Mode != "none" {
			return nil, errorf("GROUP BY time() with an offset and tz() is not supported with fill(); use fill(none)")
		}
		loc = l
	}
	var tables []*table
	var err error
	if len(st.Sources) == 1 && st.Sources[0].Subquery != nil {
		tables, err = subqueryTable(st, db, cat, now)
	} else {
		tables, err = loadTables(st.Sources, db, cat)
	}
	if err != nil {
		return nil, err
	}
	tf, err := transformation(st)
	if err != nil {
		return nil, err
	}
	tp, err := topOf(st)
	if err != nil {
		return nil, err
	}
	if tf != nil {
		// The transformation's argument is the field; the transformation
		// runs over its values (transform).
		inner := *st
		inner.Fields = []Field{{Expr: tf.arg, Alias: transformedValue}}
		st = &inner
	}
	agg := false
	for _, f := range st.Fields {
		agg = agg || hasAggregate(f.Expr)
	}
	if st.Interval != 0 && !agg && tp == nil {
		return nil, errorf("GROUP BY time() needs an aggregate function in the SELECT list, like mean(field)")
	}
	// The series tags.
	tags := st.Dimensions
	if st.AllTags {
		set := map[string]bool{}
		for _, t := range tables {
			for _, k := range t.tags {
				set[k] = true
			}
		}
		for _, k := range st.Dimensions {
			set[k] = true
		}
		tags = make([]string, 0, len(set))
		for k := range set {
			tags = append(tags, k)
		}
		slices.Sort(tags)
	}
	tags = slices.Compact(slices.Clone(tags))
	if len(tables) == 0 {
		return nil, nil // InfluxQL answers a missing measurement with no series
	}
	items, err := selectItems(st, tables, tags, agg)
	if err != nil {
		return nil, err
	}
	distinct, err := distinctOf(st)
	if err != nil {
		return nil, err
	}
	integral, err := integralOf(st)
	if err != nil {
		return nil, err
	}
	sel, items := selectorWithFields(items)
	q := &Query{Tags: tags, Time: true, Location: loc}
	kinds := map[string]Kind{}
	for _, t := range tables {
		for name, k := range t.cols {
			if _, seen := kinds[name]; !seen {
				kinds[name] = k
			}
		}
	}
	var branches []string
	for _, t := range tables {
		s := &selectTranslator{st: st, t: t, now: now, agg: agg, tf: tf, kinds: kinds, sel: sel, loc: loc, distinct: distinct, integral: integral}
		var b string
		if tp != nil {
			b, err = s.topBranch(tp, items, tags)
		} else {
			b, err = s.branch(db, cat, items, tags)
		}
		if err != nil {
			return nil, err
		}
		if b != "" {
			branches = append(branches, b)
		}
	}
	if len(branches) == 0 {
		return nil, nil // no measurement has the fields: no series
	}
	order := []string{quoteIdent(MeasurementColumn)}
	for _, k := range tags {
		order = append(order, quoteIdent(k))
	}
	order = append(order, "time")
	if st.Descending {
		order[len(order)-1] += " DESC"
	}
	if distinct != "" {
		order = append(order, quoteIdent(items[0].name)) // a window's values ascending, as InfluxDB lists them
	}
	var sb strings.Builder
	for i, b := range branches {
		if i > 0 {
			sb.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&sb, "SELECT * FROM (%s) AS m%d", b, i)
	}
	q.SQL = sb.String() + " ORDER BY " + strings.Join(order, ", ")
	if tf != nil {
		q.Values, q.ValueKinds = []string{tf.name}, []Kind{KindFloat}
	} else {
		for _, it := range items {
			q.Values = append(q.Values, it.name)
			q.ValueKinds = append(q.ValueKinds, itemKind(it.expr, kinds))
		}
	}
	return q, nil
}

// subqueryTable is FROM (SELECT ...) as a table: the subquery's rows, its
// GROUP BY tags as tags, its values as fields. The outer query's time
// range bounds the subquery where the subquery has none, as InfluxDB
// passes it down. The subquery reads one measurement.
func subqueryTable(st *SelectStatement, db string, cat Catalog, now time.Time) ([]*table, error) {
	inner := *st.Sources[0].Subquery
	// The outer time range narrows the subquery's.
	if lo, ok := lowerTime(st.Where, now); ok {
		inner.Where = andExpr(inner.Where, &BinaryExpr{Op: ">=", L: &VarRef{Name: "time"}, R: &NumberLit{IsInt: true, Int: lo, Val: float64(lo)}})
	}
	if hi, ok := upperTime(st.Where, now); ok {
		inner.Where = andExpr(inner.Where, &BinaryExpr{Op: "<=", L: &VarRef{Name: "time"}, R: &NumberLit{IsInt: true, Int: hi, Val: float64(hi)}})
	}
	// The outer GROUP BY tags group the subquery too, and an aggregating
	// subquery without GROUP BY time takes the outer interval, as InfluxDB
	// passes them down.
	inner.Dimensions = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(inner.Dimensions), st.Dimensions...))))
	inner.AllTags = inner.AllTags || st.AllTags
	if inner.Interval == 0 && st.Interval != 0 && slices.ContainsFunc(inner.Fields, func(f Field) bool { return hasAggregate(f.Expr) }) {
		inner.Interval, inner.TimeOffset = st.Interval, st.TimeOffset
	}
	name, err := subqueryMeasurement(&inner, db, cat)
	if err != nil || name == "" {
		return nil, err
	}
	q, err := translateSelect(&inner, db, cat, now)
	if err != nil || q == nil {
		return nil, err
	}
	if q.Location != nil {
		return nil, errorf("tz() in a subquery is not supported: give it to the outer query")
	}
	t := &table{name: name, cols: map[string]Kind{"time": KindTime}, from: "(" + q.SQL + ") AS " + quoteIdent(name)}
	if lo, ok := lowerTime(inner.Where, now); ok {
		t.first = &lo // fill() over it starts there, not at the measurement's first point
	}
	for _, k := range q.Tags {
		t.cols[k] = KindTag
		t.tags = append(t.tags, k)
	}
	slices.Sort(t.tags)
	for i, v := range q.Values {
		k := q.ValueKinds[i]
		if k == KindTag {
			k = KindString // a tag selected, not grouped: a value of the rows
		}
		t.cols[v] = k
	}
	return []*table{t}, nil
}

// subqueryMeasurement is the one measurement a subquery reads ("" when
// none exists); several are refused.
func subqueryMeasurement(st *SelectStatement, db string, cat Catalog) (string, error) {
	if len(st.Sources) == 1 && st.Sources[0].Subquery != nil {
		return subqueryMeasurement(st.Sources[0].Subquery, db, cat)
	}
	names, err := measurements(st.Sources, db, cat)
	if err != nil {
		return "", err
	}
	if len(names) > 1 {
		return "", errorf("a subquery over several measurements (%s) is not supported: query each in its own subquery", strings.Join(names, ", "))
	}
	if len(names) == 0 || loadTable(db, names[0], cat) == nil {
		return "", nil
	}
	return names[0], nil
}

// andExpr is a AND b (b when a is nil).
func andExpr(a, b Expr) Expr {
	if a == nil {
		return b
	}
	return &BinaryExpr{Op: "AND", L: &ParenExpr{X: a}, R: b}
}

// itemKind is the kind of a SELECT item's values, as a subquery's outer
// query reads them: a field's, a count's integer, a selector's (or sum's)
// field's, a float otherwise.
func itemKind(x Expr, kinds map[string]Kind) Kind {
	switch x := x.(type) {
	case *VarRef:
		if k, ok := kinds[x.Name]; ok {
			return k
		}
	case *ParenExpr:
		return itemKind(x.X, kinds)
	case *Call:
		switch x.Name {
		case "count":
			return KindInteger
		case "first", "last", "min", "max", "mode", "distinct", "top", "bottom", "sum", "spread", "percentile":
			if len(x.Args) > 0 {
				return itemKind(x.Args[0], kinds)
			}
		}
	}
	return KindFloat
}

// item is one output value column: its name and its expression per
// measurement (raw field names resolved by selectItems).
type item struct {
	name string
	expr Expr
}

// selectItems expands SELECT * and names the items, InfluxQL's way:
// repeated names get _1, _2.
func selectItems(st *SelectStatement, tables []*table, tags []string, agg bool) ([]item, error) {
	var items []item
	grouped := map[string]bool{}
	for _, k := range tags {
		grouped[k] = true
	}
	for _, f := range st.Fields {
		w, isStar := f.Expr.(*Wildcard)
		re, isRegex := f.Expr.(*RegexLit)
		if isStar || isRegex {
			if agg {
				return nil, errorf("SELECT * or /regex/ cannot be mixed with aggregates")
			}
			match := func(string) bool { return true }
			if isRegex {
				r, err := compileRegex(re.Pattern)
				if err != nil {
					return nil, err
				}
				match, w = r.MatchString, &Wildcard{}
			}
			set := map[string]bool{}
			for _, t := range tables {
				for name, k := range t.cols {
					if k == KindTime || grouped[name] || w.Type == "field" && k == KindTag || w.Type == "tag" && k != KindTag || !match(name) {
						continue
					}
					set[name] = true
				}
			}
			names := make([]string, 0, len(set))
			for n := range set {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				items = append(items, item{name: n, expr: &VarRef{Name: n}})
			}
			continue
		}
		if v, ok := f.Expr.(*VarRef); ok && strings.EqualFold(v.Name, "time") {
			continue // time is always the first column
		}
		if c, ok := f.Expr.(*Call); ok && len(c.Args) > 0 {
			expanded, ok, err := expandFields(c, f.Alias, tables)
			if err != nil {
				return nil, err
			}
			if ok {
				items = append(items, expanded...)
				continue
			}
		}
		name := f.Alias
		if name == "" {
			name = fieldName(f.Expr)
		}
		items = append(items, item{name: name, expr: f.Expr})
	}
	if len(items) == 0 {
		return nil, errorf("at least 1 non-time field must be queried")
	}
	seen := map[string]int{"time": 1}
	for _, k := range tags {
		seen[k] = 1 // a grouped tag's column: a selected one is named k_1 (SQL needs distinct names)
	}
	for i := range items {
		n := items[i].name
		for seen[items[i].name] > 0 {
			items[i].name = fmt.Sprintf("%s_%d", n, seen[n])
			seen[n]++
		}
		seen[items[i].name]++
	}
	return items, nil
}

// branch is the SQL of the statement over one measurement, with the
// result columns Query describes; "" when the measurement has none of
// the fields the statement reads (InfluxQL answers no series for it).
func (s *selectTranslator) branch(db string, cat Catalog, items []item, tags []string) (string, error) {
	st := s.st
	// The fields read: a point counts when it has one of them.
	var fields []string
	for _, it := range items {
		for _, name := range varRefs(it.expr, nil) {
			if k, ok := s.t.cols[name]; ok && k != KindTag && k != KindTime && !slices.Contains(fields, name) {
				fields = append(fields, name)
			}
		}
	}
	if len(fields) == 0 {
		return "", nil
	}
	var has []string
	for _, f := range fields {
		has = append(has, quoteIdent(f)+" IS NOT NULL")
	}
	hasField := "(" + strings.Join(has, " OR ") + ")"

	cols := []string{quoteString(s.t.name) + " AS " + quoteIdent(MeasurementColumn)}
	var where []string
	_, lower := lowerTime(st.Where, s.now)
	_, upper := upperTime(st.Where, s.now)
	if s.tf != nil && st.Interval != 0 && s.tf.fn != "cumulative_sum" {
		// A transformation reads the bucket before the first one shown
		// (derivative's previous value), after the last in DESC order, as
		// InfluxDB does (cumulative_sum reads none).
		switch {
		case !st.Descending && lower:
			s.shift.lower = st.Interval
		case st.Descending && upper:
			s.shift.upper = st.Interval
		}
	}
	if st.Where != nil {
		w, err := s.condition(st.Where)
		if err != nil {
			return "", err
		}
		where = append(where, w)
	}
	// distinct's buckets are its values': none for an empty window.
	gapfill := st.Interval != 0 && st.Fill.Mode != "none" && s.distinct == ""
	if st.Interval != 0 && !upper {
		where = append(where, "time <= "+timeLiteral(s.now.UnixNano()))
	}
	if gapfill && !lower {
		// Filled from the measurement's first bucket.
		lo, _, ok := cat.TimeBounds(db, s.t.name)
		if !ok {
			lo = s.now.UnixNano()
		}
		if s.t.first != nil {
			lo = *s.t.first
		}
		where = append(where, "time >= "+timeLiteral(lo))
	}
	var group []string
	switch {
	case st.Interval != 0:
		cols = append(cols, s.bucket(gapfill)+" AS time")
		group = append(group, "2")
	case s.agg:
		t, err := s.aggregateTime(items)
		if err != nil {
			return "", err
		}
		cols = append(cols, t+" AS time")
	default:
		cols = append(cols, "time")
	}
	for _, k := range tags {
		// Grouped by the tag itself (a dictionary column the aggregation
		// hashes fast), shown as '' where a point has none.
		if _, ok := s.t.cols[k]; !ok {
			cols = append(cols, "'' AS "+quoteIdent(k))
			continue
		}
		ref := quoteIdent(s.t.name) + "." + quoteIdent(k)
		cols = append(cols, "coalesce("+ref+", '') AS "+quoteIdent(k))
		if s.agg {
			group = append(group, ref)
		}
	}
	for _, it := range items {
		v, err := s.value(it.expr, false)
		if err != nil {
			return "", err
		}
		if gapfill {
			switch {
			case st.Fill.Mode == "previous":
				v = "locf(" + v + ")"
			case st.Fill.Mode == "linear" && !s.isText(it.expr):
				v = "interpolate(" + v + ")"
			}
		}
		cols = append(cols, v+" AS "+quoteIdent(it.name))
	}
	if s.distinct != "" {
		group = append(group, s.column(s.distinct))
	}
	// Only points with one of the fields count (a raw query returns those;
	// a group without any is no series).
	where = append(where, hasField)
	from := s.t.relation()
	if s.integral != "" {
		ip, err := s.integralPoints(tags)
		if err != nil {
			return "", err
		}
		from = "(" + ip + ") AS " + quoteIdent(s.t.name)
	}
	if s.sel != nil {
		sp, err := s.selectedPoints(tags)
		if err != nil {
			return "", err
		}
		from = "(" + sp + ") AS " + quoteIdent(s.t.name)
	}
	sql := "SELECT " + strings.Join(cols, ", ") + " FROM " + from
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	if len(group) > 0 {
		sql += " GROUP BY " + strings.Join(group, ", ")
	}
	if s.agg && len(tags) == 0 {
		// One series, with no tags: none when no point has the fields
		// (InfluxQL answers a range without points with no series; an
		// aggregate without GROUP BY has a row, a gap fill its buckets).
		sql = "SELECT * FROM (" + sql + ") AS g WHERE EXISTS (SELECT 1 FROM " + from + " WHERE " + strings.Join(where, " AND ") + ")"
	}
	sql = s.fillValue(sql, items, tags)
	if s.tf != nil {
		sql = s.tf.wrap(sql, tags, st.Descending)
		items = []item{{name: s.tf.name}}
		switch {
		case s.shift.lower != 0:
			// The bucket read before the first one shown goes.
			lo, _ := lowerTime(st.Where, s.now)
			first := bucketStart(lo, st.Interval, st.TimeOffset)
			sql = "SELECT * FROM (" + sql + ") AS w WHERE time >= " + timeLiteral(first)
		case s.shift.upper != 0:
			hi, _ := upperTime(st.Where, s.now)
			last := bucketStart(hi, st.Interval, st.TimeOffset)
			sql = "SELECT * FROM (" + sql + ") AS w WHERE time <= " + timeLiteral(last)
		}
	}
	return s.limits(sql, items, tags), nil
}

// bucket is GROUP BY time(interval, offset)'s bucket of a point: counted
// from the epoch (the epoch's reading on tz()'s clock), moved by the offset;
// gapfill makes the missing buckets.
func (s *selectTranslator) bucket(gapfill bool) string { return s.bucketOf(gapfill, "time") }

// bucketOf is bucket for the time t (SQL).
func (s *selectTranslator) bucketOf(gapfill bool, t string) string {
	st := s.st
	if s.loc != nil {
		zone := quoteString(s.loc.String())
		if gapfill {
			// TimescaleDB's gapfill on a zone's clock (buckets of a day or
			// less fall as they would from the epoch).
			return "time_bucket_gapfill(" + intervalLiteral(st.Interval) + ", " + t + ", " + zone + ", NULL, NULL)"
		}
		origin := timeLiteral(time.Date(1970, 1, 1, 0, 0, 0, 0, s.loc).UnixNano())
		return "time_bucket(" + intervalLiteral(st.Interval) + ", " + t + ", " + zone + ", " + origin + ", " + intervalLiteral(st.TimeOffset) + ")"
	}
	fn := "date_bin"
	if gapfill {
		fn = "date_bin_gapfill"
	}
	b := fn + "(" + intervalLiteral(st.Interval) + ", " + t
	if st.TimeOffset != 0 {
		b += ", " + timeLiteral(st.TimeOffset)
	}
	return b + ")"
}

// bucketStart is the start of GROUP BY time(interval, offset)'s bucket
// that holds t.
func bucketStart(t, interval, offset int64) int64 {
	d := t - offset
	q := d / interval
	if d%interval < 0 {
		q--
	}
	return q*interval + offset
}

// aggregateTime is the time of an aggregate without GROUP BY time: the
// selected point's time when the query is one selector, else the start of
// the WHERE's time range (the epoch when it has none).
func (s *selectTranslator) aggregateTime(items []item) (string, error) {
	if s.sel != nil {
		return "max(time)", nil // the selected point's (the group's one row)
	}
	if len(items) == 1 {
		if c, ok := items[0].expr.(*Call); ok {
			if sel, ok := selectors[c.Name]; ok && len(c.Args) == 1 {
				if v, ok := c.Args[0].(*VarRef); ok {
					return sel + "(" + s.column(v.Name) + ", time)['time']", nil
				}
			}
		}
	}
	start := int64(0)
	if lo, ok := lowerTime(s.st.Where, s.now); ok {
		start = lo
	}
	return timeLiteral(start), nil
}

// upperTime is the WHERE's upper bound on time, the last time it keeps
// (time < x counts x - 1).
func upperTime(x Expr, now time.Time) (int64, bool) { return timeBound(x, now, false) }

// lowerTime is the WHERE's lower bound on time (time > x counts x + 1).
func lowerTime(x Expr, now time.Time) (int64, bool) { return timeBound(x, now, true) }

// timeBound is the first (lower) or last time the WHERE's conjuncts on
// time keep.
func timeBound(x Expr, now time.Time, lower bool) (int64, bool) {
	switch x := x.(type) {
	case *ParenExpr:
		return timeBound(x.X, now, lower)
	case *BinaryExpr:
		if x.Op == "AND" {
			l, okl := timeBound(x.L, now, lower)
			r, okr := timeBound(x.R, now, lower)
			switch {
			case okl && okr && lower:
				return max(l, r), true
			case okl && okr:
				return min(l, r), true
			case okl:
				return l, true
			}
			return r, okr
		}
		op, other := x.Op, x.R
		if v, ok := x.R.(*VarRef); ok && strings.EqualFold(v.Name, "time") {
			op, other = flipped[op], x.L
		} else if v, ok := x.L.(*VarRef); !ok || !strings.EqualFold(v.Name, "time") {
			return 0, false
		}
		ns, err := timeValue(other, now)
		if err != nil {
			return 0, false
		}
		switch {
		case op == "=", lower && op == ">=", !lower && op == "<=":
			return ns, true
		case lower && op == ">":
			return ns + 1, true
		case !lower && op == "<":
			return ns - 1, true
		}
	}
	return 0, false
}

// limits wraps a measurement's query in fill(value), LIMIT/OFFSET per
// series and SLIMIT/SOFFSET.
func (s *selectTranslator) limits(sql string, items []item, tags []string) string {
	st := s.st
	names := []string{quoteIdent(MeasurementColumn), "time"}
	for _, k := range tags {
		names = append(names, quoteIdent(k))
	}
	order := "time"
	if st.Descending {
		order = "time DESC"
	}
	partition := ""
	if len(tags) > 0 {
		partition = "PARTITION BY " + strings.Join(names[2:], ", ") + " "
	}
	var conds []string
	inner := "SELECT *"
	if st.SLimit > 0 || st.SOffset > 0 {
		// SLIMIT and SOFFSET count each measurement's series, as InfluxDB
		// 1.x limits each measurement's tag sets.
		series := "1"
		if len(tags) > 0 {
			series = "dense_rank() OVER (ORDER BY " + strings.Join(names[2:], ", ") + ")"
		}
		inner += ", " + series + " AS __strata_series"
		conds = append(conds, fmt.Sprintf("__strata_series > %d", st.SOffset))
		if st.SLimit > 0 {
			conds = append(conds, fmt.Sprintf("__strata_series <= %d", st.SOffset+st.SLimit))
		}
	}
	if st.Limit > 0 || st.Offset > 0 {
		inner += ", row_number() OVER (" + partition + "ORDER BY " + order + ") AS __strata_row"
		conds = append(conds, fmt.Sprintf("__strata_row > %d", st.Offset))
		if st.Limit > 0 {
			conds = append(conds, fmt.Sprintf("__strata_row <= %d", st.Offset+st.Limit))
		}
	}
	if len(conds) == 0 {
		return sql
	}
	return "SELECT " + strings.Join(outputColumns(items, tags), ", ") + " FROM (" + inner + " FROM (" + sql + ") AS i) AS r WHERE " + strings.Join(conds, " AND ")
}

// outputColumns are the columns of a measurement's query, quoted.
func outputColumns(items []item, tags []string) []string {
	cols := []string{quoteIdent(MeasurementColumn), "time"}
	for _, k := range tags {
		cols = append(cols, quoteIdent(k))
	}
	for _, it := range items {
		cols = append(cols, quoteIdent(it.name))
	}
	return cols
}

// fillValue is fill(<number>): the NULL values of a GROUP BY time query,
// the added buckets' among them, become the number.
func (s *selectTranslator) fillValue(sql string, items []item, tags []string) string {
	if s.st.Interval == 0 || s.distinct != "" {
		return sql
	}
	cols := outputColumns(items, tags)
	filled := false
	for k, it := range items {
		i := len(cols) - len(items) + k
		c, isCall := it.expr.(*Call)
		switch {
		case s.st.Fill.Mode == "value" && !s.isText(it.expr):
			cols[i] = "coalesce(" + cols[i] + ", " + strconv.FormatFloat(s.st.Fill.Value, 'g', -1, 64) + ") AS " + cols[i]
		case (s.st.Fill.Mode == "" || s.st.Fill.Mode == "null") && isCall && c.Name == "count":
			// fill(null) counts an empty bucket as 0, as InfluxDB does.
			cols[i] = "coalesce(" + cols[i] + ", 0) AS " + cols[i]
		default:
			continue
		}
		filled = true
	}
	if !filled {
		return sql
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM (" + sql + ") AS f"
}

// topSpec is SELECT top(field, n) or bottom(field, n).
type topSpec struct {
	bottom bool
	field  string
	n      int64
}

// topOf reads the SELECT's top() or bottom() (nil: none); Strata
// translates one, alone in the SELECT list, of a field and a count.
func topOf(st *SelectStatement) (*topSpec, error) {
	found := false
	for _, f := range st.Fields {
		found = found || calls(f.Expr, func(c *Call) bool { return c.Name == "top" || c.Name == "bottom" })
	}
	if !found {
		return nil, nil
	}
	c, ok := st.Fields[0].Expr.(*Call)
	if len(st.Fields) != 1 || !ok || c.Name != "top" && c.Name != "bottom" {
		return nil, errorf("top() and bottom() must be the only item of the SELECT list here: query other fields separately")
	}
	if len(c.Args) >= 3 {
		return nil, errorf("%s() with a tag argument is not supported: GROUP BY the tag instead", c.Name)
	}
	if len(c.Args) != 2 {
		return nil, errorf("invalid number of arguments for %s, expected at least 2, got %d", c.Name, len(c.Args))
	}
	v, ok := c.Args[0].(*VarRef)
	if !ok {
		return nil, errorf("expected first argument to be a field in %s(), found %s", c.Name, describeExpr(c.Args[0]))
	}
	n, ok := c.Args[1].(*NumberLit)
	if !ok || !n.IsInt {
		return nil, errorf("expected integer as last argument in %s(), found %s", c.Name, describeExpr(c.Args[1]))
	}
	if n.Int < 1 {
		return nil, errorf("limit (%d) in %s function must be at least 1", n.Int, c.Name)
	}
	return &topSpec{bottom: c.Name == "bottom", field: v.Name, n: n.Int}, nil
}

// topBranch is the SQL of top() or bottom() over one measurement: the n
// points of each series (and GROUP BY time window) with the largest
// (smallest) values, earlier points first among equal values, each with
// its own time, as InfluxDB returns them; "" when the measurement lacks
// the field.
func (s *selectTranslator) topBranch(tp *topSpec, items []item, tags []string) (string, error) {
	st := s.st
	k, ok := s.t.cols[tp.field]
	if !ok {
		return "", nil
	}
	fn := map[bool]string{false: "top", true: "bottom"}[tp.bottom]
	if k != KindFloat && k != KindInteger && k != KindUnsigned {
		return "", errorf("%s() of %s is not supported: it takes a numeric field", fn, tp.field)
	}
	v := quoteIdent(tp.field)
	cols := []string{quoteString(s.t.name) + " AS " + quoteIdent(MeasurementColumn), "time"}
	var part []string
	for _, t := range tags {
		c := "coalesce(" + s.tagColumn(t) + ", '')"
		cols = append(cols, c+" AS "+quoteIdent(t))
		part = append(part, c)
	}
	if st.Interval != 0 {
		part = append(part, s.bucket(false))
	}
	cols = append(cols, v+" AS "+quoteIdent(items[0].name))
	where, err := s.pointsWhere(v)
	if err != nil {
		return "", err
	}
	order := v + " DESC, time"
	if tp.bottom {
		order = v + ", time"
	}
	over := "ORDER BY " + order
	if len(part) > 0 {
		over = "PARTITION BY " + strings.Join(part, ", ") + " " + over
	}
	inner := "SELECT " + strings.Join(cols, ", ") + ", row_number() OVER (" + over + ") AS __strata_rank FROM " +
		s.t.relation() + " WHERE " + strings.Join(where, " AND ")
	sql := "SELECT " + strings.Join(outputColumns(items, tags), ", ") + " FROM (" + inner + ") AS r WHERE __strata_rank <= " + strconv.FormatInt(tp.n, 10)
	return s.limits(sql, items, tags), nil
}

// distinctOf is the field of SELECT distinct(field) ("" when the SELECT
// list has no distinct() outside count()): it must be the only item, as
// InfluxQL has it.
func distinctOf(st *SelectStatement) (string, error) {
	found := false
	for _, f := range st.Fields {
		found = found || calls(f.Expr, func(c *Call) bool { return c.Name == "distinct" }) &&
			!calls(f.Expr, func(c *Call) bool {
				d, ok := c.Name, len(c.Args) == 1
				return d == "count" && ok && calls(c.Args[0], func(x *Call) bool { return x.Name == "distinct" })
			})
	}
	if !found {
		return "", nil
	}
	c, ok := st.Fields[0].Expr.(*Call)
	if len(st.Fields) != 1 || !ok || c.Name != "distinct" {
		return "", errorf("aggregate function distinct() cannot be combined with other functions or fields")
	}
	if len(c.Args) != 1 {
		return "", errorf("distinct function requires exactly one argument")
	}
	v, ok := c.Args[0].(*VarRef)
	if !ok {
		return "", errorf("expected field argument in distinct()")
	}
	return v.Name, nil
}

// selectorWithFields recognizes a selector (first, last, min, max of a
// field) with fields or tags beside it and no other aggregate: InfluxQL
// answers the selected point's values for them. It returns the selector
// and the items rewritten to read the group's one selected point (max of
// one value is the value); nil and the items as they are otherwise.
func selectorWithFields(items []item) (*Call, []item) {
	var sel *Call
	others := 0
	for _, it := range items {
		switch x := it.expr.(type) {
		case *Call:
			_, isSel := selectors[x.Name]
			if pct, ok := percentileOf(x); ok && pct >= 0 && pct <= 100 {
				isSel = true
			} else if len(x.Args) != 1 {
				isSel = false
			}
			if !isSel || sel != nil {
				return nil, items
			}
			if _, ok := x.Args[0].(*VarRef); !ok {
				return nil, items
			}
			sel = x
		case *VarRef:
			others++
		default:
			return nil, items
		}
	}
	if sel == nil || others == 0 && sel.Name != "percentile" {
		return nil, items // a selector alone: its aggregate (percentile: its point, always)
	}
	out := make([]item, len(items))
	for i, it := range items {
		arg := it.expr
		if c, ok := arg.(*Call); ok {
			arg = c.Args[0]
		}
		out[i] = item{name: it.name, expr: &Call{Name: "max", Args: []Expr{arg}}}
	}
	return sel, out
}

// selectedPoints is the measurement's rows reduced to the point the
// selector picks in each group (GROUP BY time's bucket and the tags):
// the largest value (the earliest among equal ones) for max, the
// smallest for min, the earliest or latest with a value for first and
// last.
func (s *selectTranslator) selectedPoints(tags []string) (string, error) {
	f := s.column(s.sel.Args[0].(*VarRef).Name)
	var part []string
	if s.st.Interval != 0 {
		part = append(part, s.bucket(false))
	}
	for _, k := range tags {
		part = append(part, "coalesce("+s.tagColumn(k)+", '')")
	}
	order := map[string]string{"max": f + " DESC, time", "min": f + ", time", "first": "time", "last": "time DESC", "percentile": f + ", time"}[s.sel.Name]
	over := "ORDER BY " + order
	partition := ""
	if len(part) > 0 {
		partition = "PARTITION BY " + strings.Join(part, ", ")
		over = partition + " " + over
	}
	pick := "1"
	count := ""
	if pct, ok := percentileOf(s.sel); ok {
		// InfluxQL's nearest rank: the floor(n * p / 100 + 0.5)th value (none
		// when that is 0).
		count = ", count(*) OVER (" + partition + ") AS __strata_n"
		pick = "floor(CAST(__strata_n AS double precision) * " + strconv.FormatFloat(pct, 'g', -1, 64) + " / 100 + 0.5)"
	}
	where := f + " IS NOT NULL"
	if s.st.Where != nil {
		w, err := s.condition(s.st.Where)
		if err != nil {
			return "", err
		}
		where += " AND " + w
	}
	return "SELECT * FROM (SELECT *, row_number() OVER (" + over + ") AS __strata_pick" + count + " FROM " + s.t.relation() +
		" WHERE " + where + ") AS p WHERE __strata_pick = " + pick, nil
}

// percentileOf is percentile(f, N)'s N.
func percentileOf(c *Call) (float64, bool) {
	if c.Name != "percentile" || len(c.Args) != 2 {
		return 0, false
	}
	if n, ok := c.Args[1].(*NumberLit); ok {
		return n.Val, true
	}
	return 0, false
}

// numericOnly are the functions that read numbers only: f(*) and
// f(/regex/) expand to the numeric fields for them, to every field for the
// others (count, first, last, mode).
var numericOnly = map[string]bool{"mean": true, "median": true, "spread": true, "stddev": true, "sum": true, "percentile": true, "min": true, "max": true,
	"abs": true, "ceil": true, "floor": true, "round": true, "sqrt": true, "ln": true, "log": true, "log2": true, "log10": true, "exp": true,
	"pow": true, "sin": true, "cos": true, "tan": true, "asin": true, "acos": true, "atan": true, "atan2": true}

// expandFields expands f(*) and f(/regex/) to one f(field) per field of
// the measurements that it may read, by name, named f_field (alias_field),
// as InfluxQL does; ok is false for a call of one field.
func expandFields(c *Call, alias string, tables []*table) ([]item, bool, error) {
	var match func(string) bool
	switch a := c.Args[0].(type) {
	case *Wildcard:
		match = func(string) bool { return true }
	case *RegexLit:
		re, err := compileRegex(a.Pattern)
		if err != nil {
			return nil, false, err
		}
		match = re.MatchString
	default:
		return nil, false, nil
	}
	kinds := map[string]Kind{}
	for _, t := range tables {
		for name, k := range t.cols {
			if _, seen := kinds[name]; !seen && k != KindTime && k != KindTag && match(name) {
				kinds[name] = k
			}
		}
	}
	names := make([]string, 0, len(kinds))
	for n, k := range kinds {
		if numericOnly[c.Name] && k != KindFloat && k != KindInteger && k != KindUnsigned {
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	prefix := c.Name
	if alias != "" {
		prefix = alias
	}
	items := make([]item, len(names))
	for i, n := range names {
		args := append([]Expr{&VarRef{Name: n}}, c.Args[1:]...)
		items[i] = item{name: prefix + "_" + n, expr: &Call{Name: c.Name, Args: args}}
	}
	return items, true, nil
}

// DeleteSQL translates InfluxQL's DELETE into one SQL DELETE per
// measurement it names (every one of the database's without FROM; one that
// does not exist is skipped). As in InfluxDB, the condition may test tags
// and time only.
func DeleteSQL(st *DeleteStatement, db string, cat Catalog, now time.Time) ([]string, error) {
	names := cat.Measurements(db)
	if st.Sources != nil {
		var err error
		if names, err = measurements(st.Sources, db, cat); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, m := range names {
		cols := cat.Columns(db, m)
		if cols == nil {
			continue
		}
		q := "DELETE FROM " + quoteIdent(m)
		if st.Where != nil {
			var field string
			where, err := whereSQL(st.Where, now, timeShift{}, func(name string) (string, Kind, bool) {
				i := slices.IndexFunc(cols, func(c Column) bool { return c.Name == name })
				switch {
				case i < 0:
					return "CAST(NULL AS text)", KindTag, false // a tag the measurement lacks is empty
				case cols[i].Kind != KindTag && cols[i].Kind != KindTime:
					field = name
				}
				return quoteIdent(name), cols[i].Kind, true
			})
			if err != nil {
				return nil, err
			}
			if field != "" {
				return nil, errorf("fields not supported in WHERE clause during deletion: %s is a field of %s", field, m)
			}
			q += " WHERE " + where
		}
		out = append(out, q)
	}
	return out, nil
}
