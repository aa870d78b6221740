package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// binder turns one statement's AST into a logical plan.
type binder struct {
	p *Planner
	// top is the statement's own SELECT (nil for other statements): its
	// select list is the result's.
	top    *ast.SelectStmt
	sess   *Session
	stmt   *sql.Statement
	params []any
	ctx    *exec.Ctx
	ctes   []map[string]Node // innermost last
	// recursiveNeed is, by WITH RECURSIVE name, how many of its rows the
	// query reads when it only takes the first ones (SELECT * FROM t LIMIT
	// 10): the recursion may stop there, as PostgreSQL's stops pulling.
	recursiveNeed map[*ast.CommonTableExpression]int
	// outer is the enclosing query's scope while a correlated subquery is
	// bound; its columns become outerRefs.
	outer *scope
	// members memoizes memberPG, scales numericScale.
	members map[aloneKey]uint32
	scales  map[aloneKey]int
	// farther are the scopes around outer, innermost last: a name found
	// there only is a reference two or more queries out. fartherFrames
	// are the frames the queries between ran per row under (nil where one
	// did not): the value is read from there; without one it cannot be.
	farther       []*scope
	fartherFrames []*applyFrame
	// outerHits counts the references bound to each outer scope, so a
	// subquery run while planning that names a column of the query
	// around the one it is in (not a column of that one, which is an
	// undefined column there) is known to be correlated too.
	outerHits map[*scope]int
	// frame is set while a subquery that runs per outer row is bound.
	frame *applyFrame
	// describe binds for Planner.Describe: parameters have no values yet
	// and ptypes[n-1] records the type $n is first read as.
	describe bool
	ptypes   []arrow.DataType
	// ppg[n-1] is the PostgreSQL type $n is first cast to ($1::int4),
	// when the engine holds it in a wider type; only Describe asks.
	ppg []uint32
	// volatile: planning read something a later execution may see
	// differently (rows, catalog tables, sizes, settings), so the plan is
	// not Reusable.
	volatile bool
	// dateTypes are the PostgreSQL types of the date arithmetic bound so
	// far (dateArith), for pgTypeOf.
	dateTypes map[*ast.BinaryOperationExpr]uint32
	// utc marks the arithmetic or function call being bound as reading a
	// timestamp without time zone: days and months added, fields read in
	// UTC (exec.Arith.UTC, exec.Call.UTC). Taken by the next one bound.
	utc bool
	// lazyFold > 0 while binding what only some rows reach (CASE after its
	// first condition, the right side of AND/OR, COALESCE after its first
	// argument): constants that fail to evaluate stay unfolded.
	lazyFold int
	// lazyList is a SELECT whose select list and ORDER BY may not be
	// computed, so their failing constants fail only if the optimized plan
	// still computes them (deferFold): a derived table's or a WITH
	// query's, whose columns no one reads are pruned, as in PostgreSQL
	// (SELECT count(*) FROM (SELECT 1/0 FROM t) s counts t), or, with
	// lazyExists, an EXISTS's, which existsRows drops when PostgreSQL
	// would (EXISTS (SELECT 1/0) is true).
	lazyList *ast.SelectStmt
	// deleteCols are the columns of a DELETE's table (bindDelete), in
	// the order of the rows its condition reads.
	deleteCols []Column
	// deleteDeclared are their declared types (an UPDATE keeps its new
	// values within them).
	deleteDeclared []storage.Declared
	lazyExists     bool
	// deferFold > 0 while binding a lazyList: a constant that fails to
	// evaluate becomes a foldError, raised when planning ends if the
	// optimized plan still computes it (deferredFoldError).
	deferFold int
	// existsPlain caches existsSimplifies by query, read before binding
	// moves a select list's set-returning functions out of it.
	existsPlain map[ast.ResultSetNode]bool
	// subqueryTypes are the PostgreSQL types of the scalar subqueries run
	// while binding (their values became constants).
	subqueryTypes map[*ast.SubqueryExpr]uint32
	// subqueryScales are their numeric display scales (Column.Scale).
	subqueryScales map[*ast.SubqueryExpr]int
	// grouped is set while a grouped query's select list, HAVING or ORDER
	// BY binds an expression over its groups (selectBinder.postAgg).
	grouped bool
	// materialized names the real-time views whose own rows are being
	// bound (realTimeView): there the name reads the rows stored.
	materialized map[string]bool
	// expanding names the plain views whose queries are being bound
	// (plainView): one read again inside is a view that reads itself.
	expanding map[string]bool
}

