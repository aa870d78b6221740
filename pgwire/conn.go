package pgwire

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// Transaction status bytes of ReadyForQuery.
const (
	txIdle   = 'I'
	txBlock  = 'T'
	txFailed = 'E'
)

// maxMessage bounds one frontend message (a Bind with large parameters or
// a long INSERT); PostgreSQL's own limit is 1 GiB.
const maxMessage = 256 << 20

// flushEvery is how many result bytes are buffered before they are written.
const flushEvery = 64 << 10

// conn is one client connection.
type conn struct {
	srv *Server
	nc  net.Conn
	be  *pgproto3.Backend
	// startup reads startup packets for be: a newer protocol minor version
	// is read as 3.0, to be negotiated down (NegotiateProtocolVersion).
	startupIn *startupReader
	// terminating is set by pg_terminate_backend: the connection ends
	// with FATAL 57P01 at its next read.
	terminating    atomic.Bool
	terminatedSent bool

	pid    uint32
	secret []byte
	sess   *session
	tx     byte
	// query is the query string of the message running (a simple Query's,
	// or the Parse's of the portal executed): what pg_prepared_statements
	// shows for a PREPARE, as PostgreSQL keeps the client's whole string.
	query string
	// txWrites counts rows written since BEGIN, and txTables the tables
	// created, dropped or emptied, to tell the client on ROLLBACK that they
	// stay.
	txWrites int64
	txTables int
	// skipping: an extended-protocol message failed; discard until Sync.
	skipping bool
	// localSaved holds the values settings had before SET LOCAL changed
	// them in this transaction (nil: not set, the default), restored when
	// it ends.
	localSaved map[string]*string
	// savepoints are the transaction's savepoint names, oldest first.
	savepoints []string

	stmts   map[string]*prepared
	portals map[string]*portal
	cursors map[string]*portal

	runMu     sync.Mutex
	runCancel context.CancelCauseFunc
	// busy: a statement's message (Query, Parse, Bind, Describe,
	// Execute) is being handled; a cancel then, before the statement
	// runs, is kept in cancelPending for it, as PostgreSQL cancels the
	// command in progress (setBusy).
	busy, cancelPending bool

	// runs counts statements bound or run; a plan made at Parse is used
	// by the Bind that follows only if nothing ran in between.
	runs uint64
	// sent is the number of rows the last run sent (for Server.Queries).
	sent int64

	// out holds what the backend and stream wrote and the client has not
	// been sent: a response goes out in one write at Sync, Flush, the
	// end of a simple query or every flushEvery bytes of rows (each
	// write wakes the client; pgx woke four times per query).
	out outBuf
	// rows holds appendRows' per-chunk arrays.
	rows rowWriter
}

// outBuf is the connection's output buffer; pgproto3's Backend writes its
// messages into it and DataRows are appended in place.
type outBuf struct {
	w   io.Writer
	buf []byte
}

func (o *outBuf) Write(p []byte) (int, error) {
	o.buf = append(o.buf, p...)
	return len(p), nil
}

// send writes the buffered bytes to the client.
func (o *outBuf) send() error {
	if len(o.buf) == 0 {
		return nil
	}
	_, err := o.w.Write(o.buf)
	if cap(o.buf) > 4*flushEvery {
		o.buf = nil
	} else {
		o.buf = o.buf[:0]
	}
	return err
}

// sendWith writes the buffered bytes and then b to the client, in one
// system call where the connection can.
func (o *outBuf) sendWith(b []byte) error {
	if len(o.buf) == 0 {
		_, err := o.w.Write(b)
		return err
	}
	bufs := net.Buffers{o.buf, b}
	_, err := bufs.WriteTo(o.w)
	o.buf = o.buf[:0]
	return err
}

// newBackend speaks the protocol over nc, writing through c.out.
func (c *conn) newBackend(nc net.Conn) {
	c.out.w = nc
	c.startupIn = &startupReader{r: nc}
	c.be = pgproto3.NewBackend(c.startupIn, &c.out)
	c.be.SetMaxBodyLen(maxMessage)
}

