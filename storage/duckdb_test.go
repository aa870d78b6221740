package storage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// duckdbDir holds the npm project of the DuckDB reader (make test runs npm ci).
const duckdbDir = "../testdata/duckdb"

// requireExternal makes tests that need an installed external tool fail
// instead of skip: CI sets it, so they can never pass by not running.
func requireExternal(t *testing.T, what, install string) {
	t.Helper()
	if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
		t.Fatalf("%s is not installed: %s", what, install)
	}
	t.Skipf("%s is not installed (%s); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure", what, install)
}

// TestParquetReadByDuckDB writes every column type, nulls, unicode,
// duplicates, NaN and infinities, and several days, persists and compacts, and checks that DuckDB
// reading the Parquet files finds exactly the rows Strata returns.
func TestParquetReadByDuckDB(t *testing.T) {
	if _, err := os.Stat(filepath.Join(duckdbDir, "node_modules", "@duckdb", "node-api")); err != nil {
		requireExternal(t, "@duckdb/node-api", "run `npm ci` in testdata/duckdb (make test does)")
	}
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	day := int64(86400e9)
	write(t, e, "db", batchOf(t, "weather",
		"1000 city=Zürich,station=s1 temp=21.5,hum=40i,note=\"grüezi-ß\",ok=true",
		"2000 city=Zürich,station=s1 temp=-3.25e2,hum=-5i,ok=false",
		fmt.Sprintf("%d city=Oslo temp=1,note=\"\"", day+7),
		"1000 station=s2 hum=9223372036854775807i",
		// NaN and infinities (a page of only NaN: a chunk without a
		// column index).
		"3000 city=Lima temp=NaN", "3001 city=Lima temp=+Inf", "3002 city=Lima temp=-Inf", "3003 city=Nuuk temp=NaN"))
	require.NoError(t, e.Persist(ctx))
	write(t, e, "db", batchOf(t, "weather",
		"1000 city=Zürich,station=s1 temp=22.5", // overwrites one field of the first row
		fmt.Sprintf("%d city=Oslo,station=s9 temp=2", 2*day)))
	require.NoError(t, e.Persist(ctx))

	check := func(stage string) {
		// DuckDB reads Parquet TIMESTAMP(NANOS, UTC) as its microsecond
		// TIMESTAMP WITH TIME ZONE, so it sees times cut to microseconds.
		want := scan(t, e, all("weather"))
		for i, row := range want {
			var ts int64
			rest, _ := strings.CutPrefix(row, "time=")
			num, tail, _ := strings.Cut(rest, " ")
			fmt.Sscan(num, &ts)
			want[i] = fmt.Sprintf("time=%d %s", ts/1000*1000, tail)
		}
		sort.Strings(want)
		got, types := duckdbRows(t, filepath.Join(dir, "dbs", "db", "weather", "*", "*.parquet"))
		require.Equal(t, want, got, stage)
		require.Equal(t, "TIMESTAMP WITH TIME ZONE", types["time"], stage)
		require.Equal(t, "VARCHAR", types["city"], stage)
		require.Equal(t, "DOUBLE", types["temp"], stage)
		require.Equal(t, "BIGINT", types["hum"], stage)
		require.Equal(t, "BOOLEAN", types["ok"], stage)
	}
	// Before compaction the day-0 partition has two files that DuckDB reads
	// as they are: compare only after compaction, which dedups them, and
	// check the single-file partitions right away.
	st, err := e.Compact(ctx, true)
	require.NoError(t, err)
	require.Equal(t, 1, st.Partitions)
	check("after compaction")
	require.Contains(t, scan(t, e, all("weather")), "time=1000 city=Zürich station=s1 temp=22.5 hum=40 note=grüezi-ß ok=true")
}

// duckdbRows reads Parquet files with DuckDB and renders rows like rowsOf.
func duckdbRows(t *testing.T, glob string) ([]string, map[string]string) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(duckdbDir, "read_parquet.mjs"))
	require.NoError(t, err)
	cmd := exec.Command("node", script, glob)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node: %s", stderr.String())
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	var header struct {
		Types map[string]string `json:"types"`
	}
	require.True(t, sc.Scan())
	require.NoError(t, json.Unmarshal(sc.Bytes(), &header))
	// Column order as DuckDB reports it: the file's order.
	var order []string
	dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
	dec.Token()
	dec.Token()
	dec.Token()
	for dec.More() {
		tok, _ := dec.Token()
		order = append(order, tok.(string))
		dec.Token()
	}
	var rows []string
	for sc.Scan() {
		var m map[string]*string
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m))
		var parts []string
		for _, col := range order {
			if v := m[col]; v != nil {
				val := *v
				if header.Types[col] == "DOUBLE" {
					var f float64
					fmt.Sscan(val, &f)
					val = fmt.Sprint(f)
				}
				parts = append(parts, col+"="+val)
			}
		}
		rows = append(rows, strings.Join(parts, " "))
	}
	sort.Strings(rows)
	return rows, header.Types
}
