package planner_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// BenchmarkRefresh refreshes a continuous aggregate of 5-minute buckets
// over 100 hosts' 10-second rows (6 hours: 216,000 source rows, 7,200
// view rows): the last hour's buckets, as a policy refreshes them (1,200
// rows); the same while another table takes writes (1,000 buffered rows
// before each refresh); and the whole view.
func BenchmarkRefresh(b *testing.B) {
	e, err := storage.Open(storage.Options{DataDir: b.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(b, err)
	defer e.Close()
	ctx := context.Background()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	const hosts, step, points = 100, int64(10e9), 6 * 360
	sess := &planner.Session{Database: "db", Location: time.UTC, Now: time.Unix(0, start+points*step)}
	p := &planner.Planner{Engine: e}
	hostBatch := func(table, field string, t0 int64, n int) *storage.TableBatch {
		batch := &storage.TableBatch{Table: table, Rows: hosts * n}
		tag := storage.TagColumn{Name: "host"}
		f := storage.FieldColumn{Name: field, Type: storage.TypeFloat}
		for h := range hosts {
			tag.Dict = append(tag.Dict, "host_"+string(rune('a'+h/26))+string(rune('a'+h%26)))
			for i := range n {
				batch.Time = append(batch.Time, t0+int64(i)*step)
				tag.Codes = append(tag.Codes, int32(h))
				f.Floats = append(f.Floats, float64((h*7+i*13)%100))
			}
		}
		batch.Tags, batch.Fields = []storage.TagColumn{tag}, []storage.FieldColumn{f}
		return batch
	}
	require.NoError(b, e.Write(ctx, "db", []*storage.TableBatch{hostBatch("cpu", "usage", start, points)}, storage.WriteOptions{}))
	require.NoError(b, e.Persist(ctx))
	run := func(q string) {
		stmts, err := sql.Parse(q)
		require.NoError(b, err, q)
		if stmts[0].Kind == sql.Call {
			_, op, err := p.Run(ctx, sess, stmts[0], nil)
			require.NoError(b, err, q)
			op.Close()
			return
		}
		_, err = p.RunDDL(ctx, sess, stmts[0])
		require.NoError(b, err, q)
	}
	run("CREATE MATERIALIZED VIEW v WITH (timescaledb.continuous) AS SELECT time_bucket('5 minutes', time) AS bucket, host, " +
		"avg(usage) AS mean, max(usage) AS hi FROM cpu GROUP BY bucket, host")
	window := "CALL refresh_continuous_aggregate('v', '2024-01-01 05:00+00', '2024-01-01 06:00+00')"
	b.Run("window_1h", func(b *testing.B) {
		for range b.N {
			run(window)
		}
	})
	b.Run("window_1h_ingest", func(b *testing.B) {
		for i := range b.N {
			batch := hostBatch("mem", "used", start+int64(i)*10*step, 10)
			require.NoError(b, e.Write(ctx, "db", []*storage.TableBatch{batch}, storage.WriteOptions{}))
			run(window)
		}
	})
	b.Run("whole", func(b *testing.B) {
		for range b.N {
			run("REFRESH MATERIALIZED VIEW v")
		}
	})
}
