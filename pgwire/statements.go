package pgwire

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// command runs a statement that returns no rows and gives its tag.
func (c *conn) command(ctx context.Context, p *portal) (string, error) {
	stmt := p.stmt
	switch stmt.Kind {
	case sql.Empty:
		return "", nil
	case sql.Insert:
		n, err := c.srv.Planner.Insert(ctx, c.sess.plannerSession(), stmt, p.params)
		if err != nil {
			return "", statementError(ctx, err)
		}
		if c.tx != txIdle {
			c.txWrites += n
		}
		return "INSERT 0 " + strconv.FormatInt(n, 10), nil
	case sql.Delete, sql.Update:
		run, verb := c.srv.Planner.Delete, "DELETE "
		if stmt.Kind == sql.Update {
			run, verb = c.srv.Planner.Update, "UPDATE "
		}
		n, err := run(ctx, c.sess.plannerSession(), stmt, p.params)
		if err != nil {
			return "", statementError(ctx, err)
		}
		if c.tx != txIdle {
			c.txWrites += n
		}
		return verb + strconv.FormatInt(n, 10), nil
	case sql.Call:
		// CALL procedure(...): run, and no rows answered (the procedures
		// here have no OUT parameters).
		_, op, err := c.srv.Planner.Run(ctx, c.sess.plannerSession(), stmt, p.params)
		if err == nil {
			var recs []arrow.Record
			recs, err = exec.Collect(ctx, op)
			for _, r := range recs {
				r.Release()
			}
		}
		if err != nil {
			return "", statementError(ctx, err)
		}
		return "CALL", nil
	case sql.DropTable, sql.Truncate, sql.CreateTable, sql.CreateDatabase, sql.DropDatabase, sql.AlterTable, sql.CreateView, sql.RefreshView, sql.DropView, sql.AlterView, sql.CreatePlainView, sql.DropPlainView, sql.Comment, sql.AlterIndex: // sql.Kind.IsDDL
		if c.tx != txIdle && (stmt.Kind == sql.CreateDatabase || stmt.Kind == sql.DropDatabase) {
			return "", &planner.Error{Code: "25001", Msg: stmt.Kind.Verb() + " cannot run inside a transaction block"}
		}
		res, err := c.srv.Planner.RunDDL(ctx, c.sess.plannerSession(), stmt)
		for _, n := range res.Notices {
			c.sendNotice(n)
		}
		if c.tx != txIdle {
			c.txTables += res.Tables // those done before an error too
		}
		if err != nil {
			return "", statementError(ctx, err)
		}
		switch {
		case stmt.Kind == sql.Truncate:
			return "TRUNCATE TABLE", nil // PostgreSQL's tag
		case res.Selected && stmt.Create.NoData && stmt.Kind == sql.CreateView:
			return "CREATE MATERIALIZED VIEW", nil
		case res.Selected && stmt.Create.NoData:
			return "CREATE TABLE AS", nil
		case res.Selected:
			if c.tx != txIdle {
				c.txWrites += res.Rows
			}
			return "SELECT " + strconv.FormatInt(res.Rows, 10), nil
		}
		return stmt.Kind.Verb(), nil
	case sql.Set:
		return "SET", c.set(stmt)
	case sql.Reset:
		if stmt.All {
			c.resetAll()
		} else {
			c.reset(stmt.Name)
		}
		return "RESET", nil
	case sql.Begin:
		tag := "BEGIN"
		if w, _, _ := strings.Cut(strings.TrimSpace(stmt.Text), " "); strings.EqualFold(w, "START") {
			tag = "START TRANSACTION" // PostgreSQL's tag for START TRANSACTION
		}
		if c.tx != txIdle {
			c.notice("25001", "there is already a transaction in progress")
			return tag, nil
		}
		c.tx, c.txWrites, c.txTables = txBlock, 0, 0
		return tag, nil
	case sql.Commit, sql.Rollback:
		tag := map[sql.Kind]string{sql.Commit: "COMMIT", sql.Rollback: "ROLLBACK"}[stmt.Kind]
		if stmt.Chain && c.tx == txIdle {
			return "", &planner.Error{Code: "25P01", Msg: tag + " AND CHAIN can only be used in transaction blocks"}
		}
		tag = c.endTransaction(tag)
		if stmt.Chain {
			c.tx, c.txWrites, c.txTables = txBlock, 0, 0 // AND CHAIN: the next transaction begins
		}
		return tag, nil
	case sql.Savepoint, sql.Release:
		if c.tx == txIdle {
			return "", &planner.Error{Code: "25P01", Msg: fmt.Sprintf("%s can only be used in transaction blocks", strings.ToUpper(stmt.Kind.String()))}
		}
		if stmt.Kind == sql.Savepoint {
			c.savepoints = append(c.savepoints, stmt.Name)
			return "SAVEPOINT", nil
		}
		i, err := c.savepoint(stmt.Name)
		if err != nil {
			return "", err
		}
		c.savepoints = c.savepoints[:i] // it and the later ones go
		return "RELEASE", nil
	case sql.RollbackTo:
		if c.tx == txIdle {
			return "", &planner.Error{Code: "25P01", Msg: "ROLLBACK TO SAVEPOINT can only be used in transaction blocks"}
		}
		i, err := c.savepoint(stmt.Name)
		if err != nil {
			return "", err
		}
		c.savepoints = c.savepoints[:i+1] // it stays; the later ones go
		c.tx = txBlock
		return "ROLLBACK", nil
	case sql.Discard:
		if stmt.All && c.tx != txIdle {
			return "", &planner.Error{Code: "25001", Msg: "DISCARD ALL cannot run inside a transaction block"}
		}
		c.discard()
		return "DISCARD " + strings.ToUpper(stmt.Name), nil
	case sql.Prepare:
		if _, exists := c.stmts[stmt.Name]; exists {
			return "", &planner.Error{Code: "42P05", Msg: fmt.Sprintf("prepared statement %q already exists", stmt.Name)}
		}
		oids := make([]uint32, len(stmt.TypeNames))
		for i, name := range stmt.TypeNames {
			oid, err := planner.TypeOID(name)
			if err != nil {
				return "", err
			}
			oids[i] = oid
		}
		ps, err := c.prepare(stmt.Inner, stmt.Inner.Text, oids)
		if err != nil {
			return "", err
		}
		ps.text, ps.fromSQL = c.query, true // the client's whole string, as PostgreSQL shows it
		if ps.text == "" {
			ps.text = stmt.Text
		}
		c.stmts[stmt.Name] = ps
		return "PREPARE", nil
	case sql.Deallocate:
		if stmt.All {
			c.stmts = map[string]*prepared{}
			return "DEALLOCATE ALL", nil
		}
		if _, ok := c.stmts[stmt.Name]; !ok {
			return "", &planner.Error{Code: "26000", Msg: fmt.Sprintf("prepared statement %q does not exist", stmt.Name)}
		}
		delete(c.stmts, stmt.Name)
		return "DEALLOCATE", nil
	case sql.Close:
		if stmt.All {
			c.closeCursors(true)
			return "CLOSE CURSOR ALL", nil
		}
		cur, ok := c.cursors[stmt.Name]
		if !ok {
			return "", &planner.Error{Code: "34000", Msg: fmt.Sprintf("cursor %q does not exist", stmt.Name)}
		}
		cur.release()
		delete(c.cursors, stmt.Name)
		return "CLOSE CURSOR", nil
	case sql.Listen:
		return "LISTEN", nil
	case sql.Unlisten:
		return "UNLISTEN", nil
	case sql.Declare:
		return "DECLARE CURSOR", c.declare(ctx, stmt, p.params)
	}
	return "", &planner.Error{Code: planner.CodeNotSupported, Msg: fmt.Sprintf("%s statements are not supported", stmt.Kind)}
}

