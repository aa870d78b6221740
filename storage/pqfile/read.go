package pqfile

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DefaultBatchRows is the default number of rows of a record read.
const DefaultBatchRows = 64 << 10

// ReadOptions configure a Reader. The zero value reads every row and column.
type ReadOptions struct {
	// Columns are the columns to read, in this order; nil reads all, in file
	// order. Names the file does not have are skipped: the caller fills them.
	Columns []string
	// MinTime and MaxTime bound the rows read to times in [MinTime, MaxTime),
	// exactly. Both zero means no bound.
	MinTime, MaxTime int64
	// Tags prune row groups and pages whose statistics rule out every value
	// of a filter (all filters must hold). Rows are not filtered one by one:
	// the caller still filters. A filter on a column the file lacks, or with
	// no values, matches nothing.
	Tags []TagFilter
	// BatchRows is the largest number of rows of a record (default
	// DefaultBatchRows). A record never spans two row groups.
	BatchRows int
	// Alloc allocates every Arrow buffer (default memory.DefaultAllocator).
	Alloc memory.Allocator
	// RowStart and RowEnd restrict the read to the file's rows
	// [RowStart, RowEnd) (row numbers across row groups, in file order), so
	// that parts of one file can be read in parallel. RowEnd 0: no window.
	RowStart, RowEnd int64
	// NoCacheFill: pages found in the file's page cache are used, pages
	// read are not added (a compaction reading files about to go).
	NoCacheFill bool
	// Sample, when set, reads only the pages (blocks of rows the columns
	// share) it keeps: TABLESAMPLE SYSTEM.
	Sample *BlockSample
}

// BlockSample keeps each block of rows with probability Fraction, by a
// hash of Seed and the block's place: the same seed keeps the same blocks
// of the same data.
type BlockSample struct {
	Fraction float64
	Seed     uint64
}

// Keeps reports whether the sample keeps the block that a and b name (a
// page: its row group and index in the file; a buffered write: its
// sequence number).
func (s *BlockSample) Keeps(a, b uint64) bool {
	limit := s.Fraction * (1 << 64)
	if limit >= 1<<64 {
		return true
	}
	return Mix64(Mix64(s.Seed^a)^b) < uint64(limit)
}

// Mix64 is splitmix64's finalizer: every bit of x moves every bit of the
// result. Samples hash with it (blocks here, rows in exec's __sample).
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}

// TagFilter keeps rows whose tag Column equals one of Values.
type TagFilter struct {
	Column string
	Values []string
}

// ReadStats count the work a Reader did and avoided. Pages are counted per
// column chunk read.
type ReadStats struct {
	RowGroupsRead, RowGroupsSkipped int
	PagesRead, PagesSkipped         int
	PagesCached                     int   // pages used from the page cache (not read)
	Rows                            int64 // rows returned
}

// Reader reads a File as a stream of Arrow records. It is used by one
// goroutine; Release it when done.
type Reader struct {
	f         *File
	ctx       context.Context
	alloc     memory.Allocator
	batchRows int
	pr        pruner
	schema    *arrow.Schema
	out       []int // indices into f.cols of the output columns
	groups    []int // row groups left to read
	noFill    bool
	// single: each batch is one run of rows within one page, so columns of
	// cached pages are returned in place (zero-copy) instead of copied.
	single bool

	// State of the current row group; cursors is nil between row groups.
	ranges   []rowRange
	ri       int
	pos      int64
	cursors  []*cursor // parallel to out; nil for the time column when filtering
	timeCur  *cursor   // the time column's cursor when filtering by time
	timeOut  int       // position of the time column in out, or -1
	builders []*builder
	runs     []rowRange
	times    []int64 // scratch: times of the rows considered
	selTimes []int64 // times of the rows selected, when filtering by time
	runTimes []int64 // single: the run's times
	// runTimesView: runTimes is a view of the time page's own values (not
	// a copy in r.times, which the next run overwrites).
	runTimesView bool
	// shortRuns: the page's runs were short, so selectRun took all of them
	// (times in selTimes) for one copied record.
	shortRuns bool

	rec   arrow.Record
	err   error
	stats ReadStats
}

