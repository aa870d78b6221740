package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/storage/pqfile"
)

// maintenanceLoop applies retention and compacts partitions in the
// background.
func (e *Engine) maintenanceLoop() {
	defer e.wg.Done()
	tick := time.NewTicker(e.opts.MaintenanceInterval)
	defer tick.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-tick.C:
		}
		ctx := context.Background()
		if _, err := e.EnforceRetention(ctx); err != nil {
			e.log.Error("retention failed; it will be retried", "error", err)
		}
		if _, err := e.Compact(ctx, false); err != nil {
			e.log.Error("compaction failed; it will be retried", "error", err)
		}
	}
}

// EnforceRetention deletes the files whose every row is past its table's
// retention period (its own, else its database's) and returns how many it
// deleted. Queries stop seeing
// expired rows as soon as they expire, whether or not this has run.
func (e *Engine) EnforceRetention(ctx context.Context) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	type expired struct {
		t     *TableMeta
		files []*FileMeta
	}
	var all []expired
	for _, db := range e.cat.Databases {
		for _, t := range db.Tables {
			cutoff := e.retentionCutoffLocked(db.Name, t)
			if cutoff == minTime {
				continue
			}
			var files []*FileMeta
			for _, f := range t.Files {
				if f.MaxTime < cutoff {
					files = append(files, f)
				}
			}
			if len(files) > 0 {
				all = append(all, expired{t, files})
			}
		}
	}
	if len(all) == 0 {
		return 0, nil
	}
	n := 0
	for _, x := range all {
		ids := map[uint64]bool{}
		for _, f := range x.files {
			ids[f.ID] = true
		}
		x.t.removeFiles(ids)
		n += len(x.files)
	}
	if err := e.cat.commit(ctx, e.store); err != nil {
		for _, x := range all {
			for _, f := range x.files {
				x.t.addFile(f)
			}
		}
		return 0, err
	}
	for _, x := range all {
		for _, f := range x.files {
			e.doomLocked(f)
		}
	}
	e.stats.retentionDeleted.Add(uint64(n))
	e.log.Info("retention removed expired files", "files", n)
	return n, nil
}

// CompactStats describe one compaction run.
type CompactStats struct {
	Partitions        int
	FilesIn, FilesOut int
	RowsIn, RowsOut   int64
	BytesIn, BytesOut int64
	// RowsDeleted are the rows a Delete's rewrites removed (an Update's:
	// changed).
	RowsDeleted int64
}

type compactJob struct {
	key partKey
	compactPlan
	// rewrite, for a Delete or an Update, is what becomes of the merged
	// rows; a job that removes or changes none changes nothing.
	rewrite *rewriteFn
}

