package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestServePostgresEndpoint: rows written over HTTP line protocol are read
// through `strata serve`'s PostgreSQL endpoint, also after a kill -9 and
// restart (from the WAL).
func TestServePostgresEndpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real server")
	}
	data := filepath.Join(t.TempDir(), "data")
	srv := startServer(t, data)
	resp, err := http.Post(srv.url("/api/v3/write_lp?db=metrics"), "text/plain",
		strings.NewReader("cpu,host=a usage=1.5 1700000000000000000\ncpu,host=b usage=2.5 1700000010000000000\n"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNoContent, resp.StatusCode)

	query := func(addr string) (int64, float64) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, "postgres://strata@"+addr+"/metrics")
		require.NoError(t, err)
		defer conn.Close(ctx)
		var n int64
		var sum float64
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), sum(usage) FROM cpu WHERE time >= $1", time.Unix(1700000000, 0)).Scan(&n, &sum))
		return n, sum
	}
	n, sum := query(srv.pgAddr)
	require.Equal(t, int64(2), n)
	require.Equal(t, 4.0, sum)

	srv.kill()
	srv = startServer(t, data)
	defer srv.stop(t)
	n, sum = query(srv.pgAddr)
	require.Equal(t, int64(2), n)
	require.Equal(t, 4.0, sum)
}

func TestServePostgresSCRAM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real server")
	}
	srv := startServer(t, filepath.Join(t.TempDir(), "data"), "--pg-auth", "scram-sha-256", "--pg-users", "alice:s3cret")
	defer srv.stop(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://alice:s3cret@"+srv.pgAddr+"/metrics")
	require.NoError(t, err)
	var one int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT 1").Scan(&one))
	conn.Close(ctx)
	_, err = pgx.Connect(ctx, "postgres://alice:wrong@"+srv.pgAddr+"/metrics")
	require.ErrorContains(t, err, "28P01")

	_, err = parseUsers("scram-sha-256", "")
	require.ErrorContains(t, err, "needs users")
	_, err = parseUsers("kerberos", "a:b")
	require.ErrorContains(t, err, "use trust, password, md5 or scram-sha-256")
	users, err := parseUsers("md5", "a:b, c:d:e")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"a": "b", "c": "d:e"}, users)
}

func TestLoadTLSFlags(t *testing.T) {
	cfg, err := loadTLS("", "", "--pg-tls-cert", "--pg-tls-key")
	require.NoError(t, err)
	require.Nil(t, cfg, "no flags: no TLS, SSLRequest is answered 'N'")
	_, err = loadTLS("cert.pem", "", "--pg-tls-cert", "--pg-tls-key")
	require.ErrorContains(t, err, "go together")
	_, err = loadTLS(filepath.Join(t.TempDir(), "missing.pem"), "key.pem", "--pg-tls-cert", "--pg-tls-key")
	require.ErrorContains(t, err, "--pg-tls-cert/--pg-tls-key")
}