// NewReader returns a reader of the rows and columns opts select.
func (f *File) NewReader(ctx context.Context, opts ReadOptions) *Reader {
	r := &Reader{f: f, ctx: ctx, alloc: opts.Alloc, batchRows: opts.BatchRows, pr: newPruner(f, opts), timeOut: -1, noFill: opts.NoCacheFill}
	if r.alloc == nil {
		r.alloc = memory.DefaultAllocator
	}
	if r.batchRows <= 0 {
		r.batchRows = DefaultBatchRows
	}
	r.out = f.selectColumns(opts.Columns)
	fields := make([]arrow.Field, len(r.out))
	for i, c := range r.out {
		fields[i] = f.schema.Field(c)
		if c == f.timeCol {
			r.timeOut = i
		}
	}
	r.schema = arrow.NewSchema(fields, nil)
	r.single = f.cache != nil && !opts.NoCacheFill
	r.err = r.pruneRowGroups()
	return r
}

// pruneRowGroups lists the row groups to read.
func (r *Reader) pruneRowGroups() (err error) {
	defer recoverError(&err, "read statistics")
	for g := range r.f.pf.RowGroups() {
		if r.pr.keepRowGroup(g) {
			r.groups = append(r.groups, g)
		} else {
			r.stats.RowGroupsSkipped++
		}
	}
	return nil
}

// selectColumns returns the indices of the named columns the file has, in
// the order named, each once; all columns for nil.
func (f *File) selectColumns(names []string) []int {
	var out []int
	if names == nil {
		for i := range f.cols {
			out = append(out, i)
		}
		return out
	}
	seen := make(map[int]bool)
	for _, n := range names {
		for i, c := range f.cols {
			if c.name == n && !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	return out
}

// Schema returns the schema of the records.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Stats returns the counts of the work done so far.
func (r *Reader) Stats() ReadStats { return r.stats }

// Record returns the current record, valid until the next call to Next or
// Release (Retain it to keep it).
func (r *Reader) Record() arrow.Record { return r.rec }

// Err returns the error that ended the stream, if any.
func (r *Reader) Err() error { return r.err }

// Next advances to the next record; false at the end or on error.
func (r *Reader) Next() (ok bool) {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	if r.err != nil {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			r.err = fmt.Errorf("pqfile: read: corrupt file: %v", p)
			r.closeGroup()
			ok = false
		}
	}()
	for {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			return false
		}
		if r.builders == nil {
			if len(r.groups) == 0 {
				return false
			}
			r.openGroup(r.groups[0])
			r.groups = r.groups[1:]
		}
		rec, err := r.nextBatch()
		if err != nil {
			r.err = err
			r.closeGroup()
			return false
		}
		if rec != nil {
			r.rec = rec
			r.stats.Rows += rec.NumRows()
			return true
		}
		r.closeGroup()
	}
}

// Release releases the current record and every resource of the reader.
func (r *Reader) Release() {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	r.closeGroup()
	r.groups = nil
}

func (r *Reader) openGroup(g int) {
	r.stats.RowGroupsRead++
	r.ranges, r.ri, r.pos = r.pr.rowRanges(g), 0, 0
	r.cursors = make([]*cursor, len(r.out))
	r.builders = make([]*builder, len(r.out))
	for i, c := range r.out {
		r.builders[i] = newBuilder(r.f.cols[c].kind, r.alloc)
		if c == r.f.timeCol && r.pr.timeBound {
			continue
		}
		r.cursors[i] = newCursor(r.f, g, c, &r.stats, r.noFill)
	}
	if r.pr.timeBound {
		r.timeCur = newCursor(r.f, g, r.f.timeCol, &r.stats, r.noFill)
	}
}