// startupReader passes a connection's bytes through, except that, when
// armed (before a startup packet), it reads the packet's length and
// version and hands on a protocol 3.x above 3.0 as 3.0, noting x: Strata
// speaks 3.0 and says so with NegotiateProtocolVersion, as a PostgreSQL
// server does to a newer client (libpq 18 asks for 3.2 when told to).
type startupReader struct {
	r       io.Reader
	armed   bool
	pending []byte
	minor   uint16 // the minor version asked for (0: 3.0)
}

func (s *startupReader) Read(p []byte) (int, error) {
	if len(s.pending) > 0 {
		n := copy(p, s.pending)
		s.pending = s.pending[n:]
		return n, nil
	}
	if !s.armed {
		return s.r.Read(p)
	}
	s.armed = false
	hdr := make([]byte, 8)
	if _, err := io.ReadFull(s.r, hdr); err != nil {
		return 0, err
	}
	if code := binary.BigEndian.Uint32(hdr[4:]); code>>16 == 3 && code&0xffff != 0 {
		s.minor = uint16(code)
		binary.BigEndian.PutUint32(hdr[4:], 3<<16)
	}
	n := copy(p, hdr)
	s.pending = hdr[n:]
	return n, nil
}

// flush sends everything written so far to the client.
func (c *conn) flush() error {
	if err := c.be.Flush(); err != nil {
		return err
	}
	return c.out.send()
}

// prepared is a parsed statement of the extended protocol.
type prepared struct {
	stmt *sql.Statement
	// text, at and fromSQL are what pg_prepared_statements shows: the
	// statement's text (a PREPARE's own for SQL's), when it was prepared,
	// and whether SQL's PREPARE made it; runs counts its executions.
	text    string
	at      time.Time
	fromSQL bool
	runs    int64
	// oids are the parameter types: what the client declared, else what
	// Describe inferred, else 0 (any).
	oids []uint32
	// cols are the result columns once described (nil: no rows); schema
	// is the catalog's schema version when Parse described them.
	cols      []planner.Column
	described bool
	schema    uint64
	// plan: a parameterless SELECT planned at Parse (to describe it), for
	// the first Bind to run if it comes right after, within planFresh.
	plan     *planner.Query
	planRuns uint64
	planned  time.Time
	// kept is a parameterless SELECT's reusable plan (planner.Query's
	// Reusable, and the text reads no clock), run by every Bind while the
	// catalog's schema version and the session's settings are those it
	// was made under, as PostgreSQL runs a prepared statement's cached
	// plan until an ALTER or a SET invalidates it.
	kept        *planner.Query
	keptSchema  uint64
	keptSession uint64
	clock       bool // the text may read the clock (readsClock)
}

// keep remembers q for later Binds if it may be reused; schema is the
// catalog's schema version read before q was planned.
func (ps *prepared) keep(q *planner.Query, schema, session uint64) {
	if q == nil || !q.Reusable || ps.clock || ps.stmt.Kind != sql.Select || len(ps.oids) > 0 {
		return
	}
	ps.kept, ps.keptSchema, ps.keptSession = q, schema, session
}

// planFresh bounds how old a Parse-time plan may be when Bind uses it: the
// plan holds now() and the catalog as they were (drivers such as pgx send
// Bind a round trip after Parse; a later first execution plans again).
const planFresh = time.Second

func (c *conn) serve() {
	defer c.nc.Close()
	c.newBackend(c.nc)
	// Registered by startup once authenticated; gone whatever way this
	// ends (a startup whose last write fails too).
	defer c.srv.unregister(c)
	ok, err := c.startup()
	if err != nil {
		if !isDisconnect(err) {
			c.srv.log().Debug("pgwire: startup failed", "remote", c.nc.RemoteAddr().String(), "error", err)
		}
		return
	}
	if !ok {
		return
	}
	defer c.closeAll()
	for {
		msg, err := c.be.Receive()
		if c.terminating.Load() {
			c.endTerminated()
			return
		}
		if err != nil && c.badBody(err) {
			continue
		}
		if err != nil {
			if !isDisconnect(err) {
				c.fatal("08P01", fmt.Sprintf("invalid message: %v", err))
				c.srv.log().Debug("pgwire: bad message", "pid", c.pid, "error", err)
			}
			return
		}
		if _, ok := msg.(*pgproto3.Terminate); ok {
			return
		}
		if !c.dispatch(msg) {
			return
		}
	}
}

