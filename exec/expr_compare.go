package exec

import (
	"cmp"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// CmpOp is a comparison operator.
type CmpOp int

// The comparison operators.
const (
	Eq CmpOp = iota
	Ne
	Lt
	Le
	Gt
	Ge
)

var cmpNames = [...]string{"=", "<>", "<", "<=", ">", ">="}

func (op CmpOp) String() string { return cmpNames[op] }

// Flip returns the operator with its operands swapped: a < b ⇔ b > a.
func (op CmpOp) Flip() CmpOp {
	switch op {
	case Lt:
		return Gt
	case Le:
		return Ge
	case Gt:
		return Lt
	case Ge:
		return Le
	}
	return op
}

// Holds applies op to the result of a three-way comparison.
func (op CmpOp) Holds(c int) bool {
	switch op {
	case Eq:
		return c == 0
	case Ne:
		return c != 0
	case Lt:
		return c < 0
	case Le:
		return c <= 0
	case Gt:
		return c > 0
	}
	return c >= 0
}

// Compare compares two operands of the same type (the planner coerces);
// text operands may be plain or dictionary-encoded.
type Compare struct {
	Op   CmpOp
	L, R Expr
}

func (e *Compare) Type() arrow.DataType { return TypeBool }
func (e *Compare) String() string       { return fmt.Sprintf("%s %s %s", e.L, e.Op, e.R) }

func (e *Compare) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	l, r, op := e.L, e.R, e.Op
	if _, lc := constOf(l); lc {
		if _, rc := constOf(r); !rc {
			l, r, op = r, l, op.Flip()
		}
	}
	if v, ok := constOf(r); ok {
		if x, k, iop, ok := intCompare(l, op, v); ok {
			l, op, r = x, iop, &Literal{V: k, DT: x.Type()}
		}
	}
	la, err := l.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer la.Release()
	if v, ok := constOf(r); ok {
		if v == nil {
			return array.MakeArrayOfNull(c.Mem, TypeBool, la.Len()), nil
		}
		return compareScalar(op, la, v)
	}
	ra, err := r.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer ra.Release()
	return compareArrays(op, la, ra)
}

// intCompare turns a comparison of an integer expression cast to float with
// a float constant (bigint_col > 90.0) into an integer comparison with an
// integer bound (bigint_col > 90), so no float copy of the column is made.
// For integers x, x > f ⇔ x > floor(f), x >= f ⇔ x >= ceil(f), x < f ⇔
// x < ceil(f), x <= f ⇔ x <= floor(f); = and <> only for integral f.
// Within ±2^53 this is what comparing float8(x) with f gives (PostgreSQL's
// bigint-vs-float8 comparison): only integers beyond 2^53 round when cast,
// and they round to floats beyond 2^53 too, on the same side of f. Bounds
// from ±2^53 on, NaN and infinities keep the float comparison, where
// 2^53 + 1 equals 2^53 as in PostgreSQL.
func intCompare(l Expr, op CmpOp, v any) (Expr, int64, CmpOp, bool) {
	cast, ok := l.(*Cast)
	if !ok || cast.To.ID() != arrow.FLOAT64 || cast.X.Type().ID() != arrow.INT64 {
		return nil, 0, op, false
	}
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.Abs(f) >= 1<<53 {
		return nil, 0, op, false
	}
	lo, hi := math.Floor(f), math.Ceil(f)
	switch op {
	case Gt, Le:
		return cast.X, int64(lo), op, true
	case Ge, Lt:
		return cast.X, int64(hi), op, true
	}
	if lo != hi { // = or <> with a fraction: keep the float comparison
		return nil, 0, op, false
	}
	return cast.X, int64(lo), op, true
}

