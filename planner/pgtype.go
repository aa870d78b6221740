package planner

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
)

// narrowPGTypes are the PostgreSQL types Strata holds in a wider engine
// type and reports as themselves (Column.PGType): integers held as bigint,
// names and short strings held as text, float4 held as float8; with the
// engine type and PostgreSQL's typlen.
var narrowPGTypes = map[uint32]struct {
	engine arrow.Type
	size   int16
}{
	18: {arrow.STRING, 1}, 19: {arrow.STRING, 64}, 1042: {arrow.STRING, -1}, 1043: {arrow.STRING, -1},
	21: {arrow.INT64, 2}, 23: {arrow.INT64, 4}, 26: {arrow.INT64, 4}, 28: {arrow.INT64, 4}, 29: {arrow.INT64, 4},
	700: {arrow.FLOAT64, 4},
}

// PGTypeLen is the typlen of a type a Column.PGType may name.
func PGTypeLen(oid uint32) (int16, bool) {
	t, ok := narrowPGTypes[oid]
	return t.size, ok
}

// narrowPG returns oid when values of type dt can be reported as it.
func narrowPG(oid uint32, dt arrow.DataType) uint32 {
	if t, ok := narrowPGTypes[oid]; ok && t.engine == dt.ID() {
		return oid
	}
	return 0
}

// pgCastTypes are the cast targets whose PostgreSQL type is narrower than
// the engine type they bind to.
var pgCastTypes = map[string]uint32{
	"int2": 21, "smallint": 21, "int4": 23, "int": 23, "integer": 23, "oid": 26,
	"name": 19, `"char"`: 18, "char": 1042, "bpchar": 1042, "varchar": 1043, "float4": 700, "real": 700,
}

// nameFuncs return PostgreSQL's name type.
var nameFuncs = map[string]bool{
	"current_database": true, "current_catalog": true, "current_schema": true, "current_user": true,
	"session_user": true, "current_role": true, "pg_get_userbyid": true,
}

// pgTypeOf is the PostgreSQL type a select item is reported as when it is
// narrower than its engine type: a column that has one (pg_catalog), a
// cast to int4/name/oid/..., or a function returning name.
func (q *selectBinder) pgTypeOf(e ast.ExprNode, x exec.Expr) uint32 {
	for {
		p, ok := e.(*ast.ParenthesesExpr)
		if !ok {
			break
		}
		e = p.Expr
	}
	switch e := e.(type) {
	case *ast.ColumnNameExpr:
		c, err := q.in.lookup(e.Name.Table.O, e.Name.Name.O)
		if err == nil && c != nil {
			return narrowPG(c.pg, x.Type())
		}
	case *ast.FuncCallExpr:
		name := e.FnName.L
		if name == "__pg_cast" && len(e.Args) == 2 {
			if v, ok := e.Args[1].(*driver.ValueExpr); ok {
				t := v.GetString()
				if i := strings.IndexByte(t, '('); i >= 0 {
					t = t[:i]
				}
				return narrowPG(pgCastTypes[t], x.Type())
			}
		}
		if nameFuncs[name] {
			return narrowPG(19, x.Type())
		}
		if name == "__pg_field" {
			// (_pg_expandarray(a)).n and .x are int4.
			return narrowPG(23, x.Type())
		}
		if name == "nullif" && len(e.Args) > 0 {
			// nullif has its first argument's type.
			return q.pgTypeOf(e.Args[0], x)
		}
	}
	return 0
}
