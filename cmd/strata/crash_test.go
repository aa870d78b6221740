package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// ackedRow is a row whose write the server acknowledged.
type ackedRow struct {
	writer string
	ts     int64
	v      int64
}

// TestCrashKeepsAcknowledgedWrites runs the real server, writes from several
// clients (line protocol over HTTP, and COPY FROM STDIN over the PostgreSQL
// endpoint with pgx's CopyFrom), kills it with SIGKILL at a random moment, restarts it (WAL replay)
// and kills it again, then opens the data directory and checks that every
// acknowledged row is there exactly once with its value. The flush threshold
// is tiny so that kills also land during persists and WAL truncation.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real server")
	}
	const rounds, writers = 20, 4
	dataDir := filepath.Join(t.TempDir(), "data")
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	var acked []ackedRow
	var nextTS int64 = 1_600_000_000_000_000_000
	// COPY's binary timestamps hold microseconds: its rows are 1 us apart.
	var nextCopyTS int64 = 1_700_000_000_000_000_000
	total := 0
	for round := 0; round < rounds; round++ {
		srv := startServer(t, dataDir, "--flush-bytes", "256KiB", "--log-level", "warn")
		var mu sync.Mutex
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(writer string, seed int64) {
				defer wg.Done()
				rng := rand.New(rand.NewSource(seed))
				for {
					select {
					case <-stop:
						return
					default:
					}
					n := 1 + rng.Intn(400)
					mu.Lock()
					base := nextTS
					nextTS += int64(n)
					mu.Unlock()
					var body bytes.Buffer
					rows := make([]ackedRow, n)
					for i := range rows {
						rows[i] = ackedRow{writer: writer, ts: base + int64(i), v: rng.Int63n(1 << 40)}
						fmt.Fprintf(&body, "crash,writer=%s,round=r%d v=%di,pad=\"%0*d\" %d\n", writer, round, rows[i].v, rng.Intn(60), 0, rows[i].ts)
					}
					resp, err := http.Post(srv.url("/api/v3/write_lp?db=crash&precision=ns"), "text/plain", &body)
					if err != nil {
						return // the server died under us: not acknowledged
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusNoContent {
						return
					}
					mu.Lock()
					acked = append(acked, rows...)
					mu.Unlock()
				}
			}(fmt.Sprintf("w%d", w), rng.Int63())
		}
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			ctx := context.Background()
			conn, err := pgx.Connect(ctx, "postgres://strata@"+srv.pgAddr+"/crash?sslmode=disable")
			if err != nil {
				return
			}
			defer conn.Close(ctx)
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := 1 + rng.Intn(400)
				mu.Lock()
				base := nextCopyTS
				nextCopyTS += int64(n) * 1000
				mu.Unlock()
				rows := make([]ackedRow, n)
				src := make([][]any, n)
				for i := range rows {
					rows[i] = ackedRow{writer: "copy", ts: base + int64(i)*1000, v: rng.Int63n(1 << 40)}
					src[i] = []any{time.Unix(0, rows[i].ts).UTC(), "copy", fmt.Sprintf("r%d", round), rows[i].v}
				}
				_, err := conn.CopyFrom(ctx, pgx.Identifier{"crash"}, []string{"time", "writer", "round", "v"}, pgx.CopyFromRows(src))
				var pe *pgconn.PgError
				if errors.As(err, &pe) && pe.Code == "42P01" {
					time.Sleep(5 * time.Millisecond) // the table is not written yet
					continue
				}
				if err != nil {
					return // the server died under us: not acknowledged
				}
				mu.Lock()
				acked = append(acked, rows...)
				mu.Unlock()
			}
		}(rng.Int63())
		time.Sleep(time.Duration(20+rng.Intn(400)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()

		// Restart the real binary on the crashed directory (it replays the
		// WAL), then crash it again before it can persist on shutdown.
		srv = startServer(t, dataDir, "--log-level", "warn")
		srv.kill()

		got := readCrashRows(t, dataDir)
		missing := 0
		for _, r := range acked {
			v, ok := got[[2]any{r.writer, r.ts}]
			if !ok {
				missing++
				continue
			}
			require.Equal(t, r.v, v.v, "row %s@%d has the acknowledged value", r.writer, r.ts)
			require.Equal(t, 1, v.n, "row %s@%d is there exactly once", r.writer, r.ts)
		}
		require.Zero(t, missing, "round %d: %d of %d acknowledged rows missing", round, missing, len(acked))
		t.Logf("round %d: %d acknowledged rows intact (%d rows stored)", round, len(acked), len(got))
		total = len(acked)
	}
	require.Greater(t, total, rounds*100, "the test wrote a meaningful amount")
	copied := 0
	for _, r := range acked {
		if r.writer == "copy" {
			copied++
		}
	}
	require.Greater(t, copied, 0, "some COPY was acknowledged")
	t.Logf("%d rows acknowledged to COPY", copied)
}

type seen struct {
	v int64
	n int
}

// readCrashRows opens the data directory as the server would after a crash
// and returns every row by (writer, ts). Close persists the buffer: the next
// round starts from a persisted directory plus whatever it writes.
func readCrashRows(t *testing.T, dataDir string) map[[2]any]seen {
	t.Helper()
	e, err := storage.Open(storage.Options{DataDir: dataDir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	out := map[[2]any]seen{}
	snap, err := e.Snapshot(storage.ScanRequest{Database: "crash", Table: "crash", Columns: []string{"time", "writer", "v"}})
	if err != nil {
		return out // nothing acknowledged yet
	}
	defer snap.Release()
	r := snap.Reader(context.Background())
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		ts := rec.Column(0).(*array.Timestamp)
		wr := rec.Column(1).(*array.Dictionary)
		vs := rec.Column(2).(*array.Int64)
		for i := 0; i < int(rec.NumRows()); i++ {
			key := [2]any{wr.Dictionary().(*array.String).Value(wr.GetValueIndex(i)), int64(ts.Value(i))}
			s := out[key]
			out[key] = seen{v: vs.Value(i), n: s.n + 1}
		}
	}
	require.NoError(t, r.Err())
	return out
}
