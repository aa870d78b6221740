package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/storage/pqfile"
)

// persistChunkRows is the size of the sorted records a persist or compaction
// hands to the Parquet writer.
const persistChunkRows = 64 << 10

// persistLoop persists the write buffer when asked (size threshold, memory
// pressure) and when its oldest write passes FlushAge.
func (e *Engine) persistLoop() {
	defer e.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-e.flushCh:
		case <-tick.C:
			e.mu.RLock()
			old := e.active.rows > 0 && e.opts.Now().Sub(e.active.created) >= e.opts.FlushAge
			// Wake writers waiting for room so they notice cancelled
			// requests even while persists fail.
			e.room.Broadcast()
			e.mu.RUnlock()
			if !old {
				continue
			}
		}
		if err := e.Persist(context.Background()); err != nil {
			e.log.Error("persisting the write buffer failed; the rows stay in the WAL and the buffer, and it will be retried", "error", err)
		}
	}
}

// Persist writes everything in the write buffer to Parquet files, commits
// them to the catalog and truncates the WAL behind them.
func (e *Engine) Persist(ctx context.Context) error {
	e.persistMu.Lock()
	defer e.persistMu.Unlock()
	return e.persistLocked(ctx)
}

// persistLocked is Persist with e.persistMu held.
func (e *Engine) persistLocked(ctx context.Context) error {
	if err := e.freeze(); err != nil {
		return err
	}
	for {
		e.mu.RLock()
		var buf *buffer
		if len(e.frozen) > 0 {
			buf = e.frozen[0]
		}
		e.mu.RUnlock()
		if buf == nil {
			return nil
		}
		if err := e.persistBuffer(ctx, buf); err != nil {
			return err
		}
	}
}

// freeze makes the active buffer a frozen one and starts a new WAL segment,
// so that the frozen buffer's writes are exactly the closed segments.
func (e *Engine) freeze() error {
	e.gate.Lock()
	defer e.gate.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.active.rows == 0 {
		return nil
	}
	return e.freezeLocked()
}

// freezeLocked is freeze with e.gate and e.mu held, of the active buffer
// even when it holds no rows (drops emptied it, and the WAL must move past
// what they dropped).
func (e *Engine) freezeLocked() error {
	closed, err := e.wal.Rotate()
	if err != nil {
		return fmt.Errorf("persist: rotate WAL: %w", err)
	}
	e.active.walThrough = closed
	e.frozen = append(e.frozen, e.active)
	e.active = newBuffer()
	return nil
}

type persistedFile struct {
	db, table string
	meta      *FileMeta
}

