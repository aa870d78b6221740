package pgwire

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

// pgjdbcJar is where Debian's libpostgresql-jdbc-java installs pgjdbc.
const pgjdbcJar = "/usr/share/java/postgresql.jar"

// seqLP is table seq: i = 1..n, one row a second.
func seqLP(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "seq i=%di %d\n", i, int64(1700000000+i)*1e9)
	}
	return b.String()
}

// TestPgJDBC compiles testdata/jdbc/JdbcCheck.java and runs it against
// the endpoint: DatabaseMetaData (tables, columns, schemas, primary keys,
// type info), a PreparedStatement past prepareThreshold (named server
// statements, binary results) and a fetch size with autocommit off
// (Execute with a row limit, PortalSuspended), arrays as parameters
// (= ANY(?), sent as text) and a numeric(10,2) column written and read as
// BigDecimals (its precision and scale in the result's and the catalog's
// metadata). Its output must equal
// testdata/jdbc/expected.txt, which is what the same program printed
// against PostgreSQL 15 holding the same rows (cpu as in testLP, seq with
// i = 1..100; the numeric part needs no rows: JdbcCheck URL numerics).
func TestPgJDBC(t *testing.T) {
	javac, err := exec.LookPath("javac")
	needExternal(t, "javac", "apt-get install default-jdk-headless", err)
	java, err := exec.LookPath("java")
	needExternal(t, "java", "apt-get install default-jdk-headless", err)
	_, err = os.Stat(pgjdbcJar)
	needExternal(t, "pgjdbc", "apt-get install libpostgresql-jdbc-java", err)

	classes := t.TempDir()
	src := filepath.Join("testdata", "jdbc", "JdbcCheck.java")
	out, err := exec.Command(javac, "-cp", pgjdbcJar, "-d", classes, src).CombinedOutput()
	require.NoError(t, err, "javac:\n%s", out)

	s := startServer(t, seqLP(100))
	tap := startWireTap(t, s.addr)
	cmd := exec.Command(java, "-cp", classes+string(os.PathListSeparator)+pgjdbcJar, "JdbcCheck", "jdbc:postgresql://"+tap.addr+"/db")
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "java JdbcCheck:\n%s", out)
	want, err := os.ReadFile(filepath.Join("testdata", "jdbc", "expected.txt"))
	require.NoError(t, err)
	require.Equal(t, string(want), string(out))

	// The protocol paths the program meant to take were taken.
	fe, be := tap.messages()
	var named, binaryBinds, limited int
	for _, m := range fe {
		switch m := m.(type) {
		case *pgproto3.Parse:
			if strings.HasPrefix(m.Name, "S_") && strings.Contains(m.Query, "FROM cpu WHERE") && !strings.Contains(m.Query, "ANY(") {
				named++
			}
		case *pgproto3.Bind:
			if strings.HasPrefix(m.PreparedStatement, "S_") && slices.Contains(m.ResultFormatCodes, 1) {
				binaryBinds++
			}
		case *pgproto3.Execute:
			if m.MaxRows == 7 {
				limited++
			}
		}
	}
	suspended := 0
	for _, m := range be {
		if _, ok := m.(*pgproto3.PortalSuspended); ok {
			suspended++
		}
	}
	require.Equal(t, 1, named, "one named server statement for the PreparedStatement")
	t.Logf("named=%d binaryBinds=%d limited=%d suspended=%d", named, binaryBinds, limited, suspended)
	require.GreaterOrEqual(t, binaryBinds, 3, "binary results once the named statement is described")
	require.Equal(t, 15, limited, "100 rows fetched 7 at a time")
	require.Equal(t, 14, suspended, "PortalSuspended after each full fetch")
}
