package pgwire

import (
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// simpleQuery runs a Query message: each statement in turn, its rows in
// text, stopping at the first error; one ReadyForQuery at the end.
func (c *conn) simpleQuery(text string) {
	defer c.ready()
	start := time.Now()
	defer func() {
		// A panic is answered here, before the deferred ReadyForQuery.
		if p := recover(); p != nil {
			c.panicked(p)
		}
	}()
	c.runs++
	// A simple query ends the unnamed statement and portal, and outside a
	// transaction block the implicit transaction's portals.
	delete(c.stmts, "")
	if c.tx == txIdle {
		c.dropPortals()
	} else if p := c.portals[""]; p != nil {
		p.close()
		delete(c.portals, "")
	}
	c.query = text
	err := checkQueryUTF8(text)
	var stmts []*sql.Statement
	if err == nil {
		stmts, err = sql.Parse(text)
	}
	if err != nil {
		c.srv.Queries.Done(start, 0, true)
		c.sendError(err, 0)
		return
	}
	ran := false
	for _, st := range stmts {
		if st.Kind == sql.Empty {
			continue
		}
		ran = true
		if err := c.checkAborted(st); err != nil {
			c.srv.Queries.Done(start, 0, true)
			c.sendError(err, 0)
			return
		}
		if err := c.runSimple(st); err != nil {
			c.sendError(err, st.Offset)
			return
		}
	}
	if !ran {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
	}
}

// runSimple runs one statement of a simple query. Its portal and context
// are released by defers, so a panic (answered by simpleQuery) leaks
// neither the operators nor the scan's workers.
func (c *conn) runSimple(st *sql.Statement) (err error) {
	start, failed := time.Now(), true // failed until it ends well
	c.sent = 0
	defer func() { c.srv.Queries.Done(start, c.sent, failed) }()
	entry := c.srv.Planner.Activity.Begin(c.sess.database, "sql", st.Text, int32(c.pid))
	ctx, done := c.running()
	defer done()
	defer func() { endEntry(entry, err, recover()) }() // before done: err says whether it was cancelled
	p, err := c.open(ctx, st, nil, nil, nil)
	if err != nil {
		return statementError(ctx, err)
	}
	entry.Planned()
	defer p.close()
	if p.cols != nil {
		if err := c.fetchable(p); err != nil {
			return err // before RowDescription, as PostgreSQL runs a FETCH before sending its rows
		}
		c.be.Send(rowDescription(p.cols, p.formats))
	}
	if err := c.run(ctx, p, 0); err != nil {
		return statementError(ctx, err)
	}
	failed = false
	return nil
}

// checkAborted refuses statements in a failed transaction block, except
// those that end it.
func (c *conn) checkAborted(st *sql.Statement) error {
	if c.tx != txFailed {
		return nil
	}
	switch st.Kind {
	case sql.Commit, sql.Rollback, sql.RollbackTo:
		return nil
	}
	return &planner.Error{Code: "25P02", Msg: "current transaction is aborted, commands ignored until end of transaction block", Hint: "run ROLLBACK"}
}

// parse handles Parse: one statement, kept under its name ("" is replaced
// by the next Parse).
func (c *conn) parse(name, query string, oids []uint32) error {
	if name != "" {
		if _, exists := c.stmts[name]; exists {
			return &planner.Error{Code: "42P05", Msg: fmt.Sprintf("prepared statement %q already exists", name)}
		}
	} else {
		delete(c.stmts, "") // replaced, even by a statement that fails
	}
	if err := checkQueryUTF8(query); err != nil {
		return err
	}
	stmts, err := sql.Parse(query)
	if err != nil {
		return err
	}
	var stmt *sql.Statement
	for _, st := range stmts {
		if st.Kind == sql.Empty {
			continue
		}
		if stmt != nil {
			return &planner.Error{Code: planner.CodeSyntax, Msg: "cannot insert multiple commands into a prepared statement"}
		}
		stmt = st
	}
	if stmt == nil {
		stmt = &sql.Statement{Kind: sql.Empty}
	}
	if err := c.checkAborted(stmt); err != nil {
		return err // in a failed transaction block, as PostgreSQL answers a Parse
	}
	ps, err := c.prepare(stmt, query, oids)
	if err != nil {
		return err
	}
	c.stmts[name] = ps
	c.be.Send(&pgproto3.ParseComplete{})
	return nil
}

// prepare analyses a statement to keep as a prepared statement (Parse, or
// SQL's PREPARE): oids are the parameter types the client declared.
func (c *conn) prepare(stmt *sql.Statement, query string, oids []uint32) (*prepared, error) {
	n := stmt.NumParams
	if len(oids) > n {
		n = len(oids)
	}
	ps := &prepared{stmt: stmt, oids: make([]uint32, n), clock: readsClock(query), schema: c.srv.Planner.Engine.SchemaVersion(), text: query, at: time.Now()}
	copy(ps.oids, oids)
	stmt.ParamTypes = append([]uint32(nil), oids...) // parsed for this Parse alone
	// Queries are analysed now, as PostgreSQL does: a missing table or
	// column fails the Parse, and Describe needs no second pass.
	switch {
	case stmt.Kind == sql.Select && n == 0 && !ps.clock:
		// Planned in full: Describe needs the columns, and the Bind that
		// follows (pgx, JDBC and TSBS's runner send Parse/Describe, then
		// Bind/Execute) runs this plan instead of planning again; a
		// reusable plan serves every later Bind too.
		ctx, done := c.running() // a CancelRequest stops the subqueries planning runs
		q, err := c.srv.Planner.PlanQuery(ctx, c.sess.plannerSession(), stmt, nil)
		done()
		if err == nil {
			ps.cols, ps.described = q.Cols, true
			ps.plan, ps.planRuns, ps.planned = q, c.runs, time.Now()
			ps.keep(q, ps.schema, c.sess.gen)
			break
		}
		// Planning computes constants (1/0); describing does not, so a
		// statement that fails only there is described now and fails
		// when it runs, as in PostgreSQL.
		if err = statementError(ctx, err); planner.AsError(err).Code == "57014" {
			return nil, err // cancelled, or past statement_timeout
		}
		cols, derr := c.describeStatement(ps)
		if derr != nil {
			return nil, err
		}
		ps.cols = cols
	case stmt.Kind == sql.Select || stmt.Kind == sql.Explain || stmt.Kind.Changes():
		cols, err := c.describeStatement(ps)
		if err != nil {
			return nil, err
		}
		ps.cols = cols
	case stmt.Kind == sql.Execute:
		cols, err := c.describeStatement(ps) // its rows are the prepared statement's
		if err != nil {
			return nil, err
		}
		ps.cols, ps.described = cols, true
	}
	return ps, nil
}

// clockWords are what makes planning read the clock: now() and its
// synonyms fold to the planning time, and 'now', 'today', ... strings cast
// to timestamps are read relative to it.
var clockWords = []string{"now", "current_", "localtime", "timestamp", "today", "tomorrow", "yesterday"}

// readsClock reports whether a statement's text may read the clock when
// planned (a plan made at Parse would then hold Parse's time, not Bind's).
// It errs towards yes: a column named "known" plans twice, as before.
func readsClock(query string) bool {
	q := strings.ToLower(query)
	for _, w := range clockWords {
		if strings.Contains(q, w) {
			return true
		}
	}
	return false
}

// describeStatement infers the result columns and the parameter types a
// client did not declare.
func (c *conn) describeStatement(ps *prepared) ([]planner.Column, error) {
	switch ps.stmt.Kind {
	case sql.Select, sql.Explain, sql.Insert, sql.Delete, sql.Update, sql.DropTable, sql.Truncate, sql.CreateTable, sql.CreateDatabase, sql.DropDatabase,
		sql.AlterTable, sql.CreateView, sql.RefreshView, sql.DropView, sql.AlterView, sql.CreatePlainView, sql.DropPlainView, sql.Comment, sql.AlterIndex, sql.Call: // sql.Kind.Changes
		ctx, done := c.running()
		cols, ptypes, err := c.srv.Planner.DescribeParams(ctx, c.sess.plannerSession(), ps.stmt)
		done()
		if err != nil {
			return nil, statementError(ctx, err)
		}
		for i, t := range ptypes {
			if i >= len(ps.oids) || ps.oids[i] != 0 && ps.oids[i] != oidUnknown {
				continue // declared by the client
			}
			switch {
			case t.PGType != 0:
				ps.oids[i] = t.PGType // $1::int4 is int4
			case t.Type != nil:
				ps.oids[i], _ = typeOf(t.Type)
			case ps.stmt.Kind == sql.Select:
				ps.oids[i] = oidText // not inferred: text, as PostgreSQL resolves an unknown
			}
		}
		ps.described = true
		return cols, nil
	case sql.Show:
		cols, op, err := c.show(ps.stmt)
		if err != nil {
			return nil, err
		}
		op.Close()
		return cols, nil
	case sql.Fetch:
		if cur, ok := c.cursors[ps.stmt.Name]; ok {
			return cur.cols, nil
		}
		return nil, &planner.Error{Code: "34000", Msg: fmt.Sprintf("cursor %q does not exist", ps.stmt.Name)}
	case sql.Execute:
		// EXECUTE name (...) returns the rows of the statement it names.
		target, ok := c.stmts[ps.stmt.Name]
		if !ok || target == ps {
			return nil, &planner.Error{Code: "26000", Msg: fmt.Sprintf("prepared statement %q does not exist", ps.stmt.Name)}
		}
		if target.described {
			return target.cols, nil
		}
		return c.describeStatement(target)
	}
	return nil, nil
}

func (c *conn) bind(m *pgproto3.Bind) error {
	ps, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return &planner.Error{Code: "26000", Msg: fmt.Sprintf("prepared statement %q does not exist", m.PreparedStatement)}
	}
	ps.runs++
	if m.DestinationPortal != "" {
		if _, exists := c.portals[m.DestinationPortal]; exists {
			return &planner.Error{Code: "42P03", Msg: fmt.Sprintf("portal %q already exists", m.DestinationPortal)}
		}
	} else if old := c.portals[""]; old != nil {
		old.close()
		delete(c.portals, "")
	}
	if len(m.Parameters) != len(ps.oids) {
		return &planner.Error{Code: "08P01", Msg: fmt.Sprintf("bind message supplies %d parameters, but prepared statement %q requires %d", len(m.Parameters), m.PreparedStatement, len(ps.oids))}
	}
	pf, err := expandFormats(m.ParameterFormatCodes, len(m.Parameters))
	if err != nil {
		return err
	}
	if err := c.checkAborted(ps.stmt); err != nil {
		return err
	}
	if !ps.described {
		for i, f := range pf {
			if f == 1 && ps.oids[i] == 0 {
				if _, err := c.describeStatement(ps); err != nil {
					return err
				}
				break
			}
		}
	}
	now := time.Now()
	params := make([]any, len(m.Parameters))
	for i, raw := range m.Parameters {
		if params[i], err = decodeParam(i+1, ps.oids[i], pf[i], raw, c.sess.loc, now); err != nil {
			return err
		}
	}
	var plan *planner.Query
	schema := c.srv.Planner.Engine.SchemaVersion()
	switch {
	case len(params) > 0:
	case ps.kept != nil && ps.keptSchema == schema && ps.keptSession == c.sess.gen:
		plan = ps.kept
	case ps.plan != nil && ps.planRuns == c.runs && time.Since(ps.planned) < planFresh:
		plan = ps.plan
	}
	ps.plan = nil // used once at most
	if plan == nil {
		ps.kept = nil
	}
	c.runs++
	ctx, done := c.running()
	p, err := c.open(ctx, ps.stmt, params, nil, plan)
	done()
	if err != nil {
		return statementError(ctx, err)
	}
	p.query = ps.text
	if plan != nil {
		c.srv.plansReused.Add(1)
	} else if changedResult(ps, p) {
		p.close()
		return &planner.Error{Code: "0A000", Msg: "cached plan must not change result type",
			Hint: "a table's columns changed since the statement was prepared (SELECT * reads new columns): prepare it again"}
	} else {
		ps.keep(p.plan, schema, c.sess.gen)
	}
	if p.formats, err = expandFormats(m.ResultFormatCodes, len(p.cols)); err != nil {
		p.close()
		return err
	}
	c.fetchFormats(p, m.ResultFormatCodes)
	c.portals[m.DestinationPortal] = p
	c.be.Send(&pgproto3.BindComplete{})
	return nil
}