func newBinder(ctx context.Context, p *Planner, sess *Session, stmt *sql.Statement, params []any) *binder {
	if stmt != nil && stmt.AST != nil {
		stmt.AST.Accept(columnSchemas{})
	}
	b := &binder{p: p, sess: sess, stmt: stmt, params: params, ctx: p.execCtx(ctx, sess)}
	if stmt != nil {
		b.top, _ = stmt.AST.(*ast.SelectStmt)
	}
	return b
}

// columnSchemas drops the schema of schema.table.column references to the
// schemas Strata's tables live in ("public"."weather"."city", as Metabase
// writes): the table name decides. Other schemas stay, and are refused.
type columnSchemas struct{}

func (columnSchemas) Enter(n ast.Node) (ast.Node, bool) {
	if c, ok := n.(*ast.ColumnNameExpr); ok && c.Name != nil {
		switch c.Name.Schema.L {
		case "public", "iox", "pg_catalog", "information_schema":
			c.Name.Schema = ast.CIStr{}
		}
	}
	return n, false
}

func (columnSchemas) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// scopeCol is a column visible to expressions.
type scopeCol struct {
	table string // alias or table name ("" for derived columns)
	name  string
	typ   arrow.DataType
	// index in the node's output, or -1 until a lazy scan column is read
	index int
	scan  *Scan // set for base-table columns: read on first reference
	// stored is the scan's name for the column when the scope names it
	// otherwise (a materialized view's time); "": name.
	stored string
	// merged hides the right-hand copy of a JOIN ... USING column from
	// unqualified names and from *.
	merged bool
	// system columns (a catalog's tableoid) are named, never part of *.
	system bool
	// rowAlias is a one-column function's alias naming its value (f(...)
	// AS e: e), which a real column of that name outranks, as PostgreSQL
	// reads e as the whole row only when no column is named so.
	rowAlias bool
	pg       uint32 // Column.PGType
	scale    int    // Column.Scale
	// typmod1 and pad are Column.TypmodPlus1 and Column.Pad.
	typmod1 int32
	pad     int
	// dateReading marks a stored column declared date, whose values are
	// their midnights' readings (UTC's); read, they are the session zone's
	// midnights, as the engine holds dates (binder.readValue).
	dateReading bool
	// ungrouped: an input column of a grouped query that is not a group
	// key, which its subqueries may not read (groupedScope).
	ungrouped bool
}

// scope is the set of columns an expression may name, over a node.
type scope struct {
	cols []*scopeCol
	node Node
	// star is the order of the columns an unqualified * lists when it is
	// not cols' (a JOIN ... USING lists the USING columns first); nil: cols.
	star []*scopeCol
}

// starCols are the columns in the order an unqualified * lists them.
func (s *scope) starCols() []*scopeCol {
	if s.star != nil {
		return s.star
	}
	return s.cols
}

// ref makes a scope column part of the node's output and returns its
// expression.
func (s *scope) ref(c *scopeCol) exec.Expr {
	name := c.name
	if c.stored != "" {
		name = c.stored
	}
	if c.index < 0 {
		c.scan.Cols = append(c.scan.Cols, Column{Name: name, Type: c.typ, Table: c.table, PGType: c.pg})
		c.index = len(c.scan.Cols) - 1
	}
	return &exec.Column{Index: c.index, Name: name, DT: c.typ}
}

