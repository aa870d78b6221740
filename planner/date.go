package planner

import (
	"errors"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
)

// Dates are held as timestamptz: the midnight that starts the day in the
// session's time zone, so comparisons with timestamptz values (time >=
// '2016-01-01'::date) mean what they mean in PostgreSQL, and shown as
// YYYY-MM-DD (Column.PGType 1082). A timestamp without time zone is held as
// the instant of its wall-clock reading in the session's zone and shown
// without an offset (1114).

// castDate is x::date: x as a timestamptz (text is parsed), truncated to
// the start of its day in the session's time zone; from (a PostgreSQL
// type) says when x is a timestamp without time zone, whose reading's day
// it is.
func (b *binder) castDate(x exec.Expr, from uint32) (exec.Expr, error) {
	if from == 1114 && x.Type().ID() == arrow.TIMESTAMP {
		day, err := b.wallCall("date_trunc", []exec.Expr{&exec.Literal{V: "day", DT: exec.TypeText}, x})
		if err != nil {
			return nil, err
		}
		inst, err := b.toInstant(day)
		if t, ok := inst.(*typedExpr); ok {
			return &typedExpr{x: t.x, pg: 1082}, nil // the day's start, a date
		}
		return inst, err
	}
	// Text is read as a wall-clock reading: its date as written, whatever
	// offset follows the time ('2016-01-02 03:04+05:30'::date is
	// 2016-01-02), as PostgreSQL's date input does.
	if u, ok := x.(*unknownLit); ok && !(b.describe && u.param > 0) {
		if _, isText := u.V.(string); isText {
			ts, err := b.readingLiteral(u, exec.ParseWallClock) // its day's start in the session's zone
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
// zone, of the numerics of a known scale (2.50) and of the reals among
// args in their place (concat, ||, format).
func (b *binder) wallClockArgs(s *scope, es []ast.ExprNode, args []exec.Expr) error {
	for i, a := range args {
		t, ok, err := b.wallClockText(s, es[i], a)
		if err != nil {
			return err
		}
		if ok {
			args[i] = t
		} else if t, ok := b.numberText(s, es[i], a); ok {
			args[i] = t // 'x' || 2.50 is x2.50, 'x' || 0.3::real x0.3
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
				if r, err = b.castDate(r, 0); err != nil {
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
// the session's time zone, outside UTC: a date is held as the instant its
// day starts there, and TimescaleDB buckets the readings (midnight to
// midnight, from the origin's reading). A time zone or origin given stays.
func (b *binder) wallClockBuckets(s *scope, name string, xAST ast.ExprNode, args []exec.Expr) []exec.Expr {
	loc := b.ctx.Location
	if loc == nil || loc.String() == "UTC" {
		return args
	}
	if pg := (&selectBinder{b: b, in: s}).pgTypeOf(xAST, args[1]); pg != 1082 {
		return args // a timestamp's reading is bucketed in UTC (readsWallClock)
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

// Timestamps without time zone are held as their readings taken as UTC
// instants (2024-03-10 02:30 is 2024-03-10 02:30Z in any session zone), so
// their arithmetic, fields and text are the reading's, as in PostgreSQL,
// across daylight-saving changes too; dates and timestamptz values are
// instants. Where the two meet, the session's zone converts.

// toWall is x, a timestamptz or a date (instants), as the timestamp
// without time zone the session zone's clocks read then.
func (b *binder) toWall(x exec.Expr) (exec.Expr, error) {
	if _, ok := x.(*timeBeyond); ok {
		return x, nil // as far beyond in any zone
	}
	if b.sessionUTC() && x.Type().ID() == arrow.TIMESTAMP {
		return &typedExpr{x: x, pg: 1114}, nil // UTC's clocks read the instant
	}
	x, err := b.call("__to_wall", []exec.Expr{settle(x)})
	if err != nil {
		return nil, err
	}
	return &typedExpr{x: x, pg: 1114}, nil
}

// utcNames are the names of the zones that are UTC at every instant.
var utcNames = map[string]bool{"UTC": true, "Etc/UTC": true, "UCT": true, "Etc/UCT": true, "Universal": true, "Etc/Universal": true,
	"Zulu": true, "Etc/Zulu": true, "GMT": true, "Etc/GMT": true, "GMT0": true, "Etc/GMT0": true, "Etc/GMT+0": true, "Etc/GMT-0": true,
	"Greenwich": true, "Etc/Greenwich": true}

// sessionUTC reports whether the session's time zone is UTC, where a
// timestamp without time zone and the instant its reading names are the
// same value: toWall and toInstant are then bound as nothing, so a
// comparison of such a time column with an instant (time > now() -
// interval '1 hour') is one of the column and prunes the scan. A plan
// binds in its session's zone (SET TIME ZONE binds the next anew).
func (b *binder) sessionUTC() bool {
	return b.sess == nil || isUTC(b.sess.Location) // sessionless, the engine reads in UTC
}

// isUTC reports whether loc (nil: UTC) is UTC at every instant.
func isUTC(loc *time.Location) bool { return loc == nil || loc == time.UTC || utcNames[loc.String()] }

// toInstant is x, a timestamp without time zone, as the instant at which
// the session zone's clocks read it (a timestamptz).
func (b *binder) toInstant(x exec.Expr) (exec.Expr, error) {
	if _, ok := x.(*timeBeyond); ok {
		return x, nil
	}
	if b.sessionUTC() && x.Type().ID() == arrow.TIMESTAMP {
		return &typedExpr{x: x, pg: 1184}, nil // the instant UTC's clocks read so
	}
	x, err := b.call("__to_instant", []exec.Expr{settle(x)})
	if err != nil {
		return nil, err
	}
	return &typedExpr{x: x, pg: 1184}, nil
}

// quotedReading is x, a quoted text constant, read as a timestamp without
// time zone; ok is false for other values (and a $n being described).
func (b *binder) quotedReading(x exec.Expr) (y exec.Expr, ok bool, err error) {
	u, isU := x.(*unknownLit)
	if !isU || b.describe && u.param > 0 {
		return x, false, nil
	}
	if _, text := u.V.(string); !text {
		return x, false, nil
	}
	y, err = b.wallClockLiteral(u)
	return y, true, err
}

// wallCall is function name over args, evaluated in UTC: a timestamp
// without time zone's fields, truncation and steps are its reading's.
func (b *binder) wallCall(name string, args []exec.Expr) (exec.Expr, error) {
	b.utc = true
	defer func() { b.utc = false }()
	return b.call(name, args)
}

// convertTime is x, of PostgreSQL type from (a date, timestamp or
// timestamptz), as a value of type to: the casts between a timestamp
// without time zone and the instants.
func (b *binder) convertTime(x exec.Expr, from, to uint32) (exec.Expr, error) {
	switch {
	case from == to, x.Type().ID() != arrow.TIMESTAMP:
		return x, nil
	case to == 1114:
		return b.toWall(x)
	case from == 1114 && to == 1082:
		return b.castDate(x, from)
	case from == 1114:
		return b.toInstant(x)
	}
	return x, nil
}

// wallClockOp binds the operators where a timestamp without time zone
// meets an instant: compared with (or subtracted from) a timestamptz it
// becomes one, a date beside it becomes a timestamp (PostgreSQL's implicit
// casts), and a quoted constant beside it is read as a timestamp. A
// timestamp (or a date) ± interval steps the reading in UTC; ok says x is
// that arithmetic, bound.
func (b *binder) wallClockOp(s *scope, e *ast.BinaryOperationExpr, lp, rp *exec.Expr) (x exec.Expr, ok bool, err error) {
	l, r := *lp, *rp
	compare := false
	switch e.Op {
	case opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE, opcode.NullEQ:
		compare = true
	case opcode.Plus, opcode.Minus:
	default:
		return nil, false, nil
	}
	q := &selectBinder{b: b, in: s}
	lt, rt := q.timeKind(e.L, l), q.timeKind(e.R, r)
	if lt != 1114 && rt != 1114 {
		if e.Op == opcode.Plus || e.Op == opcode.Minus {
			// date ± interval is a timestamp: the date's midnight reading
			// stepped in UTC.
			switch {
			case lt == 1082 && r.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO:
				if l, err = b.toWall(l); err != nil {
					return nil, true, err
				}
				x, err = b.wallArithOp(e.Op, l, r)
				return x, true, err
			case rt == 1082 && l.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO && e.Op == opcode.Plus:
				if r, err = b.toWall(r); err != nil {
					return nil, true, err
				}
				x, err = b.wallArithOp(e.Op, l, r)
				return x, true, err
			}
		}
		return nil, false, nil
	}
	// A quoted constant beside a timestamp: a timestamp ('2024-03-10
	// 02:30'), or an interval after + and - ('1 day').
	read := [2]bool{} // a side read as a timestamp here
	for k, side := range []struct {
		x     *exec.Expr
		other uint32
		right bool
	}{{&l, rt, false}, {&r, lt, true}} {
		if side.other != 1114 {
			continue
		}
		if u, isU := (*side.x).(*unknownLit); isU && !compare {
			// After + or -: an interval, but for what reads only as a
			// timestamp after a minus ('2024-03-10').
			str, _ := u.V.(string)
			if _, perr := exec.ParseInterval(str); perr == nil || e.Op == opcode.Plus || !side.right {
				continue // arith reads it as an interval
			}
		}
		if *side.x, read[k], err = b.quotedReading(*side.x); err != nil {
			return nil, true, err
		}
	}
	*lp, *rp = l, r
	lt, rt = q.timeKind(e.L, l), q.timeKind(e.R, r)
	if read[0] {
		lt = 1114
	}
	if read[1] {
		rt = 1114
	}
	if !compare && (lt == 1114) != (rt == 1114) && (lt == 0 || rt == 0) {
		// timestamp ± interval, interval + timestamp.
		x, err = b.wallArithOp(e.Op, l, r)
		return x, true, err
	}
	if lt == 0 || rt == 0 || lt == rt {
		return nil, false, nil
	}
	if !compare && e.Op != opcode.Minus {
		return nil, false, nil
	}
	switch {
	case lt == 1114 && rt == 1082:
		*rp, err = b.toWall(r)
	case rt == 1114 && lt == 1082:
		*lp, err = b.toWall(l)
	case lt == 1114:
		*lp, err = b.toInstant(l)
	case rt == 1114:
		*rp, err = b.toInstant(r)
	}
	return nil, false, err
}

// wallArithOp is l op r, a timestamp without time zone ± an interval,
// stepped in UTC.
func (b *binder) wallArithOp(op opcode.Op, l, r exec.Expr) (exec.Expr, error) {
	b.utc = true
	defer func() { b.utc = false }()
	aop := exec.Add
	if op == opcode.Minus {
		aop = exec.Sub
	}
	return b.arith(aop, l, r)
}

// wallClockBetween aligns x BETWEEN lo AND hi as wallClockOp aligns a
// comparison.
func (b *binder) wallClockBetween(s *scope, e *ast.BetweenExpr, x, lo, hi exec.Expr) (exec.Expr, exec.Expr, exec.Expr, error) {
	var err error
	for _, bound := range []*struct {
		ast ast.ExprNode
		x   *exec.Expr
	}{{e.Left, &lo}, {e.Right, &hi}} {
		cmp := &ast.BinaryOperationExpr{Op: opcode.GE, L: e.Expr, R: bound.ast}
		xx := x
		if _, _, err = b.wallClockOp(s, cmp, &xx, bound.x); err != nil {
			return nil, nil, nil, err
		}
		if xx != x {
			x = xx // x converted (a timestamp beside a timestamptz bound)
		}
	}
	return x, lo, hi, nil
}

// wallClockFuncs are the functions that read a timestamp argument's fields
// (by its position), and so read a timestamp without time zone's in UTC.
var wallClockFuncs = map[string]int{"date_trunc": 1, "date_bin": 1, "time_bucket": 1, "time_bucket_gapfill": 1, "age": 0}

// readsWallClock reports whether function name reads the reading of a
// timestamp without time zone among args (from es): its fields, steps and
// truncation are then computed in UTC. A date_trunc given a zone reads an
// instant. date_bin reads a date as a timestamp (its midnight's reading),
// and a quoted origin beside a timestamp as one; args are changed so.
// instant reports that a timestamp argument was converted to the instant
// of its reading instead: the function's result is then a timestamptz.
func (b *binder) readsWallClock(s *scope, name string, es []ast.ExprNode, args []exec.Expr) (wall, instant bool, err error) {
	i, ok := wallClockFuncs[name]
	if !ok || i >= len(args) || i >= len(es) || args[i].Type().ID() != arrow.TIMESTAMP {
		return false, false, nil
	}
	if name == "age" && len(args) == 2 && len(es) == 2 {
		// age(timestamp, timestamptz) is age(timestamptz, timestamptz).
		if err = b.alignTimes(s, es, args); err != nil {
			return false, false, err
		}
	}
	zoned := name == "date_trunc" && len(args) > 2 || strings.HasPrefix(name, "time_bucket") && len(args) > 2 && (isTextValued(args[2]) || b.quotedZone(args[2]))
	q := &selectBinder{b: b, in: s}
	pg := q.pgTypeOf(es[i], args[i])
	// A timestamp binned from a timestamptz origin, or in a zone given,
	// is binned as the instant it reads in the session's zone: PostgreSQL
	// (TimescaleDB) resolves these to the timestamptz function.
	tzOrigin := (pg == 1114 || pg == 1082) && (name == "date_bin" || name == "time_bucket") && len(args) == 3 && len(es) == 3 && q.timeKind(es[2], args[2]) == 1184
	if pg != 1114 && pg != 1082 || zoned || tzOrigin {
		// Binning an instant: a timestamp (the value or an origin) is the
		// instant the session zone's clocks read it, as PostgreSQL casts
		// it.
		for j := i; j < len(args) && j < len(es); j++ {
			if q.timeKind(es[j], args[j]) == 1114 {
				if args[j], err = b.toInstant(args[j]); err != nil {
					return false, false, err
				}
			}
		}
		unwrapTyped(args)
		return false, pg == 1114, nil
	}
	if name != "date_bin" {
		return pg == 1114, false, nil
	}
	if pg == 1082 {
		if args[i], err = b.toWall(args[i]); err != nil {
			return false, false, err
		}
	}
	if len(args) == 3 {
		var quoted bool
		if args[2], quoted, err = b.quotedReading(args[2]); err == nil && !quoted && q.timeKind(es[2], args[2]) == 1082 {
			args[2], err = b.toWall(args[2])
		}
	}
	if err != nil {
		return false, false, err
	}
	unwrapTyped(args)
	return true, false, nil
}

// quotedZone reports whether x is a quoted constant that is no timestamp,
// which time_bucket takes as a time zone's name ('Europe/Berlin').
func (b *binder) quotedZone(x exec.Expr) bool {
	u, ok := x.(*unknownLit)
	if !ok {
		return false
	}
	str, ok := u.V.(string)
	if !ok {
		return false
	}
	_, err := exec.ParseReading(str, b.ctx.Location, b.ctx.Now)
	return err != nil
}

// unwrapTyped takes the PostgreSQL type labels off args passed to a
// function (a time_bucket origin must be a constant).
func unwrapTyped(args []exec.Expr) {
	for j, a := range args {
		if t, ok := a.(*typedExpr); ok {
			args[j] = t.x
		}
	}
}

// timeKind is the PostgreSQL type of x (from e) among date, timestamp and
// timestamptz; 0 for other values (and quoted constants).
func (q *selectBinder) timeKind(e ast.ExprNode, x exec.Expr) uint32 {
	if x == nil || e == nil || x.Type() == nil || x.Type().ID() != arrow.TIMESTAMP {
		return 0
	}
	if _, u := x.(*unknownLit); u {
		return 0
	}
	return timeKindOf(q.pgTypeOf(e, x))
}

// timeKindOf is PostgreSQL type pg of a value held as a timestamp among
// date, timestamp and timestamptz (0: the engine's own, timestamptz); 0
// for others.
func timeKindOf(pg uint32) uint32 {
	switch pg {
	case 1082, 1114:
		return pg
	case 0, 1184:
		return 1184
	}
	return 0
}

// alignTimes gives the dates, timestamps and timestamptz values among xs
// (from es), the values of one construct (ARRAY[...], CASE's results,
// COALESCE's arguments, a VALUES column), their common type where a
// timestamp without time zone is among them, as PostgreSQL casts them:
// dates become timestamps, timestamps timestamptz values beside one;
// quoted constants beside timestamps are read as timestamps.
func (b *binder) alignTimes(s *scope, es []ast.ExprNode, xs []exec.Expr) error {
	q := &selectBinder{b: b, in: s}
	kinds := make([]uint32, len(xs))
	common, wall := uint32(0), false
	for i, x := range xs {
		if i < len(es) {
			kinds[i] = q.timeKind(es[i], x)
		}
		common = max(common, kinds[i]) // 1082 < 1114 < 1184
		wall = wall || kinds[i] == 1114
	}
	if !wall {
		return nil
	}
	for i, x := range xs {
		var err error
		if _, ok := x.(*unknownLit); ok && common == 1114 {
			xs[i], _, err = b.quotedReading(x)
		} else if kinds[i] != 0 && kinds[i] != common {
			xs[i], err = b.convertTime(x, kinds[i], common)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
