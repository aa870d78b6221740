package planner

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Materialized views: CREATE MATERIALIZED VIEW v AS query keeps the
// query's rows in a table of their own (storage's view table, which only a
// refresh writes), and REFRESH MATERIALIZED VIEW v computes them again.
// TimescaleDB's continuous aggregates (WITH (timescaledb.continuous)) are
// the same here, refreshed over a window by refresh_continuous_aggregate;
// they read the rows materialized only (TimescaleDB's default since 2.13).
// A view's rows are named, as a table's, by their time and tags: its query
// gives one timestamp column, the rows' time (time_bucket(...) AS bucket),
// and its text columns are the tags; two rows with the same time and tags
// are refused when written. The view outlives what its source keeps: a
// retention policy or drop_chunks on the source leaves its rows, which a
// refresh of a window the source no longer holds would remove.

// viewOf is the definition of the materialized view whose rows table holds.
func (p *Planner) viewOf(db, table string) (storage.ViewDef, bool) {
	if p.Engine == nil {
		return storage.ViewDef{}, false
	}
	return p.Engine.ViewOf(db, table)
}

// viewOptionsOf reads CREATE MATERIALIZED VIEW's WITH (...) options:
// TimescaleDB's continuous aggregate, real-time or not, and the settings
// that restate what every view here is. realTime is
// timescaledb.materialized_only = false.
func viewOptionsOf(opts map[string]string) (continuous, realTime bool, err error) {
	if v, ok := opts["timescaledb.continuous"]; ok {
		if continuous, ok = truthOf(v); !ok {
			return false, false, errorf("22023", "invalid value for timescaledb.continuous: %q", v)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(opts)) {
		switch v, ok := truthOf(opts[name]); {
		case name == "timescaledb.continuous":
		case strings.HasPrefix(name, "timescaledb.") && !continuous:
			// PostgreSQL's, where TimescaleDB leaves a view that is not
			// a continuous aggregate to it.
			return false, false, &Error{Code: "22023", Msg: `unrecognized parameter namespace "timescaledb"`,
				Hint: "timescaledb options are a continuous aggregate's: WITH (timescaledb.continuous, " + name + " = ...)"}
		case name == "timescaledb.materialized_only":
			if !ok {
				return false, false, errorf("22023", "invalid value for timescaledb.materialized_only: %q", opts[name])
			}
			realTime = !v
		case name == "timescaledb.create_group_indexes", name == "timescaledb.finalized":
			// Indexes are not kept; every aggregate is stored finalized.
		default:
			return false, false, notSupported(fmt.Sprintf("materialized view option %q", name))
		}
	}
	return continuous, realTime, nil
}

// truthOf reads a boolean option's value as PostgreSQL does ("" when
// the option is named alone: true); ok is false for anything else.
func truthOf(v string) (val, ok bool) {
	switch strings.ToLower(v) {
	case "", "true", "on", "yes", "1", "t":
		return true, true
	case "false", "off", "no", "0", "f":
		return false, true
	}
	return false, false
}

// realTime reports whether a view is a real-time continuous aggregate
// (timescaledb.materialized_only = false): read, it gives the rows
// materialized and, after them, the query's rows of the source computed
// as it is read (realTimeView).
func realTime(def storage.ViewDef) bool {
	return def.Continuous && def.Options[optMaterializedOnly] == "false"
}

// optMaterializedOnly is the ViewDef option a real-time continuous
// aggregate has "false".
const optMaterializedOnly = "materialized_only"

// viewColumnsOf types the stored columns of CREATE MATERIALIZED VIEW from
// its query, and the view's definition: the query's timestamp column is
// stored as time under the view's name for it, its text columns as tags.
func (p *Planner) viewColumnsOf(ctx context.Context, sess *Session, def *sql.TableDef) ([]storage.ColumnMeta, *storage.ViewDef, error) {
	continuous, rt, err := viewOptionsOf(def.ViewOptions)
	if err != nil {
		return nil, nil, err
	}
	qcols, names, err := p.describeAs(ctx, sess, def)
	if err != nil {
		return nil, nil, err
	}
	timeAt, err := viewTimeColumn(def.As.AST, qcols, names)
	if err != nil {
		return nil, nil, err
	}
	if timeAt < 0 {
		e := notSupported("a materialized view without a timestamp column")
		e.Hint = "its rows are named by their time: group by a bucket of the source's time, SELECT time_bucket('1 hour', time) AS bucket, ... GROUP BY bucket, ..."
		return nil, nil, e
	}
	stored := slices.Clone(names)
	for i, n := range names {
		if n == storage.TimeColumn && i != timeAt {
			return nil, nil, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("column \"time\" of materialized view %q is not its timestamp column", def.Table.Name),
				Hint: "name the rows' time column time, or name this column otherwise"}
		}
	}
	stored[timeAt] = storage.TimeColumn
	cols, err := tableAsColumns(def, qcols, stored)
	if err != nil {
		return nil, nil, err
	}
	for i := range cols {
		if cols[i].Type == storage.TypeString {
			cols[i].Type = storage.TypeTag // text tells the view's rows apart
		}
	}
	view := &storage.ViewDef{Query: def.As.Text, Columns: names, Time: names[timeAt], Continuous: continuous}
	var source string
	def.As.AST.Accept(&astFinder{into: true, match: func(n ast.Node) bool {
		if t, ok := n.(*ast.TableName); ok && source == "" {
			source = t.Name.O
		}
		return source != ""
	}})
	if source != "" || rt {
		view.Options = map[string]string{}
	}
	if source != "" {
		view.Options["source"] = source // the hypertable it aggregates
	}
	if rt {
		view.Options[optMaterializedOnly] = "false"
	}
	return cols, view, nil
}

