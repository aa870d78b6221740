package planner

import (
	"errors"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	"strings"

	"github.com/stratadb/strata/exec"
)

// Dates are held as timestamptz: the midnight that starts the day in the
// session's time zone, so comparisons with timestamptz values (time >=
// '2016-01-01'::date) mean what they mean in PostgreSQL, and shown as
// YYYY-MM-DD (Column.PGType 1082). A timestamp without time zone is held as
// the instant of its wall-clock reading in the session's zone and shown
// without an offset (1114).

// castDate is x::date: x as a timestamptz (text is parsed), truncated to
// the start of its day in the session's time zone.
func (b *binder) castDate(x exec.Expr) (exec.Expr, error) {
	// Text is read as a wall-clock reading: its date as written, whatever
	// offset follows the time ('2016-01-02 03:04+05:30'::date is
	// 2016-01-02), as PostgreSQL's date input does.
	if u, ok := x.(*unknownLit); ok && !(b.describe && u.param > 0) {
		if _, isText := u.V.(string); isText {
			ts, err := b.wallClockLiteral(u)
			if err != nil {
				var pe *Error
				if errors.As(err, &pe) && pe.Code == "22007" {
					return nil, errorf(pe.Code, "%s", strings.Replace(pe.Msg, "type timestamp", "type date", 1))
				}
				return nil, err
			}
			x = ts
		}
	} else if ok && u.param > 0 && b.ppg != nil && b.ptypes[u.param-1] == nil {
		b.ppg[u.param-1] = 1082 // $n::date: Describe reports date
	} else if isTextValued(x) {
		ts, err := b.call("__parse_wall_date", []exec.Expr{x})
		if err != nil {
			return nil, err
		}
		x = ts
	}
	ts, err := b.coerce(x, exec.TypeTimestamptz)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) && pe.Code == "22007" {
			return nil, errorf(pe.Code, "%s", strings.Replace(pe.Msg, "type timestamp with time zone", "type date", 1))
		}
		return nil, err
	}
	if _, ok := ts.(*timeBeyond); ok {
		return ts, nil // a day beyond the times held is as far beyond
	}
	if ts.Type().ID() != arrow.TIMESTAMP {
		return nil, errorf(CodeDatatype, "cannot cast type %s to date", exec.SQLTypeName(x.Type()))
	}
	return b.call("date_trunc", []exec.Expr{&exec.Literal{V: "day", DT: exec.TypeText}, ts})
}

// wallClockText is the text of x when it is a date or a timestamp without
// time zone, which the engine holds as timestamptz instants: its wall clock
// reading (2016-02-03, 2016-02-03 04:05:06.5), as PostgreSQL writes them;
// ok is false for other values.
func (b *binder) wallClockText(s *scope, e ast.ExprNode, x exec.Expr) (exec.Expr, bool, error) {
	if x.Type().ID() != arrow.TIMESTAMP {
		return nil, false, nil
	}
	switch (&selectBinder{b: b, in: s}).pgTypeOf(e, x) {
	case 1082:
		t, err := b.call("__date_text", []exec.Expr{x})
		return t, true, err
	case 1114:
		t, err := b.call("__timestamp_text", []exec.Expr{x})
		return t, true, err
	}
	return nil, false, nil
}

// wallClockElems is the PostgreSQL type of array elements that are all
// dates or all timestamps without time zone (written as wall clock
// readings), else 0.
// Untyped constants and NULLs take the others' type; dates with
// timestamps are timestamps, as PostgreSQL resolves ARRAY[...].
func (b *binder) wallClockElems(s *scope, es []ast.ExprNode, xs []exec.Expr) uint32 {
	var pg uint32
	for i, e := range es {
		if _, ok := xs[i].(*unknownLit); ok || xs[i].Type().ID() == arrow.NULL {
			continue
		}
		switch t := (&selectBinder{b: b, in: s}).pgTypeOf(e, xs[i]); {
		case t != 1082 && t != 1114:
			return 0
		case pg == 0 || t == 1114:
			pg = t
		}
	}
	return pg
}