// storedTable is the table a base-table column is read from, "" for
// derived columns.
func (c *scopeCol) storedTable() string {
	if c.scan == nil {
		return ""
	}
	return c.scan.Table
}

// find finds a column by (optional) table and name: nil if there is none,
// an error if the name is ambiguous.
func (s *scope) find(table, name string) (*scopeCol, error) {
	var found, alias *scopeCol
	for _, c := range s.cols {
		if c.name != name || (table != "" && c.table != table) || (table == "" && c.merged) {
			continue
		}
		if c.rowAlias {
			if table == "" && alias == nil {
				alias = c // only when no column has the name
			}
			continue
		}
		if found != nil {
			return nil, errorf(CodeAmbiguousColumn, "column reference %q is ambiguous", name)
		}
		found = c
	}
	if found == nil {
		return alias, nil
	}
	return found, nil
}

// lookup finds a column by (optional) table and name; the error for a
// missing one suggests the nearest name.
func (s *scope) lookup(table, name string) (*scopeCol, error) {
	found, err := s.find(table, name)
	if err != nil {
		return nil, err
	}
	if found == nil {
		names := make([]string, 0, len(s.cols))
		for _, c := range s.cols {
			names = append(names, c.name)
		}
		full := name
		e := &Error{Code: CodeUndefinedColumn}
		e.ref = []string{name}
		if table != "" {
			full = table + "." + name
			e.ref = []string{table, name}
			if !s.hasTable(table) {
				e.missingTable = table
				for _, c := range s.cols {
					if c.storedTable() == table && c.table != table {
						e.hiddenBy = c.table // FROM cpu c ... cpu.x
						break
					}
				}
			}
		}
		e.Msg = fmt.Sprintf("column %q does not exist", full)
		if table != "" {
			e.Msg = fmt.Sprintf("column %s does not exist", full) // PostgreSQL's form
		}
		if best := closest(name, names); best != "" {
			e.Hint = fmt.Sprintf("did you mean %q?", best)
		}
		return nil, e
	}
	return found, nil
}

// hasTable reports whether a column of the scope belongs to table (by
// its name or alias).
func (s *scope) hasTable(table string) bool {
	for _, c := range s.cols {
		if c.table == table {
			return true
		}
	}
	return false
}

// outerHasTable reports whether a scope around the one being bound (the
// outer query's, and those around it) has table.
func (b *binder) outerHasTable(table string) bool {
	if b.outer != nil && b.outer.hasTable(table) {
		return true
	}
	for _, far := range b.farther {
		if far.hasTable(table) {
			return true
		}
	}
	return false
}

// closest returns the candidate nearest to name, if it is near.
func closest(name string, candidates []string) string { return storage.ClosestName(name, candidates) }

// bindQuery binds a SELECT or set operation.
func (b *binder) bindQuery(n ast.StmtNode) (Node, error) {
	switch n := n.(type) {
	case *ast.SelectStmt:
		return b.bindSelect(n)
	case *ast.SetOprStmt:
		return b.bindSetOp(n)
	}
	return nil, notSupported(fmt.Sprintf("statement %T", n))
}

// bindFrom binds the FROM clause into a node and its scope.
func (b *binder) bindFrom(from *ast.TableRefsClause) (*scope, error) {
	if from == nil || from.TableRefs == nil {
		// SELECT without FROM: one row, no columns.
		v := &Values{Rows: [][]exec.Expr{{}}}
		return &scope{node: v}, nil
	}
	j := from.TableRefs
	if j.Right != nil {
		return b.bindJoin(j)
	}
	return b.bindTableRef(j.Left)
}

