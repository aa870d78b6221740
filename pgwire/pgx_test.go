package pgwire

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

func connect(t *testing.T, s *testServer, db string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Default sslmode (prefer): pgx sends SSLRequest, gets 'N' and
	// reconnects in plain text.
	conn, err := pgx.Connect(ctx, s.dsn(db))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func pgErr(t *testing.T, err error) *pgconn.PgError {
	t.Helper()
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe), "want a PostgreSQL error, got %v", err)
	require.Equal(t, "ERROR", pe.Severity)
	require.NotEmpty(t, pe.Message)
	return pe
}

func TestPgxStartupParameters(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	pc := conn.PgConn()
	for name, want := range map[string]string{
		"server_version": "15.0", "server_encoding": "UTF8", "client_encoding": "UTF8",
		"DateStyle": "ISO, MDY", "integer_datetimes": "on", "standard_conforming_strings": "on",
		"TimeZone": "UTC", "IntervalStyle": "postgres", "in_hot_standby": "off",
		"default_transaction_read_only": "off", "is_superuser": "on", "session_authorization": "strata",
	} {
		require.Equal(t, want, pc.ParameterStatus(name), name)
	}
	require.NotZero(t, pc.PID(), "BackendKeyData carries a real process ID")
}

func TestPgxTypedResultsAndParameters(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()

	// Parameter types are inferred from what they are compared with.
	sd, err := conn.Prepare(ctx, "q1", "SELECT host, usage, n, ok, time FROM cpu WHERE time >= $1 AND host = $2 AND usage > $3 AND n < $4 ORDER BY time")
	require.NoError(t, err)
	require.Equal(t, []uint32{oidTimestamptz, oidText, oidFloat8, oidInt8}, sd.ParamOIDs)
	var types []uint32
	for _, f := range sd.Fields {
		types = append(types, f.DataTypeOID)
	}
	require.Equal(t, []uint32{oidText, oidFloat8, oidInt8, oidBool, oidTimestamptz}, types)

	rows, err := conn.Query(ctx, "q1", time.Unix(1700000000, 0), "a", 1.0, int64(10))
	require.NoError(t, err)
	type row struct {
		host  string
		usage float64
		n     int64
		ok    bool
		at    time.Time
	}
	var got []row
	for rows.Next() {
		var r row
		require.NoError(t, rows.Scan(&r.host, &r.usage, &r.n, &r.ok, &r.at))
		got = append(got, r)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, "SELECT 2", rows.CommandTag().String())
	require.Len(t, got, 2)
	require.Equal(t, row{"a", 1.5, 1, true, time.Unix(1700000000, 0)}, row{got[0].host, got[0].usage, got[0].n, got[0].ok, got[0].at.Local()})
	require.Equal(t, 3.5, got[1].usage)
	require.True(t, got[1].at.Equal(time.Unix(1700000020, 0)))

	// NULLs and every parameter kind pgx sends.
	var n pgtype.Int8
	require.NoError(t, conn.QueryRow(ctx, "SELECT n FROM cpu WHERE host = $1", "b").Scan(&n))
	require.False(t, n.Valid)
	var (
		i   int64
		f   float64
		b   bool
		str string
		ts  time.Time
		iv  time.Duration
	)
	require.NoError(t, conn.QueryRow(ctx, "SELECT $1::bigint + 1, $2::double precision * 2, NOT $3::boolean, $4::text || '!', $5::timestamptz + interval '1 hour', $6::interval",
		41, 1.25, false, "hi", time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC), 90*time.Minute).Scan(&i, &f, &b, &str, &ts, &iv))
	require.Equal(t, int64(42), i)
	require.Equal(t, 2.5, f)
	require.True(t, b)
	require.Equal(t, "hi!", str)
	require.True(t, ts.Equal(time.Date(2024, 1, 2, 4, 4, 5, 6000, time.UTC)), ts)
	require.Equal(t, 90*time.Minute, iv)

	// Narrower PostgreSQL types of casts and catalog columns are described
	// and encoded as themselves (binary int4 is 4 bytes).
	rows, err = conn.Query(ctx, "SELECT $1::int, 'x'::name, 7::int2, 1.5::float4, relnatts, relkind FROM pg_class WHERE relname = 'cpu'", 41)
	require.NoError(t, err)
	var fieldTypes []uint32
	for _, f := range rows.FieldDescriptions() {
		fieldTypes = append(fieldTypes, f.DataTypeOID)
	}
	require.Equal(t, []uint32{oidInt4, oidNameType, oidInt2, oidFloat4, oidInt2, oidChar}, fieldTypes)
	require.True(t, rows.Next())
	var (
		i4   int32
		nm   string
		i2   int16
		f4   float32
		natt int16
		kind string
	)
	require.NoError(t, rows.Scan(&i4, &nm, &i2, &f4, &natt, &kind))
	rows.Close()
	require.Equal(t, []any{int32(41), "x", int16(7), float32(1.5), int16(6), "r"}, []any{i4, nm, i2, f4, natt, kind})

	// The simple protocol: every value as text.
	var cnt int64
	var maxUsage float64
	var last time.Time
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), max(usage), max(time) FROM cpu WHERE host = $1", pgx.QueryExecModeSimpleProtocol, "a").Scan(&cnt, &maxUsage, &last))
	require.Equal(t, int64(2), cnt)
	require.Equal(t, 3.5, maxUsage)
	require.True(t, last.Equal(time.Unix(1700000020, 0)))
}

func TestPgxErrorsKeepTheConnection(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()

	_, err := conn.Exec(ctx, "SELECT usge FROM cpu")
	pe := pgErr(t, err)
	require.Equal(t, "42703", pe.Code)
	require.Contains(t, pe.Hint, `"usage"`, "suggests the column that exists")

	_, err = conn.Exec(ctx, "SELEC 1")
	require.Equal(t, "42601", pgErr(t, err).Code)

	_, err = conn.Query(ctx, "SELECT * FROM nope WHERE x = $1", 1)
	require.Equal(t, "42P01", pgErr(t, err).Code)

	var one int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT 1").Scan(&one), "the connection still works")
	require.Equal(t, int64(1), one)
}

func TestPgxTransactionsAndInsert(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()

	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	tag, err := tx.Exec(ctx, "INSERT INTO cpu (time, host, usage) VALUES ($1, $2, $3)", time.Unix(1700000030, 0), "c", 9.5)
	require.NoError(t, err)
	require.Equal(t, "INSERT 0 1", tag.String())
	require.NoError(t, tx.Commit(ctx))

	var usage float64
	require.NoError(t, conn.QueryRow(ctx, "SELECT usage FROM cpu WHERE host = 'c'").Scan(&usage))
	require.Equal(t, 9.5, usage)

	// A failed statement aborts the transaction block until ROLLBACK.
	tx, err = conn.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, "SELECT nope FROM cpu")
	require.Equal(t, "42703", pgErr(t, err).Code)
	require.Equal(t, byte('E'), conn.PgConn().TxStatus())
	_, err = tx.Exec(ctx, "SELECT 1")
	require.Equal(t, "25P02", pgErr(t, err).Code)
	require.NoError(t, tx.Rollback(ctx))
	require.Equal(t, byte('I'), conn.PgConn().TxStatus())
}

func TestPgxSessionStatements(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()

	for _, q := range []string{"SET extra_float_digits = 3", "SET application_name = 'tests'", "SET TIME ZONE 'Europe/Berlin'",
		"SHOW TimeZone", "DISCARD ALL", "DEALLOCATE ALL", "UNLISTEN *", "CLOSE ALL", "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
		"BEGIN READ ONLY", "SAVEPOINT s1", "RELEASE SAVEPOINT s1", "COMMIT", "RESET ALL", "", "-- ping"} {
		_, err := conn.Exec(ctx, q)
		require.NoError(t, err, q)
	}

	_, err := conn.Exec(ctx, "SET TimeZone = 'America/New_York'")
	require.NoError(t, err)
	require.Equal(t, "America/New_York", conn.PgConn().ParameterStatus("TimeZone"), "SET re-sends ParameterStatus")
	var text string
	require.NoError(t, conn.QueryRow(ctx, "SELECT time::text FROM cpu ORDER BY time LIMIT 1", pgx.QueryExecModeSimpleProtocol).Scan(&text))
	var shown string
	require.NoError(t, conn.QueryRow(ctx, "SHOW timezone").Scan(&shown))
	require.Equal(t, "America/New_York", shown)
	// Text output of timestamptz follows the session zone.
	rows, err := conn.Query(ctx, "SELECT time FROM cpu ORDER BY time LIMIT 1", pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	require.True(t, rows.Next())
	require.Equal(t, "2023-11-14 17:13:20-05", string(rows.RawValues()[0]))
	rows.Close()

	// Session functions read the session.
	var version, db, user, num, tz, app string
	require.NoError(t, conn.QueryRow(ctx, "SELECT version(), current_database(), current_user, current_setting('server_version_num'), current_setting('TimeZone'), current_setting('application_name')").
		Scan(&version, &db, &user, &num, &tz, &app))
	require.True(t, strings.HasPrefix(version, "PostgreSQL 15.0 "), version)
	require.Equal(t, []string{"db", "strata", "150000", "America/New_York", ""}, []string{db, user, num, tz, app})
	_, err = conn.Exec(ctx, "SELECT current_setting('no_such_setting')")
	require.Equal(t, "42704", pgErr(t, err).Code)
	var missing pgtype.Text
	require.NoError(t, conn.QueryRow(ctx, "SELECT current_setting('no_such_setting', true)").Scan(&missing))
	require.False(t, missing.Valid)

	_, err = conn.Exec(ctx, "SET client_encoding = 'LATIN1'")
	require.Equal(t, "22023", pgErr(t, err).Code)
	// SQL_ASCII (psql's client_encoding=auto in the C locale) passes bytes
	// through, as PostgreSQL does.
	_, err = conn.Exec(ctx, "SET client_encoding = 'sql_ascii'")
	require.NoError(t, err)
	var enc string
	require.NoError(t, conn.QueryRow(ctx, "SHOW client_encoding").Scan(&enc))
	require.Equal(t, "SQL_ASCII", enc)
	_, err = conn.Exec(ctx, "SET client_encoding = 'UTF8'")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SHOW no_such_setting")
	require.Equal(t, "42704", pgErr(t, err).Code)
}

func TestDatabaseSQL(t *testing.T) {
	s := startServer(t)
	db, err := sql.Open("pgx", s.dsn("db"))
	require.NoError(t, err)
	defer db.Close()
	stmt, err := db.Prepare("SELECT host, usage FROM cpu WHERE usage >= $1 ORDER BY usage")
	require.NoError(t, err)
	defer stmt.Close()
	for i := 0; i < 3; i++ {
		rows, err := stmt.Query(2.0)
		require.NoError(t, err)
		var hosts []string
		for rows.Next() {
			var h string
			var u float64
			require.NoError(t, rows.Scan(&h, &u))
			hosts = append(hosts, h)
		}
		require.NoError(t, rows.Err())
		require.Equal(t, []string{"b", "a"}, hosts)
	}
}

func TestPgxCancel(t *testing.T) {
	// 40,000 rows of one host joined with themselves: 1.6 billion pairs,
	// far longer than the test waits.
	var big []byte
	for i := 0; i < 40000; i++ {
		big = append(big, []byte("big,host=x v=1 "+strconv.FormatInt(1700000000000000000+int64(i)*1000000000, 10)+"\n")...)
	}
	s := startServer(t, string(big))
	conn := connect(t, s, "db")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	var n int64
	err := conn.QueryRow(ctx, "SELECT count(*) FROM big a JOIN big b ON a.host = b.host").Scan(&n)
	require.Error(t, err)
	require.Less(t, time.Since(start), 10*time.Second, "the cancel request stops the query")
	// pgx closes the connection after a context cancel; a new one works
	// and the server is still healthy.
	conn2 := connect(t, s, "db")
	require.NoError(t, conn2.QueryRow(context.Background(), "SELECT count(*) FROM big").Scan(&n))
	require.Equal(t, int64(40000), n)
}

// TestPgxUntypedNull: a bare NULL select item (pgjdbc's NULL AS TABLE_CAT)
// is a NULL in text and in binary, never a printed placeholder.
func TestPgxUntypedNull(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		var a *string
		var host string
		err := conn.QueryRow(ctx, "SELECT NULL AS a, host FROM cpu ORDER BY time LIMIT 1", mode).Scan(&a, &host)
		require.NoError(t, err, "mode %v", mode)
		require.Nil(t, a, "mode %v", mode)
		require.Equal(t, "a", host)
	}
}

