package planner_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
	"github.com/stretchr/testify/require"
)

// TestTableSampleRepeatable: REPEATABLE (seed) draws the same rows from
// the write buffer, after persisting, after compacting and after a field
// is overwritten (a row is in or out by its time and tags, not by where it
// is stored); a WHERE clause keeps the sample's rows it matches; sizes are
// binomial; another seed, or none, draws other rows.
func TestTableSampleRepeatable(t *testing.T) {
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	defer e.Close()
	x := &strataExec{p: &planner.Planner{Engine: e}, sess: &planner.Session{Database: "db", Location: time.UTC, Now: time.Now()}}
	ctx := context.Background()
	const hosts, points = 20, 500
	write := func(v float64) {
		var p lp.Parser
		// A write per host, so the rows arrive in many batches.
		for h := range hosts {
			var b strings.Builder
			for i := range points {
				fmt.Fprintf(&b, "m,host=h%02d,dc=dc%d v=%v %d\n", h, h%3, v+float64(i), int64(1704067200+10*i)*1e9)
			}
			res := p.Parse([]byte(b.String()), lp.Options{Precision: lp.Nanosecond})
			require.NoError(t, e.Write(ctx, "db", res.Tables, storage.WriteOptions{}))
		}
	}
	write(0)
	keys := func(q string) []string {
		t.Helper()
		res, err := x.Query(ctx, q)
		require.NoError(t, err, q)
		out := make([]string, len(res.Rows))
		for i, r := range res.Rows {
			out[i] = fmt.Sprint(r[0], " ", r[1])
		}
		return out
	}
	const sample = "SELECT host, time FROM m TABLESAMPLE BERNOULLI (10) REPEATABLE (42) ORDER BY host, time"
	first := keys(sample)
	// 10,000 rows at 10%: 1,000 expected, sd 30; within 5 sd.
	require.InDelta(t, 1000, len(first), 150)
	// Rows of one time are drawn one by one, not as a time's whole set.
	times := map[string][]string{}
	for _, k := range first {
		host, at, _ := strings.Cut(k, " ")
		times[host] = append(times[host], at)
	}
	require.NotEqual(t, times["h00"], times["h01"])

	require.NoError(t, e.Persist(ctx))
	require.Equal(t, first, keys(sample), "after persisting")
	_, err = e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, first, keys(sample), "after compacting")
	write(1000) // every row's v overwritten, same keys
	require.Equal(t, first, keys(sample), "after overwriting the field")

	// Which columns the query reads does not change the rows; a WHERE
	// clause (pushed into the scan's time range and tag statistics) keeps
	// those it matches.
	res, err := x.Query(ctx, "SELECT count(*) FROM m TABLESAMPLE BERNOULLI (10) REPEATABLE (42)")
	require.NoError(t, err)
	require.Equal(t, int64(len(first)), res.Rows[0][0])
	var want []string
	for _, k := range first {
		if strings.HasPrefix(k, "h03 ") {
			want = append(want, k)
		}
	}
	require.Equal(t, want, keys("SELECT host, time FROM m TABLESAMPLE BERNOULLI (10) REPEATABLE (42) WHERE host = 'h03' AND time >= '2024-01-01' ORDER BY host, time"))

	// Another seed draws another sample; so does each statement without
	// REPEATABLE. Percentages 0 and 100 take none and all.
	other := keys("SELECT host, time FROM m TABLESAMPLE BERNOULLI (10) REPEATABLE (43) ORDER BY host, time")
	require.InDelta(t, 1000, len(other), 150)
	// Drawn independently of the first: about 1% of the rows are in both
	// (100 expected, sd 10).
	inFirst := map[string]bool{}
	for _, k := range first {
		inFirst[k] = true
	}
	both := 0
	for _, k := range other {
		if inFirst[k] {
			both++
		}
	}
	require.InDelta(t, 100, both, 50)
	require.NotEqual(t, keys("SELECT host, time FROM m TABLESAMPLE BERNOULLI (10) ORDER BY host, time"), keys("SELECT host, time FROM m TABLESAMPLE BERNOULLI (10) ORDER BY host, time"))
	for q, n := range map[string]int64{
		"SELECT count(*) FROM m TABLESAMPLE BERNOULLI (0)":   0,
		"SELECT count(*) FROM m TABLESAMPLE BERNOULLI (100)": hosts * points,
		"SELECT count(*) FROM m TABLESAMPLE SYSTEM (0)":      0,
		"SELECT count(*) FROM m TABLESAMPLE SYSTEM (100)":    hosts * points,
	} {
		res, err := x.Query(ctx, q)
		require.NoError(t, err, q)
		require.Equal(t, n, res.Rows[0][0], q)
	}

	// SYSTEM returns whole blocks (storage's tests hold what a block is);
	// the same seed the same rows, which are rows of the table.
	system := keys("SELECT host, time FROM m TABLESAMPLE SYSTEM (50) REPEATABLE (9) ORDER BY host, time")
	require.Equal(t, system, keys("SELECT host, time FROM m TABLESAMPLE SYSTEM (50) REPEATABLE (9) ORDER BY host, time"))
	res, err = x.Query(ctx, "SELECT count(*) FROM m s TABLESAMPLE SYSTEM (50) REPEATABLE (9) WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.host = s.host AND m.time = s.time AND m.v = s.v)")
	require.NoError(t, err)
	require.Equal(t, int64(0), res.Rows[0][0])

	// No host is favoured: over 50 seeds, each host's share of a 50%
	// sample stays near half (sd of one count: sqrt(500/4) ~ 11).
	for seed := range 50 {
		res, err := x.Query(ctx, fmt.Sprintf("SELECT host, count(*) FROM m TABLESAMPLE BERNOULLI (50) REPEATABLE (%d) GROUP BY host", seed))
		require.NoError(t, err)
		require.Len(t, res.Rows, hosts)
		for _, r := range res.Rows {
			require.Less(t, math.Abs(float64(r[1].(int64))-points/2), 6*math.Sqrt(points/4.0), "seed %d host %v", seed, r[0])
		}
	}
}