func (b *binder) bindTableRef(n ast.ResultSetNode) (*scope, error) {
	switch n := n.(type) {
	case *ast.TableSource:
		alias := n.AsName.O
		switch src := n.Source.(type) {
		case *ast.TableName:
			s, err := b.bindTableName(src, alias)
			if err != nil || src.TableSample == nil {
				return s, err
			}
			return b.tableSample(s, src.TableSample)
		case *ast.SelectStmt, *ast.SetOprStmt:
			if f, ok := isTableFunction(src); ok {
				s, err := b.tableFunctionFrom(f, alias, n.ColumnNames)
				if err == nil && len(n.ColumnNames) > len(s.node.Columns()) {
					return nil, errorf("42P10", "table %q has %d columns available but %d columns specified", alias, len(s.node.Columns()), len(n.ColumnNames))
				}
				return s, err
			}
			var node Node
			sel, _ := src.(*ast.SelectStmt)
			err := b.withLazyList(sel, false, func() (err error) {
				node, err = b.bindQuery(src.(ast.StmtNode))
				return err
			})
			if err != nil {
				return nil, err
			}
			if len(n.ColumnNames) > len(node.Columns()) {
				return nil, errorf("42P10", "table %q has %d columns available but %d columns specified", alias, len(node.Columns()), len(n.ColumnNames))
			}
			if len(n.ColumnNames) > 0 {
				// (SELECT ...) AS s(a, b): package sql marks these Lateral
				// because TiDB only takes column aliases there.
				node = renameColumns(node, n.ColumnNames)
			}
			return derivedScope(node, alias), nil
		}
		return nil, notSupported(fmt.Sprintf("FROM %T", n.Source))
	case *ast.Join:
		if n.Right != nil {
			return b.bindJoin(n)
		}
		return b.bindTableRef(n.Left)
	}
	return nil, notSupported(fmt.Sprintf("FROM %T", n))
}

// withLazyList runs bind with sel as the lazyList.
func (b *binder) withLazyList(sel *ast.SelectStmt, exists bool, bind func() error) error {
	defer func(sel *ast.SelectStmt, exists bool) { b.lazyList, b.lazyExists = sel, exists }(b.lazyList, b.lazyExists)
	b.lazyList, b.lazyExists = sel, exists
	return bind()
}

// derivedScope exposes a subquery's output columns under alias.
func derivedScope(node Node, alias string) *scope {
	s := &scope{node: node}
	for i, c := range node.Columns() {
		s.cols = append(s.cols, &scopeCol{table: alias, name: c.Name, typ: c.Type, index: i, pg: c.PGType, scale: c.Scale, typmod1: c.TypmodPlus1, pad: c.Pad})
	}
	return s
}

