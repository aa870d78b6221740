package pgwire

import (
	"bytes"
	"flag"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner/slt"
)

// psqlPath finds psql 15 beside the PostgreSQL server the test command
// installs (Debian postgresql-15).
func psqlPath(t *testing.T) string {
	t.Helper()
	dir, err := slt.PostgresBinDir()
	if err == nil {
		p := filepath.Join(dir, "psql")
		if _, err = os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
		t.Fatalf("psql 15 is needed: %v (apt-get install postgresql-15, or run make test)", err)
	}
	t.Skipf("psql 15 is not installed (%v); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure", err)
	return ""
}

// psql runs the real psql against s with the given arguments and stdin.
func psql(t *testing.T, s *testServer, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return psqlRaw(t, s, stdin, append([]string{"-A", "-t"}, args...)...)
}

// psqlRaw runs psql with its default (aligned) output.
func psqlRaw(t *testing.T, s *testServer, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.addr)
	cmd := exec.Command(psqlPath(t), append([]string{"-X", "-h", host, "-p", port, "-U", "strata", "-d", "db"}, args...)...)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10", "PGSSLMODE=prefer", "PGTZ=", "PGOPTIONS=")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

func TestPsql(t *testing.T) {
	s := startServer(t)

	out, stderr, err := psql(t, s, "", "-c", "SELECT host, usage, n, ok, time FROM cpu ORDER BY time")
	require.NoError(t, err, stderr)
	require.Equal(t, "a|1.5|1|t|2023-11-14 22:13:20+00\nb|2.5||f|2023-11-14 22:13:30+00\na|3.5|3|t|2023-11-14 22:13:40+00\n", out)

	// A script: several statements per line, a transaction, SET, errors
	// reported with their SQLSTATE text and the session going on.
	script := `SELECT count(*) FROM cpu; SELECT max(usage) FROM cpu WHERE host = 'a';
BEGIN;
INSERT INTO cpu (time, host, usage) VALUES ('2023-11-14 22:13:50+00', 'c', 7.25);
COMMIT;
SET TimeZone = 'Asia/Kolkata';
SELECT host, time FROM cpu WHERE host = 'c';
SELECT usge FROM cpu;
SELECT 'still here';
`
	out, stderr, err = psql(t, s, script)
	require.NoError(t, err, stderr)
	require.Equal(t, "3\n3.5\nBEGIN\nINSERT 0 1\nCOMMIT\nSET\n"+"c|2023-11-15 03:43:50+05:30\n"+"still here\n", out)
	require.Contains(t, stderr, `ERROR:  column "usge" does not exist`)
	require.Contains(t, stderr, `HINT:  did you mean "usage"?`)

	// psql's describe commands run on pg_catalog.
	out, stderr, err = psql(t, s, "", "-c", `\l`, "-c", `\dt`, "-c", `\dn`, "-c", `\dv`)
	require.NoError(t, err, stderr)
	require.Equal(t, "db|strata|UTF8|C|C||libc|\n"+"public|cpu|table|strata\n"+"public|strata\n", out)

	// \gdesc describes a statement without running it: a constant that
	// fails when computed types as PostgreSQL types it.
	out, stderr, err = psql(t, s, "SELECT 1/0 AS x, 'a' || 2 AS y \\gdesc\nSELECT 1/0 AS x;\n")
	require.Equal(t, "x|integer\ny|text\n", out)
	require.Contains(t, stderr, "division by zero")

	// ON_ERROR_STOP makes psql exit 3 at the first error, as with PostgreSQL.
	_, stderr, err = psql(t, s, "", "-v", "ON_ERROR_STOP=1", "-c", "SELECT * FROM nope")
	require.Error(t, err)
	require.Contains(t, stderr, `relation "nope" does not exist`)
}

var updatePsql = flag.Bool("update-psql", false, "rewrite testdata/psql/*.txt from this run")

// TestPsqlDescribe runs psql's describe commands on a table like the one
// PostgreSQL 15 would describe (time timestamptz NOT NULL, text tags,
// float8/bigint/boolean fields) and compares psql's aligned output with
// testdata/psql/<name>.txt, which reads as PostgreSQL 15's does for the
// equivalent table (Strata has no indexes, defaults or comments, and no
// functions or types of its own outside pg_catalog).
func TestPsqlDescribe(t *testing.T) {
	s := startServer(t)
	_, stderr, err := psql(t, s, "", "-c", "CREATE VIEW busy AS SELECT host, usage, time FROM cpu WHERE usage > 2")
	require.NoError(t, err, stderr)
	for _, c := range []struct{ name, cmd string }{
		{"dv", `\dv`},
		{"d_plus_busy", `\d+ busy`},
		{"d_cpu", `\d cpu`},
		{"d_plus_cpu", `\d+ cpu`},
		{"du", `\du`},
		{"df", `\df`},
		{"dT", `\dT`},
		{"dt_plus", `\dt+`},
		{"d", `\d`},
		{"dx", `\dx`},
		{"dn_plus", `\dn+`},
		{"l_plus", `\l+`},
		{"dp_cpu", `\dp cpu`},
		{"db", `\db`},
		{"dd", `\dd`},
		{"dconfig", `\dconfig`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, stderr, err := psqlRaw(t, s, "", "-c", c.cmd)
			require.NoError(t, err, stderr)
			require.Empty(t, stderr)
			path := filepath.Join("testdata", "psql", c.name+".txt")
			if *updatePsql {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with -args -update-psql to create it")
			require.Equal(t, string(want), out)
		})
	}
}