// executeArgs resolves EXECUTE name (argument, ...) to the statement
// PREPARE (or a Parse) kept under name and its parameters' values: each
// argument is cast to its parameter's type, as PostgreSQL coerces them
// (EXECUTE p('2016-01-01', 5) with p (timestamptz, int)), and reaches the
// statement as a client's text parameter of that type would.
func (c *conn) executeArgs(ctx context.Context, st *sql.Statement) (*sql.Statement, []any, error) {
	ps, ok := c.stmts[st.Name]
	if !ok || st.Name == "" {
		return nil, nil, &planner.Error{Code: "26000", Msg: fmt.Sprintf("prepared statement %q does not exist", st.Name)}
	}
	if len(ps.oids) == 0 {
		ps.runs++
		return ps.stmt, nil, nil // arguments to none are not read, as in PostgreSQL
	}
	if len(st.Args) != len(ps.oids) {
		return nil, nil, &planner.Error{Code: "42601", Msg: fmt.Sprintf("wrong number of parameters for prepared statement %q", st.Name),
			Detail: fmt.Sprintf("Expected %d parameters but got %d.", len(ps.oids), len(st.Args))}
	}
	if !ps.described {
		if _, err := c.describeStatement(ps); err != nil {
			return nil, nil, err
		}
	}
	if err := c.checkArgTypes(ctx, st, ps.oids); err != nil {
		return nil, nil, err
	}
	stmts, err := sql.Parse(selectArgs(st.Args, func(i int, arg string) string {
		if name := castName(ps.oids[i]); name != "" {
			return fmt.Sprintf("CAST((%s) AS %s)", arg, name)
		}
		return "(" + arg + ")"
	}))
	if err == nil && (len(stmts) != 1 || stmts[0].Kind != sql.Select) {
		err = &planner.Error{Code: planner.CodeSyntax, Msg: "EXECUTE's arguments must be expressions"}
	}
	var vals []string
	var nulls []bool
	if err == nil {
		vals, nulls, err = c.oneRow(ctx, stmts[0])
	}
	if err != nil {
		pe := planner.AsError(err)
		pe.Position = 0 // in the SELECT built here, not the user's text
		return nil, nil, pe
	}
	params := make([]any, len(vals))
	now := time.Now()
	for i, v := range vals {
		if nulls[i] {
			continue
		}
		if params[i], err = decodeParam(i+1, ps.oids[i], 0, []byte(v), c.sess.loc, now); err != nil {
			return nil, nil, err
		}
	}
	ps.runs++
	return ps.stmt, params, nil
}

