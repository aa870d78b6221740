package pgwire

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

func TestStartupOptions(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want [][2]string
		err  string
	}{
		{"-c statement_timeout=1234 -c search_path=foo,public", [][2]string{{"statement_timeout", "1234"}, {"search_path", "foo,public"}}, ""},
		{"-cstatement_timeout=5 --application-name=my\\ app", [][2]string{{"statement_timeout", "5"}, {"application_name", "my app"}}, ""},
		{"  ", nil, ""},
		{"-x", nil, "invalid command-line argument for server process: -x"},
		{"-c novalue", nil, "invalid command-line argument"},
	} {
		got, err := startupOptions(tt.in)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

// TestStartupOptionsApplied: pgx's RuntimeParams "options" (libpq's
// PGOPTIONS) set the session's settings, as pooled and ORM connections set
// statement_timeout and search_path.
func TestStartupOptionsApplied(t *testing.T) {
	s := startServer(t)
	cfg, err := pgx.ParseConfig(s.dsn("db"))
	require.NoError(t, err)
	cfg.RuntimeParams["options"] = "-c statement_timeout=1234 -c application_name=from\\ options"
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var timeout, app string
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT current_setting('statement_timeout'), current_setting('application_name')").Scan(&timeout, &app))
	require.Equal(t, []string{"1234ms", "from options"}, []string{timeout, app})
	cfg.RuntimeParams["options"] = "-x"
	_, err = pgx.ConnectConfig(context.Background(), cfg)
	require.ErrorContains(t, err, "invalid command-line argument")
}

func TestStatementTimeoutSetting(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	// As PostgreSQL 15 shows them.
	for in, want := range map[string]string{"100": "100ms", "5000": "5s", "'1.5s'": "1500ms", "60000": "1min", "0": "0", "'90min'": "90min", "'1500us'": "2ms"} {
		_, err := conn.Exec(ctx, "SET statement_timeout = "+in)
		require.NoError(t, err, in)
		var got string
		require.NoError(t, conn.QueryRow(ctx, "SHOW statement_timeout").Scan(&got))
		require.Equal(t, want, got, in)
	}
	_, err := conn.Exec(ctx, "SET statement_timeout = 'abc'")
	require.Equal(t, "22023", pgErr(t, err).Code)
}
