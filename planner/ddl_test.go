package planner_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// ddlRunner returns a function that parses and runs a DDL statement.
func ddlRunner(t *testing.T, p *planner.Planner, sess *planner.Session) func(q string) (planner.DDLResult, error) {
	return func(q string) (planner.DDLResult, error) {
		t.Helper()
		stmts, err := sql.Parse(q)
		require.NoError(t, err, q)
		return p.RunDDL(context.Background(), sess, stmts[0])
	}
}

// noticeTexts are the messages of NOTICEs that all carry SQLSTATE code.
func noticeTexts(ns []planner.Notice, code string) []string {
	var out []string
	for _, n := range ns {
		if n.Severity != "NOTICE" || n.Code != code {
			return []string{fmt.Sprintf("unexpected notice %+v", n)}
		}
		out = append(out, n.Msg)
	}
	return out
}

// TestDropTableAndTruncate: TRUNCATE empties tables and keeps their
// columns; DROP TABLE deletes them; both find every table named before
// changing any (one missing changes nothing); DROP TABLE IF EXISTS skips
// missing tables and schemas with PostgreSQL's notices; the errors are
// PostgreSQL's.
func TestDropTableAndTruncate(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	var lpp lp.Parser
	res := lpp.Parse([]byte("a,host=h v=1 10\nb,host=h v=2 10\nc,host=h v=3 10\nd,host=h w=4i 10\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	require.NoError(t, e.Persist(ctx))
	res = lpp.Parse([]byte("a,host=g v=5 20\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
	rows := x.rowsOf(t)
	ddl := ddlRunner(t, p, sess)
	run := func(q string) ([]string, error) {
		res, err := ddl(q)
		return noticeTexts(res.Notices, "00000"), err
	}
	tables := func() []any {
		t.Helper()
		var names []any
		for _, r := range rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1") {
			names = append(names, r[0])
		}
		return names
	}

	// One missing table: nothing is emptied or dropped.
	_, err := run("TRUNCATE a, nosuch")
	require.Equal(t, planner.CodeUndefinedTable, planner.AsError(err).Code)
	require.Equal(t, `relation "nosuch" does not exist`, planner.AsError(err).Msg)
	require.Equal(t, [][]any{{int64(2)}}, rows("SELECT count(*) FROM a"))
	_, err = run("DROP TABLE b, nosuch")
	require.Equal(t, `table "nosuch" does not exist`, planner.AsError(err).Msg)
	require.Equal(t, []any{"a", "b", "c", "d"}, tables())

	// TRUNCATE: the buffered row and the file's go; the columns stay.
	notices, err := run("TRUNCATE TABLE ONLY a, public.a")
	require.NoError(t, err)
	require.Empty(t, notices)
	require.Equal(t, [][]any{{int64(0)}}, rows("SELECT count(*) FROM a"))
	r, err := x.Query(ctx, "SELECT host, v FROM a")
	require.NoError(t, err)
	require.Len(t, r.Columns, 2)
	require.Equal(t, "host", r.Columns[0].Name)
	require.Equal(t, "v", r.Columns[1].Name)
	require.NoError(t, e.Write(ctx, "db", lpp.Parse([]byte("a,host=k v=6 30\n"), lp.Options{Precision: lp.Nanosecond}).Tables, storage.WriteOptions{}))
	require.Equal(t, [][]any{{"k", 6.0}}, rows("SELECT host, v FROM a"), "rows written after TRUNCATE stay")

	// DROP TABLE IF EXISTS: missing tables and schemas are skipped.
	notices, err = run(`DROP TABLE IF EXISTS b, nosuch, foo.bar, "c", c`)
	require.NoError(t, err)
	require.Equal(t, []string{`table "nosuch" does not exist, skipping`, `schema "foo" does not exist, skipping`}, notices)
	require.Equal(t, []any{"a", "d"}, tables())
	_, err = x.Query(ctx, "SELECT * FROM b")
	require.Equal(t, planner.CodeUndefinedTable, planner.AsError(err).Code)

	// The name again: a new table, with the types its first write gives.
	require.NoError(t, e.Write(ctx, "db", lpp.Parse([]byte("b,site=s v=\"text now\" 40\n"), lp.Options{Precision: lp.Nanosecond}).Tables, storage.WriteOptions{}))
	require.Equal(t, [][]any{{"s", "text now"}}, rows("SELECT site, v FROM b"))

	// Through Run (the HTTP API and the CLI): a count of 0.
	r, err = x.Query(ctx, "DROP TABLE d")
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(0)}}, r.Rows)

	x.requireCodes(t, map[string]string{
		"DROP TABLE nosuch":                         "42P01",
		"DROP TABLE foo.a":                          "3F000",
		"TRUNCATE foo.a":                            "3F000",
		"TRUNCATE pg_class":                         "42501",
		"DROP TABLE pg_catalog.pg_class":            "42501",
		"DROP TABLE information_schema.tables":      "42809",
		"TRUNCATE information_schema.columns":       "42809",
		"DROP TABLE other.public.a":                 "0A000",
		"DROP TABLE IF EXISTS information_schema.x": "42809",
	})
	require.Equal(t, []any{"a", "b"}, tables(), "no failed statement dropped anything")

	// No parameters, no result columns.
	stmts, err := sql.Parse("TRUNCATE a")
	require.NoError(t, err)
	cols, params, err := p.Describe(ctx, sess, stmts[0])
	require.NoError(t, err)
	require.Empty(t, cols)
	require.Empty(t, params)
}

