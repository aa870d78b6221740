package storage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stratadb/strata/storage/pqfile"
)

// RecordReader streams Arrow records. Record is valid until the next call to
// Next or Release; retain it to keep it longer.
type RecordReader interface {
	Next() bool
	Record() arrow.Record
	Err() error
	Release()
}

// PageStats count a reader's data pages (per column chunk read): read from
// the file, taken from the page cache, skipped by statistics. Readers of a
// single file report them (interface{ PageStats() PageStats }); readers
// that merge writes still buffered with files do not.
type PageStats struct {
	Read, Cached, Skipped int
}

// Add adds o to s.
func (s *PageStats) Add(o PageStats) {
	s.Read += o.Read
	s.Cached += o.Cached
	s.Skipped += o.Skipped
}

// TagFilter says a tag column must equal one of Values. Snapshots use it to
// prune files, row groups and pages by their statistics; rows that do not match
// may still be returned, so the query engine filters them.
type TagFilter struct {
	Column string
	Values []string
}

// ScanRequest names what a snapshot reads.
type ScanRequest struct {
	Database, Table string
	// Columns to return, in this order; nil returns every column in table
	// order. Unknown names are an error.
	Columns []string
	// Range of times to return, exactly; the zero value means all time.
	Range TimeRange
	Tags  []TagFilter
	// Sample, when set, returns a block sample of the rows instead of all.
	Sample *Sample
}

// Sample is a block sample (TABLESAMPLE SYSTEM): each block of rows is
// returned or skipped whole, kept with probability Fraction by a hash of
// Seed and where the block lies, so skipped blocks are not read. A block
// is a page of a data file (read only when kept), a buffered write, or a
// chunk of the rows a merge of overlapping sources returns (merged, then
// kept or not). The same seed keeps the same blocks until the table's
// storage changes (a write, persist or compaction).
type Sample struct {
	Fraction float64
	Seed     uint64
}

// Sources of blocks other than files, kept apart from file IDs.
const (
	mergeSource  = 1 << 63
	bufferSource = 1<<63 | 1<<62
)

// keepsWrite reports whether the sample keeps the buffered write seq
// (all do without a sample).
func (s *Sample) keepsWrite(seq uint64) bool {
	return s == nil || s.of(bufferSource).Keeps(seq, 0)
}

// of returns the sample of one source's blocks: the seed mixed with the
// source's identity (a file's ID, or a merge region's start).
func (s *Sample) of(source uint64) *pqfile.BlockSample {
	if s == nil {
		return nil
	}
	return &pqfile.BlockSample{Fraction: s.Fraction, Seed: s.Seed ^ source*0x9E3779B97F4A7C15}
}

// Snapshot is a consistent view of one table: the files and buffered writes
// that existed when it was taken. Files it reads are not deleted until it is
// released. It is split by partition and file so that splits can be read in
// parallel; each split yields rows of its own, and together they yield every
// matching row exactly once, deduplicated.
type Snapshot struct {
	e      *Engine
	schema *arrow.Schema
	sample *Sample
	splits []*Split
	files  []uint64
	once   sync.Once
}

// Split is an independently readable part of a snapshot: one file whose rows
// no other source repeats, buffered writes whose rows no other source
// repeats (directBufs), or the overlapping sources of a partition, merged.
type Split struct {
	snap  *Snapshot
	day   int64
	tr    TimeRange
	files []*FileMeta // oldest first
	bufs  []bufRec    // buffered writes, oldest first, after files
	tags  []TagFilter
	merge bool
	// rows is the window of a single file's rows this split reads
	// ([start, end); end 0: all), when a large file is read in parts.
	rows [2]int64
	// est is the split's candidate rows once placed (0: unknown).
	est int64
	// mergeSchema holds the output columns plus every tag (needed to tell
	// series apart) when merging.
	mergeSchema *arrow.Schema
}

// Snapshot takes a snapshot of a table.
func (e *Engine) Snapshot(req ScanRequest) (*Snapshot, error) {
	snap, err := e.snapshot(req)
	if err != nil {
		return nil, err
	}
	snap.placeWindows()
	return snap, nil
}

