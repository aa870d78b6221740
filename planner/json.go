package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// PostgreSQL's json and jsonb are held as text (exec/json.go): json as
// written, jsonb in its canonical form, reported as types json (OID 114)
// and jsonb (3802). Here: casts to them, their operators (-> ->> #> #>>
// @> <@ ? ?| ?& || -), to_json and the build functions, the functions of
// one value, and json_agg/json_object_agg (aggregates of the elements'
// JSON text, as array_agg is of array text). The typical use is a string
// field holding a JSON payload: payload::jsonb ->> 'temp'.

const (
	pgJSON  = 114
	pgJSONB = 3802
)

// jsonTypeName is the SQL name of a JSON type.
func jsonTypeName(pg uint32) string {
	if pg == pgJSONB {
		return "jsonb"
	}
	return "json"
}

// jsonOf is x's JSON type (json or jsonb) or 0.
func (b *binder) jsonOf(s *scope, e ast.ExprNode, x exec.Expr) uint32 {
	dt := x.Type()
	if dt == nil || !exec.IsText(dt) {
		return 0
	}
	if _, u := x.(*unknownLit); u {
		return 0
	}
	switch pg := (&selectBinder{b: b, in: s}).pgTypeOf(e, x); pg {
	case pgJSON, pgJSONB:
		return pg
	}
	return 0
}

// pgJSONPath is jsonpath's type OID: a path held as its text.
const pgJSONPath = 4072

func jsonTyped(x exec.Expr, pg uint32) exec.Expr { return &typedExpr{x: x, pg: pg} }

// jsonInputError is PostgreSQL's error for text that is not JSON.
func jsonInputError(err error) error {
	return AsError(err)
}

// castJSON is x::json (jsonb false) or x::jsonb: text checked (and for
// jsonb written in its form), a json or jsonb value converted.
func (b *binder) castJSON(s *scope, xAST ast.ExprNode, x exec.Expr, to uint32) (exec.Expr, error) {
	in := "__json_in"
	if to == pgJSONB {
		in = "__jsonb_in"
	}
	if u, ok := x.(*unknownLit); ok {
		if u.param > 0 && b.ppg != nil && b.ptypes[u.param-1] == nil {
			b.ppg[u.param-1] = to // $1::jsonb: Describe reports jsonb
		}
		text, isText := u.V.(string)
		if !isText || b.describe && u.param > 0 {
			t, err := b.coerce(x, exec.TypeText)
			return jsonTyped(t, to), err
		}
		v := text
		var err error
		if to == pgJSONB {
			v, err = exec.JSONBText(text)
		} else {
			err = exec.CheckJSON(text)
		}
		if err != nil {
			return nil, jsonInputError(err)
		}
		return jsonTyped(&exec.Literal{V: v, DT: exec.TypeText}, to), nil
	}
	if x.Type().ID() == arrow.NULL {
		return jsonTyped(&exec.Literal{V: nil, DT: exec.TypeText}, to), nil
	}
	from := b.jsonOf(s, xAST, x)
	switch {
	case from == to || from == pgJSONB && to == pgJSON:
		return jsonTyped(x, to), nil // jsonb::json is jsonb's text
	case exec.IsText(x.Type()):
		t, err := b.call(in, []exec.Expr{x})
		if err != nil {
			return nil, err
		}
		return &typedExpr{x: t, pg: to, src: x}, nil
	}
	return nil, errorf(CodeCannotCoerce, "cannot cast type %s to %s", b.pgTypeName(s, xAST, x), jsonTypeName(to))
}

// pgTypeName is the PostgreSQL name of x's type, for messages.
func (b *binder) pgTypeName(s *scope, e ast.ExprNode, x exec.Expr) string {
	if pg := (&selectBinder{b: b, in: s}).pgTypeOf(e, x); pg != 0 {
		if name, ok := exec.PGTypeNames()[int64(pg)]; ok {
			return name
		}
	}
	return exec.SQLTypeName(x.Type())
}

// castFromJSONB is a jsonb value cast to a number or a boolean, as
// PostgreSQL 11 and later take one from a jsonb scalar of that kind;
// ok is false for other casts.
func (b *binder) castFromJSONB(s *scope, xAST ast.ExprNode, x exec.Expr, to arrow.DataType, toName string) (exec.Expr, bool, error) {
	if b.jsonOf(s, xAST, x) != pgJSONB {
		return nil, false, nil
	}
	var want string
	switch to.ID() {
	case arrow.INT64, arrow.FLOAT64:
		want = "number"
	case arrow.BOOL:
		want = "boolean"
	default:
		return nil, false, nil
	}
	scalar, err := b.call("__jsonb_scalar", []exec.Expr{x, text(want), text(toName)})
	if err != nil {
		return nil, true, err
	}
	if to.ID() == arrow.INT64 {
		// numeric to integer: exact, rounded half away from zero,
		// range-checked for the integer type.
		typ := toName
		if i := strings.IndexByte(typ, '('); i >= 0 {
			typ = typ[:i]
		}
		x, err := b.call("__numeric_text_int", []exec.Expr{scalar, text(typ)})
		return x, true, err
	}
	c, err := b.fold(&exec.Cast{X: scalar, To: to})
	return c, true, err
}

