package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/metrics/metricstest"
)

// TestServeMetrics runs the real server with a token, writes line protocol
// through the three write endpoints, queries over HTTP and pg, persists,
// and checks that /metrics (which needs the token, as in InfluxDB 3) is
// valid exposition text whose counters moved by exactly what was done.
func TestServeMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real server")
	}
	srv := startServer(t, filepath.Join(t.TempDir(), "data"), "--token", "secret") // /health needs none
	defer srv.stop(t)
	do := func(method, path, body string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.url(path), strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer secret")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, resp.Header, string(data)
	}
	scrape := func() metricstest.Scrape {
		t.Helper()
		code, h, body := do("GET", "/metrics", "")
		require.Equal(t, 200, code, body)
		require.Equal(t, "text/plain; version=0.0.4; charset=utf-8", h.Get("Content-Type"))
		sc, err := metricstest.Parse(body)
		require.NoError(t, err, body)
		return sc
	}
	resp, err := http.Get(srv.url("/metrics"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "/metrics needs the token")

	before := scrape()
	v3 := "cpu,host=a usage=1 1700000000000000000\ncpu,host=b usage=2 1700000000000000000\ncpu,host=c usage=3 1700000000000000000\n"
	v2bad := "cpu,host=d usage=4 1700000000000000000\ncpu,host=e usage= 1700000000000000000\n"
	v1 := "cpu,host=f usage=5 1700000000000000000\ncpu,host=g usage=6 1700000000000000000\n"
	code, _, body := do("POST", "/api/v3/write_lp?db=metrics", v3)
	require.Equal(t, 204, code, body)
	code, _, body = do("POST", "/api/v2/write?bucket=metrics", v2bad)
	require.Equal(t, 400, code, body)
	code, _, body = do("POST", "/write?db=metrics", v1)
	require.Equal(t, 204, code, body)

	code, _, body = do("GET", "/api/v3/query_sql?db=metrics&format=csv&q=SELECT+host,usage+FROM+cpu+ORDER+BY+host", "")
	require.Equal(t, 200, code, body)
	require.Equal(t, 6, strings.Count(body, "\n"), "a header and five rows: %s", body)
	code, _, body = do("GET", "/api/v3/query_sql?db=metrics&q=SELECT+usge+FROM+cpu", "")
	require.Equal(t, 400, code, body)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://strata@"+srv.pgAddr+"/metrics")
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT host FROM cpu WHERE usage > $1", 1.5)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 4, n)

	code, _, body = do("POST", "/api/v3/strata/persist", "")
	require.Equal(t, 200, code, body)
	after := scrape()

	delta := func(name string, labels ...string) float64 {
		t.Helper()
		a, ok := after.Value(name, labels...)
		require.True(t, ok, "%s %v is missing", name, labels)
		b, _ := before.Value(name, labels...) // absent before: 0
		return a - b
	}
	now := func(name string, labels ...string) float64 {
		t.Helper()
		v, ok := after.Value(name, labels...)
		require.True(t, ok, "%s %v is missing", name, labels)
		return v
	}
	require.Equal(t, 1.0, delta("strata_write_requests_total", "endpoint", "v3", "status", "2xx"))
	require.Equal(t, 1.0, delta("strata_write_requests_total", "endpoint", "v2", "status", "4xx"))
	require.Equal(t, 0.0, delta("strata_write_requests_total", "endpoint", "v2", "status", "2xx"))
	require.Equal(t, 1.0, delta("strata_write_requests_total", "endpoint", "v1", "status", "2xx"))
	require.Equal(t, 1.0, delta("strata_write_duration_seconds_count", "endpoint", "v3"))
	require.Equal(t, 5.0, delta("strata_write_lines_total"))
	require.Equal(t, 1.0, delta("strata_write_lines_rejected_total"))
	require.Equal(t, float64(len(v3)+len(v2bad)+len(v1)), delta("strata_write_bytes_total"))
	require.Equal(t, 5.0, delta("strata_storage_rows_written_total"))
	fsyncs := delta("strata_wal_fsyncs_total")
	require.True(t, fsyncs >= 1 && fsyncs <= 2, "two acknowledged writes, at most one fsync each: %v", fsyncs)
	require.Greater(t, delta("strata_wal_bytes_total"), 0.0)

	require.Equal(t, 1.0, delta("strata_queries_total", "interface", "http", "outcome", "ok"))
	require.Equal(t, 1.0, delta("strata_queries_total", "interface", "http", "outcome", "error"))
	require.Equal(t, 5.0, delta("strata_query_rows_returned_total", "interface", "http"))
	require.Equal(t, 2.0, delta("strata_query_duration_seconds_count", "interface", "http"))
	require.Equal(t, 1.0, delta("strata_queries_total", "interface", "pg", "outcome", "ok"))
	require.Equal(t, 0.0, delta("strata_queries_total", "interface", "pg", "outcome", "error"))
	require.Equal(t, 4.0, delta("strata_query_rows_returned_total", "interface", "pg"))
	require.Equal(t, 1.0, now("strata_pg_connections"))

	require.Equal(t, 1.0, delta("strata_persists_total"))
	require.Equal(t, 5.0, delta("strata_persisted_rows_total"))
	require.Equal(t, 0.0, now("strata_buffer_rows"))
	require.Equal(t, 1.0, now("strata_database_parquet_files", "db", "metrics"))
	require.Equal(t, 5.0, now("strata_database_parquet_rows", "db", "metrics"))
	require.Greater(t, now("strata_database_parquet_bytes", "db", "metrics"), 100.0)
	require.Equal(t, 1.0, now("strata_database_tables", "db", "metrics"))
	require.Equal(t, 1.0, now("strata_build_info", "version", version))
	require.Greater(t, now("process_resident_memory_bytes"), float64(1<<20))
	require.Greater(t, now("process_open_fds"), 3.0)
	require.Greater(t, now("go_goroutines"), 1.0)
	require.Equal(t, "histogram", after["strata_query_duration_seconds"].Type)
}

// TestMetricsAuthz: with --token, /metrics needs it unless
// --disable-authz metrics opens it, as InfluxDB 3's flag does.
func TestMetricsAuthz(t *testing.T) {
	open, err := parseDisableAuthz("health, metrics")
	require.NoError(t, err)
	_, err = parseDisableAuthz("query")
	require.ErrorContains(t, err, `unknown resource "query"`)
	none, err := parseDisableAuthz("")
	require.NoError(t, err)

	reg := metrics.NewRegistry()
	reg.Counter("strata_x_total", "x").Inc()
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", reg.Handler())
	for _, tt := range []struct {
		open  map[string]bool
		token string
		want  int
	}{
		{none, "", 401},
		{none, "secret", 200},
		{open, "", 200},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/metrics", nil)
		if tt.token != "" {
			req.Header.Set("Authorization", "Token "+tt.token)
		}
		requireToken(mux, []string{"secret"}, tt.open).ServeHTTP(rec, req)
		require.Equal(t, tt.want, rec.Code, "open=%v token=%q", tt.open, tt.token)
	}
}