func (e *Engine) snapshot(req ScanRequest) (*Snapshot, error) {
	tr := req.Range
	if tr == (TimeRange{}) {
		tr = allTime
	}
	// A read lock: snapshots run side by side (the 64-connection load
	// test waited ~53 s per 10 s on this lock when it was exclusive).
	// File references are counted under refMu.
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(req.Database, req.Table)
	if err != nil {
		return nil, err
	}
	schema, err := outputSchema(t, req.Columns)
	if err != nil {
		return nil, err
	}
	tr.Min = max(tr.Min, e.retentionCutoffLocked(req.Database, t))
	snap := &Snapshot{e: e, schema: schema, sample: req.Sample}
	if tr.Empty() {
		return snap, nil
	}
	// Only splits that merge need every tag; most snapshots have none.
	var mergeSchema *arrow.Schema
	mergeSchemaOf := func() *arrow.Schema {
		if mergeSchema == nil {
			mergeSchema = withAllTags(schema, t)
		}
		return mergeSchema
	}

	byDay := map[int64]*Split{}
	split := func(day int64) *Split {
		sp := byDay[day]
		if sp == nil {
			sp = &Split{snap: snap, day: day, tr: tr, tags: req.Tags}
			byDay[day] = sp
		}
		return sp
	}
	e.refMu.Lock()
	for _, f := range t.Files {
		if tr.Overlaps(f.MinTime, f.MaxTime) {
			sp := split(f.Day)
			sp.files = append(sp.files, f)
			e.refs[f.ID]++
			snap.files = append(snap.files, f.ID)
		}
	}
	e.refMu.Unlock()
	e.bufferedLocked(req.Database, req.Table, func(day int64, r bufRec) {
		if tr.Overlaps(r.minTime, r.maxTime) {
			sp := split(day)
			r.rec.Retain()
			sp.bufs = append(sp.bufs, r)
		}
	})
	days := make([]int64, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	for _, d := range days {
		// Buffer order is apply order; the WAL's order (seq) decides.
		slices.SortStableFunc(byDay[d].bufs, func(a, b bufRec) int { return compareUint64(a.seq, b.seq) })
		snap.splits = append(snap.splits, byDay[d].divide(mergeSchemaOf)...)
	}
	return snap, nil
}

// divide splits a partition's sources into splits read on their own and
// merges. Rows of two sources can share a primary key only at a time both
// spans cover, and a buffered write that may repeat a key (merged) may do so
// anywhere in its span; those times, joined into regions, are merged: one
// merge split per region, reading the sources that meet it over its span.
// Every other time is covered by one source at most, which is read as it
// is. Files persisted while writers run side by side overlap only at their
// edges (each holds the minutes since the last persist), so a partition of
// many files merges those edges, not every row of the partition; the buffer
// holds the last minutes, files the hours before, so only the buffer's span
// is merged while data streams in.
func (sp *Split) divide(mergeSchema func() *arrow.Schema) []*Split {
	out, merged := sp.directBufSplits()
	regions := mergeRegions(sp.files, merged)
	clip := func(lo, hi int64) TimeRange { // [lo, hi] within the split's range
		tr := TimeRange{Min: max(sp.tr.Min, lo), Max: sp.tr.Max}
		if hi < math.MaxInt64 {
			tr.Max = min(tr.Max, hi+1)
		}
		return tr
	}
	for _, rg := range regions {
		tr := clip(rg.lo, rg.hi)
		if tr.Empty() {
			continue // files that meet outside the range: every buffered write meets it
		}
		m := &Split{snap: sp.snap, day: sp.day, tr: tr, tags: sp.tags, merge: true, mergeSchema: mergeSchema()}
		for _, f := range sp.files {
			if rg.meets(f.MinTime, f.MaxTime) {
				m.files = append(m.files, f)
			}
		}
		for _, r := range merged {
			if rg.meets(r.minTime, r.maxTime) {
				m.bufs = append(m.bufs, r)
			}
		}
		out = append(out, m)
	}
	// Each file's times outside the regions, read directly.
	for _, f := range sp.files {
		lo := f.MinTime
		for _, rg := range regions {
			if !rg.meets(lo, f.MaxTime) {
				continue
			}
			if rg.lo > lo {
				sp.direct(&out, f, clip(lo, rg.lo-1))
			}
			lo = rg.hi + 1
			if rg.hi == math.MaxInt64 {
				lo = f.MaxTime + 1
			}
		}
		if lo <= f.MaxTime {
			sp.direct(&out, f, clip(lo, f.MaxTime))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].minTime() < out[j].minTime() })
	return out
}