// viewTimeColumn is the index of the column that names the rows of a
// materialized view or CREATE TABLE ... AS (-1 for none): the timestamp
// column named time, else the only one that is a bucket of time or a
// grouped column rather than an aggregate's result (max(time) AS
// last_seen is a value, stored as a timestamptz field), else the only
// timestamp column.
func viewTimeColumn(query ast.Node, qcols []Column, names []string) (int, error) {
	var fields []*ast.SelectField
	if sel, ok := query.(*ast.SelectStmt); ok && sel.Fields != nil {
		fields = sel.Fields.Fields
	}
	var stamps, keys []int
	for i, c := range qcols {
		if c.Type.ID() != arrow.TIMESTAMP {
			continue
		}
		if names[i] == storage.TimeColumn {
			return i, nil
		}
		stamps = append(stamps, i)
		if len(fields) == len(qcols) && isTimeKey(fields[i].Expr) {
			keys = append(keys, i)
		}
	}
	switch {
	case len(keys) == 1:
		return keys[0], nil
	case len(stamps) == 1:
		return stamps[0], nil
	case len(stamps) == 0:
		return -1, nil
	}
	two := stamps
	if len(keys) > 1 {
		two = keys
	}
	e := notSupported(fmt.Sprintf("rows that either of two timestamp columns (%q and %q) could name", names[two[0]], names[two[1]]))
	e.Hint = "its rows are named by one time, time_bucket(...) of the source's: name that column time, or make the other an aggregate's result"
	return -1, e
}

// isTimeKey reports whether a view's select-list expression may name its
// rows: a bucket of a time (time_bucket, date_bin, date_trunc and their
// gap-filling forms) or a column, not an aggregate or other computation.
func isTimeKey(e ast.ExprNode) bool {
	switch e := e.(type) {
	case *ast.ColumnNameExpr:
		return true
	case *ast.FuncCallExpr:
		switch e.FnName.L {
		case "time_bucket", "date_bin", "date_trunc", "time_bucket_gapfill", "date_bin_gapfill":
			return true
		}
	case *ast.ParenthesesExpr:
		return isTimeKey(e.Expr)
	}
	return false
}

