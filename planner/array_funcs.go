package planner

import (
	"fmt"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// editArrayFuncs are PostgreSQL's functions that search or edit a
// one-dimensional array: array_append, array_prepend, array_cat,
// array_position(s), array_remove, array_replace, trim_array, array_ndims,
// array_dims and array_fill. Arrays are held as their text form (a
// constant ARRAY[...] is turned into it), elements compared as values of
// the element type (1.0 finds 1 in a float8[]; NULL is found by
// array_position and array_remove, as IS NOT DISTINCT FROM finds it).
var editArrayFuncs = map[string]bool{
	"array_append": true, "array_prepend": true, "array_cat": true, "array_position": true,
	"array_positions": true, "array_remove": true, "array_replace": true, "trim_array": true,
	"array_ndims": true, "array_dims": true, "array_fill": true,
}

// editArray binds one of editArrayFuncs.
func (b *binder) editArray(name string, args []exec.Expr) (exec.Expr, error) {
	arity := map[string][2]int{"array_append": {2, 2}, "array_prepend": {2, 2}, "array_cat": {2, 2},
		"array_position": {2, 3}, "array_positions": {2, 2}, "array_remove": {2, 2}, "array_replace": {3, 3},
		"trim_array": {2, 2}, "array_ndims": {1, 1}, "array_dims": {1, 1}, "array_fill": {2, 2}}[name]
	if len(args) < arity[0] || len(args) > arity[1] {
		return nil, errorf(CodeUndefinedFunc, "function %s does not take %d arguments", name, len(args))
	}
	if name == "array_fill" {
		return b.arrayFill(args)
	}
	at := 0 // the array argument
	if name == "array_prepend" {
		at = 1
	}
	arr, pg, err := b.arrayArg(name, args[at])
	if err != nil {
		return nil, err
	}
	dt := elemType(pg)
	elemPG, _ := ArrayElem(pg)
	loc := b.sess.Location
	if loc == nil {
		loc = time.UTC
	}
	ctx := b.ctx
	// element is an element argument as a value of the element type.
	element := func(x exec.Expr) (exec.Expr, error) {
		if x.Type().ID() == arrow.NULL {
			return &exec.Literal{V: nil, DT: dt}, nil
		}
		v, err := b.coerce(x, dt)
		if err != nil && exec.IsText(dt) {
			v, err = b.coerce(outputText(x), dt)
		}
		if err != nil {
			return nil, errorf(CodeUndefinedFunc, "function %s(%s, %s) does not exist", name, typeName(int64(pg)), exec.SQLTypeName(x.Type()))
		}
		return settle(v), nil
	}
	// find reports whether element text e (nil: NULL) is the value want.
	find := func(e *string, want any) (bool, error) {
		if e == nil || want == nil {
			return e == nil && want == nil, nil
		}
		v, err := readElem(ctx, *e, dt, pg)
		if err != nil {
			return false, err
		}
		return exec.CompareValues(v, want) == 0, nil
	}
	text := func(v any) *string {
		if v == nil {
			return nil
		}
		s := arrayElemText(v, dt, elemPG, loc)
		return &s
	}
	out := func(fnArgs []exec.Expr, resDT arrow.DataType, resPG uint32, fn func(elems []*string, v []any) (any, error)) exec.Expr {
		return &rowFunc{name: name, args: fnArgs, dt: resDT, pg: resPG, fn: func(v []any) (any, error) {
			if v[0] == nil {
				return nil, nil
			}
			elems, err := arrayElems(v[0])
			if err != nil {
				return nil, err
			}
			return fn(elems, v)
		}}
	}
	switch name {
	case "array_cat":
		other, _, err := b.arrayArg(name, args[1])
		if err != nil {
			return nil, err
		}
		return b.runtimeArrayFunc("array_cat", []exec.Expr{arr, other})
	case "array_append", "array_prepend":
		x, err := element(args[1-at])
		if err != nil {
			return nil, err
		}
		return &rowFunc{name: name, args: []exec.Expr{arr, x}, dt: exec.TypeText, pg: pg, fn: func(v []any) (any, error) {
			var elems []*string
			if v[0] != nil {
				var err error
				if elems, err = arrayElems(v[0]); err != nil {
					return nil, err
				}
			}
			if name == "array_append" {
				return formatArrayText(append(elems, text(v[1]))), nil
			}
			return formatArrayText(append([]*string{text(v[1])}, elems...)), nil
		}}, nil
	case "array_position", "array_positions":
		x, err := element(args[1])
		if err != nil {
			return nil, err
		}
		fnArgs := []exec.Expr{arr, x}
		if len(args) == 3 {
			start, err := b.coerce(args[2], exec.TypeInt)
			if err != nil {
				return nil, err
			}
			fnArgs = append(fnArgs, settle(start))
		}
		if name == "array_positions" {
			return out(fnArgs, exec.TypeText, 1007, func(elems []*string, v []any) (any, error) {
				var at []*string
				for i, e := range elems {
					if ok, err := find(e, v[1]); err != nil || ok {
						if err != nil {
							return nil, err
						}
						s := fmt.Sprint(i + 1)
						at = append(at, &s)
					}
				}
				return formatArrayText(at), nil
			}), nil
		}
		return out(fnArgs, exec.TypeInt, 23, func(elems []*string, v []any) (any, error) {
			from := int64(1)
			if len(v) > 2 {
				if v[2] == nil {
					return nil, errorf("22004", "initial position must not be null")
				}
				from = max(v[2].(int64), 1)
			}
			for i := from - 1; i < int64(len(elems)); i++ {
				if ok, err := find(elems[i], v[1]); err != nil || ok {
					if err != nil {
						return nil, err
					}
					return i + 1, nil
				}
			}
			return nil, nil
		}), nil
	case "array_remove", "array_replace":
		fnArgs := []exec.Expr{arr}
		for _, a := range args[1:] {
			x, err := element(a)
			if err != nil {
				return nil, err
			}
			fnArgs = append(fnArgs, x)
		}
		return out(fnArgs, exec.TypeText, pg, func(elems []*string, v []any) (any, error) {
			kept := make([]*string, 0, len(elems))
			for _, e := range elems {
				ok, err := find(e, v[1])
				if err != nil {
					return nil, err
				}
				switch {
				case !ok:
					kept = append(kept, e)
				case name == "array_replace":
					kept = append(kept, text(v[2]))
				}
			}
			return formatArrayText(kept), nil
		}), nil
	case "trim_array":
		n, err := b.coerce(args[1], exec.TypeInt)
		if err != nil {
			return nil, err
		}
		return out([]exec.Expr{arr, settle(n)}, exec.TypeText, pg, func(elems []*string, v []any) (any, error) {
			if v[1] == nil {
				return nil, nil
			}
			k := v[1].(int64)
			if k < 0 || k > int64(len(elems)) {
				return nil, errorf("2202E", "number of elements to trim must be between 0 and %d", len(elems))
			}
			return formatArrayText(elems[:int64(len(elems))-k]), nil
		}), nil
	case "array_ndims":
		return out([]exec.Expr{arr}, exec.TypeInt, 23, func(elems []*string, _ []any) (any, error) {
			if len(elems) == 0 {
				return nil, nil
			}
			return int64(1), nil
		}), nil
	case "array_dims":
		return out([]exec.Expr{arr}, exec.TypeText, 0, func(elems []*string, _ []any) (any, error) {
			if len(elems) == 0 {
				return nil, nil
			}
			return fmt.Sprintf("[1:%d]", len(elems)), nil
		}), nil
	}
	return nil, notSupported(name)
}

// arrayArg is an array argument of an array function in its text form
// and its array type: a constant ARRAY[...] or '{...}', or an array held
// as text (a column, array_agg, a function's array).
func (b *binder) arrayArg(name string, x exec.Expr) (exec.Expr, uint32, error) {
	if u, ok := x.(*unknownLit); ok {
		a, err := b.arrayFromText(settle(u), exec.TypeText)
		if err != nil {
			return nil, 0, err
		}
		x = a
	}
	if a, ok := x.(*arrayLit); ok {
		t, err := b.textArray(a)
		if err != nil {
			return nil, 0, err
		}
		x = t
	}
	if x.Type().ID() == arrow.NULL {
		return &exec.Literal{V: nil, DT: exec.TypeText}, 1009, nil
	}
	pg := arrayPG(x)
	if pg == 0 || !isRuntimeArray(x) {
		return nil, 0, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function %s(%s) does not exist", name, exec.SQLTypeName(x.Type())), Hint: "its array argument must be an array"}
	}
	return settle(x), pg, nil
}

// arrayFill is array_fill(value, ARRAY[n]): n copies of value (one
// dimension; lower bounds other than 1 are not kept).
func (b *binder) arrayFill(args []exec.Expr) (exec.Expr, error) {
	dims, _, err := b.arrayArg("array_fill", args[1])
	if err != nil {
		return nil, err
	}
	v := settle(args[0])
	if _, ok := v.(*unknownLit); ok {
		return nil, &Error{Code: CodeDatatype, Msg: "could not determine polymorphic type because input has type unknown", Hint: "cast the value: array_fill('x'::text, ARRAY[3])"}
	}
	elemPG := pgOfEngine(v.Type())
	if t, ok := v.(pgTyped); ok && t.pgType() != 0 {
		elemPG = t.pgType()
	}
	loc := b.sess.Location
	if loc == nil {
		loc = time.UTC
	}
	dt := v.Type()
	return &rowFunc{name: "array_fill", args: []exec.Expr{v, dims}, dt: exec.TypeText, pg: arrayOIDs[elemPG], fn: func(x []any) (any, error) {
		if x[1] == nil {
			return nil, errorf("22004", "dimension array or low bound array cannot be null")
		}
		ds, err := arrayElems(x[1])
		if err != nil {
			return nil, err
		}
		if len(ds) == 0 {
			return "{}", nil
		}
		if len(ds) > 1 {
			return nil, notSupported("array_fill of more than one dimension")
		}
		if ds[0] == nil {
			return nil, errorf("22004", "dimension values cannot be null")
		}
		n, err := exec.CastValue(exec.NewCtx(), *ds[0], exec.TypeInt)
		if err != nil {
			return nil, AsError(err)
		}
		if n.(int64) <= 0 {
			return "{}", nil
		}
		if n.(int64) > 1<<20 {
			return nil, errorf("54000", "array size exceeds the maximum allowed (%d)", 1<<20)
		}
		var e *string
		if x[0] != nil {
			s := arrayElemText(x[0], dt, elemPG, loc)
			e = &s
		}
		elems := make([]*string, n.(int64))
		for i := range elems {
			elems[i] = e
		}
		return formatArrayText(elems), nil
	}}, nil
}

// arrayOperator binds the array operators a @> b (a holds every element
// of b), a <@ b (b holds every element of a) and a && b (they share an
// element); ok is false when neither side is an array. Elements compare
// as values of the element type; a NULL element matches nothing, and a
// NULL array gives NULL, as in PostgreSQL.
func (b *binder) arrayOperator(op string, l, r exec.Expr) (exec.Expr, bool, error) {
	isArr := func(x exec.Expr) bool {
		_, lit := x.(*arrayLit)
		return lit || arrayPG(x) != 0
	}
	if !isArr(l) && !isArr(r) {
		return nil, false, nil
	}
	l, err := b.arrayBeside(l, r)
	if err != nil {
		return nil, true, err
	}
	if r, err = b.arrayBeside(r, l); err != nil {
		return nil, true, err
	}
	l, lpg, err := b.arrayArg(op, l)
	if err != nil {
		return nil, true, err
	}
	r, rpg, err := b.arrayArg(op, r)
	if err != nil {
		return nil, true, err
	}
	dt := elemType(lpg)
	if !sameType(dt, elemType(rpg)) {
		return nil, true, errorf(CodeUndefinedFunc, "operator does not exist: %s %s %s", typeName(int64(lpg)), op, typeName(int64(rpg)))
	}
	if op == "<@" {
		l, r = r, l
	}
	ctx := b.ctx
	values := func(x any) ([]any, error) {
		elems, err := arrayElems(x)
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, len(elems))
		for _, e := range elems {
			if e == nil {
				out = append(out, nil)
				continue
			}
			v, err := readElem(ctx, *e, dt, lpg)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	has := func(vs []any, want any) bool {
		for _, v := range vs {
			if v != nil && exec.CompareValues(v, want) == 0 {
				return true
			}
		}
		return false
	}
	return &rowFunc{name: op, args: []exec.Expr{l, r}, dt: exec.TypeBool, strict: true, fn: func(v []any) (any, error) {
		a, err := values(v[0])
		if err != nil {
			return nil, err
		}
		c, err := values(v[1])
		if err != nil {
			return nil, err
		}
		for _, x := range c {
			switch {
			case op == "&&" && x != nil && has(a, x):
				return true, nil
			case op != "&&" && (x == nil || !has(a, x)):
				return false, nil
			}
		}
		return op != "&&", nil
	}}, true, nil
}

// arrayBeside reads x, when it is a quoted constant ('{1,2}'), as an array
// of the element type of other, the array beside it; else x as it is.
func (b *binder) arrayBeside(x, other exec.Expr) (exec.Expr, error) {
	u, ok := x.(*unknownLit)
	if !ok {
		return x, nil
	}
	var elem arrow.DataType = exec.TypeText
	var pg uint32
	if a, lit := other.(*arrayLit); lit {
		elem, pg = a.dt, a.pg
	} else if t := arrayPG(other); t != 0 {
		elem = elemType(t)
		if e, ok := ArrayElem(t); ok {
			pg = narrowPG(e, elem)
		}
	}
	if b.describe && u.param > 0 {
		b.noteParam(u.param, arrow.ListOf(elem)) // $1 < ARRAY[10]: Describe reports an array
		return &arrayLit{dt: elem, pg: pg}, nil
	}
	return b.arrayFromText(settle(u), elem)
}

// widthBucketArray is width_bucket(operand, thresholds): how many of the
// thresholds, a sorted array, are at or below the operand (0 below the
// first), found by PostgreSQL's binary search, so an unsorted array gives
// its answer too. Integers beside a fractional operand compare as float8.
func (b *binder) widthBucketArray(args []exec.Expr) (exec.Expr, error) {
	thresholds := args[1]
	if u, ok := thresholds.(*unknownLit); ok && args[0].Type().ID() != arrow.NULL {
		// '{1,3,5}' is an array of the operand's type.
		a, err := b.arrayFromText(settle(u), settle(args[0]).Type())
		if err != nil {
			return nil, err
		}
		thresholds = a
	}
	arr, pg, err := b.arrayArg("width_bucket", thresholds)
	if err != nil {
		return nil, err
	}
	dt := elemType(pg)
	x := settle(args[0])
	if _, ok := args[0].(*unknownLit); !ok && x.Type().ID() == arrow.FLOAT64 && dt.ID() == arrow.INT64 {
		dt = exec.TypeFloat
	}
	if x.Type().ID() != arrow.NULL {
		c, err := b.coerce(args[0], dt)
		if err != nil {
			return nil, errorf(CodeUndefinedFunc, "function width_bucket(%s, %s) does not exist", exec.SQLTypeName(x.Type()), typeName(int64(pg)))
		}
		x = settle(c)
	}
	ctx := b.ctx
	return &rowFunc{name: "width_bucket", args: []exec.Expr{x, arr}, dt: exec.TypeInt, pg: 23, fn: func(v []any) (any, error) {
		if v[0] == nil || v[1] == nil {
			return nil, nil
		}
		elems, err := arrayElems(v[1])
		if err != nil {
			return nil, err
		}
		if slices.Contains(elems, nil) { // wherever the search would not look
			return nil, errorf("22004", "thresholds array must not contain NULLs")
		}
		lo, hi := 0, len(elems)
		for lo < hi {
			mid := (lo + hi) / 2
			t, err := readElem(ctx, *elems[mid], dt, pg)
			if err != nil {
				return nil, err
			}
			if exec.CompareValues(t, v[0]) <= 0 {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return int64(lo), nil
	}}, nil
}