func (b *binder) bindTableName(t *ast.TableName, alias string) (*scope, error) {
	if b.stmt != nil {
		for _, db := range b.stmt.Catalogs {
			if !b.sess.ownCatalog(db) {
				// PostgreSQL's words: one database per connection.
				return nil, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("cross-database references are not implemented: %s.%s.%s", db, t.Schema.O, t.Name.O),
					Hint: fmt.Sprintf("connect to database %q to query it", db)}
			}
		}
	}
	name := t.Name.O
	schema := t.Schema.O
	if schema == "" {
		for i := len(b.ctes) - 1; i >= 0; i-- {
			if node, ok := b.ctes[i][name]; ok {
				if alias == "" {
					alias = name
				}
				if s, ok := node.(*Shared); ok {
					s.refs++
				}
				return derivedScope(node, alias), nil
			}
		}
	}
	if schema == "" && isCatalogTable(name) {
		// pg_catalog comes first on PostgreSQL's search path.
		return b.pgCatalog(name, alias)
	}
	switch schema {
	case "", "public", "iox": // iox: InfluxDB 3's schema of the user's tables
	case "information_schema":
		return b.informationSchema(name, alias)
	case "system":
		return b.systemTable(name, alias)
	case "timescaledb_information":
		return b.timescaleInfo(name, alias)
	case "pg_catalog":
		return b.pgCatalog(name, alias)
	default:
		return nil, errorf(CodeUndefinedTable, "schema %q does not exist", schema)
	}
	if v, ok := b.p.plainViewOf(b.sess.Database, name); ok {
		return b.plainView(v, alias)
	}
	cols, err := b.p.tableColumns(b.sess.Database, name)
	if err != nil {
		return nil, err
	}
	if alias == "" {
		alias = name
	}
	scan := &Scan{DB: b.sess.Database, Table: name, Alias: alias, Range: storage.AllTime()}
	s := &scope{node: scan}
	timeName := b.p.timeName(b.sess.Database, name)
	for _, c := range sqlOrder(cols) {
		typ, d := storage.ArrowType(c.Type), declaredOf(c)
		sc := &scopeCol{table: alias, name: c.Name, typ: typ, index: -1, scan: scan, pg: narrowPG(d.OID, typ), scale: declaredScale(d), dateReading: d.OID == storage.OIDDate,
			typmod1: d.Typmod() + 1, pad: declaredPad(d)}
		if c.Type == storage.TypeTime && timeName != storage.TimeColumn && !b.sess.Influx {
			// time_name.go; InfluxDB 3's clients (and InfluxQL) see every
			// table's time column as time, as InfluxDB names it.
			sc.name, sc.stored = timeName, storage.TimeColumn
		}
		s.cols = append(s.cols, sc)
	}
	if def, ok := b.p.viewOf(b.sess.Database, name); ok {
		if realTime(def) && !b.materialized[name] {
			return b.realTimeView(name, alias, def)
		}
		// A materialized view: its columns in its query's order, time
		// under the view's name for it.
		var ordered []*scopeCol
		for _, vc := range def.Columns {
			want := vc
			if vc == def.Time {
				want = storage.TimeColumn
			}
			for _, sc := range s.cols {
				if sc.name == want {
					if vc == def.Time {
						sc.name, sc.stored = vc, storage.TimeColumn
					}
					ordered = append(ordered, sc)
				}
			}
		}
		s.cols = ordered
	}
	return s, nil
}

// tableColumns are a stored table's columns; a table that does not exist
// is PostgreSQL's 42P01 with storage's hint (the closest name).
func (p *Planner) tableColumns(db, name string) ([]storage.ColumnMeta, error) {
	cols, err := p.Engine.TableSchema(db, name)
	if err != nil {
		var se *storage.Error
		if asStorage(err, &se) && se.Code == storage.CodeNotFound {
			e := errorf(CodeUndefinedTable, "relation %q does not exist", name)
			e.Hint = se.Hint
			e.ref, e.relation = []string{name}, true
			return nil, e
		}
		return nil, err
	}
	return cols, nil
}

// output is one column of a SELECT list being bound.
type output struct {
	expr exec.Expr
	zone string // Column.Zone
	name string
	ast  ast.ExprNode // nil for * columns
	pg   uint32       // Column.PGType
	// scale is Column.Scale
	scale int
	// table is the stored table a plain column reference reads (Column.Table
	// of the result), "" for anything computed; attr is the column it reads.
	table, attr string
	// mods are its type modifier and padding (typmod.go).
	mods typeMods
}

// withOuter makes outer (and frame) the scope a subquery's outer
// references name, keeping the one it replaces among the farther ones;
// the returned function restores them.
func (b *binder) withOuter(outer *scope, frame *applyFrame) (restore func()) {
	savedOuter, savedFrame, savedFarther, savedFrames := b.outer, b.frame, b.farther, b.fartherFrames
	if savedOuter != nil && savedOuter != outer {
		b.farther = append(slices.Clip(savedFarther), savedOuter)
		b.fartherFrames = append(slices.Clip(savedFrames), savedFrame)
	}
	b.outer, b.frame = outer, frame
	return func() {
		b.outer, b.frame, b.farther, b.fartherFrames = savedOuter, savedFrame, savedFarther, savedFrames
	}
}