// viewQuery is the statement that refreshes view table of definition def:
// INSERT INTO table (its stored columns) SELECT * FROM (the query) AS
// v(the view's columns), the rows of time in [lo, hi) when !whole.
func viewQuery(table string, def storage.ViewDef, lo, hi int64, whole bool) (*sql.Statement, error) {
	quoted := make([]string, len(def.Columns))
	for i, c := range def.Columns {
		quoted[i] = quoteIdentifier(c)
	}
	text := fmt.Sprintf("SELECT * FROM (%s) AS __view(%s)", def.Query, strings.Join(quoted, ", "))
	if !whole {
		ts := func(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }
		text += fmt.Sprintf(" WHERE %s >= '%s'::timestamptz AND %s < '%s'::timestamptz", quoteIdentifier(def.Time), ts(lo), quoteIdentifier(def.Time), ts(hi))
	}
	stmts, err := sql.Parse(text)
	if err != nil {
		return nil, err
	}
	if _, ok := stmts[0].AST.(ast.ResultSetNode); len(stmts) != 1 || stmts[0].Kind != sql.Select || !ok {
		return nil, errorf(CodeSyntax, "the query of materialized view %q is not one query", table)
	}
	columns := slices.Clone(def.Columns)
	for i, c := range columns {
		if c == def.Time {
			columns[i] = storage.TimeColumn
		}
	}
	return insertOf(stmts[0], table, columns), nil
}

// realTimeView binds a real-time continuous aggregate read as table, as
// TimescaleDB's does: the rows materialized before its watermark, and
// the rows its query computes from the source from the watermark on,
// SELECT cols FROM table WHERE t < W UNION ALL SELECT * FROM (query) AS
// v(cols) WHERE t >= W. The watermark W is the time (bucket) of the
// latest row materialized: that bucket may have had rows since, so it is
// computed again with those after it. A view never refreshed is its
// query alone. Its query binds on its own: none of the reading query's
// WITH names or columns reach it.
func (b *binder) realTimeView(table, alias string, def storage.ViewDef) (*scope, error) {
	quoted := make([]string, len(def.Columns))
	for i, c := range def.Columns {
		quoted[i] = quoteIdentifier(c)
	}
	cols := strings.Join(quoted, ", ")
	text := fmt.Sprintf("SELECT * FROM (%s) AS __view(%s)", def.Query, cols)
	if _, hi, _, ok := b.p.Engine.TimeBounds(b.sess.Database, table); ok {
		w := "'" + time.Unix(0, hi).UTC().Format(time.RFC3339Nano) + "'::timestamptz"
		t := quoteIdentifier(def.Time)
		text = fmt.Sprintf("SELECT %s FROM %s WHERE %s < %s UNION ALL %s WHERE %s >= %s", cols, quoteIdentifier(table), t, w, text, t, w)
	}
	b.volatile = true // the watermark moves with each refresh
	return b.definedQuery(table, alias, text, "real-time continuous aggregate", func() func() {
		saved := b.materialized
		b.materialized = maps.Clone(saved)
		if b.materialized == nil {
			b.materialized = map[string]bool{}
		}
		b.materialized[table] = true
		return func() { b.materialized = saved }
	})
}

// definedQuery binds text, the query a view (what: its kind, for errors)
// named table is, read under alias: on its own, none of the reading
// query's WITH names or columns reach it. enter, when set, runs before and
// the function it returns after.
func (b *binder) definedQuery(table, alias, text, what string, enter func() func()) (*scope, error) {
	stmts, err := sql.Parse(text)
	if err != nil {
		return nil, err
	}
	if len(stmts) != 1 || stmts[0].Kind != sql.Select {
		return nil, errorf(CodeSyntax, "the query of %s %q is not one query", what, table)
	}
	ctes, outer, frame, farther, frames := b.ctes, b.outer, b.frame, b.farther, b.fartherFrames
	b.ctes, b.outer, b.frame, b.farther, b.fartherFrames = nil, nil, nil, nil, nil
	defer func() {
		b.ctes, b.outer, b.frame, b.farther, b.fartherFrames = ctes, outer, frame, farther, frames
	}()
	if enter != nil {
		defer enter()()
	}
	var node Node
	err = b.withLazyList(nil, false, func() (err error) {
		node, err = b.bindQuery(stmts[0].AST)
		return err
	})
	if err != nil {
		e := AsError(err)
		e.Position = 0 // of the query kept, not of the statement run
		if e.Detail == "" {
			e.Detail = fmt.Sprintf("while reading %s %q", what, table)
		}
		return nil, e
	}
	if alias == "" {
		alias = table
	}
	return derivedScope(node, alias), nil
}

