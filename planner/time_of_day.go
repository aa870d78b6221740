package planner

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
)

// PostgreSQL's time (without time zone) is held as an interval of the time
// since midnight (exec.TimeOfDay) and reported as type time (OID 1083):
// intervals of that range compare, sort, group and print as times do. The
// operations where a time is not such an interval are bound here: casts
// to time, time ± interval (wrapping around midnight), time + time
// (refused), literals compared with a time (read as times: '9:30 PM'),
// and EXTRACT of fields a time has not.

// pgTime is the OID of time without time zone.
const pgTime = 1083

// timeTyped marks x as a time.
func timeTyped(x exec.Expr) exec.Expr { return &typedExpr{x: x, pg: pgTime} }

// isTime reports whether bound x (from e) is a time.
func (b *binder) isTime(s *scope, e ast.ExprNode, x exec.Expr) bool {
	dt := x.Type() // nil: a parameter whose type is not known yet
	return dt != nil && dt.ID() == arrow.INTERVAL_MONTH_DAY_NANO && (&selectBinder{b: b, in: s}).pgTypeOf(e, x) == pgTime
}

// timePrecision is p of time(p), -1 without one.
func timePrecision(typ string) (int, bool) {
	if typ == "time" {
		return -1, true
	}
	inner, ok := strings.CutPrefix(typ, "time(")
	if !ok || !strings.HasSuffix(inner, ")") {
		return 0, false
	}
	p, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(inner, ")")))
	if err != nil {
		return 0, false
	}
	return p, true
}

// castTime is x::time (x::time(p) with p >= 0): text read as a time, a
// timestamp's or timestamptz's time of day on the session's clock, an
// interval's time part wrapped into a day.
func (b *binder) castTime(s *scope, xAST ast.ExprNode, x exec.Expr, prec int) (exec.Expr, error) {
	if prec > 6 {
		prec = 6 // PostgreSQL warns and uses 6
	}
	if prec < -1 {
		return nil, errorf("22023", "TIME(%d) precision must not be negative", prec)
	}
	var t exec.Expr
	var err error
	switch u, ok := x.(*unknownLit); {
	case ok && u.param > 0:
		if b.ppg != nil && b.ptypes[u.param-1] == nil {
			b.ppg[u.param-1] = pgTime // $1::time: Describe reports time
		}
		if s, isText := u.V.(string); isText && !b.describe {
			t, err = b.timeLiteral(s)
		} else {
			t, err = b.coerce(x, exec.TypeInterval)
		}
	case ok:
		if s, isText := u.V.(string); isText {
			t, err = b.timeLiteral(s)
		} else {
			t, err = b.coerce(x, exec.TypeInterval) // NULL
		}
	case x.Type().ID() == arrow.NULL:
		t = &exec.Literal{V: nil, DT: exec.TypeInterval}
	case exec.IsText(x.Type()):
		t, err = b.call("__parse_time", []exec.Expr{x})
	case x.Type().ID() == arrow.TIMESTAMP:
		switch (&selectBinder{b: b, in: s}).pgTypeOf(xAST, x) {
		case 1082:
			return nil, errorf(CodeCannotCoerce, "cannot cast type date to time without time zone")
		case 1114:
			t, err = b.wallCall("__time_of_day", []exec.Expr{x}) // the reading's
		default:
			t, err = b.call("__time_of_day", []exec.Expr{x})
		}
	case x.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO:
		if b.isTime(s, xAST, x) {
			t = x
		} else {
			t, err = b.call("__interval_time", []exec.Expr{x})
		}
	default:
		name := exec.SQLTypeName(x.Type())
		if pg := (&selectBinder{b: b, in: s}).pgTypeOf(xAST, x); pg == 21 || pg == 23 {
			name = map[uint32]string{21: "smallint", 23: "integer"}[pg]
		}
		return nil, errorf(CodeCannotCoerce, "cannot cast type %s to time without time zone", name)
	}
	if err != nil {
		return nil, err
	}
	if prec >= 0 && prec < 6 {
		if t, err = b.call("__time_round", []exec.Expr{t, integer(int64(prec))}); err != nil {
			return nil, err
		}
	}
	return timeTyped(t), nil
}

