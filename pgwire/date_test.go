package pgwire

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner/slt"
)

// TestDateAndTimestampMatchPostgres runs date and timestamp (without time
// zone) expressions on Strata and on PostgreSQL 15 in two session time
// zones, and requires the same text (simple protocol), the same binary
// values (pgx scans of the extended protocol) and the same type OIDs.
func TestDateAndTimestampMatchPostgres(t *testing.T) {
	pg, err := slt.StartPostgres(context.Background())
	if err != nil {
		if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
			t.Fatalf("PostgreSQL 15 is needed: %v", err)
		}
		t.Skipf("PostgreSQL 15 is not installed (%v)", err)
	}
	defer pg.Stop()
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const q = `SELECT DATE '2016-02-29', '2016-01-01 00:00:00Z'::timestamptz::date,
		TIMESTAMPTZ '2016-01-01 23:30:00.25Z'::date, TIMESTAMPTZ '2016-01-01 23:30:00.25Z'::timestamp,
		TIMESTAMP '2016-01-01 02:17:08.5', '2016-07-01 12:00'::date`
	for _, zone := range []string{"UTC", "Europe/Oslo", "America/Sao_Paulo"} {
		var texts [2][]string
		var binaries [2][]any
		var oids [2][]uint32
		for k, dsn := range []string{s.dsn("db"), pg.DSN} {
			cfg, err := pgx.ParseConfig(dsn)
			require.NoError(t, err)
			cfg.RuntimeParams["timezone"] = zone
			conn, err := pgx.ConnectConfig(ctx, cfg)
			require.NoError(t, err)
			res := conn.PgConn().Exec(ctx, q)
			rr, err := res.ReadAll()
			require.NoError(t, err, zone)
			for i, v := range rr[0].Rows[0] {
				texts[k] = append(texts[k], string(v))
				oids[k] = append(oids[k], rr[0].FieldDescriptions[i].DataTypeOID)
			}
			rows, err := conn.Query(ctx, q)
			require.NoError(t, err)
			require.True(t, rows.Next())
			vals, err := rows.Values()
			require.NoError(t, err)
			rows.Close()
			for _, v := range vals {
				if tv, ok := v.(time.Time); ok {
					v = tv.UTC().Format(time.RFC3339Nano) // pgx reads both as UTC wall clocks
				}
				binaries[k] = append(binaries[k], v)
			}
			conn.Close(ctx)
		}
		require.Equal(t, texts[1], texts[0], "text in %s", zone)
		require.Equal(t, oids[1], oids[0], "type OIDs in %s", zone)
		require.Equal(t, binaries[1], binaries[0], "binary values in %s", zone)
	}
}