// Compact merges the files of each partition that qualifies into one sorted,
// deduplicated, zstd-compressed file. Files qualify, two or more together,
// when there are CompactMinFiles of them, when no file reached them for
// CompactDelay, or always with force. The merge is done in memory, so a
// partition over CompactMaxRows rows is compacted in spans of time of about
// that many rows each, into files whose times do not overlap (planLarge).
func (e *Engine) Compact(ctx context.Context, force bool) (CompactStats, error) {
	e.compactMu.Lock()
	defer e.compactMu.Unlock()
	var st CompactStats
	for _, job := range e.compactJobs(force) {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if err := e.compactPartition(ctx, job, &st); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (e *Engine) compactJobs(force bool) []compactJob {
	e.mu.RLock()
	defer e.mu.RUnlock()
	now := e.opts.Now().UnixNano()
	var jobs []compactJob
	for _, db := range e.cat.Databases {
		for _, t := range db.Tables {
			days, byDay := filesByDay(t.Files)
			for _, day := range days {
				files := byDay[day]
				if len(files) < 2 {
					continue
				}
				var rows int64
				for _, f := range files {
					rows += f.Rows
				}
				plans := []compactPlan{{files: files}}
				if rows > e.opts.CompactMaxRows {
					plans = planLarge(files, e.opts.CompactMaxRows)
				}
				for _, p := range plans {
					var newest int64
					for _, f := range p.files {
						newest = max(newest, f.Created)
					}
					quiet := now-newest >= int64(e.opts.CompactDelay)
					if force || quiet || len(p.files) >= e.opts.CompactMinFiles {
						jobs = append(jobs, compactJob{key: partKey{db: db.Name, table: t.Name, day: day}, compactPlan: p})
					}
				}
			}
		}
	}
	return jobs
}

// compactPartition carries out one job: it merges the job's files over
// each of its spans into a file (a span none of them has rows in gives
// none) and puts the outputs in place of the inputs in one catalog commit.
func (e *Engine) compactPartition(ctx context.Context, job compactJob, st *CompactStats) error {
	b, err := e.buildJob(ctx, job)
	if err != nil || b == nil {
		return err
	}
	defer e.unref(job.files)
	return e.install(ctx, []*builtJob{b}, st)
}

// builtJob is a job carried out but not yet committed: its outputs are
// written, not in the catalog, and its files are held (referenced) until
// the caller unrefs them.
type builtJob struct {
	job compactJob
	// outs are the files written; deleted is how many rows a rewrite
	// removed or changed.
	outs    []*FileMeta
	deleted int64
}

// buildJob merges the job's files over each of its spans into a file (a
// span none of them has rows in gives none). It returns nil, holding
// nothing, when the table is gone or a rewrite removed or changed no row
// (its outputs are deleted: the files stay as they are); otherwise the
// caller installs the outputs or dooms them, and unrefs the job's files.
func (e *Engine) buildJob(ctx context.Context, job compactJob) (*builtJob, error) {
	e.mu.Lock()
	t := e.liveTableLocked(job.key.db, job.key.table)
	if t == nil {
		e.mu.Unlock()
		return nil, nil
	}
	schema := tableArrowSchema(t.Columns)
	e.refMu.Lock()
	for _, f := range job.files {
		e.refs[f.ID]++
	}
	e.refMu.Unlock()
	e.mu.Unlock()
	b := &builtJob{job: job}
	fail := func(err error) (*builtJob, error) {
		e.doomOuts(b.outs)
		e.unref(job.files)
		return nil, fmt.Errorf("compact: %w", err)
	}

	var cuts []int64
	if job.cut {
		h, err := e.countTimes(ctx, job.files, schema)
		if err != nil {
			return fail(err)
		}
		cuts = cutTimes(job.files, h, job.maxRows)
	}
	spans := spans(cuts)
	e.mu.Lock()
	firstID := e.cat.NextFileID
	e.cat.NextFileID += uint64(len(spans))
	e.mu.Unlock()

	var order uint64
	for _, f := range job.files {
		order = max(order, f.Order)
	}
	for i, span := range spans {
		meta, err := e.compactSpan(ctx, job, schema, span, firstID+uint64(i), &b.deleted)
		if err != nil {
			return fail(err)
		}
		if meta != nil {
			meta.Order = order
			b.outs = append(b.outs, meta)
		}
	}
	if job.rewrite != nil && b.deleted == 0 {
		e.doomOuts(b.outs) // nothing removed or changed here: the files stay
		e.unref(job.files)
		return nil, nil
	}
	return b, nil
}

// doomOuts deletes files written by a job that is not committed.
func (e *Engine) doomOuts(outs []*FileMeta) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, m := range outs {
		e.doomLocked(m)
	}
}

// install puts each built job's outputs in place of its files, all in one
// catalog commit, so a crash or an error leaves either every job's
// partition as it was or every one as built. A job whose files are not all
// in its table any more (the table dropped, or the files expired
// meanwhile) is left out and its outputs deleted. The caller still unrefs
// the jobs' files.
func (e *Engine) install(ctx context.Context, built []*builtJob, st *CompactStats) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	type swap struct {
		t     *TableMeta
		b     *builtJob
		inIDs map[uint64]bool
	}
	var swaps []swap
	for _, b := range built {
		t := e.liveTableLocked(b.job.key.db, b.job.key.table)
		ids := map[uint64]bool{}
		for _, f := range b.job.files {
			ids[f.ID] = true
		}
		present := 0
		if t != nil {
			for _, f := range t.Files {
				if ids[f.ID] {
					present++
				}
			}
		}
		if t == nil || present != len(b.job.files) { // dropped or expired meanwhile
			for _, m := range b.outs {
				e.doomLocked(m)
			}
			continue
		}
		swaps = append(swaps, swap{t: t, b: b, inIDs: ids})
	}
	if len(swaps) == 0 {
		return nil
	}
	for _, s := range swaps {
		s.t.removeFiles(s.inIDs)
		for _, m := range s.b.outs {
			s.t.addFile(m)
		}
	}
	if err := e.cat.commit(ctx, e.store); err != nil {
		for i := len(swaps) - 1; i >= 0; i-- {
			s := swaps[i]
			outIDs := map[uint64]bool{}
			for _, m := range s.b.outs {
				outIDs[m.ID] = true
			}
			s.t.removeFiles(outIDs)
			for _, f := range s.b.job.files {
				s.t.addFile(f)
			}
			for _, m := range s.b.outs {
				e.doomLocked(m)
			}
		}
		return err
	}
	e.refMu.Lock()
	defer e.refMu.Unlock()
	for _, s := range swaps {
		for _, f := range s.b.job.files {
			st.FilesIn++
			st.RowsIn += f.Rows
			st.BytesIn += f.Size
			e.doomed[f.ID] = f.Key // deleted by unref once no snapshot reads it
		}
		if len(s.b.job.files) > 0 { // not a Replace's new rows
			e.stats.compactions.Add(1)
			st.Partitions++
		}
		st.RowsDeleted += s.b.deleted
		for _, m := range s.b.outs {
			st.FilesOut++
			st.RowsOut += m.Rows
			st.BytesOut += m.Size
		}
	}
	return nil
}