// persistBuffer writes one frozen buffer's partitions and commits them.
func (e *Engine) persistBuffer(ctx context.Context, buf *buffer) error {
	start := time.Now()
	var files []persistedFile
	var rows int64
	for _, key := range sortedParts(buf) {
		f, err := e.persistPart(ctx, key, buf.parts[key])
		if err != nil {
			e.deleteUncommitted(files)
			return err
		}
		if f != nil {
			files = append(files, *f)
			rows += f.meta.Rows
		}
	}

	e.mu.Lock()
	prevPersisted := e.cat.WALPersisted
	for _, f := range files {
		if t := e.liveTableLocked(f.db, f.table); t != nil {
			t.addFile(f.meta)
		}
	}
	e.cat.WALPersisted = buf.walThrough
	if err := e.cat.commit(ctx, e.store); err != nil {
		for _, f := range files {
			if t := e.liveTableLocked(f.db, f.table); t != nil {
				t.removeFiles(map[uint64]bool{f.meta.ID: true})
			}
		}
		e.cat.WALPersisted = prevPersisted
		e.mu.Unlock()
		e.deleteUncommitted(files)
		return err
	}
	// Files of tables dropped while we wrote are not in the catalog.
	for _, f := range files {
		if e.liveTableLocked(f.db, f.table) == nil {
			e.doomLocked(f.meta)
		}
	}
	e.frozen = slices.DeleteFunc(e.frozen, func(b *buffer) bool { return b == buf })
	e.room.Broadcast()
	e.mu.Unlock()
	buf.release()
	e.stats.persists.Add(1)
	e.stats.persistedRows.Add(uint64(rows))

	if err := e.wal.RemoveThrough(buf.walThrough); err != nil {
		e.log.Warn("could not remove persisted WAL segments; they are skipped at replay", "through", buf.walThrough, "error", err)
	}
	e.log.Debug("persisted write buffer", "files", len(files), "rows", rows, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

func (e *Engine) liveTableLocked(db, table string) *TableMeta {
	if dbm := e.cat.database(db); dbm != nil {
		return dbm.table(table)
	}
	return nil
}

func (e *Engine) deleteUncommitted(files []persistedFile) {
	for _, f := range files {
		if err := e.store.Delete(context.Background(), f.meta.Key); err != nil {
			e.log.Warn("could not delete uncommitted data file; it will be removed at the next start", "key", f.meta.Key, "error", err)
		}
	}
}

// persistPart sorts, deduplicates and writes one partition of a frozen
// buffer. It returns nil for a partition with nothing to keep (its table was
// dropped, or all its rows are past retention).
func (e *Engine) persistPart(ctx context.Context, key partKey, part *bufPart) (*persistedFile, error) {
	e.mu.Lock()
	t := e.liveTableLocked(key.db, key.table)
	if t == nil || (key.day+1)*nanosPerDay-1 < e.retentionCutoffLocked(key.db, t) {
		e.mu.Unlock()
		return nil, nil
	}
	schema := tableArrowSchema(t.Columns)
	id := e.cat.NextFileID
	e.cat.NextFileID++
	e.mu.Unlock()

	recs := make([]bufRec, len(part.recs))
	copy(recs, part.recs)
	slices.SortStableFunc(recs, func(a, b bufRec) int { return compareUint64(a.seq, b.seq) })
	sources := make([]arrow.Record, len(recs))
	for i, r := range recs {
		sources[i] = r.rec
	}
	meta, err := e.writeFile(ctx, key, id, schema, sources, pqfile.Zstd, 0)
	if err == nil {
		meta.FirstWrite = part.created.UnixNano()
	}
	if errors.Is(err, pqfile.ErrNoRows) {
		// Nothing of the partition can be stored (rows no query could
		// read, which ingest now refuses): the others persist, instead of
		// this one blocking every persist and, once the buffer is full,
		// every write.
		e.log.Warn("a write-buffer partition has no rows to persist; skipped", "db", key.db, "table", key.table, "day", key.day)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &persistedFile{db: key.db, table: key.table, meta: meta}, nil
}

// writeFile merges sources (oldest first) and writes them as one data file,
// streaming: the merge gathers one chunk at a time and the Parquet writer
// keeps only compressed pages.
func (e *Engine) writeFile(ctx context.Context, key partKey, id uint64, schema *arrow.Schema, sources []arrow.Record, codec pqfile.Codec, level int) (*FileMeta, error) {
	fail := func(err error) (*FileMeta, error) {
		return nil, fmt.Errorf("persist %s/%s day %s: %w", key.db, key.table, dayName(key.day), err)
	}
	it, err := newMergeIter(schema, sources, persistChunkRows, allTime)
	if err != nil {
		return fail(err)
	}
	var out bytes.Buffer
	w, err := pqfile.NewWriter(&out, schema, pqfile.WriteOptions{
		Codec:         codec,
		TagNullsFirst: true,
		Metadata:      map[string]string{"strata.database": key.db, "strata.table": key.table, "strata.format": "1"},
	})
	if err != nil {
		return fail(err)
	}
	for rec := it.Next(); rec != nil; rec = it.Next() {
		err := w.Write(rec)
		rec.Release()
		if err != nil {
			return fail(err)
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
	}
	st, err := w.Close()
	if err != nil {
		return fail(err)
	}
	objKey := fileKey(key.db, key.table, key.day, id)
	size, err := e.store.Put(ctx, objKey, &out)
	if err != nil {
		return nil, err
	}
	return &FileMeta{ID: id, Key: objKey, Day: key.day, MinTime: st.MinTime, MaxTime: st.MaxTime, Rows: st.Rows, Size: size, Level: level, Order: id, Created: e.opts.Now().UnixNano()}, nil
}

func compareUint64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tableArrowSchema is the Arrow schema of a table's columns.
func tableArrowSchema(cols []ColumnMeta) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: ArrowType(c.Type), Nullable: c.Type != TypeTime}
	}
	return arrow.NewSchema(fields, nil)
}

// retentionCutoffLocked is the oldest timestamp a table keeps
// (math.MinInt64 without retention): its own period, else its database's.
func (e *Engine) retentionCutoffLocked(db string, t *TableMeta) int64 {
	d := t.Retention
	if d <= 0 {
		if dbm := e.cat.database(db); dbm != nil {
			d = dbm.Retention
		}
	}
	if d <= 0 {
		return minTime
	}
	return e.opts.Now().Add(-d).UnixNano()
}