// compareScalar compares every value of a with the constant v.
func compareScalar(op CmpOp, a arrow.Array, v any) (arrow.Array, error) {
	n := a.Len()
	out := newBitmap(n)
	valid := validity(a)
	switch a := a.(type) {
	case *array.Int64:
		cmpScalar(op, a.Int64Values(), v.(int64), out)
	case *array.Uint64:
		cmpScalar(op, a.Uint64Values(), v.(uint64), out)
	case *array.Float64:
		cmpScalarFloat(op, a.Float64Values(), v.(float64), out)
	case *array.Timestamp:
		cmpScalar(op, timestampValues(a), int64(v.(Timestamp)), out)
	case *array.String:
		s := v.(string)
		for i := 0; i < n; i++ {
			if op.Holds(cmp.Compare(a.Value(i), s)) {
				setBit(out, i)
			}
		}
	case *array.Dictionary:
		// Once per dictionary entry, then a lookup per row.
		dict := a.Dictionary().(*array.String)
		s := v.(string)
		match := make([]bool, dict.Len())
		for i := range match {
			match[i] = op.Holds(cmp.Compare(dict.Value(i), s))
		}
		codes := a.Indices().(*array.Int32).Int32Values()
		for i, code := range codes {
			if match[code] {
				setBit(out, i)
			}
		}
	case *array.Boolean:
		b := v.(bool)
		for i := 0; i < n; i++ {
			if op.Holds(cmpBool(a.Value(i), b)) {
				setBit(out, i)
			}
		}
	case *array.MonthDayNanoInterval:
		s := v.(arrow.MonthDayNanoInterval)
		for i := 0; i < n; i++ {
			if op.Holds(cmpInterval(a.Value(i), s)) {
				setBit(out, i)
			}
		}
	default:
		return nil, fmt.Errorf("cannot compare %v values", a.DataType())
	}
	return boolArray(out, valid, n), nil
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// cmpScalar is the hot loop: one branch-light pass per operator.
func cmpScalar[T cmp.Ordered](op CmpOp, vals []T, s T, out []byte) {
	switch op {
	case Eq:
		for i, x := range vals {
			if x == s {
				setBit(out, i)
			}
		}
	case Ne:
		for i, x := range vals {
			if x != s {
				setBit(out, i)
			}
		}
	case Lt:
		for i, x := range vals {
			if x < s {
				setBit(out, i)
			}
		}
	case Le:
		for i, x := range vals {
			if x <= s {
				setBit(out, i)
			}
		}
	case Gt:
		for i, x := range vals {
			if x > s {
				setBit(out, i)
			}
		}
	case Ge:
		for i, x := range vals {
			if x >= s {
				setBit(out, i)
			}
		}
	}
}

// cmpScalarFloat is cmpScalar in PostgreSQL's float order (cmpFloat): NaN
// equals NaN and is greater than every number. Against a number, IEEE
// comparisons agree with that order but for a NaN value under > and >=,
// which are asked as "not <=" and "not <" (false for NaN); against NaN,
// the answer is whether each value is NaN.
func cmpScalarFloat(op CmpOp, vals []float64, s float64, out []byte) {
	if s != s {
		switch op {
		case Eq, Ge: // x = NaN, x >= NaN: x is NaN
			for i, x := range vals {
				if x != x {
					setBit(out, i)
				}
			}
		case Ne, Lt: // every number is below NaN
			for i, x := range vals {
				if x == x {
					setBit(out, i)
				}
			}
		case Le:
			for i := range vals {
				setBit(out, i)
			}
		}
		return
	}
	switch op {
	case Gt:
		for i, x := range vals {
			if !(x <= s) {
				setBit(out, i)
			}
		}
	case Ge:
		for i, x := range vals {
			if !(x < s) {
				setBit(out, i)
			}
		}
	default:
		cmpScalar(op, vals, s, out)
	}
}

func cmpSlices[T cmp.Ordered](op CmpOp, a, b []T, out []byte) {
	for i := range a {
		if op.Holds(cmp.Compare(a[i], b[i])) {
			setBit(out, i)
		}
	}
}

// compareArrays compares two arrays row by row.
func compareArrays(op CmpOp, a, b arrow.Array) (arrow.Array, error) {
	n := a.Len()
	out := newBitmap(n)
	valid := andValidity(validity(a), validity(b))
	switch av := a.(type) {
	case *array.Int64:
		cmpSlices(op, av.Int64Values(), b.(*array.Int64).Int64Values(), out)
	case *array.Uint64:
		cmpSlices(op, av.Uint64Values(), b.(*array.Uint64).Uint64Values(), out)
	case *array.Float64:
		bv := b.(*array.Float64).Float64Values()
		for i, x := range av.Float64Values() {
			if op.Holds(cmpFloat(x, bv[i])) {
				setBit(out, i)
			}
		}
	case *array.Timestamp:
		bt, ok := b.(*array.Timestamp)
		if !ok {
			return nil, fmt.Errorf("cannot compare %v with %v", a.DataType(), b.DataType())
		}
		cmpSlices(op, timestampValues(av), timestampValues(bt), out)
	case *array.Boolean:
		bb := b.(*array.Boolean)
		for i := 0; i < n; i++ {
			if op.Holds(cmpBool(av.Value(i), bb.Value(i))) {
				setBit(out, i)
			}
		}
	case *array.MonthDayNanoInterval:
		bi := b.(*array.MonthDayNanoInterval)
		for i := 0; i < n; i++ {
			if op.Holds(cmpInterval(av.Value(i), bi.Value(i))) {
				setBit(out, i)
			}
		}
	default:
		if !IsText(a.DataType()) || !IsText(b.DataType()) {
			return nil, fmt.Errorf("cannot compare %v with %v", a.DataType(), b.DataType())
		}
		sa, sb := textAccessor(a), textAccessor(b)
		for i := 0; i < n; i++ {
			if valid != nil && !bitutil.BitIsSet(valid, i) {
				continue // a NULL's dictionary code may index nothing
			}
			if op.Holds(cmp.Compare(sa(i), sb(i))) {
				setBit(out, i)
			}
		}
	}
	return boolArray(out, valid, n), nil
}

// textAccessor returns row i's string of a plain or dictionary text array.
func textAccessor(a arrow.Array) func(int) string {
	switch a := a.(type) {
	case *array.String:
		return a.Value
	case *array.Dictionary:
		dict := a.Dictionary().(*array.String)
		codes := a.Indices().(*array.Int32).Int32Values()
		return func(i int) string { return dict.Value(int(codes[i])) }
	}
	panic(fmt.Sprintf("exec: %v is not text", a.DataType()))
}

// timestampValues views a timestamp array's values as int64 nanoseconds.
func timestampValues(a *array.Timestamp) []int64 {
	return arrow.Int64Traits.CastFromBytes(arrow.TimestampTraits.CastToBytes(a.TimestampValues()))
}

// intervalSpan orders an interval as PostgreSQL compares them, by its
// length with a month of 30 days and a day of 24 hours ('1 mon' = '30
// days'): whole days, then the nanoseconds after them (0 <= nanos < a day).
// IntervalSign is -1, 0 or 1 as an interval is shorter than, as long as or
// longer than zero, by its span as PostgreSQL compares intervals ('1 month
// -31 days' is negative).
func IntervalSign(v arrow.MonthDayNanoInterval) int {
	days, nanos := intervalSpan(v)
	switch {
	case days > 0 || days == 0 && nanos > 0:
		return 1
	case days == 0 && nanos == 0:
		return 0
	}
	return -1
}

func intervalSpan(v arrow.MonthDayNanoInterval) (days, nanos int64) {
	const day = int64(24 * time.Hour)
	days = int64(v.Months)*30 + int64(v.Days) + v.Nanoseconds/day
	nanos = v.Nanoseconds % day
	if nanos < 0 {
		nanos += day
		days--
	}
	return days, nanos
}

// CompareIntervals is -1, 0 or 1 as a is shorter than, as long as or
// longer than b, by their spans as PostgreSQL compares intervals.
func CompareIntervals(a, b arrow.MonthDayNanoInterval) int { return cmpInterval(a, b) }

// cmpInterval compares two intervals by their spans.
func cmpInterval(a, b arrow.MonthDayNanoInterval) int {
	ad, an := intervalSpan(a)
	bd, bn := intervalSpan(b)
	if c := cmp.Compare(ad, bd); c != 0 {
		return c
	}
	return cmp.Compare(an, bn)
}