// TestPgxSelectStarAfterNewColumn: pgx keeps each statement's description;
// when a write adds a column, its prepared SELECT * gets PostgreSQL's error
// for a changed result (not rows in a shape pgx was not told of), and pgx's
// next try prepares it again and reads the new column.
func TestPgxSelectStarAfterNewColumn(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	width := func() (int, error) {
		rows, err := conn.Query(ctx, "SELECT * FROM cpu ORDER BY time")
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			v, err := rows.Values()
			if err != nil {
				return 0, err
			}
			n = len(v)
		}
		return n, rows.Err()
	}
	n, err := width()
	require.NoError(t, err)
	require.Equal(t, 6, n)
	n, err = width()
	require.NoError(t, err)
	require.Equal(t, 6, n, "the statement cached by pgx runs again")

	var p lp.Parser
	res := p.Parse([]byte("cpu,host=c,rack=r1 usage=5.5,extra=7i 1700000040000000000\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, s.engine.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	_, err = width()
	pe := pgErr(t, err)
	require.Equal(t, "0A000", pe.Code)
	require.Equal(t, "cached plan must not change result type", pe.Message)
	n, err = width()
	require.NoError(t, err)
	require.Equal(t, 8, n, "prepared again: the new tag and field are read")
}

// TestPgxNumericScale: numerics computed as float8 reach pgx's binary
// numeric with PostgreSQL's display scale (1.50 is 150e-2, not 15e-1), so
// they print and compare as PostgreSQL's do (Go's big.Int + exponent, or
// a BigDecimal's scale in Java).
func TestPgxNumericScale(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	var a, b, c, d pgtype.Numeric
	require.NoError(t, conn.QueryRow(context.Background(),
		"SELECT 1.50, round(2.0, 3), 2.5::numeric(10,3), 0.1 + 0.2").Scan(&a, &b, &c, &d))
	for _, x := range []struct {
		n   pgtype.Numeric
		int int64
		exp int32
	}{{a, 150, -2}, {b, 2000, -3}, {c, 2500, -3}, {d, 3, -1}} {
		require.Equal(t, x.int, x.n.Int.Int64())
		require.Equal(t, x.exp, x.n.Exp)
	}
}

// Arrays as parameters, the idiom of Go, Java and JavaScript clients:
// WHERE host = ANY($1). Describe says $1 is an array of what it is compared
// with, so pgx sends it in binary; node-postgres sends text (its own test).
func TestPgxArrayParameters(t *testing.T) {
	s := startServer(t, `cpu,host=x\,y,region=eu usage=9.5 1700000030000000000
cpu,host=q"u\o,region=eu usage=8.5 1700000040000000000
cpu,host=NULL,region=eu usage=7.5 1700000050000000000
`)
	conn := connect(t, s, "db")
	ctx := context.Background()

	sd, err := conn.Prepare(ctx, "anyq", "SELECT count(*) FROM cpu WHERE host = ANY($1) AND usage <> ALL($2) AND time = ANY($3)")
	require.NoError(t, err)
	require.Equal(t, []uint32{1009, 1022, 1185}, sd.ParamOIDs)

	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		require.NoError(t, conn.QueryRow(ctx, q, args...).Scan(&n))
		return n
	}
	times := []time.Time{time.Unix(1700000000, 0), time.Unix(1700000010, 0), time.Unix(1700000030, 0)}
	require.Equal(t, int64(2), count("anyq", []string{"a", "x,y", "zz"}, []float64{3.5}, times))
	require.Equal(t, int64(0), count("anyq", []string{}, []float64{}, times), "= ANY of an empty array is false")
	require.Equal(t, int64(2), count("anyq", []string{"a", "b"}, []float64{}, times), "<> ALL of an empty array is true")
	// Element text is taken as sent: commas, quotes, backslashes, and the
	// word NULL are values; a nil element is NULL and matches nothing.
	require.Equal(t, int64(3), count("SELECT count(*) FROM cpu WHERE host = ANY($1)", []string{"x,y", `q"u\o`, "NULL"}))
	nullable := []*string{nil, ptr("b")}
	require.Equal(t, int64(1), count("SELECT count(*) FROM cpu WHERE host = ANY($1)", nullable))
	require.Equal(t, int64(0), count("SELECT count(*) FROM cpu WHERE host <> ALL($1)", nullable), "<> ALL with a NULL element is never true")
	require.Equal(t, int64(2), count("SELECT count(*) FROM cpu WHERE n = ANY($1)", []int32{1, 3}))
	require.Equal(t, int64(1), count("SELECT count(*) FROM cpu WHERE n = ANY($1::int8[])", []int64{3, 4}))

	// The same over the simple protocol (pgx writes ARRAY text itself) and
	// as a result.
	require.Equal(t, int64(3), count("SELECT count(*) FROM cpu WHERE host = ANY($1)", pgx.QueryExecModeSimpleProtocol, []string{"a", "x,y"}))
	var back []string
	require.NoError(t, conn.QueryRow(ctx, "SELECT $1::text[]", []string{"a b", `c"d`, "e"}).Scan(&back))
	require.Equal(t, []string{"a b", `c"d`, "e"}, back)

	// An array parameter compares with an array element by element.
	var less, equal bool
	require.NoError(t, conn.QueryRow(ctx, "SELECT $1::int8[] < ARRAY[10], $2::text[] = ARRAY['a b', 'c']", []int64{9, 99}, []string{"a b", "c"}).Scan(&less, &equal))
	require.True(t, less, "{9,99} < {10}")
	require.True(t, equal)
	var greatest []int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT greatest($1::int8[], ARRAY[10])", []int64{9, 99}).Scan(&greatest))
	require.Equal(t, []int64{10}, greatest)
	require.NoError(t, conn.QueryRow(ctx, "SELECT $1 < ARRAY[10]", []int64{9, 99}).Scan(&less))
	require.True(t, less, "$1 beside an array is one")

	// Arrays of two dimensions are refused with a reason.
	_, err = conn.Exec(ctx, "SELECT count(*) FROM cpu WHERE n = ANY($1)", [][]int64{{1}, {3}})
	require.ErrorContains(t, err, "one-dimensional")
}

func ptr[T any](v T) *T { return &v }

// sum(bigint) is numeric: arithmetic with a parameter is described as
// numeric, and executes as it was described (pgx reads the result by the
// described type), and dividing it is not integer division.
func TestPgxNumericSumWithParameters(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, q := range []string{"SELECT sum(n) * $1 FROM cpu", "SELECT $1 + sum(n) FROM cpu", "SELECT x - $1 FROM (SELECT sum(n) AS x FROM cpu) s"} {
		sd, err := conn.Prepare(ctx, q, q)
		require.NoError(t, err)
		require.Equal(t, uint32(oidNumeric), sd.Fields[0].DataTypeOID, q)
		var v pgtype.Numeric
		require.NoError(t, conn.QueryRow(ctx, q, int64(2)).Scan(&v), q)
		f, err := v.Float64Value()
		require.NoError(t, err)
		require.Contains(t, []float64{8, 6, 2}, f.Float64, q)
	}
	var avg float64
	require.NoError(t, conn.QueryRow(ctx, "SELECT sum(n) / count(n) / $1 FROM cpu", 4).Scan(&avg))
	require.Equal(t, 0.5, avg, "(1 + 3) / 2 / 4 in numeric, not integer, division")
}

// Bounds beyond the times Strata holds, as parameters: infinity (binary and
// text), year 1 and 9999. Comparisons decide them as PostgreSQL does;
// their values cannot be read back.
func TestPgxTimeBoundParameters(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		require.NoError(t, conn.QueryRow(ctx, q, args...).Scan(&n), q)
		return n
	}
	for _, lo := range []any{
		pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true},
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		"-infinity",
		"0001-01-01",
	} {
		for _, hi := range []any{
			pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true},
			time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
			"infinity",
		} {
			require.Equal(t, int64(3), count("SELECT count(*) FROM cpu WHERE time > $1 AND time < $2", lo, hi), "%v %v", lo, hi)
			require.Equal(t, int64(0), count("SELECT count(*) FROM cpu WHERE time < $1 OR time >= $2", lo, hi), "%v %v", lo, hi)
		}
	}
	require.Equal(t, int64(3), count("SELECT count(*) FROM cpu WHERE time BETWEEN $1 AND $2", pgx.QueryExecModeSimpleProtocol, "-infinity", "infinity"))
	// A $n the lower bound types is of that type in the upper bound, as
	// PostgreSQL reads time >= $1 first (it was text + interval here). The
	// simple protocol writes the value as a quoted literal, which
	// PostgreSQL too reads as an interval beside one.
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeDescribeExec, pgx.QueryExecModeExec} {
		require.Equal(t, int64(2), count("SELECT count(*) FROM cpu WHERE time BETWEEN $1 AND $1 + interval '15 seconds'", mode, time.Unix(1700000000, 0)), mode)
	}
	var ts time.Time
	err := conn.QueryRow(ctx, "SELECT $1::timestamptz", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)).Scan(&ts)
	require.Equal(t, "22008", pgErr(t, err).Code)
}