// countTimes counts the rows of files by time, reading their time column.
func (e *Engine) countTimes(ctx context.Context, files []*FileMeta, schema *arrow.Schema) (*timeHistogram, error) {
	lo, hi := files[0].MinTime, files[0].MaxTime
	for _, f := range files {
		lo, hi = min(lo, f.MinTime), max(hi, f.MaxTime)
	}
	h := newTimeHistogram(lo, hi)
	timeOnly := arrow.NewSchema(schema.Fields()[:1], nil)
	for _, f := range files {
		rr, err := e.openFile(ctx, f, timeOnly, allTime, nil, [2]int64{}, nil, true)
		if err != nil {
			return nil, err
		}
		for rr.Next() {
			h.add(rr.Record().Column(0).(*array.Timestamp).Values())
		}
		err = rr.Err()
		rr.Release()
		if err != nil {
			return nil, err
		}
	}
	return h, nil
}

// compactSpan merges the rows of the job's files in span into the file id,
// or returns nil when none of them has rows there. A Delete's or Update's
// job rewrites the merged rows, adding the rows it removed or changed to
// deleted.
func (e *Engine) compactSpan(ctx context.Context, job compactJob, schema *arrow.Schema, span TimeRange, id uint64, deleted *int64) (*FileMeta, error) {
	var sources []arrow.Record
	defer func() {
		for _, r := range sources {
			r.Release()
		}
	}()
	var rows, first int64
	for _, f := range job.files {
		if !span.Overlaps(f.MinTime, f.MaxTime) {
			continue
		}
		recs, err := e.readFile(ctx, f, schema, span, nil, true)
		if err != nil {
			return nil, err
		}
		sources = append(sources, recs...)
		for _, r := range recs {
			rows += r.NumRows()
		}
		if first == 0 || f.firstWrite() < first {
			first = f.firstWrite()
		}
	}
	if rows > 0 && job.rewrite != nil {
		merged, err := mergeDedup(schema, sources, persistChunkRows, span)
		if err != nil {
			return nil, err
		}
		for _, r := range sources {
			r.Release()
		}
		var removed int64
		sources, removed, err = job.rewrite.apply(merged)
		if err != nil {
			return nil, err
		}
		*deleted += removed
		rows = 0
		for _, r := range sources {
			rows += r.NumRows()
		}
	}
	if rows == 0 {
		return nil, nil
	}
	meta, err := e.writeFile(ctx, job.key, id, schema, sources, pqfile.Zstd, 1)
	if err != nil {
		return nil, err
	}
	meta.FirstWrite = first // the day's chunk was created by its first write, not by the compaction
	return meta, nil
}

// unref drops references taken on files and deletes the doomed ones no
// longer read.
func (e *Engine) unref(files []*FileMeta) {
	e.refMu.Lock()
	defer e.refMu.Unlock()
	for _, f := range files {
		e.refs[f.ID]--
		if e.refs[f.ID] > 0 {
			continue
		}
		delete(e.refs, f.ID)
		if key, ok := e.doomed[f.ID]; ok {
			delete(e.doomed, f.ID)
			e.doomRefLocked(&FileMeta{ID: f.ID, Key: key})
		}
	}
}
