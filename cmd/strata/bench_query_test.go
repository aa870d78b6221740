package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
	"github.com/stratadb/strata/cmd/strata/internal/tsbsq"
)

func TestNormCells(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"2016-01-01T01:27:00", "2016-01-01T01:27:00Z"},           // Strata CSV
		{"2016-01-01 01:27:00+00", "2016-01-01T01:27:00Z"},        // DuckDB JSON
		{"2016-01-01 02:27:00.5+01:00", "2016-01-01T01:27:00.5Z"}, // offset applied
		{time.Date(2016, 1, 1, 1, 27, 0, 0, time.UTC), "2016-01-01T01:27:00Z"},
		{"58", "58"},
		{58.0, "58"},
		{int64(58), "58"},
		{"5.8e1", "58"},
		{58.102777777777774, "58.1027777777778"},
		{"host_7", "host_7"},
		{nil, nullCell},
		{pgtype.Numeric{Int: big.NewInt(5810), Exp: -2, Valid: true}, "58.1"}, // avg(bigint) in PostgreSQL
		{pgtype.Numeric{}, nullCell},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, normAny(tt.in), "%#v", tt.in)
	}
}

func rs(cols string, rows ...string) *resultSet {
	r := &resultSet{cols: strings.Split(cols, ",")}
	for _, row := range rows {
		r.rows = append(r.rows, strings.Split(row, ","))
	}
	return r
}

func TestCompareResults(t *testing.T) {
	tests := []struct {
		name      string
		want, got *resultSet
		ordered   bool
		diff      string // "" for equal, else a substring of the difference
	}{
		{"equal", rs("a,b", "1,x", "2,y"), rs("a,b", "1,x", "2,y"), true, ""},
		{"columns by name", rs("a,b", "1,x"), rs("b,a", "x,1"), true, ""},
		{"columns by position when names differ", rs("minute,max(usage_user)", "t,5"), rs("minute,max", "t,5"), true, ""},
		{"float last digits", rs("a", "58.1027777777778"), rs("a", "58.1027777777777"), true, ""},
		{"float differs", rs("a", "58.1"), rs("a", "58.2"), true, "row 1 column a: strata 58.1, other 58.2"},
		{"order matters", rs("a", "1", "2"), rs("a", "2", "1"), true, "row 1 column a"},
		{"unordered multiset", rs("a", "1", "2", "2"), rs("a", "2", "1", "2"), false, ""},
		{"unordered multiset differs", rs("a", "1", "2", "2"), rs("a", "2", "1", "1"), false, "row 2"},
		{"row count", rs("a", "1", "2"), rs("a", "1"), true, "strata has 2 rows, the other 1"},
		{"column count", rs("a,b", "1,2"), rs("a", "1"), true, "columns differ"},
		{"null vs value", rs("a", nullCell), rs("a", "0"), true, "strata NULL, other 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff := compareResults(tt.want, tt.got, tt.ordered)
			if tt.diff == "" {
				require.Empty(t, diff)
				return
			}
			require.Contains(t, diff, tt.diff)
		})
	}
}

func TestQuantile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		in   []time.Duration
		q    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{ms(3, 1, 2), 0.5, 2 * time.Millisecond},
		{ms(4, 1, 3, 2), 0.5, 2500 * time.Microsecond},
		{ms(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), 0.95, 10 * time.Millisecond},
		{ms(20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1), 0.95, 19 * time.Millisecond},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, quantile(tt.in, tt.q), "%v q=%v", tt.in, tt.q)
	}
}

func TestReportGeomeanAndSlowest(t *testing.T) {
	r := &queryReport{Engines: []string{"strata", "duckdb"}, Results: []typeResult{
		{Type: "a", Latency: map[string][]time.Duration{"strata": {time.Millisecond}, "duckdb": {4 * time.Millisecond}}},
		{Type: "b", Latency: map[string][]time.Duration{"strata": {16 * time.Millisecond}, "duckdb": {time.Millisecond}}},
		{Type: "c", Latency: map[string][]time.Duration{"strata": {time.Hour}}}, // duckdb failed: left out of the means
	}}
	require.InDelta(t, float64(4*time.Millisecond), float64(r.geomean("strata")), 1e3)
	require.InDelta(t, float64(2*time.Millisecond), float64(r.geomean("duckdb")), 1e3)
	require.Equal(t, []string{"c", "b"}, r.slowest("strata", 2))
	var buf bytes.Buffer
	r.writeTable(&buf)
	require.Contains(t, buf.String(), "geometric mean")
	buf.Reset()
	require.NoError(t, r.writeJSON(&buf))
	require.True(t, json.Valid(buf.Bytes()))
}

