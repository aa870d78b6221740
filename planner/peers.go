package planner

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
)

// The types Strata holds in another engine type and tells apart by their
// PostgreSQL type alone (time as an interval, json and jsonb as text)
// must be resolved as PostgreSQL resolves a construct's common type: a
// quoted constant among them is read as one of them ('9:30 PM' beside a
// time, '{"a": 1}' beside jsonb), and one of them beside another type is
// an error (time and interval, jsonb and text, json and jsonb: different
// type categories or no implicit cast), where the engine types alone
// would mix them.

// heldType is the PostgreSQL type of x (from e) when it is one of those
// (pgTime, pgJSON, pgJSONB), else 0.
func (b *binder) heldType(s *scope, e ast.ExprNode, x exec.Expr) uint32 {
	if e == nil {
		return 0
	}
	if b.isTime(s, e, x) {
		return pgTime
	}
	return b.jsonOf(s, e, x)
}

// heldTypeName names a held type, or x's type, for messages.
func (b *binder) heldTypeName(s *scope, e ast.ExprNode, x exec.Expr, held uint32) string {
	switch held {
	case pgTime:
		return "time without time zone"
	case pgJSON, pgJSONB:
		return jsonTypeName(held)
	}
	return b.pgTypeName(s, e, x)
}

// readAs is constant x read as held type t.
func (b *binder) readAs(s *scope, x exec.Expr, t uint32) (exec.Expr, error) {
	if t == pgTime {
		tx, err := b.timeLiteralPeer(x)
		if err != nil || tx == x {
			return tx, err
		}
		return timeTyped(tx), nil
	}
	return b.castJSON(s, nil, x, t)
}

// heldPeers resolves the values of one construct (COALESCE's arguments,
// CASE's results) in the order PostgreSQL resolves their types (order;
// nil: as given): when one is a time, json or jsonb, the quoted constants
// among xs (from es) are read as that type, and a value of another type
// is what names the error. what names the construct.
func (b *binder) heldPeers(s *scope, what string, es []ast.ExprNode, xs []exec.Expr, order []int) error {
	if order == nil {
		order = make([]int, len(xs))
		for i := range order {
			order[i] = i
		}
	}
	if ok, err := b.heldArrays(s, what, es, xs); ok || err != nil {
		return err
	}
	if err := b.alignTimes(s, es, xs); err != nil {
		return err
	}
	held := uint32(0)
	first, firstHeld, seen := "", uint32(0), false
	for _, i := range order {
		x := xs[i]
		if x == nil || i >= len(es) || es[i] == nil {
			continue
		}
		if _, u := x.(*unknownLit); u || x.Type().ID() == arrow.NULL {
			continue
		}
		h := b.heldType(s, es[i], x)
		name := b.heldTypeName(s, es[i], x, h)
		if !seen {
			first, firstHeld, seen = name, h, true
		} else if (h != 0 || firstHeld != 0) && h != firstHeld {
			return errorf(CodeDatatype, "%s types %s and %s cannot be matched", what, first, name)
		}
		if h != 0 {
			held = h
		}
	}
	if held == 0 {
		return nil
	}
	for i, x := range xs {
		if x == nil {
			continue
		}
		if _, u := x.(*unknownLit); !u && x.Type().ID() != arrow.NULL {
			continue
		}
		t, err := b.readAs(s, x, held)
		if err != nil {
			return err
		}
		xs[i] = t
	}
	return nil
}

// heldPeer reads constant x as the held type of peer (from e), as a
// comparison, IN list or NULLIF reads its other side; other values are
// returned as they are.
func (b *binder) heldPeer(s *scope, e ast.ExprNode, peer, x exec.Expr) (exec.Expr, error) {
	if _, u := x.(*unknownLit); !u {
		return x, nil
	}
	if peer.Type().ID() == arrow.FLOAT64 && (&selectBinder{b: b, in: s}).pgTypeOf(e, peer) == 700 {
		return b.asFloat4(x) // a real's peer '0.1' is a real
	}
	t := b.heldType(s, e, peer)
	if t == 0 {
		return x, nil
	}
	return b.readAs(s, x, t)
}

// heldArrays resolves xs (from es) when one is an array: quoted constants
// become arrays of its element type ('{1,2}' beside ARRAY[3]), constant
// arrays their text, and all are typed as the arrays' common type; ok is
// false when none is an array.
func (b *binder) heldArrays(s *scope, what string, es []ast.ExprNode, xs []exec.Expr) (ok bool, err error) {
	var at []int
	var arrays []exec.Expr
	for i, x := range xs {
		if x == nil {
			continue
		}
		var e ast.ExprNode
		if i < len(es) {
			e = es[i]
		}
		at = append(at, i)
		arrays = append(arrays, b.arrayTyped(s, e, x))
	}
	out, pg, _, ok, bad, err := b.arrayOperands(arrays, true)
	if !ok || err != nil {
		return ok, err
	}
	if bad >= 0 {
		return true, errorf(CodeDatatype, "%s types %s and %s cannot be matched", what, typeName(int64(firstArrayType(arrays))), arrayTypeName(arrays[bad]))
	}
	for j, i := range at {
		xs[i] = &typedExpr{x: out[j], pg: pg}
	}
	return true, nil
}
