package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
)

// LimitTies is FETCH FIRST count ROWS WITH TIES over rows sorted by keys:
// it skips offset rows, passes count rows, and then the rows after them
// that tie with the last one on every key (NULLs tie with NULLs, as
// PostgreSQL's ORDER BY groups them). count 0 passes no row.
type LimitTies struct {
	c             *Ctx
	child         Operator
	keys          []SortKey
	offset, count int64
	// last holds the key values of the last counted row (one row each)
	// once count rows have passed; done: a row that does not tie came.
	last []arrow.Array
	done bool
	cur  arrow.Record
}

// NewLimitTies returns child's rows [offset, offset+count) and the rows
// after them that tie with the last on keys; child is sorted by keys.
func NewLimitTies(c *Ctx, child Operator, offset, count int64, keys []SortKey) *LimitTies {
	return &LimitTies{c: c, child: child, keys: keys, offset: offset, count: count, done: count == 0}
}

func (l *LimitTies) Schema() *arrow.Schema { return l.child.Schema() }

func (l *LimitTies) Next(ctx context.Context) (arrow.Record, error) {
	if l.cur != nil {
		l.cur.Release()
		l.cur = nil
	}
	for !l.done {
		rec, err := l.child.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		n := rec.NumRows()
		if l.offset >= n {
			l.offset -= n
			continue
		}
		start, end := l.offset, l.offset
		l.offset = 0
		if l.count > 0 {
			end = start + min(l.count, n-start)
			l.count -= end - start
			if l.count == 0 {
				if err := l.keep(rec, end-1); err != nil {
					return nil, err
				}
			}
		}
		if l.last != nil {
			tied, err := l.ties(rec, end)
			if err != nil {
				return nil, err
			}
			if end+tied < n {
				l.done = true
			}
			end += tied
		}
		if end > start {
			l.cur = rec.NewSlice(start, end)
			return l.cur, nil
		}
	}
	return nil, nil
}

// keep evaluates the keys at row i of rec, the last row counted.
func (l *LimitTies) keep(rec arrow.Record, i int64) error {
	row := rec.NewSlice(i, i+1)
	defer row.Release()
	for _, k := range l.keys {
		v, err := k.Expr.Eval(l.c, row)
		if err != nil {
			return err
		}
		l.last = append(l.last, v)
	}
	return nil
}

// ties counts the rows of rec from row from on that tie with the last
// counted row.
func (l *LimitTies) ties(rec arrow.Record, from int64) (int64, error) {
	n := rec.NumRows()
	if from >= n {
		return 0, nil
	}
	vals := make([][]arrow.Array, len(l.keys))
	for k, key := range l.keys {
		v, err := key.Expr.Eval(l.c, rec)
		if err != nil {
			return 0, err
		}
		defer v.Release()
		vals[k] = []arrow.Array{l.last[k], v}
	}
	order, err := keyOrder(l.keys, vals)
	if err != nil {
		return 0, err
	}
	i := from
	for i < n && order(0, rowRef(1)<<32|rowRef(i)) == 0 {
		i++
	}
	return i - from, nil
}

func (l *LimitTies) Close() {
	if l.cur != nil {
		l.cur.Release()
		l.cur = nil
	}
	for _, v := range l.last {
		v.Release()
	}
	l.last = nil
	l.child.Close()
}
