package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/exec"
)

// rowFunc is a scalar function the planner implements itself because it
// needs the engine, the session or runtime arrays (catalog functions,
// arrays held in their text form). It runs row by row over Go values: it is
// meant for catalog-sized inputs, not for scans of user data.
type rowFunc struct {
	name string
	args []exec.Expr
	dt   arrow.DataType
	pg   uint32 // the PostgreSQL type, when narrower than dt's (arrays)
	// strict functions return NULL when any argument is NULL.
	strict bool
	fn     func(v []any) (any, error)
	// vec, when set, computes the whole column from the arguments'
	// arrays; ok false leaves it to fn, row by row.
	vec func(c *exec.Ctx, args []arrow.Array) (out arrow.Array, ok bool)
}

func (f *rowFunc) Type() arrow.DataType { return f.dt }
func (f *rowFunc) pgType() uint32       { return f.pg }
func (f *rowFunc) String() string {
	parts := make([]string, len(f.args))
	for i, a := range f.args {
		parts[i] = a.String()
	}
	return f.name + "(" + strings.Join(parts, ", ") + ")"
}

func (f *rowFunc) children() []exec.Expr { return f.args }
func (f *rowFunc) withChildren(args []exec.Expr) exec.Expr {
	c := *f
	c.args = args
	return &c
}

func (f *rowFunc) Eval(c *exec.Ctx, rec arrow.Record) (arrow.Array, error) {
	n := int(rec.NumRows())
	arrs := make([]arrow.Array, len(f.args))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i, a := range f.args {
		v, err := a.Eval(c, rec)
		if err != nil {
			return nil, err
		}
		arrs[i] = v
	}
	if f.vec != nil {
		if out, ok := f.vec(c, arrs); ok {
			return out, nil
		}
	}
	out := make([]any, n)
	vals := make([]any, len(f.args))
	for i := 0; i < n; i++ {
		null := false
		for j, a := range arrs {
			vals[j] = valueAtRow(a, i)
			null = null || vals[j] == nil
		}
		if null && f.strict {
			continue
		}
		v, err := f.fn(vals)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return buildArray(c, f.dt, out)
}

// buildArray makes an array of type dt from Go values as Literal holds
// them (nil for NULL).
func buildArray(c *exec.Ctx, dt arrow.DataType, vals []any) (arrow.Array, error) {
	b := array.NewBuilder(c.Mem, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.StringBuilder:
			s, ok := v.(string)
			if !ok {
				s = fmt.Sprint(v)
			}
			b.Append(s)
		case *array.Int64Builder:
			n, ok := v.(int64)
			if !ok {
				return nil, fmt.Errorf("planner: %T in a bigint result", v)
			}
			b.Append(n)
		case *array.Float64Builder:
			f, ok := v.(float64)
			if !ok {
				return nil, fmt.Errorf("planner: %T in a float8 result", v)
			}
			b.Append(f)
		case *array.BooleanBuilder:
			t, ok := v.(bool)
			if !ok {
				return nil, fmt.Errorf("planner: %T in a boolean result", v)
			}
			b.Append(t)
		default:
			one, err := (&exec.Literal{V: v, DT: dt}).Eval(c, oneRow)
			if err != nil {
				return nil, err
			}
			err = appendFrom(b, one)
			one.Release()
			if err != nil {
				return nil, err
			}
		}
	}
	return b.NewArray(), nil
}

// oneRow is a record of one row and no columns, for evaluating constants.
var oneRow = array.NewRecord(arrow.NewSchema(nil, nil), nil, 1)

// compositeExpr is a planner expression over argument expressions, which
// the expression rewrites (shift, unOuter) must reach.
type compositeExpr interface {
	exec.Expr
	children() []exec.Expr
	withChildren([]exec.Expr) exec.Expr
}
