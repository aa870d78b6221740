package planner

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// GapFill adds the missing buckets of time_bucket_gapfill/date_bin_gapfill
// and computes locf()/interpolate() (see exec.GapFill).
type GapFill struct {
	Child Node
	Spec  exec.GapFillSpec
	Cols  []Column
}

func (n *GapFill) Columns() []Column { return n.Cols }
func (n *GapFill) Children() []Node  { return []Node{n.Child} }
func (n *GapFill) Describe() string {
	return fmt.Sprintf("GapFill: bucket=%d width=%dns range=[%s, %s)", n.Spec.Bucket, n.Spec.Width, fmtBound(n.Spec.Start), fmtBound(n.Spec.End))
}

// gapfillBase is the offset of gap-fill placeholders (see windowPlaceholder).
const gapfillBase = 1 << 20

// gapfillHook binds locf(x) and interpolate(x) in a grouped query: x must be
// an aggregate or group key; the result is a placeholder column.
func (q *selectBinder) gapfillHook(e ast.ExprNode) (exec.Expr, bool, error) {
	f, ok := e.(*ast.FuncCallExpr)
	if !ok || (f.FnName.L != "locf" && f.FnName.L != "interpolate") {
		return nil, false, nil
	}
	if !q.grouped || len(f.Args) < 1 || len(f.Args) > 3 {
		return nil, true, errorf(CodeUndefinedFunc, "%s(value) needs one aggregate argument in a query grouped by time_bucket_gapfill", f.FnName.L)
	}
	x, err := q.b.bindExprHook(q.in, f.Args[0], q.postAgg)
	if err != nil {
		return nil, true, err
	}
	source := -1
	if col, ok := x.(*exec.Column); ok && col.Index >= 0 {
		source = col.Index
	} else {
		// An expression of the aggregates (locf(min(v) + 4)): computed
		// beside them before the fill (the rows the fill adds have it
		// NULL), placed by select (gapExprs).
		nested := false
		mapColumns(x, func(c *exec.Column) exec.Expr {
			nested = nested || c.Index < 0
			return c
		})
		if nested {
			return nil, true, notSupported(f.FnName.L + " of a window function or of locf/interpolate")
		}
		q.gapExprs = append(q.gapExprs, x)
		source = -len(q.gapExprs)
	}
	dt := x.Type()
	if exec.IsText(dt) {
		dt = exec.TypeText
	}
	if f.FnName.L == "interpolate" && dt.ID() != arrow.INT64 && dt.ID() != arrow.FLOAT64 {
		return nil, true, errorf(CodeDatatype, "interpolate needs a numeric value, not %s", exec.SQLTypeName(dt))
	}
	gc := exec.GapFillColumn{Interpolate: f.FnName.L == "interpolate", Source: source, DT: dt}
	// locf(value, prev, treat_null_as_missing); interpolate(value, prev,
	// next), whose (time, value) records Strata does not take.
	for i, a := range f.Args[1:] {
		var want arrow.DataType
		switch {
		case gc.Interpolate:
		case i == 0:
			want = dt
		default:
			want = exec.TypeBool
		}
		lit, err := q.gapfillOption(a, f.FnName.L, want)
		if err != nil {
			return nil, true, err
		}
		switch {
		case lit.V == nil:
		case gc.Interpolate:
			return nil, true, notSupported("interpolate's prev and next records (leave them out: a row without a neighbour stays NULL)")
		case i == 0:
			gc.Prev = lit.V
		default:
			gc.TreatNullAsMissing = lit.V.(bool)
		}
	}
	q.gaps = append(q.gaps, gc)
	k := len(q.gaps) - 1
	return &exec.Column{Index: -(gapfillBase + k + 1), Name: f.FnName.L, DT: dt}, true, nil
}

// gapfillOption is the value of a constant argument of locf or
// interpolate as type want (nil: as it is), a NULL one V nil. A subquery
// not referring to the outer query is a constant: it runs while planning.
func (q *selectBinder) gapfillOption(e ast.ExprNode, fn string, want arrow.DataType) (*exec.Literal, error) {
	x, err := q.b.bindNode(&scope{}, e, nil) // a quoted literal takes the type wanted
	if err == nil && want != nil {
		x, err = q.b.coerce(x, want)
	}
	if err == nil {
		x, err = q.b.fold(x)
	}
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == CodeUndefinedColumn {
			return nil, notSupported(fn + " options that refer to the query's rows (give a constant, or a subquery of its own)")
		}
		return nil, err
	}
	if u, ok := x.(*unknownLit); ok {
		return &u.Literal, nil
	}
	lit, ok := x.(*exec.Literal)
	if !ok {
		return nil, notSupported(fn + " options that are not constants (a subquery must not refer to the outer query)")
	}
	return lit, nil
}

