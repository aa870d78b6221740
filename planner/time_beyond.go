package planner

import (
	"errors"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// timeBeyond is a constant finite time outside the times Strata holds
// ('0001-01-01', '3000-01-01'::date; 'infinity' and '-infinity' are held
// values). Queries use such times as bounds that every time passes (time >
// '0001-01-01', time < '9999-12-31'), and PostgreSQL, which holds them,
// answers those: decideBeyond decides each comparison with one. Anywhere
// else its value is needed, evaluating it is the error that says it cannot
// be held.
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
		return "'(before 1677-09-21)'"
	}
	return "'(after 2262-04-11)'"
}

// BeyondTimeParam is a time parameter outside the times Strata holds
// (year 1): it binds to the placeholder below, which comparisons
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

// decideBeyond is l op r when one side is a time beyond those held. Such a
// time lies between every time held and the infinity on its side
// ('0001-01-01' between '-infinity' and the first time held): against a
// held time it is one answer (x > '0001-01-01' is true), against that
// infinity the other, NULL where the other side is NULL. ok is false when
// neither side is beyond, or both are on the same side (then their values
// are needed, and evaluating fails).
func decideBeyond(op exec.CmpOp, l, r exec.Expr) (exec.Expr, bool) {
	lb, lok := l.(*timeBeyond)
	rb, rok := r.(*timeBeyond)
	// c is the three-way comparison of l with r when the other side is a
	// time held; against the infinity beyond b it is -c.
	var c int
	var other exec.Expr
	var b *timeBeyond
	switch {
	case lok && rok:
		if lb.below == rb.below {
			return nil, false
		}
		return &exec.Literal{V: op.Holds(side(!lb.below)), DT: exec.TypeBool}, true
	case lok:
		c, other, b = side(!lb.below), r, lb
	case rok:
		c, other, b = side(rb.below), l, rb
	default:
		return nil, false
	}
	null := &exec.Literal{V: nil, DT: exec.TypeBool}
	held, inf := op.Holds(c), op.Holds(-c)
	switch {
	case held && inf:
		return &exec.Logic{Op: exec.Or, L: &exec.IsNull{X: settle(other), Negate: true}, R: null}, true
	case !held && !inf:
		return &exec.Logic{Op: exec.And, L: &exec.IsNull{X: settle(other)}, R: null}, true
	}
	infinity := exec.TimeInfinity
	if b.below {
		infinity = exec.TimeNegInfinity
	}
	eq := exec.Ne // true for the times held only
	if inf {
		eq = exec.Eq // true for the infinity only
	}
	return &exec.Compare{Op: eq, L: settle(other), R: &exec.Literal{V: exec.Timestamp(infinity), DT: b.dt}}, true
}

// side is 1 when up, else -1.
func side(up bool) int {
	if up {
		return 1
	}
	return -1
}
