package pgwire

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

func TestStartupOptions(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want [][2]string
		err  string
	}{
		{"-c statement_timeout=1234 -c search_path=foo,public", [][2]string{{"statement_timeout", "1234"}, {"search_path", "foo,public"}}, ""},
		{"-cstatement_timeout=5 --application-name=my\\ app", [][2]string{{"statement_timeout", "5"}, {"application_name", "my app"}}, ""},
		{"  ", nil, ""},
		{"-x", nil, "invalid command-line argument for server process: -x"},
		{"-c novalue", nil, "invalid command-line argument"},
	} {
		got, err := startupOptions(tt.in)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

// TestStartupOptionsApplied: pgx's RuntimeParams "options" (libpq's
// PGOPTIONS) set the session's settings, as pooled and ORM connections set
// statement_timeout and search_path.
func TestStartupOptionsApplied(t *testing.T) {
	s := startServer(t)
	cfg, err := pgx.ParseConfig(s.dsn("db"))
	require.NoError(t, err)
	cfg.RuntimeParams["options"] = "-c statement_timeout=1234 -c application_name=from\\ options"
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var timeout, app string
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT current_setting('statement_timeout'), current_setting('application_name')").Scan(&timeout, &app))
	require.Equal(t, []string{"1234ms", "from options"}, []string{timeout, app})
	cfg.RuntimeParams["options"] = "-x"
	_, err = pgx.ConnectConfig(context.Background(), cfg)
	require.ErrorContains(t, err, "invalid command-line argument")
}

func TestStatementTimeoutSetting(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	// As PostgreSQL 15 shows them.
	for in, want := range map[string]string{"100": "100ms", "5000": "5s", "'1.5s'": "1500ms", "60000": "1min", "0": "0", "'90min'": "90min", "'1500us'": "2ms"} {
		_, err := conn.Exec(ctx, "SET statement_timeout = "+in)
		require.NoError(t, err, in)
		var got string
		require.NoError(t, conn.QueryRow(ctx, "SHOW statement_timeout").Scan(&got))
		require.Equal(t, want, got, in)
	}
	_, err := conn.Exec(ctx, "SET statement_timeout = 'abc'")
	require.Equal(t, "22023", pgErr(t, err).Code)
}

// TestSetLocal: SET LOCAL lasts until its transaction ends; outside one it
// warns (25P01) and changes nothing; a plain SET in the transaction stays.
// As PostgreSQL 15 answers.
func TestSetLocal(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	show := func(name string) string {
		var v string
		require.NoError(t, conn.QueryRow(ctx, "SHOW "+name).Scan(&v))
		return v
	}
	_, err := conn.Exec(ctx, "SET TimeZone = 'Europe/Berlin'")
	require.NoError(t, err)
	for _, end := range []string{"COMMIT", "ROLLBACK"} {
		_, err = conn.Exec(ctx, "BEGIN")
		require.NoError(t, err)
		_, err = conn.Exec(ctx, "SET LOCAL application_name = 'z'")
		require.NoError(t, err)
		_, err = conn.Exec(ctx, "SET LOCAL TimeZone = 'Asia/Tokyo'")
		require.NoError(t, err)
		require.Equal(t, "z", show("application_name"))
		require.Equal(t, "Asia/Tokyo", show("TimeZone"))
		var noon string
		require.NoError(t, conn.QueryRow(ctx, "SELECT (timestamptz '2024-01-01 03:00+00')::text").Scan(&noon))
		require.Equal(t, "2024-01-01 12:00:00+09", noon)
		_, err = conn.Exec(ctx, end)
		require.NoError(t, err)
		require.Equal(t, "", show("application_name"), end)
		require.Equal(t, "Europe/Berlin", show("TimeZone"), end)
		require.Equal(t, "Europe/Berlin", conn.PgConn().ParameterStatus("TimeZone"), "reported back")
	}
	_, err = conn.Exec(ctx, "SET LOCAL application_name = 'q'")
	require.NoError(t, err)
	require.Equal(t, "", show("application_name"), "no transaction: no effect")
	_, err = conn.Exec(ctx, "BEGIN; SET LOCAL application_name = 'a'; SET application_name = 'b'; COMMIT")
	require.NoError(t, err)
	require.Equal(t, "b", show("application_name"))
}

// TestCastParamsRoundTrip: parameters described by their cast's type
// ($1::date, $1::int4, $1::numeric, $1::float4) come back from pgx, which
// encodes each as the described type in binary.
func TestCastParamsRoundTrip(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	day := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	var gotDay time.Time
	var i4 int32
	var f4 float32
	var num, text string
	require.NoError(t, conn.QueryRow(ctx, "SELECT $1::date, $2::int4 + 1, $3::float4, ($4::numeric * 2)::text, $5",
		day, int32(41), float32(1.5), "2.25", "free").Scan(&gotDay, &i4, &f4, &num, &text))
	require.True(t, day.Equal(gotDay), gotDay)
	require.Equal(t, int32(42), i4)
	require.Equal(t, float32(1.5), f4)
	require.Equal(t, "4.50", num) // sent as 2.25: PostgreSQL keeps its scale
	require.Equal(t, "free", text)
}

// TestSavepointNames: RELEASE and ROLLBACK TO a savepoint that does not
// exist (or was released) fail with 3B001 and the transaction with them,
// as in PostgreSQL 15.
func TestSavepointNames(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN; SAVEPOINT a; SAVEPOINT b; ROLLBACK TO a; RELEASE a"})
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete SAVEPOINT", "CommandComplete SAVEPOINT", "CommandComplete ROLLBACK", "CommandComplete RELEASE", "ReadyForQuery T"}, r.until())
	r.send(&pgproto3.Query{String: "RELEASE b"})
	require.Equal(t, []string{"Error 3B001", "ReadyForQuery E"}, r.until(), "b went with ROLLBACK TO a")
	r.send(&pgproto3.Query{String: "ROLLBACK"})
	r.until()
	r.send(&pgproto3.Query{String: "BEGIN; ROLLBACK TO SAVEPOINT nope"})
	require.Equal(t, []string{"CommandComplete BEGIN", "Error 3B001", "ReadyForQuery E"}, r.until())
	r.send(&pgproto3.Query{String: "ROLLBACK"})
	r.until()
}

// TestDateStyleOrder: a day-first DateStyle is refused rather than read
// month first (it was accepted and ignored: '03/04/2020' meant March 4).
func TestDateStyleOrder(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	_, err := conn.Exec(context.Background(), "SET DateStyle = 'ISO, DMY'")
	require.Equal(t, "0A000", pgErr(t, err).Code)
	_, err = conn.Exec(context.Background(), "SET DateStyle = 'ISO, MDY'")
	require.NoError(t, err)
}

// TestSettingChecks: extra_float_digits outside -15..3 and START
// TRANSACTION's tag, as PostgreSQL 15 answers.
func TestSettingChecks(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "SET extra_float_digits = 10"})
	require.Equal(t, []string{"Error 22023", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "SET extra_float_digits = 'x'"})
	require.Equal(t, []string{"Error 22023", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "SET extra_float_digits = 3"})
	require.Equal(t, []string{"CommandComplete SET", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "START TRANSACTION; COMMIT; BEGIN; COMMIT"})
	require.Equal(t, []string{"CommandComplete START TRANSACTION", "CommandComplete COMMIT", "CommandComplete BEGIN", "CommandComplete COMMIT", "ReadyForQuery I"}, r.until())
}

