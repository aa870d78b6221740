package planner

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
)

// Join joins two inputs: output columns are the left's then the right's.
// LeftKeys[i] = RightKeys[i] are hash-join keys (bound to each side's own
// columns); Residual is the rest of the ON condition, over the joined
// columns.
type Join struct {
	Left, Right         Node
	Kind                exec.JoinKind
	LeftKeys, RightKeys []exec.Expr
	Residual            exec.Expr
	// Asof makes an inner or left join an ASOF join: each left row joins
	// at most one right row of equal keys, the nearest by Asof's
	// inequality. It has no residual.
	Asof *AsofMatch
}

// AsofMatch is the inequality of an ASOF JOIN, Left Op Right with Op one of
// < <= > >=: a left row joins the right row of equal keys whose Right is
// nearest to its Left while the inequality holds (a.t >= b.t: the latest
// b.t at or before a.t).
type AsofMatch struct {
	Left, Right exec.Expr // over each side's own columns
	Op          exec.CmpOp
}

func (n *Join) Columns() []Column {
	if n.Kind == exec.JoinSemi || n.Kind == exec.JoinAnti {
		return n.Left.Columns()
	}
	return append(append([]Column(nil), n.Left.Columns()...), n.Right.Columns()...)
}
func (n *Join) Children() []Node { return []Node{n.Left, n.Right} }
func (n *Join) Describe() string {
	kind := [...]string{"Inner", "Left", "Right", "Full", "Semi", "Anti"}[n.Kind]
	var on []string
	for i := range n.LeftKeys {
		on = append(on, fmt.Sprintf("%s = %s", n.LeftKeys[i], n.RightKeys[i]))
	}
	if n.Asof != nil {
		return fmt.Sprintf("AsofJoin: %s on=[%s] nearest=[%s %s %s]", kind, strings.Join(on, ", "), n.Asof.Left, n.Asof.Op, n.Asof.Right)
	}
	s := fmt.Sprintf("HashJoin: %s on=[%s]", kind, strings.Join(on, ", "))
	if n.Residual != nil {
		s += " filter=" + n.Residual.String()
	}
	return s
}

// subqueriesOf are the scalar and EXISTS subqueries in e (not those
// inside another subquery).
func subqueriesOf(e ast.ExprNode) []ast.ExprNode {
	v := &subqueryFinder{}
	e.Accept(v)
	return v.found
}

type subqueryFinder struct{ found []ast.ExprNode }

func (v *subqueryFinder) Enter(n ast.Node) (ast.Node, bool) {
	switch n := n.(type) {
	case *ast.SubqueryExpr:
		v.found = append(v.found, n)
		return n, true
	case *ast.ExistsSubqueryExpr:
		v.found = append(v.found, n)
		return n, true
	}
	return n, false
}

func (v *subqueryFinder) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// hasSubquery reports whether e holds a subquery (scalar, EXISTS, IN or
// ANY/ALL).
func hasSubquery(e ast.ExprNode) bool {
	return astContains(e, true, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.CompareSubqueryExpr:
			return true
		}
		return false
	})
}

// distinctTableNames refuses a FROM list that names one table (or alias)
// on both sides of a join, as PostgreSQL does: FROM t, t or FROM a JOIN b
// a ON ... would make a.x ambiguous.
func distinctTableNames(left, right *scope) error {
	names := map[string]bool{}
	for _, c := range left.cols {
		if c.table != "" {
			names[c.table] = true
		}
	}
	for _, c := range right.cols {
		if c.table != "" && names[c.table] {
			return errorf("42712", "table name %q specified more than once", c.table)
		}
	}
	return nil
}

