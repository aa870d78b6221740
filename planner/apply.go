package planner

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// A correlated subquery that decorrelation cannot turn into a join (a
// correlation by inequality, a condition on the outer row only, ARRAY(...),
// a subquery returning rows rather than an aggregate) runs once per outer
// row instead, as PostgreSQL's SubPlan does: applyExpr. Its plan is bound
// once with the outer columns as outerRefs; each run gets a fresh exec.Ctx
// under which the frame holds that row's values, so concurrent executions
// of one plan do not share state. It is a nested loop, meant for the
// catalog queries clients send, whose outer tables are small.

// applyKind is what the subquery's rows become.
type applyKind int

const (
	applyScalar applyKind = iota // its one value (NULL without rows)
	applyArray                   // ARRAY(subquery): its column as an array
	applyExists                  // EXISTS: whether it has rows
	applyIn                      // x op ANY|ALL (subquery), x IN (subquery): x compared with its column's values
)

// maxApplyRuns bounds the runs of one per-row subquery in one execution of
// its query: past it, the query fails (54000) rather than run for hours
// over a large table, with a hint to write a join.
const maxApplyRuns = 100_000

// applyFrame holds the outer values of the runs in progress, by run.
type applyFrame struct {
	cols []*exec.Column // the outer columns read, by slot
	runs sync.Map       // *exec.Ctx → []any

	mu     sync.Mutex
	counts map[*exec.Ctx]int // runs so far, by execution (bounded, see count)
}

// count adds n runs to an execution's and reports whether the total is
// within maxApplyRuns. Counts of finished executions are dropped wholesale
// once many accumulate, which can only loosen the bound of one running.
func (f *applyFrame) count(c *exec.Ctx, n int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.counts == nil || len(f.counts) > 1024 {
		f.counts = map[*exec.Ctx]int{}
	}
	f.counts[c] += n
	return f.counts[c] <= maxApplyRuns
}

// slot returns the slot of an outer column, adding it.
func (f *applyFrame) slot(c *exec.Column) int {
	for i, have := range f.cols {
		if have.Index == c.Index {
			return i
		}
	}
	f.cols = append(f.cols, c)
	return len(f.cols) - 1
}

// frameValue is an outer value of the current run, broadcast to rec.
func (f *applyFrame) value(c *exec.Ctx, slot int, dt arrow.DataType, rec arrow.Record) (arrow.Array, error) {
	vals, ok := f.runs.Load(c)
	for run := c; !ok; {
		// A run of a subquery inside this frame's: its values are those
		// of the run around it.
		parent, inside := runParents.Load(run)
		if !inside {
			return nil, errNestedOuter
		}
		run = parent.(*exec.Ctx)
		vals, ok = f.runs.Load(run)
	}
	lit := &exec.Literal{V: vals.([]any)[slot], DT: dt}
	if rec.NumRows() > 0 {
		return lit.Eval(c, rec)
	}
	// An empty batch: a slice of one value, so the array has its buffers
	// (the logic kernels read them).
	one, err := lit.Eval(c, oneRow)
	if err != nil {
		return nil, err
	}
	defer one.Release()
	return array.NewSlice(one, 0, 0), nil
}

// runParents maps each run's context to the context it runs under (the
// run of a subquery around it, or the query's), so a subquery two levels
// in reads the values of the run around it (outerRef.far).
var runParents sync.Map // *exec.Ctx → *exec.Ctx

type applyExpr struct {
	kind  applyKind
	plan  Node
	frame *applyFrame
	args  []exec.Expr // the outer columns, by slot
	in    exec.Expr   // applyIn: the value compared (of the outer row)
	op    exec.CmpOp  // applyIn: the comparison (= for IN)
	all   bool        // applyIn: ALL (every value), else ANY
	// applyIn: the time kind (1082, 1114) of the subquery's values when
	// each is raised to the next kind to meet in (raiseTime), else 0.
	convertFrom uint32
	dt          arrow.DataType
	pg          uint32
	scale       int // applyScalar: the column's numeric scale (Column.Scale)
	engine      *storage.Engine
}