// TestTransactionChain: COMMIT/ROLLBACK AND CHAIN begin the next
// transaction at once; outside a block they are 25P01; DISCARD ALL inside
// one is 25001. As PostgreSQL 15 answers.
func TestTransactionChain(t *testing.T) {
	s := startServer(t)
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN; COMMIT AND CHAIN"})
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete COMMIT", "ReadyForQuery T"}, r.until())
	r.send(&pgproto3.Query{String: "ROLLBACK AND NO CHAIN"})
	require.Equal(t, []string{"CommandComplete ROLLBACK", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Query{String: "COMMIT AND CHAIN"})
	require.Equal(t, []string{"Error 25P01", "ReadyForQuery I"}, r.until())
	r.send(&pgproto3.Parse{Name: "kept", Query: "SELECT 1"}, &pgproto3.Sync{})
	r.until()
	r.send(&pgproto3.Query{String: "BEGIN"})
	r.until()
	r.send(&pgproto3.Query{String: "DISCARD ALL"})
	require.Equal(t, []string{"Error 25001", "ReadyForQuery E"}, r.until())
	r.send(&pgproto3.Parse{Query: "SELECT 1"}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 25P02", "ReadyForQuery E"}, r.until(), "Parse in a failed transaction")
	r.send(&pgproto3.Describe{ObjectType: 'S', Name: "kept"}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 25P02", "ReadyForQuery E"}, r.until(), "Describe in a failed transaction")
	r.send(&pgproto3.Parse{Query: "ROLLBACK"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "CommandComplete ROLLBACK", "ReadyForQuery I"}, r.until())
}
