package exec

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ArithOp is an arithmetic operator.
type ArithOp byte

// The arithmetic operators.
const (
	Add ArithOp = '+'
	Sub ArithOp = '-'
	Mul ArithOp = '*'
	Div ArithOp = '/'
	Mod ArithOp = '%'
)

// Arith is L op R on numbers of one type (the planner coerces), or on times:
// timestamptz ± interval, timestamptz - timestamptz (an interval),
// interval ± interval, interval × number and interval ÷ number. Integer
// overflow and division by zero are errors, as in PostgreSQL.
type Arith struct {
	Op   ArithOp
	L, R Expr
	dt   arrow.DataType
	// decimal marks a float8 division of numerics (DecimalDivision) and
	// places are its operands' places.
	decimal bool
	places  [2]int
	// UTC adds days and months to a timestamp without time zone (its
	// reading held as a UTC instant) in UTC, not the session's zone.
	UTC bool
}

// DecimalDivision is e, a float8 division of numerics, dividing the
// decimals its operands stand for (decimalQuotient: 3.3 / 1.1 is 3, where
// the floats divide to 2.9999999999999996). sa and sb are the operands'
// places, -1 where each value's own digits give them (shortestDecimals);
// a row whose operands are no such decimals keeps the floats' quotient.
// Any other e is returned as it is.
func (e *Arith) DecimalDivision(sa, sb int) *Arith {
	if e.Op != Div || e.dt.ID() != arrow.FLOAT64 || e.L.Type().ID() != arrow.FLOAT64 {
		return e
	}
	c := *e
	c.decimal, c.places = true, [2]int{sa, sb}
	return &c
}

// NewArith checks operand types and returns the expression.
func NewArith(op ArithOp, l, r Expr) (*Arith, error) {
	lt, rt := l.Type().ID(), r.Type().ID()
	e := &Arith{Op: op, L: l, R: r}
	switch {
	case lt == arrow.NULL || rt == arrow.NULL:
		e.dt = l.Type()
		if lt == arrow.NULL {
			e.dt = r.Type()
		}
	case lt == rt && (lt == arrow.INT64 || lt == arrow.FLOAT64 || lt == arrow.UINT64):
		e.dt = l.Type()
	case lt == arrow.TIMESTAMP && rt == arrow.INTERVAL_MONTH_DAY_NANO && (op == Add || op == Sub):
		e.dt = TypeTimestamptz
	case lt == arrow.INTERVAL_MONTH_DAY_NANO && rt == arrow.TIMESTAMP && op == Add:
		e.L, e.R, e.dt = r, l, TypeTimestamptz
	case lt == arrow.TIMESTAMP && rt == arrow.TIMESTAMP && op == Sub:
		e.dt = TypeInterval
	case lt == arrow.INTERVAL_MONTH_DAY_NANO && rt == arrow.INTERVAL_MONTH_DAY_NANO && (op == Add || op == Sub):
		e.dt = TypeInterval
	case lt == arrow.INTERVAL_MONTH_DAY_NANO && (rt == arrow.INT64 || rt == arrow.FLOAT64) && (op == Mul || op == Div):
		e.dt = TypeInterval
	case (lt == arrow.INT64 || lt == arrow.FLOAT64) && rt == arrow.INTERVAL_MONTH_DAY_NANO && op == Mul:
		e.L, e.R, e.dt = r, l, TypeInterval
	default:
		return nil, fmt.Errorf("operator does not exist: %s %c %s", SQLTypeName(l.Type()), op, SQLTypeName(r.Type()))
	}
	return e, nil
}

// WithOperands is e over l and r in place of its operands (a plan
// rewrite's rebuild), keeping what DecimalDivision set.
func (e *Arith) WithOperands(l, r Expr) (*Arith, error) {
	a, err := NewArith(e.Op, l, r)
	if err != nil || !e.decimal {
		return a, err
	}
	return a.DecimalDivision(e.places[0], e.places[1]), nil
}

func (e *Arith) Type() arrow.DataType { return e.dt }
func (e *Arith) String() string       { return fmt.Sprintf("(%s %c %s)", e.L, e.Op, e.R) }

func (e *Arith) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	n := int(rec.NumRows())
	args := make([]arg, 2)
	for i, x := range []Expr{e.L, e.R} {
		args[i].dt = x.Type()
		if v, ok := constOf(x); ok {
			args[i].cnst, args[i].isConst = v, true
			continue
		}
		a, err := x.Eval(c, rec)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		args[i].arr = a
	}
	if e.dt.ID() == arrow.INT64 && e.L.Type().ID() == arrow.INT64 {
		return arithInts(e.Op, args, n)
	}
	if e.dt.ID() == arrow.FLOAT64 && e.L.Type().ID() == arrow.FLOAT64 {
		if e.decimal {
			return divideDecimals(args, n, e.places)
		}
		return arithFloats(e.Op, args, n)
	}
	return e.evalRows(c, args, n)
}