// jsonOperator binds __pg_op('op', l, r).
func (b *binder) jsonOperator(s *scope, e *ast.FuncCallExpr, h hook) (exec.Expr, error) {
	if len(e.Args) != 3 {
		return nil, errorf(CodeSyntax, "malformed operator")
	}
	opv, _ := e.Args[0].(*driver.ValueExpr)
	op := ""
	if opv != nil {
		op = opv.GetString()
	}
	lAST, rAST := e.Args[1], e.Args[2]
	l, err := b.bindNode(s, lAST, h)
	if err != nil {
		return nil, err
	}
	r, err := b.bindNode(s, rAST, h)
	if err != nil {
		return nil, err
	}
	lj := b.jsonOf(s, lAST, l)
	noOperator := func() error {
		lt, rt := "unknown", "unknown"
		if _, u := l.(*unknownLit); !u {
			lt = b.pgTypeName(s, lAST, l)
		}
		if _, u := r.(*unknownLit); !u {
			rt = b.pgTypeName(s, rAST, r)
		}
		if lt == "unknown" && rt == "unknown" {
			return &Error{Code: "42725", Msg: fmt.Sprintf("operator is not unique: unknown %s unknown", op),
				Hint: "cast the left side to json or jsonb: '{\"a\": 1}'::jsonb " + op + " ..."}
		}
		return &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("operator does not exist: %s %s %s", lt, op, rt),
			Hint: "the JSON operators take json or jsonb on the left: cast it, as in payload::jsonb " + op + " ..."}
	}
	if op == "@>" || op == "<@" || op == "&&" {
		if x, ok, err := b.arrayOperator(op, l, r); ok {
			return x, err
		}
		if op == "&&" {
			return nil, noOperator()
		}
	}
	switch op {
	case "->", "->>":
		if lj == 0 {
			return nil, noOperator()
		}
		// The function by the key's kind (a key, an index) and the left
		// side: text::jsonb is read from the text itself (checked as
		// jsonb), a jsonb scalar is its own element 0.
		get, index := "__json_get", "__json_index"
		if lj == pgJSONB {
			index = "__jsonb_index"
		}
		if t, ok := l.(*typedExpr); ok && t.src != nil && lj == pgJSONB {
			l, get, index = t.src, "__jsonb_of_text_get", "__jsonb_of_text_index"
		}
		fn := get
		if _, u := r.(*unknownLit); !u && r.Type().ID() == arrow.INT64 {
			fn = index
		} else if r, err = b.coerce(r, exec.TypeText); err != nil {
			return nil, err
		} else if !exec.IsText(r.Type()) && r.Type().ID() != arrow.NULL {
			return nil, noOperator()
		}
		if op == "->>" {
			return b.call(fn+"_text", []exec.Expr{l, r})
		}
		x, err := b.call(fn, []exec.Expr{l, r})
		if err != nil {
			return nil, err
		}
		return jsonTyped(x, lj), nil
	case "@?", "@@":
		// jsonb @? jsonpath (does the path find an item) and jsonb @@
		// jsonpath (the path's boolean), errors silenced, as PostgreSQL.
		if lj == 0 {
			if _, u := l.(*unknownLit); u {
				if l, err = b.castJSON(s, lAST, l, pgJSONB); err != nil {
					return nil, err
				}
				lj = pgJSONB
			}
		}
		if lj != pgJSONB {
			return nil, noOperator()
		}
		path, err := b.jsonPathOperand(r)
		if err != nil {
			return nil, err
		}
		fn := "__jsonb_path_exists"
		if op == "@@" {
			fn = "__jsonb_path_match"
		}
		return b.call(fn, []exec.Expr{l, path, text("{}"), &exec.Literal{V: true, DT: exec.TypeBool}})
	case "#-":
		if lj != pgJSONB {
			return nil, noOperator()
		}
		path, err := b.textArrayOperand(r)
		if err != nil {
			return nil, err
		}
		x, err := b.call("__jsonb_delete_path", []exec.Expr{l, path})
		if err != nil {
			return nil, err
		}
		return jsonTyped(x, pgJSONB), nil
	case "#>", "#>>":
		if lj == 0 {
			return nil, noOperator()
		}
		path, err := b.textArrayOperand(r)
		if err != nil {
			return nil, err
		}
		fn := "__json_path"
		if op == "#>>" {
			fn += "_text"
		}
		x, err := b.call(fn, []exec.Expr{l, path})
		if err != nil || op == "#>>" {
			return x, err
		}
		return jsonTyped(x, lj), nil
	case "@>", "<@":
		if lj == 0 {
			if _, u := l.(*unknownLit); !u {
				return nil, noOperator()
			}
		}
		if lj == pgJSON {
			return nil, noOperator()
		}
		rj := b.jsonOf(s, rAST, r)
		if rj == pgJSON || rj == 0 {
			if _, u := r.(*unknownLit); !u {
				return nil, noOperator()
			}
		}
		if lj == 0 && rj == 0 {
			return nil, noOperator()
		}
		if l, err = b.castJSON(s, lAST, l, pgJSONB); err != nil {
			return nil, err
		}
		if r, err = b.castJSON(s, rAST, r, pgJSONB); err != nil {
			return nil, err
		}
		if op == "<@" {
			l, r = r, l
		}
		return b.call("__jsonb_contains", []exec.Expr{l, r})
	case "?", "?|", "?&":
		if lj != pgJSONB {
			return nil, noOperator()
		}
		if op == "?" {
			if r, err = b.coerce(r, exec.TypeText); err != nil {
				return nil, err
			}
			if !exec.IsText(r.Type()) && r.Type().ID() != arrow.NULL {
				return nil, noOperator()
			}
			return b.call("__jsonb_exists", []exec.Expr{l, r})
		}
		keys, err := b.textArrayOperand(r)
		if err != nil {
			return nil, err
		}
		fn := "__jsonb_exists_any"
		if op == "?&" {
			fn = "__jsonb_exists_all"
		}
		return b.call(fn, []exec.Expr{l, keys})
	}
	return nil, &Error{Code: CodeNotSupported, Msg: "operator is not supported: " + op}
}

// jsonCompare binds comparisons of jsonb values: = and <> by value (1.0
// equals 1), < <= > >= in jsonb's order (__jsonb_sort_key); it refuses
// those PostgreSQL has no operator for (json = json). ok is false when
// neither side is json or jsonb.
func (b *binder) jsonCompare(s *scope, e *ast.BinaryOperationExpr, l, r exec.Expr) (exec.Expr, bool, error) {
	lj, rj := b.jsonOf(s, e.L, l), b.jsonOf(s, e.R, r)
	if lj == 0 && rj == 0 {
		return nil, false, nil
	}
	_, lu := l.(*unknownLit)
	_, ru := r.(*unknownLit)
	lu = lu || l.Type().ID() == arrow.NULL // NULL takes the other side's type
	ru = ru || r.Type().ID() == arrow.NULL
	if lj == pgJSON || rj == pgJSON || !(lj == pgJSONB && (rj == pgJSONB || ru) || rj == pgJSONB && lu) {
		lt, rt := b.pgTypeName(s, e.L, l), b.pgTypeName(s, e.R, r)
		if lu {
			lt = "unknown"
		}
		if ru {
			rt = "unknown"
		}
		return nil, true, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("operator does not exist: %s %s %s", lt, opText(e.Op), rt),
			Hint: "compare jsonb values, or the text of json ones (x::text = y::text)"}
	}
	var err error
	if l, err = b.castJSON(s, e.L, l, pgJSONB); err != nil {
		return nil, true, err
	}
	if r, err = b.castJSON(s, e.R, r, pgJSONB); err != nil {
		return nil, true, err
	}
	switch e.Op {
	case opcode.EQ, opcode.NE:
		x, err := b.call("__jsonb_equal", []exec.Expr{l, r})
		if err != nil || e.Op == opcode.EQ {
			return x, true, err
		}
		return &exec.Not{X: x}, true, nil
	}
	// < <= > >=: jsonb's order, by its sort keys.
	lk, err := b.call("__jsonb_sort_key", []exec.Expr{l})
	if err != nil {
		return nil, true, err
	}
	rk, err := b.call("__jsonb_sort_key", []exec.Expr{r})
	if err != nil {
		return nil, true, err
	}
	op := map[opcode.Op]exec.CmpOp{opcode.LT: exec.Lt, opcode.LE: exec.Le, opcode.GT: exec.Gt, opcode.GE: exec.Ge}[e.Op]
	if e.Op == opcode.NullEQ {
		x, err := b.binary(opcode.NullEQ, lk, rk) // equal keys: equal values
		return x, true, err
	}
	x, err := b.compare(op, lk, rk)
	return x, true, err
}