// TestPgxInfiniteTimes: 'infinity' and '-infinity' of timestamptz,
// timestamp and date travel both ways in binary (the int64's and int32's
// extremes, as PostgreSQL sends them) and as text, and a row with one as
// its time is refused by INSERT and by COPY, storing nothing.
// TestPgxDelete: DELETE with parameters, prepared (described first) and
// simple, answers its tag with the rows removed; errors are PostgreSQL's.
func TestPgxDelete(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	var before int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&before))
	require.Positive(t, before)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		_, err := conn.Exec(ctx, "INSERT INTO cpu (time, host, usage) VALUES ('2030-01-01', 'gone', 1), ('2030-01-02', 'gone', 2), ('2030-01-02', 'kept', 3)", mode)
		require.NoError(t, err, mode)
		tag, err := conn.Exec(ctx, "DELETE FROM cpu WHERE host = $1 AND time >= $2", mode, "gone", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		require.NoError(t, err, mode)
		require.Equal(t, "DELETE 2", tag.String(), mode)
		require.True(t, tag.Delete(), mode)
		tag, err = conn.Exec(ctx, "DELETE FROM cpu WHERE host = 'kept'", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "DELETE 1", tag.String(), mode)
	}
	var after int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&after))
	require.Equal(t, before, after)
	_, err := conn.Exec(ctx, "DELETE FROM nosuch")
	require.Equal(t, "42P01", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "DELETE FROM pg_class")
	require.Equal(t, "42501", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "DELETE FROM cpu c WHERE usage > (SELECT avg(usage) FROM cpu d WHERE d.host = c.host)")
	require.Equal(t, "0A000", pgErr(t, err).Code)
}

// connectNoticed connects with pgx to database db, appending the notices
// the server sends to *notices; closed at the test's end.
func connectNoticed(t *testing.T, s *testServer, db string, notices *[]*pgconn.Notice) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(s.dsn(db))
	require.NoError(t, err)
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { *notices = append(*notices, n) }
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestPgxDropTableAndTruncate: CREATE TABLE, ALTER TABLE, TRUNCATE and DROP TABLE,
// prepared and simple, answer PostgreSQL's tags; IF [NOT] EXISTS sends a
// NOTICE per table skipped; ROLLBACK says what stayed done; CREATE and
// DROP DATABASE answer their tags, outside a transaction block only.
func TestPgxDropTableAndTruncate(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	var notices []*pgconn.Notice
	conn := connectNoticed(t, s, "db", &notices)
	count := func(table string) (n int64) {
		t.Helper()
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n))
		return n
	}
	for i, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		table := fmt.Sprintf("t%d", i)
		notices = nil
		tag, err := conn.Exec(ctx, "CREATE TABLE "+table+" (time timestamptz NOT NULL, host text, v double precision)", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "CREATE TABLE", tag.String(), mode)
		require.Empty(t, notices)
		tag, err = conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+table+" (time timestamptz)", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "CREATE TABLE", tag.String(), mode)
		require.Len(t, notices, 1, mode)
		require.Equal(t, fmt.Sprintf("relation %q already exists, skipping", table), notices[0].Message)
		require.Equal(t, "42P07", notices[0].Code, "PostgreSQL's code for what was skipped")
		tag, err = conn.Exec(ctx, "ALTER TABLE "+table+" ADD COLUMN note text", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "ALTER TABLE", tag.String(), mode)
		_, err = conn.Exec(ctx, "INSERT INTO "+table+" (time, host, v, note) VALUES ('2030-01-01', 'a', 1, 'x'), ('2030-01-02', 'b', 2, 'y')", mode)
		require.NoError(t, err, mode)
		tag, err = conn.Exec(ctx, "TRUNCATE "+table, mode)
		require.NoError(t, err, mode)
		require.Equal(t, "TRUNCATE TABLE", tag.String(), mode)
		require.Zero(t, count(table))
		notices = nil
		tag, err = conn.Exec(ctx, "DROP TABLE IF EXISTS nosuch, "+table, mode)
		require.NoError(t, err, mode)
		require.Equal(t, "DROP TABLE", tag.String(), mode)
		require.Len(t, notices, 1, mode)
		require.Equal(t, "NOTICE", notices[0].Severity)
		require.Equal(t, "00000", notices[0].Code)
		require.Equal(t, `table "nosuch" does not exist, skipping`, notices[0].Message)
		_, err = conn.Exec(ctx, "SELECT * FROM "+table, mode)
		require.Equal(t, "42P01", pgErr(t, err).Code)
	}
	_, err := conn.Exec(ctx, "DROP TABLE nosuch, cpu")
	require.Equal(t, "42P01", pgErr(t, err).Code)
	require.Equal(t, `table "nosuch" does not exist`, pgErr(t, err).Message)
	require.Positive(t, count("cpu"), "a failed DROP TABLE drops nothing")
	_, err = conn.Exec(ctx, "TRUNCATE pg_class")
	require.Equal(t, "42501", pgErr(t, err).Code)

	tag, err := conn.Exec(ctx, "CREATE DATABASE other")
	require.NoError(t, err)
	require.Equal(t, "CREATE DATABASE", tag.String())
	tag, err = conn.Exec(ctx, "DROP DATABASE other")
	require.NoError(t, err)
	require.Equal(t, "DROP DATABASE", tag.String())
	_, err = conn.Exec(ctx, "DROP DATABASE db")
	require.Equal(t, "55006", pgErr(t, err).Code)

	_, err = conn.Exec(ctx, "BEGIN")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE DATABASE other")
	require.Equal(t, "25001", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "ROLLBACK")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "BEGIN")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "TRUNCATE cpu")
	require.NoError(t, err)
	notices = nil
	_, err = conn.Exec(ctx, "ROLLBACK")
	require.NoError(t, err)
	require.Len(t, notices, 1)
	require.Equal(t, "Strata has no transactions: the tables created, dropped or truncated (1) since BEGIN were durable when each statement completed and stay so", notices[0].Message)
	require.Zero(t, count("cpu"))
}

// TestPgxCreateHypertable: create_hypertable's row reaches pgx, prepared
// and simple, as text (a record would be asked for in binary); a relation
// given as $1 (::regclass, or a function's regclass argument) is described
// before its name is known, and looked up when it is.
func TestPgxCreateHypertable(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var row any
		require.NoError(t, conn.QueryRow(ctx, "SELECT create_hypertable($1, by_range('time'))", mode, "cpu").Scan(&row), mode)
		require.Regexp(t, `^\(\d+,t\)$`, row, mode)
		require.NoError(t, conn.QueryRow(ctx, "SELECT $1::regclass", mode, "cpu").Scan(&row), mode)
		require.Equal(t, "cpu", row, mode)
		var n int64
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0", mode, "cpu").Scan(&n), mode)
		require.Equal(t, int64(6), n, mode)
		_, err := conn.Exec(ctx, "SELECT $1::regclass", mode, "nosuch")
		require.Equal(t, "42P01", pgErr(t, err).Code, mode)
	}
}

// TestPgxCreateTableAs: CREATE TABLE ... AS answers PostgreSQL's tags,
// SELECT n and (WITH NO DATA) CREATE TABLE AS, prepared and simple.
func TestPgxCreateTableAs(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	var total int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&total))
	for i, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		copied, empty := fmt.Sprintf("copied%d", i), fmt.Sprintf("empty%d", i)
		tag, err := conn.Exec(ctx, "CREATE TABLE "+copied+" AS SELECT * FROM cpu", mode)
		require.NoError(t, err, mode)
		require.Equal(t, fmt.Sprintf("SELECT %d", total), tag.String(), mode)
		tag, err = conn.Exec(ctx, "CREATE TABLE "+empty+" AS SELECT * FROM cpu WITH NO DATA", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "CREATE TABLE AS", tag.String(), mode)
		var n int64
		require.NoError(t, conn.QueryRow(ctx, "SELECT (SELECT count(*) FROM "+copied+") + (SELECT count(*) FROM "+empty+")", mode).Scan(&n), mode)
		require.Equal(t, total, n, mode)
		_, err = conn.Exec(ctx, "CREATE TABLE "+copied+" AS SELECT * FROM cpu", mode)
		require.Equal(t, "42P07", pgErr(t, err).Code, mode)
	}
}

