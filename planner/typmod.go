package planner

// Type modifiers and blank padding through queries.
//
// A stored column keeps its declared type's modifier (varchar(20)'s 24,
// numeric(10,2)'s, timestamp(3)'s 3), and PostgreSQL reports it
// (RowDescription, \gdesc, a view's pg_attribute, CREATE TABLE AS) wherever
// the value reaches the result as it is: through derived tables, WITH
// queries, views, joins, GROUP BY keys and set operations whose branches
// agree, coalesce/greatest/least of arguments that agree, nullif's first
// argument and a cast to a type with one (its exprTypmod). Aggregates,
// window functions and CASE have none.
//
// character(n) values are blank-padded to n in PostgreSQL. Strata holds
// them without the trailing blanks (storage.Declared.String), which is all
// that PostgreSQL's bpchar comparisons, hashes, length and casts to text
// see of them: 'ab'::char(5) = 'ab', || and upper() drop the blanks. The
// blanks are put back where PostgreSQL shows them: in a query's result
// (padResult) and in octet_length, LIKE, regular expressions and the
// functions that print their arguments (concat, format). Their width is
// carried apart from the modifier, as max(c) and CASE keep the blanks of
// the values they pick though they have no modifier. A value is padded to
// the width of the expression it comes out of, known when every branch
// that gives values agrees: a quoted constant beside a char(n) column in
// CASE or coalesce is padded to n too (PostgreSQL shows it as written).