// bindJoin binds a JOIN clause. Base tables in a join read all their
// columns (column offsets of the right side must not move once bound);
// the prune_columns rule drops those nothing reads.
func (b *binder) bindJoin(j *ast.Join) (*scope, error) {
	left, err := b.bindTableRef(j.Left)
	if err != nil {
		return nil, err
	}
	right, err := b.bindTableRef(j.Right)
	if err != nil {
		if ts, ok := lateralSource(j.Right); ok && AsError(err).Code == CodeUndefinedColumn {
			// A LATERAL subquery naming the left side's columns.
			return b.bindLateral(j, left, ts)
		}
		var pe *Error
		if errors.As(err, &pe) && pe.missingTable != "" && pe.hiddenBy == "" && left.hasTable(pe.missingTable) {
			out := *pe // FROM t, (SELECT t.x) s: t is there, out of reach
			out.unreachable = true
			return nil, &out
		}
		return nil, err
	}
	if err := distinctTableNames(left, right); err != nil {
		return nil, err
	}
	// A LEFT JOIN's ON condition may hold subqueries over the left row
	// (ON c.host = h.host AND c.time = (SELECT max(time) FROM cpu c2
	// WHERE c2.host = h.host), the latest row of every host, none too):
	// each is bound over the left side first (a correlated one joins or
	// runs per left row there), and the condition reads its value.
	var prebound map[ast.Node]exec.Expr
	if j.On != nil && j.Tp == ast.LeftJoin && !b.stmt.FullJoins[j] && !b.stmt.AsofJoins[j] {
		for _, sq := range subqueriesOf(j.On.Expr) {
			x, err := b.bindNode(left, sq, nil)
			if err != nil {
				prebound = nil // it names the right side: bound below, as before
				break
			}
			if prebound == nil {
				prebound = map[ast.Node]exec.Expr{}
			}
			prebound[sq] = x
		}
	}
	for _, s := range []*scope{left, right} {
		for _, c := range s.cols {
			s.ref(c)
		}
	}
	nl := len(left.node.Columns())
	s := &scope{}
	for _, c := range left.starCols() {
		cc := *c
		cc.scan = nil
		s.cols = append(s.cols, &cc)
	}
	for _, c := range right.starCols() {
		cc := *c
		cc.scan = nil
		cc.index += nl
		s.cols = append(s.cols, &cc)
	}
	kind := exec.JoinInner
	switch j.Tp {
	case ast.LeftJoin:
		kind = exec.JoinLeft
	case ast.RightJoin:
		kind = exec.JoinRight
	}
	if b.stmt.FullJoins[j] {
		kind = exec.JoinFull
	}
	var on exec.Expr
	var onAST ast.ExprNode
	if j.On != nil {
		onAST = j.On.Expr
	}
	// An inner join's conditions with a subquery (ON c.time = (SELECT
	// max(time) ... WHERE c2.host = h.host), which may name either side)
	// filter the joined rows, as in WHERE, where a correlated subquery
	// binds; the others are the join's own.
	var deferred []ast.ExprNode
	if onAST != nil && kind == exec.JoinInner && !b.stmt.AsofJoins[j] && !b.stmt.FullJoins[j] {
		var keep []ast.ExprNode
		for _, c := range astConjuncts(onAST) {
			if hasSubquery(c) {
				deferred = append(deferred, c)
			} else {
				keep = append(keep, c)
			}
		}
		if len(deferred) > 0 {
			onAST = nil
			for _, c := range keep {
				if onAST == nil {
					onAST = c
				} else {
					onAST = &ast.BinaryOperationExpr{Op: opcode.LogicAnd, L: onAST, R: c}
				}
			}
		}
	}
	if onAST != nil {
		var h hook
		if prebound != nil {
			h = func(e ast.ExprNode) (exec.Expr, bool, error) {
				x, ok := prebound[e]
				return x, ok, nil
			}
		}
		if on, err = b.bindBoolHook(s, onAST, "JOIN/ON", h); err != nil {
			return nil, err
		}
	}
	var names []string // USING's columns; NATURAL: those of one name on both sides
	for _, u := range j.Using {
		if slices.Contains(names, u.Name.O) {
			return nil, errorf("42701", "column name %q appears more than once in USING clause", u.Name.O)
		}
		names = append(names, u.Name.O)
	}
	if j.NaturalJoin {
		names = commonColumns(left, right)
	}
	var usings []usingCol
	for _, name := range names {
		for _, c := range s.cols[nl:] {
			if c.name == name {
				c.merged = true
			}
		}
		l, err := left.lookup("", name)
		if err != nil {
			return nil, err
		}
		r, err := right.lookup("", name)
		if err != nil {
			return nil, err
		}
		lv, err := b.readValue(l, &exec.Column{Index: l.index, Name: l.name, DT: l.typ})
		if err != nil {
			return nil, err
		}
		rv, err := b.readValue(r, &exec.Column{Index: r.index + nl, Name: r.name, DT: r.typ})
		if err != nil {
			return nil, err
		}
		eq, err := b.compare(exec.Eq, lv, rv)
		if err != nil {
			if AsError(err).Code == CodeUndefinedFunc {
				return nil, errorf(CodeDatatype, "JOIN/USING types %s and %s cannot be matched", columnTypeName(Column{Type: l.typ, PGType: l.pg}), columnTypeName(Column{Type: r.typ, PGType: r.pg}))
			}
			return nil, err
		}
		if on == nil {
			on = eq
		} else {
			on = &exec.Logic{Op: exec.And, L: on, R: eq}
		}
		usings = append(usings, usingCol{l: l, r: r})
	}
	node := &Join{Left: left.node, Right: right.node, Kind: kind}
	var rest []exec.Expr
	if on != nil {
		for _, c := range conjuncts(on) {
			if lk, rk, ok := equiKey(c, nl); ok {
				node.LeftKeys = append(node.LeftKeys, lk)
				node.RightKeys = append(node.RightKeys, rk)
				continue
			}
			rest = append(rest, c)
		}
	}
	if b.stmt.AsofJoins[j] {
		if node.Asof, err = asofMatch(rest, nl); err != nil {
			return nil, err
		}
		rest = nil
	}
	node.Residual = andAll(rest)
	s.node = node
	for _, c := range deferred {
		pred, err := b.bindBool(s, c, "JOIN/ON")
		if err != nil {
			return nil, err
		}
		s.node = &Filter{Child: s.node, Pred: pred}
	}
	if len(usings) > 0 && (kind == exec.JoinRight || kind == exec.JoinFull || slices.ContainsFunc(usings, usingCol.differ)) {
		if err := b.mergeUsing(s, usings, kind, nl); err != nil {
			return nil, err
		}
	}
	usingFirst(s, names)
	return s, nil
}