// direct adds a split reading file f as it is over tr, unless tr misses it.
func (sp *Split) direct(out *[]*Split, f *FileMeta, tr TimeRange) {
	if tr.Empty() || !tr.Overlaps(f.MinTime, f.MaxTime) {
		return
	}
	*out = append(*out, &Split{snap: sp.snap, day: sp.day, tr: tr, tags: sp.tags, files: []*FileMeta{f}})
}

// timeSpan is the closed interval [lo, hi] of nanosecond times.
type timeSpan struct{ lo, hi int64 }

// meets reports whether s and the closed interval [lo, hi] share a time.
func (s timeSpan) meets(lo, hi int64) bool { return s.lo <= hi && lo <= s.hi }

// maxMergeRegions bounds the merges of one partition: past it the two
// regions closest together become one (a merge over a time only one source
// covers is a merge still, only of one source's rows there), so a
// partition of many small overlaps does not re-read its files once per
// overlap.
var maxMergeRegions = 32

// mergeRegions returns, in time order, the disjoint spans of a partition
// that must be merged: where two or more sources' spans meet (files and
// buffered writes that merge) and every merged buffered write's own span.
func mergeRegions(files []*FileMeta, merged []bufRec) []timeSpan {
	type event struct {
		at    int64
		delta int
	}
	var need []timeSpan
	events := make([]event, 0, 2*(len(files)+len(merged)))
	add := func(lo, hi int64) {
		events = append(events, event{lo, 1})
		if hi < math.MaxInt64 {
			events = append(events, event{hi + 1, -1})
		}
	}
	for _, f := range files {
		add(f.MinTime, f.MaxTime)
	}
	for _, r := range merged {
		add(r.minTime, r.maxTime)
		need = append(need, timeSpan{r.minTime, r.maxTime})
	}
	// Sweep: at equal times ends (-1) come first, as a span ends at hi+1.
	slices.SortFunc(events, func(a, b event) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return a.delta - b.delta
	})
	depth := 0
	var from int64
	for _, ev := range events {
		if depth < 2 && depth+ev.delta >= 2 {
			from = ev.at
		} else if depth >= 2 && depth+ev.delta < 2 {
			need = append(need, timeSpan{from, ev.at - 1})
		}
		depth += ev.delta
	}
	if depth >= 2 {
		need = append(need, timeSpan{from, math.MaxInt64})
	}
	if len(need) == 0 {
		return nil
	}
	slices.SortFunc(need, func(a, b timeSpan) int { return cmp.Compare(a.lo, b.lo) })
	regions := need[:1]
	for _, s := range need[1:] {
		last := &regions[len(regions)-1]
		if s.lo <= last.hi || (last.hi < math.MaxInt64 && s.lo == last.hi+1) {
			last.hi = max(last.hi, s.hi)
			continue
		}
		regions = append(regions, s)
	}
	for len(regions) > maxMergeRegions {
		best := 0
		for i := 1; i+1 < len(regions); i++ {
			if regions[i+1].lo-regions[i].hi < regions[best+1].lo-regions[best].hi {
				best = i
			}
		}
		regions[best].hi = regions[best+1].hi
		regions = slices.Delete(regions, best+1, best+2)
	}
	return regions
}

// splitRows is the size of the row windows a large file is read in, so
// that one big compacted file (a day of a table) still spreads over the
// workers of a parallel scan. A window's reader parses the file footer
// again; at a quarter million rows that is noise.
var splitRows int64 = 1 << 18

