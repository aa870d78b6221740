package planner

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
)

// overlaps binds (s1, e1) OVERLAPS (s2, e2), which package sql spells
// __pg_overlaps((s1, e1), (s2, e2)): whether two periods of time share an
// instant, the SQL standard's predicate as PostgreSQL computes it. The
// values are timestamps (with or without time zone, dates) or times of
// day; an end may be an interval, the period's length (s + e). A period
// whose end comes before its start is read the other way round; its ends
// are half open, [s, e), except that two periods starting together
// overlap even when empty.
func (b *binder) overlaps(s *scope, e *ast.FuncCallExpr, h hook) (exec.Expr, error) {
	var asts []ast.ExprNode
	for i, side := range []string{"left", "right"} {
		row, ok := e.Args[i].(*ast.RowExpr)
		if !ok || len(row.Values) != 2 {
			return nil, errorf(CodeSyntax, "wrong number of parameters on %s side of OVERLAPS expression", side)
		}
		asts = append(asts, row.Values...)
	}
	xs := make([]exec.Expr, 4)
	values := make([]ast.ExprNode, 4) // what each of xs binds
	for i, a := range asts {
		x, err := b.bindNode(s, a, h)
		if err != nil {
			return nil, err
		}
		values[i] = a
		if i%2 == 1 && x.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO && !b.isTime(s, a, x) {
			// (start, length): the period ends at start + length.
			values[i] = &ast.BinaryOperationExpr{Op: opcode.Plus, L: asts[i-1], R: a}
			if x, err = b.bindNode(s, values[i], h); err != nil {
				return nil, err
			}
		}
		xs[i] = x
	}
	// A timestamp without time zone beside a timestamptz is the instant
	// of its reading, a date beside it a timestamp.
	if err := b.alignTimes(s, values, xs); err != nil {
		return nil, err
	}
	// Every value a timestamp, or every one a time; NULL takes the others'
	// type. A quoted constant is PostgreSQL's "not unique": it could be a
	// time or an interval.
	family, unknown := "", false
	for i, x := range xs {
		f := ""
		switch _, u := x.(*unknownLit); {
		case u:
			unknown = true
			continue
		case x.Type().ID() == arrow.NULL:
			continue
		case x.Type().ID() == arrow.TIMESTAMP:
			f = "timestamp"
		case b.isTime(s, asts[i], x):
			f = "time"
		default:
			f = "other"
		}
		if family == "" || family == f {
			family = f
			continue
		}
		family = "other"
	}
	if family == "timestamp" && unknown {
		// Quoted constants beside timestamps are timestamps (timestamptz,
		// the preferred type, as PostgreSQL resolves them); beside times
		// they could be times or intervals: not unique, below.
		for i, x := range xs {
			if _, u := x.(*unknownLit); u {
				c, err := b.coerce(x, exec.TypeTimestamptz)
				if err != nil {
					return nil, err
				}
				xs[i] = c
			}
		}
		unknown = false
	}
	if family == "other" || family == "" || unknown {
		names := make([]string, 4)
		for i, x := range xs {
			names[i] = "unknown"
			if _, u := x.(*unknownLit); !u {
				names[i] = b.pgTypeName(s, asts[i], x)
			}
		}
		if family != "other" && unknown {
			err := errorf("42725", "function pg_catalog.overlaps(%s) is not unique", strings.Join(names, ", "))
			err.Hint = "Could not choose a best candidate function. You might need to add explicit type casts."
			return nil, err
		}
		err := errorf(CodeUndefinedFunc, "function pg_catalog.overlaps(%s) does not exist", strings.Join(names, ", "))
		err.Hint = "No function matches the given name and argument types. You might need to add explicit type casts."
		return nil, err
	}
	cmp := func(a, b any) int {
		if x, ok := a.(exec.Timestamp); ok {
			y := b.(exec.Timestamp)
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
		return exec.CompareIntervals(a.(arrow.MonthDayNanoInterval), b.(arrow.MonthDayNanoInterval))
	}
	for i, x := range xs {
		xs[i] = settle(x)
	}
	return &rowFunc{name: "overlaps", args: xs, dt: exec.TypeBool, fn: func(v []any) (any, error) {
		return periodsOverlap(v[0], v[1], v[2], v[3], cmp), nil
	}}, nil
}

// periodsOverlap is OVERLAPS over two periods' ends (nil: NULL): true,
// false, or nil when the NULLs leave it unknown. With one end NULL a
// period is its other end, whose overlap may still be certain.
func periodsOverlap(s1, e1, s2, e2 any, cmp func(a, b any) int) any {
	order := func(s, e any) (any, any, bool) {
		switch {
		case s == nil && e == nil:
			return nil, nil, false
		case s == nil:
			return e, nil, true
		case e != nil && cmp(s, e) > 0:
			return e, s, true
		}
		return s, e, true
	}
	s1, e1, ok1 := order(s1, e1)
	s2, e2, ok2 := order(s2, e2)
	if !ok1 || !ok2 {
		return nil
	}
	// Whichever period starts later overlaps the other when it starts
	// before the other ends.
	later := func(s, otherEnd, ownEnd any) any {
		if otherEnd == nil {
			return nil
		}
		if cmp(s, otherEnd) < 0 {
			return true
		}
		if ownEnd == nil {
			return nil
		}
		return false
	}
	switch c := cmp(s1, s2); {
	case c > 0:
		return later(s1, e2, e1)
	case c < 0:
		return later(s2, e1, e2)
	}
	if e1 == nil || e2 == nil {
		return nil
	}
	return true
}