// badBody answers a message whose body did not decode (a Query holding a
// NUL before its end, say) as PostgreSQL does: an ERROR, "invalid message
// format", not the end of the connection. The message was read whole, so
// the stream is still in step: a simple query gets its ReadyForQuery, an
// extended-protocol message discards up to the next Sync. It reports
// whether err was such an error.
func (c *conn) badBody(err error) bool {
	kind, _, ok := strings.Cut(err.Error(), " body is invalid")
	if !ok {
		return false
	}
	switch kind {
	case "Query", "FunctionCall", "Sync", "Parse", "Bind", "Describe", "Execute", "Close", "Flush":
	default:
		return false // startup, authentication and COPY messages: as before
	}
	c.sendError(&planner.Error{Code: "08P01", Msg: "invalid message format"}, 0)
	switch kind {
	case "Query", "FunctionCall", "Sync":
		c.ready()
	default:
		c.skipping = true
	}
	return true
}

func isDisconnect(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// startup runs the handshake up to the first ReadyForQuery. ok is false for
// connections that end there (CancelRequest, refused startup).
func (c *conn) startup() (ok bool, err error) {
	tlsDone := false
	for {
		c.startupIn.armed, c.startupIn.minor = true, 0
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			return false, err
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if c.srv.TLS == nil || tlsDone {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return false, err
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return false, err
			}
			tc := tls.Server(c.nc, c.srv.TLS)
			if err := tc.Handshake(); err != nil {
				return false, err
			}
			c.nc, tlsDone = tc, true
			c.newBackend(tc)
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false, err
			}
		case *pgproto3.CancelRequest:
			c.srv.cancel(m.ProcessID, m.SecretKey)
			return false, nil
		case *pgproto3.StartupMessage:
			return c.accept(m)
		default:
			return false, fmt.Errorf("unexpected startup message %T", msg)
		}
	}
}

// accept authenticates (trust) and sends the session's parameters.
func (c *conn) accept(m *pgproto3.StartupMessage) (bool, error) {
	// Protocol options (_pq_.name) Strata does not know, and a minor
	// version above 3.0, are declined as PostgreSQL declines them: the
	// client carries on with 3.0 and without the options.
	var unknown []string
	for k := range m.Parameters {
		if strings.HasPrefix(k, "_pq_.") {
			unknown = append(unknown, k)
			delete(m.Parameters, k)
		}
	}
	if c.startupIn.minor > 0 || len(unknown) > 0 {
		sort.Strings(unknown)
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unknown})
	}
	user := m.Parameters["user"]
	if user == "" {
		c.fatal("28000", "no PostgreSQL user name specified in startup packet")
		return false, nil
	}
	db := m.Parameters["database"]
	if db == "" {
		db = user
	}
	if err := c.authenticate(user); err != nil {
		if errors.Is(err, errAuthFailed) {
			c.fatal("28P01", fmt.Sprintf("password authentication failed for user %q", user))
			return false, nil
		}
		if !isDisconnect(err) {
			c.fatal("08P01", fmt.Sprintf("authentication: %v", err))
		}
		return false, err
	}
	c.sess = newSession(user, db, c.srv.MemLimit)
	c.sess.prepared = c.preparedStatements
	c.sess.notify = c.sendNotice
	c.tx = txIdle
	c.stmts, c.portals, c.cursors = map[string]*prepared{}, map[string]*portal{}, map[string]*portal{}
	names := make([]string, 0, len(m.Parameters))
	for k := range m.Parameters {
		names = append(names, k)
	}
	sort.Strings(names)
	type setting struct{ name, value string }
	var sets []setting
	for _, k := range names {
		switch k {
		case "user", "database", "replication":
			continue
		case "options":
			// PGOPTIONS, the drivers' options: -c name=value, --name=value.
			opts, err := startupOptions(m.Parameters[k])
			if err != nil {
				c.fatal("22023", err.Error())
				return false, nil
			}
			for _, o := range opts {
				sets = append(sets, setting{o[0], o[1]})
			}
			continue
		}
		sets = append(sets, setting{k, m.Parameters[k]})
	}
	for _, st := range sets {
		if _, err := c.sess.set(strings.ToLower(st.name), st.value); err != nil {
			pe := planner.AsError(err)
			c.fatal(pe.Code, pe.Msg)
			return false, nil
		}
	}
	c.srv.register(c)
	c.sess.pid = c.pid
	c.connected(user, db)
	c.be.Send(&pgproto3.AuthenticationOk{})
	reported := make([]string, 0, len(settings))
	for name, st := range settings {
		if st.report {
			reported = append(reported, name)
		}
	}
	sort.Strings(reported)
	for _, name := range reported {
		v, _ := c.sess.get(name)
		c.be.Send(&pgproto3.ParameterStatus{Name: paramStatusName(name), Value: v})
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: c.tx})
	return true, c.flush()
}

