package planner

import (
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// InfluxDB 3's SQL is DataFusion's. Its scalar functions that PostgreSQL
// has under another name, or as an expression, are bound as those; the
// rest (to_timestamp_<unit>, to_unixtime, ends_with, levenshtein) are
// package exec's.

// influxRenames are DataFusion's names of PostgreSQL's functions, with the
// number of arguments they take (-1: any).
var influxRenames = map[string]struct {
	pg    string
	nargs int
}{
	"nvl":                        {"coalesce", 2},
	"instr":                      {"strpos", 2},
	"signum":                     {"sign", 1},
	"from_unixtime":              {"to_timestamp_seconds", 1},
	"make_array":                 {sql.MarkerArray, -1},
	"date_bin_wallclock":         {"date_bin", -1},
	"date_bin_wallclock_gapfill": {"date_bin_gapfill", -1},
}

// influxFunction rewrites a call of one of DataFusion's functions that
// PostgreSQL spells otherwise; ok is false for every other call.
//
// date_bin_wallclock bins the wall clock of its timestamp: in Strata a
// wall-clock reading is a timestamp without time zone (tz(time, zone) or
// time AT TIME ZONE zone gives one), which date_bin already bins on its
// wall clock, so the two are one function here.
func influxFunction(e *ast.FuncCallExpr) (ast.ExprNode, bool, error) {
	name := e.FnName.L
	if r, ok := influxRenames[name]; ok {
		if r.nargs >= 0 && len(e.Args) != r.nargs {
			return nil, true, errorf(CodeUndefinedFunc, "function %s takes %d argument(s), got %d", name, r.nargs, len(e.Args))
		}
		c := *e
		c.FnName = ast.NewCIStr(r.pg)
		return &c, true, nil
	}
	one := func(n int) error {
		if len(e.Args) != n {
			return errorf(CodeUndefinedFunc, "function %s takes %d argument(s), got %d", name, n, len(e.Args))
		}
		return nil
	}
	switch name {
	case "nvl2": // nvl2(x, a, b): a where x is not NULL, else b
		if err := one(3); err != nil {
			return nil, true, err
		}
		return caseWhen(&ast.IsNullExpr{Expr: e.Args[0], Not: true}, e.Args[1], e.Args[2]), true, nil
	case "log2":
		if err := one(1); err != nil {
			return nil, true, err
		}
		return &ast.FuncCallExpr{FnName: ast.NewCIStr("log"), Args: []ast.ExprNode{ast.NewValueExpr(int64(2), "", ""), e.Args[0]}}, true, nil
	case "isnan":
		if err := one(1); err != nil {
			return nil, true, err
		}
		return isNaN(e.Args[0]), true, nil
	case "iszero":
		if err := one(1); err != nil {
			return nil, true, err
		}
		return &ast.BinaryOperationExpr{Op: opcode.EQ, L: e.Args[0], R: ast.NewValueExpr(int64(0), "", "")}, true, nil
	case "nanvl": // nanvl(x, y): y where x is NaN, else x
		if err := one(2); err != nil {
			return nil, true, err
		}
		return caseWhen(isNaN(e.Args[0]), e.Args[1], e.Args[0]), true, nil
	}
	return nil, false, nil
}

// isNaN is x = 'NaN'::float8 (true for NaN in PostgreSQL's order, NULL for
// NULL).
func isNaN(x ast.ExprNode) ast.ExprNode {
	nan := &ast.FuncCallExpr{FnName: ast.NewCIStr("__pg_cast"), Args: []ast.ExprNode{ast.NewValueExpr("NaN", "", ""), ast.NewValueExpr("float8", "", "")}}
	return &ast.BinaryOperationExpr{Op: opcode.EQ, L: x, R: nan}
}

func caseWhen(cond, then, otherwise ast.ExprNode) ast.ExprNode {
	return &ast.CaseExpr{WhenClauses: []*ast.WhenClause{{Expr: cond, Result: then}}, ElseClause: otherwise}
}

// unixTimeArgs reads a text argument of to_timestamp_<unit> and
// to_unixtime as a timestamp (RFC 3339 and PostgreSQL's input forms), as
// DataFusion parses one.
func (b *binder) unixTimeArgs(args []exec.Expr) error {
	if len(args) == 1 && (isTextValued(args[0]) || isUnknownLit(args[0])) {
		x, err := b.coerce(args[0], exec.TypeTimestamptz)
		if err != nil {
			return err
		}
		args[0] = x
	}
	return nil
}

func isUnknownLit(x exec.Expr) bool { _, ok := x.(*unknownLit); return ok }
