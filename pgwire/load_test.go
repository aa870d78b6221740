package pgwire

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest"
)

// TestLoadConcurrentClients runs 64 pgx connections issuing a mix of
// queries (TSBS group-by and lastpoint in the extended protocol with binary
// results, counts, an information_schema lookup, a simple-protocol query)
// while two writers post line protocol to the ingest HTTP API and a third
// persists the write buffer to Parquet every second, all on loopback. No
// statement may fail, a connection's row count never goes down, and the
// final count is the initial rows plus every acknowledged line. p50/p99
// latencies per query kind are logged. It runs 10 s; STRATA_LOAD_SECONDS
// changes that, -short skips it.
func TestLoadConcurrentClients(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	const conns = 64
	duration := 10 * time.Second
	if v := os.Getenv("STRATA_LOAD_SECONDS"); v != "" {
		secs, err := strconv.Atoi(v)
		require.NoError(t, err, "STRATA_LOAD_SECONDS")
		duration = time.Duration(secs) * time.Second
	}

	s := startServer(t)
	loadTSBSData(t, s.engine)
	mux := http.NewServeMux()
	ingest.NewHandler(s.engine, ingest.Options{Logger: s.srv.log()}).Register(mux)
	api := httptest.NewServer(mux) // 127.0.0.1
	defer api.Close()

	ctx, cancel := context.WithTimeout(context.Background(), duration+time.Minute)
	defer cancel()
	dsn := "postgres://strata@" + s.addr + "/" + tsbsDB + "?sslmode=disable"
	clients := make([]*pgx.Conn, conns)
	for i := range clients {
		c, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		defer c.Close(context.Background())
		clients[i] = c
	}
	var base int64
	require.NoError(t, clients[0].QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&base))

	var (
		errMu  sync.Mutex
		errs   []string
		failed atomic.Bool
	)
	fail := func(format string, args ...any) {
		failed.Store(true)
		errMu.Lock()
		defer errMu.Unlock()
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	deadline := time.Now().Add(duration)
	running := func() bool { return time.Now().Before(deadline) && !failed.Load() }

	var ingested atomic.Int64
	var batches, persists atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Date(2016, 1, 2, 0, 0, 0, 0, time.UTC).UnixNano()
			var body strings.Builder
			for seq := 0; running(); {
				body.Reset()
				for i := 0; i < 500; i++ {
					fmt.Fprintf(&body, "cpu,hostname=load_%d,region=us-east-1 usage_user=%di,usage_system=%di %d\n",
						w, seq%100, (seq*7)%100, start+int64(seq)*int64(time.Second))
					seq++
				}
				resp, err := http.Post(api.URL+"/api/v3/write_lp?db="+tsbsDB+"&precision=nanosecond", "text/plain", strings.NewReader(body.String()))
				if err != nil {
					fail("write: %v", err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusNoContent {
					fail("write: HTTP %d", resp.StatusCode)
					return
				}
				ingested.Add(500)
				batches.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for running() {
			<-tick.C
			resp, err := http.Post(api.URL+"/api/v3/strata/persist", "text/plain", nil)
			if err != nil {
				fail("persist: %v", err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				fail("persist: HTTP %d", resp.StatusCode)
				return
			}
			persists.Add(1)
		}
	}()

	lat := make([]map[string][]time.Duration, conns)
	for i, c := range clients {
		lat[i] = map[string][]time.Duration{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lastCount int64
			for n := 0; running(); n++ {
				kind := loadKinds[(i+n)%len(loadKinds)]
				began := time.Now()
				err := kind.run(ctx, c, i, &lastCount)
				lat[i][kind.name] = append(lat[i][kind.name], time.Since(began))
				if err != nil {
					fail("conn %d %s: %v", i, kind.name, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.Empty(t, errs)

	var final int64
	require.NoError(t, clients[0].QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&final))
	require.Equal(t, base+ingested.Load(), final, "every acknowledged line is visible")

	all := map[string][]time.Duration{}
	var total []time.Duration
	for _, m := range lat {
		for k, ds := range m {
			all[k] = append(all[k], ds...)
			total = append(total, ds...)
		}
	}
	t.Logf("%d connections for %v: %d queries (%.0f/s), %d lines ingested in %d HTTP batches (%.0f lines/s), %d persists",
		conns, duration, len(total), float64(len(total))/duration.Seconds(), ingested.Load(), batches.Load(),
		float64(ingested.Load())/duration.Seconds(), persists.Load())
	t.Logf("all queries: %s", percentiles(total))
	for _, k := range loadKinds {
		t.Logf("%-9s %s", k.name, percentiles(all[k.name]))
	}
}

// percentiles formats the count, p50 and p99 of ds.
func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "n=0"
	}
	sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
	at := func(p int) time.Duration { return ds[(len(ds)-1)*p/100].Round(10 * time.Microsecond) }
	return fmt.Sprintf("n=%d p50=%v p99=%v max=%v", len(ds), at(50), at(99), ds[len(ds)-1].Round(10*time.Microsecond))
}

// loadKind is one query of the load mix; run checks what it read.
type loadKind struct {
	name string
	run  func(ctx context.Context, c *pgx.Conn, conn int, lastCount *int64) error
}

var loadKinds = []loadKind{
	{"groupby", func(ctx context.Context, c *pgx.Conn, conn int, _ *int64) error {
		// TSBS single-groupby-1-1-1 with parameters: binary int8 and
		// timestamptz results. host_0..3 have rows in every hour.
		from := time.Date(2016, 1, 1, conn%12, 0, 0, 0, time.UTC)
		rows, err := c.Query(ctx, `SELECT time_bucket('60 seconds', time) AS minute, max(usage_user) AS max_usage_user
			FROM cpu WHERE hostname = $1 AND time >= $2 AND time < $3 GROUP BY minute ORDER BY minute`,
			fmt.Sprintf("host_%d", conn%4), from, from.Add(time.Hour))
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			var minute time.Time
			var max int64
			if err := rows.Scan(&minute, &max); err != nil {
				return err
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no rows")
		}
		return nil
	}},
	{"lastpoint", func(ctx context.Context, c *pgx.Conn, _ int, _ *int64) error {
		rows, err := c.Query(ctx, "SELECT DISTINCT ON (hostname) hostname, time, usage_user FROM cpu ORDER BY hostname, time DESC")
		if err != nil {
			return err
		}
		hosts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
			var h string
			var at time.Time
			var u *int64
			return h, r.Scan(&h, &at, &u)
		})
		if err != nil {
			return err
		}
		if len(hosts) < 5 {
			return fmt.Errorf("lastpoint: %d hosts", len(hosts))
		}
		return nil
	}},
	{"count", func(ctx context.Context, c *pgx.Conn, _ int, last *int64) error {
		var n int64
		if err := c.QueryRow(ctx, "SELECT count(*) FROM cpu WHERE time >= $1", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)).Scan(&n); err != nil {
			return err
		}
		if n < *last {
			return fmt.Errorf("count went down from %d to %d", *last, n)
		}
		*last = n
		return nil
	}},
	{"catalog", func(ctx context.Context, c *pgx.Conn, _ int, _ *int64) error {
		rows, err := c.Query(ctx, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position", "cpu")
		if err != nil {
			return err
		}
		cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err == nil && len(cols) == 0 {
			err = fmt.Errorf("no columns")
		}
		return err
	}},
	{"simple", func(ctx context.Context, c *pgx.Conn, _ int, _ *int64) error {
		var max int64
		var first time.Time
		return c.QueryRow(ctx, "SELECT max(usage_user), min(time) FROM cpu WHERE hostname IN ('host_1', 'host_2')",
			pgx.QueryExecModeSimpleProtocol).Scan(&max, &first)
	}},
}