// changedResult reports whether a parameterless SELECT planned again at
// Bind returns other columns than its Parse described (a table's columns
// changed since; compared at every new plan, as a write may add a column
// while Bind plans): the client decodes the rows by that description, so
// this is PostgreSQL's error, which drivers (pgx, pgjdbc, Npgsql) answer
// by preparing the statement again.
func changedResult(ps *prepared, p *portal) bool {
	if ps.stmt.Kind != sql.Select || len(ps.oids) > 0 || !ps.described || p.plan == nil {
		return false
	}
	if len(ps.cols) != len(p.cols) {
		return true
	}
	for i, c := range ps.cols {
		d := p.cols[i]
		if c.Name != d.Name || c.PGType != d.PGType || !arrow.TypeEqual(c.Type, d.Type) {
			return true
		}
	}
	return false
}

func (c *conn) describe(kind byte, name string) error {
	switch kind {
	case 'S':
		ps, ok := c.stmts[name]
		if !ok {
			return &planner.Error{Code: "26000", Msg: fmt.Sprintf("prepared statement %q does not exist", name)}
		}
		if err := c.checkAborted(ps.stmt); err != nil {
			return err
		}
		cols := ps.cols
		if !ps.described {
			var err error
			if cols, err = c.describeStatement(ps); err != nil {
				return err
			}
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: ps.oids})
		if cols == nil {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(cols, nil))
		}
		return nil
	case 'P':
		p, ok := c.portals[name]
		if !ok {
			return &planner.Error{Code: "34000", Msg: fmt.Sprintf("portal %q does not exist", name)}
		}
		if err := c.checkAborted(p.stmt); err != nil {
			return err
		}
		if p.cols == nil {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(p.cols, p.formats))
		}
		return nil
	}
	return &planner.Error{Code: "08P01", Msg: fmt.Sprintf("invalid DESCRIBE message subtype %d", kind)}
}

