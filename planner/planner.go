package planner

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Session is what planning depends on besides the statement.
type Session struct {
	Database string
	Location *time.Location
	Now      time.Time
	// MemLimit bounds each query's memory (0: exec.DefaultMemLimit).
	MemLimit int64
	// User is the session's user name (current_user); "" reads as strata.
	User string
	// PID is the backend process ID the session's connection announced
	// (pg_backend_pid()); 0 outside the PostgreSQL endpoint.
	PID int32
	// Setting reads a run-time parameter for current_setting() (the
	// PostgreSQL endpoint's SET/SHOW values); nil: the defaults only.
	Setting func(name string) (string, bool)
	// Influx marks a session of InfluxDB 3's clients (the HTTP query API
	// and Flight SQL), which read the catalog as InfluxDB 3 (DataFusion)
	// shows it: * over a stored table expands in the order of its column
	// names; information_schema puts the tables in catalog public, schema
	// iox, with Arrow's type names (infoschema_influx.go); public.iox.t
	// names a table. Otherwise (the PostgreSQL endpoint) the columns come
	// in SQL's order (column_order.go) and information_schema is
	// PostgreSQL's.
	Influx bool
	// Prepared lists the session's prepared statements for
	// pg_prepared_statements; nil: none (outside the PostgreSQL endpoint).
	Prepared func() []PreparedStatement
	// Notify sends the client a notice while the statement runs (what
	// TimescaleDB's policy functions skipped, or warn of); nil: the
	// endpoint has no way to show one.
	Notify func(Notice)
}

// Notice is a message a statement sends besides its result: a NOTICE (what
// it skipped) or a WARNING, as PostgreSQL reports them.
type Notice struct {
	Severity string // "NOTICE" or "WARNING"
	// Code is its SQLSTATE; "": 00000 for a NOTICE, 01000 for a WARNING.
	Code              string
	Msg, Detail, Hint string
}

// notify sends n when the session's endpoint shows notices.
func (s *Session) notify(n Notice) {
	if s.Notify != nil {
		s.Notify(n)
	}
}

// PreparedStatement is a prepared statement as pg_prepared_statements
// shows it: its name, text, when it was prepared, its parameter types,
// whether SQL's PREPARE made it (else the protocol's Parse), and how many
// times it ran without and with parameters (generic_plans, custom_plans).
type PreparedStatement struct {
	Name, Statement           string
	Prepared                  time.Time
	ParamTypes                []uint32
	FromSQL                   bool
	GenericPlans, CustomPlans int64
}

// ownCatalog tells whether a three-part name's catalog is the session's
// database: its name, or public for InfluxDB 3's clients.
func (s *Session) ownCatalog(db string) bool {
	return db == s.Database || s.Influx && db == influxCatalog
}

// Planner plans statements against one storage engine.
type Planner struct {
	Engine *storage.Engine
	// Activity is the server's register of connections and queries,
	// shared by its endpoints' planners (nil: none kept).
	Activity *Activity
	// policies is when each continuous aggregate's refresh policy ran.
	policies policyState
	// refreshing runs the refreshes of each view one at a time.
	refreshing keyedLock
	// inserting runs the INSERTs and COPYs that look for stored keys
	// (ON CONFLICT, a table with a key) one at a time per table.
	inserting keyedLock
}

// Query is a planned SELECT: the optimized plan and its output columns.
type Query struct {
	Plan Node
	Cols []Column
	// Reusable: planning read only the statement, the parameters, the
	// tables' columns (storage.Engine.SchemaVersion) and the session's time
	// zone, so the plan may run again while those stay the same. It is
	// false when planning ran a subquery or a recursive CTE, read catalog
	// tables or sizes, answered a session function or folded now(). Strings
	// read relative to the clock ('today'::date) are not tracked here:
	// callers check the text.
	Reusable bool
}