// opText is a comparison operator's SQL spelling.
func opText(op opcode.Op) string {
	switch op {
	case opcode.EQ:
		return "="
	case opcode.NE:
		return "<>"
	case opcode.LT:
		return "<"
	case opcode.LE:
		return "<="
	case opcode.GT:
		return ">"
	case opcode.GE:
		return ">="
	case opcode.NullEQ:
		return "IS NOT DISTINCT FROM"
	}
	return op.String()
}

// jsonArrowCall binds j -> f(args) with j json or jsonb: package sql
// reads "-> name(" as Timescale Toolkit's pipeline, f(__pg_pipe(j),
// args), which it is only for a summary; for JSON it is -> with the key
// f(args) computes. ok is false for other calls.
func (b *binder) jsonArrowCall(s *scope, e *ast.FuncCallExpr, h hook) (exec.Expr, bool, error) {
	if len(e.Args) == 0 {
		return nil, false, nil
	}
	p, ok := unparen(e.Args[0]).(*ast.FuncCallExpr)
	if !ok || p.FnName.L != sql.MarkerPipe || len(p.Args) != 1 {
		return nil, false, nil
	}
	left := p.Args[0]
	lx, err := b.bindNode(s, left, h)
	if err != nil || b.jsonOf(s, left, lx) == 0 {
		return nil, false, nil
	}
	key := &ast.FuncCallExpr{Tp: e.Tp, Schema: e.Schema, FnName: e.FnName, Args: e.Args[1:]}
	op := &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr(sql.MarkerOp),
		Args: []ast.ExprNode{ast.NewValueExpr("->", "", ""), left, key}}
	x, err := b.jsonOperator(s, op, h)
	return x, true, err
}

// jsonSubscript binds j[key] and j[index] of a jsonb j, PostgreSQL's
// jsonb subscripting: an object's member (an integer read as its digits),
// an array's element (a text read as an integer; from the end when
// negative); json has no subscripts. ok is false for other values.
func (b *binder) jsonSubscript(s *scope, e *ast.FuncCallExpr, h hook) (exec.Expr, bool, error) {
	if len(e.Args) < 2 {
		return nil, false, nil
	}
	lx, err := b.bindNode(s, e.Args[0], h)
	if err != nil {
		return nil, false, nil
	}
	switch b.jsonOf(s, e.Args[0], lx) {
	case pgJSONB:
		if e.FnName.L == "__pg_slice" {
			return nil, true, errorf(CodeDatatype, "jsonb subscript does not support slices")
		}
	case pgJSON:
		return nil, true, errorf(CodeDatatype, "cannot subscript type json because it does not support subscripting")
	default:
		return nil, false, nil
	}
	key, err := b.bindNode(s, e.Args[1], h)
	if err != nil {
		return nil, true, err
	}
	switch _, u := key.(*unknownLit); {
	case u, exec.IsText(key.Type()), key.Type().ID() == arrow.NULL:
	case key.Type().ID() == arrow.INT64:
		// An integer subscript of an object is the key of its digits.
	default:
		err := errorf(CodeDatatype, "subscript type %s is not supported", b.pgTypeName(s, e.Args[1], key))
		err.Hint = "jsonb subscript must be coercible to either integer or text."
		return nil, true, err
	}
	if key.Type().ID() == arrow.INT64 {
		key = &exec.Cast{X: settle(key), To: exec.TypeText}
	} else if key, err = b.coerce(key, exec.TypeText); err != nil {
		return nil, true, err
	}
	doc, err := b.castJSON(s, e.Args[0], lx, pgJSONB)
	if err != nil {
		return nil, true, err
	}
	x, err := b.call("__jsonb_subscript", []exec.Expr{settle(doc), settle(key)})
	if err != nil {
		return nil, true, err
	}
	return jsonTyped(x, pgJSONB), true, nil
}

// jsonbIn is x IN (...) for jsonb x: each item read as jsonb and compared
// by value (1.0 equals 1), NULL when no item equals and one is NULL.
func (b *binder) jsonbIn(s *scope, e *ast.PatternInExpr, x exec.Expr, h hook) (exec.Expr, error) {
	var out exec.Expr
	for _, item := range e.List {
		v, err := b.bindNode(s, item, h)
		if err != nil {
			return nil, err
		}
		if _, u := v.(*unknownLit); u || v.Type().ID() == arrow.NULL {
			if v, err = b.castJSON(s, item, v, pgJSONB); err != nil {
				return nil, err
			}
		} else if b.jsonOf(s, item, v) != pgJSONB {
			return nil, errorf(CodeUndefinedFunc, "operator does not exist: jsonb = %s", b.pgTypeName(s, item, v))
		}
		eq, err := b.call("__jsonb_equal", []exec.Expr{x, settle(v)})
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = eq
		} else {
			out = &exec.Logic{Op: exec.Or, L: out, R: eq}
		}
	}
	if out == nil {
		return nil, errorf(CodeSyntax, "IN needs at least one value")
	}
	if e.Not {
		return &exec.Not{X: out}, nil
	}
	return out, nil
}

// orderKey is what an ORDER BY key x (from e) sorts by: a jsonb value or
// an array by its sort key (jsonb's or the elements' order, not the
// text's), others as they are.
func (b *binder) orderKey(s *scope, e ast.ExprNode, x exec.Expr) (exec.Expr, error) {
	if b.jsonOf(s, e, x) != pgJSONB {
		return b.arrayOrderKey(b.arrayTyped(s, e, x))
	}
	return b.call("__jsonb_sort_key", []exec.Expr{x})
}

// textArrayOperand is a text[] operand (a path, keys) in its text form:
// '{a,b}', ARRAY['a', 'b'], a text[] column or parameter.
func (b *binder) textArrayOperand(r exec.Expr) (exec.Expr, error) {
	r, err := b.asTextArray(r)
	if err != nil {
		return nil, err
	}
	if r, err = b.coerce(r, exec.TypeText); err != nil {
		return nil, err
	}
	if !exec.IsText(r.Type()) && r.Type().ID() != arrow.NULL {
		return nil, errorf(CodeDatatype, "a path or a list of keys must be text[], not %s", exec.SQLTypeName(r.Type()))
	}
	return settle(r), nil
}