// TestCreateTable: CREATE TABLE makes an empty table with the stored types
// its columns map to (text in the key or, without a key, every text column
// a tag), which information_schema shows and writes are checked against;
// IF NOT EXISTS skips with PostgreSQL's notice; the errors are
// PostgreSQL's or name what Strata cannot keep.
func TestCreateTable(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	run := ddlRunner(t, p, sess)
	res, err := run(`CREATE TABLE conditions (time TIMESTAMPTZ NOT NULL, location TEXT NOT NULL, temperature DOUBLE PRECISION NULL,
		n bigint, ok boolean, price numeric(10,2), site varchar(20))`)
	require.NoError(t, err)
	require.Equal(t, 1, res.Tables)
	require.Empty(t, res.Notices)
	cols, err := e.TableSchema("db", "conditions")
	require.NoError(t, err)
	require.Equal(t, []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime, Num: 1}, {Name: "location", Type: storage.TypeTag, Num: 2, NotNull: true},
		{Name: "site", Type: storage.TypeTag, SQLType: "character varying(20)", Num: 7}, {Name: "temperature", Type: storage.TypeFloat, Num: 3},
		{Name: "n", Type: storage.TypeInt, Num: 4}, {Name: "ok", Type: storage.TypeBool, Num: 5}, {Name: "price", Type: storage.TypeFloat, SQLType: "numeric(10,2)", Num: 6}},
		cols, "without a key, text columns are tags; numbered as declared")
	rows := x.rowsOf(t)
	require.Equal(t, [][]any{{"location", "text"}, {"n", "bigint"}, {"ok", "boolean"}, {"price", "numeric"}, {"site", "character varying"},
		{"temperature", "double precision"}, {"time", "timestamp with time zone"}},
		rows("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'conditions' ORDER BY 1"))
	require.Equal(t, [][]any{{int64(0)}}, rows("SELECT count(*) FROM conditions"))
	rows("INSERT INTO conditions (time, location, temperature) VALUES ('2024-01-01', 'office', 20.5)")
	require.Equal(t, [][]any{{"office", 20.5, nil}}, rows("SELECT location, temperature, n FROM conditions"))
	_, err = x.Query(ctx, "INSERT INTO conditions (time, location, ok) VALUES ('2024-01-01', 'office', 'yes, surely')")
	require.Equal(t, "22P02", planner.AsError(err).Code, "values convert to the declared type")

	// A key: its text columns are tags, the others fields.
	_, err = run(`CREATE TABLE IF NOT EXISTS public.m (time timestamp(3) with time zone, host text, note text, v int, PRIMARY KEY (time, host))`)
	require.NoError(t, err)
	cols, err = e.TableSchema("db", "m")
	require.NoError(t, err)
	require.Equal(t, []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime, SQLType: "timestamp(3) with time zone", Num: 1}, {Name: "host", Type: storage.TypeTag, Num: 2, NotNull: true},
		{Name: "note", Type: storage.TypeString, Num: 3}, {Name: "v", Type: storage.TypeInt, SQLType: "integer", Num: 4}}, cols, "the key's columns are NOT NULL")
	res, err = run(`CREATE TABLE IF NOT EXISTS m (time jsonb)`)
	require.NoError(t, err)
	require.Equal(t, planner.DDLResult{Notices: []planner.Notice{{Severity: "NOTICE", Code: "42P07", Msg: `relation "m" already exists, skipping`}}}, res)
	_, err = run(`CREATE TABLE q (time timestamptz, sym symbol, price float8)`)
	require.NoError(t, err)
	typ, _ := e.ColumnType("db", "q", "sym")
	require.Equal(t, storage.TypeTag, typ, "QuestDB's symbol is a tag")

	x.requireCodes(t, map[string]string{
		"CREATE TABLE m (time timestamptz)":                               "42P07",
		"CREATE TABLE pg_class (time timestamptz)":                        "42939",
		"CREATE TABLE nosuch.t (time timestamptz)":                        "3F000",
		"CREATE TABLE information_schema.t (time timestamptz)":            "42501",
		"CREATE TABLE t (ts timestamptz, ts2 timestamptz, v int)":         "42P16",
		"CREATE TABLE t (time int)":                                       "42P16",
		"CREATE TABLE t (time timestamptz, v int, v text)":                "42701",
		"CREATE TABLE t (time timestamptz, v int, PRIMARY KEY (time, v))": "42P16",
		"CREATE TABLE t (time timestamptz, PRIMARY KEY (time, host))":     "42703",
		"CREATE TABLE t (time timestamptz, v jsonb)":                      "0A000",
		"CREATE TABLE t (time timestamptz, at interval)":                  "0A000",
		"CREATE TABLE other.public.t (time timestamptz)":                  "0A000",
	})
	_, err = e.TableSchema("db", "t")
	require.Error(t, err, "no failed CREATE TABLE made a table")
	_, err = run("CREATE TABLE t (ts timestamptz, ts2 timestamptz, v int)")
	require.Equal(t, "a table's rows are named by their time: make one timestamp column NOT NULL (or part of the PRIMARY KEY), or name it time", planner.AsError(err).Hint)
}

