package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// information_schema._pg_expandarray(arr) is PostgreSQL's helper that the
// key queries of pgjdbc (getPrimaryKeys over pg_constraint.conkey) and
// Tableau (over pg_index.indkey) call in a select list: a row per element,
// each a record (x, n) of the element and its place from 1. Strata holds
// the record as PostgreSQL writes it, "(3,1)", typed record (OID 2249),
// and reads its fields back by name: (_pg_expandarray(a)).n, or through a
// subquery, (result.keys).x. It takes arrays of integers, the only ones
// those queries expand.

// oidRecord is PostgreSQL's record type.
const oidRecord = 2249

// expandArrayFields are the fields of _pg_expandarray's records, in order.
var expandArrayFields = []string{"x", "n"}

// expandArrayTable is _pg_expandarray(arr) in FROM (or a select list,
// rewritten to FROM): one record column named col.
func (b *binder) expandArrayTable(args []exec.Expr, col string) (Node, error) {
	if len(args) != 1 {
		return nil, errorf(CodeUndefinedFunc, "function _pg_expandarray takes one argument")
	}
	arr := settle(args[0])
	if a, ok := arr.(*arrayLit); ok && a.dt.ID() == arrow.INT64 {
		// ARRAY[5, 7]: its records now.
		v := &Values{Cols: []Column{{Name: col, Type: exec.TypeText, PGType: oidRecord}}}
		for i, e := range a.elems {
			l, ok := settle(e).(*exec.Literal)
			if !ok {
				return nil, notSupported("_pg_expandarray of an array of expressions")
			}
			x := ""
			if l.V != nil {
				x = fmt.Sprint(l.V)
			}
			v.Rows = append(v.Rows, []exec.Expr{text("(" + x + "," + strconv.Itoa(i+1) + ")")})
		}
		return v, nil
	}
	if pg := arrayPG(arr); pg == 0 || elemType(pg).ID() != arrow.INT64 {
		return nil, notSupported("_pg_expandarray of other than an array of integers (pg_index.indkey, pg_constraint.conkey)")
	}
	return &TableFunc{Name: "_pg_expandarray", Args: []exec.Expr{arr}, Cols: []Column{{Name: col, Type: exec.TypeText, PGType: oidRecord}},
		rows: func(_ *exec.Ctx, v []any) ([][]any, error) {
			s, ok := v[0].(string)
			if !ok {
				return nil, nil // NULL: no rows
			}
			var rows [][]any
			if _, ok := exec.EachArrayElem(s, func(i int, e string, null bool) {
				if null {
					e = ""
				}
				rows = append(rows, []any{"(" + e + "," + strconv.Itoa(i+1) + ")"})
			}); !ok {
				return nil, malformedArray(s)
			}
			return rows, nil
		}}, nil
}

// recordField is (rec).field of a _pg_expandarray record: an integer, NULL
// for a NULL record or field.
func recordField(rec exec.Expr, field string) (exec.Expr, error) {
	at := -1
	for i, f := range expandArrayFields {
		if f == field {
			at = i
		}
	}
	if at < 0 {
		return nil, errorf(CodeUndefinedColumn, "column %q not found in data type record (_pg_expandarray's fields are x and n)", field)
	}
	pg := uint32(23) // n: integer; x: the element, an integer here
	return &rowFunc{name: "record_field", args: []exec.Expr{rec}, dt: exec.TypeInt, pg: pg, strict: true, fn: func(v []any) (any, error) {
		s := v[0].(string)
		if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
			return nil, errorf(CodeInvalidText, "malformed record literal: %q", s)
		}
		parts := strings.Split(s[1:len(s)-1], ",")
		if len(parts) != len(expandArrayFields) {
			return nil, errorf(CodeInvalidText, "malformed record literal: %q", s)
		}
		if parts[at] == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(parts[at], 10, 64)
		if err != nil {
			return nil, errorf(CodeInvalidText, "malformed record literal: %q", s)
		}
		return n, nil
	}}, nil
}
