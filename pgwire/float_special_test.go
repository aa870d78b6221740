package pgwire

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var floatGoldenFrom = flag.String("float-golden-from", "", "write testdata/float/nan_expected.txt from the PostgreSQL 15 server at this URL")

// floatSetup writes NaN and infinities into double precision and real
// fields by INSERT, UPDATE (Infinity - Infinity: a NaN computed, not
// parsed) and ON CONFLICT DO UPDATE.
const floatSetup = `SET TimeZone = 'UTC';
DROP TABLE IF EXISTS fnan;
CREATE TABLE fnan (time timestamptz NOT NULL, host text, v double precision, r real, PRIMARY KEY (time, host));
INSERT INTO fnan VALUES ('2024-01-01 00:00+00', 'a', 1, 1), ('2024-01-01 00:01+00', 'a', 'NaN', 'NaN'),
  ('2024-01-01 00:02+00', 'a', 'Infinity', '-Infinity'), ('2024-01-01 00:03+00', 'b', 3, 3),
  ('2024-01-02 00:00+00', 'b', '-Infinity', 'inf'), ('2024-01-03 00:00+00', 'c', 'NaN', NULL),
  ('2024-01-03 00:01+00', 'c', 'nan', NULL);
UPDATE fnan SET v = v - v WHERE host = 'a' AND time = '2024-01-01 00:02+00';
UPDATE fnan SET r = 'nan' WHERE v = 3;
INSERT INTO fnan VALUES ('2024-01-01 00:03+00', 'b', 3, 3) ON CONFLICT (time, host) DO UPDATE SET v = EXCLUDED.v * 'Infinity'::float8;
`

// floatQueries read them back: order, grouping, DISTINCT, aggregates,
// comparisons, joins and windows treat NaN as PostgreSQL does (equal to
// itself, above every number).
const floatQueries = `\echo order
SELECT time, host, v, r FROM fnan ORDER BY time, host;
SELECT v FROM fnan ORDER BY v DESC NULLS LAST LIMIT 3;
\echo group
SELECT v, count(*), sum(r) FROM fnan GROUP BY v ORDER BY v;
SELECT r, count(*) FROM fnan GROUP BY r ORDER BY r DESC;
SELECT DISTINCT v FROM fnan ORDER BY 1;
\echo aggregates
SELECT max(v), min(v), sum(v), avg(r), max(r), min(r), count(*) FILTER (WHERE v = 'NaN') FROM fnan;
SELECT host, max(v), min(r), avg(v) FROM fnan GROUP BY host ORDER BY host;
SELECT date_trunc('day', time) AS d, max(v), avg(v), count(v) FROM fnan GROUP BY d ORDER BY d;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v), stddev(v), variance(r) FROM fnan;
\echo compare
SELECT time, v FROM fnan WHERE v > 2 ORDER BY time;
SELECT time, v FROM fnan WHERE v IN ('NaN', 1) ORDER BY time;
SELECT time, r FROM fnan WHERE r < 0 OR r = 'Infinity' ORDER BY time;
SELECT a.time, b.time FROM fnan a JOIN fnan b ON a.v = b.v AND a.time < b.time ORDER BY 1, 2;
SELECT time, v, rank() OVER (ORDER BY v DESC), lag(v) OVER (ORDER BY time) FROM fnan ORDER BY time;
SELECT v::text, r::text, greatest(v, 5), abs(r) FROM fnan ORDER BY time;
`

// TestFloatNaNInfinity: NaN and infinities are stored in float fields and
// read back, from the write buffer and from Parquet files, with
// PostgreSQL 15's answers (testdata/float/nan_expected.txt, written from
// PostgreSQL by -float-golden-from). NaN and infinity were refused before.
func TestFloatNaNInfinity(t *testing.T) {
	s := psqlMatchesPostgres(t, filepath.Join("testdata", "float", "nan_expected.txt"), *floatGoldenFrom, floatSetup, floatQueries)
	if s == nil {
		return
	}
	ctx := context.Background()

	// pgx sends float8 and float4 parameters in binary: NaN and infinity
	// bits are stored as sent.
	conn := connect(t, s, "db")
	defer conn.Close(ctx)
	_, err := conn.Exec(ctx, "INSERT INTO fnan VALUES ($1, 'p', $2, $3), ($4, 'p', $5, $6)",
		time.Date(2024, 1, 4, 0, 0, 0, 0, time.UTC), math.NaN(), float32(math.Inf(1)),
		time.Date(2024, 1, 4, 0, 1, 0, 0, time.UTC), math.Inf(-1), float32(math.NaN()))
	require.NoError(t, err)
	rows, err := conn.Query(ctx, "SELECT v, r FROM fnan WHERE host = 'p' ORDER BY time")
	require.NoError(t, err)
	var got []string
	for rows.Next() {
		var v float64
		var r float32
		require.NoError(t, rows.Scan(&v, &r))
		got = append(got, fmt.Sprint(v, " ", r))
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"NaN +Inf", "-Inf NaN"}, got)
}

// psqlMatchesPostgres runs setup (a psql script that prints nothing) on
// a new server, then queries, whose output must be the golden file's at
// path, over the write buffer and again after Persist and Compact (from
// files). With from, PostgreSQL 15's URL, it writes the golden file from
// PostgreSQL's answers instead and returns nil.
func psqlMatchesPostgres(t *testing.T, path, from, setup, queries string) *testServer {
	t.Helper()
	if from != "" {
		golden(t, path, psqlURL(t, from, setup+queries), true)
		return nil
	}
	s := startServer(t)
	out, stderr, err := psql(t, s, setup, "-q", "-v", "ON_ERROR_STOP=1")
	require.NoError(t, err, stderr)
	require.Empty(t, out)
	read := func() string {
		out, stderr, err := psql(t, s, "SET TimeZone = 'UTC';\n"+queries, "-q", "-v", "ON_ERROR_STOP=1")
		require.NoError(t, err, stderr)
		return out
	}
	golden(t, path, read(), false)
	ctx := context.Background()
	require.NoError(t, s.engine.Persist(ctx))
	_, err = s.engine.Compact(ctx, true)
	require.NoError(t, err)
	golden(t, path, read(), false)
	return s
}

// psqlURL runs a script with psql -q -A -t against a server's URL.
func psqlURL(t *testing.T, url, script string) string {
	t.Helper()
	cmd := exec.Command(psqlPath(t), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url)
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), errb.String())
	return out.String()
}