func TestParseCPULine(t *testing.T) {
	g, err := tsbs.NewCPU(tsbs.Config{Scale: 3, Rows: 5, Seed: 1})
	require.NoError(t, err)
	vals := make([]any, 1+len(tsbs.TagKeys)+len(tsbs.FieldKeys))
	for i := 0; ; i++ {
		line, ok := g.AppendLine(nil)
		if !ok {
			break
		}
		require.NoError(t, parseCPULine(bytes.TrimSuffix(line, []byte{'\n'}), true, vals))
		require.Equal(t, tsbs.DefaultStart.Add(time.Duration(i/3)*tsbs.DefaultInterval), vals[0])
		require.Equal(t, g.Hosts()[i%3][0], vals[1])
		require.Equal(t, g.Hosts()[i%3][9], vals[10])
		// Rebuild the line from the values: every part was read.
		var b strings.Builder
		b.WriteString("cpu")
		for k, key := range tsbs.TagKeys {
			b.WriteString("," + key + "=" + vals[1+k].(string))
		}
		for k, key := range tsbs.FieldKeys {
			sep := ","
			if k == 0 {
				sep = " "
			}
			b.WriteString(sep + key + "=" + normAny(vals[11+k]) + "i")
		}
		b.WriteString(" " + normAny(vals[0].(time.Time).UnixNano()))
		require.Equal(t, strings.TrimSuffix(string(line), "\n"), b.String())
	}
	for _, bad := range []string{
		"cpu,hostname=h usage_user=1i 1",
		"mem,hostname=h,region=r,datacenter=d,rack=1,os=o,arch=a,team=t,service=1,service_version=1,service_environment=e usage_user=1i 1",
		"cpu,hostname=h,region=r,datacenter=d,rack=1,os=o,arch=a,team=t,service=1,service_version=1,service_environment=e usage_user=x,usage_system=1i,usage_idle=1i,usage_nice=1i,usage_iowait=1i,usage_irq=1i,usage_softirq=1i,usage_steal=1i,usage_guest=1i,usage_guest_nice=1i 1",
		"no spaces at all",
	} {
		require.Error(t, parseCPULine([]byte(bad), false, vals), bad)
	}
}

func TestDuckSQL(t *testing.T) {
	in := "time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08 +0000'"
	require.Equal(t, "time >= '2016-01-01 02:17:08.646325+00:00' AND time < '2016-01-01 03:17:08+00:00'", duckSQL(in))
}

func TestParseTypesAndEngines(t *testing.T) {
	types, err := parseTypes(" lastpoint,high-cpu-1 ,")
	require.NoError(t, err)
	require.Equal(t, []string{"lastpoint", "high-cpu-1"}, types)
	_, err = parseTypes("lastpoint,nope")
	require.ErrorContains(t, err, `unknown query type "nope"`)
	_, err = parseTypes(",")
	require.ErrorContains(t, err, "no query types")
	engines, err := parseEngines("postgres,duckdb,postgres")
	require.NoError(t, err)
	require.Equal(t, []string{"strata", "postgres", "duckdb"}, engines)
	_, err = parseEngines("mysql")
	require.ErrorContains(t, err, `unknown engine "mysql"`)
}

// TestBenchQueryEndToEnd runs the real benchmark on a small data set with
// every engine installed here and requires that all of them agree.
func TestBenchQueryEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers")
	}
	engines := "strata"
	if _, err := exec.LookPath("node"); err == nil {
		if _, err := os.Stat("../../testdata/duckdb/node_modules/@duckdb/node-api"); err == nil {
			engines += ",duckdb"
		}
	}
	if _, err := os.Stat("/usr/lib/postgresql/15/bin/postgres"); err == nil {
		engines += ",postgres"
	}
	bin := strataBinary(t)
	dataFile := filepath.Join(t.TempDir(), "cpu.lp")
	cmd := exec.Command(bin, "bench", "query", "--scale", "8", "--duration", "13h", "--queries", "2",
		"--engines", engines, "--data-file", dataFile, "--json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	var rep struct {
		Engines []string
		Results []struct {
			Type       string             `json:"type"`
			MedianMS   map[string]float64 `json:"median_ms"`
			Mismatches []any              `json:"mismatches"`
			Errors     []any              `json:"errors"`
		}
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep), stdout.String())
	require.Equal(t, strings.Split(engines, ","), rep.Engines)
	require.Len(t, rep.Results, 15)
	for _, r := range rep.Results {
		require.Empty(t, r.Errors, "%s: %s", r.Type, stdout.String())
		require.Empty(t, r.Mismatches, "%s: %s", r.Type, stdout.String())
		for _, e := range rep.Engines {
			require.Positive(t, r.MedianMS[e], "%s on %s", r.Type, e)
		}
	}
}

// callLog is an engine for the scheduling test: it answers every query
// with one row and records, in a log shared with the other engine, which
// engine ran which query in the timed pass.
type callLog struct {
	id  string
	log *[]string
}

func (c *callLog) name() string { return c.id }
func (c *callLog) close() error { return nil }
func (c *callLog) run(_ context.Context, sql string, collect bool) (time.Duration, *resultSet, error) {
	if !collect {
		*c.log = append(*c.log, c.id+":"+sql)
	}
	return time.Microsecond, &resultSet{cols: []string{"x"}, rows: [][]string{{"1"}}}, nil
}

// TestTimedOrder: by instance the engines take turns at every query of the
// timed pass; by engine each runs a type's queries back to back, the first
// engine turning with the type.
func TestTimedOrder(t *testing.T) {
	queries := map[string][]tsbsq.Query{
		"a": {{Type: "a", SQL: "a1"}, {Type: "a", SQL: "a2"}},
		"b": {{Type: "b", SQL: "b1"}, {Type: "b", SQL: "b2"}},
	}
	for _, tc := range []struct {
		byEngine bool
		want     []string
	}{
		{false, []string{"strata:a1", "postgres:a1", "strata:a2", "postgres:a2", "strata:b1", "postgres:b1", "strata:b2", "postgres:b2"}},
		{true, []string{"strata:a1", "strata:a2", "postgres:a1", "postgres:a2", "postgres:b1", "postgres:b2", "strata:b1", "strata:b2"}},
	} {
		var log []string
		engines := []queryEngine{&callLog{"strata", &log}, &callLog{"postgres", &log}}
		rep := &queryReport{}
		require.NoError(t, measureQueries(context.Background(), engines, []string{"a", "b"}, queries, tc.byEngine, rep))
		require.Equal(t, tc.want, log, "by engine: %v", tc.byEngine)
		require.Len(t, rep.Results, 2)
		require.Len(t, rep.Results[0].Latency["postgres"], 2)
	}
}
