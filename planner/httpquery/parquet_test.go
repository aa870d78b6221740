package httpquery

import (
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParquetReadByDuckDB: format=parquet writes dates as Parquet dates and
// intervals as PostgreSQL's text of them, and DuckDB reads both (arrow-go
// cannot write Arrow's month-day-nano intervals: that was a 500).
func TestParquetReadByDuckDB(t *testing.T) {
	duckdbDir := filepath.Join("..", "..", "testdata", "duckdb")
	if _, err := os.Stat(filepath.Join(duckdbDir, "node_modules", "@duckdb", "node-api")); err != nil {
		if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
			t.Fatal("@duckdb/node-api is not installed: run `npm ci` in testdata/duckdb (make test does)")
		}
		t.Skip("@duckdb/node-api is not installed (run `npm ci` in testdata/duckdb); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure")
	}
	base := newServer(t)
	q := `SELECT time, time::date AS d, DATE '1969-12-31' AS old, time - TIMESTAMP '2023-11-13 01:00' AS i,
	             CASE WHEN host = 'b' THEN interval '1 mon 2 days 00:00:01.5' END AS j, host FROM cpu ORDER BY time`
	code, _, body := call(t, "GET", base+"/api/v3/query_sql?db=db&format=parquet&q="+url.QueryEscape(q), nil)
	require.Equal(t, 200, code, body)
	file := filepath.Join(t.TempDir(), "result.parquet")
	require.NoError(t, os.WriteFile(file, []byte(body), 0o644))

	script, err := filepath.Abs(filepath.Join(duckdbDir, "read_parquet.mjs"))
	require.NoError(t, err)
	cmd := exec.Command("node", script, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node: %s", stderr.String())
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.JSONEq(t, `{"types":{"time":"TIMESTAMP WITH TIME ZONE","d":"DATE","old":"DATE","i":"VARCHAR","j":"VARCHAR","host":"VARCHAR"}}`, lines[0])
	require.Len(t, lines, 4)
	for i, want := range []string{"1 day 21:13:20", "1 day 21:13:30", "1 day 21:13:40"} {
		require.Contains(t, lines[i+1], `"i":"`+want+`"`)
		require.Contains(t, lines[i+1], `"d":"Tue Nov 14 2023`, "the date, not a shifted instant")
		require.Contains(t, lines[i+1], `"old":"Wed Dec 31 1969`)
	}
	require.Contains(t, lines[2], `"j":"1 mon 2 days 00:00:01.5"`)
	require.Contains(t, lines[1], `"j":null`)
}