func (r *Reader) closeGroup() {
	for _, c := range r.cursors {
		if c != nil {
			c.close()
		}
	}
	if r.timeCur != nil {
		r.timeCur.close()
	}
	for _, b := range r.builders {
		b.release()
	}
	r.cursors, r.timeCur, r.builders = nil, nil, nil
}

// nextBatch reads the next record of the current row group; nil at its end.
func (r *Reader) nextBatch() (arrow.Record, error) {
	if r.single {
		return r.nextRun()
	}
	n, err := r.selectRows()
	if err != nil || n == 0 {
		return nil, err
	}
	return r.copyBatch(n)
}

// copyBatch copies the n rows of r.runs (and, when filtering by time, their
// times in r.selTimes) into a record.
func (r *Reader) copyBatch(n int) (arrow.Record, error) {
	// Buffers hold exactly the rows selected: sized for a full batch, a
	// pruned read of a few pages allocated (and zeroed) 17 MB per 16k rows;
	// sized for the unpruned pages, a one-host hour still took 64 KB a column.
	for _, b := range r.builders {
		b.reset(n)
	}
	if r.timeOut >= 0 && r.pr.timeBound {
		r.builders[r.timeOut].appendInt64s(r.selTimes)
	}
	for i, c := range r.cursors {
		if c == nil {
			continue
		}
		if err := c.appendRuns(r.runs, r.builders[i]); err != nil {
			return nil, err
		}
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
	}
	cols := make([]arrow.Array, len(r.builders))
	for i, b := range r.builders {
		cols[i] = b.finish()
	}
	return newRecord(r.schema, cols, n), nil
}

// nextRun returns the next run of selected rows within one page as a
// record: columns whose page is cached (never released) and has no nulls
// are views of the page's values, the others are copied.
func (r *Reader) nextRun() (arrow.Record, error) {
	n, err := r.selectRun()
	if err != nil || n == 0 {
		return nil, err
	}
	if r.shortRuns {
		return r.copyBatch(n)
	}
	run := r.runs[0]
	cols := make([]arrow.Array, len(r.builders))
	for i, c := range r.cursors {
		if c == nil { // the time column of a time-filtered read
			if r.timeCur.cached && r.runTimesView {
				cols[i] = fixedArray(timeArrowType, asBytes(r.runTimes))
			} else {
				b := r.builders[i]
				b.reset(n)
				b.appendInt64s(r.runTimes)
				cols[i] = b.finish()
			}
			continue
		}
		a, err := c.view(run, r.alloc)
		if err != nil {
			releaseArrays(cols)
			return nil, err
		}
		if a == nil {
			b := r.builders[i]
			b.reset(n)
			if err := c.appendRuns(r.runs, b); err != nil {
				releaseArrays(cols)
				return nil, err
			}
			a = b.finish()
		}
		cols[i] = a
	}
	return newRecord(r.schema, cols, n), nil
}

func newRecord(schema *arrow.Schema, cols []arrow.Array, n int) arrow.Record {
	rec := array.NewRecordBatch(schema, cols, int64(n))
	releaseArrays(cols)
	return rec
}

func releaseArrays(cols []arrow.Array) {
	for _, a := range cols {
		if a != nil {
			a.Release()
		}
	}
}

// minViewRun is the shortest run of rows returned as a record of its own
// (views of cached pages): below it, the per-record cost downstream
// outweighs the copy it saves.
const minViewRun = 512

