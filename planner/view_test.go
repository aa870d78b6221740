package planner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// TestPlainView: CREATE VIEW keeps a query, read where the view is named
// (filtered, joined, under a reader's WITH of a table's name, a view over
// a view) and giving what the tables hold now; its columns stay those it
// had when made as its table gains columns; OR REPLACE adds columns and
// refuses PostgreSQL's changes; the catalogs show it (pg_class, pg_views,
// information_schema, regclass, pg_get_viewdef); dependencies and
// CASCADE; PostgreSQL's errors; the view survives a restart.
func TestPlainView(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	ctx := context.Background()
	run := ddlRunner(t, p, sess)
	rows := x.rowsOf(t)
	rows("CREATE TABLE m (time timestamptz NOT NULL, host text, v double precision)")
	rows("INSERT INTO m VALUES ('2024-01-01 00:00+00', 'a', 1), ('2024-01-01 00:10+00', 'a', 3), ('2024-01-01 00:20+00', 'b', 5)")
	res, err := run("CREATE VIEW busy AS SELECT host, v * 2 AS v2, time FROM m WHERE v > 1")
	require.NoError(t, err)
	require.Equal(t, 1, res.Tables)
	require.Equal(t, [][]any{{"a", 6.0}, {"b", 10.0}}, rows("SELECT host, v2 FROM busy ORDER BY host"))
	rows("INSERT INTO m VALUES ('2024-01-01 00:30+00', 'c', 7)")
	require.Equal(t, [][]any{{int64(3)}}, rows("SELECT count(*) FROM busy"), "a view gives what its table holds now")
	require.Equal(t, [][]any{{"b", 10.0}}, rows("SELECT host, v2 FROM busy WHERE host = 'b' AND time >= '2024-01-01 00:15+00'"))
	require.Equal(t, [][]any{{int64(3)}}, rows("WITH m AS (SELECT 1 AS host) SELECT count(*) FROM busy"), "the view reads the table m, not the reader's WITH m")
	require.Equal(t, [][]any{{"a", 3.0}, {"b", 5.0}}, rows("SELECT m.host, m.v FROM m JOIN busy b ON b.host = m.host AND b.time = m.time WHERE m.v < 6 ORDER BY 1"))
	_, err = run("CREATE VIEW per_host (h, total) AS SELECT host, sum(v2) FROM busy GROUP BY 1")
	require.NoError(t, err)
	require.Equal(t, [][]any{{"a", 6.0}, {"b", 10.0}, {"c", 14.0}}, rows("SELECT * FROM per_host ORDER BY h"))

	// A column the table gains does not move the view's.
	rows("CREATE VIEW everything AS SELECT * FROM m")
	rows("ALTER TABLE m ADD COLUMN region tag")
	rows("INSERT INTO m (time, host, region, v) VALUES ('2024-01-01 00:40+00', 'd', 'eu', 9)")
	require.Equal(t, [][]any{{"d", 9.0}}, rows("SELECT host, v FROM everything WHERE v > 8"))
	stmts, err := sql.Parse("SELECT * FROM everything")
	require.NoError(t, err)
	cols, _, err := p.Describe(ctx, sess, stmts[0])
	require.NoError(t, err)
	require.Len(t, cols, 3)

	// OR REPLACE: columns added at the end; PostgreSQL's 42P16 otherwise.
	_, err = run("CREATE OR REPLACE VIEW busy AS SELECT host, v * 2 AS v2, time, v FROM m WHERE v > 4")
	require.NoError(t, err)
	require.Equal(t, [][]any{{"b", 5.0}, {"c", 7.0}, {"d", 9.0}}, rows("SELECT host, v FROM busy ORDER BY 1"))
	x.requireCodes(t, map[string]string{
		"CREATE OR REPLACE VIEW busy AS SELECT host, v * 2 AS v2 FROM m":               "42P16",
		"CREATE OR REPLACE VIEW busy AS SELECT host AS h, v * 2 AS v2, time, v FROM m": "42P16",
		"CREATE OR REPLACE VIEW busy AS SELECT host, v::text AS v2, time, v FROM m":    "42P16",
		"CREATE OR REPLACE VIEW m AS SELECT 1":                                         "42809",
		"CREATE OR REPLACE VIEW busy AS SELECT * FROM busy":                            "42P17",
		"CREATE VIEW busy AS SELECT 1":                                                 "42P07",
		"CREATE VIEW m AS SELECT 1":                                                    "42P07",
		"CREATE TABLE busy (time timestamptz)":                                         "42P07",
		"CREATE MATERIALIZED VIEW busy AS SELECT time FROM m":                          "42P07",
		"CREATE VIEW bad (a, b, c) AS SELECT 1, 2":                                     "42601",
		"CREATE VIEW bad (a, a) AS SELECT 1, 2":                                        "42701",
		"CREATE VIEW bad WITH (check_option = local) AS SELECT 1":                      "0A000",
		"CREATE VIEW bad AS SELECT * FROM m WITH LOCAL CHECK OPTION":                   "0A000",
		"CREATE TEMP VIEW bad AS SELECT 1":                                             "0A000",
		"CREATE VIEW bad AS SELECT * FROM nosuch":                                      "42P01",
		"INSERT INTO busy (host) VALUES ('x')":                                         "0A000",
		"DELETE FROM busy":                                                             "0A000",
		"UPDATE busy SET v = 1":                                                        "0A000",
		"DROP TABLE busy":                                                              "42809",
		"TRUNCATE busy":                                                                "42809",
		"DROP VIEW m":                                                                  "42809",
		"DROP VIEW nosuch":                                                             "42P01",
		"DROP TABLE m":                                                                 "2BP01",
		"DROP VIEW busy":                                                               "2BP01",
		"REFRESH MATERIALIZED VIEW busy":                                               "0A000",
	})
	_, err = e.TableSchema("db", "bad")
	require.Error(t, err)
	_, ok := e.PlainViewOf("db", "bad")
	require.False(t, ok, "no failed CREATE VIEW left a view")

	// Catalogs.
	require.Equal(t, [][]any{{"busy", "v"}, {"everything", "v"}, {"m", "r"}, {"per_host", "v"}},
		rows("SELECT relname::text, relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1"))
	require.Equal(t, [][]any{{"per_host", " SELECT host, sum(v2) FROM busy GROUP BY 1;"}}, rows("SELECT viewname::text, definition FROM pg_views WHERE viewname = 'per_host'"))
	require.Equal(t, [][]any{{"VIEW"}}, rows("SELECT table_type::text FROM information_schema.tables WHERE table_name = 'per_host'"))
	require.Equal(t, [][]any{{"h", "text"}, {"total", "double precision"}},
		rows("SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_name = 'per_host' ORDER BY ordinal_position"))
	require.Equal(t, [][]any{{"h", "text"}, {"total", "double precision"}},
		rows("SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'per_host'::regclass ORDER BY attnum"))
	require.Equal(t, [][]any{{" SELECT host, sum(v2) FROM busy GROUP BY 1;"}}, rows("SELECT pg_get_viewdef('per_host'::regclass)"))
	require.Equal(t, [][]any{{int64(1)}}, rows("SELECT count(*) FROM information_schema.views WHERE table_name = 'per_host'"))

	// A view that reads a catalog reads its own rows there, once.
	rows("CREATE VIEW rels AS SELECT attname FROM pg_attribute WHERE attrelid = 'per_host'::regclass")
	require.Len(t, rows("SELECT * FROM rels"), 2)
	require.NotEmpty(t, rows("SELECT * FROM pg_attribute WHERE attrelid = 'rels'::regclass"))

	// Dependencies: IF EXISTS, CASCADE through a view over a view.
	res, err = run("DROP VIEW IF EXISTS nosuch, rels")
	require.NoError(t, err)
	require.Equal(t, []string{`view "nosuch" does not exist, skipping`}, noticeTexts(res.Notices, "00000"))
	res, err = run("DROP VIEW busy CASCADE")
	require.NoError(t, err)
	require.Equal(t, "drop cascades to view per_host", res.Notices[0].Msg)
	_, ok = e.PlainViewOf("db", "per_host")
	require.False(t, ok)

	// Line protocol cannot make a table of a view's name; the view
	// survives a restart.
	err = e.Write(ctx, "db", []*storage.TableBatch{{Table: "everything", Rows: 1, Time: []int64{1}}}, storage.WriteOptions{})
	require.Error(t, err)
	_, x2 := restartRewriteTest(t, e, dir, sess)
	require.Equal(t, [][]any{{int64(5)}}, x2.rowsOf(t)("SELECT count(*) FROM everything"))
}
