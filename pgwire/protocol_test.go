package pgwire

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/storage"
)

// rawConn speaks the protocol message by message, for what client
// libraries do not expose (row limits, errors before Sync, cancel keys).
type rawConn struct {
	t   *testing.T
	nc  net.Conn
	fe  *pgproto3.Frontend
	pid uint32
	key []byte
}

func dialRaw(t *testing.T, s *testServer, params map[string]string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	require.NoError(t, nc.SetDeadline(time.Now().Add(20*time.Second)))
	r := &rawConn{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
	// SSLRequest first, answered 'N' on the same socket, as libpq does.
	r.fe.Send(&pgproto3.SSLRequest{})
	require.NoError(t, r.fe.Flush())
	b := make([]byte, 1)
	_, err = nc.Read(b)
	require.NoError(t, err)
	require.Equal(t, byte('N'), b[0])
	if params == nil {
		params = map[string]string{"user": "strata", "database": "db", "some_unknown_option": "x"}
	}
	r.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: params})
	require.NoError(t, r.fe.Flush())
	for {
		msg := r.recv()
		switch m := msg.(type) {
		case *pgproto3.BackendKeyData:
			r.pid, r.key = m.ProcessID, append([]byte(nil), m.SecretKey...)
		case *pgproto3.ReadyForQuery:
			return r
		case *pgproto3.ErrorResponse:
			t.Fatalf("startup failed: %s %s", m.Code, m.Message)
		}
	}
}

func (r *rawConn) recv() pgproto3.BackendMessage {
	r.t.Helper()
	msg, err := r.fe.Receive()
	require.NoError(r.t, err)
	return msg
}

func (r *rawConn) send(msgs ...pgproto3.FrontendMessage) {
	for _, m := range msgs {
		r.fe.Send(m)
	}
	require.NoError(r.t, r.fe.Flush())
}

// until collects message type names up to and including ReadyForQuery.
func (r *rawConn) until() []string {
	r.t.Helper()
	var names []string
	for {
		msg := r.recv()
		names = append(names, msgName(msg))
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return names
		}
	}
}

// prepare sends Parse and Describe of a statement that returns rows.
func (r *rawConn) prepare(name, q string) {
	r.t.Helper()
	r.send(&pgproto3.Parse{Name: name, Query: q}, &pgproto3.Describe{ObjectType: 'S', Name: name}, &pgproto3.Sync{})
	require.Equal(r.t, []string{"ParseComplete", "ParameterDescription", "RowDescription", "ReadyForQuery I"}, r.until())
}

// rows sends msgs and returns the rows that come back up to
// ReadyForQuery, cells joined by commas; an error fails the test.
func (r *rawConn) rows(msgs ...pgproto3.FrontendMessage) []string {
	r.t.Helper()
	r.send(msgs...)
	var rows []string
	for {
		switch m := r.recv().(type) {
		case *pgproto3.DataRow:
			cells := make([]string, len(m.Values))
			for i, v := range m.Values {
				cells[i] = string(v)
			}
			rows = append(rows, strings.Join(cells, ","))
		case *pgproto3.ErrorResponse:
			r.t.Fatalf("%s: %s", m.Code, m.Message)
		case *pgproto3.ReadyForQuery:
			return rows
		}
	}
}

func msgName(msg pgproto3.BackendMessage) string {
	switch m := msg.(type) {
	case *pgproto3.ParseComplete:
		return "ParseComplete"
	case *pgproto3.BindComplete:
		return "BindComplete"
	case *pgproto3.CloseComplete:
		return "CloseComplete"
	case *pgproto3.ParameterDescription:
		return "ParameterDescription"
	case *pgproto3.RowDescription:
		return "RowDescription"
	case *pgproto3.NoData:
		return "NoData"
	case *pgproto3.CopyInResponse:
		return "CopyInResponse"
	case *pgproto3.DataRow:
		return "DataRow"
	case *pgproto3.CommandComplete:
		return "CommandComplete " + string(m.CommandTag)
	case *pgproto3.PortalSuspended:
		return "PortalSuspended"
	case *pgproto3.EmptyQueryResponse:
		return "EmptyQueryResponse"
	case *pgproto3.ErrorResponse:
		return "Error " + m.Code
	case *pgproto3.NoticeResponse:
		return "Notice"
	case *pgproto3.ParameterStatus:
		return "ParameterStatus " + m.Name + "=" + m.Value
	case *pgproto3.ReadyForQuery:
		return "ReadyForQuery " + string(m.TxStatus)
	}
	return "?"
}