// wallClockArgs puts the text of the dates and timestamps without time
// zone, and of the numerics of a known scale (2.50), among args in their
// place (concat, ||, format).
func (b *binder) wallClockArgs(s *scope, es []ast.ExprNode, args []exec.Expr) error {
	for i, a := range args {
		t, ok, err := b.wallClockText(s, es[i], a)
		if err != nil {
			return err
		}
		if ok {
			args[i] = t
		} else if t, ok := b.numericText(s, es[i], a); ok {
			args[i] = t // 'x' || 2.50 is x2.50
		}
	}
	return nil
}

// dateArith binds date ± integer (a date n days on, as PostgreSQL's
// date_pli/date_mii) and date - date (the days between, an integer); ok is
// false when neither operand is a date and the operation is ordinary. The
// result's PostgreSQL type is recorded for pgTypeOf (dateTypes), which
// cannot tell an integer operand from an interval without binding again.
func (b *binder) dateArith(s *scope, e *ast.BinaryOperationExpr, l, r exec.Expr) (x exec.Expr, ok bool, err error) {
	if e.Op != opcode.Plus && e.Op != opcode.Minus {
		return nil, false, nil
	}
	lt, rt := l.Type().ID(), r.Type().ID()
	isDate := func(side ast.ExprNode, x exec.Expr) bool {
		q := &selectBinder{b: b, in: s}
		return q.pgTypeOf(side, x) == 1082
	}
	rDate := false // r is a literal read as a date here
	if u, ok := r.(*unknownLit); ok && e.Op == opcode.Minus && lt == arrow.TIMESTAMP && u.param == 0 {
		// ts - '2016-01-01' is the time between (PostgreSQL reads the
		// literal as the left side's type); a literal that reads as an
		// interval ('1 day') stays one, as Strata has always taken it.
		if _, err := exec.ParseInterval(u.V.(string)); err != nil {
			if isDate(e.L, l) {
				if r, err = b.castDate(r); err != nil {
					return nil, true, err
				}
				rDate = true
			} else {
				if r, err = b.coerce(r, exec.TypeTimestamptz); err != nil {
					return nil, true, err
				}
				x, err := b.arith(exec.Sub, l, r)
				return x, true, err
			}
			rt = r.Type().ID()
		}
	}
	day := &exec.Literal{V: arrow.MonthDayNanoInterval{Days: 1}, DT: exec.TypeInterval}
	switch {
	case lt == arrow.TIMESTAMP && rt == arrow.INT64 && isDate(e.L, l):
		n, err := b.arith(exec.Mul, r, day)
		if err != nil {
			return nil, true, err
		}
		op := exec.Add
		if e.Op == opcode.Minus {
			op = exec.Sub
		}
		x, err = b.arith(op, l, n)
		b.dateType(e, 1082)
		return x, true, err
	case lt == arrow.INT64 && rt == arrow.TIMESTAMP && e.Op == opcode.Plus && isDate(e.R, r):
		n, err := b.arith(exec.Mul, l, day)
		if err != nil {
			return nil, true, err
		}
		x, err = b.arith(exec.Add, r, n)
		b.dateType(e, 1082)
		return x, true, err
	case lt == arrow.TIMESTAMP && rt == arrow.TIMESTAMP && e.Op == opcode.Minus && isDate(e.L, l) && (rDate || isDate(e.R, r)):
		// Both are midnights in the session's zone: the instants differ by
		// whole days but for a daylight-saving hour, which rounding drops.
		diff, err := b.arith(exec.Sub, l, r)
		if err != nil {
			return nil, true, err
		}
		secs, err := b.call("date_part", []exec.Expr{&exec.Literal{V: "epoch", DT: exec.TypeText}, diff})
		if err != nil {
			return nil, true, err
		}
		days, err := b.arith(exec.Div, secs, &exec.Literal{V: float64(86400), DT: exec.TypeFloat})
		if err != nil {
			return nil, true, err
		}
		if days, err = b.call("round", []exec.Expr{days}); err != nil {
			return nil, true, err
		}
		x, err = b.fold(&exec.Cast{X: days, To: exec.TypeInt})
		b.dateType(e, 23)
		return x, true, err
	}
	return nil, false, nil
}

