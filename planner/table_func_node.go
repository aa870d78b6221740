package planner

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// TableFunc is a table function in FROM whose arguments are known only
// when it runs: generate_series or unnest over a column of the outer row
// of a correlated subquery (see applyExpr). Its arguments read no column
// of their own; they are evaluated once per execution, then the rows are
// produced as a constant relation.
type TableFunc struct {
	Name string
	Args []exec.Expr
	Cols []Column
	// rows computes the relation from the arguments' values, under the
	// execution's context (its clock).
	rows func(c *exec.Ctx, vals []any) ([][]any, error)
}

func (n *TableFunc) Columns() []Column { return n.Cols }
func (n *TableFunc) Children() []Node  { return nil }
func (n *TableFunc) Describe() string {
	parts := make([]string, len(n.Args))
	for i, a := range n.Args {
		parts[i] = a.String()
	}
	return fmt.Sprintf("TableFunction: %s(%s)", n.Name, strings.Join(parts, ", "))
}

// values evaluates the arguments and the rows.
func (n *TableFunc) values(c *exec.Ctx) (*Values, error) {
	vals := make([]any, len(n.Args))
	for i, a := range n.Args {
		arr, err := a.Eval(c, oneRow)
		if err != nil {
			return nil, err
		}
		vals[i] = valueAtRow(arr, 0)
		arr.Release()
	}
	rows, err := n.rows(c, vals)
	if err != nil {
		return nil, err
	}
	v := &Values{Cols: n.Cols}
	for _, r := range rows {
		row := make([]exec.Expr, len(r))
		for j, x := range r {
			row[j] = &exec.Literal{V: x, DT: n.Cols[j].Type}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// runtimeSeries is generate_series(start, stop [, step]) over integers
// with arguments known at run time.
func runtimeSeries(args []exec.Expr, col string) *TableFunc {
	return &TableFunc{Name: "generate_series", Args: args, Cols: []Column{{Name: col, Type: exec.TypeInt, PGType: 23}},
		rows: func(_ *exec.Ctx, v []any) ([][]any, error) {
			for _, x := range v {
				if x == nil {
					return nil, nil
				}
			}
			start, stop, step := v[0].(int64), v[1].(int64), int64(1)
			if len(v) == 3 {
				step = v[2].(int64)
			}
			if step == 0 {
				return nil, &Error{Code: "22023", Msg: "step size cannot equal zero"}
			}
			var rows [][]any
			for i := start; step > 0 && i <= stop || step < 0 && i >= stop; i += step {
				if len(rows) == maxSeriesRows {
					return nil, &Error{Code: "54000", Msg: fmt.Sprintf("generate_series in FROM is limited to %d rows", maxSeriesRows)}
				}
				rows = append(rows, []any{i})
			}
			return rows, nil
		}}
}

// runtimeTimeSeries is generate_series(start, stop, step) over timestamps
// known at run time, each the previous plus step in the session's
// calendar (generate_series(date_trunc('day', min(time)), max(time),
// '1 hour') over a grouped query's row).
func runtimeTimeSeries(args []exec.Expr, col string, pg uint32) *TableFunc {
	return &TableFunc{Name: "generate_series", Args: args, Cols: []Column{{Name: col, Type: exec.TypeTimestamptz, PGType: pg}},
		rows: func(c *exec.Ctx, v []any) ([][]any, error) {
			for _, x := range v {
				if x == nil {
					return nil, nil
				}
			}
			start, stop := int64(v[0].(exec.Timestamp)), int64(v[1].(exec.Timestamp))
			step := v[2].(arrow.MonthDayNanoInterval)
			sign := exec.IntervalSign(step)
			if sign == 0 {
				return nil, &Error{Code: "22023", Msg: "step size cannot equal zero"}
			}
			var rows [][]any
			for t := start; sign > 0 && t <= stop || sign < 0 && t >= stop; {
				if len(rows) == maxSeriesRows {
					return nil, &Error{Code: "54000", Msg: fmt.Sprintf("generate_series in FROM is limited to %d rows", maxSeriesRows)}
				}
				rows = append(rows, []any{exec.Timestamp(t)})
				loc := c.Location
				if pg == 1114 {
					loc = time.UTC // a timestamp's readings step in UTC
				}
				next, ok := exec.AddInterval(t, step, loc)
				if !ok || (sign > 0) != (next > t) {
					break // past the times Strata holds
				}
				t = next
			}
			return rows, nil
		}}
}

// runtimeUnnest is unnest(array) over an array held as text: one text row
// per element.
func runtimeUnnest(arg exec.Expr, col string, elem uint32) *TableFunc {
	// Elements of a known type (numbers, booleans, dates, timestamps,
	// intervals, times of day) are read back into it; others stay text,
	// as held.
	dt := elemType(arrayOIDs[elem])
	return &TableFunc{Name: "unnest", Args: []exec.Expr{arg}, Cols: []Column{{Name: col, Type: dt, PGType: narrowPG(elem, dt)}},
		rows: func(c *exec.Ctx, v []any) ([][]any, error) {
			if v[0] == nil {
				return nil, nil
			}
			elems, err := arrayElems(v[0])
			if err != nil {
				return nil, err
			}
			rows := make([][]any, len(elems))
			for i, e := range elems {
				rows[i] = []any{nil}
				if e == nil {
					continue
				}
				if exec.IsText(dt) {
					rows[i][0] = *e
					continue
				}
				if rows[i][0], err = readElem(c, *e, dt, arrayOIDs[elem]); err != nil {
					return nil, err
				}
			}
			return rows, nil
		}}
}

// regexpMatches is regexp_matches(s, pattern [, flags]): a text[] row per
// match (the first only, without the g flag) holding the match's groups,
// or the whole match when the pattern has none.
func (b *binder) regexpMatches(args []exec.Expr, col string) (*TableFunc, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, errorf(CodeUndefinedFunc, "function regexp_matches takes two or three arguments")
	}
	for i := range args {
		x, err := b.coerce(args[i], exec.TypeText)
		if err != nil {
			return nil, err
		}
		args[i] = settle(x)
	}
	return &TableFunc{Name: "regexp_matches", Args: args, Cols: []Column{{Name: col, Type: exec.TypeText, PGType: 1009}},
		rows: func(_ *exec.Ctx, v []any) ([][]any, error) {
			for _, x := range v {
				if x == nil {
					return nil, nil
				}
			}
			flags := ""
			if len(v) == 3 {
				flags = v[2].(string)
			}
			re, global, err := exec.CompileFlagged("regexp_matches", v[1].(string), flags)
			if err != nil {
				return nil, AsError(err)
			}
			s := v[0].(string)
			n := 1
			if global {
				n = -1
			}
			var rows [][]any
			for _, loc := range exec.FindAllPG(re, s, n) {
				if len(rows) == maxSeriesRows {
					return nil, &Error{Code: "54000", Msg: fmt.Sprintf("regexp_matches is limited to %d rows", maxSeriesRows)}
				}
				rows = append(rows, []any{matchArray(s, loc)})
			}
			return rows, nil
		}}, nil
}

// generateSubscripts is generate_subscripts(array, dim [, reverse]): the
// subscripts of the array's dimension dim, from its lower bound up (down
// with reverse true); no rows for a NULL array or a dimension it lacks.
func (b *binder) generateSubscripts(args []exec.Expr, col string) (*TableFunc, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, errorf(CodeUndefinedFunc, "function generate_subscripts takes two or three arguments")
	}
	bound := func(name string) (exec.Expr, error) {
		x, _, err := b.arrayFunc(name, slices.Clone(args[:2]))
		return x, err
	}
	lo, err := bound("array_lower")
	if err != nil {
		return nil, err
	}
	hi, err := bound("array_upper")
	if err != nil {
		return nil, err
	}
	var rev exec.Expr = &exec.Literal{V: false, DT: exec.TypeBool}
	if len(args) == 3 {
		if rev, err = b.coerce(args[2], exec.TypeBool); err != nil {
			return nil, err
		}
		rev = settle(rev)
		if rev.Type().ID() != arrow.BOOL && rev.Type().ID() != arrow.NULL {
			return nil, errorf(CodeUndefinedFunc, "function generate_subscripts(%s, %s, %s) does not exist",
				exec.SQLTypeName(args[0].Type()), exec.SQLTypeName(args[1].Type()), exec.SQLTypeName(args[2].Type()))
		}
	}
	return &TableFunc{Name: "generate_subscripts", Args: []exec.Expr{lo, hi, rev}, Cols: []Column{{Name: col, Type: exec.TypeInt, PGType: 23}},
		rows: func(_ *exec.Ctx, v []any) ([][]any, error) {
			if v[0] == nil || v[1] == nil || v[2] == nil {
				return nil, nil // a strict function: NULL in, no rows
			}
			lo, hi := v[0].(int64), v[1].(int64)
			rows := make([][]any, 0, max(hi-lo+1, 0))
			for i := lo; i <= hi; i++ {
				rows = append(rows, []any{i})
			}
			if r, _ := v[2].(bool); r {
				slices.Reverse(rows)
			}
			return rows, nil
		}}, nil
}
