package pgwire

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

// longQuery runs for a minute or more unless stopped: a cross join counted
// batch by batch, whose planning (the series are made then) is quick.
const longQuery = "SELECT count(*) FROM generate_series(1, 1000) a CROSS JOIN generate_series(1, 1000) b CROSS JOIN generate_series(1, 10000) c"

// startLong runs longQuery on a new connection and returns its backend PID
// and the query's outcome, once it is seen running in pg_stat_activity.
func startLong(t *testing.T, s *testServer, admin *pgx.Conn) (int32, <-chan error) {
	t.Helper()
	return startStatement(t, s, admin, longQuery)
}

// startStatement is startLong for another query.
func startStatement(t *testing.T, s *testServer, admin *pgx.Conn, query string) (int32, <-chan error) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("db")+"?application_name=longone")
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	pid := int32(conn.PgConn().PID())
	done := make(chan error, 1)
	// Bounded, so a failing test ends (pgx cancels it at the deadline)
	// instead of waiting on a busy connection.
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	t.Cleanup(cancel)
	go func() {
		// One Query message: active from the start to the end (pgx's
		// default prepares first, idle between its two round trips).
		_, err := conn.Exec(ctx, query, pgx.QueryExecModeSimpleProtocol)
		done <- err
	}()
	require.Eventually(t, func() bool {
		var state string
		err := admin.QueryRow(ctx, "SELECT state FROM pg_stat_activity WHERE pid = $1", pid).Scan(&state)
		return err == nil && state == "active"
	}, 10*time.Second, 10*time.Millisecond)
	return pid, done
}

// cancelBackend cancels backend pid's statement with pg_cancel_backend,
// whose outcome (done) must then be 57014 within seconds.
func cancelBackend(t *testing.T, admin *pgx.Conn, pid int32, done <-chan error) {
	t.Helper()
	var ok bool
	require.NoError(t, admin.QueryRow(context.Background(), "SELECT pg_cancel_backend($1)", pid).Scan(&ok))
	require.True(t, ok)
	select {
	case err := <-done:
		var pe *pgconn.PgError
		require.True(t, errors.As(err, &pe), "%v", err)
		require.Equal(t, "57014", pe.Code)
		require.Equal(t, "canceling statement due to user request", pe.Message)
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled statement still runs")
	}
}