// bindWith binds a WITH clause's common table expressions into a new
// scope of names, which popWith leaves (call it even when bindWith fails).
func (b *binder) bindWith(with *ast.WithClause) error {
	defs := map[string]Node{}
	b.ctes = append(b.ctes, defs)
	for _, cte := range with.CTEs {
		if _, dup := defs[cte.Name.O]; dup {
			return errorf("42712", "WITH query name %q specified more than once", cte.Name.O)
		}
		if cte.IsRecursive {
			node, ok, err := b.recursiveCTE(cte, defs)
			if err != nil {
				return err
			}
			if ok {
				defs[cte.Name.O] = node
				continue
			}
		}
		var node Node
		sel, _ := cte.Query.Query.(*ast.SelectStmt)
		materialized := b.stmt != nil && slices.Contains(b.stmt.MaterializedCTEs, cte.Name.O)
		if materialized {
			sel = nil // computed in full: its constants fold now
		}
		err := b.withLazyList(sel, false, func() (err error) {
			node, err = b.bindQuery(cte.Query.Query.(ast.StmtNode))
			return err
		})
		if err != nil {
			return err
		}
		if len(cte.ColNameList) > 0 {
			if n := len(node.Columns()); len(cte.ColNameList) > n {
				return errorf("42P10", "WITH query %q has %d columns available but %d columns specified", cte.Name.O, n, len(cte.ColNameList))
			}
			node = renameColumns(node, cte.ColNameList)
		}
		sh := newShared(cte.Name.O, node)
		sh.materialized = materialized
		defs[cte.Name.O] = sh
	}
	return nil
}

func (b *binder) popWith() { b.ctes = b.ctes[:len(b.ctes)-1] }

// withClause binds a statement under its WITH clause: the CTEs are bound
// first, then body; those named at most once are inlined in its plan.
func (b *binder) withClause(with *ast.WithClause, body func() (Node, error)) (Node, error) {
	if with == nil {
		return body()
	}
	defer b.popWith()
	if err := b.bindWith(with); err != nil {
		return nil, err
	}
	defs := b.ctes[len(b.ctes)-1]
	node, err := body()
	if err != nil {
		return nil, err
	}
	return unshare(node, defs), nil
}

// bindSelect binds one SELECT block.
func (b *binder) bindSelect(sel *ast.SelectStmt) (Node, error) {
	if sel.Kind == ast.SelectStmtKindValues {
		return b.bindValues(sel)
	}
	if sel.Kind == ast.SelectStmtKindTable {
		// TABLE t is SELECT * FROM t.
		cp := *sel
		cp.Kind = ast.SelectStmtKindSelect
		cp.Fields = &ast.FieldList{Fields: []*ast.SelectField{{WildCard: &ast.WildCardField{}}}}
		sel = &cp
	}
	if sel.Kind != ast.SelectStmtKindSelect {
		return nil, notSupported(sel.Kind.String() + " statements")
	}
	if sel.With != nil && sel.With.IsRecursive {
		b.noteRecursiveNeed(sel)
	}
	return b.withClause(sel.With, func() (Node, error) { return b.selectBody(sel) })
}

// noteRecursiveNeed records, for SELECT ... FROM cte LIMIT n [OFFSET m]
// reading a recursive CTE of its WITH and nothing else (no WHERE,
// grouping, DISTINCT or ORDER BY), that n + m of the CTE's rows are all
// it reads.
func (b *binder) noteRecursiveNeed(sel *ast.SelectStmt) {
	if sel.Where != nil || sel.GroupBy != nil || sel.Having != nil || sel.Distinct || sel.OrderBy != nil || sel.WindowSpecs != nil ||
		sel.Limit == nil || sel.From == nil || sel.From.TableRefs == nil || sel.From.TableRefs.Right != nil {
		return
	}
	ts, ok := sel.From.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok || tn.Schema.O != "" {
		return
	}
	for _, f := range sel.Fields.Fields {
		if f.Expr != nil && (containsAggregate(f.Expr) || containsWindow(f.Expr) || len(srfCalls(f.Expr)) > 0) {
			return
		}
	}
	constInt := func(e ast.ExprNode) (int, bool) {
		v, ok := e.(*driver.ValueExpr)
		if !ok {
			return 0, false
		}
		switch v.Kind() {
		case driver.KindInt64:
			return int(v.GetInt64()), v.GetInt64() >= 0 && v.GetInt64() < 1<<40
		case driver.KindUint64:
			return int(v.GetUint64()), v.GetUint64() < 1<<40
		}
		return 0, false
	}
	n, ok := constInt(sel.Limit.Count)
	if !ok {
		return
	}
	if sel.Limit.Offset != nil {
		m, ok := constInt(sel.Limit.Offset)
		if !ok {
			return
		}
		n += m
	}
	for _, cte := range sel.With.CTEs {
		if cte.Name.O == tn.Name.O {
			if b.recursiveNeed == nil {
				b.recursiveNeed = map[*ast.CommonTableExpression]int{}
			}
			b.recursiveNeed[cte] = n
		}
	}
}

