package pgwire

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner/slt"
)

// BenchmarkReadRows reads 100,000 rows of six columns (tag, 3 floats, an
// integer, time) with pgx: binary results over the extended protocol and
// text over the simple protocol, from Strata and, as the baseline measured
// in the same run, from PostgreSQL 15 holding the same rows in a table
// (skipped when PostgreSQL is not installed). Reports rows/s.
func BenchmarkReadRows(b *testing.B) {
	var lp strings.Builder
	const n = 100000
	rows := make([][]any, n)
	for i := 0; i < n; i++ {
		ns := 1700000000000000000 + int64(i)*1000000000
		lp.WriteString("m,host=h" + strconv.Itoa(i%100) + " a=" + strconv.Itoa(i) + ".5,b=2.25,c=" + strconv.Itoa(i%7) + ".125,k=" + strconv.Itoa(i) + "i " + strconv.FormatInt(ns, 10) + "\n")
		rows[i] = []any{"h" + strconv.Itoa(i%100), float64(i) + 0.5, 2.25, float64(i%7) + 0.125, int64(i), time.Unix(0, ns)}
	}
	s := startServer(b, lp.String())
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(b, err)
	defer conn.Close(ctx)
	targets := []struct {
		name string
		conn *pgx.Conn
	}{{"strata", conn}}
	if pg, err := slt.StartPostgres(ctx); err == nil {
		defer pg.Stop()
		pc, err := pgx.Connect(ctx, pg.DSN)
		require.NoError(b, err)
		defer pc.Close(ctx)
		_, err = pc.Exec(ctx, "CREATE TABLE m (host text, a float8, b float8, c float8, k bigint, time timestamptz)")
		require.NoError(b, err)
		_, err = pc.CopyFrom(ctx, pgx.Identifier{"m"}, []string{"host", "a", "b", "c", "k", "time"}, pgx.CopyFromRows(rows))
		require.NoError(b, err)
		_, err = pc.Exec(ctx, "VACUUM ANALYZE m")
		require.NoError(b, err)
		targets = append(targets, struct {
			name string
			conn *pgx.Conn
		}{"postgres15", pc})
	} else {
		b.Logf("no PostgreSQL baseline: %v", err)
	}
	const q = "SELECT host, a, b, c, k, time FROM m"
	for _, tgt := range targets {
		for _, mode := range []struct {
			name string
			mode pgx.QueryExecMode
		}{{"binary", pgx.QueryExecModeCacheStatement}, {"text", pgx.QueryExecModeSimpleProtocol}} {
			conn := tgt.conn
			b.Run(tgt.name+"/"+mode.name, func(b *testing.B) {
				var (
					host     string
					a, bb, c float64
					k        int64
					at       time.Time
				)
				b.ReportAllocs()
				start := time.Now()
				for i := 0; i < b.N; i++ {
					rows, err := conn.Query(ctx, q, mode.mode)
					require.NoError(b, err)
					got := 0
					for rows.Next() {
						require.NoError(b, rows.Scan(&host, &a, &bb, &c, &k, &at))
						got++
					}
					require.NoError(b, rows.Err())
					require.Equal(b, n, got)
				}
				b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkCopyFromKeyed copies 100,000 rows (10 hosts, a float) per
// operation with pgx's CopyFrom into a table without a key (the baseline,
// measured in the same run), one with a PRIMARY KEY whose new rows follow
// the stored ones in time (an append: the span looked up holds nothing),
// and one with a key over a span that holds 100,000 rows of other hosts,
// copied before each operation outside its time (a backfill beside them:
// every stored row of the span is read). Reports rows/s.
func BenchmarkCopyFromKeyed(b *testing.B) {
	s := startServer(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(b, err)
	defer conn.Close(ctx)
	for _, q := range []string{
		"CREATE TABLE plain (time timestamptz NOT NULL, host text, v float8)",
		"CREATE TABLE keyed (time timestamptz NOT NULL, host text, v float8, PRIMARY KEY (host, time))",
		"CREATE TABLE backfill (time timestamptz NOT NULL, host text, v float8, PRIMARY KEY (host, time))",
	} {
		_, err := conn.Exec(ctx, q)
		require.NoError(b, err)
	}
	const n = 100000
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	rowsAt := func(start time.Time, hostPrefix string) [][]any {
		rows := make([][]any, n)
		for i := range rows {
			rows[i] = []any{start.Add(time.Duration(i/10) * 100 * time.Millisecond), hostPrefix + strconv.Itoa(i%10), float64(i)}
		}
		return rows
	}
	copies := map[string]int{} // per table, over the runs -count makes
	for _, c := range []struct{ name, table string }{{"plain", "plain"}, {"keyed-append", "keyed"}, {"keyed-backfill", "backfill"}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				k := copies[c.table]
				start, prefix := t0.Add(time.Duration(k)*time.Hour*24), "h"
				if c.table == "backfill" {
					b.StopTimer()
					_, err := conn.CopyFrom(ctx, pgx.Identifier{"backfill"}, []string{"time", "host", "v"}, pgx.CopyFromRows(rowsAt(start, "stored")))
					require.NoError(b, err)
					b.StartTimer()
				}
				copies[c.table]++
				_, err := conn.CopyFrom(ctx, pgx.Identifier{c.table}, []string{"time", "host", "v"}, pgx.CopyFromRows(rowsAt(start, prefix)))
				require.NoError(b, err)
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