// jsonbConcat binds a || b when either side is jsonb and the other jsonb
// or a constant (read as jsonb); ok is false otherwise (jsonb || text is
// text concatenation, as in PostgreSQL).
func (b *binder) jsonbConcat(s *scope, es []ast.ExprNode, args []exec.Expr) (exec.Expr, bool, error) {
	lj, rj := b.jsonOf(s, es[0], args[0]), b.jsonOf(s, es[1], args[1])
	_, lu := args[0].(*unknownLit)
	_, ru := args[1].(*unknownLit)
	if !(lj == pgJSONB && (rj == pgJSONB || ru) || rj == pgJSONB && lu) {
		return nil, false, nil
	}
	for i := range args {
		c, err := b.castJSON(s, es[i], args[i], pgJSONB)
		if err != nil {
			return nil, true, err
		}
		args[i] = c
	}
	x, err := b.call("__jsonb_concat", args)
	if err != nil {
		return nil, true, err
	}
	return jsonTyped(x, pgJSONB), true, nil
}

// jsonbMinus binds jsonb - text (a key), jsonb - integer (an index) and
// jsonb - text[] (keys); ok is false when the left side is no jsonb.
func (b *binder) jsonbMinus(s *scope, e *ast.BinaryOperationExpr, l, r exec.Expr) (exec.Expr, bool, error) {
	if e.Op != opcode.Minus || b.jsonOf(s, e.L, l) != pgJSONB {
		return nil, false, nil
	}
	var x exec.Expr
	var err error
	switch _, u := r.(*unknownLit); {
	case !u && r.Type().ID() == arrow.INT64:
		x, err = b.call("__jsonb_delete_index", []exec.Expr{l, r})
	case !u && b.isArrayArg(s, e.R, r):
		var keys exec.Expr
		if keys, err = b.textArrayOperand(r); err == nil {
			x, err = b.call("__jsonb_delete_keys", []exec.Expr{l, keys})
		}
	default:
		if r, err = b.coerce(r, exec.TypeText); err == nil {
			if !exec.IsText(r.Type()) && r.Type().ID() != arrow.NULL {
				return nil, true, errorf(CodeUndefinedFunc, "operator does not exist: jsonb - %s", exec.SQLTypeName(r.Type()))
			}
			x, err = b.call("__jsonb_delete", []exec.Expr{l, r})
		}
	}
	if err != nil {
		return nil, true, err
	}
	b.dateType(e, pgJSONB)
	return jsonTyped(x, pgJSONB), true, nil
}

// jsonKind names x's PostgreSQL type for __to_json.
func (b *binder) jsonKind(s *scope, e ast.ExprNode, x exec.Expr) string {
	pg := (&selectBinder{b: b, in: s}).pgTypeOf(e, x)
	switch x.Type().ID() {
	case arrow.INT64, arrow.UINT64:
		return "number"
	case arrow.FLOAT64:
		switch pg {
		case 700:
			return "float4"
		case 1700:
			// With the scale the expression fixes (1.50), or a quotient's
			// (5::numeric / 7), as numeric prints it.
			q := &selectBinder{b: b, in: s}
			if sc := q.numericScale(e); sc >= 0 {
				return fmt.Sprintf("numeric:%d", sc)
			}
			if least, ok := q.quotientScale(e); ok {
				return fmt.Sprintf("numeric:q%d", least)
			}
			return "numeric"
		}
		return "float"
	case arrow.BOOL:
		return "bool"
	case arrow.TIMESTAMP:
		switch pg {
		case 1082:
			return "date"
		case 1114:
			return "timestamp"
		}
		return "timestamptz"
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return "interval"
	}
	switch {
	case pg == pgJSON, pg == pgJSONB:
		return jsonTypeName(pg)
	case isArrayOID(pg):
		kind := jsonElemKind(elemType(pg))
		switch pg {
		case 1185:
			kind = "timestamptz" // elements written in ISO 8601, as to_json writes times
		case 1115:
			kind = "timestamp"
		}
		return "array:" + kind
	}
	return "text"
}

// jsonElemKind is the kind __to_json writes array elements of engine type
// dt as (held as text, they are numbers, booleans or strings).
func jsonElemKind(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.INT64:
		return "number"
	case arrow.FLOAT64:
		return "float"
	case arrow.BOOL:
		return "bool"
	}
	return "text"
}

// toJSON is x as JSON text (NULL stays NULL).
func (b *binder) toJSON(s *scope, e ast.ExprNode, x exec.Expr) (exec.Expr, error) {
	if u, ok := x.(*unknownLit); ok {
		if u.param > 0 && b.ppg != nil && b.ptypes[u.param-1] == nil {
			b.ppg[u.param-1] = 25 // json_build_object('a', $1): text, as PostgreSQL resolves it
		}
		x = settle(x)
	}
	if x.Type().ID() == arrow.NULL {
		return &exec.Literal{V: nil, DT: exec.TypeText}, nil
	}
	if a, ok := x.(*arrayLit); ok {
		t, err := b.textArray(a)
		if err != nil {
			return nil, err
		}
		kind := jsonElemKind(a.dt)
		if a.dt.ID() == arrow.TIMESTAMP && a.pg != 1082 {
			kind = "timestamptz" // ISO 8601, as for the arrays below
			if a.pg == 1114 {
				kind = "timestamp"
			}
		}
		return b.call("__to_json", []exec.Expr{t, text("array:" + kind)})
	}
	return b.call("__to_json", []exec.Expr{x, text(b.jsonKind(s, e, x))})
}

// checkJSONKey refuses an object key that is no scalar (a json or jsonb
// value, an array), as PostgreSQL's json_build_object and
// json_object_agg do.
func (b *binder) checkJSONKey(s *scope, e ast.ExprNode, x exec.Expr) error {
	if _, u := x.(*unknownLit); u {
		return nil
	}
	if _, arr := x.(*arrayLit); arr {
		return &Error{Code: "22023", Msg: "key value must be scalar, not array, composite, or json"}
	}
	switch k := b.jsonKind(s, e, x); {
	case k == "json", k == "jsonb", strings.HasPrefix(k, "array:"):
		return &Error{Code: "22023", Msg: "key value must be scalar, not array, composite, or json"}
	}
	return nil
}

// wholeRow is a FROM item's whole row as a json object (t in
// json_agg(t), row_to_json(t)): {"col":value,...} in its columns' order.
type wholeRow struct{ typedExpr }

// isWholeRow reports a bound whole-row reference.
func isWholeRow(x exec.Expr) bool {
	_, ok := x.(*wholeRow)
	return ok
}