// TestPgxMaterializedView: the statements of a continuous aggregate's life
// answer PostgreSQL's and TimescaleDB's tags, prepared and simple; psql's
// catalog queries see a materialized view (relkind m, its columns).
func TestPgxMaterializedView(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for i, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		v := fmt.Sprintf("cpu_5m_%d", i)
		tags := []string{}
		for _, q := range []string{
			"CREATE MATERIALIZED VIEW " + v + " WITH (timescaledb.continuous) AS SELECT time_bucket('5 minutes', time) AS bucket, host, max(usage) AS peak FROM cpu GROUP BY 1, 2 WITH NO DATA",
			"CALL refresh_continuous_aggregate('" + v + "', NULL, NULL)",
			"REFRESH MATERIALIZED VIEW " + v,
		} {
			tag, err := conn.Exec(ctx, q, mode)
			require.NoError(t, err, "%s: %s", mode, q)
			tags = append(tags, tag.String())
		}
		require.Equal(t, []string{"CREATE MATERIALIZED VIEW", "CALL", "REFRESH MATERIALIZED VIEW"}, tags, mode)
		var n, want int64
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+v+" WHERE bucket >= $1", mode, time.Unix(0, 0)).Scan(&n), mode)
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(DISTINCT (time_bucket('5 minutes', time), host)) FROM cpu", mode).Scan(&want), mode)
		require.Equal(t, want, n, mode)
		var kind string
		var cols []string
		require.NoError(t, conn.QueryRow(ctx, "SELECT c.relkind::text, array_agg(a.attname::text ORDER BY a.attnum) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "+
			"WHERE c.relname = $1 AND a.attnum > 0 GROUP BY 1", mode, v).Scan(&kind, &cols), mode)
		require.Equal(t, "m", kind, mode)
		require.Equal(t, []string{"bucket", "host", "peak"}, cols, mode)
		_, err := conn.Exec(ctx, "INSERT INTO "+v+" (bucket, host, peak) VALUES (now(), 'x', 1)", mode)
		require.Equal(t, "42809", pgErr(t, err).Code, mode)
		// Real-time: a row written after the refresh shows at once.
		tag, err := conn.Exec(ctx, "ALTER MATERIALIZED VIEW "+v+" SET (timescaledb.materialized_only = false)", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "ALTER MATERIALIZED VIEW", tag.String(), mode)
		host := fmt.Sprintf("late_%d", i)
		_, err = conn.Exec(ctx, "INSERT INTO cpu (time, host, usage) VALUES ($1, $2, 42)", mode, time.Now(), host)
		require.NoError(t, err, mode)
		var peak float64
		require.NoError(t, conn.QueryRow(ctx, "SELECT peak FROM "+v+" WHERE host = $1", mode, host).Scan(&peak), mode)
		require.Equal(t, 42.0, peak, mode)
		tag, err = conn.Exec(ctx, "DROP MATERIALIZED VIEW "+v, mode)
		require.NoError(t, err, mode)
		require.Equal(t, "DROP MATERIALIZED VIEW", tag.String(), mode)
	}
	tag, err := conn.Exec(ctx, "CREATE MATERIALIZED VIEW filled AS SELECT time_bucket('1 hour', time) AS hour, count(*) AS n FROM cpu GROUP BY 1")
	require.NoError(t, err)
	require.Regexp(t, `^SELECT \d+$`, tag.String(), "PostgreSQL's tag for a view made with its rows")
}

// TestPgxRetentionPolicy: add_retention_policy and remove_retention_policy
// with parameters, prepared and simple: the job id as an int4, void, and
// the NOTICE and WARNING TimescaleDB sends when a policy is skipped.
func TestPgxRetentionPolicy(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	var notices []*pgconn.Notice
	conn := connectNoticed(t, s, "db", &notices)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		notices = nil
		var job int32
		require.NoError(t, conn.QueryRow(ctx, "SELECT add_retention_policy($1, drop_after => $2::interval)", mode, "cpu", "30 days").Scan(&job), mode)
		require.Equal(t, int32(planner.TableOID("db", "cpu")), job, mode)
		require.NoError(t, conn.QueryRow(ctx, "SELECT add_retention_policy($1, INTERVAL '30 days', if_not_exists => true)", mode, "cpu").Scan(&job), mode)
		require.Equal(t, int32(-1), job, mode)
		require.NoError(t, conn.QueryRow(ctx, "SELECT add_retention_policy('cpu', INTERVAL '7 days', if_not_exists => $1)", mode, true).Scan(&job), mode)
		require.Equal(t, int32(-1), job, mode)
		require.Len(t, notices, 2, mode)
		require.Equal(t, [2]string{"NOTICE", `retention policy already exists for hypertable "cpu", skipping`}, [2]string{notices[0].Severity, notices[0].Message}, mode)
		require.Equal(t, [3]string{"WARNING", "01000", "Remove the existing policy before adding a new one."}, [3]string{notices[1].Severity, notices[1].Code, notices[1].Hint}, mode)
		_, err := conn.Exec(ctx, "SELECT add_retention_policy('cpu', INTERVAL '7 days')", mode)
		require.Equal(t, "42710", pgErr(t, err).Code, mode)
		var config string
		require.NoError(t, conn.QueryRow(ctx, "SELECT config::text FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = $1", mode, "cpu").Scan(&config), mode)
		require.Contains(t, config, `"drop_after": "30 days"`, mode)
		tag, err := conn.Exec(ctx, "SELECT remove_retention_policy($1)", mode, "cpu")
		require.NoError(t, err, mode)
		require.Equal(t, "SELECT 1", tag.String(), mode)
		_, err = conn.Exec(ctx, "SELECT remove_retention_policy('cpu')", mode)
		require.Equal(t, "42704", pgErr(t, err).Code, mode)
	}
}

// TestPgxUpsert: INSERT ... ON CONFLICT DO UPDATE with parameters in the
// values and in DO UPDATE's expressions, prepared and simple: a counter
// that adds what each upsert brings.
func TestPgxUpsert(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for i, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		host := fmt.Sprintf("up%d", i)
		for k := range 3 {
			tag, err := conn.Exec(ctx, "INSERT INTO cpu AS c (time, host, usage) VALUES ('2031-01-01', $1, $2) "+
				"ON CONFLICT (time, host) DO UPDATE SET usage = c.usage + excluded.usage * $3 WHERE c.usage < $4", mode, host, 1.5, 2.0, 100.0)
			require.NoError(t, err, mode)
			require.Equal(t, "INSERT 0 1", tag.String(), "%s: upsert %d", mode, k)
		}
		var usage float64
		require.NoError(t, conn.QueryRow(ctx, "SELECT usage FROM cpu WHERE host = $1", mode, host).Scan(&usage), mode)
		require.Equal(t, 1.5+3+3, usage, mode)
	}
}

// TestPgxUpdate: UPDATE with parameters, prepared and simple, answers its
// tag with the rows its condition picked.
func TestPgxUpdate(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		_, err := conn.Exec(ctx, "INSERT INTO cpu (time, host, usage) VALUES ('2030-01-01', 'up', 1), ('2030-01-02', 'up', 2)", mode)
		require.NoError(t, err, mode)
		tag, err := conn.Exec(ctx, "UPDATE cpu SET usage = usage * $1 WHERE host = $2", mode, 10.0, "up")
		require.NoError(t, err, mode)
		require.Equal(t, "UPDATE 2", tag.String(), mode)
		require.True(t, tag.Update(), mode)
		var sum float64
		require.NoError(t, conn.QueryRow(ctx, "SELECT sum(usage) FROM cpu WHERE host = 'up'", mode).Scan(&sum), mode)
		require.Equal(t, 30.0, sum, mode)
		// A tag, set from a parameter; a name two rows would share is
		// refused as a primary key's would be.
		tag, err = conn.Exec(ctx, "UPDATE cpu SET host = $1 WHERE host = $2 AND time < '2030-01-02'", mode, "down", "up")
		require.NoError(t, err, mode)
		require.Equal(t, "UPDATE 1", tag.String(), mode)
		rows, err := conn.Query(ctx, "SELECT host FROM cpu WHERE time >= '2030-01-01' ORDER BY time", mode)
		require.NoError(t, err, mode)
		hosts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err, mode)
		require.Equal(t, []string{"down", "up"}, hosts, mode)
		_, err = conn.Exec(ctx, "UPDATE cpu SET host = $1 WHERE time >= '2030-01-01'", mode, "one")
		require.NoError(t, err, mode, "two days: two names")
		_, err = conn.Exec(ctx, "INSERT INTO cpu (time, host, usage) VALUES ('2030-01-01', 'two', 5)", mode)
		require.NoError(t, err, mode)
		_, err = conn.Exec(ctx, "UPDATE cpu SET host = $1 WHERE time >= '2030-01-01'", mode, "two")
		require.Equal(t, "23505", pgErr(t, err).Code, mode)
		_, err = conn.Exec(ctx, "DELETE FROM cpu WHERE time >= '2030-01-01'", mode)
		require.NoError(t, err, mode)
	}
	_, err := conn.Exec(ctx, "UPDATE cpu SET time = now()")
	require.Equal(t, "0A000", pgErr(t, err).Code)
}

// TestPgxInsertOnConflict: an idempotent insert (ON CONFLICT DO NOTHING)
// with parameters, run twice, stores its row once and answers INSERT 0 0
// the second time.
func TestPgxInsertOnConflict(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	const q = "INSERT INTO cpu (time, host, usage) VALUES ($1, $2, $3) ON CONFLICT (time, host) DO NOTHING"
	at := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		tag, err := conn.Exec(ctx, q, mode, at, "idem-"+mode.String(), 1.5)
		require.NoError(t, err, mode)
		require.Equal(t, "INSERT 0 1", tag.String(), mode)
		tag, err = conn.Exec(ctx, q, mode, at, "idem-"+mode.String(), 2.5)
		require.NoError(t, err, mode)
		require.Equal(t, "INSERT 0 0", tag.String(), mode)
		var v float64
		require.NoError(t, conn.QueryRow(ctx, "SELECT usage FROM cpu WHERE host = $1", "idem-"+mode.String()).Scan(&v), mode)
		require.Equal(t, 1.5, v, mode)
	}
}

// TestPgxTableSample: TABLESAMPLE's percentage and seed as parameters,
// prepared (described before their values are known) and simple.
func TestPgxTableSample(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var all, none, seeded, again int64
		const q = "SELECT count(*) FROM cpu TABLESAMPLE BERNOULLI ($1) REPEATABLE ($2)"
		require.NoError(t, conn.QueryRow(ctx, q, mode, 100, 7.5).Scan(&all), mode)
		require.Equal(t, int64(3), all, mode)
		require.NoError(t, conn.QueryRow(ctx, q, mode, 0.0, 7.5).Scan(&none), mode)
		require.Equal(t, int64(0), none, mode)
		require.NoError(t, conn.QueryRow(ctx, q, mode, 50, 1).Scan(&seeded), mode)
		require.NoError(t, conn.QueryRow(ctx, q, mode, 50, 1).Scan(&again), mode)
		require.Equal(t, seeded, again, mode)
		require.Equal(t, "2202H", pgErr(t, conn.QueryRow(ctx, q, mode, 150, 1).Scan(&all)).Code, mode)
	}
}