// checkArgTypes refuses an EXECUTE argument whose type PostgreSQL does not
// convert to its parameter's type on assignment (EXECUTE p(true) for an
// integer parameter; a quoted constant takes any type, and numbers,
// strings and times convert among themselves).
func (c *conn) checkArgTypes(ctx context.Context, st *sql.Statement, oids []uint32) error {
	// Bare: a quoted constant stays of unknown type.
	stmts, err := sql.Parse(selectArgs(st.Args, func(_ int, arg string) string { return arg }))
	if err != nil || len(stmts) != 1 || stmts[0].Kind != sql.Select {
		return nil // the cast below reports it
	}
	cols, _, err := c.srv.Planner.Describe(ctx, c.sess.plannerSession(), stmts[0])
	if err != nil || len(cols) != len(oids) {
		return nil
	}
	for i, col := range cols {
		if col.Unknown || col.Type.ID() == arrow.NULL {
			continue
		}
		src, _ := columnType(col)
		if !planner.AssignmentCast(src, oids[i]) {
			return &planner.Error{Code: "42804", Msg: fmt.Sprintf("parameter $%d of type %s cannot be coerced to the expected type %s", i+1, planner.TypeName(src), planner.TypeName(oids[i])),
				Hint: "You will need to rewrite or cast the expression."}
		}
	}
	return nil
}