import (
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// typeMods are a value's type modifier (-1: none) and blank padding (0:
// none), Column.Typmod and Column.Pad.
type typeMods struct {
	typmod int32
	pad    int
}

// noMods is a value of neither.
var noMods = typeMods{typmod: -1}

// declaredPad is the width a declared type pads its values to:
// character(n)'s n, 0 for the others.
func declaredPad(d storage.Declared) int {
	if d.OID == storage.OIDChar {
		return d.Length
	}
	return 0
}

// modsOf is the type modifier and padding of e's values, its names read
// in s (or the outer query's scope).
func (b *binder) modsOf(s *scope, e ast.ExprNode) typeMods {
	switch e := unparen(e).(type) {
	case *ast.ColumnNameExpr:
		c, err := s.lookup(e.Name.Table.O, e.Name.Name.O)
		if (err != nil || c == nil) && b.outer != nil {
			c, err = b.outer.lookup(e.Name.Table.O, e.Name.Name.O)
		}
		if err != nil || c == nil {
			return noMods
		}
		return typeMods{typmod: c.typmod1 - 1, pad: c.pad}
	case *ast.CaseExpr:
		results := []ast.ExprNode{e.ElseClause}
		for _, w := range e.WhenClauses {
			results = append(results, w.Result)
		}
		return typeMods{typmod: -1, pad: b.commonMods(s, results).pad}
	case *ast.AggregateFuncExpr:
		name, args, _, _ := aggregateCall(e)
		return b.pickedMods(s, name, args)
	case *ast.WindowFuncExpr:
		e = windowAgg(e)
		args := e.Args
		if len(args) > 0 {
			if m, ok := args[0].(*ast.FuncCallExpr); ok && m.FnName.L == sql.MarkerLagOffset && len(m.Args) == 2 {
				args = []ast.ExprNode{m.Args[0]} // lag(x, expr): package sql's spelling
			}
		}
		return b.pickedMods(s, strings.ToLower(e.Name), args)
	case *ast.FuncCallExpr:
		name := e.FnName.L
		switch {
		case name == "__pg_cast" && len(e.Args) == 2:
			return b.castMods(s, e.Args[0], e.Args[1])
		case (name == "coalesce" || name == "greatest" || name == "least") && len(e.Args) > 0:
			return b.commonMods(s, e.Args)
		case name == "nullif" && len(e.Args) == 2:
			return b.modsOf(s, e.Args[0])
		case (name == sql.MarkerFilter || name == sql.MarkerAggOrder) && len(e.Args) > 0:
			return b.modsOf(s, e.Args[0]) // agg(...) FILTER (...), agg(... ORDER BY ...)
		case name == sql.MarkerWithinGroup && len(e.Args) >= 2:
			// percentile_disc and mode pick a value of the sort key.
			if agg, ok := e.Args[0].(*ast.FuncCallExpr); ok && (agg.FnName.L == "percentile_disc" || agg.FnName.L == "mode") {
				return typeMods{typmod: -1, pad: b.modsOf(s, e.Args[1]).pad}
			}
		}
		if name, args, _, ok := aggregateCall(e); ok {
			return b.pickedMods(s, name, args)
		}
	}
	return noMods
}

// pickedMods are the modifier and padding of an aggregate or window
// function: none, but those that pick one of their argument's values keep
// its padding.
func (b *binder) pickedMods(s *scope, name string, args []ast.ExprNode) typeMods {
	switch name {
	case "min", "max", "first", "last", "any_value", "lag", "lead", "first_value", "last_value", "nth_value":
		if len(args) > 0 {
			return typeMods{typmod: -1, pad: b.modsOf(s, args[0]).pad}
		}
	}
	return noMods
}

// commonMods are those of values that are any of args' (coalesce's,
// CASE's results): the modifier when every argument has the same one
// (PostgreSQL's select_common_typmod: a NULL or a quoted constant has
// none), the padding when every argument that is not NULL or a quoted
// constant has the same.
func (b *binder) commonMods(s *scope, args []ast.ExprNode) typeMods {
	out, first, firstPad := noMods, true, true
	for _, a := range args {
		if a == nil {
			continue // CASE without ELSE: NULL
		}
		var m typeMods
		constant := isNullAST(unparen(a)) || isQuoted(unparen(a))
		if !constant {
			m = b.modsOf(s, a)
		} else {
			m = noMods
		}
		if first {
			out.typmod, first = m.typmod, false
		} else if m.typmod != out.typmod {
			out.typmod = -1
		}
		if constant {
			continue
		}
		if firstPad {
			out.pad, firstPad = m.pad, false
		} else if m.pad != out.pad {
			out.pad = 0
		}
	}
	return out
}

// castMods are those of x::target: the modifier target names
// (varchar(20), numeric(10,2), timestamp(3)); char(n) pads to n, bpchar
// without a length keeps x's padding.
func (b *binder) castMods(s *scope, x, target ast.ExprNode) typeMods {
	v, ok := target.(*driver.ValueExpr)
	if !ok {
		return noMods
	}
	t := strings.ToLower(v.GetString())
	if n, blank, ok := charTypmod(t); ok {
		switch {
		case n == 0:
			return typeMods{typmod: -1, pad: b.modsOf(s, x).pad} // bpchar
		case blank:
			return typeMods{typmod: int32(n) + 4, pad: n}
		}
		return typeMods{typmod: int32(n) + 4}
	}
	if p, ok := timestampTypmod(t); ok {
		return typeMods{typmod: int32(p)}
	}
	if mods, ok := strings.CutPrefix(t, "numeric"); ok && mods != "" {
		if decl, err := numericDeclared(strings.ReplaceAll(mods, " ", "")); err == nil {
			return typeMods{typmod: storage.ParseDeclared(decl).Typmod()}
		}
	}
	return noMods
}

// setMods are the modifier and padding of a set operation's column made
// of the branches' l and r: each when the two agree (a NULL or quoted
// constant branch has no modifier, and no values to pad).
func setMods(l, r Column) (typmod1 int32, pad int) {
	if l.TypmodPlus1 == r.TypmodPlus1 && !l.Unknown && !r.Unknown {
		typmod1 = l.TypmodPlus1
	}
	lnone := l.Unknown || l.Type.ID() == arrow.NULL
	rnone := r.Unknown || r.Type.ID() == arrow.NULL
	switch {
	case lnone:
		return typmod1, r.Pad
	case rnone || l.Pad == r.Pad:
		return typmod1, l.Pad
	}
	return typmod1, 0
}

// padResult pads the character(n) columns of a query's result to their
// width (Column.Pad), the last step before the rows reach the client; node
// itself when no column needs it.
func padResult(node Node) Node {
	cols := node.Columns()
	padded := false
	for _, c := range cols {
		padded = padded || c.Pad > 0 && exec.IsText(c.Type)
	}
	if !padded {
		return node
	}
	exprs := make([]exec.Expr, len(cols))
	out := make([]Column, len(cols))
	for i, c := range cols {
		exprs[i], out[i] = &exec.Column{Index: i, Name: c.Name, DT: c.Type}, c
		if c.Pad > 0 && exec.IsText(c.Type) {
			exprs[i], out[i].Type = blankPad(exprs[i], c.Pad), exec.TypeText
		}
	}
	return &Project{Child: node, Exprs: exprs, Cols: out}
}

// blankPad is x blank-padded to n characters.
func blankPad(x exec.Expr, n int) exec.Expr {
	call, err := exec.NewCall("__bpchar_pad", []exec.Expr{x, &exec.Literal{V: int64(n), DT: exec.TypeInt}})
	if err != nil {
		panic(err) // x is text: bound as such
	}
	return call
}

// padded is x, the value of e, blank-padded when it is a character(n)
// value: LIKE and regular expressions match the blanks.
func (b *binder) padded(s *scope, e ast.ExprNode, x exec.Expr) exec.Expr {
	if n := b.modsOf(s, e).pad; n > 0 && exec.IsText(x.Type()) {
		return blankPad(x, n)
	}
	return x
}

// padArgFuncs are the functions that see a character(n) argument's
// blanks: they take it as it is (octet_length) or print it ("any"
// arguments), where the other text functions take it cast to text.
var padArgFuncs = map[string]bool{
	"octet_length": true, "concat": true, "concat_ws": true, "format": true,
	"to_json": true, "to_jsonb": true, "json_build_object": true, "jsonb_build_object": true,
	"json_build_array": true, "jsonb_build_array": true,
}

// paddedArgs is f with its character(n) arguments blank-padded, for the
// functions that see the blanks (padArgFuncs); f itself otherwise.
func (b *binder) paddedArgs(s *scope, f *ast.FuncCallExpr) *ast.FuncCallExpr {
	if !padArgFuncs[f.FnName.L] {
		return f
	}
	var args []ast.ExprNode
	for i, a := range f.Args {
		n := b.modsOf(s, a).pad
		if n == 0 {
			continue
		}
		if args == nil {
			args = slices.Clone(f.Args)
		}
		args[i] = &ast.FuncCallExpr{FnName: ast.NewCIStr("__bpchar_pad"), Args: []ast.ExprNode{a, ast.NewValueExpr(int64(n), "", "")}}
	}
	if args == nil {
		return f
	}
	out := *f
	out.Args = args
	return &out
}