// refreshView computes the rows of the view table holds, of time in [lo,
// hi) or all of them (whole), and puts them in place of those it holds
// there, as one change (storage's Replace): a query sees the view's rows
// of the range as they were or as refreshed, and a crash leaves one or
// the other. The view's refreshes run one at a time (a policy's and a
// CALL's), from computing to storing, or one that read the source before
// a write could store its rows over those of one that read it after. It
// returns how many rows it wrote.
func (p *Planner) refreshView(ctx context.Context, sess *Session, table string, def storage.ViewDef, lo, hi int64, whole bool) (int64, error) {
	unlock, err := p.refreshing.lock(ctx, sess.Database+"\x00"+table)
	if err != nil {
		return 0, err
	}
	defer unlock()
	tr := storage.TimeRange{Min: lo, Max: hi}
	if whole {
		tr = storage.AllTime()
	}
	if cutoff, ok := p.sourcesCutoff(sess, def); ok && cutoff > tr.Min {
		// The source no longer holds rows before its retention cutoff:
		// the view keeps what it made of them (it outlives them), and
		// refreshes the buckets that start after it.
		tr.Min, whole = cutoff, false
		if tr.Max <= tr.Min {
			return 0, nil
		}
	}
	stmt, err := viewQuery(table, def, tr.Min, tr.Max, whole)
	if err != nil {
		return 0, err
	}
	n, err := p.insertWith(ctx, sess, stmt, [][]any{nil}, insertWrite{refresh: true, replace: func(batch *storage.TableBatch) error {
		_, err := p.Engine.Replace(ctx, sess.Database, table, tr, batch, storage.WriteOptions{Refresh: true})
		return err
	}})
	if err != nil {
		e := AsError(err)
		e.Position = 0 // of the query kept, not of the statement run
		if e.Detail == "" {
			e.Detail = fmt.Sprintf("while refreshing materialized view %q", table)
		}
		return 0, e
	}
	return n, nil
}

// keyedLock is a mutex per key that a context can stop waiting for.
type keyedLock struct{ m sync.Map } // key → chan struct{} (capacity 1)

