package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseByteSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{{"1048576", 1 << 20}, {"10MiB", 10 << 20}, {"512KB", 512000}, {"1.5GiB", 3 << 29}, {"64 kib", 64 << 10}, {"7b", 7}} {
		got, err := parseByteSize(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
	for _, bad := range []string{"", "MiB", "10 parsecs", "-"} {
		_, err := parseByteSize(bad)
		require.Error(t, err, bad)
	}
}

func TestFlagsFromEnvironment(t *testing.T) {
	fs := newFlags("x", "x")
	dir := fs.String("data-dir", "./strata-data", "")
	size := byteSize(1)
	fs.Var(&size, "flush-bytes", "")
	t.Setenv("STRATA_DATA_DIR", "/from/env")
	t.Setenv("STRATA_FLUSH_BYTES", "2MiB")
	require.NoError(t, parseFlags(fs, nil))
	require.Equal(t, "/from/env", *dir)
	require.EqualValues(t, 2<<20, size)
	require.NoError(t, parseFlags(fs, []string{"--data-dir", "/from/flag"}))
	require.Equal(t, "/from/flag", *dir, "flags win over the environment")

	t.Setenv("STRATA_FLUSH_BYTES", "lots")
	err := parseFlags(fs, nil)
	require.ErrorContains(t, err, `environment variable STRATA_FLUSH_BYTES="lots"`)
}

// TestWriteCommand bulk-loads a file with the real binary in small batches
// and checks rejected lines are reported with their line numbers in the file.
func TestWriteCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real server")
	}
	dir := t.TempDir()
	srv := startServer(t, filepath.Join(dir, "data"))
	defer srv.stop(t)

	var lp bytes.Buffer
	for i := 1; i <= 3000; i++ {
		if i == 1234 || i == 2999 {
			fmt.Fprintf(&lp, "m,host=h%d v=broken %d\n", i%10, i)
			continue
		}
		fmt.Fprintf(&lp, "m,host=h%d v=%d %d\n", i%10, i, i)
	}
	file := filepath.Join(dir, "in.lp")
	require.NoError(t, os.WriteFile(file, lp.Bytes(), 0o644))

	cmd := exec.Command(strataBinary(t), "write", "--db", "bulk", "--precision", "ns", "--batch-bytes", "4KiB", "--workers", "3", "--host", "http://"+srv.addr, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	require.Error(t, err, "rejected lines make the command fail")
	out := stderr.String()
	require.Contains(t, out, "line 1234 rejected: ")
	require.Contains(t, out, "line 2999 rejected: ")
	require.Contains(t, out, "2 lines were rejected")
	require.Regexp(t, `in.lp: 3\.0k lines, .* lines/s`, out, "the summary counts lines and rates")

	resp, err := http.Get(srv.url("/query?q=SHOW+DATABASES"))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(body), `["bulk"]`)

	// Standard input works too, and a clean load exits 0.
	cmd = exec.Command(strataBinary(t), "write", "--db", "bulk2", "--host", "http://"+srv.addr, "-")
	cmd.Stdin = strings.NewReader("m v=1 1700000000\n")
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, string(outb))
	require.Contains(t, string(outb), "standard input: 1 lines")
}

func TestGracefulShutdownPersists(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real server")
	}
	dir := filepath.Join(t.TempDir(), "data")
	srv := startServer(t, dir)
	resp, err := http.Post(srv.url("/api/v3/write_lp?db=db"), "text/plain", strings.NewReader("m,t=a v=1 1700000000\n"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 204, resp.StatusCode)
	srv.stop(t)
	files, err := filepath.Glob(filepath.Join(dir, "dbs", "db", "m", "2023-11-14", "*.parquet"))
	require.NoError(t, err)
	require.Len(t, files, 1, "SIGINT persisted the write buffer")
	wal, err := filepath.Glob(filepath.Join(dir, "wal", "*.wal"))
	require.NoError(t, err)
	for _, w := range wal {
		st, err := os.Stat(w)
		require.NoError(t, err)
		require.LessOrEqual(t, st.Size(), int64(16), "no WAL records left behind the persisted data: %s", w)
	}
}

func TestPageCacheFlag(t *testing.T) {
	var a autoSize
	require.Zero(t, a.pageCacheOption(), "unset: storage's default")
	require.NoError(t, a.Set("0"))
	require.Equal(t, int64(-1), a.pageCacheOption(), "0 turns the cache off")
	require.NoError(t, a.Set("256MiB"))
	require.Equal(t, int64(256<<20), a.pageCacheOption())
	require.Error(t, a.Set("lots"))
}

// TestClientCommandsWithToken: query, write and database send --token (or
// STRATA_TOKEN) as a bearer token, say clearly when the server wants one
// or refuses it, take --host as host:port, and query reads its SQL from
// standard input.
func TestClientCommandsWithToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real server")
	}
	dir := t.TempDir()
	srv := startServer(t, filepath.Join(dir, "data"), "--token", testToken)
	defer srv.stop(t)
	run := func(stdin string, env []string, args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(strataBinary(t), args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	host := srv.addr // no scheme: http is assumed

	out, err := run("m,h=a v=1 1700000000000000000\n", nil, "write", "--db", "t", "--host", host, "-")
	require.Error(t, err)
	require.Contains(t, out, "requires a token: pass --token or set STRATA_TOKEN")
	out, err = run("m,h=a v=1 1700000000000000000\n", nil, "write", "--db", "t", "--host", host, "--token", testToken, "-")
	require.NoError(t, err, out)

	out, err = run("", nil, "query", "--db", "t", "--host", host, "SELECT v FROM m")
	require.Error(t, err)
	require.Contains(t, out, "strata: query: the server at http://"+host+" requires a token: pass --token or set STRATA_TOKEN")
	require.NotContains(t, out, "SQLSTATE")
	out, err = run("", nil, "query", "--db", "t", "--host", host, "--token", "wrong", "SELECT v FROM m")
	require.Error(t, err)
	require.Contains(t, out, "refused the token")
	out, err = run("", []string{"STRATA_TOKEN=" + testToken}, "query", "--database", "t", "--host", host, "--format", "csv", "SELECT v FROM m")
	require.NoError(t, err, out)
	require.Equal(t, "v\n1.0\n", out) // a float field, written as InfluxDB 3 writes it
	out, err = run("SELECT h, v\nFROM m\n", []string{"STRATA_TOKEN=" + testToken}, "query", "--db", "t", "--host", "http://"+host+"/", "--format", "csv")
	require.NoError(t, err, out)
	require.Equal(t, "h,v\na,1.0\n", out, "the SQL from standard input")

	out, err = run("", nil, "database", "list", "--host", host)
	require.Error(t, err)
	require.Contains(t, out, "requires a token")
	out, err = run("", nil, "database", "create", "--host", host, "--token", testToken, "--retention", "7d", "other")
	require.NoError(t, err, out)
	out, err = run("", nil, "database", "list", "--host", host, "--token", testToken)
	require.NoError(t, err, out)
	require.Regexp(t, `other\s+1w`, out)
}
