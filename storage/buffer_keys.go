package storage

import (
	"cmp"
	"context"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"sync/atomic"

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
	// times and tags read the write's keys row by row (sharesKey).
	times []arrow.Timestamp
	tags  []tagHasher
	// shares memoizes sharesKey against other writes, by their id (not a
	// pointer, which would keep a persisted write's arrays alive): the
	// answer for two writes never changes.
	id     uint64
	mu     sync.Mutex
	shares map[uint64]bool
}

// keyIDs numbers bufKeys.
var keyIDs atomic.Uint64

func newBufKeys() *bufKeys { return &bufKeys{id: keyIDs.Add(1)} }

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
	times, tags := tagHashersOf(rec)
	k.times, k.tags = times, tags
	for _, tag := range tags {
		if tag.dict.NullN() == 0 {
			for row, c := range tag.codes {
				rows[row] += tag.hashes[c]
			}
			continue
		}
		for row, c := range tag.codes {
			if tag.dict.IsValid(row) {
				rows[row] += tag.hashes[c]
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

// tagHasher hashes one tag column's values: a hash per dictionary entry
// (of the tag's name and value), looked up by the rows' codes.
type tagHasher struct {
	dict   *array.Dictionary
	codes  []int32
	hashes []uint64
}

// tagHashersOf returns rec's times and a hasher per tag column.
func tagHashersOf(rec arrow.Record) (times []arrow.Timestamp, tags []tagHasher) {
	for i, f := range rec.Schema().Fields() {
		switch {
		case f.Name == TimeColumn:
			times = rec.Column(i).(*array.Timestamp).TimestampValues()
		case f.Type.ID() == arrow.DICTIONARY:
			d := rec.Column(i).(*array.Dictionary)
			values, ok := d.Dictionary().(*array.String)
			if !ok {
				continue
			}
			h := tagHasher{dict: d, codes: d.Indices().(*array.Int32).Int32Values(), hashes: make([]uint64, values.Len())}
			for j := range h.hashes {
				h.hashes[j] = mix64(maphash.String(keySeed, f.Name+"\x00"+values.Value(j)))
			}
			tags = append(tags, h)
		}
	}
	return times, tags
}

// rowsIn calls f with the time and series hash of each row of the write k
// summarizes whose time is in [lo, hi], until f returns false.
func (k *bufKeys) rowsIn(lo, hi int64, f func(t int64, series uint64) bool) {
	times, tags := k.times, k.tags
	start, end := 0, len(times)
	if k.sorted {
		start, _ = slices.BinarySearch(times, arrow.Timestamp(lo))
		if hi < math.MaxInt64 {
			end, _ = slices.BinarySearch(times, arrow.Timestamp(hi)+1)
		}
	}
	for row := start; row < end; row++ {
		t := int64(times[row])
		if t < lo || t > hi {
			continue
		}
		var h uint64
		for _, tag := range tags {
			if tag.dict.IsValid(row) {
				h += tag.hashes[tag.codes[row]]
			}
		}
		if !f(t, h) {
			return
		}
	}
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
// file's time span (files' series are not known here), and share no key
// with another write. Two writes can share a key only if they share a
// series over overlapping spans: found per series, sweeping its writes in
// time order, and then checked row by row over the two spans' overlap (a
// load whose writes split one timestamp's series between them shares
// series and a timestamp, but no key). A series named by more than
// maxOverlapping writes at once (a backfill rewriting one span over and
// over) merges them all instead of checking every pair.
func directBufs(bufs []bufRec, files []*FileMeta) []bool {
	direct := make([]bool, len(bufs))
	type span struct {
		lo, hi int64
		i      int
	}
	// Only writes whose span meets another write's can share a key with
	// one: streaming writes, each later than the last, need no series map.
	byTime := make([]span, len(bufs))
	for i, r := range bufs {
		byTime[i] = span{r.minTime, r.maxTime, i}
	}
	slices.SortFunc(byTime, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
	meets := make([]bool, len(bufs))
	for j, last := 1, 0; j < len(byTime); j++ {
		if byTime[j].lo <= byTime[last].hi {
			meets[byTime[j].i], meets[byTime[last].i] = true, true
		}
		if byTime[j].hi > byTime[last].hi {
			last = j
		}
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
		if meets[i] {
			for _, s := range k.series {
				bySeries[s] = append(bySeries[s], span{r.minTime, r.maxTime, i})
			}
		}
	}
	const maxOverlapping = 8
	pairs := map[[2]int]bool{}
	var active []span
	for _, spans := range bySeries {
		if len(spans) < 2 {
			continue
		}
		slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.lo, b.lo) })
		active = active[:0]
		for _, sp := range spans {
			active = slices.DeleteFunc(active, func(a span) bool { return a.hi < sp.lo })
			if len(active) >= maxOverlapping {
				for _, a := range active {
					direct[a.i] = false
				}
				direct[sp.i] = false
			} else {
				for _, a := range active {
					pairs[[2]int{min(a.i, sp.i), max(a.i, sp.i)}] = true
				}
			}
			active = append(active, sp)
		}
	}
	for pair := range pairs {
		a, b := &bufs[pair[0]], &bufs[pair[1]]
		if (direct[pair[0]] || direct[pair[1]]) && sharesKey(a, b) {
			direct[pair[0]], direct[pair[1]] = false, false
		}
	}
	return direct
}

// sharesKey reports whether writes a and b, whose spans overlap, hold a row
// of the same series and time: their rows in the overlap of their spans,
// compared by time and series hash (a hash collision can only say yes).
func sharesKey(a, b *bufRec) bool {
	ka, kb := a.keysOf(), b.keysOf()
	kb.mu.Lock()
	shared, known := kb.shares[ka.id]
	kb.mu.Unlock()
	if !known {
		shared = sharedRows(a, b)
		kb.mu.Lock()
		if kb.shares == nil {
			kb.shares = map[uint64]bool{}
		}
		kb.shares[ka.id] = shared
		kb.mu.Unlock()
	}
	return shared
}

// sharedRows is sharesKey computed.
func sharedRows(a, b *bufRec) bool {
	lo, hi := max(a.minTime, b.minTime), min(a.maxTime, b.maxTime)
	type rowKey struct {
		time   int64
		series uint64
	}
	seen := map[rowKey]struct{}{}
	a.keysOf().rowsIn(lo, hi, func(t int64, s uint64) bool {
		seen[rowKey{t, s}] = struct{}{}
		return true
	})
	shared := false
	b.keysOf().rowsIn(lo, hi, func(t int64, s uint64) bool {
		_, shared = seen[rowKey{t, s}]
		return !shared
	})
	return shared
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
		if !tagsMayMatch(r.rec, sp.tags) || !sp.snap.sample.keepsWrite(r.seq) {
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
			times := r.keysOf().times // in time order: directBufSplits merges the others
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