// gapfillSpec finds the gapfill bucket among the group keys and the time
// range from WHERE; ok is false when the query has no gapfill bucket.
func (q *selectBinder) gapfillSpec() (exec.GapFillSpec, bool, error) {
	var spec exec.GapFillSpec
	var start, finish *int64
	bucket := -1
	for i, k := range q.keys {
		if c, ok := k.(*exec.Call); ok && strings.HasSuffix(c.Name, "_gapfill") {
			if bucket >= 0 {
				return spec, false, errorf(CodeSyntax, "only one gapfill bucket is allowed")
			}
			bucket = i
			if q.sets != nil {
				return spec, false, notSupported(c.Name + " with GROUPING SETS, ROLLUP or CUBE")
			}
			bounds := c.Args[min(2, len(c.Args)):]
			if c.Name != "time_bucket_gapfill" && len(c.Args) > 2 {
				// date_bin_gapfill(stride, time, origin)
				lit, ok := c.Args[2].(*exec.Literal)
				if !ok || lit.V == nil {
					return spec, false, errorf(CodeSyntax, "%s: the origin must be a constant", c.Name)
				}
				spec.Origin, bounds = int64(lit.V.(exec.Timestamp)), nil
			}
			var zone *time.Location
			if len(c.Args) > 2 && exec.IsText(c.Args[2].Type()) {
				// time_bucket_gapfill(width, time, zone [, start [, finish]])
				lit, ok := c.Args[2].(*exec.Literal)
				if !ok || lit.V == nil {
					return spec, false, errorf(CodeSyntax, "time_bucket_gapfill: the time zone must be a constant")
				}
				z, err := exec.LoadZone(lit.V.(string))
				if err != nil {
					return spec, false, errorf("22023", "%v", err)
				}
				zone, bounds = z, c.Args[3:]
			}
			// TimescaleDB's start and finish: constants (NULL: from WHERE).
			for j, a := range bounds {
				lit, ok := a.(*exec.Literal)
				if !ok {
					return spec, false, errorf(CodeSyntax, "time_bucket_gapfill: the start and finish must be constants")
				}
				if lit.V == nil {
					continue
				}
				ts := int64(lit.V.(exec.Timestamp))
				if j == 0 {
					start = &ts
				} else {
					finish = &ts
				}
			}
			lit, ok := c.Args[0].(*exec.Literal)
			if !ok || lit.V == nil {
				return spec, false, errorf(CodeSyntax, "%s: the bucket width must be a constant", c.Name)
			}
			iv := lit.V.(arrow.MonthDayNanoInterval)
			if (iv.Months != 0 || zone != nil) && c.Name == "time_bucket_gapfill" {
				// Buckets of unequal lengths (months; days on a zone's wall
				// clock, 23 or 25 hours across a DST change): stepped with
				// time_bucket itself.
				floor, err := exec.Bucketer(iv, zone, nil, arrow.MonthDayNanoInterval{}, nil)
				if err != nil {
					return spec, false, errorf(CodeSyntax, "%v", err)
				}
				spec.Floor = floor
				spec.MaxWidth = exec.MaxBucketWidth(iv)
			} else if iv.Months != 0 {
				// DataFusion's month bins from date_bin's origin (InfluxDB
				// 3 refuses to fill them).
				if iv.Days != 0 || iv.Nanoseconds != 0 || iv.Months < 0 {
					return spec, false, errorf(CodeSyntax, "date_bin_gapfill: a stride of months must be positive and cannot be combined with days or time")
				}
				origin, months := spec.Origin, int(iv.Months)
				spec.Floor = func(t int64) (int64, error) { return exec.DateBinMonths(t, origin, months) }
				spec.MaxWidth = exec.MaxBucketWidth(iv)
			}
			spec.Width = int64(iv.Days)*86400e9 + iv.Nanoseconds
			if c.Name == "time_bucket_gapfill" {
				spec.Origin = timeBucketOrigin
			} else {
				spec.NullsAreGaps = true // InfluxDB 3's locf and interpolate
			}
		}
	}
	if bucket < 0 {
		if len(q.gaps) > 0 {
			return spec, false, errorf(CodeSyntax, "locf and interpolate need a GROUP BY on time_bucket_gapfill or date_bin_gapfill")
		}
		return spec, false, nil
	}
	spec.Bucket = bucket
	for i := range q.keys {
		if i != bucket {
			spec.SeriesKeys = append(spec.SeriesKeys, i)
		}
	}
	spec.Columns = q.gaps
	// The range: the WHERE clause's conditions on the bucketed time,
	// whatever the FROM reads (a table, a subquery, a join).
	r := storage.AllTime()
	if f, ok := q.in.node.(*Filter); ok {
		if tc, ok := q.keys[bucket].(*exec.Call).Args[1].(*exec.Column); ok {
			for _, c := range conjuncts(f.Pred) {
				narrowTimeRange(&r, c, func(i int) bool { return i == tc.Index })
			}
		}
	}
	for _, b := range []struct {
		name string
		at   *int64
	}{{"start", start}, {"finish", finish}} {
		if b.at != nil && !exec.IsFiniteTime(*b.at) {
			fn := q.keys[bucket].(*exec.Call).Name
			return spec, false, errorf("22023", "invalid %s argument: %s cannot be %s", fn, b.name, exec.AppendTimestamp(nil, *b.at, time.UTC))
		}
	}
	if start != nil {
		r.Min = *start
	}
	if finish != nil {
		r.Max = *finish
	}
	if r.Min == math.MaxInt64 && r.Max == math.MaxInt64 {
		r.Min, r.Max = 0, 0 // contradictory bounds: no buckets
	}
	if !exec.IsHeldTime(r.Min) || !exec.IsHeldTime(r.Max) {
		// No bound, or an infinite one (time > '-infinity', start
		// '-infinity'): TimescaleDB's words, and how to give the bound.
		bound := "start"
		if exec.IsHeldTime(r.Min) {
			bound = "finish"
		}
		fn := q.keys[bucket].(*exec.Call).Name
		e := errorf(CodeSyntax, "missing %s argument: could not infer %s from WHERE clause", fn, bound)
		e.Hint = "bound the time in WHERE (time >= ... AND time < ...)"
		if fn == "time_bucket_gapfill" {
			e.Hint += " or give the start and finish arguments"
		}
		return spec, false, e
	}
	spec.Start, spec.End = r.Min, r.Max
	return spec, true, nil
}

// timeBucketOrigin is TimescaleDB's origin, Monday 2000-01-03 UTC.
var timeBucketOrigin = time.Date(2000, 1, 3, 0, 0, 0, 0, time.UTC).UnixNano()
