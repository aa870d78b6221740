package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// PostgreSQL evaluates a CASE branch only for the rows that reach it, and
// the right side of AND/OR only where the left leaves the answer open, so
// guards such as CASE WHEN n <> 0 THEN 10 / n END and n > 0 AND 10 / n > 1
// never divide by zero. The engine evaluates expressions over whole
// batches; when that fails, these evaluate the expression again over only
// the rows the guard lets through, and fail only if one of those does.

// evalRows evaluates x over the rows of rec listed in rows.
func evalRows(c *Ctx, x Expr, rec arrow.Record, rows []int32) (arrow.Array, error) {
	sub, err := takeRecord(rec, rows)
	if err != nil {
		return nil, err
	}
	defer sub.Release()
	return x.Eval(c, sub)
}

// positions maps each row of a batch of n to its place among rows (-1 for
// the others).
func positions(n int, rows []int32) []int32 {
	pos := make([]int32, n)
	for i := range pos {
		pos[i] = -1
	}
	for j, r := range rows {
		pos[r] = int32(j)
	}
	return pos
}

// evalRight evaluates the right side of AND/OR after the whole batch
// failed: only where the left side (lv, lok: its value and validity bits)
// leaves the answer open, NULL elsewhere.
func (e *Logic) evalRight(c *Ctx, rec arrow.Record, lv, lok []byte, failed error) (arrow.Array, error) {
	n := int(rec.NumRows())
	var open []int32
	for i := 0; i < n; i++ {
		known := bitutil.BitIsSet(lok, i)
		val := bitutil.BitIsSet(lv, i)
		if !known || e.Op == And && val || e.Op == Or && !val {
			open = append(open, int32(i))
		}
	}
	if len(open) == n {
		return nil, failed
	}
	sub, err := evalRows(c, e.R, rec, open)
	if err != nil {
		return nil, err
	}
	defer sub.Release()
	sv, sok := boolBits(sub)
	vals, valid := newBitmap(n), newBitmap(n)
	for j, r := range open {
		if bitutil.BitIsSet(sok, j) {
			setBit(valid, int(r))
			if bitutil.BitIsSet(sv, j) {
				setBit(vals, int(r))
			}
		}
	}
	return boolArray(vals, valid, n), nil
}

// coalesceRest evaluates a later argument x of COALESCE after the whole
// batch failed: only on the rows whose earlier arguments are all NULL (nil
// when there are none). Rows it was not evaluated for get some value of
// it, which COALESCE does not read.
func coalesceRest(c *Ctx, x Expr, rec arrow.Record, earlier []arg, failed error) (arrow.Array, error) {
	n := int(rec.NumRows())
	var open []int32
	for i := 0; i < n; i++ {
		reached := true
		for _, a := range earlier {
			if _, ok := rowArg(a, i); ok {
				reached = false
				break
			}
		}
		if reached {
			open = append(open, int32(i))
		}
	}
	switch len(open) {
	case n:
		return nil, failed
	case 0:
		return nil, nil
	}
	sub, err := evalRows(c, x, rec, open)
	if err != nil {
		return nil, err
	}
	defer sub.Release()
	idx := positions(n, open)
	for i, p := range idx {
		if p < 0 {
			idx[i] = 0
		}
	}
	return takeArray(sub, idx)
}