// TestCreateHypertable: TimescaleDB's create_hypertable, in both its forms
// and with named arguments, checks that the table is stored and the column
// its time, and answers TimescaleDB's row; its errors are TimescaleDB's
// and PostgreSQL's.
func TestCreateHypertable(t *testing.T) {
	_, _, _, _, x := openRewriteTest(t)
	ctx := context.Background()
	rows := x.rowsOf(t)
	rows("CREATE TABLE conditions (time timestamptz NOT NULL, location text, temperature double precision)")
	id := planner.TableOID("db", "conditions")
	require.Equal(t, [][]any{{fmt.Sprintf("(%d,public,conditions,t)", id)}}, rows("SELECT create_hypertable('conditions', 'time')"))
	require.Equal(t, [][]any{{fmt.Sprintf("(%d,public,conditions,t)", id)}},
		rows("SELECT create_hypertable('conditions', 'time', chunk_time_interval => INTERVAL '1 hour', if_not_exists => TRUE)"))
	require.Equal(t, [][]any{{fmt.Sprintf("(%d,t)", id)}}, rows("SELECT create_hypertable('conditions', by_range('time'))"))
	require.Equal(t, [][]any{{fmt.Sprintf("(%d,t)", id)}}, rows("SELECT create_hypertable('public.conditions', by_range('time', INTERVAL '1 day'), if_not_exists => true)"))
	x.requireCodes(t, map[string]string{
		"SELECT create_hypertable('nosuch', 'time')":                    "42P01",
		"SELECT create_hypertable('pg_class', 'time')":                  "TS001",
		"SELECT create_hypertable('conditions', 'nope')":                "42703",
		"SELECT create_hypertable('conditions', 'location')":            "0A000",
		"SELECT create_hypertable('conditions')":                        "42883",
		"SELECT create_hypertable('conditions', 'time', nonsense => 1)": "42883",
	})
	_, err := x.Query(ctx, "SELECT create_hypertable('conditions', 'location')")
	require.Contains(t, planner.AsError(err).Hint, "create_hypertable('conditions', 'time')")
}