// selectArgs is SELECT over EXECUTE's arguments, each written by item.
func selectArgs(args []string, item func(i int, arg string) string) string {
	items := make([]string, len(args))
	for i, arg := range args {
		items[i] = item(i, arg)
	}
	return "SELECT " + strings.Join(items, ", ")
}

// castName is how a cast to type oid is written ("" for a type without
// one here): integer, timestamp with time zone, integer[].
func castName(oid uint32) string {
	if name, ok := exec.PGTypeNames()[int64(oid)]; ok {
		return name
	}
	if elem, ok := planner.ArrayElem(oid); ok && oid != 22 && oid != 30 {
		if name, ok := exec.PGTypeNames()[int64(elem)]; ok {
			return name + "[]"
		}
	}
	return ""
}

// oneRow runs a query of one row and gives its values as text.
func (c *conn) oneRow(ctx context.Context, st *sql.Statement) (vals []string, nulls []bool, err error) {
	_, op, err := c.srv.Planner.Run(ctx, c.sess.plannerSession(), st, nil)
	if err != nil {
		return nil, nil, err
	}
	recs, err := exec.Collect(ctx, op)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, r := range recs {
		if r.NumRows() == 0 {
			continue
		}
		for _, col := range r.Columns() {
			v, ok := exec.FormatValue(col, 0, c.sess.loc)
			vals, nulls = append(vals, v), append(nulls, !ok)
		}
		return vals, nulls, nil
	}
	return nil, nil, &planner.Error{Code: "XX000", Msg: "EXECUTE's arguments gave no row"}
}

// endTransaction ends a transaction block (COMMIT or ROLLBACK); COMMIT of
// a failed transaction rolls back, as in PostgreSQL.
func (c *conn) endTransaction(tag string) string {
	switch c.tx {
	case txIdle:
		c.notice("25P01", "there is no transaction in progress")
	case txFailed:
		tag = "ROLLBACK"
	}
	if tag == "ROLLBACK" && (c.txWrites > 0 || c.txTables > 0) {
		what := fmt.Sprintf("the %d rows written, updated or deleted", c.txWrites)
		switch {
		case c.txWrites == 0:
			what = fmt.Sprintf("the tables created, dropped or truncated (%d)", c.txTables)
		case c.txTables > 0:
			what += fmt.Sprintf(" and the tables created, dropped or truncated (%d)", c.txTables)
		}
		c.notice("01000", "Strata has no transactions: "+what+" since BEGIN were durable when each statement completed and stay so")
	}
	c.tx, c.txWrites, c.txTables, c.savepoints = txIdle, 0, 0, nil
	c.closeCursors(false)
	c.restoreLocal()
	c.dropPortals() // a transaction's portals end with it
	return tag
}

// savepoint finds the latest savepoint of that name (3B001 when there is
// none). Strata keeps no rows to roll back to (no transactions); the names
// are checked as PostgreSQL checks them.
func (c *conn) savepoint(name string) (int, error) {
	for i := len(c.savepoints) - 1; i >= 0; i-- {
		if c.savepoints[i] == name {
			return i, nil
		}
	}
	return 0, &planner.Error{Code: "3B001", Msg: fmt.Sprintf("savepoint %q does not exist", name)}
}

// restoreLocal puts back the settings SET LOCAL changed in the
// transaction that ended.
func (c *conn) restoreLocal() {
	names := make([]string, 0, len(c.localSaved))
	for n := range c.localSaved {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		prev := c.localSaved[n]
		if prev == nil {
			c.reset(n)
			continue
		}
		before, _ := c.sess.get(n)
		if _, err := c.sess.set(n, *prev); err == nil {
			if st, ok := settings[n]; ok && st.report && before != *prev {
				c.be.Send(&pgproto3.ParameterStatus{Name: paramStatusName(n), Value: *prev})
			}
		}
	}
	c.localSaved = nil
}

