package pgwire

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

// TestEmptyValueIsNotNull: a connection's first row made of empty strings
// (pg_advisory_unlock_all() in Npgsql's reset batch is one) carries empty
// strings on the wire, not NULLs.
func TestEmptyValueIsNotNull(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, s.dsn("db"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	res, err := conn.Exec(ctx, "SELECT '' AS a, NULL::text AS b; SELECT pg_advisory_unlock_all()").ReadAll()
	require.NoError(t, err)
	row := res[0].Rows[0]
	require.NotNil(t, row[0])
	require.Empty(t, row[0])
	require.Nil(t, row[1])
	require.NotNil(t, res[1].Rows[0][0], "void is the empty string")
}