// selectRun sets r.runs to the next run of rows of the row group to return
// that lies within one page (at most batchRows), and r.runTimes to their
// times when filtering by time.
func (r *Reader) selectRun() (int, error) {
	r.runs = r.runs[:0]
	r.shortRuns = false
	page := r.timeCur
	if page == nil {
		for _, c := range r.cursors {
			if c != nil {
				page = c
				break
			}
		}
	}
	for r.ri < len(r.ranges) {
		rg := r.ranges[r.ri]
		start := max(r.pos, rg.start)
		if start >= rg.end {
			r.ri++
			continue
		}
		end := min(rg.end, start+int64(r.batchRows))
		if page != nil {
			// Columns are cut into pages at the same rows.
			if err := page.load(start); err != nil {
				return 0, err
			}
			end = min(end, page.end)
		}
		if !r.pr.timeBound {
			r.pos = end
			r.runs = append(r.runs, rowRange{start, end})
			return int(end - start), nil
		}
		if err := r.ctx.Err(); err != nil {
			return 0, err
		}
		times, view, err := r.timeCur.int64s(start, end, &r.times)
		if err != nil {
			return 0, err
		}
		i, j := r.timeRun(times, 0)
		if j > i && j-i < minViewRun && j < len(times) {
			// Short runs (many series with a few rows each in range): one
			// copied record for the rest of the page, not one per run.
			r.selTimes = r.selTimes[:0]
			r.pos = end
			r.shortRuns = true
			return r.filterTimes(start+int64(i), times[i:]), nil
		}
		r.pos = start + int64(j)
		if j > i {
			r.runs = append(r.runs, rowRange{start + int64(i), start + int64(j)})
			r.runTimes = times[i:j]
			r.runTimesView = view
			return j - i, nil
		}
	}
	return 0, nil
}

// selectRows fills r.runs with the next rows of the row group to return, at
// most batchRows: rows of the unpruned ranges whose time is in range. When
// filtering by time it also fills r.selTimes with their times, if the time
// column is selected.
func (r *Reader) selectRows() (int, error) {
	r.runs = r.runs[:0]
	r.selTimes = r.selTimes[:0]
	n := 0
	for n < r.batchRows && r.ri < len(r.ranges) {
		rg := r.ranges[r.ri]
		start := max(r.pos, rg.start)
		if start >= rg.end {
			r.ri++
			continue
		}
		end := min(rg.end, start+int64(r.batchRows-n))
		if r.pr.timeBound {
			// A page at a time: its times are read in place, not copied.
			if err := r.timeCur.load(start); err != nil {
				return 0, err
			}
			end = min(end, r.timeCur.end)
		}
		r.pos = end
		if !r.pr.timeBound {
			r.runs = append(r.runs, rowRange{start, end})
			n += int(end - start)
			continue
		}
		if err := r.ctx.Err(); err != nil {
			return 0, err
		}
		times, _, err := r.timeCur.int64s(start, end, &r.times)
		if err != nil {
			return 0, err
		}
		n += r.filterTimes(start, times)
	}
	return n, nil
}

// timeRun returns the first run [i, j) of times at or after from that lie
// in the time range (i == j == len(times) when none does).
func (r *Reader) timeRun(times []int64, from int) (i, j int) {
	lo, hi := r.pr.minTime, r.pr.maxTime
	if hi <= lo {
		return len(times), len(times)
	}
	// t is in [lo, hi) when t - lo, unsigned, is below hi - lo: one
	// comparison, with the bounds in registers.
	base, width := uint64(lo), uint64(hi)-uint64(lo)
	i = from
	for i < len(times) && uint64(times[i])-base >= width {
		i++
	}
	j = i
	for j < len(times) && uint64(times[j])-base < width {
		j++
	}
	return i, j
}

// filterTimes appends to r.runs the runs of rows from start whose times are
// in range, and their times to r.selTimes; it returns their count.
func (r *Reader) filterTimes(start int64, times []int64) int {
	n := 0
	for i, j := 0, 0; i < len(times); i = j {
		i, j = r.timeRun(times, i)
		if j > i {
			r.runs = append(r.runs, rowRange{start + int64(i), start + int64(j)})
			if r.timeOut >= 0 {
				r.selTimes = append(r.selTimes, times[i:j]...)
			}
			n += j - i
		}
	}
	return n
}
