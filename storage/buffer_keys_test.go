package storage

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// splitKinds counts a snapshot's splits by how they read: merged, buffered
// writes read as they are, and files.
func splitKinds(t *testing.T, e *Engine, req ScanRequest) (merged, buffered, files int) {
	t.Helper()
	snap, err := e.Snapshot(req)
	require.NoError(t, err)
	defer snap.Release()
	for _, sp := range snap.Splits() {
		switch {
		case sp.merge:
			merged++
		case len(sp.files) == 0:
			buffered++
		default:
			files++
		}
	}
	return merged, buffered, files
}

// TestBufferReadWithoutMerge: buffered writes that share no key with
// another source are read as they are; writes that may are merged, with
// the merge's answer.
func TestBufferReadWithoutMerge(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	// Streaming: each write later than the one before.
	write(t, e, "db", batchOf(t, "cpu", "10 host=a u=1", "10 host=b u=2", "20 host=a u=3"))
	write(t, e, "db", batchOf(t, "cpu", "30 host=a u=4", "30 host=b u=5"))
	// Another writer's series over the same times.
	write(t, e, "db", batchOf(t, "cpu", "10 host=c u=6", "30 host=c u=7"))
	merged, buffered, _ := splitKinds(t, e, all("cpu"))
	require.Equal(t, 0, merged)
	require.Equal(t, 1, buffered, "small writes share a split")
	require.Equal(t, []string{"time=10 host=a u=1", "time=10 host=b u=2", "time=10 host=c u=6", "time=20 host=a u=3",
		"time=30 host=a u=4", "time=30 host=b u=5", "time=30 host=c u=7"}, scan(t, e, all("cpu")))

	// A time range slices the writes in time order.
	require.Equal(t, []string{"time=20 host=a u=3", "time=30 host=a u=4", "time=30 host=b u=5", "time=30 host=c u=7"},
		scan(t, e, ScanRequest{Database: "db", Table: "cpu", Range: TimeRange{Min: 15, Max: 31}}))
	// A tag filter leaves out writes whose dictionary lacks the value.
	snap, err := e.Snapshot(ScanRequest{Database: "db", Table: "cpu", Tags: []TagFilter{{Column: "host", Values: []string{"c"}}}})
	require.NoError(t, err)
	var rows int64
	for _, sp := range snap.Splits() {
		rows += sp.EstimatedRows()
	}
	snap.Release()
	require.Equal(t, int64(2), rows, "only the third write is read for host c")

	// Writes that split one timestamp's series between them (a load whose
	// batches do not end on a timestamp) share series and a time but no
	// key: read as they are.
	write(t, e, "db", batchOf(t, "net", "10 host=a n=1i", "10 host=b n=2i", "20 host=a n=3i"))
	write(t, e, "db", batchOf(t, "net", "20 host=b n=4i", "30 host=a n=5i", "30 host=b n=6i"))
	merged, buffered, _ = splitKinds(t, e, all("net"))
	require.Equal(t, []int{0, 1}, []int{merged, buffered})
	// One more naming host=a at 30 again: it and the write it repeats merge.
	write(t, e, "db", batchOf(t, "net", "30 host=a n=50i", "40 host=a n=7i"))
	merged, _, _ = splitKinds(t, e, all("net"))
	require.Equal(t, 1, merged)
	require.Equal(t, []string{"time=10 host=a n=1", "time=10 host=b n=2", "time=20 host=a n=3", "time=20 host=b n=4",
		"time=30 host=a n=50", "time=30 host=b n=6", "time=40 host=a n=7"}, scan(t, e, all("net")))

	// A write repeating a series over the span of an earlier one: both
	// merge, the later value wins.
	write(t, e, "db", batchOf(t, "cpu", "20 host=a u=30", "25 host=a u=8"))
	merged, _, _ = splitKinds(t, e, all("cpu"))
	require.Equal(t, 1, merged)
	require.Equal(t, []string{"time=10 host=a u=1", "time=10 host=b u=2", "time=10 host=c u=6", "time=20 host=a u=30",
		"time=25 host=a u=8", "time=30 host=a u=4", "time=30 host=b u=5", "time=30 host=c u=7"}, scan(t, e, all("cpu")))
}

