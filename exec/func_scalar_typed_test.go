package exec

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTypedFloatFunctions: the typed loops over a float column give what
// the per-value path gives each value as a constant, NULLs stay NULL, and
// the errors are PostgreSQL's.
func TestTypedFloatFunctions(t *testing.T) {
	vals := []any{-2.5, -0.5, 0.0, 0.5, 1.5, 2.5, 1e300, nil}
	rec := recordOf(t, col{"x", TypeFloat, vals})
	defer rec.Release()
	x := &Column{Index: 0, Name: "x", DT: TypeFloat}
	for _, tc := range []struct {
		name  string
		extra []Expr
	}{{"floor", nil}, {"ceil", nil}, {"abs", nil}, {"round", nil}, {"round", []Expr{lit(int64(1))}}, {"sign", nil}, {"power", []Expr{lit(3.0)}}} {
		e := call(t, tc.name, append([]Expr{x}, tc.extra...)...)
		got, err := e.Eval(NewCtx(), rec)
		if tc.name == "power" {
			require.EqualError(t, err, errFloatOverflow.Error(), "(1e300)^3")
			small := recordOf(t, col{"x", TypeFloat, []any{-2.5, 0.5, 2.0, nil}})
			defer small.Release()
			if got, err = e.Eval(NewCtx(), small); err == nil {
				for i, v := range []any{-2.5, 0.5, 2.0} {
					want, _ := evalOne(t, call(t, "power", lit(v), lit(3.0)))
					s, _ := FormatValue(got, i, nil)
					require.Equal(t, want, s, "power(%v, 3)", v)
				}
				require.True(t, got.IsNull(3))
				got.Release()
			}
			require.NoError(t, err)
			continue
		}
		require.NoError(t, err, tc.name)
		for i, v := range vals {
			if v == nil {
				require.True(t, got.IsNull(i), tc.name)
				continue
			}
			want, err := evalOne(t, call(t, tc.name, append([]Expr{lit(v)}, tc.extra...)...))
			require.NoError(t, err)
			s, _ := FormatValue(got, i, nil)
			require.Equal(t, want, s, "%s(%v)", tc.name, v)
		}
		got.Release()
	}
	for _, tc := range []struct{ name, msg string }{
		{"sqrt", "cannot take square root of a negative number"},
		{"ln", "cannot take logarithm of a negative number"},
	} {
		_, err := call(t, tc.name, x).Eval(NewCtx(), rec)
		require.EqualError(t, err, tc.msg)
	}
	_, err := call(t, "power", x, lit(-1.0)).Eval(NewCtx(), rec)
	require.EqualError(t, err, "zero raised to a negative power is undefined")
	// A NULL's slot raises nothing.
	nulls := recordOf(t, col{"x", TypeFloat, []any{4.0, nil}})
	defer nulls.Release()
	got, err := call(t, "ln", x).Eval(NewCtx(), nulls)
	require.NoError(t, err)
	require.True(t, got.IsNull(1))
	got.Release()
}
