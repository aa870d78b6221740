package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

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

// EnforceRetention deletes the files whose every row is past its database's
// retention period and returns how many it deleted. Queries stop seeing
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
		cutoff := e.retentionCutoffLocked(db.Name)
		if cutoff == minTime {
			continue
		}
		for _, t := range db.Tables {
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
	FilesIn           int
	RowsIn, RowsOut   int64
	BytesIn, BytesOut int64
}

type compactJob struct {
	key   partKey
	files []*FileMeta
}

// Compact merges the files of each partition that qualifies into one sorted,
// deduplicated, zstd-compressed file. A partition qualifies with two or more
// files when it has CompactMinFiles files, when no file reached it for
// CompactDelay, or always with force. The merge is done in memory, so a
// partition over CompactMaxRows rows merges runs of consecutive files of up
// to that many rows each instead (compactGroups).
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
			byDay := map[int64][]*FileMeta{}
			var days []int64
			for _, f := range t.Files {
				if byDay[f.Day] == nil {
					days = append(days, f.Day)
				}
				byDay[f.Day] = append(byDay[f.Day], f)
			}
			for _, day := range days {
				files := byDay[day]
				if len(files) < 2 {
					continue
				}
				var rows, newest int64
				for _, f := range files {
					rows += f.Rows
					newest = max(newest, f.Created)
				}
				quiet := now-newest >= int64(e.opts.CompactDelay)
				if !(force || quiet || len(files) >= e.opts.CompactMinFiles) {
					continue
				}
				key := partKey{db: db.Name, table: t.Name, day: day}
				if rows <= e.opts.CompactMaxRows {
					jobs = append(jobs, compactJob{key: key, files: files})
					continue
				}
				for _, g := range compactGroups(files, e.opts.CompactMaxRows) {
					jobs = append(jobs, compactJob{key: key, files: g})
				}
			}
		}
	}
	return jobs
}

// compactGroups cuts the files of a partition too large to merge at once
// (sorted by Order, as a table's files are) into runs of consecutive files
// of at most maxRows rows together, and returns the runs of two or more. A
// run merged into one file with the run's largest Order keeps every key's
// newest value: no file outside the run has an Order between its files'.
// Files persisted one after the other thus join into files of up to
// maxRows rows, which overlap only at their edges, instead of staying one
// file per persist.
func compactGroups(files []*FileMeta, maxRows int64) [][]*FileMeta {
	var out [][]*FileMeta
	start, rows := 0, int64(0)
	for i, f := range files {
		if i > start && rows+f.Rows > maxRows {
			if i-start >= 2 {
				out = append(out, files[start:i])
			}
			start, rows = i, 0
		}
		rows += f.Rows
	}
	if len(files)-start >= 2 {
		out = append(out, files[start:])
	}
	return out
}

func (e *Engine) compactPartition(ctx context.Context, job compactJob, st *CompactStats) error {
	e.mu.Lock()
	t := e.liveTableLocked(job.key.db, job.key.table)
	if t == nil {
		e.mu.Unlock()
		return nil
	}
	schema := tableArrowSchema(t.Columns)
	id := e.cat.NextFileID
	e.cat.NextFileID++
	e.refMu.Lock()
	for _, f := range job.files {
		e.refs[f.ID]++
	}
	e.refMu.Unlock()
	e.mu.Unlock()
	defer e.unref(job.files)

	var sources []arrow.Record
	defer func() {
		for _, r := range sources {
			r.Release()
		}
	}()
	var order uint64
	first := int64(0)
	for _, f := range job.files {
		recs, err := e.readFile(ctx, f, schema, allTime, nil, true)
		if err != nil {
			return fmt.Errorf("compact: %w", err)
		}
		sources = append(sources, recs...)
		order = max(order, f.Order)
		if first == 0 || f.firstWrite() < first {
			first = f.firstWrite()
		}
	}
	meta, err := e.writeFile(ctx, job.key, id, schema, sources, pqfile.Zstd, 1)
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	meta.Order = order
	meta.FirstWrite = first // the day's chunk was created by its first write, not by the compaction

	e.mu.Lock()
	defer e.mu.Unlock()
	t = e.liveTableLocked(job.key.db, job.key.table)
	ids := map[uint64]bool{}
	for _, f := range job.files {
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
	if present != len(job.files) { // dropped or expired meanwhile
		e.doomLocked(meta)
		return nil
	}
	t.removeFiles(ids)
	t.addFile(meta)
	if err := e.cat.commit(ctx, e.store); err != nil {
		t.removeFiles(map[uint64]bool{meta.ID: true})
		for _, f := range job.files {
			t.addFile(f)
		}
		e.doomLocked(meta)
		return err
	}
	e.refMu.Lock()
	for _, f := range job.files {
		st.FilesIn++
		st.RowsIn += f.Rows
		st.BytesIn += f.Size
		e.doomed[f.ID] = f.Key // deleted by unref once no snapshot reads it
	}
	e.refMu.Unlock()
	e.stats.compactions.Add(1)
	st.Partitions++
	st.RowsOut += meta.Rows
	st.BytesOut += meta.Size
	return nil
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