// lock takes the key's lock, waiting while another holds it, and returns
// the function that releases it.
func (l *keyedLock) lock(ctx context.Context, key string) (unlock func(), err error) {
	v, _ := l.m.LoadOrStore(key, make(chan struct{}, 1))
	ch := v.(chan struct{})
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// sourcesCutoff is the latest retention cutoff of the stored tables a
// view reads (now less the table's retention period, its own or its
// database's); ok is false when none of them expires rows.
func (p *Planner) sourcesCutoff(sess *Session, def storage.ViewDef) (int64, bool) {
	var cutoff int64
	ok := false
	for _, src := range viewSources(def) {
		own, dbPeriod, err := p.Engine.TableRetention(sess.Database, src)
		if err != nil {
			continue
		}
		period := own
		if period == 0 {
			period = dbPeriod
		}
		if period <= 0 {
			continue
		}
		now := sess.Now
		if now.IsZero() {
			now = time.Now()
		}
		c := now.Add(-period).UnixNano()
		if !ok || c > cutoff {
			cutoff, ok = c, true
		}
	}
	return cutoff, ok
}

// fillView fills the view just created (res: the creation's result)
// unless WITH NO DATA; the rows written are PostgreSQL's count (SELECT n).
func (p *Planner) fillView(ctx context.Context, sess *Session, table string, def storage.ViewDef, noData bool, res DDLResult) (DDLResult, error) {
	res.Selected = true
	if noData {
		return res, nil
	}
	n, err := p.refreshView(ctx, sess, table, def, 0, 0, true)
	if err != nil {
		return p.uncreate(ctx, sess, "materialized view", table, res, err)
	}
	res.Rows = n
	return res, nil
}

// refresh runs REFRESH MATERIALIZED VIEW v [WITH NO DATA]: all its rows
// computed again (WITH NO DATA: none kept).
func (p *Planner) refresh(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	table, err := p.namedTable(sess, stmt.Tables[0], "REFRESH MATERIALIZED VIEW")
	if err != nil {
		return DDLResult{}, err
	}
	def, _ := p.viewOf(sess.Database, table)
	if stmt.NoData {
		_, err := p.Engine.Truncate(ctx, sess.Database, table)
		return DDLResult{}, err
	}
	n, err := p.refreshView(ctx, sess, table, def, 0, 0, true)
	return DDLResult{Rows: n}, err
}

// alterView runs ALTER MATERIALIZED VIEW [IF EXISTS] v SET (options): a
// continuous aggregate's timescaledb.materialized_only (false: real-time)
// with TimescaleDB's errors for the options it does not alter; a view
// that is not one takes no timescaledb option (PostgreSQL's error).
func (p *Planner) alterView(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	var res DDLResult
	ref := stmt.Alter.Table
	table, err := p.namedTable(sess, ref, "ALTER MATERIALIZED VIEW")
	if err != nil {
		if e := AsError(err); stmt.IfExists && (e.Code == CodeUndefinedTable || e.Code == codeUndefinedSchema) {
			res.Notices = append(res.Notices, skipNotice("00000", "relation %q does not exist", ref.Name))
			return res, nil
		}
		return res, err
	}
	def, _ := p.viewOf(sess.Database, table)
	opts := maps.Clone(def.Options)
	if opts == nil {
		opts = map[string]string{}
	}
	for _, name := range slices.Sorted(maps.Keys(stmt.Alter.Set)) {
		v, ok := truthOf(stmt.Alter.Set[name])
		switch {
		case !strings.HasPrefix(name, "timescaledb."):
			return res, notSupported(fmt.Sprintf("materialized view option %q", name))
		case !def.Continuous:
			return res, &Error{Code: "22023", Msg: `unrecognized parameter namespace "timescaledb"`,
				Hint: fmt.Sprintf("%q is not a continuous aggregate: timescaledb options are those of views created WITH (timescaledb.continuous)", table)}
		case name == "timescaledb.continuous":
			if !ok || !v {
				return res, &Error{Code: "22023", Msg: "cannot disable continuous aggregates",
					Hint: "DROP MATERIALIZED VIEW and create it again without timescaledb.continuous"}
			}
		case name == "timescaledb.materialized_only":
			if !ok {
				return res, errorf("22023", "invalid value for timescaledb.materialized_only: %q", stmt.Alter.Set[name])
			}
			if v {
				delete(opts, optMaterializedOnly)
			} else {
				opts[optMaterializedOnly] = "false"
			}
		case name == "timescaledb.create_group_indexes", name == "timescaledb.finalized":
			return res, errorf("22023", "cannot alter %s option for continuous aggregates", strings.TrimPrefix(name, "timescaledb."))
		case name == "timescaledb.compress" || strings.HasPrefix(name, "timescaledb.compress_"):
			e := notSupported(fmt.Sprintf("materialized view option %q", name))
			e.Hint = "a view's rows are stored as every table's are, in compressed columnar Parquet files once persisted"
			return res, e
		default:
			return res, errorf("22023", "unrecognized parameter %q", name)
		}
	}
	if maps.Equal(opts, def.Options) || len(opts) == 0 && len(def.Options) == 0 {
		return res, nil
	}
	if err := p.Engine.SetViewOptions(ctx, sess.Database, table, opts); err != nil {
		return res, err
	}
	res.Tables = 1
	return res, nil
}

// refreshFunction binds TimescaleDB's refresh_continuous_aggregate(view,
// window_start, window_end [, force]), which CALL runs: the view's rows
// whose time (bucket) is in [window_start, window_end) computed again; a
// NULL bound leaves that side open. (TimescaleDB refreshes the buckets
// wholly inside the window; here a bucket that starts in it is refreshed
// whole, from all its rows.) It answers void.
func (b *binder) refreshFunction(name string, f *ast.FuncCallExpr, alias, col string) (*scope, error) {
	if n := len(f.Args) - 1; n < 3 || n > 4 {
		return nil, errorf(CodeUndefinedFunc, "procedure refresh_continuous_aggregate takes a view and a window: CALL refresh_continuous_aggregate('view', window_start, window_end)")
	}
	_, args, err := b.relationFuncArgs(f)
	if err != nil {
		return nil, err
	}
	for i := 1; i <= 2; i++ {
		if isNullLiteral(args[i]) {
			continue
		}
		if args[i], err = b.coerce(args[i], exec.TypeTimestamptz); err != nil {
			e := errorf("22023", "invalid time argument type for the refresh window: %s", exec.SQLTypeName(args[i].Type()))
			e.Hint = "give timestamps (or NULL for an open end): refresh_continuous_aggregate('view', now() - INTERVAL '1 day', now())"
			return nil, e
		}
	}
	args = args[:3] // force changes nothing: every refresh recomputes
	db, tables, sess, p := b.sess.Database, b.tablesByOID(), b.sess, b.p
	b.volatile = true
	return derivedScope(&TableFunc{Name: name, Args: args, Cols: []Column{{Name: col, Type: exec.TypeText, PGType: 2278}},
		rows: func(c *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil
			}
			table, err := hypertableOf(tables, vals[0].(int64), p.Engine != nil)
			if err != nil {
				return nil, err
			}
			def, ok := p.viewOf(db, table)
			if !ok {
				return nil, errorf("42809", "relation %q is not a continuous aggregate", table)
			}
			lo, hi := storage.AllTime().Min, storage.AllTime().Max
			if v, ok := vals[1].(exec.Timestamp); ok {
				lo = int64(v)
			}
			if v, ok := vals[2].(exec.Timestamp); ok {
				hi = int64(v)
			}
			if lo >= hi {
				e := errorf("22023", "invalid refresh window")
				e.Hint = "the start of the window must be before the end"
				return nil, e
			}
			if _, err := p.refreshView(c.Stmt(), sess, table, def, lo, hi, false); err != nil {
				return nil, err
			}
			return [][]any{{""}}, nil
		}}, alias), nil
}

