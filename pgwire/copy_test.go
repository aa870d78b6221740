package pgwire

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

var copyGoldenFrom = flag.String("copy-golden-from", "", "write testdata/copy/expected.txt from the PostgreSQL 15 server at this URL, holding the rows of testLP (table cpu) and seqLP(5) (table seq)")

// copyCases are COPY ... TO STDOUT statements over testLP and seqLP(5):
// both formats, the table and query forms, and the options psql's \copy
// and applications pass.
var copyCases = []string{
	`COPY seq TO STDOUT`,
	`COPY seq (i) TO STDOUT WITH DELIMITER '|' NULL 'n/a' CSV HEADER`,
	`COPY (SELECT host, usage, n, ok, time FROM cpu ORDER BY time) TO STDOUT`,
	`COPY (SELECT host, usage, n, ok, time FROM cpu ORDER BY time) TO STDOUT WITH (FORMAT csv, HEADER)`,
	`COPY (SELECT host, n FROM cpu ORDER BY time) TO STDOUT (FORMAT csv, NULL 'NULL', FORCE_QUOTE *)`,
	`COPY (SELECT host, region, n FROM cpu ORDER BY time) TO STDOUT (FORMAT csv, FORCE_QUOTE (region), QUOTE '''', ESCAPE '\')`,
	// Text-format escapes, and what CSV quotes.
	`COPY (SELECT 'a\b' AS back, E'tab\there' AS tab, E'new\nline\r' AS nl, NULL::text AS nul, '' AS empty, '\.' AS dot, 'x|y' AS bar) TO STDOUT`,
	`COPY (SELECT 'a\b' AS back, E'tab\there' AS tab, E'new\nline\r' AS nl, NULL::text AS nul, '' AS empty, '\.' AS dot, 'x|y' AS bar) TO STDOUT WITH DELIMITER '|'`,
	`COPY (SELECT 'a,b' AS comma, 'say "hi"' AS quotes, NULL::text AS nul, '' AS empty, 'NULL' AS word, E'two\nlines' AS nl) TO STDOUT (FORMAT csv, HEADER)`,
	`COPY (SELECT 'a,b' AS comma, '' AS empty, 'NULL' AS word) TO STDOUT (FORMAT csv, NULL 'NULL')`,
	`COPY (SELECT '\.' AS dot) TO STDOUT (FORMAT csv)`,
	`COPY (SELECT 'x"y' AS "Odd ""Name""", 1 AS "a,b") TO STDOUT (FORMAT csv, HEADER)`,
	`COPY (SELECT host, region FROM cpu ORDER BY time) TO STDOUT WITH CSV HEADER DELIMITER AS ';' NULL AS 'N/A' FORCE QUOTE host, region`,
	`COPY (SELECT host FROM cpu ORDER BY time LIMIT 1) TO STDOUT (FORMAT 'csv', HEADER on, FORCE_QUOTE *)`,
	// Values of other types as their output functions write them.
	`COPY (SELECT DATE '2016-01-02' AS d, TIMESTAMP '2016-01-02 03:04:05.5' AS ts, 1.50::numeric(5,2) AS num, INTERVAL '1 day 2 hours' AS iv, true AS b, ARRAY[1, 2] AS ints, ARRAY['a b', 'c'] AS texts, 1e100::float8 AS big) TO STDOUT (FORMAT csv)`,
	`COPY (SELECT i FROM seq WHERE i > 100) TO STDOUT (FORMAT csv, HEADER)`,
}

// TestCopyToStdout runs copyCases through pgx's CopyTo (the protocol's
// copy-out, as psql and psycopg2 use it) and compares what arrives, and
// the command tags, with what PostgreSQL 15 sent for the same statements
// over the same rows (testdata/copy/expected.txt).
func TestCopyToStdout(t *testing.T) {
	ctx := context.Background()
	dsn := *copyGoldenFrom
	if dsn == "" {
		s := startServer(t, seqLP(5))
		dsn = s.dsn("db")
	}
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var b strings.Builder
	for _, q := range copyCases {
		var out bytes.Buffer
		tag, err := conn.PgConn().CopyTo(ctx, &out, q)
		require.NoError(t, err, q)
		fmt.Fprintf(&b, "# %s\n%s%s\n\n", q, out.String(), tag)
	}
	golden(t, filepath.Join("testdata", "copy", "expected.txt"), b.String(), *copyGoldenFrom != "")
}

// golden compares got with the file at path, or writes it there (write:
// got is what PostgreSQL 15 answered).
func golden(t *testing.T, path, got string, write bool) {
	t.Helper()
	if write {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}

// TestCopyErrors: what COPY cannot do is refused with the reason, and the
// connection goes on.
func TestCopyErrors(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	for q, code := range map[string]string{
		"COPY cpu TO '/tmp/cpu.csv'":                                            "0A000",
		"COPY cpu TO STDOUT (FORMAT binary)":                                    "0A000",
		"COPY cpu TO STDOUT (DELIMITER ',,')":                                   "0A000",
		"COPY cpu TO STDOUT (FORMAT csv, FORCE_QUOTE (nosuch))":                 "42703",
		"COPY nosuch TO STDOUT":                                                 "42P01",
		"COPY (SELECT nosuch FROM cpu) TO STDOUT":                               "42703",
		"COPY (SELECT 1/0 FROM cpu) TO STDOUT":                                  "22012",
		"COPY cpu TO STDOUT (FORMAT csv, QUOTE ',')":                            "22023",
		"COPY (SELECT host FROM cpu) TO STDOUT (FORMAT csv, FORCE_NULL (host))": "0A000",
	} {
		_, err := conn.PgConn().CopyTo(ctx, &bytes.Buffer{}, q)
		require.Equal(t, code, pgErr(t, err).Code, q)
	}
	var n int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&n))
	require.Equal(t, int64(3), n)
}

// TestPsqlCopy: psql's \copy writes the rows to a local file.
func TestPsqlCopy(t *testing.T) {
	s := startServer(t)
	file := filepath.Join(t.TempDir(), "cpu.csv")
	out, stderr, err := psql(t, s, "", "-c", `\copy (SELECT host, usage, n, ok, time FROM cpu ORDER BY time) TO '`+file+`' WITH (FORMAT csv, HEADER)`)
	require.NoError(t, err, stderr)
	require.Equal(t, "COPY 3\n", out)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, "host,usage,n,ok,time\na,1.5,1,t,2023-11-14 22:13:20+00\nb,2.5,,f,2023-11-14 22:13:30+00\na,3.5,3,t,2023-11-14 22:13:40+00\n", string(got))
}
