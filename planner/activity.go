package planner

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// Activity is the server's register of what its clients are doing: the
// PostgreSQL endpoint's connections (pg_stat_activity; pg_cancel_backend
// and pg_terminate_backend act on them) and a log of the latest queries
// of every endpoint, running or ended (InfluxDB 3's system.queries). One
// is shared by the planners of a server's endpoints; a nil Activity
// records nothing.
type Activity struct {
	mu       sync.Mutex
	nextID   uint64
	log      []*QueryEntry // a ring of the latest LogSize queries
	next     int           // where the next entry goes once the ring is full
	backends map[int32]*Backend
	// LogSize is how many queries the log keeps (0: DefaultQueryLogSize).
	LogSize int
}

// DefaultQueryLogSize is InfluxDB 3's default query log size.
const DefaultQueryLogSize = 1000

// maxLoggedText bounds the text kept of a query (PostgreSQL keeps 1 KiB
// by default, track_activity_query_size): the log must not hold a
// thousand large INSERTs.
const maxLoggedText = 4096

// loggedText is text cut to maxLoggedText bytes, at a character's start.
func loggedText(text string) string {
	if len(text) <= maxLoggedText {
		return strings.Clone(text) // not a piece of a larger message kept whole
	}
	cut := maxLoggedText
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return strings.Clone(text[:cut])
}

// Backend is a connection of the PostgreSQL endpoint, as pg_stat_activity
// shows it.
type Backend struct {
	PID         int32
	Database    string
	User        string
	Application string // see SetApplication
	ClientAddr  string
	ClientPort  int32
	Started     time.Time
	// Cancel cancels the statement the connection runs (a
	// CancelRequest's work); Terminate closes the connection.
	Cancel, Terminate func()

	// What SetState last said: pg_stat_activity's state, query,
	// query_start and state_change.
	state, query            string
	queryStart, stateChange time.Time
}

// QueryEntry is one query of the log.
type QueryEntry struct {
	act      *Activity
	id       uint64
	db       string
	pid      int32 // the PostgreSQL backend that runs it, 0 for others
	kind     string
	text     string
	issued   time.Time
	planned  time.Time
	ended    time.Time
	phase    string
	finished bool
}

// Connect registers a PostgreSQL connection past its startup.
func (a *Activity) Connect(b *Backend) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.backends == nil {
		a.backends = map[int32]*Backend{}
	}
	b.state, b.stateChange = "idle", b.Started
	a.backends[b.PID] = b
}

// SetState records what a connection does, as PostgreSQL reports it:
// active from a statement's first message to ReadyForQuery, then idle
// (idle in transaction, ...). A statement's text (not "") becomes the
// connection's query, started now.
func (a *Activity) SetState(pid int32, state, text string) {
	if a == nil {
		return
	}
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.backends[pid]
	if b == nil {
		return
	}
	if b.state != state {
		b.state, b.stateChange = state, now
	}
	if text != "" {
		if text != b.query { // Parse then Bind of one statement: kept once
			b.query = loggedText(text)
		}
		b.queryStart = now
	}
}

// SetApplication records a connection's new application_name.
func (a *Activity) SetApplication(pid int32, name string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if b := a.backends[pid]; b != nil {
		b.Application = name
	}
}

// Disconnect forgets a connection.
func (a *Activity) Disconnect(pid int32) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.backends, pid)
}

// Begin logs a query received: kind is sql, influxql or flightsql, as
// InfluxDB 3 names them; pid the PostgreSQL backend running it (0 for the
// HTTP API and Flight).
func (a *Activity) Begin(db, kind, text string, pid int32) *QueryEntry {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.nextID++
	e := &QueryEntry{act: a, id: a.nextID, db: db, pid: pid, kind: kind, text: loggedText(text), issued: time.Now(), phase: "received"}
	size := a.LogSize
	if size <= 0 {
		size = DefaultQueryLogSize
	}
	if len(a.log) < size {
		a.log = append(a.log, e)
	} else {
		a.log[a.next] = e
		a.next = (a.next + 1) % size
	}
	return e
}

// Planned marks the query planned (its plan ready to run).
func (e *QueryEntry) Planned() {
	if e == nil {
		return
	}
	e.act.mu.Lock()
	defer e.act.mu.Unlock()
	if e.planned.IsZero() {
		e.planned = time.Now()
		e.phase = "planned"
	}
}

// End marks the query ended: with success when err is nil, cancelled when
// it was cancelled (its context, or SQLSTATE 57014), failed otherwise.
func (e *QueryEntry) End(ctx context.Context, err error) {
	if e == nil {
		return
	}
	e.act.mu.Lock()
	defer e.act.mu.Unlock()
	if e.finished {
		return
	}
	e.finished = true
	e.ended = time.Now()
	switch {
	case err == nil:
		e.phase = "success"
	case ctx != nil && ctx.Err() != nil, errors.Is(err, context.Canceled), AsError(err).Code == "57014":
		e.phase = "cancel"
	default:
		e.phase = "fail"
	}
}

// Signal cancels the statement of backend pid (terminate: closes its
// connection); false when there is no such backend.
func (a *Activity) Signal(pid int64, terminate bool) bool {
	if a == nil {
		return false
	}
	a.mu.Lock()
	b := a.backends[int32(pid)]
	a.mu.Unlock()
	if b == nil || int64(int32(pid)) != pid {
		return false
	}
	f := b.Cancel
	if terminate {
		f = b.Terminate
	}
	if f != nil {
		f()
	}
	return true
}

