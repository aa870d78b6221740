package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
	"github.com/stratadb/strata/flight"
	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/pgwire"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// BenchmarkWideResult streams the whole TSBS devops cpu table of one day
// at scale 100 (864,000 rows × 21 columns: time, 10 tags, 10 float fields,
// persisted to Parquet) to a client, over Arrow Flight and over the
// PostgreSQL wire protocol with binary results, from one engine in one
// run. The pgx client takes the raw binary values without decoding them,
// the cheapest a PostgreSQL client can be; the Flight client receives
// Arrow batches. Reports rows/s (the figure the issue compares: Flight ≥
// 3× pgwire binary).
//
//	go test ./cmd/strata -run '^$' -bench WideResult -benchtime 5x -count 5
func BenchmarkWideResult(b *testing.B) {
	const rows = 864000
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: b.TempDir(), Logger: logger, FlushBytes: 1 << 40})
	require.NoError(b, err)
	defer e.Close()
	loadTSBS(b, e, rows)
	require.NoError(b, e.Persist(context.Background()))
	p := &planner.Planner{Engine: e}

	pgLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	pgSrv := &pgwire.Server{Planner: p, Logger: logger}
	go func() { _ = pgSrv.Serve(pgLn) }()
	defer pgSrv.Close()

	flLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	g := (&flight.Server{Planner: p, Logger: logger}).GRPCServer()
	go func() { _ = g.Serve(flLn) }()
	defer g.Stop()

	const q = "SELECT * FROM cpu"
	ctx := context.Background()
	b.Run("flight", func(b *testing.B) {
		c, err := flightsql.NewClient(flLn.Addr().String(), nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
		require.NoError(b, err)
		defer c.Close()
		fctx := metadata.AppendToOutgoingContext(ctx, "database", "bench")
		start := time.Now()
		for i := 0; i < b.N; i++ {
			info, err := c.Execute(fctx, q)
			require.NoError(b, err)
			r, err := c.DoGet(fctx, info.Endpoint[0].Ticket)
			require.NoError(b, err)
			var got int64
			for r.Next() {
				got += r.RecordBatch().NumRows()
			}
			require.NoError(b, r.Err())
			r.Release()
			require.Equal(b, int64(rows), got)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
	})
	b.Run("pgwire-binary", func(b *testing.B) {
		conn, err := pgx.Connect(ctx, "postgres://strata@"+pgLn.Addr().String()+"/bench")
		require.NoError(b, err)
		defer conn.Close(ctx)
		start := time.Now()
		for i := 0; i < b.N; i++ {
			r, err := conn.Query(ctx, q, pgx.QueryExecModeCacheStatement)
			require.NoError(b, err)
			var got, size int64
			for r.Next() {
				for _, v := range r.RawValues() {
					size += int64(len(v))
				}
				got++
			}
			require.NoError(b, r.Err())
			require.Equal(b, int64(rows), got)
		}
		b.ReportMetric(float64(rows)*float64(b.N)/time.Since(start).Seconds(), "rows/s")
	})
}

// loadTSBS writes n TSBS cpu rows (scale 100) into database bench.
func loadTSBS(b *testing.B, e *storage.Engine, n int64) {
	b.Helper()
	g, err := tsbs.NewCPU(tsbs.Config{Scale: 100, Rows: n, Seed: 123})
	require.NoError(b, err)
	var buf []byte
	var parser lp.Parser
	for more := true; more; {
		buf = buf[:0]
		for k := 0; k < 50000 && more; k++ {
			buf, more = g.AppendLine(buf)
		}
		res := parser.Parse(buf, lp.Options{Precision: lp.Nanosecond})
		require.Empty(b, res.Errors)
		require.NoError(b, e.Write(context.Background(), "bench", res.Tables, storage.WriteOptions{NoSync: true}))
	}
}
