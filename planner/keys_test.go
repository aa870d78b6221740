package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// TestKeys: CREATE TABLE's PRIMARY KEY or UNIQUE constraint is kept and
// shown as PostgreSQL 15 shows the same table's (names, catalogs,
// pg_get_indexdef/constraintdef and the key queries of pgjdbc and Tableau,
// compared there by hand, /tmp/k2.sql-/tmp/k5.sql); it holds time and
// every tag, so what would add a tag is refused until DROP CONSTRAINT; a
// restart keeps it.
func TestKeys(t *testing.T) {
	dir, e, p, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	ddl := ddlRunner(t, p, sess)
	rows("CREATE TABLE kk (time timestamptz NOT NULL, host text, v float8, PRIMARY KEY (host, time))")
	rows(`CREATE TABLE ku (ts timestamptz NOT NULL, device text, region text, v float8, CONSTRAINT "Dev Key" UNIQUE (device, region, ts))`)
	rows("CREATE TABLE plain (time timestamptz NOT NULL, host text, v float8)")

	// PostgreSQL's names: <table>_pkey, <table>_<columns>_key cut to 63
	// bytes, a number when the name is taken; CONSTRAINT name as given,
	// 42P07 when a relation has it.
	long := strings.Repeat("a", 62)
	rows("CREATE TABLE " + long + " (time timestamptz NOT NULL, " + strings.Repeat("b", 63) + " text, UNIQUE (time, " + strings.Repeat("b", 63) + "))")
	rows("CREATE TABLE kx_pkey (time timestamptz NOT NULL)")
	rows("CREATE TABLE kx (time timestamptz NOT NULL, h text, PRIMARY KEY (time, h))")
	x.requireCodes(t, map[string]string{
		"CREATE TABLE ky (time timestamptz NOT NULL, h text, CONSTRAINT kx PRIMARY KEY (time, h))":      "42P07",
		"CREATE TABLE ky (time timestamptz NOT NULL, h text, CONSTRAINT kk_pkey PRIMARY KEY (time, h))": "42P07",
	})
	require.Equal(t, [][]any{
		{"Dev Key", "u", "{2,3,1}"},
		{strings.Repeat("a", 29) + "_time_" + strings.Repeat("b", 24) + "_key", "u", "{1,2}"},
		{"kk_pkey", "p", "{2,1}"},
		{"kx_pkey1", "p", "{1,2}"},
	}, rows("SELECT conname::text, contype::text, conkey::text FROM pg_constraint WHERE connamespace = 2200 ORDER BY 1"))

	// A key without time, or without a tag (symbol), keeps them: a row is
	// told apart by its time and tags.
	res, err := ddl("CREATE TABLE ks (time timestamptz NOT NULL, host text, sym symbol, v float8, PRIMARY KEY (host))")
	require.NoError(t, err)
	require.Equal(t, []string{`the PRIMARY KEY of table "ks" is kept as (host, time, sym): a row is told apart by its time and tags`}, noticeTexts(res.Notices, ""))
	require.Equal(t, [][]any{{"PRIMARY KEY (host, \"time\", sym)"}},
		rows("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ks'::regclass"))

	// A primary key's columns are NOT NULL; a UNIQUE constraint's are not,
	// and rows with NULL there are told apart as by any value: NULLS NOT
	// DISTINCT.
	require.Equal(t, [][]any{{"device", false}, {"region", false}, {"ts", true}},
		rows("SELECT attname::text, attnotnull FROM pg_attribute WHERE attrelid = 'ku'::regclass AND attname IN ('ts', 'device', 'region') ORDER BY 1"))
	require.Equal(t, [][]any{{"host", true}, {"time", true}},
		rows("SELECT attname::text, attnotnull FROM pg_attribute WHERE attrelid = 'kk'::regclass AND attname IN ('time', 'host') ORDER BY 1"))
	rows("INSERT INTO ku VALUES ('2024-01-01', NULL, NULL, 1)")

	// The catalogs, as PostgreSQL's for the same tables.
	catalogs := func() {
		t.Helper()
		require.Equal(t, [][]any{
			{"Dev Key", "CREATE UNIQUE INDEX \"Dev Key\" ON public.ku USING btree (device, region, ts) NULLS NOT DISTINCT"},
			{"kk_pkey", "CREATE UNIQUE INDEX kk_pkey ON public.kk USING btree (host, \"time\")"},
		}, rows("SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename IN ('kk', 'ku') ORDER BY 1"))
		require.Equal(t, [][]any{
			{"Dev Key", "ku", "2 3 1", false, true, true, "i", "UNIQUE NULLS NOT DISTINCT (device, region, ts)", "region"},
			{"kk_pkey", "kk", "2 1", true, true, false, "i", "PRIMARY KEY (host, \"time\")", "\"time\""},
		}, rows(`SELECT ic.relname::text, tc.relname::text, i.indkey::text, i.indisprimary, i.indisunique, i.indnullsnotdistinct, ic.relkind::text,
			pg_get_constraintdef(con.oid, true), pg_get_indexdef(i.indexrelid, 2, true)
			FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class tc ON tc.oid = i.indrelid
			LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
			WHERE tc.relname IN ('kk', 'ku') ORDER BY 1`))
		require.Equal(t, [][]any{{"kk", true, true}, {"ku", true, true}, {"plain", false, false}},
			rows("SELECT c.relname::text, c.relhasindex, t.hasindexes FROM pg_class c JOIN pg_tables t ON t.tablename = c.relname WHERE c.relname IN ('kk', 'ku', 'plain') ORDER BY 1"))
		require.Equal(t, [][]any{{"Dev Key", "UNIQUE", "NO"}, {"kk_pkey", "PRIMARY KEY", "YES"}},
			rows("SELECT constraint_name::text, constraint_type::text, nulls_distinct::text FROM information_schema.table_constraints WHERE table_name IN ('kk', 'ku') AND constraint_type <> 'CHECK' ORDER BY 1"))
		require.Equal(t, [][]any{{"Dev Key", "device", int64(1)}, {"Dev Key", "region", int64(2)}, {"Dev Key", "ts", int64(3)}, {"kk_pkey", "host", int64(1)}, {"kk_pkey", "time", int64(2)}},
			rows("SELECT constraint_name::text, column_name::text, ordinal_position FROM information_schema.key_column_usage WHERE table_name IN ('kk', 'ku') ORDER BY 1, 3"))
		// pgjdbc's getPrimaryKeys (over pg_constraint.conkey) and
		// Tableau's (over pg_index.indkey), both through
		// information_schema._pg_expandarray.
		require.Equal(t, [][]any{{"kk", "host", int64(1), "kk_pkey"}, {"kk", "time", int64(2), "kk_pkey"}},
			rows(`SELECT result.TABLE_NAME, result.COLUMN_NAME, result.KEY_SEQ, result.PK_NAME FROM (SELECT ct.relname::text AS TABLE_NAME, a.attname::text AS COLUMN_NAME,
				(information_schema._pg_expandarray(con.conkey)).n AS KEY_SEQ, con.conname::text AS PK_NAME, information_schema._pg_expandarray(con.conkey) AS KEYS, a.attnum AS A_ATTNUM
				FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class ct ON (con.conrelid = ct.oid) JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)
				JOIN pg_catalog.pg_attribute a ON (a.attrelid = ct.oid) WHERE con.contype = 'p' AND n.nspname = 'public' AND ct.relname = 'kk') result
				WHERE result.A_ATTNUM = (result.KEYS).x ORDER BY result.table_name, result.pk_name, result.key_seq`))
		require.Equal(t, [][]any{{"host", int64(1), "kk_pkey"}, {"time", int64(2), "kk_pkey"}},
			rows(`SELECT result.COLUMN_NAME, result.KEY_SEQ, result.PK_NAME FROM (SELECT a.attname::text AS COLUMN_NAME, (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ,
				ci.relname::text AS PK_NAME, information_schema._pg_expandarray(i.indkey) AS KEYS, a.attnum AS A_ATTNUM
				FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_attribute a ON (ct.oid = a.attrelid) JOIN pg_catalog.pg_index i ON (a.attrelid = i.indrelid)
				JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) WHERE ct.relname = 'kk' AND i.indisprimary) result
				WHERE result.A_ATTNUM = (result.KEYS).x ORDER BY result.pk_name, result.key_seq`))
	}
	catalogs()
	require.Equal(t, [][]any{{"(4,1)", int64(4), int64(1)}, {"(,2)", nil, int64(2)}, {"(6,3)", int64(6), int64(3)}},
		rows("SELECT x.k, (x.k).x, (x.k).n FROM (SELECT information_schema._pg_expandarray('{4,NULL,6}'::int2[]) AS k) x"))
	require.Equal(t, [][]any{{"(5,1)", int64(1)}, {"(7,2)", int64(2)}},
		rows("SELECT information_schema._pg_expandarray(ARRAY[5,7]), (information_schema._pg_expandarray(ARRAY[5,7])).n"))
	x.requireCodes(t, map[string]string{
		"SELECT (information_schema._pg_expandarray(ARRAY[5])).y":      "42703",
		"SELECT information_schema._pg_expandarray(ARRAY['a', 'b'])":   "0A000",
		"ALTER TABLE kk ADD COLUMN region tag":                         "42P16",
		"ALTER TABLE kk DROP CONSTRAINT nosuch":                        "42704",
		"ALTER TABLE plain DROP CONSTRAINT plain_pkey":                 "42704",
		"ALTER TABLE kk RENAME CONSTRAINT nosuch TO k2":                "42704",
		"ALTER TABLE kk RENAME CONSTRAINT kk_pkey TO plain":            "42P07",
		"ALTER TABLE kk RENAME CONSTRAINT kk_pkey TO kk_pkey":          "42P07",
		"ALTER INDEX nosuch RENAME TO k2":                              "42P01",
		"ALTER INDEX kk_pkey SET TABLESPACE pg_default":                "0A000",
		"CREATE TABLE kz (time timestamptz NOT NULL, v float8 UNIQUE)": "42P16",
	})

	// Writes cannot add a tag to a keyed table; a field they can.
	ctx := context.Background()
	tagged := &storage.TableBatch{Table: "kk", Rows: 1, Time: []int64{1}, Tags: []storage.TagColumn{
		{Name: "host", Dict: []string{"a"}, Codes: []int32{0}}, {Name: "region", Dict: []string{"x"}, Codes: []int32{0}}}}
	err = e.Write(ctx, sess.Database, []*storage.TableBatch{tagged}, storage.WriteOptions{})
	var se *storage.Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, storage.CodeKeyedTable, se.Code)
	rows("ALTER TABLE kk ADD COLUMN note text")

	// Renames follow; a restart keeps the key.
	rows("ALTER TABLE kk RENAME COLUMN host TO hostname")
	_, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	require.Equal(t, [][]any{{"PRIMARY KEY (hostname, \"time\")"}},
		rows("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'kk'::regclass"))
	rows("ALTER TABLE kk RENAME COLUMN hostname TO host")
	catalogs()

	// DROP CONSTRAINT drops it (IF EXISTS skips a name it lacks); tags may
	// then be added. The columns stay NOT NULL, as in PostgreSQL.
	res, err = ddl("ALTER TABLE kk DROP CONSTRAINT IF EXISTS nosuch")
	require.NoError(t, err)
	require.Equal(t, []string{`constraint "nosuch" of relation "kk" does not exist, skipping`}, noticeTexts(res.Notices, "00000"))
	rows("ALTER TABLE kk DROP CONSTRAINT kk_pkey")
	require.Empty(t, rows("SELECT conname FROM pg_constraint WHERE conrelid = 'kk'::regclass"))
	require.Empty(t, rows("SELECT indexrelid FROM pg_index WHERE indrelid = 'kk'::regclass"))
	require.Equal(t, [][]any{{false}}, rows("SELECT relhasindex FROM pg_class WHERE relname = 'kk'"))
	require.Equal(t, [][]any{{true}}, rows("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'kk'::regclass AND attname = 'host'"))
	rows("ALTER TABLE kk ADD COLUMN region tag")
	x.requireCodes(t, map[string]string{"ALTER TABLE kk DROP CONSTRAINT kk_pkey": "42704"})
}
