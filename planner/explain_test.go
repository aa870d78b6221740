package planner_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var updateExplain = flag.Bool("update-explain", false, "rewrite testdata/explain.golden")

// TestExplainGolden pins what the optimizer rules do to the plans of
// testdata/explain.sql (one query per blank-line-separated block, "--"
// comments name the rule).
func TestExplainGolden(t *testing.T) {
	x := openSLT(t)
	src, err := os.ReadFile("testdata/explain.sql")
	require.NoError(t, err)
	var out strings.Builder
	for _, block := range strings.Split(strings.TrimSpace(string(src)), "\n\n") {
		var comment, query []string
		for _, line := range strings.Split(block, "\n") {
			if strings.HasPrefix(line, "--") {
				comment = append(comment, line)
			} else {
				query = append(query, line)
			}
		}
		q := strings.Join(query, "\n")
		res, err := x.Query(context.Background(), "EXPLAIN "+q)
		require.NoError(t, err, q)
		fmt.Fprintf(&out, "%s\n%s\n", strings.Join(comment, "\n"), q)
		for _, row := range res.Rows {
			fmt.Fprintf(&out, "  %s\n", row[0])
		}
		out.WriteString("\n")
	}
	if *updateExplain {
		require.NoError(t, os.WriteFile("testdata/explain.golden", []byte(out.String()), 0o644))
		return
	}
	want, err := os.ReadFile("testdata/explain.golden")
	require.NoError(t, err)
	require.Equal(t, string(want), out.String(), "run go test ./planner -run TestExplainGolden -args -update-explain")
}

func TestExplainAnalyze(t *testing.T) {
	x := openSLT(t)
	res, err := x.Query(context.Background(), "EXPLAIN ANALYZE SELECT hostname, max(usage_user) FROM cpu WHERE time < '2016-01-01 06:00:00Z' GROUP BY hostname")
	require.NoError(t, err)
	var lines []string
	for _, r := range res.Rows {
		lines = append(lines, r[0].(string))
	}
	text := strings.Join(lines, "\n")
	require.Regexp(t, regexp.MustCompile(`(?m)^Projection: .* \(actual rows=4 batches=1 time=[0-9.]+ ms\)$`), text, "host_4 starts at 06:00")
	require.Regexp(t, regexp.MustCompile(`(?m)^  Aggregate: .* \(actual rows=4 `), text)
	require.Regexp(t, regexp.MustCompile(`(?m)^    Scan: cpu projection=\[hostname, usage_user\] time=\[-inf, 2016-01-01 06:00:00\+00\) \(actual rows=[0-9]+ `), text)
	require.Regexp(t, regexp.MustCompile(`(?m)^Execution Time: [0-9.]+ ms$`), text)
}

// TestExplainAnalyzeRecentBuckets checks which windows recent_buckets ran:
// one narrow window when the newest buckets have rows, widened ones when a
// filter leaves them sparse, the whole range when too few groups exist.
func TestExplainAnalyzeRecentBuckets(t *testing.T) {
	x := openSLT(t)
	for _, tt := range []struct{ query, note string }{
		{
			"SELECT date_bin('1 minute', time, '2000-01-03') AS m, max(usage_user) FROM cpu WHERE time < '2016-01-01 12:02:04.7 +0000' GROUP BY m ORDER BY m DESC LIMIT 5",
			// the slt data has a row every 5 minutes: [11:58, 12:02:04.7)
			// holds one group, four times that span back from the upper
			// bound, [11:45, ...), four, and [10:53, ...) enough
			"narrowed runs=3, window from 2016-01-01 10:53:00+00",
		},
		{
			"SELECT date_bin('5 minutes', time, '2000-01-03') AS b, count(*) FROM cpu GROUP BY b ORDER BY b DESC LIMIT 3",
			"narrowed runs=1, window from 2016-01-01 23:45:00+00",
		},
		{
			"SELECT date_bin('5 minutes', time, '2000-01-03') AS b, count(*) FROM cpu WHERE usage_user > 99 AND usage_system > 50 GROUP BY b ORDER BY b DESC LIMIT 50",
			"then the whole range",
		},
	} {
		res, err := x.Query(context.Background(), "EXPLAIN ANALYZE "+tt.query)
		require.NoError(t, err)
		first := res.Rows[0][0].(string)
		require.True(t, strings.HasPrefix(first, "RecentBuckets: "), first)
		require.Contains(t, first, tt.note)
	}
}