// asofMatch finds an ASOF JOIN's inequality among the conditions of its ON
// clause that are not equalities between the two sides: there must be
// exactly one, comparing an expression of each side.
func asofMatch(conds []exec.Expr, nl int) (*AsofMatch, error) {
	var m *AsofMatch
	for _, c := range conds {
		cmp, ok := c.(*exec.Compare)
		if ok && m == nil && cmp.Op != exec.Eq && cmp.Op != exec.Ne {
			switch l, r := sideOf(cmp.L, nl), sideOf(cmp.R, nl); {
			case l == 1 && r == 2:
				m = &AsofMatch{Left: cmp.L, Right: shift(cmp.R, -nl), Op: cmp.Op}
				continue
			case l == 2 && r == 1:
				m = &AsofMatch{Left: cmp.R, Right: shift(cmp.L, -nl), Op: cmp.Op.Flip()}
				continue
			}
		}
		return nil, &Error{Code: CodeNotSupported, Msg: "ASOF JOIN's ON condition takes equalities between the two sides and one inequality, not " + c.String(),
			Hint: "write ON a.key = b.key AND a.time >= b.time; filter in WHERE"}
	}
	if m == nil {
		return nil, &Error{Code: CodeNotSupported, Msg: "ASOF JOIN needs an inequality between the two sides in its ON condition",
			Hint: "write ON a.key = b.key AND a.time >= b.time"}
	}
	switch m.Left.Type().ID() {
	case arrow.INT64, arrow.TIMESTAMP, arrow.FLOAT64, arrow.DATE32:
	default:
		return nil, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("ASOF JOIN's inequality compares %s values; it takes times, dates and numbers", typeName(int64(enginePG(m.Left.Type()))))}
	}
	return m, nil
}

// commonColumns are the names of the columns both sides show (NATURAL
// JOIN), in the left side's order.
func commonColumns(left, right *scope) []string {
	var out []string
	for _, l := range left.cols {
		if l.system || l.merged || slices.Contains(out, l.name) {
			continue
		}
		for _, r := range right.cols {
			if !r.system && !r.merged && r.name == l.name {
				out = append(out, l.name)
				break
			}
		}
	}
	return out
}

// usingFirst puts the shown copy of each USING column first, in USING's
// order, where PostgreSQL's unqualified * lists them; the other columns,
// and t.* of each side, keep theirs.
func usingFirst(s *scope, names []string) {
	if len(names) == 0 {
		return
	}
	front := make([]*scopeCol, 0, len(names))
	rest := make([]*scopeCol, 0, len(s.cols))
	for _, name := range names {
		for _, c := range s.cols {
			if c.name == name && !c.merged && !slices.Contains(front, c) {
				front = append(front, c)
				break
			}
		}
	}
	for _, c := range s.cols {
		if !slices.Contains(front, c) {
			rest = append(rest, c)
		}
	}
	s.star = append(front, rest...)
}

// usingCol is a JOIN ... USING column's two sides.
type usingCol struct{ l, r *scopeCol }

// differ reports whether the two sides are of different types.
func (u usingCol) differ() bool {
	return !arrow.TypeEqual(u.l.typ, u.r.typ) || u.l.pg != u.r.pg
}

