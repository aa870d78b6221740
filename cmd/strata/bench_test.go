package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
	"github.com/stratadb/strata/storage"
)

// cutAll runs a lineCutter over in and returns its batches.
func cutAll(t testing.TB, in io.Reader, lines int) ([][]byte, []int) {
	t.Helper()
	c := lineCutter{r: in, lines: lines}
	var batches [][]byte
	var counts []int
	var buf []byte
	for {
		b, n, err := c.next(buf)
		if err == io.EOF {
			require.Zero(t, n)
			return batches, counts
		}
		require.NoError(t, err)
		batches = append(batches, append([]byte(nil), b...))
		counts = append(counts, n)
		buf = b // reuse, as the loader does
	}
}

func TestLineCutter(t *testing.T) {
	tests := []struct {
		name  string
		input string
		lines int
		want  []string
	}{
		{"empty", "", 3, nil},
		{"exact", "a\nb\nc\nd\n", 2, []string{"a\nb\n", "c\nd\n"}},
		{"short last batch", "a\nb\nc\n", 2, []string{"a\nb\n", "c\n"}},
		{"no final newline", "a\nb\nc", 2, []string{"a\nb\n", "c"}},
		{"one line per batch", "a\nb\n", 1, []string{"a\n", "b\n"}},
		{"all in one", "a\nbb\nccc\n", 10, []string{"a\nbb\nccc\n"}},
		{"empty lines count", "\n\n\n", 2, []string{"\n\n", "\n"}},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	}
	for _, tt := range tests {
		for rname, wrap := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				batches, counts := cutAll(t, wrap(strings.NewReader(tt.input)), tt.lines)
				got := make([]string, len(batches))
				for i, b := range batches {
					got[i] = string(b)
					want := strings.Count(tt.want[i], "\n")
					if !strings.HasSuffix(tt.want[i], "\n") {
						want++
					}
					require.Equal(t, want, counts[i], "batch %d", i)
				}
				if tt.want == nil {
					require.Empty(t, got)
					return
				}
				require.Equal(t, tt.want, got)
			})
		}
	}
}

func TestLineCutterReadError(t *testing.T) {
	c := lineCutter{r: iotest.ErrReader(io.ErrUnexpectedEOF), lines: 10}
	_, _, err := c.next(nil)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// TestLineCutterLargeInput crosses many read boundaries with real data.
func TestLineCutterLargeInput(t *testing.T) {
	data := generateLP(t, tsbs.Config{Scale: 13, Rows: 20_011, Seed: 3})
	batches, counts := cutAll(t, bytes.NewReader(data), 1000)
	require.Len(t, batches, 21)
	require.Equal(t, data, bytes.Join(batches, nil))
	for i, n := range counts[:20] {
		require.Equal(t, 1000, n, "batch %d", i)
		require.Equal(t, 1000, bytes.Count(batches[i], []byte("\n")))
	}
	require.Equal(t, 11, counts[20])
}

func FuzzLineCutter(f *testing.F) {
	f.Add([]byte("a\nb\nc"), uint8(2))
	f.Add([]byte("\n\n"), uint8(1))
	f.Add([]byte(""), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, lines uint8) {
		n := int(lines)%7 + 1
		batches, counts := cutAll(t, iotest.HalfReader(bytes.NewReader(data)), n)
		require.Equal(t, data, bytes.Join(batches, nil))
		total := 0
		for i, b := range batches {
			require.NotEmpty(t, b)
			if i < len(batches)-1 {
				require.Equal(t, n, counts[i])
				require.True(t, bytes.HasSuffix(b, []byte("\n")))
			}
			total += counts[i]
		}
		want := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			want++
		}
		require.Equal(t, want, total)
	})
}

func generateLP(t testing.TB, cfg tsbs.Config) []byte {
	t.Helper()
	g, err := tsbs.NewCPU(cfg)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = g.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

// strataServer runs the real HTTP API on a real engine in a temp dir.
func strataServer(t *testing.T) (*httptest.Server, *storage.Engine) {
	t.Helper()
	engine, err := storage.Open(storage.Options{DataDir: t.TempDir()})
	require.NoError(t, err)
	srv := httptest.NewServer(httpAPI(engine, apiOptions{}))
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, engine.Close())
	})
	return srv, engine
}

func countRows(t *testing.T, e *storage.Engine, db, table string) int64 {
	t.Helper()
	snap, err := e.Snapshot(storage.ScanRequest{Database: db, Table: table, Columns: []string{"time"}})
	require.NoError(t, err)
	defer snap.Release()
	r := snap.Reader(context.Background())
	var n int64
	for r.Next() {
		n += r.Record().NumRows()
	}
	require.NoError(t, r.Err())
	return n
}

// TestLoadIntoStrata loads generated data into a real Strata handler with
// several workers, gzip on and off, and checks every row arrived once.
func TestLoadIntoStrata(t *testing.T) {
	cfg := tsbs.Config{Scale: 7, Rows: 2_345, Seed: 5}
	data := generateLP(t, cfg)
	for _, gz := range []bool{false, true} {
		t.Run("gzip="+map[bool]string{false: "off", true: "on"}[gz], func(t *testing.T) {
			srv, engine := strataServer(t)
			ctx := context.Background()
			require.NoError(t, prepareDatabase(ctx, srv.URL, "benchmark"))
			var seen atomic.Int64
			l := newBenchLoader(srv.URL, "benchmark", 3, 100, gz, time.Millisecond)
			l.onBatch = func(lines, _ int) { seen.Add(int64(lines)) }
			require.NoError(t, l.load(ctx, bytes.NewReader(data)))
			require.Equal(t, cfg.Rows, l.rows.Load())
			require.Equal(t, cfg.Rows, seen.Load())
			require.Equal(t, int64(len(data)), l.bytes.Load())
			require.Equal(t, int64(24), l.batches.Load())
			require.Equal(t, cfg.Rows, countRows(t, engine, "benchmark", "cpu"))

			info, err := pingServer(ctx, srv.URL)
			require.NoError(t, err)
			require.Equal(t, "strata", info.Product)
			_, err = persistAndCompact(ctx, srv.URL)
			require.NoError(t, err)
			require.Equal(t, cfg.Rows, countRows(t, engine, "benchmark", "cpu"))
		})
	}
}