// bindJSONArg binds an argument of a JSON function: a name that is no
// column but a FROM item's is its whole row, as json (PostgreSQL's
// composite value, which Strata has only here).
func (b *binder) bindJSONArg(s *scope, e ast.ExprNode, h hook) (exec.Expr, error) {
	if row, ok := unparen(e).(*ast.RowExpr); ok {
		// ROW(1, 'a'): a record, its fields named f1, f2, ...
		names := make([]string, len(row.Values))
		vals := make([]exec.Expr, len(row.Values))
		for i, v := range row.Values {
			x, err := b.bindJSONArg(s, v, h) // a ROW in it too
			if err != nil {
				return nil, err
			}
			if vals[i], err = b.toJSON(s, v, x); err != nil {
				return nil, err
			}
			names[i] = fmt.Sprintf("f%d", i+1)
		}
		return jsonRow(names, vals), nil
	}
	cn, ok := e.(*ast.ColumnNameExpr)
	if !ok || cn.Name.Table.O != "" || cn.Name.Schema.O != "" {
		return b.bindNode(s, e, h)
	}
	if c, err := s.find("", cn.Name.Name.O); err != nil || c != nil {
		return b.bindNode(s, e, h) // a column of that name wins
	}
	alias := cn.Name.Name.O
	var names []string
	var vals []exec.Expr
	for _, c := range s.cols {
		if c.table != alias || c.system || c.merged {
			continue
		}
		if c.ungrouped {
			return nil, errorf(CodeGrouping, "column %q must appear in the GROUP BY clause or be used in an aggregate function", alias+".*")
		}
		// Each column as a reference to it would bind (through the
		// grouping's hook: a column it does not group is an error).
		ref := &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(alias), Name: ast.NewCIStr(c.name)}}
		x, err := b.bindNode(s, ref, h)
		if err != nil {
			if pe := AsError(err); pe.Code == CodeGrouping {
				return nil, errorf(CodeGrouping, "column %q must appear in the GROUP BY clause or be used in an aggregate function", alias+".*")
			}
			return nil, err
		}
		j, err := b.toJSON(s, ref, x)
		if err != nil {
			return nil, err
		}
		names, vals = append(names, c.name), append(vals, j)
	}
	if len(vals) == 0 {
		return b.bindNode(s, e, h) // no FROM item of that name: its error
	}
	return jsonRow(names, vals), nil
}

// jsonRow is a row as a json object: its fields named names, of JSON
// texts vals (NULL is null), written as row_to_json writes them.
func jsonRow(names []string, vals []exec.Expr) exec.Expr {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = string(exec.AppendJSONString(nil, n))
	}
	row := &rowFunc{name: "row", args: vals, dt: exec.TypeText, fn: func(v []any) (any, error) {
		var sb strings.Builder
		sb.WriteByte('{')
		for i, x := range v {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(keys[i])
			sb.WriteByte(':')
			if x == nil {
				sb.WriteString("null")
			} else {
				sb.WriteString(x.(string))
			}
		}
		sb.WriteByte('}')
		return sb.String(), nil
	}}
	return &wholeRow{typedExpr{x: row, pg: pgJSON}}
}

// jsonArg is the json or jsonb argument of a JSON function: a constant is
// read as the function's type, other values must be of it.
func (b *binder) jsonArg(s *scope, fn string, e ast.ExprNode, x exec.Expr, want uint32) (exec.Expr, error) {
	if _, u := x.(*unknownLit); u || x.Type().ID() == arrow.NULL {
		return b.castJSON(s, e, x, want)
	}
	got := b.jsonOf(s, e, x)
	if got == want {
		return x, nil
	}
	if got == pgJSONB && want == pgJSON || got == pgJSON && want == pgJSONB {
		return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function %s(%s) does not exist", fn, jsonTypeName(got)),
			Hint: fmt.Sprintf("%s takes %s: cast the argument, or call %s", fn, jsonTypeName(want), strings.Replace(fn, jsonTypeName(want), jsonTypeName(got), 1))}
	}
	return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function %s(%s) does not exist", fn, b.pgTypeName(s, e, x)),
		Hint: fmt.Sprintf("cast the argument to %s", jsonTypeName(want))}
}

// jsonbPathEdit binds jsonb_set(doc, path, value [, create_missing]),
// jsonb_insert(doc, path, value [, insert_after]) and jsonb_set_lax(doc,
// path, value [, create_missing [, null_value_treatment]]), with
// PostgreSQL's defaults (true, false; true, 'use_json_null').
func (b *binder) jsonbPathEdit(s *scope, e *ast.FuncCallExpr, name string, args []exec.Expr) (exec.Expr, error) {
	most := 4
	if name == "jsonb_set_lax" {
		most = 5
	}
	if len(args) < 3 || len(args) > most {
		return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function %s does not exist with %d arguments", name, len(args)),
			Hint: fmt.Sprintf("%s takes a jsonb document, a text[] path, a jsonb value and up to %d more", name, most-3)}
	}
	doc, err := b.jsonArg(s, name, e.Args[0], args[0], pgJSONB)
	if err != nil {
		return nil, err
	}
	path, err := b.textArrayOperand(args[1])
	if err != nil {
		return nil, err
	}
	val, err := b.jsonArg(s, name, e.Args[2], args[2], pgJSONB)
	if err != nil {
		return nil, err
	}
	flag := exec.Expr(&exec.Literal{V: name != "jsonb_insert", DT: exec.TypeBool})
	if len(args) > 3 {
		if flag, err = b.coerce(args[3], exec.TypeBool); err != nil {
			return nil, err
		}
	}
	call := []exec.Expr{doc, path, val, settle(flag)}
	if name == "jsonb_set_lax" {
		treatment := exec.Expr(text("use_json_null"))
		if len(args) > 4 {
			if treatment, err = b.coerce(args[4], exec.TypeText); err != nil {
				return nil, err
			}
		}
		return b.call("__jsonb_set_lax", append(call, settle(treatment)))
	}
	return b.call("__"+name, call)
}

// jsonPathArgs binds the arguments of the jsonpath functions (target,
// path [, vars [, silent]]) as their exec functions take them: vars '{}'
// and silent false by default. A constant path is checked here, as
// PostgreSQL reads a jsonpath literal before running the query.
func (b *binder) jsonPathArgs(s *scope, name string, asts []ast.ExprNode, args []exec.Expr) ([]exec.Expr, error) {
	if len(args) < 2 || len(args) > 4 {
		return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function %s does not exist with %d arguments", name, len(args)),
			Hint: fmt.Sprintf("%s takes a jsonb document, a jsonpath, and optionally a jsonb object of variables and a silent flag", name)}
	}
	doc, err := b.jsonArg(s, name, asts[0], args[0], pgJSONB)
	if err != nil {
		return nil, err
	}
	path, err := b.jsonPathOperand(args[1])
	if err != nil {
		return nil, err
	}
	vars := exec.Expr(text("{}"))
	if len(args) > 2 {
		if vars, err = b.jsonArg(s, name, asts[2], args[2], pgJSONB); err != nil {
			return nil, err
		}
	}
	silent := exec.Expr(&exec.Literal{V: false, DT: exec.TypeBool})
	if len(args) > 3 {
		if silent, err = b.coerce(args[3], exec.TypeBool); err != nil {
			return nil, err
		}
	}
	return []exec.Expr{doc, path, settle(vars), settle(silent)}, nil
}