// TestExplainAnalyzeRecentRows checks which windows recent_rows ran: one
// window of the newest (oldest) rows when they pass, widened ones when a
// tag filter leaves few, the whole range when too few rows pass at all,
// and none under a filter on a field.
func TestExplainAnalyzeRecentRows(t *testing.T) {
	x := openSLT(t)
	for _, tt := range []struct{ query, head, note string }{
		{"SELECT hostname, time FROM cpu ORDER BY time DESC, hostname LIMIT 4", "RecentRows: time DESC", "narrowed runs=1, window from 2016-01-01 23:"},
		{"SELECT hostname, time FROM cpu ORDER BY time LIMIT 4", "RecentRows: time ASC", "narrowed runs=1, window to 2016-01-01 00:"},
		// host_4 stops at 22:55, an hour before the others: the third
		// window, 64 times the first, reaches it
		{"SELECT time FROM cpu WHERE hostname = 'host_4' ORDER BY time DESC LIMIT 2", "RecentRows: time DESC", "narrowed runs=3, window from 2016-01-01 1"},
		{"SELECT time FROM cpu WHERE hostname = 'nobody' ORDER BY time DESC LIMIT 2", "RecentRows: time DESC", "narrowed runs=3, then the whole range"},
		// a condition on a field may pass few rows anywhere: no windows
		{"SELECT time FROM cpu WHERE usage_user > 1000 ORDER BY time DESC LIMIT 2", "Limit: ", ""},
	} {
		res, err := x.Query(context.Background(), "EXPLAIN ANALYZE "+tt.query)
		require.NoError(t, err)
		first := res.Rows[0][0].(string)
		require.True(t, strings.HasPrefix(first, tt.head), first)
		require.Contains(t, first, tt.note, tt.query)
	}
}

// TestExplainAnalyzePages: a scan of Parquet files reports the pages it
// read, took from the page cache and skipped; the second run of a query
// reads no page from the file.
func TestExplainAnalyzePages(t *testing.T) {
	e := openSLTEngine(t)
	require.NoError(t, e.Persist(context.Background()))
	x := sltExec(e)
	scanLine := func() string {
		res, err := x.Query(context.Background(), "EXPLAIN ANALYZE SELECT max(usage_user) FROM cpu WHERE hostname = 'host_1' AND time >= '2016-01-01 06:00:00Z'")
		require.NoError(t, err)
		var lines []string
		for _, r := range res.Rows {
			line := r[0].(string)
			if strings.Contains(line, "pages read=") {
				return line
			}
			lines = append(lines, line)
		}
		t.Fatalf("no line reports pages:\n%s", strings.Join(lines, "\n"))
		return ""
	}
	first := regexp.MustCompile(`pages read=([1-9][0-9]*) cached=0 skipped=[0-9]+\)$`)
	require.Regexp(t, first, scanLine())
	require.Regexp(t, regexp.MustCompile(`pages read=0 cached=[1-9][0-9]* skipped=[0-9]+\)$`), scanLine())
}

// TestRecentBucketsOnlyFloors: bucket functions that are not a floor for
// every time are run over the whole range: date_trunc in a zone with
// daylight saving time (a repeated hour truncates forward) and month
// buckets from an origin past the 28th (short months roll over).
func TestRecentBucketsOnlyFloors(t *testing.T) {
	x := openSLT(t)
	plan := func(q string) string {
		res, err := x.Query(context.Background(), "EXPLAIN "+q)
		require.NoError(t, err)
		return res.Rows[0][0].(string)
	}
	require.True(t, strings.HasPrefix(plan("SELECT time_bucket('1 month', time) AS m, count(*) FROM cpu GROUP BY m ORDER BY m DESC LIMIT 1"), "RecentBuckets"))
	require.False(t, strings.HasPrefix(plan("SELECT time_bucket('1 month', time, '2000-01-31') AS m, count(*) FROM cpu GROUP BY m ORDER BY m DESC LIMIT 1"), "RecentBuckets"))
	require.False(t, strings.HasPrefix(plan("SELECT date_trunc('hour', time, 'Europe/Berlin') AS h, count(*) FROM cpu GROUP BY h ORDER BY h DESC LIMIT 1"), "RecentBuckets"))

	q := "EXPLAIN ANALYZE SELECT date_trunc('hour', time) AS h, count(*) FROM cpu GROUP BY h ORDER BY h DESC LIMIT 2"
	res, err := x.Query(context.Background(), q)
	require.NoError(t, err)
	require.Contains(t, res.Rows[0][0], "narrowed runs=1", "UTC: narrowed")
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	x.sess.Location = berlin
	defer func() { x.sess.Location = time.UTC }()
	res, err = x.Query(context.Background(), q)
	require.NoError(t, err)
	require.Contains(t, res.Rows[0][0], "narrowed runs=0, then the whole range", "a zone with DST: the plain query")
}
