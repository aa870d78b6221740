package planner

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// hook lets a caller resolve some AST nodes itself (aggregates and group
// keys in grouped queries); handled=false falls back to ordinary binding.
type hook func(ast.ExprNode) (x exec.Expr, handled bool, err error)

// unknownLit marks string constants whose type is still open, as
// PostgreSQL's "unknown" literals: the context decides (timestamptz when
// compared with time, interval as time_bucket's width, ...).
type unknownLit struct {
	exec.Literal
	param int // n of the $n this is, 0 for a constant
}

func (b *binder) bindExpr(s *scope, e ast.ExprNode) (exec.Expr, error) {
	return b.bindExprHook(s, e, nil)
}

func (b *binder) bindExprHook(s *scope, e ast.ExprNode, h hook) (exec.Expr, error) {
	x, err := b.bindNode(s, e, h)
	if err != nil {
		return nil, err
	}
	return settle(x), nil
}

// settle gives a literal still of unknown type the type text.
func settle(x exec.Expr) exec.Expr {
	if u, ok := x.(*unknownLit); ok {
		return &exec.Literal{V: u.V, DT: exec.TypeText}
	}
	return x
}

// readAsPeer reads the quoted constant u as its peer's PostgreSQL type pg
// where the engine holds that type in a wider one (real, int2, int4); it
// reports whether u is still an unknown.
func (b *binder) readAsPeer(u exec.Expr, pg uint32, peer exec.Expr) (exec.Expr, bool, error) {
	switch {
	case pg == 1114 && peer.Type().ID() == arrow.TIMESTAMP:
		if x, read, err := b.quotedReading(u); read || err != nil {
			return x, false, err
		}
	case pg == 700 && peer.Type().ID() == arrow.FLOAT64:
		x, err := b.asFloat4(u)
		return x, false, err
	case (pg == 21 || pg == 23) && peer.Type().ID() == arrow.INT64:
		x, err := b.coerce(u, exec.TypeInt)
		if err != nil {
			return nil, false, err
		}
		if x, err = b.call(map[uint32]string{21: "__int2", 23: "__int4"}[pg], []exec.Expr{x}); err != nil {
			return nil, false, err
		}
		x, err = b.fold(x)
		return x, false, err
	case pg == 1042 && exec.IsText(peer.Type()):
		// Beside a character(n) value a quoted constant is one too, and
		// its trailing blanks do not count: c = 'ab   ' holds for 'ab'.
		if lit, ok := u.(*unknownLit); ok {
			if v, ok := lit.V.(string); ok && strings.HasSuffix(v, " ") {
				trimmed := *lit
				trimmed.V = strings.TrimRight(v, " ")
				return &trimmed, true, nil
			}
		}
	}
	return u, true, nil
}

// asFloat4 is x read as a real: a float8 rounded to single precision, as
// the engine holds reals.
func (b *binder) asFloat4(x exec.Expr) (exec.Expr, error) {
	x, err := b.coerce(x, exec.TypeFloat)
	if err != nil {
		return nil, err
	}
	if x, err = b.call("__float4", []exec.Expr{x}); err != nil {
		return nil, err
	}
	return b.fold(x)
}

// narrowNumber checks x, computed in bigint, against the range of the int2
// or int4 PostgreSQL type it has (e's type): past it is PostgreSQL's error
// (2147483647 + 1, -(-32768)::int2, (-2147483648)::int4 / -1); x computed
// in float8 from reals is rounded to real (0.1::real + 0.2::real is 0.3).
func (b *binder) narrowNumber(s *scope, e ast.ExprNode, x exec.Expr) (exec.Expr, error) {
	switch x.Type().ID() {
	case arrow.INT64:
		switch (&selectBinder{b: b, in: s}).pgTypeOf(e, x) {
		case 21:
			return b.call("__int2", []exec.Expr{x})
		case 23:
			return b.call("__int4", []exec.Expr{x})
		}
	case arrow.FLOAT64:
		q := &selectBinder{b: b, in: s}
		switch q.pgTypeOf(e, x) {
		case 700:
			return b.call("__float4", []exec.Expr{x}) // real op real is real
		case oidNumericPG:
			return b.snapNumeric(q, e, x)
		}
	}
	return x, nil
}

// snapNumeric moves x, numeric arithmetic (+ - * %) of AST e computed in
// float8, to the decimal of e's scale when that is known (__snap_decimal):
// 0.1 + 0.2 = 0.3 is true, as in PostgreSQL.
func (b *binder) snapNumeric(q *selectBinder, e ast.ExprNode, x exec.Expr) (exec.Expr, error) {
	op, ok := unparen(e).(*ast.BinaryOperationExpr)
	if !ok || x.Type().ID() != arrow.FLOAT64 {
		return x, nil
	}
	switch op.Op {
	case opcode.Plus, opcode.Minus, opcode.Mul, opcode.Mod:
	default:
		return x, nil
	}
	scale := q.numericScale(e)
	if scale < 0 || scale > 15 {
		return x, nil
	}
	y, err := b.call("__snap_decimal", []exec.Expr{x, &exec.Literal{V: int64(scale), DT: exec.TypeInt}})
	if err != nil {
		return nil, err
	}
	return b.fold(y)
}

// snapDynamic is snapNumeric for numeric arithmetic of no fixed scale
// whose operands are still exact decimals, some of per-value places (a
// float8 cast to numeric): __snap_dynamic finds each row's places.
func (b *binder) snapDynamic(s *scope, e *ast.BinaryOperationExpr, x, l, r exec.Expr) (exec.Expr, bool, error) {
	q := &selectBinder{b: b, in: s}
	if x.Type().ID() != arrow.FLOAT64 || q.pgTypeOf(e, x) != oidNumericPG || q.numericScale(e) >= 0 ||
		!q.decimalExact(e.L) || !q.decimalExact(e.R) {
		return nil, false, nil
	}
	lf, err := b.coerce(settle(l), exec.TypeFloat)
	if err != nil {
		return nil, false, nil
	}
	rf, err := b.coerce(settle(r), exec.TypeFloat)
	if err != nil {
		return nil, false, nil
	}
	mul := int64(0)
	if e.Op == opcode.Mul {
		mul = 1
	}
	lit := func(v int64) exec.Expr { return &exec.Literal{V: v, DT: exec.TypeInt} }
	y, err := b.call("__snap_dynamic", []exec.Expr{x, lf, rf, lit(mul), lit(int64(q.numericScale(e.L))), lit(int64(q.numericScale(e.R)))})
	if err != nil {
		return nil, true, err
	}
	y, err = b.fold(y)
	return y, true, err
}

// decimalDivision is x, numeric division of AST e computed in float8
// (l / r), dividing the decimals the operands stand for
// (Arith.DecimalDivision: 3.3 / 1.1 is 3). Operands of no fixed scale are
// read as the decimals their digits show (a column of VALUES (3.3),
// (0.11), a float8 cast to numeric, another quotient): a double whose
// shortest digits are at most 15 is the one nearest that decimal, so
// where it stood for another value the decimals' quotient is still
// within an ulp or so of the floats'.
func (b *binder) decimalDivision(s *scope, e *ast.BinaryOperationExpr, x, l, r exec.Expr) (exec.Expr, error) {
	q := &selectBinder{b: b, in: s}
	if x.Type().ID() != arrow.FLOAT64 || q.pgTypeOf(e, x) != oidNumericPG {
		return x, nil
	}
	sa, sb := q.numericScale(e.L), q.numericScale(e.R)
	switch d := x.(type) {
	case *exec.Arith:
		return d.DecimalDivision(sa, sb), nil
	case *exec.Literal:
		// Folded: divide the constants again, as decimals.
		lf, err := b.coerce(settle(l), exec.TypeFloat)
		if err != nil {
			return x, nil
		}
		rf, err := b.coerce(settle(r), exec.TypeFloat)
		if err != nil {
			return x, nil
		}
		a, err := exec.NewArith(exec.Div, lf, rf)
		if err != nil {
			return x, nil
		}
		return b.fold(a.DecimalDivision(sa, sb))
	}
	return x, nil
}

