package pgwire

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// needExternal skips (or, with STRATA_REQUIRE_EXTERNAL, fails) a test whose
// client is not installed; `make test` installs them all.
func needExternal(t *testing.T, what, install string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
		t.Fatalf("%s is needed: %v (%s, or run make test)", what, err, install)
	}
	t.Skipf("%s is not installed (%v); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure", what, err)
}

// runClient runs a client program from testdata/pgclients against s with the
// libpq environment set; the program prints "ok" or exits non-zero.
func runClient(t *testing.T, s *testServer, sslmode, prog string, args ...string) {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.addr)
	cmd := exec.Command(prog, args...)
	cmd.Dir = filepath.Join("..", "testdata", "pgclients")
	cmd.Env = append(os.Environ(), "PGHOST="+host, "PGPORT="+port, "PGUSER=strata", "PGDATABASE=db", "PGSSLMODE="+sslmode, "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", prog, args, out)
	require.Equal(t, "ok\n", string(out))
}

func TestNodePostgres(t *testing.T) {
	node, err := exec.LookPath("node")
	needExternal(t, "node", "apt-get install nodejs", err)
	_, err = os.Stat(filepath.Join("..", "testdata", "pgclients", "node_modules", "pg-cursor"))
	needExternal(t, "npm packages pg and pg-cursor", "cd testdata/pgclients && npm ci", err)
	s := startServer(t)
	// node-postgres reads PGSSLMODE=prefer as "TLS required"; its default
	// (no SSLRequest) is what applications get.
	runClient(t, s, "disable", node, "node_pg.mjs")
}

func TestPsycopg2(t *testing.T) {
	// Debian's python3-psycopg2 installs for Debian's interpreter, which
	// may not be the first python3 on PATH (pyenv).
	python := "/usr/bin/python3"
	_, err := os.Stat(python)
	needExternal(t, "python3", "apt-get install python3", err)
	err = exec.Command(python, "-c", "import psycopg2").Run()
	needExternal(t, "psycopg2", "apt-get install python3-psycopg2", err)
	s := startServer(t)
	// libpq asks for TLS first and goes on in plain text after 'N'.
	runClient(t, s, "prefer", python, "psycopg2_check.py")
}