// selectBody binds a SELECT block under its WITH clause.
func (b *binder) selectBody(sel *ast.SelectStmt) (Node, error) {
	if err := srfInConditional(sel); err != nil {
		return nil, err
	}
	b.srfInGroupBy(sel)
	inputColumn := func(name string) bool { return b.isInputColumn(sel.From, name) }
	if outer, ok := srfOverGroups(sel, len(b.stmt.DistinctOn[sel]) > 0, inputColumn); ok {
		return b.selectBody(outer) // f(agg(...)) in a grouped select list
	}
	seriesInSelectList(sel)
	in, err := b.bindFrom(sel.From)
	if err != nil {
		return nil, err
	}
	if sel.Where != nil {
		var preds []exec.Expr
		for _, c := range astConjuncts(sel.Where) {
			if sub, anti, ok := existsConjunct(c); ok {
				done, err := b.decorrelateExists(in, sub, anti)
				if err != nil {
					return nil, err
				}
				if done {
					continue
				}
			}
			pred, err := b.bindBool(in, c, "WHERE")
			if err != nil {
				return nil, err
			}
			preds = append(preds, pred)
		}
		if pred := andAll(preds); pred != nil {
			in.node = &Filter{Child: in.node, Pred: pred}
		}
	}
	for i, w := range sel.WindowSpecs {
		for _, earlier := range sel.WindowSpecs[:i] {
			if earlier.Name.L == w.Name.L {
				return nil, errorf("42P20", "window %q is already defined", w.Name.O)
			}
		}
	}
	q := &selectBinder{b: b, sel: sel, in: in}
	return q.bind()
}

// renameColumns applies a CTE's column list.
func renameColumns(node Node, names []ast.CIStr) Node {
	cols := node.Columns()
	exprs := make([]exec.Expr, len(cols))
	out := make([]Column, len(cols))
	for i, c := range cols {
		exprs[i] = &exec.Column{Index: i, Name: c.Name, DT: c.Type}
		out[i] = c
		if i < len(names) {
			out[i].Name = names[i].O
		}
	}
	return &Project{Child: node, Exprs: exprs, Cols: out}
}

// bindValues binds VALUES (...), (...): columns column1, column2, ... of
// each column's common type.
// valuesPGType is the PostgreSQL type of VALUES column c, of engine type
// dt, when its engine type does not tell it (date, int4, numeric, ...):
// the common type of its rows' types, NULLs aside, as PostgreSQL resolves
// them (numeric and int4 rows make numeric); 0 otherwise. rows are not
// yet coerced to dt.
func (b *binder) valuesPGType(sel *ast.SelectStmt, c int, rows [][]exec.Expr, dt arrow.DataType) uint32 {
	q := &selectBinder{b: b, in: &scope{}}
	t, first := uint32(0), true
	for r, row := range sel.Lists {
		if isNullAST(row.Values[c]) {
			continue
		}
		if _, ok := rows[r][c].(*unknownLit); ok && len(sel.Lists) > 1 {
			continue // a quoted literal takes the others' type
		}
		pg := q.pgTypeOf(row.Values[c], rows[r][c])
		if pg == 0 && rows[r][c].Type().ID() == arrow.INT64 {
			pg = 20
		}
		switch {
		case first:
			t, first = pg, false
		case pg == t:
		case numberRank[t] > 0 && numberRank[pg] > 0:
			if numberRank[pg] > numberRank[t] { // int2 < int4 < int8 < numeric
				t = pg
			}
		case dt.ID() == arrow.TIMESTAMP:
			t = commonPG(t, pg, dt) // date with timestamp: timestamp
		default:
			return 0
		}
	}
	if t == pgOfEngine(dt) {
		return 0
	}
	return narrowPG(t, dt)
}

