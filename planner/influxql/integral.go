package influxql

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// integral(field [, unit]) is the area under the field's values joined by
// straight lines, per unit of time (default 1s), as InfluxDB 1.x computes
// it: the points of a series (those the WHERE selects, NULLs left out) in
// time order, trapezoids between neighbours. With GROUP BY time() a
// trapezoid that crosses into a later window is cut at the window's end,
// the value there interpolated: the part before it belongs to the earlier
// window, the rest (across any empty windows between) to the window of the
// later point. integralPoints gives each point its share of those areas
// (in value·seconds), so that the window's integral is their sum.
//
// Unlike InfluxDB 1.x, a series' last window is kept when its only point
// lies exactly at the window's start (1.x drops it), and ORDER BY time DESC
// lists the same windows' integrals newest first (1.x integrates backwards
// and shifts the windows, influxdb#10289); series merged into one (no
// GROUP BY of their tags) take their points at one time in tag order.
// InfluxDB 3 has no integral().

// integralOf returns the field of the SELECT's integral(), "" when it has
// none; Strata translates one, alone in the SELECT list.
func integralOf(st *SelectStatement) (string, error) {
	found := false
	for _, f := range st.Fields {
		found = found || calls(f.Expr, func(c *Call) bool { return c.Name == "integral" })
	}
	if !found {
		return "", nil
	}
	c, ok := st.Fields[0].Expr.(*Call)
	if !ok || len(st.Fields) != 1 || c.Name != "integral" {
		return "", errorf("integral() must be the only item of the SELECT list here: query other fields separately")
	}
	if len(c.Args) < 1 || len(c.Args) > 2 {
		return "", errorf("invalid number of arguments for integral, expected 1 or 2, got %d", len(c.Args))
	}
	v, ok := c.Args[0].(*VarRef)
	if !ok {
		switch c.Args[0].(type) {
		case *Wildcard, *RegexLit:
			return "", errorf("integral() of * or of a regular expression is not supported: name the field, integral(field)")
		}
		return "", errorf("expected field argument in integral()")
	}
	return v.Name, nil
}

// integralArea is integralPoints' column of each point's share of the area.
const integralArea = "__strata_area"

// integralValue is integral(field [, unit]): the sum of integralPoints'
// areas in units.
func (s *selectTranslator) integralValue(c *Call) (string, error) {
	unit := int64(time.Second)
	if len(c.Args) == 2 {
		d, ok := c.Args[1].(*DurationLit)
		if !ok || d.Nanos <= 0 {
			return "", errorf("invalid second argument for integral(): expected a duration like 1h, got %s", describeExpr(c.Args[1]))
		}
		unit = d.Nanos
	}
	if k := s.t.cols[s.integral]; k != KindFloat && k != KindInteger && k != KindUnsigned {
		return "", errorf("integral() of %s is not supported: it takes a numeric field", s.integral)
	}
	return fmt.Sprintf("(sum(%s) / %s)", integralArea, strconv.FormatFloat(float64(unit)/1e9, 'g', -1, 64)), nil
}

// integralPoints is the measurement's rows the WHERE selects that have the
// integral's field, with the point's share of the area in integralArea
// (value·seconds): from the point before it (from the end of that point's
// window when the point before lies in an earlier window), and, when the
// next point lies in a later window, up to the end of its own window.
func (s *selectTranslator) integralPoints(tags []string) (string, error) {
	st := s.st
	field := quoteIdent(s.integral)
	where, err := s.pointsWhere(field)
	if err != nil {
		return "", err
	}
	window, end := "0", ""
	if st.Interval != 0 {
		window = s.bucket(false)
		// The next window's start: the window of a time half an interval
		// into it (tz()'s days last 23 or 25 hours where clocks change).
		end = s.bucketOf(false, "(__strata_w + "+intervalLiteral(st.Interval*3/2)+")")
	}
	// The columns pass through (WHERE and GROUP BY read them).
	var rest []string
	for name := range s.t.cols {
		if name != "time" {
			rest = append(rest, quoteIdent(name))
		}
	}
	slices.Sort(rest)
	var part, ties []string
	for _, k := range s.t.tags {
		if slices.Contains(tags, k) {
			part = append(part, quoteIdent(k))
		} else {
			ties = append(ties, quoteIdent(k)) // series merged into one: their points at one time in tag order
		}
	}
	order := "ORDER BY " + strings.Join(append([]string{"time"}, ties...), ", ")
	over := "OVER (" + order + ")"
	if len(part) > 0 {
		over = "OVER (PARTITION BY " + strings.Join(part, ", ") + " " + order + ")"
	}
	secs := func(from, to string) string { return "extract(epoch FROM (" + to + " - " + from + "))" }
	endBefore := strings.ReplaceAll(end, "__strata_w", "__strata_w0")
	// The value at a window's end, on the line between two points.
	at := func(t0, v0, t1, v1, e string) string {
		return "(" + v0 + " + (" + v1 + " - " + v0 + ") * " + secs(t0, e) + " / " + secs(t0, t1) + ")"
	}
	back := "CASE WHEN __strata_t0 IS NULL THEN 0 " +
		"WHEN __strata_w0 = __strata_w THEN (__strata_v0 + __strata_v) / 2 * " + secs("__strata_t0", "time") + " " +
		"ELSE (" + at("__strata_t0", "__strata_v0", "time", "__strata_v", endBefore) + " + __strata_v) / 2 * " + secs(endBefore, "time") + " END"
	forward := "CASE WHEN __strata_t1 IS NULL OR __strata_w1 = __strata_w THEN 0 " +
		"ELSE (__strata_v + " + at("time", "__strata_v", "__strata_t1", "__strata_v1", end) + ") / 2 * " + secs("time", end) + " END"
	if st.Interval == 0 {
		back = "CASE WHEN __strata_t0 IS NULL THEN 0 ELSE (__strata_v0 + __strata_v) / 2 * " + secs("__strata_t0", "time") + " END"
		forward = "0"
	}
	cols := strings.Join(append([]string{"time"}, rest...), ", ")
	withRest := ""
	if len(rest) > 0 {
		withRest = ", " + strings.Join(rest, ", ")
	}
	points := "SELECT time" + withRest + ", CAST(" + field + " AS double precision) AS __strata_v, " + window + " AS __strata_w FROM " +
		s.t.relation() + " WHERE " + strings.Join(where, " AND ")
	neighbours := "SELECT *, lag(time) " + over + " AS __strata_t0, lag(__strata_v) " + over + " AS __strata_v0, lag(__strata_w) " + over + " AS __strata_w0, " +
		"lead(time) " + over + " AS __strata_t1, lead(__strata_v) " + over + " AS __strata_v1, lead(__strata_w) " + over + " AS __strata_w1 FROM (" + points + ") AS p"
	return "SELECT " + cols + ", (" + back + ") + (" + forward + ") AS " + integralArea + " FROM (" + neighbours + ") AS n", nil
}
