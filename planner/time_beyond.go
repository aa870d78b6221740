package planner

import (
	"errors"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// timeBeyond is a constant time outside the times Strata holds
// ('-infinity', 'infinity', '0001-01-01', '3000-01-01'::date). Queries use
// such times as bounds that every time passes (time > '-infinity', time <
// '9999-12-31'), and PostgreSQL, which holds them, answers those: compare
// decides each comparison with one for every time held. Anywhere else its
// value is needed, evaluating it is the error that says it cannot be held.
type timeBeyond struct {
	below bool // before the first time held, else after the last
	err   error
	dt    arrow.DataType
}

func (t *timeBeyond) Type() arrow.DataType { return t.dt }
func (t *timeBeyond) Eval(*exec.Ctx, arrow.Record) (arrow.Array, error) {
	return nil, t.err
}
func (t *timeBeyond) String() string {
	if t.below {
		return "'-infinity'"
	}
	return "'infinity'"
}

// BeyondTimeParam is a time parameter outside the times Strata holds
// (infinity, year 1): it binds to the placeholder below, which comparisons
// decide; Err is what using its value says.
type BeyondTimeParam struct {
	Below bool
	Err   string
}

// placeholder is the timeBeyond a BeyondTimeParam binds to.
func (p BeyondTimeParam) placeholder(dt arrow.DataType) *timeBeyond {
	return &timeBeyond{below: p.Below, err: errorf(CodeDatetimeOverflow, "%s", p.Err), dt: dt}
}

// beyondTimes is the placeholder for a literal that cast to a time fails
// with err, when err says the time is beyond those held.
func beyondTimes(err error, dt arrow.DataType) (exec.Expr, bool) {
	var b *exec.BeyondTimesError
	if !errors.As(err, &b) {
		return nil, false
	}
	return &timeBeyond{below: b.Below, err: errorf(CodeDatetimeOverflow, "%v", err), dt: dt}, true
}

// decideBeyond is l op r when one side is a time beyond those held: against
// every time held it is one answer (x < 'infinity' is true), NULL where the
// other side is NULL. ok is false when neither side is beyond, or both are on
// the same side (then their values are needed, and evaluating fails).
func decideBeyond(op exec.CmpOp, l, r exec.Expr) (exec.Expr, bool) {
	lb, lok := l.(*timeBeyond)
	rb, rok := r.(*timeBeyond)
	// c is the three-way comparison of l with r.
	var c int
	var other exec.Expr
	switch {
	case lok && rok:
		if lb.below == rb.below {
			return nil, false
		}
		return &exec.Literal{V: op.Holds(side(!lb.below)), DT: exec.TypeBool}, true
	case lok:
		c, other = side(!lb.below), r
	case rok:
		c, other = side(rb.below), l
	default:
		return nil, false
	}
	null := &exec.Literal{V: nil, DT: exec.TypeBool}
	if op.Holds(c) {
		return &exec.Logic{Op: exec.Or, L: &exec.IsNull{X: settle(other), Negate: true}, R: null}, true
	}
	return &exec.Logic{Op: exec.And, L: &exec.IsNull{X: settle(other)}, R: null}, true
}

// side is 1 when up, else -1.
func side(up bool) int {
	if up {
		return 1
	}
	return -1
}
