package pgwire

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

func TestAuthentication(t *testing.T) {
	for _, method := range []string{AuthPassword, AuthMD5, AuthSCRAM} {
		t.Run(method, func(t *testing.T) {
			s := startServerWith(t, func(srv *Server) {
				srv.Auth = method
				srv.Users = map[string]string{"alice": "s3cret", "bob": "other"}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			conn, err := pgx.Connect(ctx, "postgres://alice:s3cret@"+s.addr+"/db?sslmode=disable")
			require.NoError(t, err)
			var n int64
			require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&n))
			require.Equal(t, int64(3), n)
			require.NoError(t, conn.Close(ctx))

			for _, dsn := range []string{
				"postgres://alice:wrong@" + s.addr + "/db?sslmode=disable",
				"postgres://bob:s3cret@" + s.addr + "/db?sslmode=disable",     // another user's password
				"postgres://mallory:s3cret@" + s.addr + "/db?sslmode=disable", // unknown user
				"postgres://alice@" + s.addr + "/db?sslmode=disable",          // no password
			} {
				_, err := pgx.Connect(ctx, dsn)
				require.Error(t, err, dsn)
				var pe *pgconn.PgError
				if errors.As(err, &pe) {
					require.Equal(t, "28P01", pe.Code, dsn)
					require.Equal(t, "FATAL", pe.Severity)
				} else {
					// pgx refuses to send an empty password for SCRAM
					// itself; the server never sees a login.
					require.Contains(t, dsn, "alice@", "only the no-password case may fail on the client: %v", err)
				}
			}
		})
	}
}

// TestPsqlSCRAM: libpq's SCRAM-SHA-256 exchange (the default of
// PostgreSQL 14+) against Strata.
func TestPsqlSCRAM(t *testing.T) {
	s := startServerWith(t, func(srv *Server) {
		srv.Auth = AuthSCRAM
		srv.Users = map[string]string{"strata": "token-123"}
	})
	host, port, _ := net.SplitHostPort(s.addr)
	run := func(password string) (string, error) {
		cmd := exec.Command(psqlPath(t), "-X", "-A", "-t", "-h", host, "-p", port, "-U", "strata", "-d", "db", "-w", "-c", "SELECT count(*) FROM cpu")
		cmd.Env = append(os.Environ(), "PGPASSWORD="+password, "PGCONNECT_TIMEOUT=10", "PGSSLMODE=prefer")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("token-123")
	require.NoError(t, err, out)
	require.Equal(t, "3\n", out)
	out, err = run("nope")
	require.Error(t, err)
	require.Contains(t, out, `password authentication failed for user "strata"`)
}