// mergeUsing gives a JOIN ... USING the merged columns PostgreSQL gives
// it, of the sides' common type: the unqualified name (and *) reads the
// right side's value for RIGHT JOIN and COALESCE(left, right) for FULL
// JOIN, so rows only the right side has keep their key, and the left
// side's for LEFT and INNER JOIN (INNER: the right's when only it is of
// the common type). Qualified names still read each side's own column.
func (b *binder) mergeUsing(s *scope, usings []usingCol, kind exec.JoinKind, nl int) error {
	cols := s.node.Columns()
	exprs := make([]exec.Expr, len(cols))
	for i, c := range cols {
		exprs[i] = &exec.Column{Index: i, Name: c.Name, DT: c.Type}
	}
	outCols := slices.Clone(cols)
	for _, u := range usings {
		if (kind == exec.JoinInner || kind == exec.JoinLeft) && !u.differ() {
			continue // the left column is the merged one
		}
		lx, err := b.readValue(u.l, &exec.Column{Index: u.l.index, Name: u.l.name, DT: u.l.typ})
		if err != nil {
			return err
		}
		rx, err := b.readValue(u.r, &exec.Column{Index: u.r.index + nl, Name: u.r.name, DT: u.r.typ})
		if err != nil {
			return err
		}
		dt, err := b.commonType([]exec.Expr{lx, rx})
		if err != nil {
			return errorf(CodeDatatype, "JOIN/USING types of column %q cannot be matched: %v", u.l.name, err)
		}
		// The sides' own PostgreSQL types (a bigint column's 0 is int8).
		lpg, rpg := u.l.pg, u.r.pg
		if lpg == 0 {
			lpg = ownPG(u.l.typ)
		}
		if rpg == 0 {
			rpg = ownPG(u.r.typ)
		}
		pg := finalPG(commonRaw(lpg, rpg, ownPG(dt)), dt)
		scale := u.l.scale
		if lx, err = b.coerce(lx, dt); err != nil {
			return err
		}
		if rx, err = b.coerce(rx, dt); err != nil {
			return err
		}
		var merged exec.Expr
		mods := u.l // the type modifier and padding of the merged column's values
		switch {
		case kind == exec.JoinFull:
			merged = &exec.Cond{Kind: exec.Coalesce, Args: []exec.Expr{lx, rx}, DT: dt}
			if u.l.scale != u.r.scale {
				scale = 0 // values of either side: no one scale (numericScale and snapping rely on it)
			}
			if u.l.typmod1 != u.r.typmod1 || u.l.pad != u.r.pad {
				mods = &scopeCol{}
			}
		case kind == exec.JoinRight:
			merged, scale, mods = rx, u.r.scale, u.r
		case kind == exec.JoinInner && arrow.TypeEqual(u.r.typ, dt) && narrowPG(u.r.pg, dt) == pg && (!arrow.TypeEqual(u.l.typ, dt) || narrowPG(u.l.pg, dt) != pg):
			// PostgreSQL's inner join takes the side already of the
			// common type (int2 USING numeric: the numeric side's value).
			merged, scale, mods = rx, u.r.scale, u.r
		default:
			merged = lx // the left side, of the common type
		}
		idx := len(exprs)
		exprs = append(exprs, merged)
		outCols = append(outCols, Column{Name: u.l.name, Type: merged.Type()})
		// The left copy answers only to its qualified name now; the merged
		// column takes its place for unqualified names and *.
		for k, c := range s.cols {
			if c.name == u.l.name && c.index == u.l.index && !c.merged {
				c.merged = true
				// The sides' common type (int2 with int4: int4).
				mc := &scopeCol{name: u.l.name, typ: merged.Type(), index: idx, pg: pg, scale: scale, typmod1: mods.typmod1, pad: mods.pad}
				s.cols = slices.Insert(s.cols, k, mc)
				break
			}
		}
	}
	s.node = &Project{Child: s.node, Exprs: exprs, Cols: outCols}
	return nil
}

// equiKey splits "left expr = right expr" into a key for each side.
func equiKey(e exec.Expr, nl int) (exec.Expr, exec.Expr, bool) {
	c, ok := e.(*exec.Compare)
	if !ok || c.Op != exec.Eq {
		return nil, nil, false
	}
	lside, rside := sideOf(c.L, nl), sideOf(c.R, nl)
	switch {
	case lside == 1 && rside == 2:
		return c.L, shift(c.R, -nl), true
	case lside == 2 && rside == 1:
		return c.R, shift(c.L, -nl), true
	}
	return nil, nil, false
}

// sideOf says which input an expression reads: 1 left, 2 right, 0 neither,
// 3 both.
func sideOf(e exec.Expr, nl int) int {
	side := 0
	walkColumns(e, func(c *exec.Column) {
		if c.Index < nl {
			side |= 1
		} else {
			side |= 2
		}
	})
	return side
}
