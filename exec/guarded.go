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

// rowsWhere lists the rows i < n for which keep holds.
func rowsWhere(n int, keep func(i int) bool) []int32 {
	var rows []int32
	for i := 0; i < n; i++ {
		if keep(i) {
			rows = append(rows, int32(i))
		}
	}
	return rows
}

// retryOn evaluates x again, after failing over the whole batch of rec,
// over only the rows listed in rows; failed stands when that is every row.
func retryOn(c *Ctx, x Expr, rec arrow.Record, rows []int32, failed error) (arrow.Array, error) {
	if len(rows) == int(rec.NumRows()) {
		return nil, failed
	}
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
	open := rowsWhere(n, func(i int) bool {
		val := bitutil.BitIsSet(lv, i)
		return !bitutil.BitIsSet(lok, i) || e.Op == And && val || e.Op == Or && !val
	})
	sub, err := retryOn(c, e.R, rec, open, failed)
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
	open := rowsWhere(n, func(i int) bool {
		for _, a := range earlier {
			if _, ok := rowArg(a, i); ok {
				return false
			}
		}
		return true
	})
	if len(open) == 0 {
		return nil, nil
	}
	sub, err := retryOn(c, x, rec, open, failed)
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
