package exec

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CondKind is a conditional expression kind.
type CondKind int

// The conditional expressions.
const (
	Coalesce CondKind = iota // first non-NULL argument
	NullIf                   // NULL if the two arguments are equal, else the first
	Greatest                 // largest non-NULL argument
	Least                    // smallest non-NULL argument
)

// Cond is COALESCE, NULLIF, GREATEST or LEAST over arguments of one type
// (the planner coerces them).
type Cond struct {
	Kind CondKind
	Args []Expr
	DT   arrow.DataType
}

func (e *Cond) Type() arrow.DataType { return e.DT }

func (e *Cond) String() string {
	names := map[CondKind]string{Coalesce: "coalesce", NullIf: "nullif", Greatest: "greatest", Least: "least"}
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = a.String()
	}
	return names[e.Kind] + "(" + strings.Join(args, ", ") + ")"
}

func (e *Cond) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	n := int(rec.NumRows())
	args := make([]arg, len(e.Args))
	for i, x := range e.Args {
		args[i].dt = x.Type()
		if v, ok := constOf(x); ok {
			args[i].cnst, args[i].isConst = v, true
			continue
		}
		a, err := x.Eval(c, rec)
		if err != nil && e.Kind == Coalesce && i > 0 {
			a, err = coalesceRest(c, x, rec, args[:i], err)
		}
		if err != nil {
			return nil, err
		}
		if a == nil { // no row reaches this argument
			args[i].isConst = true
			continue
		}
		defer a.Release()
		args[i].arr = a
	}
	dt := e.DT
	if IsText(dt) {
		dt = TypeText
	}
	return rowwise(dt, n, args, false, func(v []any) (any, error) {
		switch e.Kind {
		case Coalesce:
			for _, x := range v {
				if x != nil {
					return x, nil
				}
			}
			return nil, nil
		case NullIf:
			if v[0] != nil && v[1] != nil && compareValues(v[0], v[1]) == 0 {
				return nil, nil
			}
			return v[0], nil
		}
		var best any
		for _, x := range v {
			if x == nil {
				continue
			}
			if best == nil || (e.Kind == Greatest) == (compareValues(x, best) > 0) && compareValues(x, best) != 0 {
				best = x
			}
		}
		return best, nil
	})
}

// CompareValues orders two values of one type as Literal holds them
// (int64, uint64, float64 with PostgreSQL's NaN, string, Timestamp, bool,
// interval): -1, 0 or 1.
func CompareValues(a, b any) int { return compareValues(a, b) }

// compareValues orders two values of one type (as Literal holds them).
func compareValues(a, b any) int {
	switch x := a.(type) {
	case int64:
		return cmp3(x, b.(int64))
	case uint64:
		return cmp3(x, b.(uint64))
	case float64:
		return cmpFloat(x, b.(float64))
	case string:
		return strings.Compare(x, b.(string))
	case Timestamp:
		return cmp3(x, b.(Timestamp))
	case bool:
		return cmpBool(x, b.(bool))
	case arrow.MonthDayNanoInterval:
		return cmpInterval(x, b.(arrow.MonthDayNanoInterval))
	}
	panic(fmt.Sprintf("exec: cannot compare %T", a))
}

// cmpFloat orders floats as PostgreSQL does: NaN equals NaN and is greater
// than every other value (-0 equals 0).
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	case a != a && b != b:
		return 0
	case a != a:
		return 1
	}
	return -1
}

func cmp3[T int64 | uint64 | Timestamp](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Case is CASE WHEN c1 THEN v1 ... ELSE e END: per row, the value of the
// first true condition, else Else (NULL when absent). Values share DT.
type Case struct {
	Whens []Expr
	Thens []Expr
	Else  Expr
	DT    arrow.DataType
}

func (e *Case) Type() arrow.DataType { return e.DT }

func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for i := range e.Whens {
		fmt.Fprintf(&b, " WHEN %s THEN %s", e.Whens[i], e.Thens[i])
	}
	if e.Else != nil {
		fmt.Fprintf(&b, " ELSE %s", e.Else)
	}
	b.WriteString(" END")
	return b.String()
}

func (e *Case) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	n := int(rec.NumRows())
	chosen := make([]int, n) // index of the branch per row; len(Whens) = ELSE
	for i := range chosen {
		chosen[i] = -1
	}
	for w, cond := range e.Whens {
		a, err := cond.Eval(c, rec)
		if err != nil {
			// A later condition fails where an earlier one already chose:
			// test it on the rows still open only.
			open := rowsWhere(n, func(i int) bool { return chosen[i] < 0 })
			if a, err = retryOn(c, cond, rec, open, err); err != nil {
				return nil, err
			}
			b := a.(*array.Boolean)
			for j, i := range open {
				if b.IsValid(j) && b.Value(j) {
					chosen[i] = w
				}
			}
			a.Release()
			continue
		}
		b := a.(*array.Boolean)
		for i := 0; i < n; i++ {
			if chosen[i] < 0 && b.IsValid(i) && b.Value(i) {
				chosen[i] = w
			}
		}
		a.Release()
	}
	branches := make([]arrow.Array, len(e.Thens)+1)
	defer func() {
		for _, b := range branches {
			if b != nil {
				b.Release()
			}
		}
	}()
	for i := range chosen {
		if chosen[i] < 0 {
			chosen[i] = len(e.Whens)
		}
	}
	dt := e.DT
	if IsText(dt) {
		dt = TypeText
	}
	out := array.NewBuilder(memory.DefaultAllocator, dt)
	defer out.Release()
	getters := make([]func(int) any, len(branches))
	for i := 0; i < n; i++ {
		k := chosen[i]
		if getters[k] == nil {
			var x Expr
			if k < len(e.Thens) {
				x = e.Thens[k]
			} else if e.Else != nil {
				x = e.Else
			} else {
				getters[k] = func(int) any { return nil }
				out.AppendNull()
				continue
			}
			a, err := x.Eval(c, rec)
			var pos []int32 // the branch ran over only the rows that chose it
			if err != nil {
				rows := rowsWhere(n, func(i int) bool { return chosen[i] == k })
				if a, err = retryOn(c, x, rec, rows, err); err != nil {
					return nil, err
				}
				pos = positions(n, rows)
			}
			branches[k] = a
			if a.DataType().ID() == arrow.NULL {
				getters[k] = func(int) any { return nil }
			} else {
				get, err := valueGetter(a)
				if err != nil {
					return nil, err
				}
				getters[k] = func(i int) any {
					if pos != nil {
						i = int(pos[i])
					}
					if a.IsNull(i) {
						return nil
					}
					return get(i)
				}
			}
		}
		appendValue(out, getters[k](i))
	}
	return out.NewArray(), nil
}