// viewColumns are a materialized view's columns as it shows them (cols:
// its table's): in its query's order, time under the view's name for it.
func viewColumns(def storage.ViewDef, cols []storage.ColumnMeta) []storage.ColumnMeta {
	out := make([]storage.ColumnMeta, 0, len(cols))
	for _, name := range def.Columns {
		stored := name
		if name == def.Time {
			stored = storage.TimeColumn
		}
		for _, c := range cols {
			if c.Name == stored {
				c.Name, c.Num = name, len(out)+1
				out = append(out, c)
			}
		}
	}
	return out
}

// viewSources are the tables (and views) a view's query reads.
func viewSources(def storage.ViewDef) []string { return querySources(def.Query) }

// dependentViews are the views (materialized or plain) of database db
// that read the relations dropped (directly or through other views), not dropped
// themselves: PostgreSQL's 2BP01 without cascade; with it, the views to
// drop first (each before those it reads) and the NOTICE that says so.
func (p *Planner) dependentViews(db string, dropped []string, cascade bool) ([]string, *Notice, error) {
	if p.Engine == nil {
		return nil, nil, nil
	}
	sources := map[string][]string{}
	plain := map[string]bool{}
	for _, d := range p.Engine.Databases() {
		if d.Name != db {
			continue
		}
		for _, t := range d.Tables {
			if def, ok := p.viewOf(db, t); ok {
				sources[t] = viewSources(def)
			}
		}
	}
	for _, v := range p.Engine.PlainViews(db) {
		sources[v.Name], plain[v.Name] = querySources(v.Query), true
	}
	kind := func(name string) string {
		switch _, ok := sources[name]; {
		case plain[name]:
			return "view"
		case ok:
			return "materialized view"
		}
		return "table"
	}
	gone := slices.Clone(dropped)
	var deps []string
	for i := 0; i < len(gone); i++ {
		for _, v := range slices.Sorted(maps.Keys(sources)) {
			if slices.Contains(gone, v) || !slices.Contains(sources[v], gone[i]) {
				continue
			}
			if !cascade {
				e := &Error{Code: "2BP01", Msg: fmt.Sprintf("cannot drop %s %s because other objects depend on it", kind(gone[i]), gone[i]),
					Detail: fmt.Sprintf("%s %s depends on %s %s", kind(v), v, kind(gone[i]), gone[i]),
					Hint:   "Use DROP ... CASCADE to drop the dependent objects too."}
				return nil, nil, e
			}
			gone = append(gone, v)
			deps = append([]string{v}, deps...) // a view before those it reads
		}
	}
	switch len(deps) {
	case 0:
		return nil, nil, nil
	case 1:
		return deps, &Notice{Severity: "NOTICE", Code: "00000", Msg: "drop cascades to " + kind(deps[0]) + " " + deps[0]}, nil
	}
	lines := make([]string, len(deps))
	for i, d := range deps {
		lines[i] = "drop cascades to " + kind(d) + " " + d
	}
	return deps, &Notice{Severity: "NOTICE", Code: "00000", Msg: fmt.Sprintf("drop cascades to %d other objects", len(deps)), Detail: strings.Join(lines, "\n")}, nil
}