// TestPrepareDatabaseDropsExisting checks the TSBS order: an existing
// database is dropped and created again, empty.
func TestPrepareDatabaseDropsExisting(t *testing.T) {
	srv, engine := strataServer(t)
	ctx := context.Background()
	l := newBenchLoader(srv.URL, "benchmark", 1, 10, false, time.Millisecond)
	require.NoError(t, l.load(ctx, strings.NewReader("cpu,hostname=h usage_user=1i 1\n")))
	require.NoError(t, prepareDatabase(ctx, srv.URL, "benchmark"))
	require.Len(t, engine.Databases(), 1)
	_, err := engine.TableSchema("benchmark", "cpu")
	require.Error(t, err, "the old table is gone")
}

// TestLoadFailsLoudly: a rejected batch stops the load with the server's
// answer and the batch's line numbers.
func TestLoadFailsLoudly(t *testing.T) {
	srv, _ := strataServer(t)
	ctx := context.Background()
	require.NoError(t, prepareDatabase(ctx, srv.URL, "benchmark"))
	var in strings.Builder
	for i := range 50 {
		if i == 33 {
			in.WriteString("cpu usage_user=\"a string\" 1\n") // int column, string value
			continue
		}
		in.WriteString("cpu usage_user=1i 1\n")
	}
	l := newBenchLoader(srv.URL, "benchmark", 2, 10, false, time.Millisecond)
	err := l.load(ctx, strings.NewReader(in.String()))
	require.ErrorContains(t, err, "lines 31-40: server answered 400")
}

// TestLoadRetriesBackpressure: a 500 with a backpressure message is retried,
// as tsbs_load_influx does; another 500 is fatal.
func TestLoadRetriesBackpressure(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch n := calls.Add(1); {
		case n <= 2:
			http.Error(w, `{"error":"engine: cache maximum memory size exceeded"}`, http.StatusInternalServerError)
		case strings.Contains(r.URL.RawQuery, "db=broken"):
			http.Error(w, `{"error":"disk on fire"}`, http.StatusInternalServerError)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	l := newBenchLoader(srv.URL, "benchmark", 1, 10, false, time.Millisecond)
	require.NoError(t, l.load(ctx, strings.NewReader("a\nb\n")))
	require.Equal(t, int64(2), l.retries.Load())
	require.Equal(t, int64(2), l.rows.Load())

	l = newBenchLoader(srv.URL, "broken", 1, 10, false, time.Millisecond)
	require.ErrorContains(t, l.load(ctx, strings.NewReader("a\n")), "server answered 500 (want 204): {\"error\":\"disk on fire\"}")
}

func TestEnsureDataFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.lp")
	cfg := tsbs.Config{Scale: 3, Rows: 30, Seed: 1}
	got, err := ensureDataFile(path, cfg)
	require.NoError(t, err)
	require.Equal(t, path, got)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, generateLP(t, cfg), data)

	// A present file is reused as it is, whatever it holds.
	require.NoError(t, os.WriteFile(path, []byte("cached\n"), 0o644))
	_, err = ensureDataFile(path, cfg)
	require.NoError(t, err)
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "cached\n", string(data))
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left behind")

	require.Contains(t, defaultDataFile(cfg), "scale3-rows30-seed1")
}

func TestDirUsage(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "b", "f"), make([]byte, 10_000), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "g"), []byte("xyz"), 0o644))
	sparse, err := os.Create(filepath.Join(dir, "sparse"))
	require.NoError(t, err)
	require.NoError(t, sparse.Truncate(64<<20))
	require.NoError(t, sparse.Close())

	u, err := dirUsage(dir)
	require.NoError(t, err)
	require.Equal(t, int64(10_003+64<<20), u.Apparent)
	require.GreaterOrEqual(t, u.Allocated, int64(10_003))
	require.Less(t, u.Allocated, int64(1<<20), "the sparse file takes no blocks")

	_, err = dirUsage(filepath.Join(dir, "missing"))
	require.Error(t, err)
}

func TestReadProcStats(t *testing.T) {
	st, err := readProcStats(os.Getpid())
	require.NoError(t, err)
	require.Positive(t, st.PeakRSS)
	require.GreaterOrEqual(t, st.PeakRSS, st.RSS)
	_, err = readProcStats(-1)
	require.Error(t, err)
}

func TestCommas(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {10_000_000, "10,000,000"}, {-1234567, "-1,234,567"}, {123456, "123,456"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, commas(tt.n))
	}
}

func BenchmarkLineCutter(b *testing.B) {
	data := generateLP(b, tsbs.Config{Scale: 100, Rows: 100_000, Seed: 1})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		c := lineCutter{r: bytes.NewReader(data), lines: 10_000}
		for {
			var err error
			buf, _, err = c.next(buf)
			if err == io.EOF {
				break
			}
			require.NoError(b, err)
		}
	}
}
