package storage

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Chunks: a table's day partitions seen as TimescaleDB's hypertable
// chunks, listed (timescaledb_information.chunks, show_chunks) and dropped
// whole (drop_chunks).

// Chunk is one day partition of a table, as TimescaleDB's
// timescaledb_information.chunks lists a hypertable's chunks: its UTC day,
// its files' rows and bytes, the rows still in the write buffer, and when
// it was created: the first write of its rows (kept through persists and
// compactions; for rows replayed from the WAL at a start, that start).
type Chunk struct {
	Day                       int64 // UTC days since the Unix epoch
	Files                     int
	Rows, Bytes, BufferedRows int64
	Created                   int64 // Unix ns
}

// TableChunks returns a table's day partitions in day order, from the
// catalog and the write buffer (no data is read); none when the table does
// not exist.
func (e *Engine) TableChunks(db, table string) []Chunk {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return nil
	}
	return e.tableChunksLocked(db, t)
}

// tableChunksLocked is TableChunks with e.mu held. Days wholly past the
// table's retention are left out: their rows are hidden already and their
// files go at the next retention pass.
func (e *Engine) tableChunksLocked(db string, t *TableMeta) []Chunk {
	cutoff := e.retentionCutoffLocked(db, t)
	days := map[int64]*Chunk{}
	at := func(day int64) *Chunk {
		c, ok := days[day]
		if !ok {
			c = &Chunk{Day: day}
			days[day] = c
		}
		return c
	}
	for _, f := range t.Files {
		c := at(f.Day)
		c.Files++
		c.Rows += f.Rows
		c.Bytes += f.Size
		if c.Created == 0 || f.firstWrite() < c.Created {
			c.Created = f.firstWrite()
		}
	}
	for _, b := range append(slices.Clone(e.frozen), e.active) {
		for key, part := range b.parts {
			if key.db != db || key.table != t.Name {
				continue
			}
			c := at(key.day)
			c.BufferedRows += part.rows
			if c.Created == 0 || part.created.UnixNano() < c.Created {
				c.Created = part.created.UnixNano()
			}
		}
	}
	out := make([]Chunk, 0, len(days))
	for _, c := range days {
		if (c.Day+1)*int64(24*time.Hour) > cutoff {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(a, b Chunk) int { return cmp.Compare(a.Day, b.Day) })
	return out
}

// ChunkUncompressedBytes returns, by day, what a table's persisted rows
// would take without compression: their values' bytes written plainly
// (pqfile.File.PlainSize), read from the files' footers (kept open in the
// file cache). Days with no file are
// absent; buffered rows are counted by neither.
func (e *Engine) ChunkUncompressedBytes(ctx context.Context, db, table string) (map[int64]int64, error) {
	snap, err := e.Snapshot(ScanRequest{Database: db, Table: table})
	if err != nil {
		return nil, err
	}
	defer snap.Release()
	out := map[int64]int64{}
	seen := map[uint64]bool{}
	for _, sp := range snap.splits {
		for _, f := range sp.files {
			if seen[f.ID] {
				continue // a large file read in parts
			}
			seen[f.ID] = true
			cf, err := e.files.acquire(ctx, e.store, f)
			if err != nil {
				return nil, err
			}
			out[f.Day] += cf.pf.PlainSize()
			e.files.release(cf)
		}
	}
	return out, nil
}

// DropChunks deletes the day partitions of a table that match (their files
// and buffered rows), as TimescaleDB's drop_chunks drops whole chunks, and
// returns them in day order. It persists the write buffer first, so that no
// WAL segment holds the dropped rows and a restart cannot bring them back.
// Rows of a dropped day written after it returns are kept, in a new
// partition of that day.
func (e *Engine) DropChunks(ctx context.Context, db, table string, match func(Chunk) bool) ([]Chunk, error) {
	e.persistMu.Lock()
	defer e.persistMu.Unlock()
	if err := e.persistLocked(ctx); err != nil {
		return nil, err
	}
	if e.beforeDrop != nil {
		e.beforeDrop()
	}
	dropped, raced, err := e.dropChunks(ctx, db, table, match)
	if !raced {
		return dropped, err
	}
	// Rows of a dropped day written between the persist and the drop left
	// the buffer with it but are still in the WAL: persisting the frozen
	// buffer moves the WAL past them. (A crash before it ends brings those
	// rows, which raced the drop, back.)
	if perr := e.persistLocked(ctx); err == nil {
		err = perr
	}
	return dropped, err
}

// Truncate deletes every row of a table written before it began (its
// partitions, as DropChunks drops them) and keeps the table and its
// columns. It returns the partitions dropped.
func (e *Engine) Truncate(ctx context.Context, db, table string) ([]Chunk, error) {
	return e.DropChunks(ctx, db, table, func(Chunk) bool { return true })
}

// dropChunks removes the matching partitions from the catalog and the
// write buffer; raced reports buffered rows among them (written since the
// persist). Writes wait meanwhile (e.gate), so that none is half in.
func (e *Engine) dropChunks(ctx context.Context, db, table string, match func(Chunk) bool) (dropped []Chunk, raced bool, err error) {
	e.gate.Lock()
	defer e.gate.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return nil, false, err
	}
	days := map[int64]bool{}
	for _, c := range e.tableChunksLocked(db, t) {
		if match(c) {
			dropped = append(dropped, c)
			days[c.Day] = true
		}
	}
	if len(dropped) == 0 {
		return nil, false, nil
	}
	var files []*FileMeta
	ids := map[uint64]bool{}
	for _, f := range t.Files {
		if days[f.Day] {
			files = append(files, f)
			ids[f.ID] = true
		}
	}
	if len(files) > 0 {
		t.removeFiles(ids)
		if err := e.cat.commit(ctx, e.store); err != nil {
			for _, f := range files {
				t.addFile(f)
			}
			return nil, false, err
		}
		for _, f := range files {
			e.doomLocked(f) // deleted once no running query reads it
		}
	}
	// The persist under e.persistMu left no frozen buffer; the active one
	// holds what was written since. Rows of the dropped days among them
	// leave it, and it is frozen (a new WAL segment started, even when it
	// is now empty) so that the persist after moves the WAL past them.
	raced = e.active.dropParts(func(key partKey) bool { return key.db == db && key.table == table && days[key.day] })
	if raced {
		if err := e.freezeLocked(); err != nil {
			return dropped, true, err
		}
		e.room.Broadcast()
	}
	e.log.Info("dropped chunks", "database", db, "table", table, "chunks", len(dropped), "files", len(files))
	return dropped, raced, nil
}