// jsonPathOperand is a jsonpath argument as text, checked when constant.
func (b *binder) jsonPathOperand(x exec.Expr) (exec.Expr, error) {
	x, err := b.coerce(x, exec.TypeText)
	if err != nil {
		return nil, err
	}
	if !exec.IsText(x.Type()) && x.Type().ID() != arrow.NULL {
		return nil, errorf(CodeUndefinedFunc, "a jsonpath must be text or jsonpath, not %s", exec.SQLTypeName(x.Type()))
	}
	x = settle(x)
	if l, ok := x.(*exec.Literal); ok && l.V != nil {
		if err := exec.CheckJSONPath(l.V.(string)); err != nil {
			return nil, AsError(err)
		}
	}
	return x, nil
}

// jsonPathTable binds jsonb_path_query(target, path [, vars [, silent]])
// in FROM (or a select list): a row per item the path finds.
func (b *binder) jsonPathTable(name string, asts []ast.ExprNode, args []exec.Expr, alias, col string) (*scope, error) {
	call, err := b.jsonPathArgs(b.tableFuncScope(), name, asts, args)
	if err != nil {
		return nil, err
	}
	memo := &exec.JSONPathMemo{}
	tf := &TableFunc{Name: name, Args: call, Cols: []Column{{Name: col, Type: exec.TypeText, PGType: pgJSONB}},
		rows: func(_ *exec.Ctx, v []any) ([][]any, error) {
			for _, a := range v {
				if a == nil {
					return nil, nil
				}
			}
			items, err := memo.Query(v[0].(string), v[1].(string), v[2].(string), v[3].(bool))
			if err != nil {
				return nil, err
			}
			out := make([][]any, len(items))
			for i, it := range items {
				out[i] = []any{it}
			}
			return out, nil
		}}
	return derivedScope(tf, alias), nil
}

// jsonFunctions are the JSON functions bound here, with their result's
// PostgreSQL type (0: the engine's).
var jsonFunctions = map[string]uint32{
	"to_json": pgJSON, "to_jsonb": pgJSONB, "row_to_json": pgJSON,
	"json_build_object": pgJSON, "jsonb_build_object": pgJSONB, "json_build_array": pgJSON, "jsonb_build_array": pgJSONB,
	"json_typeof": 0, "jsonb_typeof": 0, "json_array_length": 23, "jsonb_array_length": 23,
	"jsonb_pretty": 0, "jsonb_strip_nulls": pgJSONB, "json_strip_nulls": pgJSON,
	"array_to_json": pgJSON, "json_object": pgJSON, "jsonb_object": pgJSONB,
	"json_extract_path": pgJSON, "jsonb_extract_path": pgJSONB, "json_extract_path_text": 0, "jsonb_extract_path_text": 0,
	"jsonb_set": pgJSONB, "jsonb_insert": pgJSONB, "jsonb_set_lax": pgJSONB,
	"jsonb_path_query_array": pgJSONB, "jsonb_path_query_first": pgJSONB, "jsonb_path_exists": 0, "jsonb_path_match": 0,
	"jsonb_path_query_array_tz": pgJSONB, "jsonb_path_query_first_tz": pgJSONB, "jsonb_path_exists_tz": 0, "jsonb_path_match_tz": 0,
}

// jsonFunc binds a JSON function call; ok is false for other names.
func (b *binder) jsonFunc(s *scope, e *ast.FuncCallExpr, name string, h hook) (exec.Expr, bool, error) {
	resultPG, ok := jsonFunctions[name]
	if !ok {
		return nil, false, nil
	}
	args := make([]exec.Expr, len(e.Args))
	for i, a := range e.Args {
		x, err := b.bindJSONArg(s, a, h)
		if err != nil {
			return nil, true, err
		}
		args[i] = x
	}
	typed := func(x exec.Expr, err error) (exec.Expr, bool, error) {
		if err != nil || resultPG == 0 || resultPG == 23 {
			return x, true, err
		}
		return jsonTyped(x, resultPG), true, nil
	}
	style := "json"
	if strings.HasPrefix(name, "jsonb") || name == "to_jsonb" {
		style = "jsonb"
	}
	argType := uint32(pgJSON)
	if style == "jsonb" {
		argType = pgJSONB
	}
	switch name {
	case "row_to_json":
		// row_to_json(t [, pretty]): a whole row as a json object.
		if len(args) < 1 || len(args) > 2 || !isWholeRow(args[0]) {
			return nil, true, errorf(CodeUndefinedFunc, "function row_to_json takes a row (a FROM item's name) [and pretty]")
		}
		if len(args) == 2 {
			p, ok := settle(args[1]).(*exec.Literal)
			if !ok {
				return nil, true, notSupported("row_to_json with a pretty flag that is not a constant")
			}
			if p.V == true {
				return typed(b.call("__json_pretty_row", []exec.Expr{args[0]}))
			}
		}
		return typed(args[0], nil)
	case "array_to_json":
		// array_to_json(arr [, pretty]): to_json of an array; pretty
		// puts each top-level element after the first on a line of its
		// own.
		if len(args) < 1 || len(args) > 2 {
			return nil, true, errorf(CodeUndefinedFunc, "function array_to_json takes an array [and pretty]")
		}
		if _, lit := args[0].(*arrayLit); !lit && !strings.HasPrefix(b.jsonKind(s, e.Args[0], args[0]), "array:") && args[0].Type().ID() != arrow.NULL {
			return nil, true, errorf(CodeUndefinedFunc, "function array_to_json(%s) does not exist", b.pgTypeName(s, e.Args[0], args[0]))
		}
		j, err := b.toJSON(s, e.Args[0], args[0])
		if err != nil || len(args) == 1 {
			return typed(j, err)
		}
		pretty, err := b.coerce(args[1], exec.TypeBool)
		if err != nil {
			return nil, true, err
		}
		return typed(&rowFunc{name: "array_to_json", args: []exec.Expr{j, settle(pretty)}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
			if v[1] != true {
				return v[0], nil
			}
			return prettyTopLevel(v[0].(string)), nil
		}}, nil)
	case "json_object", "jsonb_object":
		// json_object(text[]) of alternating keys and values, or
		// json_object(keys text[], values text[]).
		if len(args) < 1 || len(args) > 2 {
			return nil, true, errorf(CodeUndefinedFunc, "function %s takes one or two text arrays", name)
		}
		call := []exec.Expr{text(style)}
		for _, a := range args {
			var t exec.Expr
			var err error
			if _, u := a.(*unknownLit); u {
				t, err = b.coerce(a, exec.TypeText) // '{{a,1},{b,2}}' too
			} else {
				t, err = b.textArrayOperand(a)
			}
			if err != nil {
				return nil, true, err
			}
			call = append(call, settle(t))
		}
		return typed(b.call("__json_object", call))
	case "to_json", "to_jsonb":
		if len(args) != 1 {
			return nil, true, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
		}
		j, err := b.toJSON(s, e.Args[0], args[0])
		if err != nil || name == "to_json" {
			return typed(j, err)
		}
		return typed(b.call("__jsonb_in", []exec.Expr{j}))
	case "json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array":
		if strings.HasSuffix(name, "_object") && len(args)%2 != 0 {
			return nil, true, &Error{Code: "22023", Msg: "argument list must have even number of elements",
				Hint: fmt.Sprintf("The arguments of %s() must consist of alternating keys and values.", name)}
		}
		parts := []exec.Expr{text(style)}
		for i, a := range args {
			if strings.HasSuffix(name, "_object") && i%2 == 0 {
				if err := b.checkJSONKey(s, e.Args[i], a); err != nil {
					return nil, true, err
				}
			}
			j, err := b.toJSON(s, e.Args[i], a)
			if err != nil {
				return nil, true, err
			}
			parts = append(parts, j)
		}
		fn := "__json_build_array"
		if strings.HasSuffix(name, "_object") {
			fn = "__json_build_object"
		}
		return typed(b.call(fn, parts))
	}
	switch name {
	case "jsonb_set", "jsonb_insert", "jsonb_set_lax":
		return typed(b.jsonbPathEdit(s, e, name, args))
	case "jsonb_path_query_array", "jsonb_path_query_first", "jsonb_path_exists", "jsonb_path_match",
		"jsonb_path_query_array_tz", "jsonb_path_query_first_tz", "jsonb_path_exists_tz", "jsonb_path_match_tz":
		call, err := b.jsonPathArgs(s, name, e.Args, args)
		if err != nil {
			return nil, true, err
		}
		return typed(b.call("__"+strings.TrimSuffix(name, "_tz"), call))
	}
	// Functions of one json or jsonb value (and a path).
	if len(args) == 0 {
		return nil, true, errorf(CodeUndefinedFunc, "function %s() does not exist", name)
	}
	doc, err := b.jsonArg(s, name, e.Args[0], args[0], argType)
	if err != nil {
		return nil, true, err
	}
	rest := args[1:]
	for i, a := range rest {
		if rest[i], err = b.coerce(a, exec.TypeText); err != nil {
			return nil, true, err
		}
	}
	switch name {
	case "json_typeof", "jsonb_typeof":
		return typed(b.call("__json_typeof", []exec.Expr{doc}))
	case "json_array_length", "jsonb_array_length":
		x, err := b.call("__json_array_length", []exec.Expr{doc})
		return x, true, err
	case "jsonb_pretty":
		return typed(b.call("__jsonb_pretty", []exec.Expr{doc}))
	case "jsonb_strip_nulls":
		return typed(b.call("__jsonb_strip_nulls", []exec.Expr{doc}))
	case "json_strip_nulls":
		return typed(b.call("__json_strip_nulls", []exec.Expr{doc}))
	case "json_extract_path", "jsonb_extract_path":
		return typed(b.call("__json_extract_path", append([]exec.Expr{doc}, rest...)))
	case "json_extract_path_text", "jsonb_extract_path_text":
		return typed(b.call("__json_extract_path_text", append([]exec.Expr{doc}, rest...)))
	}
	if len(rest) > 0 {
		return nil, true, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
	}
	return nil, true, errorf(CodeUndefinedFunc, "function %s does not exist", name)
}

