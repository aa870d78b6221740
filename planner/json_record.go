package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// jsonRecordFunctions return records whose columns the query defines in a
// column definition list: json_to_record(doc) AS x(a int, b text).
var jsonRecordFunctions = map[string]bool{
	"json_to_record": true, "jsonb_to_record": true, "json_to_recordset": true, "jsonb_to_recordset": true,
}

// columnDef is one column of a column definition list: its name and the
// cast marker (__pg_cast(NULL, 'type')) that names its type.
type columnDef struct {
	name string
	cast *ast.FuncCallExpr
}

// splitColumnDefs takes the column definition list package sql appends to
// a table function's arguments (sql.MarkerColumnDefs, then name and cast
// per column) off the call.
func splitColumnDefs(f *ast.FuncCallExpr) (*ast.FuncCallExpr, []columnDef) {
	for i, a := range f.Args {
		if i == 0 || constText(a) != sql.MarkerColumnDefs {
			continue
		}
		var defs []columnDef
		for k := i + 1; k+1 < len(f.Args); k += 2 {
			cast, _ := f.Args[k+1].(*ast.FuncCallExpr)
			defs = append(defs, columnDef{name: constText(f.Args[k]), cast: cast})
		}
		cp := *f
		cp.Args = f.Args[:i]
		return &cp, defs
	}
	return f, nil
}

// castType is the type name a column definition's cast carries.
func (d columnDef) castType() string {
	if v, ok := d.cast.Args[1].(*driver.ValueExpr); ok {
		return v.GetString()
	}
	return ""
}

// jsonToRecord binds json[b]_to_record(doc) and json[b]_to_recordset(doc)
// with their column definition list: each object (doc, or each element
// of the array doc) gives a row whose columns are its members of the
// columns' names, converted as PostgreSQL's populate_record does: a
// missing member or JSON null is NULL, a string is its value, json and
// jsonb columns take the member's JSON, array columns a JSON array's
// elements, other values their JSON text, each then cast to the column's
// type as a quoted literal would be (so '{"a":1.5}' into an int column is
// invalid input syntax for type integer). A TableFunc gives the members'
// text; a projection over it casts them.
func (b *binder) jsonToRecord(name string, argAST ast.ExprNode, args []exec.Expr, alias string, defs []columnDef) (*scope, error) {
	doc, _, err := b.jsonTableArg(name, argAST, args)
	if err != nil {
		return nil, err
	}
	cols := make([]Column, len(defs))
	kinds := make([]recordColumn, len(defs))
	fields := make([]*ast.SelectField, len(defs))
	for i, d := range defs {
		if d.cast == nil || d.castType() == "" {
			return nil, errorf(CodeSyntax, "column definition %q has no type", d.name)
		}
		for _, e := range defs[:i] {
			if e.name == d.name {
				return nil, errorf("42701", "column name %q specified more than once", d.name)
			}
		}
		inner := fmt.Sprintf("__strata_member_%d", i)
		cols[i] = Column{Name: inner, Type: exec.TypeText}
		switch typ := d.castType(); {
		case typ == "json" || typ == "jsonb":
			kinds[i] = recordJSON
		case strings.HasSuffix(typ, "[]"):
			kinds[i] = recordArray
		}
		cast := *d.cast
		cast.Args = []ast.ExprNode{&ast.ColumnNameExpr{Name: &ast.ColumnName{Name: ast.NewCIStr(inner)}}, d.cast.Args[1]}
		fields[i] = &ast.SelectField{Expr: &cast, AsName: ast.NewCIStr(d.name)}
	}
	set := strings.HasSuffix(name, "_recordset")
	tf := &TableFunc{Name: name, Args: []exec.Expr{settle(doc)}, Cols: cols,
		rows: func(_ *exec.Ctx, v []any) ([][]any, error) {
			if v[0] == nil {
				if set {
					return nil, nil
				}
				return [][]any{make([]any, len(defs))}, nil
			}
			objs := []string{v[0].(string)}
			if set {
				switch t := exec.JSONTypeof(objs[0]); t {
				case "array":
					elems, err := exec.JSONElements(objs[0])
					if err != nil {
						return nil, err
					}
					objs = elems
				case "object", "null":
					return nil, fmt.Errorf("cannot call %s on an %s", name, t)
				default:
					return nil, fmt.Errorf("cannot call %s on a scalar", name)
				}
			}
			out := make([][]any, len(objs))
			for i, o := range objs {
				row, err := recordRow(name, set, o, defs, kinds)
				if err != nil {
					return nil, err
				}
				out[i] = row
			}
			return out, nil
		}}
	sel := &ast.SelectStmt{Kind: ast.SelectStmtKindSelect, Fields: &ast.FieldList{Fields: fields}}
	q := &selectBinder{b: b, sel: sel, in: derivedScope(tf, "__strata_record")}
	node, err := q.bind()
	if err != nil {
		return nil, err
	}
	if alias == "" {
		alias = name
	}
	return derivedScope(node, alias), nil
}

// recordColumn is how a column of a column definition list takes a member.
type recordColumn uint8

const (
	recordText  recordColumn = iota // a string's value, other values' JSON text
	recordJSON                      // the member's JSON
	recordArray                     // a JSON array's elements as an array literal
)

// recordRow is the text of the columns defs of one JSON object (the
// member named by each; the last of equal keys).
func recordRow(name string, set bool, obj string, defs []columnDef, kinds []recordColumn) ([]any, error) {
	keys, vals, ok, err := exec.JSONMembers(obj)
	if err != nil {
		return nil, err
	}
	if !ok {
		if set {
			return nil, fmt.Errorf("argument of %s must be an array of objects", name)
		}
		what := "a scalar"
		if exec.JSONTypeof(obj) == "array" {
			what = "an array"
		}
		return nil, fmt.Errorf("cannot call populate_composite on %s", what)
	}
	row := make([]any, len(defs))
	for i, d := range defs {
		raw := ""
		for k := len(keys) - 1; k >= 0; k-- {
			if keys[k] == d.name {
				raw = vals[k]
				break
			}
		}
		if raw == "" || exec.JSONTypeof(raw) == "null" {
			continue
		}
		switch kinds[i] {
		case recordJSON:
			row[i] = raw
		case recordArray:
			s, err := jsonArrayLiteral(raw, d.name)
			if err != nil {
				return nil, err
			}
			row[i] = s
		default:
			s, _, err := exec.JSONValueText(raw)
			if err != nil {
				return nil, err
			}
			row[i] = s
		}
	}
	return row, nil
}

// jsonArrayLiteral writes a JSON array as an array literal ({1,"a b",NULL}):
// strings quoted, null as NULL, nested arrays nested.
func jsonArrayLiteral(raw, key string) (string, error) {
	if exec.JSONTypeof(raw) != "array" {
		return "", &Error{Code: "22P02", Msg: "expected JSON array", Hint: fmt.Sprintf("See the value of key %q.", key)}
	}
	elems, err := exec.JSONElements(raw)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteByte('{')
	for i, e := range elems {
		if i > 0 {
			sb.WriteByte(',')
		}
		switch exec.JSONTypeof(e) {
		case "null":
			sb.WriteString("NULL")
		case "array":
			s, err := jsonArrayLiteral(e, key)
			if err != nil {
				return "", err
			}
			sb.WriteString(s)
		default:
			s, _, err := exec.JSONValueText(e)
			if err != nil {
				return "", err
			}
			appendArrayElem(&sb, s)
		}
	}
	sb.WriteByte('}')
	return sb.String(), nil
}