func TestPgxInfiniteTimes(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	inf := pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	neg := pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var tz, tzp pgtype.Timestamptz
		var ts pgtype.Timestamp
		var d, dp pgtype.Date
		var finite bool
		var text string
		require.NoError(t, conn.QueryRow(ctx, "SELECT 'infinity'::timestamptz, '-infinity'::timestamp, 'infinity'::date, $1::timestamptz, $2::date, isfinite($1::timestamptz), $1::timestamptz::text",
			mode, neg, pgtype.Date{InfinityModifier: pgtype.NegativeInfinity, Valid: true}).Scan(&tz, &ts, &d, &tzp, &dp, &finite, &text), mode)
		require.Equal(t, pgtype.Infinity, tz.InfinityModifier, mode)
		require.Equal(t, pgtype.NegativeInfinity, ts.InfinityModifier, mode)
		require.Equal(t, pgtype.Infinity, d.InfinityModifier, mode)
		require.Equal(t, pgtype.NegativeInfinity, tzp.InfinityModifier, mode)
		require.Equal(t, pgtype.NegativeInfinity, dp.InfinityModifier, mode)
		require.False(t, finite, mode)
		require.Equal(t, "-infinity", text, mode)
		// A watermark of no rows yet, passed as a parameter.
		var n int64
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu WHERE time > coalesce((SELECT max(time) FROM cpu WHERE host = 'nosuch'), $1)", mode, neg).Scan(&n), mode)
		require.Equal(t, int64(3), n, mode)
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu WHERE time < $1", mode, inf).Scan(&n), mode)
		require.Equal(t, int64(3), n, mode)
	}
	// Arrays of them, binary.
	var arr []pgtype.Timestamptz
	require.NoError(t, conn.QueryRow(ctx, "SELECT ARRAY['infinity'::timestamptz, '2024-01-01 00:00:00+00', '-infinity']").Scan(&arr))
	require.Len(t, arr, 3)
	require.Equal(t, pgtype.Infinity, arr[0].InfinityModifier)
	require.Equal(t, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), arr[1].Time.UTC())
	require.Equal(t, pgtype.NegativeInfinity, arr[2].InfinityModifier)

	// Never a row's time.
	_, err := conn.Exec(ctx, "INSERT INTO inf (time, host, v) VALUES ('2024-01-01 00:00:00+00', 'a', 1)")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "INSERT INTO inf (time, host, v) VALUES ('2024-01-02 00:00:00+00', 'a', 2), ($1, 'a', 3)", inf)
	require.Equal(t, "22008", pgErr(t, err).Code)
	require.Contains(t, pgErr(t, err).Message, "row 2, column time: timestamp 'infinity' cannot be stored")
	_, err = conn.PgConn().CopyFrom(ctx, strings.NewReader("2024-01-03 00:00:00+00\ta\t4\n-infinity\ta\t5\n"), "COPY inf (time, host, v) FROM STDIN")
	require.Equal(t, "22008", pgErr(t, err).Code)
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"inf"}, []string{"time", "host", "v"}, pgx.CopyFromRows([][]any{{inf, "a", 6.0}}))
	require.Equal(t, "22008", pgErr(t, err).Code)
	var rows int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM inf").Scan(&rows))
	require.Equal(t, int64(1), rows, "nothing more was stored")
}

// pgx's simple protocol writes parameters into the text ('2' for an int):
// LIMIT and OFFSET take them, as PostgreSQL does.
func TestPgxSimpleProtocolLimit(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeExec, pgx.QueryExecModeCacheStatement} {
		rows, err := conn.Query(ctx, "SELECT host FROM cpu ORDER BY time LIMIT $1 OFFSET $2", mode, 2, 1)
		require.NoError(t, err, mode)
		hosts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err, mode)
		require.Equal(t, []string{"b", "a"}, hosts, mode)
	}
	_, err := conn.Exec(ctx, "SELECT host FROM cpu OFFSET $1", pgx.QueryExecModeSimpleProtocol, -1)
	require.Equal(t, "2201X", pgErr(t, err).Code)
}

// Text parameters must be UTF-8 without NUL bytes (22021), in text and
// binary format; the connection goes on.
func TestPgxInvalidUTF8Parameter(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeExec, pgx.QueryExecModeCacheStatement} {
		for _, bad := range []string{"\xff\xfe", "a\x00b"} {
			var out string
			err := conn.QueryRow(ctx, "SELECT $1::text", mode, bad).Scan(&out)
			require.Equal(t, "22021", pgErr(t, err).Code, "%q %v", bad, mode)
		}
	}
	var n int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu WHERE host = $1", "a").Scan(&n))
	require.Equal(t, int64(2), n)
}