// prettyTopLevel is JSON array text with a line break and a space after
// each comma between its top-level elements, as array_to_json(a, true)
// writes it.
func prettyTopLevel(j string) string {
	var sb strings.Builder
	depth, inString, escaped := 0, false, false
	for i := 0; i < len(j); i++ {
		c := j[i]
		sb.WriteByte(c)
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth == 1:
			sb.WriteString("\n ")
		}
	}
	return sb.String()
}

// jsonAggValue is x (from e) as the JSON text json_agg and its kin join:
// its JSON form, in jsonb's form when jsonb.
func (b *binder) jsonAggValue(s *scope, e ast.ExprNode, x exec.Expr, jsonb bool) (exec.Expr, error) {
	j, err := b.toJSON(s, e, x)
	if err != nil || !jsonb {
		return j, err
	}
	return b.call("__jsonb_in", []exec.Expr{j})
}

// jsonElem is an element of json_agg's array: j's text, null for NULL.
func jsonElem(j exec.Expr) exec.Expr {
	return &rowFunc{name: "json_elem", args: []exec.Expr{j}, dt: exec.TypeText, fn: func(v []any) (any, error) {
		if v[0] == nil {
			return "null", nil
		}
		return v[0], nil
	}}
}

// jsonAggregates are the aggregates of JSON values.
var jsonAggregates = map[string]uint32{"json_agg": pgJSON, "jsonb_agg": pgJSONB, "json_object_agg": pgJSON, "jsonb_object_agg": pgJSONB}

// jsonAgg is json_agg(x)/jsonb_agg(x) [ORDER BY ...] [FILTER ...]: the
// elements' JSON text joined by string_agg, bracketed (NULL elements are
// null; no rows, NULL), and json_object_agg(k, v)/jsonb_object_agg: the
// members (a NULL key is an error; jsonb keeps the last of equal keys).
func (q *selectBinder) jsonAgg(call *aggCall, name string) (exec.Expr, error) {
	object := strings.Contains(name, "_object_")
	jsonb := strings.HasPrefix(name, "jsonb")
	if want := map[bool]int{false: 1, true: 2}[object]; len(call.args) != want {
		return nil, errorf(CodeUndefinedFunc, "function %s takes %d argument(s)", name, want)
	}
	var vals, raw []exec.Expr
	composite := false // rows and arrays: json_agg puts each on its own line
	for i, a := range call.args {
		x, err := q.b.bindJSONArg(q.in, a, nil)
		if err != nil {
			return nil, err
		}
		composite = composite || isWholeRow(x) || strings.HasPrefix(q.b.jsonKind(q.in, a, x), "array:")
		raw = append(raw, settle(x))
		if object && i == 0 {
			if err := q.b.checkJSONKey(q.in, a, x); err != nil {
				return nil, err
			}
		}
		j, err := q.b.jsonAggValue(q.in, call.args[i], x, jsonb && !(object && i == 0))
		if err != nil {
			return nil, err
		}
		vals = append(vals, j)
	}
	var elem exec.Expr
	if object {
		sep := " : "
		if jsonb {
			sep = ": "
		}
		elem = &rowFunc{name: "json_member", args: vals, dt: exec.TypeText, fn: func(v []any) (any, error) {
			if v[0] == nil {
				return nil, &Error{Code: "22023", Msg: "field name must not be null"}
			}
			key := v[0].(string)
			if !strings.HasPrefix(key, `"`) {
				key = `"` + key + `"` // a number's or boolean's text as the key
			}
			val := "null"
			if v[1] != nil {
				val = v[1].(string)
			}
			return key + sep + val, nil
		}}
	} else {
		elem = jsonElem(vals[0])
	}
	sep := ", "
	if composite && !jsonb && !object {
		sep = ", \n " // as PostgreSQL's json_agg writes rows and arrays
	}
	agg := exec.Agg{Func: exec.AggStringAgg, Distinct: call.distinct, Sep: sep, Arg: elem}
	if call.filter != nil {
		f, err := q.aggFilter(call.filter)
		if err != nil {
			return nil, err
		}
		agg.Filter = f
	}
	if err := q.aggOrder(call, &agg, raw); err != nil {
		return nil, err
	}
	col, err := q.addAgg(agg)
	if err != nil {
		return nil, err
	}
	open, close := "[", "]"
	if object {
		open, close = "{ ", " }"
		if jsonb {
			open, close = "{", "}"
		}
	}
	pg := uint32(pgJSON)
	if jsonb {
		pg = pgJSONB
	}
	return &rowFunc{name: name, args: []exec.Expr{col}, dt: exec.TypeText, pg: pg, strict: true,
		fn: func(v []any) (any, error) {
			out := open + v[0].(string) + close
			if jsonb && object {
				return exec.JSONBText(out) // keys sorted, the last of equal ones kept
			}
			return out, nil
		}}, nil
}