func TestSimpleQueryFlow(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)

	r.send(&pgproto3.Query{String: "SELECT 1 AS a; SELECT host FROM cpu ORDER BY time; SET TimeZone = 'UTC'"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete SELECT 1",
		"RowDescription", "DataRow", "DataRow", "DataRow", "CommandComplete SELECT 3",
		"ParameterStatus TimeZone=UTC", "CommandComplete SET", "ReadyForQuery I"}, r.until())

	// The first failing statement stops the rest; one ReadyForQuery.
	r.send(&pgproto3.Query{String: "SELECT 1; SELECT nope FROM cpu; SELECT 2"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete SELECT 1", "Error 42703", "ReadyForQuery I"}, r.until())

	for _, empty := range []string{"", ";", "-- ping", "/* nothing */ ;"} {
		r.send(&pgproto3.Query{String: empty})
		require.Equal(t, []string{"EmptyQueryResponse", "ReadyForQuery I"}, r.until(), "%q", empty)
	}

	r.send(&pgproto3.Query{String: "BEGIN; SELECT 1/0; SELECT 1"})
	require.Equal(t, []string{"CommandComplete BEGIN", "Error 22012", "ReadyForQuery E"}, r.until())
	r.send(&pgproto3.Query{String: "SELECT 1"})
	require.Equal(t, []string{"Error 25P02", "ReadyForQuery E"}, r.until())
	r.send(&pgproto3.Query{String: "COMMIT"})
	require.Equal(t, []string{"CommandComplete ROLLBACK", "ReadyForQuery I"}, r.until(), "COMMIT of a failed block rolls back")
}

func TestExtendedProtocolFlow(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)

	// Describe of a statement: inferred parameter types, then the columns,
	// without running it.
	r.send(&pgproto3.Parse{Name: "s1", Query: "SELECT host, usage FROM cpu WHERE usage > $1 ORDER BY time"},
		&pgproto3.Describe{ObjectType: 'S', Name: "s1"}, &pgproto3.Sync{})
	require.Equal(t, "ParseComplete", msgName(r.recv()))
	pd := r.recv().(*pgproto3.ParameterDescription)
	require.Equal(t, []uint32{oidFloat8}, pd.ParameterOIDs)
	rd := r.recv().(*pgproto3.RowDescription)
	require.Equal(t, "host", string(rd.Fields[0].Name))
	require.Equal(t, uint32(oidText), rd.Fields[0].DataTypeOID)
	require.Equal(t, uint32(oidFloat8), rd.Fields[1].DataTypeOID)
	require.Equal(t, int16(8), rd.Fields[1].DataTypeSize)
	require.Equal(t, []string{"ReadyForQuery I"}, r.until())

	// Execute with a row limit suspends the portal; the next Execute
	// resumes it. Binary results for the float column.
	r.send(&pgproto3.Bind{PreparedStatement: "s1", Parameters: [][]byte{[]byte("0")}, ResultFormatCodes: []int16{0, 1}},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{MaxRows: 2}, &pgproto3.Execute{MaxRows: 2}, &pgproto3.Sync{})
	require.Equal(t, "BindComplete", msgName(r.recv()))
	rd = r.recv().(*pgproto3.RowDescription)
	require.Equal(t, int16(1), rd.Fields[1].Format)
	dr := r.recv().(*pgproto3.DataRow)
	require.Equal(t, "a", string(dr.Values[0]))
	require.Equal(t, []byte{0x3f, 0xf8, 0, 0, 0, 0, 0, 0}, dr.Values[1], "1.5 as big-endian float8")
	require.Equal(t, []string{"DataRow", "PortalSuspended", "DataRow", "CommandComplete SELECT 1", "ReadyForQuery I"}, r.until())

	// After an error, everything up to Sync is skipped.
	r.send(&pgproto3.Parse{Query: "SELECT nope FROM cpu"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 42703", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Bind{PreparedStatement: "missing"}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 26000", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Parse{Query: "SELECT 1; SELECT 2"}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 42601", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Bind{PreparedStatement: "s1"}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 08P01", "ReadyForQuery I"}, r.until(), "wrong parameter count")

	// Binary parameters of the declared type; Close; Flush answers without
	// Sync.
	r.send(&pgproto3.Parse{Name: "s2", Query: "SELECT $1::bigint * 2", ParameterOIDs: []uint32{oidInt8}},
		&pgproto3.Bind{PreparedStatement: "s2", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 0, 0, 0, 0, 21}}},
		&pgproto3.Execute{}, &pgproto3.Close{ObjectType: 'S', Name: "s2"}, &pgproto3.Flush{})
	require.Equal(t, "ParseComplete", msgName(r.recv()))
	require.Equal(t, "BindComplete", msgName(r.recv()))
	dr = r.recv().(*pgproto3.DataRow)
	require.Equal(t, "42", string(dr.Values[0]))
	require.Equal(t, "CommandComplete SELECT 1", msgName(r.recv()))
	require.Equal(t, "CloseComplete", msgName(r.recv()))
	r.send(&pgproto3.Sync{})
	require.Equal(t, []string{"ReadyForQuery I"}, r.until())

	// Session statements through the extended protocol, as Npgsql and
	// pgjdbc send them.
	r.send(&pgproto3.Parse{Query: "DISCARD ALL"}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "NoData", "CommandComplete DISCARD ALL", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Parse{Query: ""}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "EmptyQueryResponse", "ReadyForQuery I"}, r.until())
}