// intOperand returns an argument's values as a slice plus validity.
func intOperand(a arg, n int) ([]int64, []byte) {
	if a.isConst {
		out := make([]int64, n)
		if a.cnst == nil {
			return out, newBitmap(n)
		}
		v := a.cnst.(int64)
		for i := range out {
			out[i] = v
		}
		return out, nil
	}
	return a.arr.(interface{ Int64Values() []int64 }).Int64Values(), validity(a.arr)
}

func floatOperand(a arg, n int) ([]float64, []byte) {
	if a.isConst {
		out := make([]float64, n)
		if a.cnst == nil {
			return out, newBitmap(n)
		}
		v := a.cnst.(float64)
		for i := range out {
			out[i] = v
		}
		return out, nil
	}
	return a.arr.(interface{ Float64Values() []float64 }).Float64Values(), validity(a.arr)
}

func arithInts(op ArithOp, args []arg, n int) (arrow.Array, error) {
	l, lv := intOperand(args[0], n)
	r, rv := intOperand(args[1], n)
	valid := andValidity(lv, rv)
	out := make([]int64, n)
	for i := range out {
		if valid != nil && !getBit(valid, i) {
			continue
		}
		a, b := l[i], r[i]
		switch op {
		case Add:
			s := a + b
			if (b > 0 && s < a) || (b < 0 && s > a) {
				return nil, errIntRange
			}
			out[i] = s
		case Sub:
			s := a - b
			if (b < 0 && s < a) || (b > 0 && s > a) {
				return nil, errIntRange
			}
			out[i] = s
		case Mul:
			if a != 0 && b != 0 {
				p := a * b
				if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
					return nil, errIntRange
				}
				out[i] = p
			}
		case Div, Mod:
			if b == 0 {
				return nil, errDivZero
			}
			if op == Div {
				if a == math.MinInt64 && b == -1 {
					return nil, errIntRange
				}
				out[i] = a / b
			} else if b != -1 {
				out[i] = a % b
			}
		}
	}
	return fixedArray(TypeInt, out, valid), nil
}

var (
	errIntRange = fmt.Errorf("bigint out of range")
	errDivZero  = fmt.Errorf("division by zero")
)

func arithFloats(op ArithOp, args []arg, n int) (arrow.Array, error) {
	l, lv := floatOperand(args[0], n)
	r, rv := floatOperand(args[1], n)
	valid := andValidity(lv, rv)
	out := make([]float64, n)
	switch op {
	case Add:
		for i := range out {
			out[i] = l[i] + r[i]
		}
	case Sub:
		for i := range out {
			out[i] = l[i] - r[i]
		}
	case Mul:
		for i := range out {
			out[i] = l[i] * r[i]
		}
	case Div, Mod:
		for i := range out {
			if valid != nil && !getBit(valid, i) {
				continue
			}
			if r[i] == 0 && !math.IsNaN(l[i]) {
				return nil, errDivZero
			}
			if op == Div {
				out[i] = l[i] / r[i]
			} else {
				out[i] = math.Mod(l[i], r[i])
			}
		}
	}
	if err := checkFloatRange(op, l, r, out, valid); err != nil {
		return nil, err
	}
	return fixedArray(TypeFloat, out, valid), nil
}

// checkFloatRange fails as PostgreSQL's float8 operators do when finite
// operands give an infinite result (overflow) or non-zero ones a zero
// product or quotient (underflow).
func checkFloatRange(op ArithOp, l, r, out []float64, valid []byte) error {
	if op == Mod {
		return nil
	}
	for i, v := range out {
		if v != 0 && !math.IsInf(v, 0) {
			continue
		}
		if valid != nil && !getBit(valid, i) {
			continue
		}
		if math.IsInf(v, 0) && !math.IsInf(l[i], 0) && !math.IsInf(r[i], 0) {
			return errFloatOverflow
		}
		if v == 0 && (op == Mul || op == Div) && l[i] != 0 && !math.IsInf(r[i], 0) && (op == Div || r[i] != 0) {
			return errFloatUnderflow
		}
	}
	return nil
}

var errFloatUnderflow = errors.New("value out of range: underflow")