// queryRow is a log entry as system.queries shows it.
type queryRow struct {
	id, phase, kind, text string
	issued                time.Time
	plan, execute, total  *time.Duration
	success, running      bool
	cancelled             bool
}

// queries are the log's entries of database db, oldest first.
func (a *Activity) queries(db string) []queryRow {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []queryRow
	n := len(a.log)
	for k := 0; k < n; k++ {
		e := a.log[(a.next+k)%n]
		if e.db != db {
			continue
		}
		r := queryRow{id: strconv.FormatUint(e.id, 10), phase: e.phase, kind: e.kind, text: e.text, issued: e.issued,
			success: e.phase == "success", running: !e.finished, cancelled: e.phase == "cancel"}
		if !e.planned.IsZero() {
			d := e.planned.Sub(e.issued)
			r.plan = &d
		}
		if e.finished {
			total := e.ended.Sub(e.issued)
			r.total = &total
			if !e.planned.IsZero() {
				d := e.ended.Sub(e.planned)
				r.execute = &d
			}
		}
		out = append(out, r)
	}
	return out
}

// backendRow is a connection as pg_stat_activity shows it.
type backendRow struct{ b Backend }

// backends are the PostgreSQL endpoint's connections, by PID.
func (a *Activity) backendRows() []backendRow {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]backendRow, 0, len(a.backends))
	for _, b := range a.backends {
		out = append(out, backendRow{b: *b})
	}
	return out
}

// systemTable binds a table of InfluxDB 3's system schema: queries, the
// query log of the session's database.
func (b *binder) systemTable(table, alias string) (*scope, error) {
	if table != "queries" {
		e := errorf(CodeUndefinedTable, "relation \"system.%s\" does not exist", table)
		e.Hint = "the system schema has queries (the latest queries of this database)"
		return nil, e
	}
	b.volatile = true
	t := newTableOf(systemQueriesColumns)
	for _, name := range []string{"plan_duration", "permit_duration", "execute_duration", "end2end_duration", "compute_duration"} {
		i := t.idx[name]
		t.cols[i].Type, t.cols[i].PGType = exec.TypeInterval, 0
	}
	for _, r := range b.p.Activity.queries(b.sess.Database) {
		row := map[string]any{"id": r.id, "phase": r.phase, "issue_time": exec.Timestamp(r.issued.UnixNano()),
			"query_type": r.kind, "query_text": r.text, "success": r.success, "running": r.running, "cancelled": r.cancelled}
		for name, d := range map[string]*time.Duration{"plan_duration": r.plan, "execute_duration": r.execute, "end2end_duration": r.total} {
			if d != nil {
				row[name] = arrow.MonthDayNanoInterval{Nanoseconds: int64(*d)}
			}
		}
		t.add(row)
	}
	if alias == "" {
		alias = table
	}
	return derivedScope(&Values{Cols: t.cols, Rows: t.rows}, alias), nil
}

// systemQueriesColumns are InfluxDB 3's system.queries columns; partitions,
// parquet_files, permit_duration, compute_duration, max_memory and
// trace_id stay NULL (Strata has no query permits or traces). issue_time
// is a timestamp without time zone, as there.
var systemQueriesColumns = []pgColumn{{"id", 25}, {"phase", 25}, {"issue_time", 1114}, {"query_type", 25}, {"query_text", 25},
	{"partitions", 20}, {"parquet_files", 20}, {"plan_duration", 1186}, {"permit_duration", 1186}, {"execute_duration", 1186},
	{"end2end_duration", 1186}, {"compute_duration", 1186}, {"max_memory", 20}, {"success", 16}, {"running", 16},
	{"cancelled", 16}, {"trace_id", 25}}

// fillStatActivity adds pg_stat_activity's rows: the PostgreSQL endpoint's
// connections.
func (b *binder) fillStatActivity(t *catalogTable) {
	rows := b.p.Activity.backendRows()
	slices.SortFunc(rows, func(x, y backendRow) int { return cmp.Compare(x.b.PID, y.b.PID) })
	for _, r := range rows {
		user := r.b.User
		row := map[string]any{"datid": stableOID("database", r.b.Database), "datname": r.b.Database, "pid": int64(r.b.PID),
			"usesysid": stableOID("role", user), "usename": user, "application_name": r.b.Application,
			"backend_start": exec.Timestamp(r.b.Started.UnixNano()), "state_change": exec.Timestamp(r.b.stateChange.UnixNano()),
			"state": r.b.state, "query": r.b.query, "backend_type": "client backend"}
		if user == exec.OwnerRole {
			row["usesysid"] = int64(oidOwner)
		}
		if r.b.ClientAddr != "" {
			row["client_addr"], row["client_port"] = r.b.ClientAddr, int64(r.b.ClientPort)
		}
		if !r.b.queryStart.IsZero() {
			row["query_start"] = exec.Timestamp(r.b.queryStart.UnixNano())
		}
		if r.b.state == "active" {
			row["wait_event_type"], row["wait_event"] = nil, nil
		} else {
			row["wait_event_type"], row["wait_event"] = "Client", "ClientRead"
		}
		t.add(row)
	}
}