func TestCursors(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "DECLARE c CURSOR FOR SELECT host FROM cpu"})
	require.Equal(t, []string{"Error 25P01", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c CURSOR FOR SELECT host FROM cpu ORDER BY time; FETCH 2 FROM c; MOVE 1 IN c; FETCH ALL c; CLOSE c; COMMIT"})
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR",
		"RowDescription", "DataRow", "DataRow", "CommandComplete FETCH 2",
		"CommandComplete MOVE 1", "RowDescription", "CommandComplete FETCH 0",
		"CommandComplete CLOSE CURSOR", "CommandComplete COMMIT", "ReadyForQuery I"}, r.until())
}

func TestCancelRequest(t *testing.T) {
	var big []byte
	for i := 0; i < 40000; i++ {
		big = append(big, []byte("big,host=x v=1 1"+pad(i)+"\n")...)
	}
	s := startServer(t, string(big))
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "SELECT count(*) FROM big a JOIN big b ON a.host = b.host"})
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	nc, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.CancelRequest{ProcessID: r.pid, SecretKey: r.key})
	require.NoError(t, fe.Flush())
	// The server answers nothing on the cancel socket and closes it.
	_, err = nc.Read(make([]byte, 1))
	require.Error(t, err)
	nc.Close()
	require.Equal(t, []string{"RowDescription", "Error 57014", "ReadyForQuery I"}, r.until())
	require.Less(t, time.Since(start), 5*time.Second)
	r.send(&pgproto3.Query{String: "SELECT count(*) FROM big"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete SELECT 1", "ReadyForQuery I"}, r.until())
}

// pad makes distinct 18-digit nanosecond suffixes.
func pad(i int) string {
	s := "000000000000000000" + itoa(i)
	return s[len(s)-18:]
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestStartupErrors(t *testing.T) {
	s := startServer(t)
	nc, err := net.Dial("tcp", s.addr)
	require.NoError(t, err)
	defer nc.Close()
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"database": "db"}})
	require.NoError(t, fe.Flush())
	msg, err := fe.Receive()
	require.NoError(t, err)
	e := msg.(*pgproto3.ErrorResponse)
	require.Equal(t, "FATAL", e.Severity)
	require.Equal(t, "28000", e.Code)
}

func TestDescribeInfersParameterTypes(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	for _, tt := range []struct {
		q    string
		want []uint32
	}{
		{"SELECT * FROM cpu WHERE time > $1 AND time < $2", []uint32{oidTimestamptz, oidTimestamptz}},
		{"SELECT * FROM cpu WHERE host = $1 OR region IN ($2, $3)", []uint32{oidText, oidText, oidText}},
		{"SELECT * FROM cpu WHERE n = $1 AND ok = $2", []uint32{oidInt8, oidBool}},
		// A cast names the parameter's type, as PostgreSQL 15 describes it.
		{"SELECT $1::int, $2::float8, $3::timestamptz, $4::interval", []uint32{oidInt4, oidFloat8, oidTimestamptz, oidInterval}},
		{"SELECT $1::int2, $2::float4, $3::date, $4::numeric, $5::varchar, $6::bigint, $7::timestamp", []uint32{oidInt2, oidFloat4, oidDate, oidNumeric, oidVarchar, oidInt8, 1114}},
		{"SELECT $1::int4 + 1, $1", []uint32{oidInt4}},
		{"SELECT time_bucket($1, time) AS b, avg(usage) FROM cpu GROUP BY b", []uint32{oidInterval}},
		{"SELECT $1", []uint32{oidText}}, // unknown: text, as PostgreSQL resolves it
		{"SELECT * FROM cpu LIMIT $1", []uint32{oidInt8}},
		// An existing column types its VALUES parameter, as PostgreSQL's
		// target does; a new column's stays unknown.
		{"INSERT INTO cpu (time, host, usage) VALUES ($1, $2, $3)", []uint32{oidTimestamptz, oidText, oidFloat8}},
		{"INSERT INTO cpu (time, n, nosuch) VALUES ($2, $1, $3)", []uint32{oidInt8, oidTimestamptz, 0}},
		{"INSERT INTO newtable (time, a) VALUES ($1, $2)", []uint32{0, 0}},
	} {
		r.send(&pgproto3.Parse{Query: tt.q}, &pgproto3.Describe{ObjectType: 'S'}, &pgproto3.Sync{})
		msg := r.recv()
		if e, ok := msg.(*pgproto3.ErrorResponse); ok {
			t.Fatalf("%s: %s %s", tt.q, e.Code, e.Message)
		}
		require.Equal(t, "ParseComplete", msgName(msg), tt.q)
		pd := r.recv().(*pgproto3.ParameterDescription)
		require.Equal(t, tt.want, pd.ParameterOIDs, tt.q)
		r.until()
	}
}