// evalRows handles the less common type combinations row by row.
func (e *Arith) evalRows(c *Ctx, args []arg, n int) (arrow.Array, error) {
	switch e.dt.ID() {
	case arrow.TIMESTAMP:
		out := make([]int64, n)
		valid := newBitmap(n)
		loc := c.Location
		if e.UTC {
			loc = time.UTC
		}
		for i := 0; i < n; i++ {
			l, lok := rowArg(args[0], i)
			r, rok := rowArg(args[1], i)
			if !lok || !rok {
				continue
			}
			iv := r.(arrow.MonthDayNanoInterval)
			if e.Op == Sub {
				iv = NegInterval(iv)
			}
			t, ok := AddInterval(int64(l.(Timestamp)), iv, loc)
			if !ok {
				return nil, errTimeRange
			}
			out[i] = t
			setBit(valid, i)
		}
		return fixedArray(TypeTimestamptz, out, valid), nil
	case arrow.INTERVAL_MONTH_DAY_NANO:
		vals := make([]arrow.MonthDayNanoInterval, n)
		valid := newBitmap(n)
		for i := 0; i < n; i++ {
			l, lok := rowArg(args[0], i)
			r, rok := rowArg(args[1], i)
			if !lok || !rok {
				continue
			}
			if e.Op == Mul || e.Op == Div {
				factor := toFloat(r)
				if e.Op == Div && factor == 0 {
					return nil, errDivZero
				}
				iv, err := ScaleInterval(l.(arrow.MonthDayNanoInterval), factor, e.Op == Div)
				if err != nil {
					return nil, err
				}
				vals[i] = iv
				setBit(valid, i)
				continue
			}
			setBit(valid, i)
			if lt, ok := l.(Timestamp); ok {
				if !IsFiniteTime(int64(lt)) || !IsFiniteTime(int64(r.(Timestamp))) {
					return nil, errInfiniteSubtract
				}
				d, ok := addNanos(int64(lt), -int64(r.(Timestamp)))
				if !ok || r.(Timestamp) == math.MinInt64 {
					return nil, errIntervalRange
				}
				days := d / int64(24*time.Hour)
				vals[i] = arrow.MonthDayNanoInterval{Days: int32(days), Nanoseconds: d - days*int64(24*time.Hour)}
				continue
			}
			a, b := l.(arrow.MonthDayNanoInterval), r.(arrow.MonthDayNanoInterval)
			if e.Op == Sub {
				b = NegInterval(b)
			}
			ns, ok := addNanos(a.Nanoseconds, b.Nanoseconds)
			months, days := int64(a.Months)+int64(b.Months), int64(a.Days)+int64(b.Days)
			if !ok || months != int64(int32(months)) || days != int64(int32(days)) {
				return nil, errIntervalRange
			}
			vals[i] = arrow.MonthDayNanoInterval{Months: int32(months), Days: int32(days), Nanoseconds: ns}
		}
		return intervalArray(vals, valid), nil
	case arrow.UINT64:
		return nil, fmt.Errorf("arithmetic on unsigned integers: cast to bigint or double precision first")
	}
	return nil, fmt.Errorf("operator does not exist: %s %c %s", SQLTypeName(e.L.Type()), e.Op, SQLTypeName(e.R.Type()))
}

// AddInterval adds an interval to a timestamp as PostgreSQL does: months
// first, keeping the day of month but clamping it to the month's last day
// (Jan 31 + 1 month = Feb 29 in 2016), then days in the session's calendar,
// then the exact time.
// ok is false when the result is outside the times Strata holds.
func AddInterval(ts int64, iv arrow.MonthDayNanoInterval, loc *time.Location) (int64, bool) {
	if !IsFiniteTime(ts) {
		return ts, true // 'infinity' plus any interval is 'infinity'
	}
	if iv.Months == 0 && iv.Days == 0 {
		return addHeld(ts, iv.Nanoseconds)
	}
	t := time.Unix(0, ts).In(loc)
	if iv.Months != 0 {
		y, m, d := t.Date()
		first := WallTime(y, m+time.Month(iv.Months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
		last := first.AddDate(0, 1, -1).Day()
		t = WallTime(first.Year(), first.Month(), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	if iv.Days != 0 {
		// The same wall clock days later, a reading a change of offset
		// skips or repeats taken as PostgreSQL takes it (WallTime; Go's
		// AddDate picks the other side of it west of UTC).
		y, m, d := t.Date()
		t = WallTime(y, m, d+int(iv.Days), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	ns, ok := InstantNanos(t)
	if !ok {
		return 0, false
	}
	return addHeld(ns, iv.Nanoseconds)
}

// addHeld adds b nanoseconds to time a; ok is false when the sum is past
// the times held (never 'infinity' by accident).
func addHeld(a, b int64) (int64, bool) {
	s, ok := addNanos(a, b)
	if !ok {
		return 0, false
	}
	return heldTime(s)
}

// errIntervalRange is an interval past what Strata holds.
var errIntervalRange = fmt.Errorf("interval out of range (an interval holds ±2147483647 months and days and ±2562047 hours besides)")

// errInfiniteSubtract is timestamp - timestamp with an infinity, which
// PostgreSQL 15 has no interval for.
var errInfiniteSubtract = fmt.Errorf("cannot subtract infinite timestamps")

// errTimeRange is a time past what Strata holds.
var errTimeRange = fmt.Errorf("timestamp out of range (%s)", TimeRangeNote)

func intervalArray(vals []arrow.MonthDayNanoInterval, valid []byte) arrow.Array {
	b := array.NewMonthDayNanoIntervalBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i, v := range vals {
		if valid != nil && !getBit(valid, i) {
			b.AppendNull()
		} else {
			b.Append(v)
		}
	}
	return b.NewArray()
}
