package planner_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
)

// TestPrecisionWarning: a time type written with more than 6 digits of a
// second is held with 6, with PostgreSQL's WARNING (22023), once per cast
// or column; 6 and fewer warn nothing.
func TestPrecisionWarning(t *testing.T) {
	_, _, p, sess, x := openRewriteTest(t)
	var got []planner.Notice
	sess.Notify = func(n planner.Notice) { got = append(got, n) }
	ddl := ddlRunner(t, p, sess)
	for _, tc := range []struct{ q, want string }{
		{"SELECT now()::timestamptz(8) IS NOT NULL", "TIMESTAMP(8) WITH TIME ZONE precision reduced to maximum allowed, 6"},
		{"SELECT CAST('2024-01-01 10:00:00.1234567' AS timestamp(7))", "TIMESTAMP(7) precision reduced to maximum allowed, 6"},
		{"SELECT '10:00:00.1234567'::time(7)", "TIME(7) precision reduced to maximum allowed, 6"},
		{"SELECT now()::timestamptz(6) IS NOT NULL, '1:00'::time(3)", ""},
	} {
		got = nil
		r, err := x.Query(context.Background(), tc.q)
		require.NoError(t, err, tc.q)
		require.Len(t, r.Rows, 1)
		if tc.want == "" {
			require.Empty(t, got, tc.q)
			continue
		}
		require.Len(t, got, 1, tc.q)
		require.Equal(t, planner.Notice{Severity: "WARNING", Code: "22023", Msg: tc.want}, got[0], tc.q)
	}
	r, err := x.Query(context.Background(), "SELECT '2024-01-01 10:00:00.1234567'::timestamp(9)::text")
	require.NoError(t, err)
	require.Equal(t, [][]any{{"2024-01-01 10:00:00.123457"}}, r.Rows, "held with 6 digits")

	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"CREATE TABLE tp (time timestamp(7) with time zone NOT NULL, at timestamp(9), v float8)", []string{
			"TIMESTAMP(7) WITH TIME ZONE precision reduced to maximum allowed, 6", "TIMESTAMP(9) precision reduced to maximum allowed, 6"}},
		{"ALTER TABLE tp ADD COLUMN b timestamptz(7)", []string{"TIMESTAMP(7) WITH TIME ZONE precision reduced to maximum allowed, 6"}},
		{"ALTER TABLE tp ALTER COLUMN at TYPE timestamp(8)", []string{"TIMESTAMP(8) precision reduced to maximum allowed, 6"}},
		{"ALTER TABLE tp ADD COLUMN c timestamptz(6)", nil},
	} {
		res, err := ddl(tc.q)
		require.NoError(t, err, tc.q)
		var msgs []string
		for _, n := range res.Notices {
			require.Equal(t, "WARNING 22023", n.Severity+" "+n.Code, tc.q)
			msgs = append(msgs, n.Msg)
		}
		require.Equal(t, tc.want, msgs, tc.q)
	}
}
