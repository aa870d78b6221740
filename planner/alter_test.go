package planner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAlterTableRenameDrop: ALTER TABLE ... RENAME COLUMN, DROP COLUMN and
// RENAME TO over rows persisted and buffered, with the values and codes
// PostgreSQL 15 gives for the same statements (/tmp/alt.sql compared
// there), the views that read what changes, and a restart.
func TestAlterTableRenameDrop(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	ddl := ddlRunner(t, p, sess)
	rows("CREATE TABLE at1 (time timestamptz NOT NULL, host text, usage float8, n int8, note text, PRIMARY KEY (time, host))")
	rows("INSERT INTO at1 VALUES ('2024-01-01 00:00:00+00', 'a', 1.5, 1, 'x'), ('2024-01-01 00:01:00+00', 'b', 2.5, 2, 'y')")
	require.NoError(t, e.Persist(context.Background()))
	rows("INSERT INTO at1 VALUES ('2024-01-02 00:00:00+00', 'a', 3.5, 3, NULL)")

	rows("ALTER TABLE at1 RENAME COLUMN usage TO u")
	rows(`ALTER TABLE at1 RENAME u TO "U"`)
	require.Equal(t, [][]any{{"a", 1.5, int64(1), "x"}, {"b", 2.5, int64(2), "y"}, {"a", 3.5, int64(3), nil}},
		rows(`SELECT host, "U", n, note FROM at1 ORDER BY time`))
	rows("ALTER TABLE at1 RENAME host TO hostname")
	require.Equal(t, [][]any{{"a", int64(2)}}, rows("SELECT hostname, count(*) FROM at1 WHERE hostname = 'a' GROUP BY 1"), "a renamed tag filters")

	// Drops come before adds: DROP n, ADD n makes n anew, empty.
	res, err := ddl("ALTER TABLE at1 DROP COLUMN IF EXISTS nosuch, DROP COLUMN note, DROP COLUMN n, ADD COLUMN n text")
	require.NoError(t, err)
	require.Equal(t, []string{`column "nosuch" of relation "at1" does not exist, skipping`}, noticeTexts(res.Notices, "00000"))
	rows("INSERT INTO at1 (time, hostname, n) VALUES ('2024-01-03 00:00:00+00', 'c', 'new')")
	require.Equal(t, [][]any{{"a", nil}, {"b", nil}, {"a", nil}, {"c", "new"}}, rows("SELECT hostname, n FROM at1 ORDER BY time"))
	require.Equal(t, [][]any{{"time"}, {"hostname"}, {"U"}, {"n"}},
		rows("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'at1' ORDER BY ordinal_position"))

	x.requireCodes(t, map[string]string{
		"ALTER TABLE at1 RENAME COLUMN nosuch TO x":            "42703",
		`ALTER TABLE at1 RENAME COLUMN n TO "U"`:               "42701",
		"ALTER TABLE at1 DROP COLUMN note":                     "42703",
		"ALTER TABLE at1 DROP COLUMN n, DROP COLUMN n":         "42703",
		"ALTER TABLE at1 DROP COLUMN time":                     "42P16", // TimescaleDB's for a hypertable's time
		"ALTER TABLE at1 DROP COLUMN hostname":                 "0A000", // a tag: part of the key
		"ALTER TABLE at1 RENAME COLUMN n TO time":              "42701",
		"ALTER TABLE at1 RENAME TO at1":                        "42P07",
		"ALTER TABLE at1 RENAME TO pg_class":                   "42P07",
		"ALTER TABLE nosuch RENAME TO x":                       "42P01",
		"ALTER TABLE nosuch DROP COLUMN x":                     "42P01",
		"ALTER TABLE at1 DROP CONSTRAINT nosuch":               "42704",
		"ALTER TABLE at1 DROP COLUMN n, ALTER n SET DEFAULT 1": "42703",
	})
	res, err = ddl("ALTER TABLE IF EXISTS nosuch RENAME TO x")
	require.NoError(t, err)
	require.Len(t, res.Notices, 1)

	// Views: a rename they would not follow is refused; a drop of what
	// they read is 2BP01, or with CASCADE drops them (and those over them).
	rows(`CREATE VIEW v1 AS SELECT time, "U" FROM at1`)
	rows("CREATE VIEW v2 AS SELECT * FROM v1")
	rows("CREATE VIEW v3 AS SELECT time, n FROM at1")
	x.requireCodes(t, map[string]string{
		`ALTER TABLE at1 RENAME COLUMN "U" TO u`: "0A000",
		"ALTER TABLE at1 RENAME TO at2":          "0A000",
		`ALTER TABLE at1 DROP COLUMN "U"`:        "2BP01",
	})
	rows("ALTER TABLE at1 RENAME COLUMN hostname TO host") // no view reads it
	res, err = ddl(`ALTER TABLE at1 DROP COLUMN "U" CASCADE`)
	require.NoError(t, err)
	require.Len(t, res.Notices, 1)
	require.Equal(t, "drop cascades to 2 other objects", res.Notices[0].Msg)
	require.Equal(t, "drop cascades to view v1\ndrop cascades to view v2", res.Notices[0].Detail)
	require.Equal(t, [][]any{{int64(1)}}, rows("SELECT count(*) FROM pg_views WHERE schemaname = 'public' AND viewname LIKE 'v_'"), "v3 stays")
	rows("DROP VIEW v3")

	rows("ALTER TABLE at1 RENAME TO at2")
	require.Equal(t, [][]any{{int64(4)}}, rows("SELECT count(*) FROM at2"))
	x.requireCodes(t, map[string]string{"SELECT count(*) FROM at1": "42P01"})

	// A restart keeps it all; compaction retires the files' old names.
	e2, x2 := restartRewriteTest(t, e, dir, sess)
	want := [][]any{{"a", nil}, {"b", nil}, {"a", nil}, {"c", "new"}}
	require.Equal(t, want, x2.rowsOf(t)("SELECT host, n FROM at2 ORDER BY time"))
	_, err = e2.Compact(context.Background(), true)
	require.NoError(t, err)
	require.Equal(t, want, x2.rowsOf(t)("SELECT host, n FROM at2 ORDER BY time"))
}