func (c *conn) execute(name string, maxRows uint32) error {
	p, ok := c.portals[name]
	if !ok {
		return &planner.Error{Code: "34000", Msg: fmt.Sprintf("portal %q does not exist", name)}
	}
	c.runs++
	if p.stmt.Kind == sql.Empty {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	start, failed := time.Now(), true // failed until it ends well
	c.sent = 0
	c.query = p.query
	defer func() { c.srv.Queries.Done(start, c.sent, failed) }()
	if err := c.checkAborted(p.stmt); err != nil {
		return err
	}
	// The plan was made at Bind: the log has no plan time of it.
	entry := c.srv.Planner.Activity.Begin(c.sess.database, "sql", p.stmt.Text, int32(c.pid))
	var err error
	ctx, done := c.running()
	defer done()
	defer func() { endEntry(entry, err, recover()) }()
	if err = c.run(ctx, p, int64(maxRows)); err != nil {
		err = statementError(ctx, err)
		return err
	}
	failed = false
	return nil
}

// endEntry ends a statement's query log entry; p is what recover() gave
// (a panic, answered upstream, is logged as a failure and goes on).
func endEntry(entry *planner.QueryEntry, err error, p any) {
	if p != nil {
		entry.End(nil, fmt.Errorf("internal error: %v", p))
		panic(p)
	}
	entry.End(nil, err)
}

func (c *conn) closeObject(kind byte, name string) error {
	switch kind {
	case 'S':
		delete(c.stmts, name)
	case 'P':
		if p := c.portals[name]; p != nil {
			p.close()
			delete(c.portals, name)
		}
	default:
		return &planner.Error{Code: "08P01", Msg: fmt.Sprintf("invalid CLOSE message subtype %d", kind)}
	}
	c.be.Send(&pgproto3.CloseComplete{})
	return nil
}
