package planner

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
)

// Arrays compare and sort element by element in their element type's
// order (PostgreSQL's array_cmp), not by their text: {9} < {10}. Both
// sides of a comparison, each ORDER BY key and the argument of max, min,
// greatest and least turn into a sort key (exec's __array_sort_key) whose
// bytes order as the arrays do.

// arrayTypeOf is the PostgreSQL array type of x: a constant array's, or
// that of an array held as text; 0 when x is not an array.
func arrayTypeOf(x exec.Expr) uint32 {
	if a, ok := x.(*arrayLit); ok {
		elem := a.pg
		if elem == 0 {
			elem = pgOfEngine(a.dt)
		}
		return arrayOIDs[elem]
	}
	if pg := arrayPG(x); isArrayOID(pg) {
		return pg
	}
	return 0
}

// arrayKind is the sort key kind of the elements of array type pg.
func arrayKind(pg uint32) string { return exec.ArrayElemKind(elemType(pg)) }

func kindLit(kind string) exec.Expr { return &exec.Literal{V: kind, DT: exec.TypeText} }

// arraySortKey is the sort key of x, an array of type pg held as text.
func (b *binder) arraySortKey(x exec.Expr, pg uint32) (exec.Expr, error) {
	return b.call("__array_sort_key", []exec.Expr{settle(x), kindLit(arrayKind(pg))})
}

// arrayOperands turns the operands of an array comparison, of greatest
// and least or of a VALUES column into arrays held as text: constant
// arrays into their text, a quoted constant ('{1,2}') into an array of
// the others' element type, a NULL into a NULL of text. pg is the arrays'
// type and kind the kind they compare as; with mix, integer arrays take
// float or numeric ones' kind (a common type), else every kind must be
// the same (PostgreSQL compares only arrays of one type). ok is false when
// none of args is an array; bad is the first argument that does not
// match the arrays before it, -1 when all do.
func (b *binder) arrayOperands(args []exec.Expr, mix bool) (out []exec.Expr, pg uint32, kind string, ok bool, bad int, err error) {
	var first exec.Expr
	for _, a := range args {
		if a.Type() == nil {
			return nil, 0, "", false, -1, nil // a parameter whose type is not known yet
		}
		if t := arrayTypeOf(a); t != 0 {
			if first == nil {
				first = a
			}
			if pg == 0 || mix && arrayKind(t) == "f" {
				pg = t
			}
		}
	}
	if first == nil {
		return nil, 0, "", false, -1, nil
	}
	out = make([]exec.Expr, len(args))
	for i, a := range args {
		if a, err = b.arrayBeside(a, first); err != nil {
			return nil, 0, "", true, -1, err
		}
		if a.Type().ID() == arrow.NULL {
			out[i] = &exec.Literal{V: nil, DT: exec.TypeText}
			continue
		}
		t := arrayTypeOf(a)
		if t == 0 {
			return nil, 0, "", true, i, nil
		}
		switch k := arrayKind(t); {
		case kind == "" || k == kind:
			kind = k
		case mix && (kind == "i" && k == "f" || kind == "f" && k == "i"):
			kind = "f"
		default:
			return nil, 0, "", true, i, nil
		}
		if a, err = b.asTextArray(a); err != nil {
			return nil, 0, "", true, -1, err
		}
		out[i] = settle(a)
	}
	return out, pg, kind, true, -1, nil
}

// arrayTypeName names x's type for an error: an array type, or its engine
// type.
func arrayTypeName(x exec.Expr) string {
	if t := arrayTypeOf(x); t != 0 {
		return typeName(int64(t))
	}
	if _, ok := x.(*unknownLit); ok {
		return "unknown"
	}
	return exec.SQLTypeName(x.Type())
}

// arrayCompare binds l op r when either side is an array: = <> < <= > >=
// and IS [NOT] DISTINCT FROM by the arrays' sort keys. ok is false when
// neither side is an array.
func (b *binder) arrayCompare(op opcode.Op, l, r exec.Expr) (exec.Expr, bool, error) {
	args, _, kind, ok, bad, err := b.arrayOperands([]exec.Expr{l, r}, false)
	if !ok || err != nil {
		return nil, ok, err
	}
	if bad >= 0 {
		return nil, true, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("operator does not exist: %s %s %s", arrayTypeName(l), opText(op), arrayTypeName(r)),
			Hint: "an array compares only with an array of its type: cast one side (ARRAY[1.5] = ARRAY[x]::numeric[]), or look for a value in one with value = ANY (array)"}
	}
	keys, err := b.arrayKeys("__array_sort_key", args, kind)
	if err != nil {
		return nil, true, err
	}
	x, err := b.binary(op, keys[0], keys[1])
	return x, true, err
}