func (a *applyExpr) Type() arrow.DataType { return a.dt }
func (a *applyExpr) pgType() uint32       { return a.pg }
func (a *applyExpr) String() string {
	if a.kind == applyIn {
		if a.op == exec.Eq && !a.all {
			return a.in.String() + " IN (SubPlan)"
		}
		q := "ANY"
		if a.all {
			q = "ALL"
		}
		return fmt.Sprintf("%s %s %s (SubPlan)", a.in, a.op, q)
	}
	return [...]string{"SubPlan", "ARRAY(SubPlan)", "EXISTS(SubPlan)"}[a.kind]
}
func (a *applyExpr) children() []exec.Expr {
	if a.in != nil {
		return append(append([]exec.Expr(nil), a.args...), a.in)
	}
	return a.args
}
func (a *applyExpr) withChildren(args []exec.Expr) exec.Expr {
	c := *a
	if a.in != nil {
		c.args, c.in = args[:len(args)-1], args[len(args)-1]
		return &c
	}
	c.args = args
	return &c
}

func (a *applyExpr) Eval(c *exec.Ctx, rec arrow.Record) (arrow.Array, error) {
	arrs := make([]arrow.Array, 0, len(a.args))
	defer func() {
		for _, x := range arrs {
			x.Release()
		}
	}()
	for _, x := range a.args {
		v, err := x.Eval(c, rec)
		if err != nil {
			return nil, err
		}
		arrs = append(arrs, v)
	}
	var in arrow.Array
	if a.in != nil {
		var err error
		if in, err = a.in.Eval(c, rec); err != nil {
			return nil, err
		}
		defer in.Release()
	}
	out := make([]any, rec.NumRows())
	if !a.frame.count(c, len(out)) {
		return nil, &Error{Code: "54000", Msg: fmt.Sprintf("a correlated subquery ran for more than %d rows of its outer query", maxApplyRuns),
			Hint: "subqueries correlated by other than equality run once per outer row; write the query as a join"}
	}
	for i := range out {
		vals := make([]any, len(arrs))
		for j, x := range arrs {
			vals[j] = valueAtRow(x, i)
		}
		var want any
		if in != nil {
			want = valueAtRow(in, i)
		}
		v, err := a.run(c, vals, want)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return buildArray(c, a.dt, out)
}

// run executes the subquery for one outer row (want: applyIn's value).
func (a *applyExpr) run(c *exec.Ctx, vals []any, want any) (any, error) {
	sub := &exec.Ctx{Mem: c.Mem, Location: c.Location, Now: c.Now, MemLimit: c.MemLimit, Context: c.Context}
	a.frame.runs.Store(sub, vals)
	defer a.frame.runs.Delete(sub)
	runParents.Store(sub, c)
	defer runParents.Delete(sub)
	op, err := Build(sub, a.engine, a.plan)
	if err != nil {
		return nil, err
	}
	recs, err := exec.Collect(c.Stmt(), op)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var rows []any
	for _, r := range recs {
		for i := 0; i < int(r.NumRows()); i++ {
			if a.kind == applyExists {
				return true, nil
			}
			if a.kind == applyArray {
				if r.Column(0).IsNull(i) {
					rows = append(rows, nil)
					continue
				}
				s, _ := exec.FormatValue(r.Column(0), i, c.Location)
				rows = append(rows, s)
				continue
			}
			rows = append(rows, valueAtRow(r.Column(0), i))
		}
	}
	switch a.kind {
	case applyExists:
		return false, nil
	case applyIn:
		// Three-valued: ANY is true on a comparison that holds, ALL false
		// on one that fails; else NULL when x is NULL or a value is (and
		// there are values); else false for ANY, true for ALL.
		if len(rows) == 0 {
			return a.all, nil
		}
		sawNull := false
		for _, r := range rows {
			if r == nil || want == nil {
				sawNull = true
				continue
			}
			if a.convertFrom != 0 {
				r = raiseTime(r, a.convertFrom, c.Location)
			}
			v, err := exec.CastValue(c, r, a.in.Type())
			if err != nil {
				return nil, err
			}
			holds, err := compareValues(a.op, want, v)
			if err != nil {
				return nil, err
			}
			if holds != a.all {
				return holds, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return a.all, nil
	case applyArray:
		elems := make([]*string, len(rows))
		for i, r := range rows {
			if s, ok := r.(string); ok {
				elems[i] = &s
			}
		}
		return formatArrayText(elems), nil
	}
	if len(rows) > 1 {
		return nil, errorf("21000", "more than one row returned by a subquery used as an expression")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return rows[0], nil
}

// applySubquery binds a correlated subquery to run once per outer row.
func (b *binder) applySubquery(outer *scope, q ast.ResultSetNode, kind applyKind) (exec.Expr, error) {
	stmt, ok := q.(ast.StmtNode)
	if !ok || outer == nil || outer.node == nil {
		return nil, notSupported("this correlated subquery")
	}
	materialize(outer)
	frame := &applyFrame{}
	restore := b.withOuter(outer, frame)
	node, err := b.bindQuery(stmt)
	restore()
	if err != nil {
		return nil, err
	}
	if kind == applyExists && b.existsSimplifies(q) {
		node = existsRows(node)
	}
	node = Optimize(node)
	if err := deferredFoldError(node); err != nil {
		return nil, err
	}
	cols := node.Columns()
	if kind != applyExists && len(cols) != 1 {
		if kind == applyIn {
			return nil, errorf(CodeSyntax, "subquery has too many columns")
		}
		return nil, errorf(CodeSyntax, "subquery must return only one column")
	}
	a := &applyExpr{kind: kind, plan: node, frame: frame, engine: b.p.Engine}
	for _, c := range frame.cols {
		a.args = append(a.args, c)
	}
	switch kind {
	case applyExists, applyIn:
		a.dt = exec.TypeBool
	case applyArray:
		a.dt = exec.TypeText
		a.pg = arrayOIDs[elemPG(cols[0])]
	default:
		a.dt = literalType(cols[0])
		a.pg, a.scale = cols[0].PGType, cols[0].Scale
	}
	return a, nil
}

// elemPG is the PostgreSQL type of a column's values.
func elemPG(c Column) uint32 {
	if c.PGType != 0 {
		return c.PGType
	}
	return pgOfEngine(c.Type)
}

// arraySubquery is ARRAY(subquery): run once when uncorrelated, per outer
// row otherwise.
func (b *binder) arraySubquery(outer *scope, e ast.ExprNode) (exec.Expr, error) {
	e = unparen(e)
	sub, ok := e.(*ast.SubqueryExpr)
	if !ok {
		return nil, notSupported("ARRAY over this expression")
	}
	rows, cols, err := b.runSubquery(outer, sub.Query)
	if isCorrelated(err) {
		return b.applySubquery(outer, sub.Query, applyArray)
	}
	if err != nil {
		return nil, err
	}
	if len(cols) != 1 {
		return nil, errorf(CodeSyntax, "subquery must return only one column")
	}
	elems := make([]*string, len(rows))
	for i, r := range rows {
		if r[0] == nil {
			continue
		}
		l := &exec.Literal{V: r[0], DT: literalType(cols[0])}
		s, _ := exec.FormatValue(mustEval(l), 0, b.ctx.Location)
		elems[i] = &s
	}
	text := formatArrayText(elems)
	return &rowFunc{name: "array", dt: exec.TypeText, pg: arrayOIDs[elemPG(cols[0])], fn: func([]any) (any, error) { return text, nil }}, nil
}

// isCorrelated reports whether runSubquery failed because the subquery
// names the outer query.
func isCorrelated(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Code == CodeNotSupported && containsCorrelated(pe.Msg)
}

func containsCorrelated(msg string) bool { return strings.Contains(msg, "correlated") }

func isNotSupported(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Code == CodeNotSupported
}