func (c *conn) set(stmt *sql.Statement) error {
	if stmt.Local {
		if c.tx == txIdle {
			c.notice("25P01", "SET LOCAL can only be used in transaction blocks")
			return nil
		}
		if _, saved := c.localSaved[stmt.Name]; !saved {
			if c.localSaved == nil {
				c.localSaved = map[string]*string{}
			}
			var prev *string
			if v, ok := c.sess.values[stmt.Name]; ok {
				prev = &v
			}
			c.localSaved[stmt.Name] = prev
		}
	} else {
		delete(c.localSaved, stmt.Name) // a plain SET outlasts the transaction
	}
	if stmt.Default {
		c.reset(stmt.Name)
		return nil
	}
	value := strings.Join(stmt.Values, ", ")
	report, err := c.sess.set(stmt.Name, value)
	if err != nil {
		return err
	}
	if report != "" {
		v, _ := c.sess.get(stmt.Name)
		c.be.Send(&pgproto3.ParameterStatus{Name: report, Value: v})
	}
	return nil
}

func (c *conn) reset(name string) {
	before, _ := c.sess.get(name)
	c.sess.reset(name)
	after, _ := c.sess.get(name)
	if st, ok := settings[name]; ok && st.report && before != after {
		c.be.Send(&pgproto3.ParameterStatus{Name: paramStatusName(name), Value: after})
	}
}

func (c *conn) resetAll() {
	names := make([]string, 0, len(c.sess.values))
	for n := range c.sess.values {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.reset(n)
	}
	c.sess.resetAll()
}

// discard is DISCARD ALL: the session as it was after startup.
func (c *conn) discard() {
	c.resetAll()
	c.stmts = map[string]*prepared{}
	c.closeCursors(true)
}

// closeCursors closes the cursors: all, or those not declared WITH HOLD
// (at the end of a transaction).
func (c *conn) closeCursors(withHold bool) {
	for name, cur := range c.cursors {
		if withHold || !cur.hold {
			cur.release()
			delete(c.cursors, name)
		}
	}
}

// show answers SHOW name and SHOW ALL.
func (c *conn) show(stmt *sql.Statement) ([]planner.Column, exec.Operator, error) {
	if stmt.All {
		all := c.sess.all()
		rows := make([][]string, len(all))
		for i, r := range all {
			rows[i] = r[:]
		}
		cols, op := textRows([]string{"name", "setting", "description"}, rows)
		return cols, op, nil
	}
	v, ok := c.sess.get(stmt.Name)
	if !ok {
		return nil, nil, &planner.Error{Code: "42704", Msg: fmt.Sprintf("unrecognized configuration parameter %q", stmt.Name)}
	}
	cols, op := textRows([]string{paramStatusName(stmt.Name)}, [][]string{{v}})
	return cols, op, nil
}

// declare opens a cursor over its query. Without WITH HOLD it lives until
// the transaction ends, so it needs one, as in PostgreSQL.
func (c *conn) declare(ctx context.Context, stmt *sql.Statement, params []any) error {
	if c.tx == txIdle && !stmt.Cursor.Hold {
		return &planner.Error{Code: "25P01", Msg: "DECLARE CURSOR can only be used in transaction blocks", Hint: "run BEGIN first, or declare the cursor WITH HOLD"}
	}
	if _, ok := c.cursors[stmt.Name]; ok {
		return &planner.Error{Code: "42P03", Msg: fmt.Sprintf("cursor %q already exists", stmt.Name)}
	}
	var formats []int16
	if stmt.Cursor.Binary {
		formats = []int16{1}
	}
	cur, err := c.open(ctx, stmt.Inner, params, formats, nil)
	if err != nil {
		return err
	}
	if cur.op == nil {
		return &planner.Error{Code: "42P11", Msg: "cursor query must return rows"}
	}
	cur.hold = stmt.Cursor.Hold
	if stmt.Cursor.Scroll {
		cur.kept = &keptRows{limit: c.sess.memLimit} // the rows read are held, to go back to
		if cur.kept.limit <= 0 {
			cur.kept.limit = exec.DefaultMemLimit
		}
	}
	c.cursors[stmt.Name] = cur
	return nil
}

