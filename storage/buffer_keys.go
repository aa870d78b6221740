package storage

import (
	"cmp"
	"context"
	"hash/maphash"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Reading the write buffer used to merge every buffered write of a
// partition on every query (sort by series and time, deduplicate, gather
// every column): ~125 ms for a day of the 100-host TSBS table, against
// ~3 ms for the same rows once persisted. Yet most buffered writes share
// no primary key with any other source: streaming writes move forward in
// time, and many writers each send their own series. A write whose keys
// no other source can repeat is read as it is (bufKeys, directBufs); only
// the writes that may repeat a key are merged.

// keySeed hashes tag values for bufKeys; summaries live in memory only, so
// one seed per process is enough.
var keySeed = maphash.MakeSeed()

// bufKeys summarizes the primary keys (series and time) of one buffered
// write, computed once, when a snapshot first needs it.
type bufKeys struct {
	once sync.Once
	// series holds the distinct series' hashes, sorted: two writes with no
	// hash in common share no series (equal series hash equally).
	series []uint64
	// unique: no series and time appear twice in the write.
	unique bool
	// sorted: the rows' times never decrease, so a time range is a slice.
	sorted bool
}

// keysOf returns r's key summary, computing it on first use (snapshots run
// side by side under the engine's read lock).
func (r *bufRec) keysOf() *bufKeys {
	k := r.keys
	k.once.Do(func() { k.summarize(r.rec) })
	return k
}

// summarize fills k from rec: a series hash per row (the sum of a hash per
// tag name and value, so the tag columns' order does not matter and a NULL
// tag counts as absent, as the merge treats them), the distinct hashes, and
// whether times ascend and repeat no series.
func (k *bufKeys) summarize(rec arrow.Record) {
	n := int(rec.NumRows())
	rows := make([]uint64, n)
	var times []arrow.Timestamp
	for i, f := range rec.Schema().Fields() {
		switch {
		case f.Name == TimeColumn:
			times = rec.Column(i).(*array.Timestamp).TimestampValues()
		case f.Type.ID() == arrow.DICTIONARY:
			d := rec.Column(i).(*array.Dictionary)
			dict, ok := d.Dictionary().(*array.String)
			if !ok {
				continue
			}
			hashes := make([]uint64, dict.Len())
			for j := range hashes {
				hashes[j] = mix64(maphash.String(keySeed, f.Name+"\x00"+dict.Value(j)))
			}
			codes := d.Indices().(*array.Int32).Int32Values()
			if d.NullN() == 0 {
				for row, c := range codes {
					rows[row] += hashes[c]
				}
				continue
			}
			for row, c := range codes {
				if d.IsValid(row) {
					rows[row] += hashes[c]
				}
			}
		}
	}
	k.sorted = true
	for i := 1; i < len(times); i++ {
		if times[i] < times[i-1] {
			k.sorted = false
			break
		}
	}
	k.unique = len(times) == n
	switch {
	case !k.unique:
	case !k.sorted:
		// Out of time order: sort the keys to find a repeat.
		type rowKey struct {
			time   arrow.Timestamp
			series uint64
		}
		keys := make([]rowKey, n)
		for i := range keys {
			keys[i] = rowKey{times[i], rows[i]}
		}
		slices.SortFunc(keys, func(a, b rowKey) int {
			if c := cmp.Compare(a.time, b.time); c != 0 {
				return c
			}
			return cmp.Compare(a.series, b.series)
		})
		for i := 1; i < n && k.unique; i++ {
			k.unique = keys[i] != keys[i-1]
		}
	default:
		// In time order, a repeated key lies within one run of equal
		// times. A run naming the series of the run before, in the same
		// order (every timestamp of a periodic write), is known unique
		// and adds no series; only other runs are sorted and kept.
		var run, distinct []uint64
		prev := rows[:0]
		for start := 0; start < n && k.unique; {
			end := start + 1
			for end < n && times[end] == times[start] {
				end++
			}
			if cur := rows[start:end]; !slices.Equal(cur, prev) {
				run = append(run[:0], cur...)
				slices.Sort(run)
				for i := 1; i < len(run) && k.unique; i++ {
					k.unique = run[i] != run[i-1]
				}
				distinct = append(distinct, cur...)
				prev = cur
			}
			start = end
		}
		if k.unique {
			slices.Sort(distinct)
			k.series = slices.Clone(slices.Compact(distinct)) // not the scratch capacity
			return
		}
	}
	slices.Sort(rows)
	k.series = slices.Clone(slices.Compact(rows))
}

// mix64 spreads a hash's bits (a sum of them keeps its spread).
func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// directBufs reports which buffered writes of a partition can be read
// without a merge: ones that repeat no key within themselves, overlap no
// file's time span (files' series are not known here), and share no series
// with another write whose time span overlaps theirs. Writes sharing a
// series are swept in time order per series: every write of a run of
// overlapping spans may share a key with another of the run.
func directBufs(bufs []bufRec, files []*FileMeta) []bool {
	direct := make([]bool, len(bufs))
	type span struct {
		lo, hi int64
		i      int
	}
	bySeries := map[uint64][]span{}
	for i := range bufs {
		r := &bufs[i]
		k := r.keysOf()
		direct[i] = k.unique
		for _, f := range files {
			if r.minTime <= f.MaxTime && f.MinTime <= r.maxTime {
				direct[i] = false
			}
		}
		if len(bufs) > 1 {
			for _, s := range k.series {
				bySeries[s] = append(bySeries[s], span{r.minTime, r.maxTime, i})
			}
		}
	}
	for _, spans := range bySeries {
		if len(spans) < 2 {
			continue
		}
		slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
		start, hi := 0, spans[0].hi
		for j := 1; j <= len(spans); j++ {
			if j < len(spans) && spans[j].lo <= hi {
				hi = max(hi, spans[j].hi)
				continue
			}
			if j-start > 1 {
				for _, s := range spans[start:j] {
					direct[s.i] = false
				}
			}
			if j < len(spans) {
				start, hi = j, spans[j].hi
			}
		}
	}
	return direct
}

// directBufReads turns directBufSplits on; benchmarks turn it off to
// measure the merge-everything read it replaced.
var directBufReads = true

// bufSplitRows bounds the rows of the buffered writes one split reads
// without a merge, so that they spread over a parallel scan's workers.
const bufSplitRows = 1 << 16

// directBufSplits takes from a partition's buffered writes the ones read
// without a merge (directBufs): in splits of about bufSplitRows rows, in
// write order. A write none of whose rows can pass the split's tag filters
// (its dictionary holds none of the values) is dropped. merged returns the
// rest. A write in no time order that the time range cuts is merged too
// (the merge applies the range; a write in order is sliced).
func (sp *Split) directBufSplits() (out []*Split, merged []bufRec) {
	if len(sp.bufs) == 0 || !directBufReads {
		return nil, sp.bufs
	}
	direct := directBufs(sp.bufs, sp.files)
	var cur *Split
	var rows int64
	for i, r := range sp.bufs {
		if direct[i] && !r.keysOf().sorted && !(sp.tr.Contains(r.minTime) && sp.tr.Contains(r.maxTime)) {
			direct[i] = false
		}
		if !direct[i] {
			merged = append(merged, r)
			continue
		}
		if !tagsMayMatch(r.rec, sp.tags) {
			r.rec.Release() // the snapshot's reference: no split reads it
			continue
		}
		if cur == nil || rows >= bufSplitRows {
			cur = &Split{snap: sp.snap, day: sp.day, tr: sp.tr, tags: sp.tags}
			out = append(out, cur)
			rows = 0
		}
		cur.bufs = append(cur.bufs, r)
		rows += r.rec.NumRows()
	}
	return out, merged
}

// tagsMayMatch reports whether some row of rec may pass every tag filter:
// each filtered tag column has one of the filter's values in its
// dictionary (a write's dictionary holds the values its rows use).
func tagsMayMatch(rec arrow.Record, tags []TagFilter) bool {
	for _, tf := range tags {
		idx := rec.Schema().FieldIndices(tf.Column)
		if len(idx) == 0 {
			return false // every row's tag is NULL, which equals no value
		}
		d, ok := rec.Column(idx[0]).(*array.Dictionary)
		if !ok {
			continue
		}
		dict, ok := d.Dictionary().(*array.String)
		if !ok {
			continue
		}
		found := false
		for j := 0; j < dict.Len() && !found; j++ {
			found = slices.Contains(tf.Values, dict.Value(j))
		}
		if !found {
			return false
		}
	}
	return true
}

// openBuffered reads buffered writes no other source repeats a key of:
// each as it is, or the slice of it in the split's time range (the write
// is in time order, or wholly inside the range), with the snapshot's
// columns.
func (sp *Split) openBuffered(ctx context.Context) RecordReader {
	out := make([]arrow.Record, 0, len(sp.bufs))
	for _, r := range sp.bufs {
		rec := r.rec
		if !sp.tr.Contains(r.minTime) || !sp.tr.Contains(r.maxTime) {
			times := rec.Column(rec.Schema().FieldIndices(TimeColumn)[0]).(*array.Timestamp).TimestampValues()
			lo, _ := slices.BinarySearch(times, arrow.Timestamp(sp.tr.Min))
			hi, _ := slices.BinarySearch(times, arrow.Timestamp(sp.tr.Max))
			if lo >= hi {
				continue
			}
			rec = rec.NewSlice(int64(lo), int64(hi))
			out = append(out, conform(rec, sp.snap.schema))
			rec.Release()
			continue
		}
		out = append(out, conform(rec, sp.snap.schema))
	}
	return &sliceReader{ctx: ctx, recs: out}
}