// placeWindows cuts each one-file split into row windows of about splitRows
// rows the scan may read: the rows that the file's statistics and page
// indexes cannot rule out for the split's time range and tag filters. A
// query for one series over a few hours of a day file reads one window (one
// reader, no parallel hand-offs) instead of one per quarter million rows of
// the file, and a file with no candidate rows is not opened again at all.
// Files whose statistics cannot be read are cut by their row count; the
// read reports the error. It runs once, after the engine's lock is
// released: every split that does not merge is then a whole file.
func (s *Snapshot) placeWindows() {
	out := make([]*Split, 0, len(s.splits))
	for _, sp := range s.splits {
		if sp.merge || len(sp.files) == 0 {
			out = append(out, sp)
			continue
		}
		out = append(out, sp.windows()...)
	}
	s.splits = out
}

// windows cuts a one-file split into windows over its candidate rows. A
// file too small to be cut stays one split and is not opened here (a
// snapshot of a year of small daily files would otherwise read every
// footer in turn before the scan's workers start).
func (sp *Split) windows() []*Split {
	f := sp.files[0]
	if f.Rows < 2*splitRows {
		sp.est = f.Rows
		return []*Split{sp}
	}
	ranges, err := sp.candidateRows()
	if err != nil {
		return fileWindows(sp, [][2]int64{{0, f.Rows}})
	}
	if len(ranges) == 0 {
		return nil
	}
	return fileWindows(sp, ranges)
}

func (sp *Split) candidateRows() ([][2]int64, error) {
	e := sp.snap.e
	cf, err := e.files.acquire(context.Background(), e.store, sp.files[0])
	if err != nil {
		return nil, err
	}
	defer e.files.release(cf)
	return cf.pf.CandidateRows(pqfile.ReadOptions{MinTime: sp.tr.Min, MaxTime: sp.tr.Max, Tags: sp.files[0].tagFilters(sp.tags), Sample: sp.snap.sample.of(sp.files[0].ID)})
}

// fileWindows cuts a one-file split whose readable rows are ranges (sorted,
// disjoint file row ranges) into windows of about splitRows of those rows,
// in file order. Windows span from a range's row to another's, so rows
// between ranges fall in windows too; the reader skips them again.
func fileWindows(sp *Split, ranges [][2]int64) []*Split {
	var total int64
	for _, r := range ranges {
		total += r[1] - r[0]
	}
	parts := max(total/splitRows, 1)
	// cut returns the file row of candidate row k (0 <= k < total).
	cut := func(k int64) int64 {
		for _, r := range ranges {
			if n := r[1] - r[0]; k < n {
				return r[0] + k
			} else {
				k -= n
			}
		}
		return ranges[len(ranges)-1][1]
	}
	out := make([]*Split, parts)
	lo := ranges[0][0]
	for i := range parts {
		hi := ranges[len(ranges)-1][1]
		if i+1 < parts {
			hi = cut(total * (i + 1) / parts)
		}
		w := *sp
		w.rows = [2]int64{lo, hi}
		w.est = total*(i+1)/parts - total*i/parts
		out[i] = &w
		lo = hi
	}
	return out
}

// EstimatedRows is about how many rows reading the split involves: a
// window's candidate rows, a file's rows, or a merge's sources' rows.
func (sp *Split) EstimatedRows() int64 {
	if sp.est > 0 {
		return sp.est
	}
	var n int64
	for _, f := range sp.files {
		n += f.Rows
	}
	for _, r := range sp.bufs {
		n += r.rec.NumRows()
	}
	return n
}

func (sp *Split) minTime() int64 {
	lo := int64(maxTime)
	for _, f := range sp.files {
		lo = min(lo, f.MinTime)
	}
	for _, r := range sp.bufs {
		lo = min(lo, r.minTime)
	}
	return max(lo, sp.tr.Min)
}

const maxTime = int64(^uint64(0) >> 1)

