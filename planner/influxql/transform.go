package influxql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// transformedValue names the value a transformation reads, in the query
// beneath it.
const transformedValue = "__strata_value"

// transform is one of InfluxQL's transformations of a series' values, in
// time order, NULL values left out (as InfluxDB's iterators skip them):
// derivative and non_negative_derivative (change per unit of time),
// difference and non_negative_difference, elapsed (time between points,
// in units), moving_average over n points, cumulative_sum.
type transform struct {
	fn   string
	name string // the output column
	arg  Expr   // an aggregate (GROUP BY time) or a field (raw points)
	unit int64  // ns: derivative's and elapsed's unit
	n    int64  // moving_average's window
}

// transformations are the ones translated, with their default unit.
var transformations = map[string]int64{
	"derivative": int64(time.Second), "non_negative_derivative": int64(time.Second), "difference": 0,
	"non_negative_difference": 0, "elapsed": 1, "moving_average": 0, "cumulative_sum": 0,
}

// isTransformationName reports whether name is a transformation.
func isTransformationName(name string) bool {
	_, ok := transformations[name]
	return ok
}

// isTransformation reports whether x calls a transformation.
func isTransformation(x Expr) bool {
	return calls(x, func(c *Call) bool {
		_, ok := transformations[c.Name]
		return ok
	})
}

// transformation reads the SELECT's transformation: nil when it has none;
// Strata translates one, alone in the SELECT list.
func transformation(st *SelectStatement) (*transform, error) {
	var found bool
	for _, f := range st.Fields {
		found = found || isTransformation(f.Expr)
	}
	if !found {
		return nil, nil
	}
	c, ok := st.Fields[0].Expr.(*Call)
	if !ok || len(st.Fields) != 1 || !isTransformationName(c.Name) {
		return nil, errorf("a transformation (derivative, difference, moving_average, ...) must be the only item of the SELECT list here: query other fields separately")
	}
	tf := &transform{fn: c.Name, name: st.Fields[0].Alias, unit: transformations[c.Name]}
	if tf.name == "" {
		tf.name = c.Name
	}
	maxArgs := 2
	switch c.Name {
	case "difference", "non_negative_difference", "cumulative_sum":
		maxArgs = 1
	}
	if len(c.Args) < 1 || len(c.Args) > maxArgs || c.Name == "moving_average" && len(c.Args) != 2 {
		return nil, errorf("invalid number of arguments for %s, got %d", c.Name, len(c.Args))
	}
	tf.arg = c.Args[0]
	switch tf.arg.(type) {
	case *Wildcard, *RegexLit:
		return nil, errorf("%s() of * or of a regular expression is not supported: name the field, %s(field)", c.Name, c.Name)
	}
	if st.Interval != 0 && strings.HasSuffix(c.Name, "derivative") {
		tf.unit = st.Interval // per GROUP BY interval unless a unit is given
	}
	if isTransformation(tf.arg) {
		return nil, errorf("%s() of a transformation is not supported", c.Name)
	}
	agg := hasAggregate(tf.arg)
	_, isField := tf.arg.(*VarRef)
	switch {
	case st.Interval != 0 && !agg:
		return nil, errorf("aggregate function required inside the call to %s", c.Name)
	case st.Interval == 0 && agg:
		return nil, errorf("%s aggregate requires a GROUP BY interval", c.Name)
	case st.Interval == 0 && !isField:
		return nil, errorf("expected field argument in %s()", c.Name)
	}
	if len(c.Args) == 2 {
		switch a := c.Args[1].(type) {
		case *DurationLit:
			if c.Name == "moving_average" || a.Nanos <= 0 {
				return nil, errorf("invalid second argument for %s(): %s", c.Name, describeExpr(a))
			}
			tf.unit = a.Nanos
		case *NumberLit:
			if c.Name != "moving_average" || !a.IsInt || a.Int < 1 {
				return nil, errorf("invalid second argument for %s(): expected %s", c.Name, map[bool]string{true: "a positive integer", false: "a duration like 1s"}[c.Name == "moving_average"])
			}
			tf.n = a.Int
		default:
			return nil, errorf("invalid second argument for %s(): %s", c.Name, describeExpr(a))
		}
	}
	return tf, nil
}

// wrap computes the transformation over sql, whose columns are the
// measurement, time, tags and transformedValue; the result has the
// transformation's column in its place.
func (tf *transform) wrap(sql string, tags []string, descending bool) string {
	key := []string{quoteIdent(MeasurementColumn), "time"}
	var part []string
	for _, k := range tags {
		key = append(key, quoteIdent(k))
		part = append(part, quoteIdent(k))
	}
	// In the order the points are returned, as InfluxDB runs them.
	order := "ORDER BY time"
	if descending {
		order = "ORDER BY time DESC"
	}
	over := "OVER (" + order + ")"
	if len(part) > 0 {
		over = "OVER (PARTITION BY " + strings.Join(part, ", ") + " " + order + ")"
	}
	v := quoteIdent(transformedValue)
	// The time between a point and the one before it in the order the
	// points are returned: InfluxDB's derivative divides by it as a
	// positive elapsed time in either order (elapsed() itself keeps the
	// sign, as InfluxDB's does).
	seconds := "extract(epoch FROM (time - __strata_prev_time))"
	elapsedSecs := seconds
	if descending {
		seconds = "extract(epoch FROM (__strata_prev_time - time))"
	}
	var value, keep string
	switch tf.fn {
	case "derivative", "non_negative_derivative":
		value = fmt.Sprintf("(%s - __strata_prev) / (NULLIF(%s, 0) / %s)", v, seconds, strconv.FormatFloat(float64(tf.unit)/1e9, 'g', -1, 64))
		keep = "__strata_prev_time IS NOT NULL"
	case "difference", "non_negative_difference":
		value = v + " - __strata_prev"
		keep = "__strata_prev_time IS NOT NULL"
	case "elapsed":
		value = fmt.Sprintf("CAST(round(%s * 1e9) AS bigint) / %d", elapsedSecs, tf.unit)
		keep = "__strata_prev_time IS NOT NULL"
	case "cumulative_sum":
		value = "sum(" + v + ") " + strings.Replace(over, order+")", order+" ROWS UNBOUNDED PRECEDING)", 1)
		keep = "true"
	case "moving_average":
		value = fmt.Sprintf("avg(%s) %s", v, strings.Replace(over, order+")", fmt.Sprintf("%s ROWS %d PRECEDING)", order, tf.n-1), 1))
		keep = fmt.Sprintf("row_number() %s >= %d", over, tf.n)
	}
	if strings.HasPrefix(tf.fn, "non_negative_") {
		keep += " AND " + value + " >= 0"
	}
	lagged := fmt.Sprintf("SELECT *, lag(%s) %s AS __strata_prev, lag(time) %s AS __strata_prev_time FROM (%s) AS t WHERE %s IS NOT NULL", v, over, over, sql, v)
	cols := strings.Join(key, ", ")
	return fmt.Sprintf("SELECT %s, %s FROM (SELECT %s, %s AS %s, %s AS __strata_keep FROM (%s) AS l) AS d WHERE __strata_keep",
		cols, quoteIdent(tf.name), cols, value, quoteIdent(tf.name), keep, lagged)
}