// PlanQuery binds and optimizes a SELECT statement. params are the values
// of $1, $2, ... (nil for NULL; Go bool, int64, float64, string,
// exec.Timestamp or an interval).
func (p *Planner) PlanQuery(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (*Query, error) {
	b := newBinder(ctx, p, sess, stmt, params)
	node, err := b.bindQuery(stmt.AST)
	if err != nil {
		return nil, finishError(stmt, err)
	}
	node = Optimize(node)
	if err := deferredFoldError(node); err != nil {
		return nil, finishError(stmt, err)
	}
	node = padResult(node)
	return &Query{Plan: node, Cols: node.Columns(), Reusable: !b.volatile}, nil
}

// Open builds the operators of one execution of q. The context each Next
// is given stops them; set the returned Ctx's Context to stop the
// subqueries an expression runs per row too.
func (p *Planner) Open(sess *Session, q *Query) (exec.Operator, *exec.Ctx, error) {
	c := p.execCtx(nil, sess)
	op, err := Build(c, p.Engine, q.Plan)
	return op, c, err
}

// execCtx is an execution's context; ctx, when not nil, stops the
// subqueries it runs outside operators (those planning runs).
func (p *Planner) execCtx(ctx context.Context, sess *Session) *exec.Ctx {
	c := exec.NewCtx()
	c.Context = ctx
	if sess.Location != nil {
		c.Location = sess.Location
	}
	if !sess.Now.IsZero() {
		c.Now = sess.Now
	}
	// The statement's clock (now(), 'now', current_date) in microseconds,
	// as PostgreSQL keeps it.
	c.Now = c.Now.Truncate(time.Microsecond)
	c.MemLimit = sess.MemLimit
	if p.Activity != nil && sess.PID != 0 {
		// The PostgreSQL endpoint's sessions only, as PostgreSQL's roles
		// may signal their own backends.
		c.Signal = p.Activity.Signal
	}
	c.DataFusion = sess.Influx
	return c
}

// QueryText parses, plans and opens one SELECT (or EXPLAIN) statement; the
// convenience path of the HTTP API and the CLI.
func (p *Planner) QueryText(ctx context.Context, sess *Session, text string, params []any) (*Query, exec.Operator, error) {
	stmts, err := sql.Parse(text)
	if err != nil {
		return nil, nil, err
	}
	if len(stmts) != 1 {
		return nil, nil, errorf(CodeSyntax, "expected one statement, got %d", len(stmts))
	}
	return p.Run(ctx, sess, stmts[0], params)
}

// Run plans and opens a SELECT or EXPLAIN statement, or runs an INSERT,
// UPDATE or DELETE and returns its one-row count (the rows written for
// CREATE TABLE ... AS, 0 for the other DDL). Other statement kinds belong to the protocol
// layer (pgwire's sessions) and are refused.
func (p *Planner) Run(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (*Query, exec.Operator, error) {
	if stmt.Kind.IsDDL() {
		res, err := p.RunDDL(ctx, sess, stmt)
		if err != nil {
			return nil, nil, err
		}
		return countResult(res.Rows)
	}
	switch stmt.Kind {
	case sql.Select:
	case sql.Insert:
		if stmt.Returning != nil {
			_, q, op, err := p.InsertReturning(ctx, sess, stmt, params)
			return q, op, finishError(stmt, err)
		}
		n, err := p.Insert(ctx, sess, stmt, params)
		if err != nil {
			return nil, nil, err
		}
		return countResult(n)
	case sql.Delete:
		if stmt.Returning != nil {
			_, q, op, err := p.ChangeReturning(ctx, sess, stmt, params)
			return q, op, err
		}
		n, err := p.Delete(ctx, sess, stmt, params)
		if err != nil {
			return nil, nil, err
		}
		return countResult(n)
	case sql.Update:
		if stmt.Returning != nil {
			_, q, op, err := p.ChangeReturning(ctx, sess, stmt, params)
			return q, op, err
		}
		n, err := p.Update(ctx, sess, stmt, params)
		if err != nil {
			return nil, nil, err
		}
		return countResult(n)
	case sql.Call:
		inner := *stmt
		inner.Kind = sql.Select // CALL procedure(...): its SELECT
		return p.Run(ctx, sess, &inner, params)
	case sql.Explain:
		inner := stmt
		if stmt.Inner != nil {
			inner = stmt.Inner
		}
		q, err := p.PlanQuery(ctx, sess, inner, params)
		if err != nil {
			if d := inner.Offset - stmt.Offset; d > 0 && d <= len(stmt.Text) {
				err = shiftPosition(err, utf8.RuneCountInString(stmt.Text[:d])) // from EXPLAIN's start
			}
			return nil, nil, err
		}
		if stmt.ExplainOpts != nil && stmt.ExplainOpts.Analyze {
			lines, err := p.explainAnalyze(ctx, sess, q)
			if err != nil {
				return nil, nil, err
			}
			return textResult("QUERY PLAN", lines)
		}
		return p.explain(sess, q)
	case sql.Copy:
		if stmt.Copy.From {
			return nil, nil, &Error{Code: CodeNotSupported, Msg: "COPY ... FROM STDIN is a command of the PostgreSQL endpoint",
				Hint: "here, write the rows as line protocol (POST /api/v3/write_lp) or with INSERT"}
		}
		return nil, nil, &Error{Code: CodeNotSupported, Msg: "COPY ... TO STDOUT is a command of the PostgreSQL endpoint",
			Hint: "here, run the query itself: the HTTP API writes CSV with format=csv, strata query with --format csv"}
	default:
		return nil, nil, errorf(CodeNotSupported, "only SELECT, INSERT and EXPLAIN statements can be run here")
	}
	if _, ok := stmt.AST.(*ast.SelectStmt); !ok {
		if _, ok := stmt.AST.(*ast.SetOprStmt); !ok {
			return nil, nil, notSupported("this statement")
		}
	}
	q, err := p.PlanQuery(ctx, sess, stmt, params)
	if err != nil {
		return nil, nil, err
	}
	op, c, err := p.Open(sess, q)
	if err != nil {
		return nil, nil, err
	}
	c.Context = ctx // per-row subqueries stop with it
	return q, op, nil
}

// Describe reports, without running anything but the uncorrelated
// subqueries planning evaluates, the result columns of a SELECT or EXPLAIN
// (nil for INSERT) and the type each $n is read as: the type of what it is
// compared with, assigned to or cast to, as PostgreSQL infers it. A
// parameter whose type no context fixes is nil (the client may send any
// type; its text is read as an untyped literal).
func (p *Planner) Describe(ctx context.Context, sess *Session, stmt *sql.Statement) ([]Column, []arrow.DataType, error) {
	cols, params, err := p.DescribeParams(ctx, sess, stmt)
	if err != nil {
		return nil, nil, err
	}
	types := make([]arrow.DataType, len(params))
	for i, pt := range params {
		types[i] = pt.Type
	}
	return cols, types, nil
}

// ParamType is a parameter's type as Describe infers it: the engine's
// (nil: not inferred) and, when a cast names a PostgreSQL type the
// engine holds in a wider one ($1::int4, $1::date), that type's OID.
type ParamType struct {
	Type   arrow.DataType
	PGType uint32
}

// DescribeParams is Describe with the PostgreSQL types of parameters
// cast to a type ($1::int4 is int4, not the engine's bigint).
func (p *Planner) DescribeParams(ctx context.Context, sess *Session, stmt *sql.Statement) ([]Column, []ParamType, error) {
	params := make([]any, stmt.NumParams)
	out := make([]ParamType, stmt.NumParams)
	switch stmt.Kind {
	case sql.Select:
		b := newBinder(ctx, p, sess, stmt, params)
		b.describe = true
		b.ptypes = make([]arrow.DataType, stmt.NumParams)
		b.ppg = make([]uint32, stmt.NumParams)
		node, err := b.bindQuery(stmt.AST)
		if err != nil {
			return nil, nil, finishError(stmt, err)
		}
		for i := range out {
			out[i] = ParamType{Type: b.ptypes[i], PGType: b.ppg[i]}
		}
		return node.Columns(), out, nil
	case sql.Explain:
		return []Column{{Name: "QUERY PLAN", Type: exec.TypeText}}, out, nil
	case sql.Insert:
		copy(out, p.insertParamTypes(sess, stmt))
		if stmt.Returning != nil {
			cols, err := p.describeReturning(ctx, sess, stmt)
			return cols, out, finishError(stmt, err)
		}
		return nil, out, nil
	case sql.Delete, sql.Update:
		var cols []Column
		if stmt.Returning != nil {
			var err error
			if cols, err = p.describeReturning(ctx, sess, stmt); err != nil {
				return nil, nil, finishError(stmt, err)
			}
		}
		if stmt.Kind == sql.Delete {
			return cols, p.rewriteParamTypes(ctx, sess, stmt, func(b *binder) error { _, _, err := b.bindDelete(); return err }), nil
		}
		return cols, p.rewriteParamTypes(ctx, sess, stmt, func(b *binder) error { _, _, _, err := b.bindUpdate(); return err }), nil
	}
	switch stmt.Kind {
	case sql.Call:
		return nil, out, nil // a procedure's call answers no rows
	}
	if stmt.Kind.IsDDL() {
		return nil, out, nil
	}
	return nil, nil, errorf(CodeNotSupported, "only SELECT, INSERT, UPDATE, DELETE and EXPLAIN statements can be described here")
}
