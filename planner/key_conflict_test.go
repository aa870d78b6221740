package planner_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// TestKeyConflicts: a table with a key refuses through SQL a row whose key
// is stored or held by an earlier row of the statement, as PostgreSQL 15
// does on the same statements (its messages and DETAIL, checked with psql):
// 23505 naming the constraint, the first conflicting row in the order
// written, values as their types write them in the session's zone;
// nothing of the statement is stored. A table without a key keeps line
// protocol's meaning (the later row replaces the fields). ON CONFLICT
// names the key as PostgreSQL infers it.
func TestKeyConflicts(t *testing.T) {
	_, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	ctx := context.Background()
	rows("CREATE TABLE kk (time timestamptz NOT NULL, host text, v float8, PRIMARY KEY (host, time))")
	rows("CREATE TABLE plain (time timestamptz NOT NULL, host text, v float8)")
	rows("INSERT INTO kk VALUES ('2024-01-01', 'a', 1)")
	conflict := func(q, detail string) {
		t.Helper()
		_, err := x.Query(ctx, q)
		require.Error(t, err, q)
		pe := planner.AsError(err)
		require.Equal(t, []string{"23505", `duplicate key value violates unique constraint "kk_pkey"`, detail, "public", "kk", "kk_pkey"},
			[]string{pe.Code, pe.Msg, pe.Detail, pe.Schema, pe.Table, pe.Constraint}, q)
	}
	conflict("INSERT INTO kk VALUES ('2024-01-01', 'a', 2)", `Key (host, "time")=(a, 2024-01-01 00:00:00+00) already exists.`)
	conflict("INSERT INTO kk VALUES ('2024-01-01 00:00:01', 'a', 2), ('2024-01-01 00:00:01', 'a', 3)", `Key (host, "time")=(a, 2024-01-01 00:00:01+00) already exists.`)
	conflict("INSERT INTO kk VALUES ('2024-01-01 00:00:02.5', 'b', 2), ('2024-01-01 00:00:02.5', 'b', 3), ('2024-01-01', 'a', 2)",
		`Key (host, "time")=(b, 2024-01-01 00:00:02.5+00) already exists.`)
	conflict("INSERT INTO kk VALUES ('2024-01-03', 'c', 2), ('2024-01-01', 'a', 2), ('2024-01-03', 'c', 3)",
		`Key (host, "time")=(a, 2024-01-01 00:00:00+00) already exists.`)
	conflict("INSERT INTO kk SELECT time, host, v + 1 FROM kk", `Key (host, "time")=(a, 2024-01-01 00:00:00+00) already exists.`)
	paris := *sess
	paris.Location, _ = time.LoadLocation("Europe/Paris")
	_, err := (&strataExec{p: x.p, sess: &paris}).Query(ctx, "INSERT INTO kk VALUES ('2024-01-01 00:00:00+00', 'a', 2)")
	require.Equal(t, `Key (host, "time")=(a, 2024-01-01 01:00:00+01) already exists.`, planner.AsError(err).Detail)
	require.Equal(t, [][]any{{int64(1), 1.0}}, rows("SELECT count(*), sum(v) FROM kk"), "nothing of a refused INSERT is stored")

	// A UNIQUE key over a timestamp without time zone: NULL tags name a row
	// as values do (NULLS NOT DISTINCT, as the catalogs show it).
	rows("CREATE TABLE ku (ts timestamp NOT NULL, host text, UNIQUE (ts, host))")
	rows("INSERT INTO ku VALUES ('2024-01-01 10:00', NULL)")
	_, err = x.Query(ctx, "INSERT INTO ku VALUES ('2024-01-01 10:00', NULL)")
	require.Equal(t, []string{`duplicate key value violates unique constraint "ku_ts_host_key"`, "Key (ts, host)=(2024-01-01 10:00:00, null) already exists."},
		[]string{planner.AsError(err).Msg, planner.AsError(err).Detail})

	// A table without a key: the later row replaces the fields.
	rows("INSERT INTO plain VALUES ('2024-01-01', 'a', 1)")
	rows("INSERT INTO plain VALUES ('2024-01-01', 'a', 2)")
	require.Equal(t, [][]any{{int64(1), 2.0}}, rows("SELECT count(*), sum(v) FROM plain"))

	// ON CONFLICT: ON CONSTRAINT names the key; a target lists its columns.
	require.Equal(t, [][]any{{int64(0)}}, rows("INSERT INTO kk VALUES ('2024-01-01', 'a', 2) ON CONFLICT ON CONSTRAINT kk_pkey DO NOTHING"))
	require.Equal(t, [][]any{{int64(1)}}, rows("INSERT INTO kk VALUES ('2024-01-01', 'a', 5) ON CONFLICT ON CONSTRAINT kk_pkey DO UPDATE SET v = excluded.v"))
	require.Equal(t, [][]any{{int64(0)}}, rows("INSERT INTO kk VALUES ('2024-01-01', 'a', 2) ON CONFLICT (time, host, time) DO NOTHING"))
	require.Equal(t, [][]any{{5.0}}, rows("SELECT v FROM kk"))
	x.requireCodes(t, map[string]string{
		"INSERT INTO kk VALUES ('2024-01-01', 'a', 2) ON CONFLICT ON CONSTRAINT nope DO NOTHING":                                        "42704",
		"INSERT INTO plain VALUES ('2024-01-01', 'a', 2) ON CONFLICT ON CONSTRAINT plain_pkey DO NOTHING":                               "42704",
		"INSERT INTO kk VALUES ('2024-01-01', 'a', 2) ON CONFLICT (time) DO NOTHING":                                                    "42P10",
		"INSERT INTO kk VALUES ('2024-01-09', 'a', 6), ('2024-01-09', 'a', 7) ON CONFLICT (host, time) DO UPDATE SET v = excluded.v":    "21000",
		"INSERT INTO plain VALUES ('2024-01-09', 'a', 6), ('2024-01-09', 'a', 7) ON CONFLICT (time, host) DO UPDATE SET v = excluded.v": "21000",
		"INSERT INTO plain VALUES ('2024-01-09', 'a', 6), ('2024-01-09', 'a', 7)":                                                       "23505",
	})
	require.Equal(t, [][]any{{int64(1)}}, rows("INSERT INTO plain VALUES ('2024-01-01', 'a', 3) ON CONFLICT (time) DO UPDATE SET v = excluded.v"),
		"a table without a key names its rows by time and tags: any of them is a target")

	// An UPDATE that would give two rows one key.
	rows("INSERT INTO kk VALUES ('2024-01-01', 'b', 1)")
	_, err = x.Query(ctx, "UPDATE kk SET host = 'a' WHERE host = 'b'")
	require.Equal(t, []string{"23505", `duplicate key value violates unique constraint "kk_pkey"`, "kk_pkey"},
		[]string{planner.AsError(err).Code, planner.AsError(err).Msg, planner.AsError(err).Constraint})

	// A COPY written in pieces: a row of a later piece whose key an earlier
	// piece stored is refused, ErrorRow its number in the COPY.
	stmts, err := sql.Parse("COPY kk (time, host, v) FROM STDIN")
	require.NoError(t, err)
	ci, err := x.p.BeginCopy(sess, stmts[0].Copy)
	require.NoError(t, err)
	copyRow := func(ts, host string) {
		require.NoError(t, ci.Text(0, []byte(ts)))
		require.NoError(t, ci.Text(1, []byte(host)))
		require.NoError(t, ci.Text(2, []byte("1")))
		_, err := ci.EndRow()
		require.NoError(t, err)
	}
	copyRow("2024-03-01 00:00:00+00", "p")
	copyRow("2024-03-01 00:00:01+00", "p")
	require.NoError(t, ci.Flush(ctx))
	_, ok := ci.ErrorRow()
	require.False(t, ok)
	copyRow("2024-03-01 00:00:02+00", "p")
	copyRow("2024-03-01 00:00:01+00", "p")
	err = ci.Flush(ctx)
	require.Equal(t, `Key (host, "time")=(p, 2024-03-01 00:00:01+00) already exists.`, planner.AsError(err).Detail)
	row, ok := ci.ErrorRow()
	require.True(t, ok)
	require.Equal(t, int64(3), row, "the fourth row of the COPY")
	require.Equal(t, [][]any{{int64(2)}}, rows("SELECT count(*) FROM kk WHERE host = 'p'"), "the first piece only")

	// Line protocol keeps its meaning on a keyed table: a point replaces.
	write := &storage.TableBatch{Table: "kk", Rows: 1, Time: []int64{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()},
		Tags:   []storage.TagColumn{{Name: "host", Dict: []string{"a"}, Codes: []int32{0}}},
		Fields: []storage.FieldColumn{{Name: "v", Type: storage.TypeFloat, Floats: []float64{9}}}}
	require.NoError(t, e.Write(ctx, sess.Database, []*storage.TableBatch{write}, storage.WriteOptions{}))
	require.Equal(t, [][]any{{9.0}}, rows("SELECT v FROM kk WHERE host = 'a'"))

	// Statements of two sessions do not both find a key free: each key is
	// stored once, by one of them.
	var wg sync.WaitGroup
	var stored atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gx := &strataExec{p: x.p, sess: x.sess}
			for k := range 20 {
				_, err := gx.Query(ctx, fmt.Sprintf("INSERT INTO kk VALUES ('2024-02-01 00:00:%02d', 'r', 1)", k))
				if err == nil {
					stored.Add(1)
				} else if planner.AsError(err).Code != "23505" {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, int64(20), stored.Load())
	require.Equal(t, [][]any{{int64(20)}}, rows("SELECT count(*) FROM kk WHERE host = 'r'"))
}

// TestKeyNames: a key's index shares the relations' names, as in
// PostgreSQL: no table, view or materialized view takes it (42P07), and
// line protocol cannot make a table of it; a CREATE TABLE's other keys
// and a NULLS DISTINCT are said in notices.
func TestKeyNames(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	ddl := ddlRunner(t, p, sess)
	rows("CREATE TABLE kk (time timestamptz NOT NULL, host text, v float8, PRIMARY KEY (host, time))")
	rows("CREATE TABLE other (time timestamptz NOT NULL, v float8)")
	x.requireCodes(t, map[string]string{
		"CREATE TABLE kk_pkey (time timestamptz NOT NULL)": "42P07",
		"CREATE VIEW kk_pkey AS SELECT 1":                  "42P07",
		"CREATE MATERIALIZED VIEW kk_pkey AS SELECT time_bucket('1 hour', time) AS b, avg(v) FROM kk GROUP BY 1": "42P07",
		"ALTER TABLE other RENAME TO kk_pkey":                                                      "42P07",
		"CREATE TABLE ky (time timestamptz NOT NULL, h text, CONSTRAINT ky PRIMARY KEY (time, h))": "42P07",
		"CREATE TABLE ky (time timestamptz NOT NULL, h text, PRIMARY KEY (time, h, h))":            "42701",
	})
	res, err := ddl("CREATE TABLE IF NOT EXISTS kk_pkey (time timestamptz NOT NULL)")
	require.NoError(t, err)
	require.Equal(t, []string{`relation "kk_pkey" already exists, skipping`}, noticeTexts(res.Notices, "42P07"))
	lp := &storage.TableBatch{Table: "kk_pkey", Rows: 1, Time: []int64{1}, Fields: []storage.FieldColumn{{Name: "v", Type: storage.TypeFloat, Floats: []float64{1}}}}
	err = e.Write(context.Background(), sess.Database, []*storage.TableBatch{lp}, storage.WriteOptions{})
	require.ErrorContains(t, err, `"kk_pkey" is the key of table "kk"`)

	res, err = ddl("CREATE TABLE kn (time timestamptz NOT NULL, host text UNIQUE NULLS DISTINCT, site text, UNIQUE (time, site), CONSTRAINT s UNIQUE (site))")
	require.NoError(t, err)
	require.Equal(t, []string{
		`the UNIQUE constraint of table "kn" is kept as (host, time): a row is told apart by its time and tags`,
		`the UNIQUE NULLS DISTINCT constraint of table "kn" is kept as NULLS NOT DISTINCT: a NULL tag tells rows apart as a value does`,
		`UNIQUE (time, site) of table "kn" is not kept: a table keeps one key, its UNIQUE constraint`,
		`CONSTRAINT s UNIQUE (site) of table "kn" is not kept: a table keeps one key, its UNIQUE constraint`,
	}, noticeTexts(res.Notices, ""))
	require.Equal(t, [][]any{{"kn_host_key"}}, rows("SELECT conname::text FROM pg_constraint WHERE conrelid = 'kn'::regclass"))
}

// TestAddKey: ALTER TABLE ... ADD PRIMARY KEY or UNIQUE gives a table
// made without a key (by line protocol here) one, as CREATE TABLE's: its
// time and tags, PostgreSQL's name, a PRIMARY KEY's tags NOT NULL (23502
// while a stored row has one NULL, as PostgreSQL checks); refused beside
// another key, and checked before anything of the statement changes.
func TestAddKey(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	ddl := ddlRunner(t, p, sess)
	ctx := context.Background()
	require.NoError(t, e.Write(ctx, sess.Database, []*storage.TableBatch{{Table: "ak", Rows: 2, Time: []int64{1e18, 1e18},
		Tags: []storage.TagColumn{
			{Name: "host", Dict: []string{"a", "b"}, Codes: []int32{0, 1}},
			{Name: "dc", Dict: []string{"x"}, Codes: []int32{0, -1}}},
		Fields: []storage.FieldColumn{{Name: "v", Type: storage.TypeFloat, Floats: []float64{1, 2}}}}}, storage.WriteOptions{}))

	x.requireCodes(t, map[string]string{
		"ALTER TABLE ak ADD PRIMARY KEY (time, host)":                    "23502",
		"ALTER TABLE ak ADD PRIMARY KEY (time, nope)":                    "42703",
		"ALTER TABLE ak ADD PRIMARY KEY (time, v)":                       "42P16",
		"ALTER TABLE ak ADD PRIMARY KEY (time, host, host)":              "42701",
		"ALTER TABLE ak ADD COLUMN site text, ADD PRIMARY KEY (time)":    "0A000",
		"ALTER TABLE ak ADD CONSTRAINT ak PRIMARY KEY (time, host, dc)":  "42P07",
		"ALTER TABLE ak ADD PRIMARY KEY (time, host), ADD UNIQUE (host)": "0A000",
	})
	_, err := x.Query(ctx, "ALTER TABLE ak ADD PRIMARY KEY (time, host)")
	require.Equal(t, `column "dc" of relation "ak" contains null values`, planner.AsError(err).Msg)
	rows("UPDATE ak SET dc = 'y' WHERE dc IS NULL")
	res, err := ddl("ALTER TABLE ak ADD PRIMARY KEY (host, time)")
	require.NoError(t, err)
	require.Equal(t, []string{`the PRIMARY KEY of table "ak" is kept as (host, time, dc): a row is told apart by its time and tags`}, noticeTexts(res.Notices, ""))
	keyed := func() [][]any {
		return rows(`SELECT con.conname::text, pg_get_constraintdef(con.oid), string_agg(a.attname::text || '=' || a.attnotnull::text, ',' ORDER BY a.attnum)
			FROM pg_constraint con JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum > 0
			WHERE con.conrelid = 'ak'::regclass GROUP BY 1, 2`)
	}
	require.Equal(t, [][]any{{"ak_pkey", `PRIMARY KEY (host, "time", dc)`, "time=true,host=true,dc=true,v=false"}}, keyed())
	_, err = x.Query(ctx, "INSERT INTO ak VALUES ('2001-09-09 01:46:40+00', 'a', 'x', 5)")
	require.Equal(t, `Key (host, "time", dc)=(a, 2001-09-09 01:46:40+00, x) already exists.`, planner.AsError(err).Detail)

	x.requireCodes(t, map[string]string{
		"ALTER TABLE ak ADD PRIMARY KEY (host, time, dc)":                       "42P16",
		"ALTER TABLE ak ADD UNIQUE (host, time, dc)":                            "0A000",
		"ALTER TABLE ak ALTER COLUMN host DROP NOT NULL":                        "42P16",
		"ALTER TABLE ak DROP CONSTRAINT ak_pkey, ADD PRIMARY KEY (time, nope)":  "42703",
		"ALTER TABLE ak DROP CONSTRAINT ak_pkey, ADD CONSTRAINT ak UNIQUE (dc)": "42P07",
	})
	require.Equal(t, [][]any{{"ak_pkey", `PRIMARY KEY (host, "time", dc)`, "time=true,host=true,dc=true,v=false"}}, keyed(),
		"a refused ADD leaves the key the statement would drop")

	// Replaced in one statement: the old name is free for the new key.
	res, err = ddl("ALTER TABLE ak DROP CONSTRAINT ak_pkey, ADD UNIQUE NULLS DISTINCT (dc, host, time)")
	require.NoError(t, err)
	require.Equal(t, []string{`the UNIQUE NULLS DISTINCT constraint of table "ak" is kept as NULLS NOT DISTINCT: a NULL tag tells rows apart as a value does`}, noticeTexts(res.Notices, ""))
	require.Equal(t, [][]any{{"ak_dc_host_time_key", `UNIQUE NULLS NOT DISTINCT (dc, host, "time")`, "time=true,host=true,dc=true,v=false"}}, keyed(),
		"a dropped PRIMARY KEY's columns stay NOT NULL, as in PostgreSQL")
	rows("ALTER TABLE ak DROP CONSTRAINT ak_dc_host_time_key, ADD PRIMARY KEY (host, time, dc)")
	_, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	require.Equal(t, [][]any{{"ak_pkey", `PRIMARY KEY (host, "time", dc)`, "time=true,host=true,dc=true,v=false"}}, keyed())
}