// TestBufferWriteRepeatingItsOwnKey: a write naming one series and time
// twice is merged (the later row wins), as is one out of time order when
// a time range cuts it.
func TestBufferWriteRepeatingItsOwnKey(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a u=1", "10 host=b u=2", "10 host=a u=3"))
	merged, _, _ := splitKinds(t, e, all("cpu"))
	require.Equal(t, 1, merged)
	require.Equal(t, []string{"time=10 host=a u=3", "time=10 host=b u=2"}, scan(t, e, all("cpu")))

	write(t, e, "db", batchOf(t, "mem", "30 host=a u=1", "10 host=a u=2", "20 host=a u=3"))
	merged, buffered, _ := splitKinds(t, e, all("mem"))
	require.Equal(t, []int{0, 1}, []int{merged, buffered}, "out of order but wholly in range: read as it is")
	merged, _, _ = splitKinds(t, e, ScanRequest{Database: "db", Table: "mem", Range: TimeRange{Min: 15, Max: 100}})
	require.Equal(t, 1, merged, "out of order and cut by the range: merged")
	require.Equal(t, []string{"time=20 host=a u=3", "time=30 host=a u=1"},
		scan(t, e, ScanRequest{Database: "db", Table: "mem", Range: TimeRange{Min: 15, Max: 100}}))
}

// TestBufferReadMatchesModel: random writes (streams, repeats, several
// writers, tags added and left out, fields that come and go), persisted
// at random points, read back over random ranges and tag filters: every
// read equals a model that applies the writes in order, field by field.
func TestBufferReadMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 11))
	var sawMerged, sawDirect int
	defer func(n int) { maxMergeRegions = n }(maxMergeRegions)
	for round := 0; round < 30; round++ {
		maxMergeRegions = []int{32, 1, 2}[round%3] // regions joined too
		compactRows := int64(5 + rng.IntN(40))     // large partitions compacted by time
		e := openTest(t, t.TempDir(), func(o *Options) { o.CompactMaxRows = compactRows })
		type key struct {
			time int64
			tags string
		}
		model := map[key]map[string]string{}
		for w := 0; w < 12; w++ {
			base := int64(rng.IntN(40)) * 10
			n := 1 + rng.IntN(8)
			var lines []string
			for i := 0; i < n; i++ {
				ts := base + int64(i)*10
				if rng.IntN(4) == 0 {
					ts = base + int64(rng.IntN(n))*10 // out of order, or repeated
				}
				tags := fmt.Sprintf("host=h%d", rng.IntN(3))
				if rng.IntN(3) == 0 {
					tags += fmt.Sprintf(",dc=d%d", rng.IntN(2))
				}
				field := []string{"u", "v"}[rng.IntN(2)]
				val := fmt.Sprintf("%d", rng.IntN(1000))
				lines = append(lines, fmt.Sprintf("%d %s %s=%s", ts, tags, field, val))
				k := key{ts, tags}
				if model[k] == nil {
					model[k] = map[string]string{}
				}
				model[k][field] = val
			}
			write(t, e, "db", batchOf(t, "cpu", lines...))
			if rng.IntN(4) == 0 {
				require.NoError(t, e.Persist(ctx))
			}
			if rng.IntN(5) == 0 {
				_, err := e.Compact(ctx, true)
				require.NoError(t, err)
			}
		}
		merged, buffered, _ := splitKinds(t, e, all("cpu"))
		sawMerged += merged
		sawDirect += buffered
		for q := 0; q < 8; q++ {
			req := all("cpu")
			if rng.IntN(2) == 0 {
				lo := int64(rng.IntN(50)) * 10
				req.Range = TimeRange{Min: lo, Max: lo + int64(1+rng.IntN(200))}
			}
			host := ""
			if rng.IntN(2) == 0 {
				host = fmt.Sprintf("h%d", rng.IntN(3))
				req.Tags = []TagFilter{{Column: "host", Values: []string{host}}}
			}
			var want []string
			for k, fields := range model {
				if req.Range != (TimeRange{}) && !req.Range.Contains(k.time) {
					continue
				}
				parts := []string{fmt.Sprintf("time=%d", k.time)}
				tags := map[string]string{}
				for _, kv := range strings.Split(k.tags, ",") {
					name, v, _ := strings.Cut(kv, "=")
					tags[name] = v
				}
				if host != "" && tags["host"] != host {
					continue
				}
				// Columns in table order: time, then tags and fields as
				// first written; render in a fixed order instead.
				want = append(want, renderSorted(parts, tags, fields))
			}
			sort.Strings(want)
			var got []string
			for _, row := range scan(t, e, req) {
				r := strings.Fields(row)
				tags, fields := map[string]string{}, map[string]string{}
				for _, kv := range r[1:] {
					name, v, _ := strings.Cut(kv, "=")
					if name == "host" || name == "dc" {
						tags[name] = v
					} else {
						fields[name] = v
					}
				}
				if host != "" && tags["host"] != host {
					continue // tag filters may let other rows through
				}
				got = append(got, renderSorted(r[:1], tags, fields))
			}
			sort.Strings(got)
			if len(want) == 0 {
				want = nil
			}
			require.Equal(t, want, got, "round %d query %+v", round, req)
		}
		require.NoError(t, e.Close())
	}
	require.Positive(t, sawMerged, "some reads merged")
	require.Positive(t, sawDirect, "some writes read as they are")
}