// TestStatActivity: pg_stat_activity lists the endpoint's connections with
// their application, state and latest statement; pg_backend_pid() is the
// PID BackendKeyData gave.
func TestStatActivity(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("db")+"?application_name=first")
	require.NoError(t, err)
	defer conn.Close(ctx)
	var pid int32
	require.NoError(t, conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid))
	require.Equal(t, int32(conn.PgConn().PID()), pid)
	require.NotZero(t, pid)
	_, err = conn.Exec(ctx, "SET application_name = 'renamed'")
	require.NoError(t, err)

	other, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(t, err)
	defer other.Close(ctx)
	var (
		datname, usename, app, state, query, kind string
		addr                                      *netip.Prefix
		started, queryStart                       time.Time
	)
	require.NoError(t, other.QueryRow(ctx, `SELECT datname, usename, application_name, client_addr, state, query, backend_type, backend_start, query_start
		FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&datname, &usename, &app, &addr, &state, &query, &kind, &started, &queryStart))
	require.Equal(t, []string{"db", "strata", "renamed", "idle", "SET application_name = 'renamed'", "client backend"},
		[]string{datname, usename, app, state, query, kind})
	require.NotNil(t, addr, "client_addr (inet, here in binary)")
	require.Equal(t, "127.0.0.1/32", addr.String())
	require.WithinDuration(t, time.Now(), started, time.Minute)
	require.False(t, queryStart.Before(started))
	// The asking connection is active, running the question.
	require.NoError(t, other.QueryRow(ctx, "SELECT state, query FROM pg_stat_activity WHERE pid = pg_backend_pid()").Scan(&state, &query))
	require.Equal(t, "active", state)
	require.Equal(t, "SELECT state, query FROM pg_stat_activity WHERE pid = pg_backend_pid()", query)
	// A closed connection leaves.
	conn.Close(ctx)
	require.Eventually(t, func() bool {
		var n int
		return other.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n) == nil && n == 0
	}, 5*time.Second, 10*time.Millisecond)
}

// TestCancelBackend: pg_cancel_backend stops another connection's
// statement (57014, the connection goes on); pg_terminate_backend ends the
// connection with FATAL 57P01. Both say false for a PID nobody has.
func TestCancelBackend(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(t, err)
	defer admin.Close(ctx)

	pid, done := startLong(t, s, admin)
	cancelBackend(t, admin, pid, done)
	var state string
	require.NoError(t, admin.QueryRow(ctx, "SELECT state FROM pg_stat_activity WHERE pid = $1", pid).Scan(&state))
	require.Equal(t, "idle", state, "the connection stays")

	pid, done = startLong(t, s, admin)
	var ok bool
	require.NoError(t, admin.QueryRow(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&ok))
	require.True(t, ok)
	select {
	case err := <-done:
		var pe *pgconn.PgError
		require.True(t, errors.As(err, &pe), "%v", err)
		require.Equal(t, "57P01", pe.Code)
		require.Equal(t, "FATAL", pe.Severity)
	case <-time.After(10 * time.Second):
		t.Fatal("the terminated connection's statement still runs")
	}
	require.Eventually(t, func() bool {
		var n int
		return admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&n) == nil && n == 0
	}, 5*time.Second, 10*time.Millisecond)

	// A cancel while a connection waits for its client is dropped: its
	// next statement runs.
	idle, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(t, err)
	defer idle.Close(ctx)
	require.NoError(t, admin.QueryRow(ctx, "SELECT pg_cancel_backend($1)", int32(idle.PgConn().PID())).Scan(&ok))
	require.True(t, ok)
	var one int
	require.NoError(t, idle.QueryRow(ctx, "SELECT 1").Scan(&one))

	require.NoError(t, admin.QueryRow(ctx, "SELECT pg_cancel_backend(123456789)").Scan(&ok))
	require.False(t, ok)
	require.NoError(t, admin.QueryRow(ctx, "SELECT pg_terminate_backend(123456789, 1000)").Scan(&ok))
	require.False(t, ok)
	_, err = admin.Exec(ctx, "SELECT pg_terminate_backend(1, -1)")
	require.ErrorContains(t, err, `"timeout" must not be negative`)
}

// TestPgSleep: pg_sleep waits per row and returns void (OID 2278, an empty
// value; NULL for a NULL argument); statement_timeout and
// pg_cancel_backend end the wait at once with 57014, and the connection
// goes on.
func TestPgSleep(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	conn := connect(t, s, "db")

	start := time.Now()
	rows, err := conn.Query(ctx, "SELECT pg_sleep(0.1), pg_sleep_for('50 milliseconds'), pg_sleep(NULL) FROM generate_series(1, 3)")
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		for _, f := range rows.FieldDescriptions() {
			require.Equal(t, uint32(2278), f.DataTypeOID, f.Name)
		}
		raw := rows.RawValues()
		require.Equal(t, []byte{}, raw[0])
		require.Equal(t, []byte{}, raw[1])
		require.Nil(t, raw[2])
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 3, n)
	require.GreaterOrEqual(t, time.Since(start), 450*time.Millisecond, "three rows of 0.15 s each")

	start = time.Now()
	_, err = conn.Exec(ctx, "SELECT pg_sleep(-1), pg_sleep('NaN'), pg_sleep_until('2000-01-01')")
	require.NoError(t, err)
	require.Less(t, time.Since(start), 5*time.Second, "nothing to wait for")

	_, err = conn.Exec(ctx, "SET statement_timeout = '100ms'")
	require.NoError(t, err)
	start = time.Now()
	_, err = conn.Exec(ctx, "SELECT pg_sleep(60)")
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe), "%v", err)
	require.Equal(t, "57014", pe.Code)
	require.Equal(t, "canceling statement due to statement timeout", pe.Message)
	require.Less(t, time.Since(start), 10*time.Second)
	_, err = conn.Exec(ctx, "SET statement_timeout = 0")
	require.NoError(t, err)

	// Another connection's pg_cancel_backend ends a pg_sleep_until.
	admin := connect(t, s, "db")
	pid, done := startStatement(t, s, admin, "SELECT pg_sleep_until(now() + interval '1 minute')")
	cancelBackend(t, admin, pid, done)
	var one int
	require.NoError(t, conn.QueryRow(ctx, "SELECT 1").Scan(&one))
}