// TestCreateDropDatabase: CREATE DATABASE and DROP DATABASE [IF EXISTS],
// with PostgreSQL's errors; the session's database is not dropped.
func TestCreateDropDatabase(t *testing.T) {
	_, e, p, sess, _ := openRewriteTest(t)
	run := ddlRunner(t, p, sess)
	names := func() []string {
		var out []string
		for _, d := range e.Databases() {
			out = append(out, d.Name)
		}
		return out
	}
	_, err := run("CREATE DATABASE metrics WITH ENCODING 'UTF8'")
	require.NoError(t, err)
	require.Equal(t, []string{"metrics"}, names())
	_, err = run("CREATE DATABASE metrics")
	require.Equal(t, "42P04", planner.AsError(err).Code)
	_, err = run("DROP DATABASE metrics")
	require.NoError(t, err)
	require.Empty(t, names())
	_, err = run("DROP DATABASE metrics")
	require.Equal(t, "3D000", planner.AsError(err).Code)
	res, err := run("DROP DATABASE IF EXISTS metrics")
	require.NoError(t, err)
	require.Equal(t, []string{`database "metrics" does not exist, skipping`}, noticeTexts(res.Notices, "00000"))
	_, err = run("CREATE DATABASE db")
	require.NoError(t, err)
	_, err = run("DROP DATABASE db")
	require.Equal(t, "55006", planner.AsError(err).Code, "the session's own")
	require.Equal(t, []string{"db"}, names())
}

// TestAlterTableAddColumn: ALTER TABLE ... ADD COLUMN adds fields (text a
// string field) and tags (typed tag), which queries see at once with NULL
// in the rows stored and writes are checked against; PostgreSQL's errors
// and notices.
func TestAlterTableAddColumn(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	run := ddlRunner(t, p, sess)
	rows("INSERT INTO m (time, host, v) VALUES ('2024-01-01', 'a', 1.5)")
	res, err := run("ALTER TABLE m ADD COLUMN note text, ADD n bigint NOT NULL DEFAULT 0, ADD region tag")
	require.NoError(t, err)
	require.Equal(t, 1, res.Tables)
	require.Empty(t, res.Notices)
	cols, err := e.TableSchema("db", "m")
	require.NoError(t, err)
	require.Equal(t, []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime, Num: 1}, {Name: "host", Type: storage.TypeTag, Num: 2},
		{Name: "region", Type: storage.TypeTag, Num: 6}, {Name: "v", Type: storage.TypeFloat, Num: 3}, {Name: "note", Type: storage.TypeString, Num: 4},
		{Name: "n", Type: storage.TypeInt, Num: 5, Default: "0", NotNull: true}}, cols)
	require.Equal(t, [][]any{{"a", nil, 1.5, nil, int64(0)}}, rows("SELECT host, region, v, note, n FROM m"))
	rows("INSERT INTO m (time, host, region, note, n) VALUES ('2024-01-02', 'b', 'eu', 'x', 7)")
	require.Equal(t, [][]any{{"b", "eu", "x", int64(7)}}, rows("SELECT host, region, note, n FROM m WHERE n = 7"))

	res, err = run("ALTER TABLE m ADD COLUMN IF NOT EXISTS note text, ADD IF NOT EXISTS w real")
	require.NoError(t, err)
	require.Equal(t, []string{`column "note" of relation "m" already exists, skipping`}, noticeTexts(res.Notices, "42701"))
	res, err = run("ALTER TABLE IF EXISTS nosuch ADD x int")
	require.NoError(t, err)
	require.Equal(t, []string{`relation "nosuch" does not exist, skipping`}, noticeTexts(res.Notices, "00000"))
	x.requireCodes(t, map[string]string{
		"ALTER TABLE m ADD note text":         "42701",
		"ALTER TABLE m ADD time timestamptz":  "42701",
		"ALTER TABLE m ADD y int, ADD y text": "42701",
		"ALTER TABLE nosuch ADD x int":        "42P01",
		"ALTER TABLE m ADD at interval":       "0A000",
		"ALTER TABLE pg_class ADD x int":      "42501",
	})
	_, ok := e.ColumnType("db", "m", "y")
	require.False(t, ok, "a failed ALTER adds nothing")
}