// jsonTableFunctions are the set-returning JSON functions, in FROM and in
// a select list (each but the _each ones, which return a record there).
var jsonTableFunctions = map[string]bool{
	"json_array_elements": true, "jsonb_array_elements": true, "json_array_elements_text": true, "jsonb_array_elements_text": true,
	"json_each": true, "jsonb_each": true, "json_each_text": true, "jsonb_each_text": true,
	"json_object_keys": true, "jsonb_object_keys": true,
}

// jsonTableArg binds the one argument of a JSON function in FROM: the
// document, json or jsonb as the function's name says (want).
func (b *binder) jsonTableArg(name string, argAST ast.ExprNode, args []exec.Expr) (doc exec.Expr, want uint32, err error) {
	if len(args) != 1 {
		return nil, 0, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
	}
	want = pgJSON
	if strings.HasPrefix(name, "jsonb") {
		want = pgJSONB
	}
	doc, err = b.jsonArg(b.tableFuncScope(), name, argAST, args[0], want)
	return doc, want, err
}

// jsonTable binds a set-returning JSON function: the elements of an
// array, the members (key, value) of an object, an object's keys, as
// rows computed when the query runs (per row of the left side when
// LATERAL). Columns are PostgreSQL's: value, key and value, or the
// function's (or alias's) name for the keys.
func (b *binder) jsonTable(name string, argAST ast.ExprNode, args []exec.Expr, alias string, colNames []ast.CIStr) (*scope, error) {
	doc, want, err := b.jsonTableArg(name, argAST, args)
	if err != nil {
		return nil, err
	}
	jsonb := want == pgJSONB
	valuePG := want
	if strings.HasSuffix(name, "_text") {
		valuePG = 0
	}
	valueCol := func(n string) Column {
		return Column{Name: n, Type: exec.TypeText, PGType: valuePG}
	}
	if alias == "" {
		alias = name
	}
	var cols []Column
	var rows func(doc string) ([][]any, error)
	value := func(raw string) (any, error) {
		if valuePG != 0 {
			return raw, nil
		}
		s, ok, err := exec.JSONValueText(raw)
		if !ok || err != nil {
			return nil, err
		}
		return s, nil
	}
	single := "value"
	if alias == srfAlias {
		single = srfAlias // a select list's item (seriesInSelectList)
	}
	switch {
	case strings.Contains(name, "_array_elements"):
		cols = []Column{valueCol(single)}
		rows = func(doc string) ([][]any, error) {
			elems, err := exec.JSONElements(doc)
			if err != nil && !jsonb {
				// json's own words: json_array_elements on a non-array
				what := "a non-array"
				if exec.JSONTypeof(doc) != "object" {
					what = "a scalar"
				}
				return nil, fmt.Errorf("cannot call %s on %s", name, what)
			}
			if err != nil {
				return nil, err
			}
			out := make([][]any, len(elems))
			for i, e := range elems {
				v, err := value(e)
				if err != nil {
					return nil, err
				}
				out[i] = []any{v}
			}
			return out, nil
		}
	case strings.Contains(name, "_each"):
		cols = []Column{{Name: "key", Type: exec.TypeText}, valueCol("value")}
		rows = func(doc string) ([][]any, error) {
			keys, vals, ok, err := exec.JSONMembers(doc)
			if err != nil {
				return nil, err
			}
			if !ok {
				if jsonb {
					return nil, fmt.Errorf("cannot call %s on a non-object", name)
				}
				if exec.JSONTypeof(doc) == "array" {
					return nil, fmt.Errorf("cannot deconstruct an array as an object")
				}
				return nil, fmt.Errorf("cannot deconstruct a scalar")
			}
			out := make([][]any, len(keys))
			for i := range keys {
				v, err := value(vals[i])
				if err != nil {
					return nil, err
				}
				out[i] = []any{keys[i], v}
			}
			return out, nil
		}
	default: // _object_keys: a column named as the alias (or function)
		cols = []Column{{Name: alias, Type: exec.TypeText}}
		rows = func(doc string) ([][]any, error) {
			keys, _, ok, err := exec.JSONMembers(doc)
			if err != nil {
				return nil, err
			}
			if !ok {
				what := "a scalar"
				if exec.JSONTypeof(doc) == "array" {
					what = "an array"
				}
				return nil, fmt.Errorf("cannot call %s on %s", name, what)
			}
			out := make([][]any, len(keys))
			for i, k := range keys {
				out[i] = []any{k} // json's duplicates too, as written
			}
			return out, nil
		}
	}
	for i, c := range colNames {
		if i < len(cols) {
			cols[i].Name = c.O
		}
	}
	tf := &TableFunc{Name: name, Args: []exec.Expr{settle(doc)}, Cols: cols,
		rows: func(_ *exec.Ctx, v []any) ([][]any, error) {
			if v[0] == nil {
				return nil, nil
			}
			return rows(v[0].(string))
		}}
	s := derivedScope(tf, alias)
	if len(cols) == 1 && cols[0].Name != alias {
		// jsonb_array_elements_text(tags) AS tag: tag names the value too
		// (PostgreSQL's whole-row reference of a one-column function),
		// while * lists the column as value.
		s.cols = append(s.cols, &scopeCol{table: alias, name: alias, typ: cols[0].Type, index: 0, system: true, rowAlias: true, pg: cols[0].PGType})
	}
	return s, nil
}
