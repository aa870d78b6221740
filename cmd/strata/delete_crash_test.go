package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDeleteSurvivesKill runs the real server: a DELETE, UPDATE, TRUNCATE
// or DROP TABLE acknowledged before a SIGKILL stays done after the
// restart; a DELETE the kill interrupts leaves each day whole or without
// its matching rows, and never loses a row it did not match.
func TestDeleteSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real server")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	srv := startServer(t, dataDir, "--log-level", "warn")
	const days, points = 3, 2000
	var body bytes.Buffer
	for d := range days {
		for i := range points {
			ts := (int64(1704067200) + int64(d)*86400 + int64(i)*10) * 1e9
			for _, h := range []string{"a", "b", "c"} {
				fmt.Fprintf(&body, "cpu,host=%s v=%d %d\n", h, i, ts)
			}
		}
	}
	resp, err := http.Post(srv.url("/api/v3/write_lp?db=del&precision=ns"), "text/plain", &body)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)

	query := func(srv *serverProc, q string) (int, string) {
		t.Helper()
		resp, err := http.PostForm(srv.url("/api/v3/query_sql"), url.Values{"db": {"del"}, "q": {q}, "format": {"json"}})
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	perHost := func(srv *serverProc) map[string]int64 {
		t.Helper()
		code, out := query(srv, "SELECT host, count(*) AS n FROM cpu GROUP BY host")
		require.Equal(t, 200, code, out)
		var rows []struct {
			Host string
			N    int64
		}
		require.NoError(t, json.Unmarshal([]byte(out), &rows))
		m := map[string]int64{}
		for _, r := range rows {
			m[r.Host] = r.N
		}
		return m
	}
	code, out := query(srv, "DELETE FROM cpu WHERE host = 'a'")
	require.Equal(t, 200, code, out)
	require.Equal(t, fmt.Sprintf(`[{"count":%d}]`, days*points), out)
	srv.kill()

	srv = startServer(t, dataDir, "--log-level", "warn")
	require.Equal(t, map[string]int64{"b": days * points, "c": days * points}, perHost(srv), "the acknowledged DELETE after SIGKILL")

	// An acknowledged UPDATE, then SIGKILL: its values stay.
	code, out = query(srv, "UPDATE cpu SET v = -1 WHERE host = 'c'")
	require.Equal(t, 200, code, out)
	require.Equal(t, fmt.Sprintf(`[{"count":%d}]`, days*points), out)
	srv.kill()
	srv = startServer(t, dataDir, "--log-level", "warn")
	code, out = query(srv, "SELECT count(*) AS n FROM cpu WHERE host = 'c' AND v = -1")
	require.Equal(t, 200, code, out)
	require.Equal(t, fmt.Sprintf(`[{"n":%d}]`, days*points), out, "the acknowledged UPDATE after SIGKILL")

	// Interrupted: kills at several moments while b's rows are being
	// deleted (b's rows written again before each).
	writeB := func(srv *serverProc) {
		var body bytes.Buffer
		for d := range days {
			for i := range points {
				fmt.Fprintf(&body, "cpu,host=b v=%d %d\n", i, (int64(1704067200)+int64(d)*86400+int64(i)*10)*1e9)
			}
		}
		resp, err := http.Post(srv.url("/api/v3/write_lp?db=del&precision=ns"), "text/plain", &body)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
	}
	for _, wait := range []time.Duration{0, time.Millisecond, 3 * time.Millisecond, 8 * time.Millisecond, 20 * time.Millisecond} {
		writeB(srv)
		done := make(chan struct{})
		go func() {
			defer close(done)
			query(srv, "DELETE FROM cpu WHERE host = 'b'")
		}()
		time.Sleep(wait)
		srv.kill()
		<-done
		srv = startServer(t, dataDir, "--log-level", "warn")
		got := perHost(srv)
		require.Equal(t, int64(days*points), got["c"], "a row the DELETE did not match is never lost")
		require.Zero(t, got["a"])
		require.Zero(t, got["b"]%points, "each day has all of b's rows or none: %d", got["b"])
		t.Logf("killed after %v: %d of b's %d rows left", wait, got["b"], days*points)
	}

	// An acknowledged TRUNCATE of a table whose rows are only in the WAL,
	// an acknowledged DROP TABLE, and a materialized view whose rows
	// outlive its source's (drop_chunks), then SIGKILL: all stay so.
	resp, err = http.Post(srv.url("/api/v3/write_lp?db=del&precision=ns"), "text/plain", strings.NewReader("mem,host=a free=1i 1704067200000000000\ndisk,host=a used=1i 1704067200000000000\n"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	code, out = query(srv, "TRUNCATE mem")
	require.Equal(t, 200, code, out)
	code, out = query(srv, "DROP TABLE disk")
	require.Equal(t, 200, code, out)
	code, out = query(srv, "CREATE MATERIALIZED VIEW cpu_d WITH (timescaledb.continuous) AS SELECT time_bucket('1 day', time) AS day, host, count(*) AS n FROM cpu GROUP BY 1, 2")
	require.Equal(t, 200, code, out)
	code, want := query(srv, "SELECT day, host, n FROM cpu_d ORDER BY 1, 2")
	require.Equal(t, 200, code, want)
	require.Contains(t, want, `"host":"c","n":2000`)
	code, out = query(srv, "SELECT count(*) AS n FROM drop_chunks('cpu', older_than => now())")
	require.Equal(t, 200, code, out)
	code, out = query(srv, "DROP TABLE cpu")
	require.Equal(t, 400, code, out)
	require.Contains(t, out, "2BP01", "the view depends on cpu")
	srv.kill()
	srv = startServer(t, dataDir, "--log-level", "warn")
	code, out = query(srv, "SELECT count(*) AS n FROM mem")
	require.Equal(t, 200, code, out)
	require.Equal(t, `[{"n":0}]`, out, "the acknowledged TRUNCATE after SIGKILL")
	code, out = query(srv, "SELECT count(*) FROM disk")
	require.Equal(t, 400, code, out)
	require.Contains(t, out, `relation \"disk\" does not exist`, "the acknowledged DROP TABLE after SIGKILL")
	code, out = query(srv, "SELECT count(*) AS n FROM cpu")
	require.Equal(t, 200, code, out)
	require.Equal(t, `[{"n":0}]`, out, "the acknowledged drop_chunks after SIGKILL")
	code, out = query(srv, "SELECT day, host, n FROM cpu_d ORDER BY 1, 2")
	require.Equal(t, 200, code, out)
	require.Equal(t, want, out, "the view and its rows after SIGKILL, its source's rows gone")
	srv.stop(t)
}