func renderSorted(head []string, tags, fields map[string]string) string {
	var parts []string
	for k, v := range tags {
		parts = append(parts, "t:"+k+"="+v)
	}
	for k, v := range fields {
		parts = append(parts, "f:"+k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(append(head, parts...), " ")
}

// BenchmarkBufferedScan: reading a day of 100 series with 10 tags each
// (864,000 rows in time order, as TSBS loads them) from the write buffer,
// in 44 writes of 19,637 rows or so, so that most writes end inside a
// timestamp and share it (and its series) with the next: every row merged
// (the read before directBufSplits) against the writes read as they are.
// Key summaries are computed once, before the timer; keys measures them.
func BenchmarkBufferedScan(b *testing.B) {
	e := openTest(b, b.TempDir(), func(o *Options) { o.FlushBytes = 1 << 40 })
	defer e.Close()
	const hosts, total, writes = 100, 864000, 44
	tagNames := []string{"arch", "datacenter", "hostname", "os", "rack", "region", "service", "service_environment", "service_version", "team"}
	for w, next := 0, 0; w < writes; w++ {
		end := total * (w + 1) / writes
		rows := end - next
		batch := &TableBatch{Table: "cpu", Rows: rows}
		for _, name := range tagNames {
			tag := TagColumn{Name: name, Codes: make([]int32, rows)}
			for h := 0; h < hosts; h++ {
				tag.Dict = append(tag.Dict, fmt.Sprintf("%s_%d", name, h))
			}
			for r := range tag.Codes {
				tag.Codes[r] = int32((next + r) % hosts)
			}
			batch.Tags = append(batch.Tags, tag)
		}
		usage := FieldColumn{Name: "usage_user", Type: TypeInt, Ints: make([]int64, rows)}
		for r := 0; r < rows; r++ {
			batch.Time = append(batch.Time, int64((next+r)/hosts)*10e9)
			usage.Ints[r] = int64((next + r) % 97)
		}
		batch.Fields = []FieldColumn{usage}
		require.NoError(b, batch.Validate())
		require.NoError(b, e.Write(ctx, "db", []*TableBatch{batch}, WriteOptions{}))
		next = end
	}
	req := ScanRequest{Database: "db", Table: "cpu", Columns: []string{"time", "usage_user"}}
	read := func(b *testing.B) {
		snap, err := e.Snapshot(req)
		require.NoError(b, err)
		r := snap.Reader(ctx)
		var rows int64
		for r.Next() {
			rows += r.Record().NumRows()
		}
		require.NoError(b, r.Err())
		r.Release()
		snap.Release()
		require.Equal(b, int64(total), rows)
	}
	b.Run("keys", func(b *testing.B) {
		// Summarizing every write's keys: what the first read after the
		// writes pays once.
		var recs []arrow.Record
		e.mu.RLock()
		e.bufferedLocked("db", "cpu", func(_ int64, r bufRec) { recs = append(recs, r.rec) })
		e.mu.RUnlock()
		for i := 0; i < b.N; i++ {
			for _, rec := range recs {
				var k bufKeys
				k.summarize(rec)
			}
		}
	})
	for _, direct := range []bool{false, true} {
		name := map[bool]string{false: "merge", true: "direct"}[direct]
		b.Run(name, func(b *testing.B) {
			directBufReads = direct
			defer func() { directBufReads = true }()
			read(b) // key summaries, once
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				read(b)
			}
		})
	}
}