// TestCursorMoveAcrossBatches: MOVE past the batch a cursor is in, then
// FETCH: the rows come from the new batch, encoded for it.
func TestCursorMoveAcrossBatches(t *testing.T) {
	var big []byte
	for i := 0; i < 40000; i++ {
		big = append(big, []byte("big,host=x v="+itoa(i)+"i 1"+pad(i)+"\n")...)
	}
	s := startServer(t, string(big))
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c CURSOR FOR SELECT v FROM big ORDER BY time; FETCH 1 FROM c; MOVE 39000 IN c"})
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR", "RowDescription", "DataRow",
		"CommandComplete FETCH 1", "CommandComplete MOVE 39000", "ReadyForQuery T"}, r.until())
	r.send(&pgproto3.Query{String: "FETCH 2 FROM c"})
	require.Equal(t, "RowDescription", msgName(r.recv()))
	require.Equal(t, "39001", string(r.recv().(*pgproto3.DataRow).Values[0]))
	require.Equal(t, "39002", string(r.recv().(*pgproto3.DataRow).Values[0]))
	require.Equal(t, []string{"CommandComplete FETCH 2", "ReadyForQuery T"}, r.until())
}

// TestParsePlanReused: the Bind right after a parameterless SELECT's Parse
// runs the plan Parse made (pgx and JDBC send Parse/Describe, then
// Bind/Execute); anything run in between, a second execution or a stale
// plan make Bind plan again, so settings and now() are those of the run.
func TestParsePlanReused(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	const q = "SELECT setting AS tz FROM pg_settings WHERE name = 'TimeZone'"
	value := func(stmt string) string {
		t.Helper()
		return r.rows(&pgproto3.Bind{PreparedStatement: stmt}, &pgproto3.Execute{}, &pgproto3.Sync{})[0]
	}
	parseQuery := r.prepare
	parse := func(stmt string) { t.Helper(); parseQuery(stmt, q) }
	reused := s.srv.PlansReused()

	parse("s1")
	require.Equal(t, "UTC", value("s1"))
	require.Equal(t, reused+1, s.srv.PlansReused(), "the Bind after Parse runs its plan")

	parse("s2")
	r.send(&pgproto3.Query{String: "SET TimeZone = 'Asia/Tokyo'"})
	r.until()
	require.Equal(t, "Asia/Tokyo", value("s2"), "a statement ran in between: planned again")
	require.Equal(t, "Asia/Tokyo", value("s1"), "a second execution plans again")
	require.Equal(t, reused+1, s.srv.PlansReused())

	parse("s3")
	time.Sleep(planFresh + 100*time.Millisecond)
	require.Equal(t, "Asia/Tokyo", value("s3"))
	require.Equal(t, reused+1, s.srv.PlansReused(), "a plan older than planFresh is not used")

	// A query that reads the clock is planned at Bind: now() is Bind's time.
	parseQuery("s4", "SELECT now() AS t")
	before := time.Now()
	time.Sleep(20 * time.Millisecond)
	got := value("s4")
	require.Equal(t, reused+1, s.srv.PlansReused(), "now() plans again at Bind")
	ts, err := time.Parse("2006-01-02 15:04:05.999999-07", got)
	require.NoError(t, err, got)
	require.True(t, ts.After(before.Add(10*time.Millisecond)), "now() %v is Bind's time, not Parse's (%v)", ts, before)
}

