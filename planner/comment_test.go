package planner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestComment: COMMENT ON TABLE, VIEW, MATERIALIZED VIEW and COLUMN keep a
// comment that obj_description, col_description and pg_description read
// as PostgreSQL's (psql's \d+ and \dt+, DBeaver); a column's follows it
// through a rename, ” and NULL remove one, CREATE OR REPLACE VIEW keeps
// the view's, and all of them outlive a restart. Wrong objects get
// PostgreSQL's errors. Before, COMMENT was refused (0A000).
func TestComment(t *testing.T) {
	dir, e, _, sess, x := openRewriteTest(t)
	rows := x.rowsOf(t)
	for _, q := range []string{
		"CREATE TABLE ct (time timestamptz NOT NULL, host text, v double precision)",
		"CREATE VIEW cv AS SELECT v, host FROM ct",
		"CREATE MATERIALIZED VIEW cm AS SELECT time_bucket('1 hour', time) AS b, avg(v) AS v FROM ct GROUP BY b",
		"COMMENT ON TABLE ct IS 'metrics'",
		"COMMENT ON COLUMN ct.v IS 'value'",
		"COMMENT ON COLUMN public.ct.host IS 'the host'",
		"COMMENT ON VIEW cv IS 'a view'",
		"COMMENT ON COLUMN cv.host IS 'view col'",
		"COMMENT ON MATERIALIZED VIEW cm IS 'a matview'",
		"COMMENT ON COLUMN cm.v IS 'mv col'",
	} {
		rows(q)
	}
	const read = `SELECT obj_description('ct'::regclass), obj_description('ct'::regclass, 'pg_class'), col_description('ct'::regclass, 3),
		col_description('ct'::regclass, 2), col_description('ct'::regclass, 1), obj_description('cv'::regclass), col_description('cv'::regclass, 2),
		obj_description('cm'::regclass), col_description('cm'::regclass, 2)`
	want := [][]any{{"metrics", "metrics", "value", "the host", nil, "a view", "view col", "a matview", "mv col"}}
	require.Equal(t, want, rows(read))
	const desc = `SELECT c.relname, d.objsubid, d.description, d.classoid = 'pg_class'::regclass FROM pg_description d
		JOIN pg_class c ON c.oid = d.objoid WHERE c.relname IN ('ct', 'cv', 'cm') ORDER BY 1, 2`
	wantDesc := [][]any{{"cm", int64(0), "a matview", true}, {"cm", int64(2), "mv col", true}, {"ct", int64(0), "metrics", true},
		{"ct", int64(2), "the host", true}, {"ct", int64(3), "value", true}, {"cv", int64(0), "a view", true}, {"cv", int64(2), "view col", true}}
	require.Equal(t, wantDesc, rows(desc))

	// The catalog keeps them.
	_, x = restartRewriteTest(t, e, dir, sess)
	rows = x.rowsOf(t)
	require.Equal(t, want, rows(read))
	require.Equal(t, wantDesc, rows(desc))

	rows("CREATE OR REPLACE VIEW cv AS SELECT v, host, 1 AS one FROM ct")
	require.Equal(t, [][]any{{"a view", "view col"}}, rows("SELECT obj_description('cv'::regclass), col_description('cv'::regclass, 2)"))
	rows("DROP VIEW cv")
	rows("DROP MATERIALIZED VIEW cm")
	rows("ALTER TABLE ct RENAME COLUMN v TO val")
	require.Equal(t, [][]any{{"value"}}, rows("SELECT col_description('ct'::regclass, 3)"))
	rows("COMMENT ON COLUMN ct.val IS ''")
	rows("COMMENT ON TABLE ct IS NULL")
	require.Equal(t, [][]any{{nil, nil, "the host"}}, rows("SELECT obj_description('ct'::regclass), col_description('ct'::regclass, 3), col_description('ct'::regclass, 2)"))

	rows("CREATE VIEW cv AS SELECT host FROM ct")
	rows("CREATE MATERIALIZED VIEW cm AS SELECT time_bucket('1 hour', time) AS b, count(*) AS n FROM ct GROUP BY b")
	x.requireCodes(t, map[string]string{
		"COMMENT ON TABLE cv IS 'x'":                        "42809",
		"COMMENT ON VIEW ct IS 'x'":                         "42809",
		"COMMENT ON MATERIALIZED VIEW ct IS 'x'":            "42809",
		"COMMENT ON MATERIALIZED VIEW cv IS 'x'":            "42809",
		"COMMENT ON TABLE cm IS 'x'":                        "42809",
		"COMMENT ON TABLE nope IS 'x'":                      "42P01",
		"COMMENT ON COLUMN nope.v IS 'x'":                   "42P01",
		"COMMENT ON COLUMN ct.nope IS 'x'":                  "42703",
		"COMMENT ON COLUMN cv.nope IS 'x'":                  "42703",
		"COMMENT ON COLUMN v IS 'x'":                        "42601",
		"COMMENT ON TABLE nosuch.ct IS 'x'":                 "3F000",
		"COMMENT ON TABLE information_schema.tables IS 'x'": "42809",
		"COMMENT ON TABLE ct IS 42":                         "42601",
		"COMMENT ON INDEX ct_idx IS 'x'":                    "0A000",
		"COMMENT ON TABLE other.public.ct IS 'x'":           "0A000",
		"COMMENT ON TABLE pg_class IS 'x'":                  "42501",
	})
	_, err := x.Query(context.Background(), "COMMENT ON COLUMN ct.hots IS 'x'")
	require.ErrorContains(t, err, `column "hots" of relation "ct" does not exist`)
}