// dateType records the PostgreSQL type of a date arithmetic expression.
func (b *binder) dateType(e *ast.BinaryOperationExpr, pg uint32) {
	if b.dateTypes == nil {
		b.dateTypes = map[*ast.BinaryOperationExpr]uint32{}
	}
	b.dateTypes[e] = pg
}

// datePGType is the PostgreSQL type of + or - with a date operand (l or r
// is 1082): what dateArith recorded (date ± integer is a date, date - date
// an integer), else date ± interval, a timestamp without time zone.
func (q *selectBinder) datePGType(e *ast.BinaryOperationExpr, x exec.Expr, l, r uint32) uint32 {
	if pg, ok := q.b.dateTypes[e]; ok {
		return narrowPG(pg, x.Type())
	}
	if (e.Op == opcode.Plus || e.Op == opcode.Minus) && l != r && x.Type().ID() == arrow.TIMESTAMP {
		return narrowPG(1114, x.Type())
	}
	return 0
}

// atTimeZone binds x AT TIME ZONE zone: a timestamptz (or date, or text
// read as a timestamptz) becomes the timestamp zone's clocks show at that
// instant; a timestamp becomes the instant at which they show it.
func (b *binder) atTimeZone(s *scope, xAST ast.ExprNode, x, zone exec.Expr) (exec.Expr, error) {
	if b.isTime(s, xAST, x) {
		return nil, notSupported("time with time zone (a time AT TIME ZONE)")
	}
	fn := "__at_time_zone_wall"
	if (&selectBinder{b: b, in: s}).pgTypeOf(xAST, x) == 1114 {
		fn = "__at_time_zone_instant"
	}
	x, err := b.coerce(x, exec.TypeTimestamptz)
	if err != nil {
		return nil, err
	}
	zone = settle(zone)
	switch id := zone.Type().ID(); {
	case id == arrow.NULL:
		zone = &exec.Literal{V: nil, DT: exec.TypeText}
	case !exec.IsText(zone.Type()) && id != arrow.INTERVAL_MONTH_DAY_NANO:
		return nil, errorf(CodeDatatype, "time zone must be text or an interval, not %s", exec.SQLTypeName(zone.Type()))
	}
	return b.call(fn, []exec.Expr{zone, x})
}

// atTimeZonePG is the type of x AT TIME ZONE zone (or timezone(zone, x)):
// timestamp from a timestamptz, timestamptz (0) from a timestamp.
func (q *selectBinder) atTimeZonePG(xAST ast.ExprNode, x exec.Expr) uint32 {
	if q.pgTypeOf(xAST, x) == 1114 {
		return 0
	}
	return narrowPG(1114, x.Type())
}

// wallClockBuckets gives time_bucket (and time_bucket_gapfill) of a date
// or a timestamp without time zone the session's time zone, outside UTC:
// such values are held as the instants of their readings there, and
// TimescaleDB buckets the readings (midnight to midnight, from the
// origin's reading). A time zone or origin given stays.
func (b *binder) wallClockBuckets(s *scope, name string, xAST ast.ExprNode, args []exec.Expr) []exec.Expr {
	loc := b.ctx.Location
	if loc == nil || loc.String() == "UTC" {
		return args
	}
	if pg := (&selectBinder{b: b, in: s}).pgTypeOf(xAST, args[1]); pg != 1082 && pg != 1114 {
		return args
	}
	zone := &exec.Literal{V: loc.String(), DT: exec.TypeText}
	switch {
	case len(args) > 2 && isTextValued(args[2]):
		return args // a zone of its own
	case name == "time_bucket" && len(args) == 3 && args[2].Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO:
		// (width, ts, offset): (width, ts, zone, no origin, offset)
		return []exec.Expr{args[0], args[1], zone, &exec.Literal{V: nil, DT: exec.TypeTimestamptz}, args[2]}
	case name == "time_bucket" && len(args) == 3 && args[2].Type().ID() == arrow.TIMESTAMP:
		// (width, ts, origin): (width, ts, zone, origin), the origin's
		// reading held as the timestamps' are.
		return []exec.Expr{args[0], args[1], zone, args[2]}
	case name == "time_bucket" && len(args) > 2:
		return args
	}
	return append([]exec.Expr{args[0], args[1], zone}, args[2:]...)
}