// numberRank orders int2, int4, int8 and numeric by which a mix of them
// resolves to.
// valuesScale is a numeric VALUES column's display scale when all its
// values have the same ((1.50), (2.25): 2), else 0 (not fixed: each value
// is then written with its shortest digits).
func valuesScale(b *binder, es []ast.ExprNode) int {
	q := &selectBinder{b: b, in: &scope{}}
	scale := -1
	for _, e := range es {
		if isNullAST(e) {
			continue
		}
		s := q.numericScale(e)
		if s < 0 || scale >= 0 && s != scale {
			return 0
		}
		scale = s
	}
	return max(scale, 0)
}

var numberRank = map[uint32]int{21: 1, 23: 2, 20: 3, 1700: 4}

func (b *binder) bindValues(sel *ast.SelectStmt) (Node, error) {
	if len(sel.Lists) == 0 {
		return nil, errorf(CodeSyntax, "VALUES needs at least one row")
	}
	width := len(sel.Lists[0].Values)
	rows := make([][]exec.Expr, len(sel.Lists))
	empty := &scope{}
	for r, row := range sel.Lists {
		if len(row.Values) != width {
			return nil, errorf(CodeSyntax, "VALUES lists must all be the same length")
		}
		for _, v := range row.Values {
			x, err := b.bindNode(empty, v, nil)
			if err != nil {
				return nil, err
			}
			rows[r] = append(rows[r], x)
		}
	}
	cols := make([]Column, width)
	for c := range cols {
		column := make([]exec.Expr, len(rows))
		for r := range rows {
			column[r] = rows[r][c]
		}
		es := make([]ast.ExprNode, len(rows))
		for r := range rows {
			es[r] = sel.Lists[r].Values[c]
		}
		if ok, err := b.heldArrays(empty, "VALUES", es, column); err != nil {
			return nil, err
		} else if ok {
			// A column of arrays: each row's in its text form, typed as
			// the arrays' common type.
			for r := range rows {
				rows[r][c] = column[r]
			}
			cols[c] = Column{Name: fmt.Sprintf("column%d", c+1), Type: exec.TypeText, PGType: arrayTypeOf(column[0])}
			continue
		}
		dt, err := b.commonType(column)
		if err != nil {
			return nil, errorf(CodeDatatype, "VALUES types %v cannot be matched", err)
		}
		pg := b.valuesPGType(sel, c, rows, dt)
		if err := b.heldPeers(empty, "VALUES", es, column, nil); err != nil {
			return nil, err
		}
		for r := range rows {
			rows[r][c] = column[r] // constants read as a time, json or jsonb
			if rows[r][c], err = b.coerce(rows[r][c], dt); err != nil {
				return nil, err
			}
		}
		cols[c] = Column{Name: fmt.Sprintf("column%d", c+1), Type: dt, PGType: pg}
		if pg == 1700 {
			cols[c].Scale = valuesScale(b, es)
		}
		mods := b.commonMods(empty, es)
		cols[c].TypmodPlus1, cols[c].Pad = mods.typmod+1, mods.pad
	}
	return b.orderLimit(&Values{Cols: cols, Rows: rows}, sel.OrderBy, sel.Limit)
}