// Untyped parameters of float8 functions are float8 (pgx would truncate a
// fraction sent as int8), a fraction multiplies a numeric sum, and binary
// time arrays may hold times beyond those Strata holds.
func TestPgxParameterTypesFromContext(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	var f float64
	require.NoError(t, conn.QueryRow(ctx, "SELECT floor($1)", -2.5).Scan(&f))
	require.Equal(t, -3.0, f)
	require.NoError(t, conn.QueryRow(ctx, "SELECT ceil($1) + sign($2)", 2.5, 0.5).Scan(&f))
	require.Equal(t, 4.0, f)
	var v pgtype.Numeric
	require.NoError(t, conn.QueryRow(ctx, "SELECT sum(n) * $1 FROM cpu", 1.5).Scan(&v))
	got, err := v.Float64Value()
	require.NoError(t, err)
	require.Equal(t, 6.0, got.Float64) // (1 + 3) * 1.5
	require.NoError(t, conn.QueryRow(ctx, "SELECT sum(n) / $1 FROM cpu", 8).Scan(&v))
	got, err = v.Float64Value()
	require.NoError(t, err)
	require.Equal(t, 0.5, got.Float64)
	var n int64
	far := []time.Time{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(1700000000, 0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu WHERE time = ANY($1)", far).Scan(&n))
	require.Equal(t, int64(1), n)
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu WHERE time < ALL($1)", far[2:]).Scan(&n))
	require.Equal(t, int64(3), n)
}

// TestSetTimeZoneForms: the TimeZone values PostgreSQL 15 takes, read as
// it reads them (hours alone are east of UTC, hh:mm and UTC+5 POSIX,
// i.e. west; names in any case), shown here by the text of one instant.
func TestSetTimeZoneForms(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for zone, want := range map[string]string{
		"-5":            "2016-01-01 15:00:00-05",
		"5":             "2016-01-02 01:00:00+05",
		"05:30":         "2016-01-01 14:30:00-05:30",
		"+05:30":        "2016-01-01 14:30:00-05:30",
		"UTC+5":         "2016-01-01 15:00:00-05",
		"europe/berlin": "2016-01-01 21:00:00+01",
		"UTC":           "2016-01-01 20:00:00+00",
	} {
		_, err := conn.Exec(ctx, "SET TimeZone = '"+zone+"'")
		require.NoError(t, err, zone)
		var got string
		require.NoError(t, conn.QueryRow(ctx, "SELECT (timestamptz '2016-01-01 20:00+00')::text").Scan(&got))
		require.Equal(t, want, got, zone)
	}
	var shown string
	_, err := conn.Exec(ctx, "SET TimeZone = 'europe/berlin'")
	require.NoError(t, err)
	require.NoError(t, conn.QueryRow(ctx, "SHOW TimeZone").Scan(&shown))
	require.Equal(t, "Europe/Berlin", shown)
}

// TestEpochOfWallClockInZone: the epoch of a date or timestamp (without
// time zone) counts its reading as if in UTC, in any session time zone;
// a timestamptz's is its instant's. Expected values are PostgreSQL 15's.
func TestEpochOfWallClockInZone(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, zone := range []string{"Europe/Berlin", "Australia/Sydney", "America/New_York"} {
		_, err := conn.Exec(ctx, "SET TimeZone = '"+zone+"'")
		require.NoError(t, err)
		got := make([]float64, 6)
		require.NoError(t, conn.QueryRow(ctx, `SELECT extract(epoch FROM timestamp '2016-01-01 00:00')::float8, extract(epoch FROM date '2016-01-01')::float8,
			date_part('epoch', date '2016-07-01'), extract(epoch FROM timestamp '2016-07-01 12:00:00.5')::float8, extract(epoch FROM timestamptz '2016-01-01 00:00+00')::float8,
			extract(epoch FROM (timestamptz '2016-03-13 12:00+00' AT TIME ZONE 'UTC'))::float8`).Scan(&got[0], &got[1], &got[2], &got[3], &got[4], &got[5]))
		require.Equal(t, []float64{1451606400, 1451606400, 1467331200, 1467374400.5, 1451606400, 1457870400}, got, zone)
	}
}

// TestTimeBucketWallClockInZone: time_bucket of a timestamp (without time
// zone) or a date buckets its reading, whatever the session's time zone,
// as TimescaleDB's ts_timestamp_bucket and ts_date_bucket do (origin
// 2000-01-03, months from 2000-01-01); of a date, it is a date.
func TestTimeBucketWallClockInZone(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"} {
		_, err := conn.Exec(ctx, "SET TimeZone = '"+zone+"'")
		require.NoError(t, err)
		got := make([]string, 7)
		require.NoError(t, conn.QueryRow(ctx, `SELECT time_bucket('1 day', TIMESTAMP '2000-01-01 21:00')::text, time_bucket('6h', TIMESTAMP '2000-01-01 09:00')::text,
			time_bucket('1 hour', TIMESTAMP '2000-01-01 09:40')::text, time_bucket('1 month', TIMESTAMP '2000-02-01 02:00')::text,
			time_bucket('1 week', DATE '2000-02-01')::text, pg_typeof(time_bucket('1 week', DATE '2000-02-01'))::text,
			time_bucket('1 hour', TIMESTAMP '2000-01-01 09:40', interval '15 minutes')::text`).Scan(&got[0], &got[1], &got[2], &got[3], &got[4], &got[5], &got[6]))
		require.Equal(t, []string{"2000-01-01 00:00:00", "2000-01-01 06:00:00", "2000-01-01 09:00:00", "2000-02-01 00:00:00", "2000-01-31", "date", "2000-01-01 09:15:00"}, got, zone)
	}
}

// TestNumberParamErrors: a text parameter that is not a number of its type
// is 22P02, one out of its type's range 22003, with PostgreSQL's messages
// (not Go's strconv text).
func TestNumberParamErrors(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, tt := range []struct {
		oid       uint32
		value     string
		code, msg string
	}{
		{20, "abc", "22P02", `invalid input syntax for type bigint: "abc"`},
		{20, "99999999999999999999", "22003", `value "99999999999999999999" is out of range for type bigint`},
		{23, "3000000000", "22003", `value "3000000000" is out of range for type integer`},
		{21, "40000", "22003", `value "40000" is out of range for type smallint`},
		{701, "1e400", "22003", `value "1e400" is out of range for type double precision`},
		{701, "x1", "22P02", `invalid input syntax for type double precision: "x1"`},
	} {
		res := conn.PgConn().ExecParams(ctx, "SELECT $1", [][]byte{[]byte(tt.value)}, []uint32{tt.oid}, []int16{0}, nil).Read()
		var pgErr *pgconn.PgError
		require.ErrorAs(t, res.Err, &pgErr, tt.value)
		require.Equal(t, tt.code, pgErr.Code, tt.value)
		require.Contains(t, pgErr.Message, tt.msg)
		require.NotContains(t, pgErr.Message, "strconv")
	}
}

// TestNumericTimeZones: SET TIME ZONE with a number is hours east of UTC,
// fractions too (India's 5.5, Newfoundland's -3.5), named as PostgreSQL
// 15 names the zone. Each case checked on PostgreSQL 15.
func TestNumericTimeZones(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for _, c := range []struct{ set, name, shown string }{
		{"5.5", "<+05:30>-05:30", "2016-07-01 08:30:00+05:30"},
		{"'5.5'", "<+05:30>-05:30", "2016-07-01 08:30:00+05:30"},
		{"-3.5", "<-03:30>+03:30", "2016-06-30 23:30:00-03:30"},
		{"'-5.75'", "<-05:45>+05:45", "2016-06-30 21:15:00-05:45"},
		{"5", "<+05>-05", "2016-07-01 08:00:00+05"},
		{"'1e1'", "<+10>-10", "2016-07-01 13:00:00+10"},
		{"'+02:30'", "+02:30", "2016-07-01 00:30:00-02:30"}, // POSIX: west
	} {
		_, err := conn.Exec(ctx, "SET TIME ZONE "+c.set)
		require.NoError(t, err, c.set)
		var name, shown string
		require.NoError(t, conn.QueryRow(ctx, "SELECT current_setting('TimeZone'), (timestamptz '2016-07-01 03:00:00+00')::text").Scan(&name, &shown), c.set)
		require.Equal(t, []string{c.name, c.shown}, []string{name, shown}, c.set)
	}
	_, err := conn.Exec(ctx, "SET TIME ZONE 'nan'")
	require.Equal(t, "22023", pgErr(t, err).Code)
	// The zone's name reads back (SET, AT TIME ZONE, time_bucket in the
	// session's zone) and to_char's TZ is its abbreviation.
	for _, c := range []struct{ set, tz, at string }{
		{"-7", "-07", "2020-01-01 10:00:00-07"},
		{"5.5", "+05:30", "2020-01-01 10:00:00+05:30"},
		{"20", "+20", "2020-01-01 10:00:00+20"},
		{"'<+05:30>-05:30'", "+05:30", "2020-01-01 10:00:00+05:30"},
	} {
		_, err := conn.Exec(ctx, "SET TIME ZONE "+c.set)
		require.NoError(t, err, c.set)
		var tz, at, bucket string
		require.NoError(t, conn.QueryRow(ctx, `SELECT to_char(timestamptz '2020-01-01 00:00+00', 'TZ'), (timestamp '2020-01-01 10:00' AT TIME ZONE current_setting('TimeZone'))::text,
			time_bucket('1 month', date '1990-01-03', date '2000-02-01')::text`).Scan(&tz, &at, &bucket), c.set)
		require.Equal(t, []string{c.tz, c.at, "1990-01-01"}, []string{tz, at, bucket}, c.set)
	}
}

// TestExtraFloatDigits: with extra_float_digits 0 or less, floats are
// written with 15 (float4: 6) significant digits plus the setting, as
// PostgreSQL writes them; 1 and up keep the shortest exact form. Each
// value is PostgreSQL 15's.
func TestExtraFloatDigits(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	q := `SELECT 0.1::float8 + 0.2, 1::float8 / 3, 123456789012345678::float8, 1e-5::float8, 'NaN'::float8, '-0'::float8, 100::float8, '-Infinity'::float8, 1::float4 / 3::float4`
	for _, c := range []struct {
		set  string
		want []string
	}{
		{"0", []string{"0.3", "0.333333333333333", "1.23456789012346e+17", "1e-05", "NaN", "-0", "100", "-Infinity", "0.333333"}},
		{"-3", []string{"0.3", "0.333333333333", "1.23456789012e+17", "1e-05", "NaN", "-0", "100", "-Infinity", "0.333"}},
		{"1", []string{"0.30000000000000004", "0.3333333333333333", "1.2345678901234568e+17", "1e-05", "NaN", "-0", "100", "-Infinity", "0.33333334"}},
	} {
		_, err := conn.Exec(ctx, "SET extra_float_digits = "+c.set)
		require.NoError(t, err)
		rows, err := conn.Query(ctx, q, pgx.QueryExecModeSimpleProtocol)
		require.NoError(t, err)
		require.True(t, rows.Next())
		var got []string
		for _, v := range rows.RawValues() {
			got = append(got, string(v))
		}
		rows.Close()
		require.Equal(t, c.want, got, "extra_float_digits %s", c.set)
	}
}

// TestPgxRealParameter: $1 beside a real is described as real (OID 700),
// as PostgreSQL resolves it, and its text is read in single precision:
// x = $1 with '0.1' finds the row 0.1::real, as does a float32 sent in
// binary.
func TestPgxRealParameter(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	const q = "SELECT count(*) FROM (VALUES (0.1::real), (0.2::real)) v(x) WHERE x = $1"
	sd, err := conn.Prepare(ctx, "real_param", q)
	require.NoError(t, err)
	require.Equal(t, []uint32{700}, sd.ParamOIDs)
	for _, arg := range []any{"0.1", float32(0.1)} {
		var n int64
		require.NoError(t, conn.QueryRow(ctx, q, arg).Scan(&n), "%T", arg)
		require.Equal(t, int64(1), n, "%T", arg)
	}
	var n int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM (VALUES (0.1::real)) v(x) WHERE x IN ($1, $2)", "0.1", "0.3").Scan(&n))
	require.Equal(t, int64(1), n)
	// The parameter is a real everywhere it is compared ($1 = 0.1::float8
	// is false, as in PostgreSQL); described as float8 (its first
	// comparison is with a float8), it is one.
	var a, b bool
	require.NoError(t, conn.QueryRow(ctx, "SELECT x = $1, $1 = 0.1::float8 FROM (VALUES (0.1::real)) v(x)", "0.1").Scan(&a, &b))
	require.Equal(t, []bool{true, false}, []bool{a, b})
	require.NoError(t, conn.QueryRow(ctx, "SELECT y = $1, x = $1 FROM (VALUES (0.1::real, 0.1::float8)) v(x, y)", "0.1").Scan(&a, &b))
	require.Equal(t, []bool{true, false}, []bool{a, b})
}

// TestPgxView: CREATE VIEW and DROP VIEW with their tags, a view read
// with parameters prepared and simple, its column types in the results,
// and a view dropped with the table it reads by CASCADE.
func TestPgxView(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for i, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		v := fmt.Sprintf("per_host_%d", i)
		tag, err := conn.Exec(ctx, "CREATE VIEW "+v+" (h, peak, n) AS SELECT host, max(usage), count(*)::int FROM cpu GROUP BY 1", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "CREATE VIEW", tag.String(), mode)
		var peak float64
		var n int32
		require.NoError(t, conn.QueryRow(ctx, "SELECT peak, n FROM "+v+" WHERE h = $1", mode, "a").Scan(&peak, &n), mode)
		require.Equal(t, 3.5, peak, mode)
		require.Equal(t, int32(2), n, mode)
		tag, err = conn.Exec(ctx, "CREATE OR REPLACE VIEW "+v+" (h, peak, n, low) AS SELECT host, max(usage), count(*)::int, min(usage) FROM cpu GROUP BY 1", mode)
		require.NoError(t, err, mode)
		require.Equal(t, "CREATE VIEW", tag.String(), mode)
		_, err = conn.Exec(ctx, "INSERT INTO "+v+" (h) VALUES ('x')", mode)
		require.Equal(t, "0A000", pgErr(t, err).Code, mode)
		tag, err = conn.Exec(ctx, "DROP VIEW "+v, mode)
		require.NoError(t, err, mode)
		require.Equal(t, "DROP VIEW", tag.String(), mode)
	}
	_, err := conn.Exec(ctx, "CREATE VIEW recent AS SELECT * FROM cpu WHERE time > now() - interval '1 hour'")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "DROP TABLE cpu")
	require.Equal(t, "2BP01", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "DROP TABLE cpu CASCADE")
	require.NoError(t, err)
	var views int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_views WHERE schemaname = 'public'").Scan(&views))
	require.Zero(t, views)
}

// TestPgxInsertReturning: INSERT, UPDATE and DELETE ... RETURNING through
// pgx, prepared and simple: the row's columns (a default filled) scanned
// from QueryRow, the tags, RETURNING * described before it runs.
func TestPgxInsertReturning(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE orders (time timestamptz NOT NULL, sym text, qty bigint, price double precision, state text DEFAULT 'new', PRIMARY KEY (time, sym))")
	require.NoError(t, err)
	t0 := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	for i, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var when time.Time
		var state string
		var qty int64
		at := t0.Add(time.Duration(i) * time.Second)
		require.NoError(t, conn.QueryRow(ctx, "INSERT INTO orders (time, sym, qty, price) VALUES ($1, $2, $3, $4) RETURNING time, state, qty * 10",
			mode, at, "ACME", 7, 12.5).Scan(&when, &state, &qty), mode)
		require.True(t, when.Equal(at), mode)
		require.Equal(t, "new", state, mode)
		require.Equal(t, int64(70), qty, mode)
		rows, err := conn.Query(ctx, "INSERT INTO orders (time, sym, qty) VALUES ($1, 'X', 1), ($1, 'Y', 2) RETURNING *", mode, at)
		require.NoError(t, err, mode)
		var names []string
		for _, f := range rows.FieldDescriptions() {
			names = append(names, f.Name)
		}
		n := 0
		for rows.Next() {
			n++
		}
		require.NoError(t, rows.Err(), mode)
		require.Equal(t, 2, n, mode)
		require.Equal(t, "INSERT 0 2", rows.CommandTag().String(), mode)
		require.Equal(t, []string{"time", "sym", "qty", "price", "state"}, names, mode)
		var sym string
		require.NoError(t, conn.QueryRow(ctx, "UPDATE orders o SET qty = o.qty + $1 WHERE time = $2 AND sym = 'Y' RETURNING o.sym, qty", mode, 40, at).Scan(&sym, &qty), mode)
		require.Equal(t, [2]any{"Y", int64(42)}, [2]any{sym, qty}, mode)
	}
	rows, err := conn.Query(ctx, "DELETE FROM orders WHERE sym = 'X' RETURNING qty")
	require.NoError(t, err)
	var deleted []int64
	for rows.Next() {
		var q int64
		require.NoError(t, rows.Scan(&q))
		deleted = append(deleted, q)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []int64{1, 1}, deleted)
	require.Equal(t, "DELETE 2", rows.CommandTag().String())
	var count int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&count))
	require.Equal(t, int64(4), count)
}