// TestPreparedPlanKept: a parameterless SELECT's plan serves every Bind
// of its prepared statement while the catalog and the settings stay as they
// were; a column added by a write or a SET makes the next Bind plan again.
func TestPreparedPlanKept(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	run := func(stmt string) []string {
		t.Helper()
		return r.rows(&pgproto3.Bind{PreparedStatement: stmt}, &pgproto3.Execute{}, &pgproto3.Sync{})
	}
	parse := r.prepare
	simple := func(q string) {
		t.Helper()
		r.send(&pgproto3.Query{String: q})
		require.NotContains(t, r.until(), "ErrorResponse")
	}
	reused := s.srv.PlansReused()
	parse("all", "SELECT host, usage FROM cpu ORDER BY time")
	want := []string{"a,1.5", "b,2.5", "a,3.5"}
	for range 3 {
		require.Equal(t, want, run("all"))
	}
	require.Equal(t, reused+3, s.srv.PlansReused(), "Parse's plan, then the kept plan")

	// Rows written since are read by the kept plan: it holds no data.
	write := func(line string) {
		t.Helper()
		var p lp.Parser
		res := p.Parse([]byte(line), lp.Options{Precision: lp.Nanosecond})
		require.Empty(t, res.Errors)
		require.NoError(t, s.engine.Write(context.Background(), "db", res.Tables, storage.WriteOptions{}))
	}
	write("cpu,host=c usage=4.5 1700000030000000000\n")
	require.Equal(t, append(want, "c,4.5"), run("all"))
	require.Equal(t, reused+4, s.srv.PlansReused(), "no column was added: the plan stays")

	// A new column plans every statement again; SELECT * then returns
	// other columns than its Parse described: PostgreSQL's error, until the
	// statement is prepared again.
	parse("star", "SELECT * FROM cpu WHERE host = 'c'")
	require.Len(t, strings.Split(run("star")[0], ","), 6)
	reused = s.srv.PlansReused()
	write("cpu,host=c usage=5.5,extra=7i 1700000040000000000\n")
	require.Equal(t, append(want, "c,4.5", "c,5.5"), run("all"))
	require.Equal(t, reused, s.srv.PlansReused(), "planned again")
	run("all")
	require.Equal(t, reused+1, s.srv.PlansReused(), "the new plan is kept")
	r.send(&pgproto3.Bind{PreparedStatement: "star"}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 0A000", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Close{ObjectType: 'S', Name: "star"}, &pgproto3.Sync{})
	r.until()
	parse("star", "SELECT * FROM cpu WHERE host = 'c'")
	rows := run("star")
	require.Len(t, rows, 2)
	require.Len(t, strings.Split(rows[1], ","), 7, "prepared again: the new column is read")

	// A timestamp literal is read in the session's time zone when planned.
	parse("local", "SELECT count(*) FROM cpu WHERE time < '2023-11-14 22:13:25'")
	require.Equal(t, []string{"1"}, run("local"))
	require.Equal(t, []string{"1"}, run("local"))
	reused = s.srv.PlansReused()
	simple("SET TimeZone = 'Asia/Tokyo'")
	simple("SELECT 1")
	tokyo := run("local")
	require.Equal(t, reused, s.srv.PlansReused(), "a SET plans again")
	fresh := r.rows(&pgproto3.Query{String: "SELECT count(*) FROM cpu WHERE time < '2023-11-14 22:13:25'"})
	require.Equal(t, fresh, tokyo, "the kept plan answers as a fresh plan does")
	require.Equal(t, []string{"0"}, fresh, "the literal is read in Tokyo time")

	// Plans that read rows or the catalog while planning are not kept.
	parse("sub", "SELECT count(*) FROM cpu WHERE usage > (SELECT avg(usage) FROM cpu)")
	run("sub")
	reused = s.srv.PlansReused()
	write("cpu,host=d usage=100 1700000050000000000\n")
	require.Equal(t, []string{"1"}, run("sub"), "the subquery ran again")
	require.Equal(t, reused, s.srv.PlansReused())
}

// TestFunctionCallRefused: the function call protocol gets an error and
// ReadyForQuery on its own (no Sync follows a FunctionCall), and the
// connection goes on; the extended protocol's responses still wait for
// Sync or Flush and then leave in order.
func TestFunctionCallRefused(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.FunctionCall{Function: 1598})
	require.Equal(t, []string{"Error 0A000", "ReadyForQuery I"}, r.until())

	r.send(&pgproto3.Parse{Query: "SELECT host FROM cpu ORDER BY time"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Flush{})
	var got []string
	for len(got) < 6 {
		got = append(got, msgName(r.recv()))
	}
	require.Equal(t, []string{"ParseComplete", "BindComplete", "DataRow", "DataRow", "DataRow", "CommandComplete SELECT 3"}, got, "Flush sends what Execute produced")
	r.send(&pgproto3.Sync{})
	require.Equal(t, []string{"ReadyForQuery I"}, r.until())
}

// TestSelectedRowsOverTheWire: a filtered SELECT * hands the encoder each
// batch with the indexes of its kept rows (no copy of the rows); the rows
// sent, FETCHed and MOVEd over are the kept ones, in order.
func TestSelectedRowsOverTheWire(t *testing.T) {
	var big []byte
	for i := 0; i < 40000; i++ {
		big = append(big, []byte("big,host=x v="+itoa(i)+"i,w="+itoa(i%5)+"i 1"+pad(i)+"\n")...)
	}
	s := startServer(t, string(big))
	r := dialRaw(t, s, nil)
	rows := r.rows(&pgproto3.Query{String: "SELECT v, host, w FROM big WHERE v % 7 = 3"})
	require.Len(t, rows, 5714)
	for k, row := range rows {
		v := 3 + 7*k
		require.Equal(t, itoa(v)+",x,"+itoa(v%5), row)
	}
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c CURSOR FOR SELECT w, v FROM big WHERE v % 7 = 3; MOVE 1000 IN c"})
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR", "CommandComplete MOVE 1000", "ReadyForQuery T"}, r.until())
	require.Equal(t, []string{"3,7003", "0,7010"}, r.rows(&pgproto3.Query{String: "FETCH 2 FROM c"}))
}

// TestBadMessageBodyIsAnError: a message whose body does not decode (a
// Query with a NUL before its end, a Parse without its parameter count) is an ERROR 08P01,
// "invalid message format", as PostgreSQL 15 answers it; the connection
// goes on (a simple query gets its ReadyForQuery, an extended-protocol
// message discards up to the next Sync).
func TestBadMessageBodyIsAnError(t *testing.T) {
	s := startServer(t, "cpu,host=a usage=1 1\n")
	r := dialRaw(t, s, nil)
	raw := func(kind byte, body string) {
		msg := []byte{kind, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(msg[1:], uint32(4+len(body)))
		_, err := r.nc.Write(append(msg, body...))
		require.NoError(t, err)
	}
	raw('Q', "SELECT 1\x00junk\x00")
	require.Equal(t, []string{"Error 08P01", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "SELECT count(*) FROM cpu"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete SELECT 1", "ReadyForQuery I"}, r.until())

	raw('P', "s1\x00SELECT 1\x00") // no parameter count after the query
	r.send(&pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 08P01", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Parse{Query: "SELECT 1"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "DataRow", "CommandComplete SELECT 1", "ReadyForQuery I"}, r.until())
}

// TestStatementTimeout: SET statement_timeout cancels a statement that
// runs longer (57014, "canceling statement due to statement timeout", as
// PostgreSQL); the connection goes on, and 0 turns the timeout off.
func TestStatementTimeout(t *testing.T) {
	var big []byte
	for i := 0; i < 40000; i++ {
		big = append(big, []byte("big,host=x v=1 1"+pad(i)+"\n")...)
	}
	s := startServer(t, string(big))
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "SET statement_timeout = '200ms'"})
	require.Equal(t, []string{"CommandComplete SET", "ReadyForQuery I"}, r.until())
	start := time.Now()
	r.send(&pgproto3.Query{String: "SELECT count(*) FROM big a JOIN big b ON a.host = b.host"})
	var msgs []string
	for {
		msg := r.recv()
		if e, ok := msg.(*pgproto3.ErrorResponse); ok {
			require.Equal(t, "canceling statement due to statement timeout", e.Message)
		}
		msgs = append(msgs, msgName(msg))
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	require.Equal(t, []string{"RowDescription", "Error 57014", "ReadyForQuery I"}, msgs)
	require.Less(t, time.Since(start), 5*time.Second)
	r.send(&pgproto3.Query{String: "SET statement_timeout = 0"})
	require.Equal(t, []string{"CommandComplete SET", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "SELECT count(*) FROM big"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete SELECT 1", "ReadyForQuery I"}, r.until())
	require.Equal(t, 1500*time.Millisecond, parseTimeout("1.5s"))
	require.Equal(t, 250*time.Millisecond, parseTimeout("250"))
	require.Equal(t, 2*time.Minute, parseTimeout("'2min'"))
	require.Equal(t, time.Duration(0), parseTimeout("0"))
}

// TestStatementTimeoutWhilePlanning: the subqueries planning runs (an
// uncorrelated EXISTS here, 10^11 rows) stop at statement_timeout, in a
// simple query and in a Parse (which plans, as PostgreSQL analyses it),
// and the connection goes on.
func TestStatementTimeoutWhilePlanning(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "SET statement_timeout = '200ms'"})
	require.Equal(t, []string{"CommandComplete SET", "ReadyForQuery I"}, r.until())
	const q = "SELECT 1 WHERE EXISTS (SELECT g FROM generate_series(1, 100000000000) g WHERE g < 0)"
	start := time.Now()
	r.send(&pgproto3.Query{String: q})
	require.Equal(t, []string{"Error 57014", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Parse{Query: q}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 57014", "ReadyForQuery I"}, r.until())
	// A correlated subquery run per row, in a portal executed after its
	// Bind, in a simple query and by a cursor's FETCH.
	const perRow = "SELECT (SELECT count(*) FROM generate_series(1, 100000000000) g WHERE g > x) FROM (VALUES (1), (2)) v(x)"
	r.send(&pgproto3.Parse{Query: perRow}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "Error 57014", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: perRow})
	require.Equal(t, []string{"RowDescription", "Error 57014", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c CURSOR FOR " + perRow})
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR", "ReadyForQuery T"}, r.until())
	r.send(&pgproto3.Query{String: "FETCH 1 FROM c"})
	require.Equal(t, []string{"RowDescription", "Error 57014", "ReadyForQuery E"}, r.until())
	r.send(&pgproto3.Query{String: "ROLLBACK"})
	require.Equal(t, []string{"CommandComplete ROLLBACK", "ReadyForQuery I"}, r.until())
	require.Less(t, time.Since(start), 30*time.Second, "liveness bound")
	r.send(&pgproto3.Query{String: "SELECT 1 WHERE EXISTS (SELECT 1)"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete SELECT 1", "ReadyForQuery I"}, r.until())
}

// TestSuspendedParallelScan: a result read in batches of rows by several
// Executes (pgjdbc's fetch size, psycopg2's named cursors, node-postgres'
// pg-cursor) over a parallel scan that has not finished runs to its end:
// the scan's workers keep running between Executes (each Execute's
// context ended them: 57014 after the batches already queued). A
// cursor's FETCHes read on the same way.
func TestSuspendedParallelScan(t *testing.T) {
	var text strings.Builder
	const days, perDay = 6, 2000
	for d := 0; d < days; d++ {
		for i := 0; i < perDay; i++ {
			fmt.Fprintf(&text, "wide,host=h%d v=%di %d\n", i%7, i, int64(1700000000+d*86400+i)*1e9)
		}
	}
	s := startServer(t, text.String())
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Parse{Query: "SELECT time, host, v FROM wide"}, &pgproto3.Bind{ResultFormatCodes: []int16{1}},
		&pgproto3.Execute{MaxRows: 100}, &pgproto3.Flush{})
	require.Equal(t, "ParseComplete", msgName(r.recv()))
	require.Equal(t, "BindComplete", msgName(r.recv()))
	rows := 0
	for {
		msg := r.recv()
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			rows++
			continue
		case *pgproto3.PortalSuspended:
			time.Sleep(time.Millisecond) // the client reads its batch
			r.send(&pgproto3.Execute{MaxRows: 100}, &pgproto3.Flush{})
			continue
		case *pgproto3.CommandComplete:
			// The last Execute's rows, as PostgreSQL counts them.
			require.Equal(t, "SELECT 0", string(m.CommandTag))
		default:
			t.Fatalf("after %d rows: %s", rows, msgName(msg))
		}
		break
	}
	require.Equal(t, days*perDay, rows)
	r.send(&pgproto3.Sync{})
	require.Equal(t, []string{"ReadyForQuery I"}, r.until())

	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c CURSOR FOR SELECT v FROM wide"})
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR", "ReadyForQuery T"}, r.until())
	fetched := 0
	for {
		r.send(&pgproto3.Query{String: "FETCH 1000 FROM c"})
		got := r.until()
		fetched += len(got) - 3 // RowDescription ... CommandComplete, ReadyForQuery
		require.Equal(t, "ReadyForQuery T", got[len(got)-1], "after %d rows", fetched)
		if got[len(got)-2] == "CommandComplete FETCH 0" {
			break
		}
	}
	require.Equal(t, days*perDay, fetched)
	r.send(&pgproto3.Query{String: "COMMIT"})
	require.Equal(t, []string{"CommandComplete COMMIT", "ReadyForQuery I"}, r.until())
}

// TestErrorSentBeforeSync: an extended-protocol error is sent at once,
// without waiting for Sync or Flush (node-postgres' cursors send Execute
// and Flush and wait), and a Flush while skipping to Sync is answered.
func TestErrorSentBeforeSync(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Parse{Query: "SELECT 10 / (n - 1) FROM cpu"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Flush{})
	require.Equal(t, "ParseComplete", msgName(r.recv()))
	require.Equal(t, "BindComplete", msgName(r.recv()))
	require.Equal(t, "Error 22012", msgName(r.recv()))
	r.send(&pgproto3.Parse{Query: "SELECT 2"}, &pgproto3.Flush{}, &pgproto3.Sync{})
	require.Equal(t, []string{"ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Parse{Query: "SELEC 1"})
	require.Equal(t, "Error 42601", msgName(r.recv()))
	r.send(&pgproto3.Sync{})
	require.Equal(t, []string{"ReadyForQuery I"}, r.until())
}

// TestBinaryCursor: FETCH from a BINARY cursor describes its columns as
// binary and sends them so (the description said text), in a simple query
// and through the extended protocol; FETCH bound with formats of its own
// uses those.
func TestBinaryCursor(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c BINARY CURSOR FOR SELECT host, n FROM cpu WHERE n IS NOT NULL ORDER BY time"})
	r.until()
	r.send(&pgproto3.Query{String: "FETCH 1 FROM c"})
	rd := r.recv().(*pgproto3.RowDescription)
	require.Equal(t, []int16{1, 1}, []int16{rd.Fields[0].Format, rd.Fields[1].Format})
	dr := r.recv().(*pgproto3.DataRow)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 1}, dr.Values[1])
	r.until()
	r.send(&pgproto3.Parse{Query: "FETCH 1 FROM c"}, &pgproto3.Bind{ResultFormatCodes: []int16{0}}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, "ParseComplete", msgName(r.recv()))
	require.Equal(t, "BindComplete", msgName(r.recv()))
	rd = r.recv().(*pgproto3.RowDescription)
	require.Equal(t, []int16{1, 1}, []int16{rd.Fields[0].Format, rd.Fields[1].Format}, "no formats of its own: the cursor's")
	dr = r.recv().(*pgproto3.DataRow)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 3}, dr.Values[1])
	r.until()
	r.send(&pgproto3.Query{String: "COMMIT"})
	r.until()
}

// TestPortalLifetime: portals end with their transaction (COMMIT, or a
// simple query outside a transaction block), an unnamed statement is
// replaced even by a Parse that fails, and query text that is not UTF-8
// is refused (22021): as PostgreSQL 15 answers.
func TestPortalLifetime(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN"})
	r.until()
	r.send(&pgproto3.Parse{Query: "SELECT usage FROM cpu ORDER BY time"}, &pgproto3.Bind{DestinationPortal: "p1"}, &pgproto3.Execute{Portal: "p1", MaxRows: 1}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "DataRow", "PortalSuspended", "ReadyForQuery T"}, r.until())
	r.send(&pgproto3.Query{String: "COMMIT"})
	r.until()
	r.send(&pgproto3.Execute{Portal: "p1"}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 34000", "ReadyForQuery I"}, r.until())

	r.send(&pgproto3.Parse{Query: "SELECT usage FROM cpu ORDER BY time"}, &pgproto3.Bind{DestinationPortal: "p2"}, &pgproto3.Execute{Portal: "p2", MaxRows: 1}, &pgproto3.Flush{})
	require.Equal(t, "ParseComplete", msgName(r.recv()))
	require.Equal(t, "BindComplete", msgName(r.recv()))
	require.Equal(t, "DataRow", msgName(r.recv()))
	require.Equal(t, "PortalSuspended", msgName(r.recv()))
	r.send(&pgproto3.Query{String: "SELECT 2"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete SELECT 1", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Execute{Portal: "p2"}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 34000", "ReadyForQuery I"}, r.until())

	r.send(&pgproto3.Parse{Query: "SELECT 1"}, &pgproto3.Parse{Query: "SELEC 2"}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "Error 42601", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Bind{}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 26000", "ReadyForQuery I"}, r.until())

	r.send(&pgproto3.Query{String: "SELECT '\xff\xfe'"})
	require.Equal(t, []string{"Error 22021", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Parse{Query: "SELECT '\xff'"}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 22021", "ReadyForQuery I"}, r.until())
}

// TestFetchPortalRowLimit: Execute's row limit applies to a FETCH portal:
// its rows come in parts with PortalSuspended between them, as PostgreSQL
// sends them (they came all at once, and the next Execute fetched more).
func TestFetchPortalRowLimit(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c CURSOR FOR SELECT usage FROM cpu ORDER BY time"})
	r.until()
	r.send(&pgproto3.Parse{Query: "FETCH 2 FROM c"}, &pgproto3.Bind{}, &pgproto3.Execute{MaxRows: 1}, &pgproto3.Execute{MaxRows: 1}, &pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "DataRow", "PortalSuspended", "DataRow", "CommandComplete FETCH 1", "CommandComplete FETCH 0", "ReadyForQuery T"}, r.until())
	r.send(&pgproto3.Query{String: "FETCH ALL FROM c"})
	require.Equal(t, []string{"RowDescription", "DataRow", "CommandComplete FETCH 1", "ReadyForQuery T"}, r.until(), "the third row is left")
	r.send(&pgproto3.Query{String: "COMMIT"})
	r.until()
}
