package storage

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/storage/pqfile"
)

// Replace puts batch's rows (rows of table; nil for none) in place of every
// row table holds of time in tr (the zero range: all of them), as one
// change: a materialized view's refresh. The write buffer is persisted
// first, as for Delete; batch's rows are then written as new files, one
// per day, each day's files the rows of tr are deleted from are rewritten
// as Delete rewrites them, and all of it is put in the catalog in one
// commit. A query sees the table as it was or as replaced, never a mix; a
// crash or an error before the commit leaves it as it was (the new files
// are removed at the next start), a crash after it as replaced. The rows
// do not pass through the WAL: the commit is their durability. Rows of a
// day past the table's retention are not stored. A write acknowledged
// while Replace runs is not touched. It returns how many rows it removed;
// every time in batch must lie in tr.
func (e *Engine) Replace(ctx context.Context, db, table string, tr TimeRange, batch *TableBatch, opts WriteOptions) (int64, error) {
	if tr == (TimeRange{}) {
		tr = allTime
	}
	if batch != nil && batch.Rows == 0 {
		batch = nil
	}
	if batch != nil {
		if batch.Table != table {
			return 0, fmt.Errorf("replace %q: the rows are of table %q", table, batch.Table)
		}
		if err := checkBatchNames(batch); err != nil {
			return 0, err
		}
		if err := batch.Validate(); err != nil {
			return 0, fmt.Errorf("replace %q: %w", table, err)
		}
		if err := batch.checkTimes(); err != nil {
			return 0, fmt.Errorf("replace %q: %w", table, err)
		}
		e.roundTimes(db, []*TableBatch{batch})
		for _, ts := range batch.Time {
			if !tr.Contains(ts) {
				return 0, fmt.Errorf("replace %q: a row's time %d lies outside the range replaced [%d, %d)", table, ts, tr.Min, tr.Max)
			}
		}
	}
	if err := e.persistTable(ctx, db, table); err != nil {
		return 0, err
	}
	e.compactMu.Lock()
	defer e.compactMu.Unlock()

	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return 0, &Error{Code: CodeClosed, Msg: "the storage engine is shutting down"}
	}
	t, err := e.tableLocked(db, table)
	if err == nil {
		err = e.writableLocked(db, table, opts)
	}
	if err == nil && batch != nil {
		err = e.addSchemaLocked(db, []*TableBatch{batch})
	}
	if err != nil {
		e.mu.Unlock()
		return 0, err
	}
	schema := tableArrowSchema(t.Columns)
	var parts map[int64]*TableBatch
	if batch != nil {
		parts = batch.splitByDay()
	}
	cutoff := e.retentionCutoffLocked(db, t)
	var days []int64
	for day := range parts {
		if (day+1)*nanosPerDay-1 >= cutoff {
			days = append(days, day)
		}
	}
	slices.Sort(days)
	firstID := e.cat.NextFileID
	e.cat.NextFileID += uint64(len(days))
	now := e.opts.Now().UnixNano()
	e.mu.Unlock()

	// Before the files are written: toRecord rewrites the null tag codes.
	stale := staleRows(tr, batch, t.Columns)

	var built []*builtJob
	defer func() {
		for _, b := range built {
			e.unref(b.job.files)
		}
	}()
	fail := func(err error) (int64, error) {
		for _, b := range built {
			e.doomOuts(b.outs)
		}
		return 0, err
	}
	var rows int64
	for i, day := range days {
		key := partKey{db: db, table: table, day: day}
		rec := parts[day].toRecord()
		meta, err := e.writeFile(ctx, key, firstID+uint64(i), schema, []arrow.Record{rec}, pqfile.Zstd, 0)
		rec.Release()
		if err != nil {
			return fail(err)
		}
		meta.FirstWrite = now
		rows += meta.Rows
		// A job of no files: installing it adds its output.
		built = append(built, &builtJob{job: compactJob{key: key}, outs: []*FileMeta{meta}})
	}
	jobs, err := e.rewriteJobs(db, table, tr, rewriteFn{match: stale})
	if err != nil {
		return fail(err)
	}
	if err := e.buildAll(ctx, jobs, &built); err != nil {
		return 0, err
	}
	var st CompactStats
	if err := e.install(ctx, built, &st); err != nil {
		return 0, err
	}
	e.stats.rowsWritten.Add(uint64(rows))
	return st.RowsDeleted, nil
}

// staleRows matches the rows of time in tr that batch's rows (nil: none)
// do not replace: those of a key (time and tags) none of them has, and
// those whose row there lacks a value of one of the table's fields (cols),
// as the newer row's NULL would not hide the older value (mergeDedup). The
// others are left for the newer file's rows to win over.
func staleRows(tr TimeRange, batch *TableBatch, cols []ColumnMeta) RowMatch {
	var tags []string
	var fields []*FieldColumn
	for _, c := range cols {
		switch {
		case c.Type == TypeTag:
			tags = append(tags, c.Name)
		case c.Type.IsField() && batch != nil:
			fields = append(fields, batch.Column(c.Name))
		}
	}
	whole := map[string]bool{}
	if batch != nil {
	rows:
		for i, key := range batch.RowKeys(tags) {
			for _, f := range fields {
				if f == nil || !f.IsValid(i) {
					continue rows
				}
			}
			whole[key] = true
		}
	}
	return func(rec arrow.Record) ([]bool, error) {
		keyOf, err := RecordKeys(rec, tags)
		if err != nil {
			return nil, err
		}
		out := make([]bool, rec.NumRows())
		var key []byte
		for i, ts := range timestamps(rec.Column(0)) {
			if tr.Contains(ts) {
				key = keyOf(key[:0], i)
				out[i] = !whole[string(key)]
			}
		}
		return out, nil
	}
}