// TestPgxAlterTable: ALTER TABLE ... RENAME COLUMN, DROP COLUMN, RENAME
// TO and ADD COLUMN ... DEFAULT through pgx, prepared and simple: the tag,
// a statement prepared before the rename planned again (so the old name is
// 42703, as PostgreSQL's revalidated plan gives), the columns SELECT *
// describes, the rows stored given a new column's default.
func TestPgxAlterTable(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	const q = "SELECT usage FROM cpu WHERE host = $1 ORDER BY time LIMIT 1"
	var before float64
	require.NoError(t, conn.QueryRow(ctx, q, "a").Scan(&before))
	tag, err := conn.Exec(ctx, "ALTER TABLE cpu RENAME COLUMN usage TO pct")
	require.NoError(t, err)
	require.Equal(t, "ALTER TABLE", tag.String())
	err = conn.QueryRow(ctx, q, "a").Scan(&before)
	require.Equal(t, "42703", pgErr(t, err).Code, "the prepared statement is planned again")
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		var after float64
		require.NoError(t, conn.QueryRow(ctx, "SELECT pct FROM cpu WHERE host = $1 ORDER BY time LIMIT 1", mode, "a").Scan(&after), mode)
		require.Equal(t, before, after, mode)
	}
	_, err = conn.Exec(ctx, "ALTER TABLE cpu DROP COLUMN n, DROP COLUMN IF EXISTS nosuch", pgx.QueryExecModeSimpleProtocol)
	require.NoError(t, err)
	rows, err := conn.Query(ctx, "SELECT * FROM cpu LIMIT 1")
	require.NoError(t, err)
	var names []string
	for _, f := range rows.FieldDescriptions() {
		names = append(names, f.Name)
	}
	rows.Close()
	require.Equal(t, []string{"time", "host", "region", "pct", "ok"}, names)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&n))
	_, err = conn.Exec(ctx, "ALTER TABLE cpu RENAME TO cpu_v2")
	require.NoError(t, err)
	var n2 int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu_v2").Scan(&n2))
	require.Equal(t, n, n2)
	_, err = conn.Exec(ctx, "ALTER TABLE cpu_v2 DROP COLUMN host")
	require.Equal(t, "0A000", pgErr(t, err).Code, "a tag")
	// Django's migration of a new NOT NULL column: the rows stored take the
	// default, which is then dropped.
	_, err = conn.Exec(ctx, `ALTER TABLE "cpu_v2" ADD COLUMN "flag" boolean DEFAULT false NOT NULL; ALTER TABLE "cpu_v2" ALTER COLUMN "flag" DROP DEFAULT;`)
	require.NoError(t, err)
	var unflagged int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu_v2 WHERE NOT flag").Scan(&unflagged))
	require.Equal(t, n, unflagged)
	// Django's AlterField (max_length, null=False): the type stores the
	// values as they are; SET NOT NULL finds no NULL and notes that it is
	// not enforced.
	_, err = conn.Exec(ctx, `ALTER TABLE "cpu_v2" ALTER COLUMN "region" TYPE varchar(200) USING "region"::varchar(200); ALTER TABLE "cpu_v2" ALTER COLUMN "flag" SET NOT NULL;`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `ALTER TABLE "cpu_v2" ALTER COLUMN "pct" TYPE bigint USING "pct"::bigint`)
	require.Equal(t, "0A000", pgErr(t, err).Code, "a conversion")
}

// TestPgxTimestampField: a timestamptz column other than time through
// pgx: typed $n parameters (binary), infinity, COPY in binary (CopyFrom)
// and text, NULLs; read back as time.Time in both protocols, described as
// timestamptz (1184).
func TestPgxTimestampField(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE ev (time timestamptz NOT NULL, device text, created_at timestamptz, PRIMARY KEY (time, device))")
	require.NoError(t, err)
	t0 := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	seen := time.Date(2023, 12, 31, 23, 59, 59, 123456000, time.UTC)
	_, err = conn.Exec(ctx, "INSERT INTO ev VALUES ($1, $2, $3), ($4, $5, $6)", t0, "a", seen, t0, "b", pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true})
	require.NoError(t, err)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"ev"}, []string{"time", "device", "created_at"}, pgx.CopyFromRows([][]any{
		{t0.Add(time.Second), "c", seen.Add(time.Hour)},
		{t0.Add(time.Second), "d", nil},
	}))
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	tag, err := conn.PgConn().CopyFrom(ctx, strings.NewReader("2024-03-01 12:00:02+00\te\t2024-01-01 01:00:00+01\n2024-03-01 12:00:02+00\tf\t\\N\n"), "COPY ev FROM STDIN")
	require.NoError(t, err)
	require.Equal(t, int64(2), tag.RowsAffected())

	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		rows, err := conn.Query(ctx, "SELECT device, created_at FROM ev WHERE created_at < $1 OR created_at IS NULL ORDER BY time, device", mode, t0)
		require.NoError(t, err)
		require.Equal(t, uint32(1184), rows.FieldDescriptions()[1].DataTypeOID)
		var got []string
		for rows.Next() {
			var d string
			var at *time.Time
			require.NoError(t, rows.Scan(&d, &at))
			if at == nil {
				got = append(got, d+" NULL")
			} else {
				got = append(got, d+" "+at.UTC().Format(time.RFC3339Nano))
			}
		}
		require.NoError(t, rows.Err())
		require.Equal(t, []string{"a 2023-12-31T23:59:59.123456Z", "c 2024-01-01T00:59:59.123456Z", "d NULL", "e 2024-01-01T00:00:00Z", "f NULL"}, got, mode)
		var inf pgtype.Timestamptz
		require.NoError(t, conn.QueryRow(ctx, "SELECT created_at FROM ev WHERE device = 'b'", mode).Scan(&inf), mode)
		require.Equal(t, pgtype.Infinity, inf.InfinityModifier, mode)
	}
}

// TestPgxTimeColumnName: a table whose time column is named otherwise
// (TimescaleDB's NYC taxi rides: pickup_datetime), through pgx:
// create_hypertable, CopyFrom (binary) naming it, a prepared INSERT, a
// range on it through $n, and the columns described under its name.
func TestPgxTimeColumnName(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, `CREATE TABLE rides (vendor_id text, pickup_datetime timestamptz NOT NULL, dropoff_datetime timestamptz NOT NULL, fare double precision);
		SELECT create_hypertable('rides', 'pickup_datetime');`)
	require.NoError(t, err)
	t0 := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"rides"}, []string{"vendor_id", "pickup_datetime", "dropoff_datetime", "fare"}, pgx.CopyFromRows([][]any{
		{"1", t0, t0.Add(10 * time.Minute), 12.5},
		{"2", t0.Add(time.Minute), t0.Add(30 * time.Minute), 30.0},
	}))
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	_, err = conn.Exec(ctx, "INSERT INTO rides (pickup_datetime, vendor_id, dropoff_datetime, fare) VALUES ($1, $2, $3, $4)", t0.Add(2*time.Minute), "1", t0.Add(5*time.Minute), 7.0)
	require.NoError(t, err)
	rows, err := conn.Query(ctx, "SELECT * FROM rides WHERE pickup_datetime >= $1 ORDER BY pickup_datetime", t0.Add(time.Minute))
	require.NoError(t, err)
	var names []string
	for _, f := range rows.FieldDescriptions() {
		names = append(names, f.Name)
	}
	var got []string
	for rows.Next() {
		var vendor string
		var pickup, dropoff time.Time
		var fare float64
		require.NoError(t, rows.Scan(&vendor, &pickup, &dropoff, &fare))
		got = append(got, fmt.Sprintf("%s %s %s %g", pickup.UTC().Format(time.TimeOnly), vendor, dropoff.UTC().Format(time.TimeOnly), fare))
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"vendor_id", "pickup_datetime", "dropoff_datetime", "fare"}, names, "in the order declared, as PostgreSQL")
	require.Equal(t, []string{"00:01:00 2 00:30:00 30", "00:02:00 1 00:05:00 7"}, got)
}

// TestPgxCompression runs TimescaleDB's compression setup as its
// tutorials write it (simple protocol, several statements in one), then
// compresses the chunks per row of show_chunks with a parameter (extended
// protocol), through CALL too, and reads the stats: every chunk compressed,
// smaller than its values written plainly.
func TestPgxCompression(t *testing.T) {
	s := startServer(t)
	var notices []*pgconn.Notice
	conn := connectNoticed(t, s, "db", &notices)
	ctx := context.Background()
	_, err := conn.Exec(ctx, `CREATE TABLE conditions (time timestamptz NOT NULL, device_id text, temperature double precision);
		SELECT create_hypertable('conditions', by_range('time'));
		INSERT INTO conditions SELECT t, 'dev' || (extract(minute from t)::int % 4), 20 + extract(hour from t) FROM generate_series(TIMESTAMPTZ '2024-03-01', '2024-03-03 23:59', INTERVAL '1 minute') t;
		ALTER TABLE conditions SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id', timescaledb.compress_orderby = 'time DESC');
		SELECT add_compression_policy('conditions', compress_after => INTERVAL '7 days');`)
	require.NoError(t, err)
	var status string
	require.NoError(t, conn.QueryRow(ctx, "SELECT string_agg(DISTINCT compression_status, ',') FROM chunk_compression_stats('conditions')").Scan(&status))
	require.Equal(t, "Uncompressed", status, "the rows wait in the write buffer")

	rows, err := conn.Query(ctx, "SELECT compress_chunk(c, if_not_compressed => $1) FROM show_chunks('conditions', older_than => $2::interval) c", true, "1 day")
	require.NoError(t, err)
	var chunks []string
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		chunks = append(chunks, c)
	}
	require.NoError(t, rows.Err())
	require.Len(t, chunks, 3)
	require.Regexp(t, `^_timescaledb_internal\._hyper_\d+_\d+_chunk$`, chunks[0])
	require.Len(t, notices, 2, "the first call persisted every chunk: the others are compressed already")
	require.Contains(t, notices[0].Message, "is already converted to columnstore")

	var total, compressed, before, after int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT total_chunks, number_compressed_chunks, before_compression_total_bytes, after_compression_total_bytes FROM hypertable_compression_stats('conditions')").
		Scan(&total, &compressed, &before, &after))
	require.Equal(t, []int64{3, 3}, []int64{total, compressed})
	require.Equal(t, int64(3*1440*(8+8+4+4)), before, "time, temperature and a four-letter device_id with its length")
	require.Less(t, after, before/3)

	var config, segmentby string
	require.NoError(t, conn.QueryRow(ctx, "SELECT config::text FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'").Scan(&config))
	require.Contains(t, config, `"compress_after": "7 days"`)
	require.NoError(t, conn.QueryRow(ctx, "SELECT segmentby FROM timescaledb_information.hypertable_compression_settings WHERE hypertable = $1::regclass", "conditions").Scan(&segmentby))
	require.Equal(t, "device_id", segmentby)

	tag, err := conn.Exec(ctx, "CALL convert_to_columnstore($1)", chunks[0])
	require.NoError(t, err)
	require.Equal(t, "CALL", tag.String())
	_, err = conn.Exec(ctx, "SELECT compress_chunk($1, false)", chunks[0])
	require.Equal(t, "42710", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "ALTER TABLE conditions SET (timescaledb.compress = false)")
	require.Equal(t, "0A000", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "ALTER TABLE conditions SET (timescaledb.compress_segmentby = 'nope')")
	pe := pgErr(t, err)
	require.Equal(t, "42601", pe.Code)
	require.Contains(t, pe.Hint, "must reference a valid column")
}