// dispatch handles one message; false ends the connection.
func (c *conn) dispatch(msg pgproto3.FrontendMessage) (keep bool) {
	defer func() {
		if p := recover(); p != nil {
			// A simple query answers its own panics (simpleQuery).
			c.panicked(p)
			c.skipping = true
			keep = true
		}
	}()
	if c.skipping {
		switch msg.(type) {
		case *pgproto3.Sync:
		case *pgproto3.Flush:
			return c.flush() == nil // the error is out already; flush what is left
		default:
			return true
		}
	}
	act := c.srv.Planner.Activity
	switch msg.(type) {
	case *pgproto3.Query, *pgproto3.Parse, *pgproto3.Bind, *pgproto3.Describe, *pgproto3.Execute:
		// A cancel while this message is handled stops its statement,
		// even before it runs; one while the connection waits for the
		// client is dropped, as PostgreSQL drops it.
		c.setBusy(true)
		defer c.setBusy(false)
	}
	switch m := msg.(type) {
	case *pgproto3.Query:
		act.SetState(int32(c.pid), "active", m.String)
		c.simpleQuery(m.String)
	case *pgproto3.Parse:
		act.SetState(int32(c.pid), "active", m.Query)
		start := time.Now()
		c.extended(c.failedEarly(start, c.parse(m.Name, m.Query, m.ParameterOIDs)))
	case *pgproto3.Bind:
		if ps := c.stmts[m.PreparedStatement]; ps != nil && ps.stmt != nil {
			act.SetState(int32(c.pid), "active", ps.stmt.Text)
		}
		start := time.Now()
		c.extended(c.failedEarly(start, c.bind(m)))
	case *pgproto3.Describe:
		act.SetState(int32(c.pid), "active", "")
		c.extended(c.describe(m.ObjectType, m.Name))
	case *pgproto3.Execute:
		act.SetState(int32(c.pid), "active", "")
		c.extended(c.execute(m.Portal, m.MaxRows))
	case *pgproto3.Close:
		c.extended(c.closeObject(m.ObjectType, m.Name))
	case *pgproto3.Sync:
		c.sync()
	case *pgproto3.Flush:
		if err := c.flush(); err != nil {
			return false
		}
	case *pgproto3.FunctionCall:
		// A function call is answered on its own (no Sync follows).
		c.sendError(&planner.Error{Code: planner.CodeNotSupported, Msg: "the function call protocol is not supported; call the function in a SELECT"}, 0)
		c.ready()
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// What a client still sends after its COPY FROM STDIN failed:
		// dropped, as PostgreSQL does.
	default:
		c.fatal("08P01", fmt.Sprintf("unexpected message %T", msg))
		return false
	}
	return true
}

// failedEarly counts a statement that failed before it ran (a syntax
// error at Parse, a bad parameter at Bind) and returns err.
func (c *conn) failedEarly(start time.Time, err error) error {
	if err != nil {
		c.srv.Queries.Done(start, 0, true)
	}
	return err
}

// extended reports an extended-protocol failure and skips to Sync.
func (c *conn) extended(err error) {
	if err == nil {
		return
	}
	c.sendError(err, 0)
	c.skipping = true
	// Sent at once, as PostgreSQL sends errors: a client that waits for
	// an Execute's answer before its Sync (node-postgres' cursors) sees it.
	_ = c.flush()
}

func (c *conn) sync() {
	c.skipping = false
	if c.tx == txIdle {
		// The implicit transaction ends: its portals go.
		c.dropPortals()
	}
	c.ready()
}