// timeLiteral is a constant read as a time.
func (b *binder) timeLiteral(s string) (exec.Expr, error) {
	ns, err := exec.ParseTimeOfDay(s, b.ctx.Location, b.ctx.Now)
	if err != nil {
		code := "22007"
		if strings.HasPrefix(err.Error(), "date/time field value out of range") || strings.HasPrefix(err.Error(), "time zone displacement") {
			code = "22008"
		}
		return nil, errorf(code, "%v", err)
	}
	return &exec.Literal{V: exec.TimeOfDay(ns), DT: exec.TypeInterval}, nil
}

// timeLiteralPeer reads a constant compared with a time as a time, as
// PostgreSQL resolves the unknown side to the other's type; a parameter
// there is described as a time. Other values are returned as they are.
func (b *binder) timeLiteralPeer(x exec.Expr) (exec.Expr, error) {
	u, ok := x.(*unknownLit)
	if !ok {
		return x, nil
	}
	if u.param > 0 && b.ppg != nil && b.ptypes[u.param-1] == nil {
		b.ppg[u.param-1] = pgTime
	}
	s, isText := u.V.(string)
	if !isText || b.describe && u.param > 0 {
		return x, nil
	}
	return b.timeLiteral(s)
}

// timeArith binds time ± interval (a time, wrapping around midnight:
// months and days do not move it), interval + time, and refuses time +
// time; ok is false for the other operations, which hold for times as
// for the intervals they are held as (time - time is the interval
// between; date + time a timestamp).
func (b *binder) timeArith(s *scope, e *ast.BinaryOperationExpr, l, r exec.Expr) (x exec.Expr, ok bool, err error) {
	if e.Op != opcode.Plus && e.Op != opcode.Minus {
		return nil, false, nil
	}
	lt, rt := b.isTime(s, e.L, l), b.isTime(s, e.R, r)
	if !lt && !rt {
		return nil, false, nil
	}
	isInterval := func(x exec.Expr) bool {
		_, u := x.(*unknownLit)
		return u && e.Op == opcode.Plus || x.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO
	}
	if _, u := r.(*unknownLit); lt && u && e.Op == opcode.Minus {
		// time - '10:30' is time - time (PostgreSQL resolves the constant
		// to time): the interval between.
		t, err := b.timeLiteralPeer(r)
		if err != nil {
			return nil, true, err
		}
		if t, err = b.coerce(t, exec.TypeInterval); err != nil {
			return nil, true, err
		}
		x, err := b.arith(exec.Sub, l, t)
		return x, true, err
	}
	switch {
	case lt && rt && e.Op == opcode.Plus:
		return nil, true, errorf("42725", "operator is not unique: time without time zone + time without time zone")
	case lt && !rt && isInterval(r):
		if r, err = b.coerce(r, exec.TypeInterval); err != nil {
			return nil, true, err
		}
		sign := int64(1)
		if e.Op == opcode.Minus {
			sign = -1
		}
		x, err = b.call("__time_add", []exec.Expr{l, r, integer(sign)})
	case rt && !lt && isInterval(l) && e.Op == opcode.Plus:
		if l, err = b.coerce(l, exec.TypeInterval); err != nil {
			return nil, true, err
		}
		x, err = b.call("__time_add", []exec.Expr{r, l, integer(1)})
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	b.dateType(e, pgTime)
	return timeTyped(x), true, nil
}

// dateFields are the fields (and their abbreviations) EXTRACT and
// date_part take from dates and timestamps but not from a time.
var dateFields = map[string]bool{
	"day": true, "days": true, "d": true, "week": true, "weeks": true, "w": true,
	"month": true, "months": true, "mon": true, "mons": true, "year": true, "years": true, "y": true, "yr": true, "yrs": true,
	"dow": true, "doy": true, "isodow": true, "isoyear": true, "quarter": true, "qtr": true,
	"decade": true, "decades": true, "dec": true, "century": true, "centuries": true, "c": true, "cent": true,
	"millennium": true, "millennia": true, "mil": true, "mils": true, "julian": true, "j": true,
	"timezone": true, "timezone_hour": true, "timezone_minute": true,
}

// checkTimeField refuses EXTRACT(field FROM time) for fields a time has not
// (day, month, ...), which an interval would answer with 0.
func checkTimeField(field exec.Expr) error {
	l, ok := settle(field).(*exec.Literal)
	if !ok {
		return nil
	}
	f, ok := l.V.(string)
	if !ok || !dateFields[strings.ToLower(f)] {
		return nil
	}
	return errorf(CodeNotSupported, "unit %q not supported for type time without time zone", strings.ToLower(f))
}