// fetch runs FETCH or MOVE on the named cursor: any direction for a
// SCROLL cursor (fetchKept), forward for the others.
func (c *conn) fetch(ctx context.Context, p *portal, maxRows int64) error {
	stmt := p.stmt
	cur, ok := c.cursors[stmt.Name]
	if !ok {
		return &planner.Error{Code: "34000", Msg: fmt.Sprintf("cursor %q does not exist", stmt.Name)}
	}
	// The cursor's rows come from its own portal, on its context.
	cctx, stop := cur.follow(ctx)
	defer stop()
	if cur.kept != nil {
		return c.fetchKept(cctx, p, cur, maxRows)
	}
	verb := strings.ToUpper(stmt.Kind.String())
	done := func(n int64) error {
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(verb + " " + strconv.FormatInt(n, 10))})
		return nil
	}
	if !p.fetchStarted {
		op := fetchOpOf(*stmt.Fetch, cur.pos)
		if err := cur.forwardOnly(op, stmt.Kind == sql.Move); err != nil {
			return err
		}
		var skip, limit int64 // rows to pass over, then to return (0: all)
		switch op.kind {
		case fetchCurrent: // FETCH off a row, MOVE (forwardOnly)
			return done(map[bool]int64{false: 0, true: 1}[cur.onRow()])
		case fetchBackward:
			return done(0) // MOVE BACKWARD ALL before the first row (forwardOnly)
		case fetchTo:
			if op.count == 0 {
				return done(0) // before the first row already
			}
			skip, limit = op.count-cur.pos-1, 1
		default:
			limit = max(op.count, 0)
		}
		if cur.atEnd {
			return done(0)
		}
		if skip > 0 {
			n, err := cur.skip(cctx, skip)
			if err != nil {
				return err
			}
			if n < skip {
				return done(0) // the row is past the last
			}
		}
		if stmt.Kind == sql.Move {
			n, err := cur.skip(cctx, limit)
			if err != nil {
				return err
			}
			return done(n)
		}
		p.fetchStarted, p.fetchLeft, p.fetchAll = true, limit, limit == 0
	} else if !p.fetchAll && p.fetchLeft <= 0 {
		// The FETCH has sent its rows: executing it again sends none.
		return done(0)
	}
	// An Execute row limit sends the FETCH's rows in parts (PortalSuspended
	// between them), as for any portal.
	batch := p.fetchLeft // 0: all
	if maxRows > 0 && (batch == 0 || maxRows < batch) {
		batch = maxRows
	}
	// The FETCH portal's formats: its own, or its cursor's (open).
	n, more, err := c.stream(cctx, cur, p.formats, batch)
	cur.pos += n
	if err != nil {
		return err
	}
	if !p.fetchAll {
		p.fetchLeft -= n
	}
	if maxRows > 0 && n == maxRows && more && (p.fetchAll || p.fetchLeft > 0) {
		c.be.Send(&pgproto3.PortalSuspended{})
		return nil
	}
	if p.fetchAll || p.fetchLeft > 0 {
		cur.ranOff() // fewer rows than asked: the end
	}
	return done(n)
}

// skip passes over up to n rows of a cursor (0: all of them), returning
// how many it passed; fewer than n leaves it past the last row.
func (cur *portal) skip(ctx context.Context, n int64) (int64, error) {
	var moved int64
	for n == 0 || moved < n {
		ok, err := cur.advance(ctx)
		if err != nil {
			return moved, err
		}
		if !ok {
			break
		}
		step := int64(cur.rows() - cur.row)
		if n > 0 && step > n-moved {
			step = n - moved
		}
		cur.row += int(step)
		cur.pos += step
		moved += step
	}
	if n == 0 || moved < n {
		cur.ranOff()
	}
	return moved, nil
}

// ranOff puts a cursor past its last row, where PostgreSQL counts it one
// further on.
func (cur *portal) ranOff() {
	if !cur.atEnd {
		cur.atEnd = true
		cur.pos++
	}
}