func outputSchema(t *TableMeta, columns []string) (*arrow.Schema, error) {
	cols := t.Columns
	if columns != nil {
		cols = make([]ColumnMeta, 0, len(columns))
		for _, name := range columns {
			c, ok := t.Column(name)
			if !ok {
				names := make([]string, len(t.Columns))
				for i, c := range t.Columns {
					names[i] = c.Name
				}
				return nil, &Error{Code: CodeNotFound, Msg: fmt.Sprintf("column %q does not exist in table %q", name, t.Name), Hint: suggest(name, names)}
			}
			cols = append(cols, c)
		}
	}
	return tableArrowSchema(cols), nil
}

// withAllTags returns schema plus the table's time and tag columns it lacks.
func withAllTags(schema *arrow.Schema, t *TableMeta) *arrow.Schema {
	fields := slices.Clone(schema.Fields())
	for _, c := range t.Columns {
		if (c.Type == TypeTag || c.Type == TypeTime) && len(schema.FieldIndices(c.Name)) == 0 {
			fields = append(fields, arrow.Field{Name: c.Name, Type: ArrowType(c.Type), Nullable: c.Type != TypeTime})
		}
	}
	return arrow.NewSchema(fields, nil)
}

// Schema is the schema of every record the snapshot yields.
func (s *Snapshot) Schema() *arrow.Schema { return s.schema }

// Splits returns the snapshot's independently readable parts, in time order
// of their first rows (splits may overlap in time but never repeat a row).
func (s *Snapshot) Splits() []*Split { return s.splits }

// Release lets the files of the snapshot go. Readers must be released first.
func (s *Snapshot) Release() {
	s.once.Do(func() {
		files := make([]*FileMeta, len(s.files))
		for i, id := range s.files {
			files[i] = &FileMeta{ID: id}
		}
		s.e.unref(files)
		for _, sp := range s.splits {
			for _, r := range sp.bufs {
				r.rec.Release()
			}
		}
	})
}

// Reader reads every split in turn.
func (s *Snapshot) Reader(ctx context.Context) RecordReader {
	return &chainReader{ctx: ctx, splits: s.splits}
}

type chainReader struct {
	ctx    context.Context
	splits []*Split
	cur    RecordReader
	err    error
}

func (c *chainReader) Next() bool {
	for c.err == nil {
		if c.cur != nil {
			if c.cur.Next() {
				return true
			}
			c.err = c.cur.Err()
			c.cur.Release()
			c.cur = nil
			continue
		}
		if len(c.splits) == 0 {
			return false
		}
		c.cur, c.err = c.splits[0].Open(c.ctx)
		c.splits = c.splits[1:]
	}
	return false
}

func (c *chainReader) Record() arrow.Record { return c.cur.Record() }
func (c *chainReader) Err() error           { return c.err }
func (c *chainReader) Release() {
	if c.cur != nil {
		c.cur.Release()
		c.cur = nil
	}
}

// Day returns the UTC day (days since 1970-01-01) of the split's partition.
func (sp *Split) Day() int64 { return sp.day }

// Open starts reading the split.
func (sp *Split) Open(ctx context.Context) (RecordReader, error) {
	switch {
	case sp.merge:
		return sp.openMerge(ctx)
	case len(sp.files) == 0:
		return sp.openBuffered(ctx), nil
	}
	return sp.snap.e.openFile(ctx, sp.files[0], sp.snap.schema, sp.tr, sp.tags, sp.rows, sp.snap.sample.of(sp.files[0].ID), false)
}