// TestAlterColumnTypeNotNull: the ALTER COLUMN ... TYPE and SET | DROP NOT
// NULL that migration tools emit. A type that stores the values as they
// are (varchar(n) and text, integer and bigint, real and double
// precision, timestamp and timestamptz), with a USING that only casts,
// succeeds and changes no value stored, only the declared type
// (declared_test.go); a conversion, a USING that computes and a
// tag's non-text type are 0A000 with what to run instead; SET NOT NULL
// finds a NULL as PostgreSQL does (23502) and otherwise keeps it; time
// keeps its NOT NULL.
func TestAlterColumnTypeNotNull(t *testing.T) {
	_, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	ddl := ddlRunner(t, p, sess)
	rows("CREATE TABLE item (time timestamptz NOT NULL, host varchar(50), name varchar(100), n integer, f real, at timestamp, PRIMARY KEY (time, host))")
	rows("INSERT INTO item VALUES ('2024-01-01', 'a', 'x', 1, 1.5, '2024-01-01 10:00'), ('2024-01-02', 'b', NULL, 2, 2.5, NULL)")
	before, err := e.TableSchema("db", "item")
	require.NoError(t, err)
	all := "SELECT host, name, n, f, at::text FROM item ORDER BY time"
	want := [][]any{{"a", "x", int64(1), 1.5, "2024-01-01 10:00:00"}, {"b", nil, int64(2), 2.5, nil}}
	require.Equal(t, want, rows(all), "at is a timestamp without time zone")
	for _, q := range []string{
		`ALTER TABLE "item" ALTER COLUMN "name" TYPE varchar(200) USING "name"::varchar(200)`, // Django's AlterField
		"ALTER TABLE item ALTER COLUMN n TYPE bigint, ALTER COLUMN f SET DATA TYPE double precision",
		"ALTER TABLE item ALTER at TYPE timestamptz USING (at)::timestamp::timestamptz",
		`ALTER TABLE item ALTER COLUMN host TYPE text COLLATE "C"`,
		"ALTER TABLE item ALTER COLUMN time TYPE timestamp, ALTER COLUMN time SET NOT NULL, ALTER COLUMN n DROP NOT NULL",
	} {
		res, err := ddl(q)
		require.NoError(t, err, q)
		require.Empty(t, res.Notices, q)
	}
	res, err := ddl("ALTER TABLE item ALTER COLUMN n SET NOT NULL")
	require.NoError(t, err)
	require.Empty(t, res.Notices)
	x.requireCodes(t, map[string]string{"INSERT INTO item (time, host, name) VALUES ('2024-01-03', 'c', 'x')": "23502"})
	x.requireCodes(t, map[string]string{
		"ALTER TABLE item ALTER COLUMN n TYPE text":                "0A000",
		"ALTER TABLE item ALTER COLUMN f TYPE bigint USING f::int": "0A000",
		"ALTER TABLE item ALTER COLUMN n TYPE int USING n * 2":     "0A000",
		"ALTER TABLE item ALTER COLUMN n TYPE int USING other":     "0A000",
		"ALTER TABLE item ALTER COLUMN host TYPE int":              "0A000",
		"ALTER TABLE item ALTER COLUMN n TYPE nosuchtype":          "0A000",
		"ALTER TABLE item ALTER COLUMN time TYPE bigint":           "42P16",
		"ALTER TABLE item ALTER COLUMN nosuch TYPE int":            "42703",
		"ALTER TABLE item ALTER COLUMN nosuch SET NOT NULL":        "42703",
		"ALTER TABLE item ALTER COLUMN name SET NOT NULL":          "23502",
		"ALTER TABLE item ALTER COLUMN time DROP NOT NULL":         "42P16",
		// Checked before anything changes: the column added is not made.
		"ALTER TABLE item ADD COLUMN z int, ALTER COLUMN name SET NOT NULL": "23502",
	})
	after, err := e.TableSchema("db", "item")
	require.NoError(t, err)
	before[1].SQLType, before[2].SQLType, before[3].SQLType, before[4].SQLType = "", "character varying(200)", "", ""
	before[0].SQLType, before[5].SQLType = "timestamp without time zone", ""
	before[3].NotNull = true
	require.Equal(t, "n", before[3].Name)
	require.Equal(t, before, after, "only the declared types and n's NOT NULL changed")
	want[0][4] = "2024-01-01 10:00:00+00" // the same value, now a timestamptz (the session is UTC's)
	require.Equal(t, want, rows(all))
	rows("UPDATE item SET name = 'y' WHERE name IS NULL")
	_, err = ddl("ALTER TABLE item ALTER COLUMN name SET NOT NULL")
	require.NoError(t, err)
}