// TestCreateTableAs: CREATE TABLE ... AS makes a table of the query's
// columns (tags stay tags, a text field named bare a field, computed text
// a tag; names given replace the first), filled with its rows unless WITH
// NO DATA; a table whose rows cannot be written is dropped again; the
// errors are PostgreSQL's or say what a table needs.
func TestCreateTableAs(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	run := ddlRunner(t, p, sess)
	rows := x.rowsOf(t)
	rows("CREATE TABLE conditions (time timestamptz NOT NULL, location text, temperature double precision, note text, PRIMARY KEY (time, location))")
	rows("INSERT INTO conditions VALUES ('2024-01-01 00:00:00+00', 'office', 70, 'a'), ('2024-01-01 00:30:00+00', 'office', 72, 'b'), " +
		"('2024-01-01 00:10:00+00', 'garage', 60, 'c'), ('2024-01-01 01:10:00+00', 'garage', 64, 'd')")
	schema := func(table string) []storage.ColumnMeta {
		cols, err := e.TableSchema("db", table)
		require.NoError(t, err, table)
		return cols
	}

	res, err := run("CREATE TABLE hourly AS SELECT time_bucket('1 hour', time) AS time, location, avg(temperature) AS mean, count(*) AS n, max(note) AS last_note FROM conditions GROUP BY 1, 2")
	require.NoError(t, err)
	require.Equal(t, planner.DDLResult{Tables: 1, Selected: true, Rows: 3}, res)
	require.Equal(t, []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime, Num: 1}, {Name: "location", Type: storage.TypeTag, Num: 2},
		{Name: "last_note", Type: storage.TypeTag, Num: 5}, {Name: "mean", Type: storage.TypeFloat, Num: 3}, {Name: "n", Type: storage.TypeInt, Num: 4}},
		schema("hourly"), "a tag stays a tag; computed text is a tag; numbered in the query's order")
	require.Equal(t, [][]any{{"garage", 60.0, int64(1)}, {"office", 71.0, int64(2)}, {"garage", 64.0, int64(1)}},
		rows("SELECT location, mean, n FROM hourly ORDER BY time, location"))

	// SELECT ... INTO: PostgreSQL's older spelling of the same.
	res, err = run("SELECT time_bucket('1 hour', time) AS time, location, max(temperature) AS peak INTO hourly_peak FROM conditions GROUP BY 1, 2")
	require.NoError(t, err)
	require.Equal(t, planner.DDLResult{Tables: 1, Selected: true, Rows: 3}, res)
	require.Equal(t, [][]any{{"garage", 60.0}, {"office", 72.0}, {"garage", 64.0}}, rows("SELECT location, peak FROM hourly_peak ORDER BY time, location"))

	res, err = run("CREATE TABLE empty AS SELECT * FROM conditions WITH NO DATA")
	require.NoError(t, err)
	require.Equal(t, planner.DDLResult{Tables: 1, Selected: true}, res)
	require.Equal(t, []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime, Num: 1}, {Name: "location", Type: storage.TypeTag, Num: 2},
		{Name: "temperature", Type: storage.TypeFloat, Num: 3}, {Name: "note", Type: storage.TypeString, Num: 4}}, schema("empty"), "SELECT *: a text field stays a field")
	require.Equal(t, [][]any{{int64(0)}}, rows("SELECT count(*) FROM empty"))

	_, err = run("CREATE TABLE renamed (time, loc) AS SELECT time, upper(location), note FROM conditions WHERE temperature > 61")
	require.NoError(t, err)
	require.Equal(t, []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime, Num: 1}, {Name: "loc", Type: storage.TypeTag, Num: 2},
		{Name: "note", Type: storage.TypeString, Num: 3}}, schema("renamed"))
	require.Equal(t, [][]any{{"OFFICE", "a"}, {"OFFICE", "b"}, {"GARAGE", "d"}}, rows("SELECT loc, note FROM renamed ORDER BY time"))

	// Time need not come first, in the query or the columns defined:
	// stored first, shown where written.
	_, err = run("CREATE TABLE reordered AS SELECT location, temperature, time FROM conditions")
	require.NoError(t, err)
	_, err = run("CREATE TABLE late (host text, v float8, time timestamptz)")
	require.NoError(t, err)
	for _, table := range []string{"reordered", "late"} {
		require.Equal(t, storage.ColumnMeta{Name: "time", Type: storage.TypeTime, Num: 3}, schema(table)[0], table)
	}
	require.Equal(t, [][]any{{"location", int64(1)}, {"temperature", int64(2)}, {"time", int64(3)}},
		rows("SELECT column_name::text, ordinal_position::int8 FROM information_schema.columns WHERE table_name = 'reordered' ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"garage", 60.0}}, rows("SELECT location, temperature FROM reordered ORDER BY time LIMIT 1 OFFSET 1"))

	res, err = run("CREATE TABLE IF NOT EXISTS hourly AS SELECT 1")
	require.NoError(t, err)
	require.Equal(t, []string{`relation "hourly" already exists, skipping`}, noticeTexts(res.Notices, "42P07"))
	for q, code := range map[string]string{
		"CREATE TABLE hourly AS SELECT now() AS time":                                                       "42P07",
		"CREATE TABLE bad AS SELECT location FROM conditions":                                               "42P16",
		"CREATE TABLE bad AS SELECT time::text AS time FROM conditions":                                     "42P16",
		"CREATE TABLE bad AS SELECT time, time - time AS t2 FROM conditions":                                "0A000",
		"CREATE TABLE bad AS SELECT time, INTERVAL '1 day' AS i FROM conditions":                            "0A000",
		"CREATE TABLE bad (a, b, c, d, e) AS SELECT time FROM conditions":                                   "42601",
		"CREATE TABLE bad AS SELECT time, location AS time FROM conditions":                                 "42701",
		"CREATE TABLE bad AS SELECT time, nosuch FROM conditions":                                           "42703",
		"CREATE TABLE bad AS SELECT time_bucket('1 day', time) AS time, 1 AS v FROM conditions":             "23505",
		"CREATE TABLE bad AS SELECT now() AS time, c FROM drop_chunks('conditions', older_than => now()) c": "0A000",
	} {
		_, err := run(q)
		require.Error(t, err, q)
		require.Equal(t, code, planner.AsError(err).Code, "%s: %v", q, err)
	}
	_, err = e.TableSchema("db", "bad")
	require.Error(t, err, "no failed statement left its table, not even the one whose rows merged after it was created")
	require.Equal(t, [][]any{{int64(4)}}, rows("SELECT count(*) FROM conditions"), "drop_chunks did not run")

	// What the dialect layer notes beside the query's tree (DISTINCT ON,
	// FULL JOIN, BETWEEN SYMMETRIC) reaches the rows written, as the query
	// alone answers them.
	rows("CREATE TABLE firsts AS SELECT DISTINCT ON (time_bucket('1 day', time)) time_bucket('1 day', time) AS time, location FROM conditions ORDER BY time_bucket('1 day', time), conditions.time")
	require.Equal(t, [][]any{{"office"}}, rows("SELECT location FROM firsts"))
	rows("CREATE TABLE sym AS SELECT time, temperature FROM conditions WHERE temperature BETWEEN SYMMETRIC 71 AND 60 AND location = 'garage'")
	require.Equal(t, [][]any{{60.0}, {64.0}}, rows("SELECT temperature FROM sym ORDER BY time"))
	rows("CREATE TABLE fj AS SELECT coalesce(a.time, b.time) AS time, a.location AS la, b.location AS lb FROM (SELECT * FROM conditions WHERE location = 'office') a FULL JOIN (SELECT * FROM conditions WHERE location = 'garage') b ON a.time = b.time")
	require.Equal(t, [][]any{{int64(4)}}, rows("SELECT count(*) FROM fj"))
}