// panicked logs a panic handling a message and answers it with an error.
func (c *conn) panicked(p any) {
	c.srv.log().Error("pgwire: panic handling a message; this is a bug", "panic", p, "stack", string(debug.Stack()))
	c.sendError(&planner.Error{Code: planner.CodeInternal, Msg: fmt.Sprintf("internal error: %v", p)}, 0)
}

func (c *conn) ready() {
	state := "idle"
	switch c.tx {
	case txBlock:
		state = "idle in transaction"
	case txFailed:
		state = "idle in transaction (aborted)"
	}
	if c.terminatedSent {
		return // the connection ends (FATAL 57P01 is out)
	}
	c.srv.Planner.Activity.SetState(int32(c.pid), state, "")
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: c.tx})
	_ = c.flush()
}

// sendError answers a failed statement. offset is the statement's byte
// offset in the query string, added to the error's position.
func (c *conn) sendError(err error, offset int) {
	if c.terminating.Load() {
		c.endTerminated() // the statement was stopped to end the connection
		return
	}
	pe := planner.AsError(err)
	if c.tx == txBlock {
		c.tx = txFailed
	}
	msg := &pgproto3.ErrorResponse{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: pe.Code, Message: pe.Msg, Detail: pe.Detail, Hint: pe.Hint,
		SchemaName: pe.Schema, TableName: pe.Table, ColumnName: pe.Column, ConstraintName: pe.Constraint}
	if pe.Position > 0 {
		msg.Position = int32(pe.Position + offset)
	}
	c.be.Send(msg)
}

// fatal sends a FATAL error before the connection closes.
func (c *conn) fatal(code, text string) {
	c.be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: code, Message: text})
	_ = c.flush()
}

// notice sends a WARNING with its SQLSTATE.
func (c *conn) notice(code, text string) {
	c.be.Send(&pgproto3.NoticeResponse{Severity: "WARNING", SeverityUnlocalized: "WARNING", Code: code, Message: text})
}

// sendNotice sends a notice a statement raised while it ran (without a
// code of its own: 00000 for a NOTICE, 01000 for a WARNING, as
// PostgreSQL's RAISE gives them).
func (c *conn) sendNotice(n planner.Notice) {
	code := n.Code
	switch {
	case code != "":
	case n.Severity == "WARNING":
		code = "01000"
	default:
		code = "00000"
	}
	c.be.Send(&pgproto3.NoticeResponse{Severity: n.Severity, SeverityUnlocalized: n.Severity, Code: code, Message: n.Msg, Detail: n.Detail, Hint: n.Hint})
}

// running starts a statement's context, which a CancelRequest cancels,
// and statement_timeout when it is set.
func (c *conn) running() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	c.runMu.Lock()
	c.runCancel = cancel
	if c.cancelPending {
		c.cancelPending = false
		cancel(errCanceled)
	}
	c.runMu.Unlock()
	var timer *time.Timer
	if v, ok := c.sess.get("statement_timeout"); ok {
		if d := parseTimeout(v); d > 0 {
			timer = time.AfterFunc(d, func() { cancel(errTimedOut) })
		}
	}
	return ctx, func() {
		if timer != nil {
			timer.Stop()
		}
		c.runMu.Lock()
		c.runCancel = nil
		c.cancelPending = false
		c.runMu.Unlock()
		cancel(nil)
	}
}

// parseTimeout reads statement_timeout as PostgreSQL does: milliseconds,
// or a number with a unit (us, ms, s, min, h, d); 0 (or nonsense) is none.
func parseTimeout(v string) time.Duration {
	d, _ := readTimeout(v)
	return d
}

// readTimeout reads a timeout; ok is false when v is not one.
func readTimeout(v string) (d time.Duration, ok bool) {
	v = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "'"))
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.') {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	unit, known := map[string]time.Duration{"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[strings.TrimSpace(v[i:])]
	if err != nil || !known || n < 0 || n*float64(unit) > float64(math.MaxInt32)*float64(time.Millisecond) {
		return 0, false
	}
	return time.Duration(n * float64(unit)), true
}

