package pgwire

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
// (Execute with a row limit, PortalSuspended). Its output must equal
// testdata/jdbc/expected.txt, which is what the same program printed
// against PostgreSQL 15 holding the same rows (cpu as in testLP, seq with
// i = 1..100).
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
	cmd := exec.Command(java, "-cp", classes+string(os.PathListSeparator)+pgjdbcJar, "JdbcCheck", "jdbc:postgresql://"+s.addr+"/db")
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "java JdbcCheck:\n%s", out)
	want, err := os.ReadFile(filepath.Join("testdata", "jdbc", "expected.txt"))
	require.NoError(t, err)
	require.Equal(t, string(want), string(out))
}