// TestPgxDeclaredTypes: pgx reads columns declared integer, smallint and
// real in their binary forms (4, 2 and 4 bytes) into Go's int32, int16
// and float32, and its binary COPY, which encodes each value as the
// column's type, loads them; a value out of the type's range is refused
// with the line and column.
func TestPgxDeclaredTypes(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE decl (time timestamptz NOT NULL, code varchar(8), n integer, s smallint, r real)")
	require.NoError(t, err)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"decl"}, []string{"time", "code", "n", "s", "r"}, pgx.CopyFromRows([][]any{
		{time.Unix(0, 0), "ab", int32(math.MaxInt32), int16(-3), float32(0.1)},
		{time.Unix(1, 0), "cd", int32(math.MinInt32), int16(math.MaxInt16), float32(2.5)},
	}))
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	rows, err := conn.Query(ctx, "SELECT code, n, s, r FROM decl ORDER BY time")
	require.NoError(t, err)
	var got [][]any
	for rows.Next() {
		var code string
		var n32 int32
		var s16 int16
		var r32 float32
		require.NoError(t, rows.Scan(&code, &n32, &s16, &r32))
		got = append(got, []any{code, n32, s16, r32})
	}
	require.NoError(t, rows.Err())
	require.Equal(t, [][]any{{"ab", int32(math.MaxInt32), int16(-3), float32(0.1)}, {"cd", int32(math.MinInt32), int16(math.MaxInt16), float32(2.5)}}, got)
	var oids []uint32
	var typmods []int32
	for _, f := range rows.FieldDescriptions() {
		oids, typmods = append(oids, f.DataTypeOID), append(typmods, f.TypeModifier)
	}
	require.Equal(t, []uint32{1043, 23, 21, 700}, oids)
	require.Equal(t, []int32{12, -1, -1, -1}, typmods, "varchar(8)'s modifier, as PostgreSQL's RowDescription")

	_, err = conn.CopyFrom(ctx, pgx.Identifier{"decl"}, []string{"time", "code"}, pgx.CopyFromRows([][]any{{time.Unix(2, 0), "longer than eight"}}))
	e := pgErr(t, err)
	require.Equal(t, "22001", e.Code)
	require.Contains(t, e.Message, "column code: value too long for type character varying(8)")
	// $1 is described as the column's int4 (as PostgreSQL infers it), so
	// pgx itself refuses a value past it; sent as a bigint, the server
	// does.
	_, err = conn.Exec(ctx, "UPDATE decl SET n = $1 WHERE code = 'ab'", int64(math.MaxInt32)+1)
	require.ErrorContains(t, err, "greater than maximum value for int4")
	_, err = conn.Exec(ctx, "UPDATE decl SET n = $1::bigint WHERE code = 'ab'", int64(math.MaxInt32)+1)
	require.Equal(t, "22003", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "UPDATE decl SET n = $1, s = $2 WHERE code = 'ab'", int32(7), int16(8))
	require.NoError(t, err)
	var n32 int32
	require.NoError(t, conn.QueryRow(ctx, "SELECT n FROM decl WHERE code = $1", "ab").Scan(&n32))
	require.Equal(t, int32(7), n32)
}

// TestPgxDeclaredTimes: columns declared date and timestamp (without time
// zone) over pgx's binary protocol: CopyFrom sends a date as four bytes
// (days since 2000) and a timestamp as its reading, both read back as sent
// (pgx decodes a timestamp as UTC's time.Time of its reading, a date as
// its midnight) whatever the session's zone; RowDescription carries 1082
// and 1114; a date parameter compares with the column.
func TestPgxDeclaredTimes(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE trade (time timestamptz NOT NULL, sym text, day date, at timestamp, PRIMARY KEY (time, sym))")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SET TIME ZONE 'Asia/Tokyo'")
	require.NoError(t, err)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"trade"}, []string{"time", "sym", "day", "at"}, pgx.CopyFromRows([][]any{
		{time.Unix(0, 0), "a", day(2024, 3, 10), time.Date(2024, 3, 10, 2, 30, 0, 0, time.UTC)},
		{time.Unix(1, 0), "b", day(1999, 12, 31), time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)},
	}))
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	_, err = conn.Exec(ctx, "SET TIME ZONE 'America/New_York'")
	require.NoError(t, err)
	rows, err := conn.Query(ctx, "SELECT sym, day, at, day::text, at::text FROM trade WHERE day >= $1 ORDER BY sym", day(1999, 12, 31))
	require.NoError(t, err)
	var got [][]any
	for rows.Next() {
		var sym, dayText, atText string
		var d, at time.Time
		require.NoError(t, rows.Scan(&sym, &d, &at, &dayText, &atText))
		got = append(got, []any{sym, d, at, dayText, atText})
	}
	require.NoError(t, rows.Err())
	require.Equal(t, [][]any{
		{"a", day(2024, 3, 10), time.Date(2024, 3, 10, 2, 30, 0, 0, time.UTC), "2024-03-10", "2024-03-10 02:30:00"},
		{"b", day(1999, 12, 31), time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), "1999-12-31", "1999-12-31 23:59:59"},
	}, got)
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	require.Equal(t, []uint32{25, 1082, 1114, 25, 25}, oids)
	var count int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM trade WHERE day = $1", day(2024, 3, 10)).Scan(&count))
	require.Equal(t, 1, count, "a date parameter in New York names the stored day")
	_, err = conn.Exec(ctx, "INSERT INTO trade (time, sym, day) VALUES (now(), 'c', 'not a date')")
	e := pgErr(t, err)
	require.Equal(t, "22007", e.Code)
	require.Contains(t, e.Message, `invalid input syntax for type date: "not a date"`)
}

// TestPgxDeclaredNumeric: a column declared numeric(10,2) over pgx's
// binary protocol. CopyFrom and parameters send numerics (the column and
// the parameter are described as numeric), read as their decimals (2.675,
// sent as a float8 or as a numeric, rounds to 2.68 as in PostgreSQL);
// RowDescription carries 1700 and numeric(10,2)'s type modifier; values
// come back with two places; one too large is PostgreSQL's 22003 with its
// detail.
func TestPgxDeclaredNumeric(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE fills (time timestamptz NOT NULL, sym text, px numeric(10,2), qty numeric, PRIMARY KEY (time, sym))")
	require.NoError(t, err)
	dec := func(v int64, exp int32) pgtype.Numeric {
		return pgtype.Numeric{Int: big.NewInt(v), Exp: exp, Valid: true}
	}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"fills"}, []string{"time", "sym", "px", "qty"}, pgx.CopyFromRows([][]any{
		{time.Unix(0, 0), "a", 2.675, 1.5},
		{time.Unix(1, 0), "b", dec(100049, -5), dec(7, 0)},
	}))
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	_, err = conn.Exec(ctx, "INSERT INTO fills VALUES ($1, 'c', $2, $3)", time.Unix(2, 0), 3.14159, dec(25, -3))
	require.NoError(t, err)
	rows, err := conn.Query(ctx, "SELECT sym, px, px::text, qty, qty::text FROM fills WHERE px > $1 ORDER BY sym", 0.5)
	require.NoError(t, err)
	var got [][]any
	for rows.Next() {
		var sym, pxText, qtyText string
		var px pgtype.Numeric
		var qty float64
		require.NoError(t, rows.Scan(&sym, &px, &pxText, &qty, &qtyText))
		f, err := px.Float64Value()
		require.NoError(t, err)
		got = append(got, []any{sym, f.Float64, pxText, qty, qtyText})
	}
	require.NoError(t, rows.Err())
	require.Equal(t, [][]any{
		{"a", 2.68, "2.68", 1.5, "1.5"},
		{"b", 1.0, "1.00", 7.0, "7"},
		{"c", 3.14, "3.14", 0.025, "0.025"},
	}, got)
	fd := rows.FieldDescriptions()
	require.Equal(t, uint32(1700), fd[1].DataTypeOID)
	require.Equal(t, int32(10<<16|2+4), fd[1].TypeModifier)
	require.Equal(t, uint32(1700), fd[3].DataTypeOID)
	require.Equal(t, int32(-1), fd[3].TypeModifier)

	var sum string
	require.NoError(t, conn.QueryRow(ctx, "SELECT sum(px)::text FROM fills").Scan(&sum))
	require.Equal(t, "6.82", sum)
	_, err = conn.Exec(ctx, "INSERT INTO fills VALUES ($1, 'd', $2, 1)", time.Unix(3, 0), 99999999.995)
	e := pgErr(t, err)
	require.Equal(t, "22003", e.Code)
	require.Equal(t, "numeric field overflow", e.Message)
	require.Contains(t, e.Detail, "A field with precision 10, scale 2 must round to an absolute value less than 10^8")
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"fills"}, []string{"time", "sym", "px"}, pgx.CopyFromRows([][]any{{time.Unix(4, 0), "e", dec(1, 8)}}))
	require.Equal(t, "22003", pgErr(t, err).Code)
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM fills").Scan(&n))
	require.Equal(t, int64(3), n, "nothing of the refused writes is stored")
}