// openMerge reads every source of the split, merges and deduplicates them.
func (sp *Split) openMerge(ctx context.Context) (RecordReader, error) {
	var sources []arrow.Record
	release := func() {
		for _, r := range sources {
			r.Release()
		}
	}
	for _, f := range sp.files {
		recs, err := sp.snap.e.readFile(ctx, f, sp.mergeSchema, sp.tr, sp.tags, false)
		if err != nil {
			release()
			return nil, err
		}
		sources = append(sources, recs...)
	}
	fileRecs := len(sources)
	for _, r := range sp.bufs {
		sources = append(sources, r.rec)
	}
	merged, err := mergeDedup(sp.mergeSchema, sources, persistChunkRows, sp.tr)
	for _, r := range sources[:fileRecs] {
		r.Release()
	}
	if err != nil {
		return nil, fmt.Errorf("read day %s: %w", dayName(sp.day), err)
	}
	out := make([]arrow.Record, 0, len(merged))
	blocks := sp.snap.sample.of(mergeSource ^ uint64(sp.tr.Min))
	for i, r := range merged {
		if blocks == nil || blocks.Keeps(uint64(sp.day), uint64(i)) {
			out = append(out, conform(r, sp.snap.schema))
		}
		r.Release()
	}
	return &sliceReader{ctx: ctx, recs: out}, nil
}

// sliceReader yields records it owns.
type sliceReader struct {
	ctx  context.Context
	recs []arrow.Record
	cur  arrow.Record
	err  error
}

func (s *sliceReader) Next() bool {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	if s.err = s.ctx.Err(); s.err != nil || len(s.recs) == 0 {
		return false
	}
	s.cur, s.recs = s.recs[0], s.recs[1:]
	return true
}

func (s *sliceReader) Record() arrow.Record { return s.cur }
func (s *sliceReader) Err() error           { return s.err }
func (s *sliceReader) Release() {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	for _, r := range s.recs {
		r.Release()
	}
	s.recs = nil
}

// conform returns rec with exactly schema's columns: matching columns by
// name, null columns where rec has none.
func conform(rec arrow.Record, schema *arrow.Schema) arrow.Record {
	if rec.Schema().Equal(schema) {
		rec.Retain()
		return rec
	}
	n := int(rec.NumRows())
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		if idx := rec.Schema().FieldIndices(f.Name); len(idx) > 0 {
			cols[i] = rec.Column(idx[0])
			cols[i].Retain()
		} else {
			cols[i] = nullArray(f.Type, n)
		}
	}
	out := array.NewRecord(schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return out
}

// nullArray returns an array of n nulls of a stored column type.
func nullArray(dt arrow.DataType, n int) arrow.Array {
	if dt.ID() != arrow.DICTIONARY {
		return array.MakeArrayOfNull(memory.DefaultAllocator, dt, n)
	}
	valid := make([]byte, (n+7)/8)
	codes := make([]int32, n)
	data := array.NewData(dt, n, []*memory.Buffer{memory.NewBufferBytes(valid), memory.NewBufferBytes(sliceBytes(codes))}, nil, n, 0)
	defer data.Release()
	return newDictArray(data) // with a one-entry dictionary
}

// TimeBounds returns the smallest and largest time a table's files and
// buffered writes may hold and how many rows they hold, from their metadata
// alone (rows since replaced or deduplicated, or of a file or write only
// partly past retention, may still count); ok is false when the table
// holds no rows or does not exist.
func (e *Engine) TimeBounds(db, table string) (lo, hi, rows int64, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return 0, 0, 0, false
	}
	see := func(a, b, n int64) {
		rows += n
		if !ok {
			lo, hi, ok = a, b, true
			return
		}
		lo, hi = min(lo, a), max(hi, b)
	}
	// Files and writes wholly past retention are hidden already.
	cutoff := e.retentionCutoffLocked(db, t)
	for _, f := range t.Files {
		if f.MaxTime >= cutoff {
			see(f.MinTime, f.MaxTime, f.Rows)
		}
	}
	e.bufferedLocked(db, table, func(_ int64, r bufRec) {
		if r.maxTime >= cutoff {
			see(r.minTime, r.maxTime, r.rec.NumRows())
		}
	})
	return lo, hi, rows, ok
}

// bufferedLocked calls f for each buffered record of a table (frozen
// buffers first, then the active one) with its partition's day; e.mu held.
func (e *Engine) bufferedLocked(db, table string, f func(day int64, r bufRec)) {
	for _, b := range append(slices.Clone(e.frozen), e.active) {
		for key, part := range b.parts {
			if key.db != db || key.table != table {
				continue
			}
			for _, r := range part.recs {
				f(key.day, r)
			}
		}
	}
}