// arrayKeys is fn (__array_sort_key or __array_max_key) of each of
// arrays, their elements of kind; a NULL stays a NULL.
func (b *binder) arrayKeys(fn string, arrays []exec.Expr, kind string) ([]exec.Expr, error) {
	keys := make([]exec.Expr, len(arrays))
	for i, a := range arrays {
		if l, ok := a.(*exec.Literal); ok && l.V == nil {
			keys[i] = a
			continue
		}
		var err error
		if keys[i], err = b.call(fn, []exec.Expr{a, kindLit(kind)}); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// arrayGreatest binds greatest and least of arrays (kind exec.Greatest or
// exec.Least), whose arguments heldPeers has resolved (heldArrays: each
// text typed as the arrays' common type): the greatest or least of the
// arrays' sort keys, each followed by its array's text, which is what it
// returns. ok is false when none of args is an array.
func (b *binder) arrayGreatest(kind exec.CondKind, args []exec.Expr) (exec.Expr, bool, error) {
	pg := firstArrayType(args)
	if pg == 0 {
		return nil, false, nil
	}
	k := arrayKind(pg)
	keys, err := b.arrayKeys("__array_max_key", args, k)
	if err != nil {
		return nil, true, err
	}
	x, err := b.fold(&exec.Cond{Kind: kind, Args: keys, DT: exec.TypeText})
	if err != nil {
		return nil, true, err
	}
	if x, err = b.call("__array_of_max_key", []exec.Expr{x, kindLit(k)}); err != nil {
		return nil, true, err
	}
	return &typedExpr{x: x, pg: pg}, true, nil
}

// arrayMinMax binds min or max of x, an array (pg its type): the least or
// greatest of its sort keys, each followed by its array's text, which is
// what it returns. ok is false when x is not an array.
func (q *selectBinder) arrayMinMax(agg exec.Agg, x exec.Expr) (exec.Expr, bool, error) {
	pg := arrayTypeOf(x)
	if pg == 0 {
		return nil, false, nil
	}
	x, err := q.b.asTextArray(x)
	if err != nil {
		return nil, true, err
	}
	k := kindLit(arrayKind(pg))
	if agg.Arg, err = q.b.call("__array_max_key", []exec.Expr{settle(x), k}); err != nil {
		return nil, true, err
	}
	c, err := q.addAgg(agg)
	if err != nil {
		return nil, true, err
	}
	out, err := q.b.call("__array_of_max_key", []exec.Expr{c, k})
	if err != nil {
		return nil, true, err
	}
	return &typedExpr{x: out, pg: pg}, true, nil
}

// arrayOrderKey is what an ORDER BY key x sorts by when x is an array: its
// sort key; x itself otherwise.
func (b *binder) arrayOrderKey(x exec.Expr) (exec.Expr, error) {
	pg := arrayTypeOf(x)
	if pg == 0 {
		return x, nil
	}
	x, err := b.asTextArray(x)
	if err != nil {
		return nil, err
	}
	return b.arraySortKey(x, pg)
}

// sortKeyOf is what column x, of PostgreSQL type pg, sorts by: a jsonb
// value's or an array's sort key, x itself otherwise.
func (b *binder) sortKeyOf(x exec.Expr, pg uint32) (exec.Expr, error) {
	switch {
	case pg == pgJSONB:
		return b.call("__jsonb_sort_key", []exec.Expr{x})
	case isArrayOID(pg):
		return b.arraySortKey(x, pg)
	}
	return x, nil
}

// arrayTyped is x, from e, marked as an array when e's PostgreSQL type
// says it is one and x does not (a scalar subquery's array, a CASE of
// arrays), so that it compares and sorts as one.
func (b *binder) arrayTyped(s *scope, e ast.ExprNode, x exec.Expr) exec.Expr {
	if e == nil || x.Type() == nil || arrayTypeOf(x) != 0 || !exec.IsText(x.Type()) {
		return x
	}
	if pg := (&selectBinder{b: b, in: s}).pgTypeOf(e, x); isArrayOID(pg) {
		return &typedExpr{x: x, pg: pg}
	}
	return x
}

// typedLike is x typed as the array type of the first of xs that is an
// array (COALESCE, CASE and greatest of arrays, resolved by heldArrays);
// x itself when none is.
func typedLike(x exec.Expr, xs []exec.Expr) exec.Expr {
	if pg := firstArrayType(xs); pg != 0 {
		return &typedExpr{x: x, pg: pg}
	}
	return x
}

// firstArrayType is the array type of the first of xs (nil ones aside)
// that is an array, 0 when none is.
func firstArrayType(xs []exec.Expr) uint32 {
	for _, a := range xs {
		if a == nil {
			continue
		}
		if pg := arrayTypeOf(a); pg != 0 {
			return pg
		}
	}
	return 0
}