func (b *binder) bindBool(s *scope, e ast.ExprNode, clause string) (exec.Expr, error) {
	return b.bindBoolHook(s, e, clause, nil)
}

func (b *binder) bindBoolHook(s *scope, e ast.ExprNode, clause string, h hook) (exec.Expr, error) {
	x, err := b.bindNode(s, e, h)
	if err != nil {
		return nil, err
	}
	b2, err := b.coerce(x, exec.TypeBool)
	if err != nil || b2.Type().ID() != exec.TypeBool.ID() {
		return nil, errorf(CodeDatatype, "argument of %s must be type boolean, not type %s", clause, exec.SQLTypeName(settle(x).Type()))
	}
	return b2, nil
}

func (b *binder) bindNode(s *scope, e ast.ExprNode, h hook) (exec.Expr, error) {
	if h != nil {
		if x, handled, err := h(e); handled || err != nil {
			return x, err
		}
	}
	sub := func(e ast.ExprNode) (exec.Expr, error) { return b.bindNode(s, e, h) }
	switch e := e.(type) {
	case *ast.ParenthesesExpr:
		return sub(e.Expr)
	case *ast.ColumnNameExpr:
		if e.Name.Schema.O != "" {
			return nil, notSupported("schema-qualified column names")
		}
		c, err := s.lookup(e.Name.Table.O, e.Name.Name.O)
		if err != nil {
			if b.outer != nil {
				if oc, oerr := b.outer.lookup(e.Name.Table.O, e.Name.Name.O); oerr == nil {
					if oc.ungrouped {
						return nil, errorf(CodeGrouping, "subquery uses ungrouped column %q from outer query", oc.table+"."+oc.name)
					}
					ref := &outerRef{col: b.outer.ref(oc).(*exec.Column)}
					if b.outerHits == nil {
						b.outerHits = map[*scope]int{}
					}
					b.outerHits[b.outer]++
					if b.frame != nil {
						ref.frame, ref.slot = b.frame, b.frame.slot(ref.col)
					}
					x, err := b.readValue(oc, ref)
					return typedColumn(x, oc.pg), err
				}
			}
			for i := len(b.farther) - 1; i >= 0; i-- { // the nearest query first
				far := b.farther[i]
				oc, ferr := far.lookup(e.Name.Table.O, e.Name.Name.O)
				if ferr != nil {
					continue
				}
				frame := b.fartherFrames[i]
				if frame == nil || oc.ungrouped {
					return nil, errNestedOuter
				}
				col := far.ref(oc).(*exec.Column)
				ref := &outerRef{col: col, frame: frame, slot: frame.slot(col), far: true}
				x, err := b.readValue(oc, ref)
				return typedColumn(x, oc.pg), err
			}
			if pe, ok := err.(*Error); ok && pe.missingTable != "" && b.outerHasTable(pe.missingTable) {
				out := *pe // the table is an outer query's, without the column
				out.missingTable = ""
				return nil, &out
			}
			return nil, err
		}
		x, err := b.readValue(c, s.ref(c))
		return typedColumn(x, c.pg), err
	case *driver.ParamMarkerExpr:
		return b.param(e)
	case *driver.ValueExpr:
		return literalOf(e)
	case *ast.BinaryOperationExpr:
		if x, ok, err := b.rowCompare(s, e, h); ok {
			return x, err
		}
		l, err := sub(e.L)
		if err != nil {
			return nil, err
		}
		logic := e.Op == opcode.LogicAnd || e.Op == opcode.LogicOr
		if logic {
			b.lazyFold++ // the right side of AND/OR is reached only by some rows
		}
		r, err := sub(e.R)
		if logic {
			b.lazyFold--
		}
		if err != nil {
			return nil, err
		}
		b.paramBesideInt(s, e, l, r)
		if x, ok, err := b.wallClockOp(s, e, &l, &r); ok || err != nil {
			return x, err
		}
		if x, ok, err := b.timeArith(s, e, l, r); ok {
			return x, err
		}
		if x, ok, err := b.jsonbMinus(s, e, l, r); ok {
			return x, err
		}
		if x, ok, err := b.dateArith(s, e, l, r); ok {
			return x, err
		}
		switch e.Op {
		case opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE, opcode.NullEQ:
			if x, ok, err := b.arrayCompare(e.Op, b.arrayTyped(s, e.L, l), b.arrayTyped(s, e.R, r)); ok {
				return x, err
			}
			if x, ok, err := b.jsonCompare(s, e, l, r); ok {
				return x, err
			}
			// A constant compared with a time is read as one ('9:30 PM').
			if b.isTime(s, e.L, l) {
				r, err = b.timeLiteralPeer(r)
			} else if b.isTime(s, e.R, r) {
				l, err = b.timeLiteralPeer(l)
			}
			if err != nil {
				return nil, err
			}
		}
		_, lu := l.(*unknownLit)
		_, ru := r.(*unknownLit)
		if lu || ru {
			// A quoted constant beside a real is a real: x = '0.1' compares
			// in single precision, as PostgreSQL resolves it.
			// One beside an int2 or int4 is read as one: x = '70000' is
			// out of range for a smallint x.
			q := &selectBinder{b: b, in: s}
			if lu {
				l, lu, err = b.readAsPeer(l, q.pgTypeOf(e.R, r), r)
			} else {
				r, ru, err = b.readAsPeer(r, q.pgTypeOf(e.L, l), l)
			}
			if err != nil {
				return nil, err
			}
		}
		switch e.Op {
		case opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE:
			// x = $1 of a real x: $1 is a real (Describe says so).
			if r, err = b.realParam(s, e.L, l, e.R, r); err != nil {
				return nil, err
			}
			if l, err = b.realParam(s, e.R, r, e.L, l); err != nil {
				return nil, err
			}
		}
		if qr, ok := r.(*quantified); ok {
			// x = ANY(ARRAY[timestamp ...]) of a timestamptz x: the
			// elements (or x) are converted to the type both meet in.
			if l, r, err = b.alignQuantified(s, e.L, l, qr); err != nil {
				return nil, err
			}
		}
		if qr, ok := r.(*quantified); ok && l.Type().ID() == arrow.FLOAT64 && (&selectBinder{b: b, in: s}).pgTypeOf(e.L, l) == 700 {
			// x = ANY('{0.1,0.2}') of a real x: the quoted elements are
			// reals, as x = '0.1' reads its constant.
			c := *qr
			c.elems = slices.Clone(qr.elems)
			for i, el := range c.elems {
				if _, u := el.(*unknownLit); u {
					if c.elems[i], err = b.asFloat4(el); err != nil {
						return nil, err
					}
				}
			}
			r = &c
		}
		arith := e.Op == opcode.Plus || e.Op == opcode.Minus || e.Op == opcode.Mul || e.Op == opcode.Mod
		if e.Op == opcode.LeftShift || e.Op == opcode.RightShift {
			if t := (&selectBinder{b: b, in: s}).pgTypeOf(e.L, l); t == 21 || t == 23 {
				// integer and smallint shift as PostgreSQL's int4shl/int2shl
				// do in C: in 32 bits, the count taken mod 32, the result cut
				// to the type (1 << 31 is -2147483648).
				name := map[[2]bool]string{{true, false}: "__shiftleft_int4", {false, false}: "__shiftright_int4",
					{true, true}: "__shiftleft_int2", {false, true}: "__shiftright_int2"}[[2]bool{e.Op == opcode.LeftShift, t == 21}]
				return b.call(name, []exec.Expr{settle(l), settle(r)})
			}
		}
		if !arith && e.Op != opcode.Div {
			return b.binary(e.Op, l, r)
		}
		if ln, rn := b.numericOfIntegers(s, e.L, l), b.numericOfIntegers(s, e.R, r); (ln || rn) && (e.Op == opcode.Div || ln && ru || rn && lu) {
			// sum(bigint) / count(*) is numeric division, not integer
			// division; sum(bigint) * $1 takes a fraction in $1.
			if l, err = b.coerce(l, exec.TypeFloat); err != nil {
				return nil, err
			}
			if r, err = b.coerce(r, exec.TypeFloat); err != nil {
				return nil, err
			}
		}
		x, err := b.binary(e.Op, l, r)
		if err != nil {
			return x, err
		}
		if e.Op == opcode.Mod {
			if q := (&selectBinder{b: b, in: s}); x.Type().ID() == arrow.FLOAT64 && q.pgTypeOf(e, x) == oidNumericPG {
				return b.snapNumeric(q, e, x) // 10 % 0.3 is 0.1
			}
			return x, nil
		}
		if e.Op == opcode.Plus || e.Op == opcode.Minus || e.Op == opcode.Mul {
			if y, ok, err := b.snapDynamic(s, e, x, l, r); ok || err != nil {
				return y, err
			}
		}
		if e.Op == opcode.Div {
			if x, err = b.decimalDivision(s, e, x, l, r); err != nil {
				return nil, err
			}
		}
		return b.narrowNumber(s, e, x)
	case *ast.UnaryOperationExpr:
		x, err := sub(e.V)
		if err != nil {
			return nil, err
		}
		switch e.Op {
		case opcode.BitNeg:
			if x, err = b.coerce(x, exec.TypeInt); err != nil {
				return nil, err
			}
			return b.call("__bitnot", []exec.Expr{x})
		case opcode.Not, opcode.Not2:
			x, err = b.coerce(x, exec.TypeBool)
			if err != nil {
				return nil, err
			}
			return b.fold(&exec.Not{X: x})
		case opcode.Minus:
			if v, ok := e.V.(*driver.ValueExpr); ok && v.Kind() == driver.KindUint64 && v.GetUint64() == 1<<63 {
				return &exec.Literal{V: int64(math.MinInt64), DT: exec.TypeInt}, nil // -9223372036854775808 is a bigint
			}
			x = settle(x)
			if l, ok := x.(*exec.Literal); ok {
				switch v := l.V.(type) {
				case int64:
					if v == math.MinInt64 {
						return nil, errorf(CodeOutOfRange, "bigint out of range")
					}
					return b.narrowNumber(s, e, &exec.Literal{V: -v, DT: l.DT}) // typed as the signed constant: -(-2147483648) is a bigint
				case float64:
					return &exec.Literal{V: -v, DT: l.DT}, nil
				case arrow.MonthDayNanoInterval:
					return &exec.Literal{V: exec.NegInterval(v), DT: l.DT}, nil
				}
			}
			if x.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO {
				return b.arith(exec.Sub, &exec.Literal{V: arrow.MonthDayNanoInterval{}, DT: exec.TypeInterval}, x)
			}
			zero, err := b.coerce(&exec.Literal{V: int64(0), DT: exec.TypeInt}, x.Type())
			if err != nil {
				return nil, err
			}
			if x, err = b.arith(exec.Sub, zero, x); err != nil {
				return nil, err
			}
			return b.narrowNumber(s, e.V, x) // -x of an int4 is an int4
		case opcode.Plus:
			return x, nil
		}
		return nil, notSupported(fmt.Sprintf("unary operator %v", e.Op))
	case *ast.IsNullExpr:
		if row, ok := unparen(e.Expr).(*ast.RowExpr); ok {
			return b.rowIsNull(s, row, e.Not, h)
		}
		x, err := sub(e.Expr)
		if err != nil {
			return nil, err
		}
		return &exec.IsNull{X: settle(x), Negate: e.Not}, nil
	case *ast.IsTruthExpr:
		x, err := sub(e.Expr)
		if err != nil {
			return nil, err
		}
		x, err = b.coerce(x, exec.TypeBool)
		if err != nil {
			return nil, err
		}
		// x IS TRUE  ⇔ coalesce(x = true, false); IS NOT TRUE negates that.
		want := &exec.Literal{V: e.True != 0, DT: exec.TypeBool}
		is := &exec.Cond{Kind: exec.Coalesce, Args: []exec.Expr{&exec.Compare{Op: exec.Eq, L: x, R: want}, &exec.Literal{V: false, DT: exec.TypeBool}}, DT: exec.TypeBool}
		if e.Not {
			return &exec.Not{X: is}, nil
		}
		return is, nil
	case *ast.BetweenExpr:
		x, err := sub(e.Expr)
		if err != nil {
			return nil, err
		}
		// Quoted bounds are read as x's type (a real's '0.1' is a real),
		// and $n bounds of a real are reals. The lower bound is bound and
		// typed first, as PostgreSQL reads x >= lo first: a $1 it types
		// has that type in the upper bound (time BETWEEN $1 AND $1 +
		// interval '1 hour').
		var lo, hi exec.Expr
		for _, bound := range []struct {
			x   *exec.Expr
			ast ast.ExprNode
		}{{&lo, e.Left}, {&hi, e.Right}} {
			if *bound.x, err = sub(bound.ast); err != nil {
				return nil, err
			}
			b.paramAsPeer(s, e.Expr, x, *bound.x, true)
			if u, ok := (*bound.x).(*unknownLit); ok && u.param > 0 {
				if _, untyped := x.(*unknownLit); !untyped && x.Type().ID() != arrow.NULL {
					b.noteParam(u.param, x.Type())
				}
			}
			if *bound.x, err = b.heldPeer(s, e.Expr, x, *bound.x); err != nil {
				return nil, err
			}
			if *bound.x, err = b.realParam(s, e.Expr, x, bound.ast, *bound.x); err != nil {
				return nil, err
			}
		}
		if x, lo, hi, err = b.wallClockBetween(s, e, x, lo, hi); err != nil {
			return nil, err
		}
		if b.isTime(s, e.Expr, x) {
			// Constant bounds of a time are times ('9:30 AM').
			if lo, err = b.timeLiteralPeer(lo); err != nil {
				return nil, err
			}
			if hi, err = b.timeLiteralPeer(hi); err != nil {
				return nil, err
			}
		}
		ge, err := b.compare(exec.Ge, x, lo)
		if err != nil {
			return nil, err
		}
		le, err := b.compare(exec.Le, x, hi)
		if err != nil {
			return nil, err
		}
		var r exec.Expr = &exec.Logic{Op: exec.And, L: ge, R: le}
		if b.stmt.SymmetricBetween[e] {
			// SYMMETRIC: either order of the bounds, as PostgreSQL expands it.
			ge2, err := b.compare(exec.Ge, x, hi)
			if err != nil {
				return nil, err
			}
			le2, err := b.compare(exec.Le, x, lo)
			if err != nil {
				return nil, err
			}
			r = &exec.Logic{Op: exec.Or, L: r, R: &exec.Logic{Op: exec.And, L: ge2, R: le2}}
		}
		if e.Not {
			r = &exec.Not{X: r}
		}
		return r, nil
	case *ast.PatternInExpr:
		if row, ok := unparen(e.Expr).(*ast.RowExpr); ok {
			return b.rowIn(s, row, e, h)
		}
		if e.Sel != nil {
			x, err := sub(e.Expr)
			if err != nil {
				return nil, err
			}
			return b.inSubquery(s, e.Expr, x, e.Sel, e.Not)
		}
		return b.inList(s, e, h)
	case *ast.PatternLikeOrIlikeExpr:
		if f, ok := e.Pattern.(*ast.FuncCallExpr); ok && (f.FnName.L == sql.MarkerAny || f.FnName.L == sql.MarkerAll) {
			x, err := quantifiedPattern(f, "LIKE", func(p ast.ExprNode) ast.ExprNode {
				return &ast.PatternLikeOrIlikeExpr{Expr: e.Expr, Pattern: p, Not: e.Not, Escape: e.Escape, EscapeExplicit: e.EscapeExplicit, IsLike: e.IsLike}
			})
			if err != nil {
				return nil, err
			}
			return b.bindNode(s, x, h)
		}
		x, err := sub(e.Expr)
		if err != nil {
			return nil, err
		}
		p, err := sub(e.Pattern)
		if err != nil {
			return nil, err
		}
		if e.Escape != '\\' && (e.Escape != 0 || e.EscapeExplicit) {
			// The engine's LIKE escapes with backslash: rewrite a constant
			// pattern from the given escape character (ESCAPE '': none,
			// every backslash a plain character).
			lit, ok := settle(p).(*exec.Literal)
			if !ok {
				return nil, notSupported("LIKE ... ESCAPE other than backslash on a pattern that is not a constant")
			}
			if pat, ok := lit.V.(string); ok {
				if e.Escape == 0 {
					p = &exec.Literal{V: strings.ReplaceAll(pat, `\`, `\\`), DT: exec.TypeText}
				} else {
					p = &exec.Literal{V: likeEscapeToBackslash(pat, e.Escape), DT: exec.TypeText}
				}
			}
		}
		name := map[[2]bool]string{{true, false}: "like", {true, true}: "not_like", {false, false}: "ilike", {false, true}: "not_ilike"}[[2]bool{e.IsLike, e.Not}]
		return b.call(name, []exec.Expr{b.padded(s, e.Expr, settle(x)), settle(p)})
	case *ast.PatternRegexpExpr:
		x, err := sub(e.Expr)
		if err != nil {
			return nil, err
		}
		p, err := sub(e.Pattern)
		if err != nil {
			return nil, err
		}
		name := "regex_match"
		if e.Not {
			name = "regex_not_match"
		}
		return b.call(name, []exec.Expr{b.padded(s, e.Expr, settle(x)), settle(p)})
	case *ast.CaseExpr:
		return b.caseExpr(s, e, h)
	case *ast.FuncCallExpr:
		e = b.paddedArgs(s, e)
		if x, ok, err := b.scaleFunc(s, e, h); ok {
			return x, err
		}
		x, err := b.funcCall(s, e, h)
		if err == nil && e.FnName.L == "mod" && len(e.Args) == 2 && x.Type().ID() == arrow.FLOAT64 {
			// mod of numerics: exact in PostgreSQL (mod(10, 0.3) is 0.1).
			q := &selectBinder{b: b, in: s}
			if l, r := q.numericScale(e.Args[0]), q.numericScale(e.Args[1]); l >= 0 && r >= 0 && q.pgTypeOf(e.Args[0], x) != 701 {
				y, err := b.call("__snap_decimal", []exec.Expr{x, &exec.Literal{V: int64(min(max(l, r), 15)), DT: exec.TypeInt}})
				if err != nil {
					return nil, err
				}
				return b.fold(y)
			}
		}
		return x, err
	case *ast.AggregateFuncExpr:
		return nil, errorf(CodeGrouping, "aggregate function %s is not allowed here", strings.ToLower(e.F))
	case *ast.WindowFuncExpr:
		return nil, errorf("42P20", "window functions are not allowed here")
	case *ast.SubqueryExpr:
		return b.scalarSubquery(s, e)
	case *ast.ExistsSubqueryExpr:
		return b.existsSubquery(s, e)
	case *ast.CompareSubqueryExpr:
		if row, ok := unparen(e.L).(*ast.RowExpr); ok {
			return b.rowQuantified(s, row, e, h)
		}
		x, err := sub(e.L)
		if err != nil {
			return nil, err
		}
		return b.compareSubquery(s, x, e)
	case *ast.DefaultExpr:
		return nil, notSupported("DEFAULT")
	}
	return nil, notSupported(exprKind(e))
}

// paramBesideInt has Describe report an untyped $n in arithmetic or a
// comparison with an int2 or int4 as that type ($1 + 1, $1 > 1: int4), and
// in a comparison with a real as real (x = $1), as PostgreSQL resolves it;
// the value is bound as before (compared in single precision: realParam).
func (b *binder) paramBesideInt(s *scope, e *ast.BinaryOperationExpr, l, r exec.Expr) {
	if b.ppg == nil {
		return
	}
	switch e.Op {
	case opcode.Plus, opcode.Minus, opcode.Mul, opcode.Div, opcode.Mod, opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE:
	default:
		return
	}
	// A real's arithmetic stays float8 here (x - $1).
	cmp := e.Op == opcode.EQ || e.Op == opcode.NE || e.Op == opcode.LT || e.Op == opcode.LE || e.Op == opcode.GT || e.Op == opcode.GE
	b.paramAsPeer(s, e.R, r, l, cmp)
	b.paramAsPeer(s, e.L, l, r, cmp)
}

// paramAsPeer has Describe report $n (x, not yet typed) as the int2, int4,
// date, timestamp or, when real is true, real its peer (from peerAST) is.
func (b *binder) paramAsPeer(s *scope, peerAST ast.ExprNode, peer, x exec.Expr, real bool) {
	u, ok := x.(*unknownLit)
	if !ok || u.param == 0 || b.ppg == nil || b.ptypes[u.param-1] != nil || b.ppg[u.param-1] != 0 {
		return
	}
	t := (&selectBinder{b: b, in: s}).pgTypeOf(peerAST, peer)
	if t == 21 || t == 23 || t == 700 && real || (t == 1082 || t == 1114) && peer.Type().ID() == arrow.TIMESTAMP {
		b.ppg[u.param-1] = t // a date or timestamp's $n is one too (sent as a reading)
	}
}

// untypedItems reports whether every item of an IN list is a $n, a quoted
// constant or NULL.
func untypedItems(items []ast.ExprNode) bool {
	for _, it := range items {
		switch it := unparen(it).(type) {
		case *driver.ParamMarkerExpr:
		default:
			if !isQuoted(it) && !isNullAST(it) {
				return false
			}
		}
	}
	return true
}

// NumericParam is a parameter's value the client sent as a numeric (OID
// 1700): V is an int64 when the value is whole and fits, else a float64;
// Scale is its display scale, the digits after the point it was sent
// with (12.50 has 2), which PostgreSQL keeps in what is computed from it.
type NumericParam struct {
	V     any
	Scale int
}

// RealParam is a parameter's value the client sent as a real (OID 700,
// as Describe reports $n beside a real), read in double precision from its
// text: compared, it is rounded to single precision (realParam), as
// PostgreSQL compares a real; written, it is the client's value.
type RealParam float64

// realParam reads $n (item, bound to v) compared with x as the real it
// was sent as (x = $1 with '0.1' is 0.1::real), as PostgreSQL binds it;
// other values are returned as they are.
func (b *binder) realParam(s *scope, xAST ast.ExprNode, x exec.Expr, item ast.ExprNode, v exec.Expr) (exec.Expr, error) {
	if _, ok := unparen(item).(*driver.ParamMarkerExpr); !ok || v.Type().ID() != arrow.FLOAT64 {
		return v, nil
	}
	if _, u := v.(*unknownLit); u {
		return v, nil // described now; readAsPeer and heldPeer read it
	}
	if (&selectBinder{b: b, in: s}).pgTypeOf(item, v) != 700 {
		return v, nil // sent as a float8: compared in double precision
	}
	return b.asFloat4(v) // a real, whatever it is compared with ($1 = 0.1::float8 is false)
}

// exprKind names an expression Strata cannot bind, in SQL's words rather
// than the parser's type names.
func exprKind(e ast.ExprNode) string {
	switch e.(type) {
	case *ast.RowExpr:
		return "a row value here (row values are compared with rows, lists or subqueries: (a, b) > (1, 2), (a, b) IN (SELECT ...), (a, b) = (SELECT ...), ROW(a, b) IS NULL)"
	case *ast.VariableExpr:
		return "variables (@name)"
	case *ast.ValuesExpr:
		return "VALUES() in an expression"
	}
	name := strings.TrimPrefix(fmt.Sprintf("%T", e), "*ast.")
	return "the expression " + strings.TrimSuffix(name, "Expr")
}

// literalOf converts a TiDB constant. Numbers with a fraction are numeric in
// PostgreSQL; they become float8 here.
func literalOf(v *driver.ValueExpr) (exec.Expr, error) {
	switch v.Kind() {
	case driver.KindNull:
		return &exec.Literal{V: nil, DT: exec.TypeNull}, nil
	case driver.KindInt64:
		return &exec.Literal{V: v.GetInt64(), DT: exec.TypeInt}, nil
	case driver.KindUint64:
		u := v.GetUint64()
		if u <= 1<<63-1 {
			return &exec.Literal{V: int64(u), DT: exec.TypeInt}, nil
		}
		return &exec.Literal{V: float64(u), DT: exec.TypeFloat}, nil
	case driver.KindFloat32, driver.KindFloat64:
		return &exec.Literal{V: v.GetFloat64(), DT: exec.TypeFloat}, nil
	case driver.KindMysqlDecimal:
		f, err := strconv.ParseFloat(v.GetMysqlDecimal().String(), 64)
		if err != nil {
			return nil, errorf(CodeInvalidText, "invalid number %s", v.GetMysqlDecimal().String())
		}
		return &exec.Literal{V: f, DT: exec.TypeFloat}, nil
	case driver.KindString, driver.KindBytes:
		return &unknownLit{Literal: exec.Literal{V: v.GetString(), DT: exec.TypeText}}, nil
	}
	return nil, notSupported(fmt.Sprintf("constant of kind %d", v.Kind()))
}

// declaredParams are the parameter types a client may declare at Parse
// that the planner takes as $n's type (engine type and PostgreSQL type,
// 0 when the engine's own): integers, floats, numerics, booleans, dates
// and times, json. Declared text (and unknown) parameters stay untyped
// constants, as clients declare strings for values of any type (pgjdbc's
// setString). A numeric is computed in float8 (lvl / $1 divides as
// numerics do, not as integers); a whole one beyond 2^53 stays an exact
// bigint (param), which a float would round.
var declaredParams = map[uint32]struct {
	dt arrow.DataType
	pg uint32
}{
	16: {exec.TypeBool, 0}, 20: {exec.TypeInt, 0}, 23: {exec.TypeInt, 23}, 21: {exec.TypeInt, 21},
	700: {exec.TypeFloat, 700}, 701: {exec.TypeFloat, 0}, 1700: {exec.TypeFloat, 1700},
	1082: {exec.TypeTimestamptz, 1082}, 1114: {exec.TypeTimestamptz, 1114}, 1184: {exec.TypeTimestamptz, 0},
	1186: {exec.TypeInterval, 0}, pgTime: {exec.TypeInterval, pgTime},
	pgJSON: {exec.TypeText, pgJSON}, pgJSONB: {exec.TypeText, pgJSONB},
}

// declaredParam is the type the client declared for $n when the planner
// takes it (declaredParams).
func (b *binder) declaredParam(n int) (dt arrow.DataType, pg uint32, ok bool) {
	d, ok := declaredParams[b.declaredOID(n)]
	return d.dt, d.pg, ok
}

// declaredHeld is $n's declared type when it is one Strata tells apart by
// its PostgreSQL type alone (json, jsonb, time).
func (b *binder) declaredHeld(n int) uint32 {
	if _, pg, ok := b.declaredParam(n); ok && (pg == pgJSON || pg == pgJSONB || pg == pgTime) {
		return pg
	}
	return 0
}

// literalTypeOf is the engine type of a parameter value as the wire
// protocol reads it.
func literalTypeOf(v any) arrow.DataType {
	switch v.(type) {
	case bool:
		return exec.TypeBool
	case int64:
		return exec.TypeInt
	case float64:
		return exec.TypeFloat
	case exec.Timestamp:
		return exec.TypeTimestamptz
	case arrow.MonthDayNanoInterval:
		return exec.TypeInterval
	}
	return exec.TypeText
}

// param binds $n to its value, typed by the Go value (a string stays of
// unknown type, as an untyped parameter in PostgreSQL).
func (b *binder) param(p *driver.ParamMarkerExpr) (exec.Expr, error) {
	if p.Order >= len(b.stmt.Params) {
		return nil, errorf(CodeSyntax, "parameter marker out of range")
	}
	n := b.stmt.Params[p.Order]
	if n < 1 || n > len(b.params) {
		return nil, errorf("42P02", "there is no parameter %s", b.stmt.ParamName(n))
	}
	if elem := declaredArrays[b.declaredOID(n)]; elem != "" {
		// Declared an array (pgjdbc's setArray, PREPARE p (int[])): read
		// as $n::elem[] is, so that subscripts and array functions take it.
		var x exec.Expr
		if b.describe {
			x = &exec.Literal{V: nil, DT: exec.TypeNull} // of the array type, and no value yet
		} else {
			var err error
			if x, err = b.paramValue(n); err != nil {
				return nil, err
			}
		}
		return b.castArray(x, elem)
	}
	if dt, _, ok := b.declaredParam(n); ok {
		// Declared by the client ($1 sent as date, float8, jsonb): of that
		// type, the value read as one by the wire protocol.
		var v any
		if !b.describe {
			val := b.params[n-1]
			switch x := val.(type) {
			case RealParam:
				val = float64(x)
			case NumericParam:
				if i, ok := x.V.(int64); ok && (i > 1<<53 || i < -1<<53) {
					// A float would round it (123456789012345678): an
					// exact bigint, which compares and adds exactly.
					return &exec.Literal{V: i, DT: exec.TypeInt}, nil
				}
				val = x.V
			}
			switch x := val.(type) {
			case BeyondTimeParam:
				if dt.ID() == arrow.TIMESTAMP {
					return x.placeholder(exec.TypeTimestamptz), nil
				}
			case int64:
				switch dt.ID() {
				case arrow.INT64:
					v = x
				case arrow.FLOAT64:
					v = float64(x) // a numeric that is whole
				}
			default:
				if c, err := exec.CastValue(exec.NewCtx(), x, dt); err == nil && x != nil && sameType(literalTypeOf(x), dt) {
					v = c
				}
			}
		}
		// A constant of the engine type: its PostgreSQL type (date, int4,
		// jsonb) is read from the declaration by pgTypeOf, so that what
		// needs a constant (LIMIT $1, generate_series bounds) has one.
		return &exec.Literal{V: v, DT: dt}, nil
	}
	if b.describe {
		return &unknownLit{Literal: exec.Literal{V: "", DT: exec.TypeText}, param: n}, nil
	}
	return b.paramValue(n)
}

// declaredArrays are the element types of the array types a client may
// declare for a parameter, as ::elem[] names them.
var declaredArrays = map[uint32]string{
	1000: "bool", 1005: "int2", 1007: "int4", 1016: "int8", 1009: "text", 1014: "bpchar", 1015: "varchar", 1021: "float4",
	1022: "float8", 1231: "numeric", 1182: "date", 1115: "timestamp", 1185: "timestamptz", 1187: "interval",
}

// declaredOID is the type the client declared for $n (0: none).
func (b *binder) declaredOID(n int) uint32 {
	if n < 1 || n > len(b.stmt.ParamTypes) {
		return 0
	}
	return b.stmt.ParamTypes[n-1]
}

// paramValue is $n's value as the wire protocol read it, of the type that
// value has (a string is an untyped constant).
func (b *binder) paramValue(n int) (exec.Expr, error) {
	switch v := b.params[n-1].(type) {
	case RealParam:
		// Compared with a real, it is rounded to single precision
		// (realParam); written, it is the client's 0.1.
		return &typedExpr{x: &exec.Literal{V: float64(v), DT: exec.TypeFloat}, pg: 700}, nil
	case nil:
		return &exec.Literal{V: nil, DT: exec.TypeNull}, nil
	case NumericParam:
		// Sent as a numeric for a $n not declared at Parse but described
		// so ($4::numeric, which pgx then encodes as one).
		if i, ok := v.V.(int64); ok && i >= -1<<53 && i <= 1<<53 {
			return &exec.Literal{V: float64(i), DT: exec.TypeFloat}, nil
		}
		return &exec.Literal{V: v.V, DT: literalTypeOf(v.V)}, nil
	case bool:
		return &exec.Literal{V: v, DT: exec.TypeBool}, nil
	case int64:
		return &exec.Literal{V: v, DT: exec.TypeInt}, nil
	case int:
		return &exec.Literal{V: int64(v), DT: exec.TypeInt}, nil
	case uint64: // an integer beyond bigint (HTTP params), for unsigned columns
		return &exec.Literal{V: v, DT: exec.TypeUint}, nil
	case float64:
		return &exec.Literal{V: v, DT: exec.TypeFloat}, nil
	case string:
		return &unknownLit{Literal: exec.Literal{V: v, DT: exec.TypeText}, param: n}, nil
	case exec.Timestamp:
		return &exec.Literal{V: v, DT: exec.TypeTimestamptz}, nil
	case arrow.MonthDayNanoInterval:
		return &exec.Literal{V: v, DT: exec.TypeInterval}, nil
	case BeyondTimeParam:
		return v.placeholder(exec.TypeTimestamptz), nil
	case ArrayParam:
		a := &arrayLit{dt: v.Elem}
		for _, e := range v.Values {
			if t, ok := e.(BeyondTimeParam); ok {
				a.elems = append(a.elems, t.placeholder(v.Elem))
				continue
			}
			a.elems = append(a.elems, &exec.Literal{V: e, DT: v.Elem})
		}
		return a, nil
	}
	return nil, errorf(CodeDatatype, "parameter $%d has unsupported type %T", n, b.params[n-1])
}

func (b *binder) binary(op opcode.Op, l, r exec.Expr) (exec.Expr, error) {
	switch op {
	case opcode.LogicAnd, opcode.LogicOr:
		l, err := b.coerce(l, exec.TypeBool)
		if err != nil {
			return nil, err
		}
		r, err := b.coerce(r, exec.TypeBool)
		if err != nil {
			return nil, err
		}
		lop := exec.And
		if op == opcode.LogicOr {
			lop = exec.Or
		}
		return &exec.Logic{Op: lop, L: l, R: r}, nil
	case opcode.EQ, opcode.NE, opcode.LT, opcode.LE, opcode.GT, opcode.GE:
		if q, ok := r.(*quantified); ok {
			return b.quantifiedCompare(op, l, q)
		}
		if q, ok := r.(*runtimeQuantified); ok {
			return b.runtimeCompare(op, l, q)
		}
		// A reg* column (held as the name) compared with an OID compares
		// OIDs, as in PostgreSQL.
		if l.Type().ID() == arrow.INT64 {
			if x, ok := b.regOID(r); ok {
				r = x
			}
		} else if r.Type().ID() == arrow.INT64 {
			if x, ok := b.regOID(l); ok {
				l = x
			}
		}
		cmp := cmpOps[op]
		return b.compare(cmp, l, r)
	case opcode.NullEQ: // IS NOT DISTINCT FROM
		eq, err := b.compare(exec.Eq, l, r)
		if err != nil {
			return nil, err
		}
		both := &exec.Logic{Op: exec.And, L: &exec.IsNull{X: settle(l)}, R: &exec.IsNull{X: settle(r)}}
		return &exec.Cond{Kind: exec.Coalesce, Args: []exec.Expr{eq, both}, DT: exec.TypeBool}, nil
	case opcode.Plus, opcode.Minus, opcode.Mul, opcode.Div, opcode.Mod, opcode.IntDiv:
		aop := map[opcode.Op]exec.ArithOp{opcode.Plus: exec.Add, opcode.Minus: exec.Sub, opcode.Mul: exec.Mul, opcode.Div: exec.Div, opcode.Mod: exec.Mod, opcode.IntDiv: exec.Div}[op]
		return b.arith(aop, l, r)
	case opcode.And, opcode.Or, opcode.Xor, opcode.LeftShift, opcode.RightShift:
		// Bitwise operators on integers (with TiDB's precedence among
		// themselves; PostgreSQL's # arrives as Xor from pgOtherOperator).
		name := map[opcode.Op]string{opcode.And: "__bitand", opcode.Or: "__bitor", opcode.Xor: "__bitxor", opcode.LeftShift: "__shiftleft", opcode.RightShift: "__shiftright"}[op]
		l, err := b.coerce(l, exec.TypeInt)
		if err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, exec.TypeInt); err != nil {
			return nil, err
		}
		return b.call(name, []exec.Expr{l, r})
	}
	return nil, notSupported(fmt.Sprintf("operator %v", op))
}

func (b *binder) compare(op exec.CmpOp, l, r exec.Expr) (exec.Expr, error) {
	l, r, err := b.unify(l, r)
	if err != nil {
		return nil, err
	}
	if x, ok := decideBeyond(op, l, r); ok {
		return b.fold(x)
	}
	return b.fold(&exec.Compare{Op: op, L: l, R: r})
}

func (b *binder) arith(op exec.ArithOp, l, r exec.Expr) (exec.Expr, error) {
	l, r = b.knownParam(l), b.knownParam(r)
	// n * interval '1 second': an untyped n is a number (float8).
	if op == exec.Mul || op == exec.Div {
		_, lu := l.(*unknownLit)
		_, ru := r.(*unknownLit)
		var err error
		switch {
		case lu && r.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO:
			l, err = b.coerce(l, exec.TypeFloat)
		case ru && l.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO:
			r, err = b.coerce(r, exec.TypeFloat)
		}
		if err != nil {
			return nil, err
		}
	}
	lt, rt := l.Type().ID(), r.Type().ID()
	if op == exec.Add || op == exec.Sub {
		// An untyped side of interval ± 'literal' is an interval, as is
		// that of 'literal' + timestamptz; 'literal' - timestamptz is a
		// timestamptz (PostgreSQL takes an unknown side for the other's
		// type where an operator of two such exists). Not a $n, whose type
		// another use may fix.
		lu, ru := unknownConst(l), unknownConst(r)
		var err error
		switch {
		case lu && rt == arrow.INTERVAL_MONTH_DAY_NANO, lu && rt == arrow.TIMESTAMP && op == exec.Add:
			l, err = b.coerce(l, exec.TypeInterval)
		case lu && rt == arrow.TIMESTAMP:
			l, err = b.coerce(l, r.Type())
		case ru && lt == arrow.INTERVAL_MONTH_DAY_NANO:
			r, err = b.coerce(r, exec.TypeInterval)
		}
		if err != nil {
			return nil, err
		}
		lt, rt = l.Type().ID(), r.Type().ID()
	}
	// timestamptz ± 'literal' reads the literal as an interval.
	if _, ok := r.(*unknownLit); ok && lt == arrow.TIMESTAMP {
		var err error
		if r, err = b.coerce(r, exec.TypeInterval); err != nil {
			return nil, err
		}
	} else if !(lt == arrow.TIMESTAMP || rt == arrow.TIMESTAMP || lt == arrow.INTERVAL_MONTH_DAY_NANO || rt == arrow.INTERVAL_MONTH_DAY_NANO) {
		var err error
		if l, r, err = b.unify(l, r); err != nil {
			return nil, err
		}
	}
	x, err := exec.NewArith(op, settle(l), settle(r))
	if err != nil {
		return nil, errorf(CodeUndefinedFunc, "%v", err)
	}
	x.UTC, b.utc = b.utc, false
	return b.fold(x)
}

// unknownConst reports whether x is an untyped literal (not a $n).
func unknownConst(x exec.Expr) bool {
	u, ok := x.(*unknownLit)
	return ok && u.param == 0
}

// inAsComparisons is x IN (a, b) as x = a OR x = b (NOT IN: x <> a AND
// x <> b), each comparison bound and typed on its own.
func (b *binder) inAsComparisons(s *scope, e *ast.PatternInExpr, h hook) (exec.Expr, error) {
	op, logic := opcode.EQ, exec.Or
	if e.Not {
		op, logic = opcode.NE, exec.And
	}
	var out exec.Expr
	for _, item := range e.List {
		c, err := b.bindNode(s, &ast.BinaryOperationExpr{Op: op, L: e.Expr, R: item}, h)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = c
		} else {
			out = &exec.Logic{Op: logic, L: out, R: c}
		}
	}
	return out, nil
}

// mixesReadings reports whether x IN (list) compares a timestamp without
// time zone with a date or a timestamptz (either side).
func (b *binder) mixesReadings(s *scope, e *ast.PatternInExpr, x exec.Expr, h hook) bool {
	q := &selectBinder{b: b, in: s}
	k := q.timeKind(e.Expr, x)
	if k == 0 {
		return false
	}
	for _, item := range e.List {
		if isQuoted(item) || isNullAST(item) {
			continue
		}
		v, err := b.bindNode(s, item, h)
		if err != nil {
			return false
		}
		if ik := q.timeKind(item, v); ik != 0 && ik != k && (ik == 1114 || k == 1114) {
			return true
		}
	}
	return false
}

// realList reports whether x IN (list) compares its items without
// columns in single precision. PostgreSQL finds a common type for x and
// those items when there are two or more of them (each item naming a
// column is an = of its own, as is a lone item): x a real and every such
// item an integer, numeric, real or quoted constant make it real (a
// float8 among them makes float8).
func (b *binder) realList(s *scope, e *ast.PatternInExpr, x exec.Expr, h hook) bool {
	q := &selectBinder{b: b, in: s}
	if x.Type().ID() != arrow.FLOAT64 || q.pgTypeOf(e.Expr, x) != 700 {
		return false
	}
	constants := 0
	for _, item := range e.List {
		if usesColumns(item) {
			continue
		}
		constants++
		if isNullAST(item) || isQuoted(item) {
			continue
		}
		v, err := b.bindNode(s, item, h)
		if err != nil {
			return false
		}
		if pg := q.memberPG(item, v); pg != 700 && numberRank[pg] == 0 && v.Type().ID() != arrow.INT64 {
			return false
		}
	}
	return constants > 1
}

func (b *binder) inList(s *scope, e *ast.PatternInExpr, h hook) (exec.Expr, error) {
	x, err := b.bindNode(s, e.Expr, h)
	if err != nil {
		return nil, err
	}
	if arrayTypeOf(b.arrayTyped(s, e.Expr, x)) != 0 || b.mixesReadings(s, e, x, h) {
		// Arrays compare by their elements; a timestamp among dates or
		// timestamptz values converts in each = (wallClockOp).
		return b.inAsComparisons(s, e, h)
	}
	x0 := x
	if _, ok := x.(*unknownLit); ok || x.Type().ID() == arrow.NULL {
		// $1 IN (1, 2.5): the untyped side takes the list's common type
		// (NULL IN (1, 2) is NULL).
		var typed []exec.Expr
		for _, item := range e.List {
			if v, err := b.bindNode(s, item, h); err == nil {
				if _, unknown := v.(*unknownLit); !unknown && v.Type().ID() != arrow.NULL {
					typed = append(typed, v)
				}
				if ok && b.jsonOf(s, item, v) == pgJSONB {
					// '{"a":1}' IN ('{"a":1}'::jsonb): compared as jsonb values.
					return b.inAsComparisons(s, e, h)
				}
			}
		}
		if dt, err := b.commonType(typed); err == nil && len(typed) > 0 {
			if x, err = b.coerce(x, dt); err != nil {
				return nil, err
			}
		} else if x.Type().ID() == arrow.NULL {
			x = &exec.Literal{V: nil, DT: exec.TypeText} // NULL IN ('a', 'b')
		}
	}
	x = settle(x)
	if b.jsonOf(s, e.Expr, x) == pgJSONB {
		return b.jsonbIn(s, e, x, h)
	}
	if x.Type().ID() == arrow.INT64 {
		// humidity IN (65, 51.0): numeric, as a float compares.
		for _, item := range e.List {
			if v, err := b.bindNode(s, item, h); err == nil && v.Type().ID() == arrow.FLOAT64 {
				if x, err = b.coerce(x, exec.TypeFloat); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	real := b.realList(s, e, x, h)
	untyped := untypedItems(e.List)
	bpchar := (&selectBinder{b: b, in: s}).pgTypeOf(e.Expr, x) == 1042
	var vals []any
	var rest []exec.Expr
	for _, item := range e.List {
		v, err := b.bindNode(s, item, h)
		if err != nil {
			return nil, err
		}
		if untyped {
			// x IN ($1, $2) of a real (int2, int4) x, beside no typed
			// constant: Describe reports $n as x's type, as PostgreSQL
			// resolves it (x IN ($1, 3000000000) is bigint's).
			b.paramAsPeer(s, e.Expr, x, v, true)
			if v, err = b.realParam(s, e.Expr, x, item, v); err != nil {
				return nil, err
			}
		}
		if v, err = b.heldPeer(s, e.Expr, x, v); err != nil {
			return nil, err
		}
		if bpchar {
			v, _, _ = b.readAsPeer(v, 1042, x) // c IN ('ab   '): bpchar constants
		}
		if real && !isNullAST(item) && !usesColumns(item) && (&selectBinder{b: b, in: s}).pgTypeOf(item, v) != 700 {
			if v, err = b.asFloat4(v); err != nil {
				return nil, err
			}
		}
		if t, ok := v.(*typedExpr); ok {
			v = t.x // the constant itself, for the list's values
		}
		item := v
		v, err = b.coerce(v, x.Type())
		if err != nil {
			if _, unknown := x0.(*unknownLit); unknown || x0.Type().ID() == arrow.NULL {
				// No common type ('2' IN ('2'::text, 2)): each = resolves
				// on its own, as PostgreSQL then ORs them.
				return b.inAsComparisons(s, e, h)
			}
			if pe := AsError(err); pe.Code == CodeDatatype {
				// 2 IN ('2'::text, 3): PostgreSQL finds no = for the two
				// types.
				return nil, errorf(CodeUndefinedFunc, "operator does not exist: %s = %s", exec.SQLTypeName(x.Type()), exec.SQLTypeName(item.Type()))
			}
			return nil, err
		}
		if lit, ok := v.(*exec.Literal); ok {
			vals = append(vals, lit.V)
			continue
		}
		rest = append(rest, v)
	}
	if len(rest) == 0 {
		return &exec.InList{X: x, Values: vals, Negate: e.Not}, nil
	}
	// Non-constant items: x = a OR x = b ...
	var out exec.Expr
	if len(vals) > 0 {
		out = &exec.InList{X: x, Values: vals}
	}
	for _, v := range rest {
		eq, err := b.compare(exec.Eq, x, v)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = eq
		} else {
			out = &exec.Logic{Op: exec.Or, L: out, R: eq}
		}
	}
	if e.Not {
		out = &exec.Not{X: out}
	}
	return out, nil
}

func (b *binder) caseExpr(s *scope, e *ast.CaseExpr, h hook) (exec.Expr, error) {
	var operand exec.Expr
	if e.Value != nil {
		v, err := b.bindNode(s, e.Value, h)
		if err != nil {
			return nil, err
		}
		operand = v
	}
	var whens, thens []exec.Expr
	// What only some rows may reach - later conditions, the results - folds
	// without failing: 1/0 in a branch no row takes is no error, as in
	// PostgreSQL; a row that reaches it fails when the query runs.
	defer func(lazy int) { b.lazyFold = lazy }(b.lazyFold)
	for i, w := range e.WhenClauses {
		if i > 0 {
			b.lazyFold++
		}
		c, err := b.bindNode(s, w.Expr, h)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if c, err = b.heldPeer(s, e.Value, operand, c); err != nil {
				return nil, err
			}
			if b.jsonOf(s, e.Value, operand) == pgJSONB {
				c, err = b.call("__jsonb_equal", []exec.Expr{operand, settle(c)}) // by value: 1.0 = 1
			} else {
				c, err = b.compare(exec.Eq, operand, c)
			}
			if err != nil {
				return nil, err
			}
		} else if c, err = b.coerce(c, exec.TypeBool); err != nil {
			return nil, err
		}
		if i == 0 {
			b.lazyFold++
		}
		t, err := b.bindNode(s, w.Result, h)
		if err != nil {
			return nil, err
		}
		whens, thens = append(whens, c), append(thens, t)
	}
	var els exec.Expr
	if e.ElseClause != nil {
		var err error
		if els, err = b.bindNode(s, e.ElseClause, h); err != nil {
			return nil, err
		}
	}
	results := make([]ast.ExprNode, 0, len(thens)+1)
	for _, w := range e.WhenClauses {
		results = append(results, w.Result)
	}
	results = append(results, e.ElseClause)
	both := append(append([]exec.Expr(nil), thens...), els)
	order := []int{len(both) - 1} // PostgreSQL resolves ELSE's type first
	for i := range thens {
		order = append(order, i)
	}
	if err := b.heldPeers(s, "CASE", results, both, order); err != nil {
		return nil, err
	}
	copy(thens, both)
	els = both[len(both)-1]
	values := both
	if els == nil {
		values = values[:len(values)-1]
	}
	dt, err := b.commonType(values)
	if err != nil {
		return nil, errorf(CodeDatatype, "CASE types do not match: %v", err)
	}
	for i := range thens {
		if thens[i], err = b.coerce(thens[i], dt); err != nil {
			return nil, err
		}
	}
	if els != nil {
		if els, err = b.coerce(els, dt); err != nil {
			return nil, err
		}
	}
	return typedLike(&exec.Case{Whens: whens, Thens: thens, Else: els, DT: dt}, values), nil
}

// constInt evaluates a LIMIT/OFFSET expression. package sql gives an
// OFFSET without LIMIT the count 2^64-1, meaning all rows.
func (b *binder) constInt(e ast.ExprNode, clause string) (int64, error) {
	if v, ok := e.(*driver.ValueExpr); ok && v.Kind() == driver.KindUint64 && v.GetUint64() == ^uint64(0) {
		return -1, nil
	}
	lit, err := b.constBigint(e, clause)
	if err != nil {
		return 0, err
	}
	if lit.V == nil {
		return -1, nil // LIMIT NULL means no limit
	}
	n := lit.V.(int64)
	if n < 0 {
		code := "2201W"
		if clause == "OFFSET" {
			code = "2201X"
		}
		return 0, errorf(code, "%s must not be negative", clause)
	}
	return n, nil
}

// constBigint is e, the argument of clause (LIMIT, ROWS, ...), as a
// bigint constant (its V nil for NULL and a $n being described).
func (b *binder) constBigint(e ast.ExprNode, clause string) (*exec.Literal, error) {
	// Not bindExpr: an untyped $n or '10' must stay open to be read as a
	// bigint.
	x, err := b.bindNode(&scope{}, e, nil)
	if err != nil {
		return nil, err
	}
	if x.Type().ID() == arrow.FLOAT64 {
		// LIMIT 2.5 or a numeric $1: rounded to a bigint as PostgreSQL's
		// cast does, a numeric half away from zero (3), a float8 to even
		// (2.5::float8 is 2).
		if x, err = b.fold(x); err != nil {
			return nil, err
		}
		if lit, ok := x.(*exec.Literal); ok && lit.V == nil {
			x = &exec.Literal{V: nil, DT: exec.TypeInt} // NULL, or $1 being described
		} else if ok {
			f := lit.V.(float64)
			if (&selectBinder{b: b, in: &scope{}}).pgTypeOf(e, x) == 1700 {
				f = math.Round(f)
			} else {
				f = math.RoundToEven(f)
			}
			if math.IsNaN(f) || f < -(1<<63) || f >= 1<<63 {
				return nil, errorf("22003", "%s value %v is out of range for type bigint", clause, lit.V)
			}
			x = &exec.Literal{V: int64(f), DT: exec.TypeInt}
		}
	}
	return b.constOf(x, exec.TypeInt, clause)
}

// constOf is x, bound from the argument of clause, cast to dt and folded
// to a constant (its V nil for NULL, and for a $n being described: $1 + 1
// is known when run).
func (b *binder) constOf(x exec.Expr, dt arrow.DataType, clause string) (*exec.Literal, error) {
	x, err := b.coerce(x, dt)
	if err != nil {
		return nil, err
	}
	if x, err = b.fold(x); err != nil {
		return nil, err
	}
	lit, ok := x.(*exec.Literal)
	switch {
	case !ok && b.describe:
		return &exec.Literal{V: nil, DT: dt}, nil
	case !ok:
		return nil, errorf(CodeSyntax, "argument of %s must be a constant", clause)
	}
	return lit, nil
}

// likeEscapeToBackslash rewrites a LIKE pattern written with escape
// character esc into the backslash form: esc+c becomes \c and a literal
// backslash becomes \\.
func likeEscapeToBackslash(pat string, esc byte) string {
	var sb strings.Builder
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == esc && i+1 < len(pat):
			i++
			sb.WriteByte('\\')
			sb.WriteByte(pat[i])
		case c == esc:
			sb.WriteByte('\\') // a trailing escape: the engine reports it
		case c == '\\':
			sb.WriteString(`\\`)
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// quantifiedPattern spells x [NOT] [I]LIKE ANY|ALL (ARRAY[p1, p2, ...]), and
// the same with a regular expression match (~, ~*, !~, !~*), as PostgreSQL
// computes it: match(p1) OR match(p2) ... for ANY, AND for ALL (NULL where
// no pattern decides, false for ANY and true for ALL over an empty array).
// op names the operator in the error for other arrays.
func quantifiedPattern(q *ast.FuncCallExpr, op string, match func(pattern ast.ExprNode) ast.ExprNode) (ast.ExprNode, error) {
	all := q.FnName.L == sql.MarkerAll
	var arr ast.ExprNode
	if len(q.Args) == 1 {
		arr = unparen(q.Args[0])
	}
	if c, ok := arr.(*ast.FuncCallExpr); ok && c.FnName.L == sql.MarkerCast && len(c.Args) == 2 {
		arr = unparen(c.Args[0]) // ARRAY[...]::text[]: the patterns are text either way
	}
	a, ok := arr.(*ast.FuncCallExpr)
	if !ok || a.FnName.L != sql.MarkerArray {
		return nil, notSupported(op + " ANY/ALL over an array that is not written out (ARRAY[...])")
	}
	if len(a.Args) == 0 {
		return &ast.FuncCallExpr{FnName: ast.NewCIStr(sql.MarkerCast), Args: []ast.ExprNode{ast.NewValueExpr(fmt.Sprint(all), "", ""), ast.NewValueExpr("bool", "", "")}}, nil
	}
	var out ast.ExprNode
	for _, p := range a.Args {
		one := match(p)
		switch {
		case out == nil:
			out = one
		case all:
			out = &ast.BinaryOperationExpr{Op: opcode.LogicAnd, L: out, R: one}
		default:
			out = &ast.BinaryOperationExpr{Op: opcode.LogicOr, L: out, R: one}
		}
	}
	return &ast.ParenthesesExpr{Expr: out}, nil
}

// typedColumn is a column reference x of PostgreSQL type pg, labelled with
// it where the engine type does not say it (arrays, int2vector,
// oidvector, records, reg* types).
func typedColumn(x exec.Expr, pg uint32) exec.Expr {
	if isArrayOID(pg) || pg == 22 || pg == 30 || pg == oidRecord || regTypes[pg] != "" {
		return &typedExpr{x: x, pg: pg}
	}
	return x
}