// connected shows the connection in pg_stat_activity, where
// pg_cancel_backend and pg_terminate_backend reach it.
func (c *conn) connected(user, db string) {
	act := c.srv.Planner.Activity
	if act == nil {
		return
	}
	b := &planner.Backend{PID: int32(c.pid), Database: db, User: user, Started: time.Now(), Cancel: c.cancelRunning, Terminate: c.terminate}
	b.Application, _ = c.sess.get("application_name")
	if a, ok := c.nc.RemoteAddr().(*net.TCPAddr); ok {
		b.ClientAddr, b.ClientPort = a.IP.String(), int32(a.Port)
	}
	act.Connect(b)
	pid := b.PID
	c.sess.onApp = func(name string) { act.SetApplication(pid, name) }
}

// terminate is pg_terminate_backend's work: the running statement is
// cancelled, and the connection's next read (now, if it waits for the
// client) ends it with FATAL 57P01, as PostgreSQL ends it.
func (c *conn) terminate() {
	c.terminating.Store(true)
	c.cancelRunning()
	_ = c.nc.SetReadDeadline(time.Now())
	// A client that reads nothing more must not hold the connection: its
	// writes (the FATAL too) get a second.
	_ = c.nc.SetWriteDeadline(time.Now().Add(time.Second))
}

// endTerminated sends a terminated connection's FATAL 57P01, once.
func (c *conn) endTerminated() {
	if !c.terminatedSent {
		c.terminatedSent = true
		c.fatal("57P01", "terminating connection due to administrator command")
	}
}

// setBusy marks the start (or the end) of handling a statement's
// message; the end drops a cancel that found nothing to stop.
func (c *conn) setBusy(busy bool) {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	c.busy = busy
	if !busy {
		c.cancelPending = false
	}
}

func (c *conn) cancelRunning() {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	if c.runCancel == nil && c.busy {
		c.cancelPending = true
	}
	if c.runCancel != nil {
		c.runCancel(errCanceled)
	}
}

// statementError classifies an error of a statement run under ctx.
func statementError(ctx context.Context, err error) error {
	if isCanceled(ctx) {
		return &planner.Error{Code: "57014", Msg: "canceling statement due to user request"}
	}
	if errors.Is(context.Cause(ctx), errTimedOut) {
		return &planner.Error{Code: "57014", Msg: "canceling statement due to statement timeout"}
	}
	return err
}

func (c *conn) dropPortals() {
	for name, p := range c.portals {
		p.close()
		delete(c.portals, name)
	}
}

// closeAll releases every open result when the connection ends.
func (c *conn) closeAll() {
	c.dropPortals()
	c.closeCursors(true)
}

// startupOptions reads the startup packet's options as PostgreSQL does:
// words separated by spaces (a backslash escapes the next character),
// each -c name=value, -c then name=value, or --name=value; dashes in names
// are underscores.
func startupOptions(opts string) ([][2]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(opts); i++ {
		switch ch := opts[i]; {
		case ch == '\\' && i+1 < len(opts):
			i++
			w.WriteByte(opts[i])
			inWord = true
		case ch == ' ' || ch == '\t' || ch == '\n':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		default:
			w.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	var out [][2]string
	for i := 0; i < len(words); i++ {
		word := words[i]
		var kv string
		switch {
		case word == "-c" && i+1 < len(words):
			i++
			kv = words[i]
		case strings.HasPrefix(word, "-c") && len(word) > 2:
			kv = word[2:]
		case strings.HasPrefix(word, "--"):
			kv = word[2:]
		default:
			return nil, fmt.Errorf("invalid command-line argument for server process: %s", word)
		}
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("invalid command-line argument for server process: %s", word)
		}
		out = append(out, [2]string{strings.ReplaceAll(name, "-", "_"), value})
	}
	return out, nil
}

// preparedStatements lists the connection's named prepared statements by
// name, for pg_prepared_statements (the unnamed one is not shown, as in
// PostgreSQL).
func (c *conn) preparedStatements() []planner.PreparedStatement {
	var out []planner.PreparedStatement
	for name, ps := range c.stmts {
		if name == "" {
			continue
		}
		p := planner.PreparedStatement{Name: name, Statement: ps.text, Prepared: ps.at, ParamTypes: ps.oids, FromSQL: ps.fromSQL}
		if len(ps.oids) == 0 {
			p.GenericPlans = ps.runs
		} else {
			p.CustomPlans = ps.runs
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b planner.PreparedStatement) int { return strings.Compare(a.Name, b.Name) })
	return out
}
