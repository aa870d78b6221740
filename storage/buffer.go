package storage

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// buffer is one generation of the write buffer: the acknowledged writes that
// are not yet in Parquet files, as Arrow records per partition. The engine has
// one active buffer taking writes and, while a persist runs, frozen ones being
// written out. A buffer is guarded by the engine's mutex.
type buffer struct {
	parts   map[partKey]*bufPart
	bytes   int64
	rows    int64
	created time.Time // first write, for the age threshold
	// walThrough is, once frozen, the id of the last WAL segment holding
	// this buffer's writes.
	walThrough uint64
}

// partKey names a partition: a table and a UTC day.
type partKey struct {
	db, table string
	day       int64
}

type bufPart struct {
	recs    []bufRec
	rows    int64
	created time.Time // its first write
}

// bufRec is one write's rows of one partition. seq orders writes: where
// primary keys repeat, the larger seq wins.
type bufRec struct {
	rec              arrow.Record
	seq              uint64
	minTime, maxTime int64
	keys             *bufKeys // its primary keys, summarized on first read
}

func newBuffer() *buffer { return &buffer{parts: map[partKey]*bufPart{}} }

// add appends one write's rows of a table, split into its day partitions.
func (b *buffer) add(db string, batch *TableBatch, seq uint64, now time.Time) {
	if batch.Rows == 0 {
		return
	}
	if b.rows == 0 {
		b.created = now
	}
	b.rows += int64(batch.Rows)
	for day, part := range batch.splitByDay() {
		key := partKey{db: db, table: batch.Table, day: day}
		p := b.parts[key]
		if p == nil {
			p = &bufPart{created: now}
			b.parts[key] = p
		}
		lo, hi := part.Time[0], part.Time[0]
		for _, t := range part.Time {
			lo, hi = min(lo, t), max(hi, t)
		}
		rec := part.toRecord()
		b.bytes += recordBytes(rec)
		p.recs = append(p.recs, bufRec{rec: rec, seq: seq, minTime: lo, maxTime: hi, keys: newBufKeys()})
		p.rows += int64(part.Rows)
	}
}

// holds reports whether the buffer has rows of the table.
func (b *buffer) holds(db, table string) bool {
	for key := range b.parts {
		if key.db == db && key.table == table {
			return true
		}
	}
	return false
}

// dropParts forgets the rows of the partitions drop names and reports
// whether there were any.
func (b *buffer) dropParts(drop func(partKey) bool) bool {
	any := false
	for key, p := range b.parts {
		if drop(key) {
			for _, r := range p.recs {
				b.bytes -= recordBytes(r.rec)
				b.rows -= r.rec.NumRows()
				r.rec.Release()
			}
			delete(b.parts, key)
			any = true
		}
	}
	return any
}

func (b *buffer) release() {
	for _, p := range b.parts {
		for _, r := range p.recs {
			r.rec.Release()
		}
	}
	b.parts = nil
}

// recordBytes is the size of a record's buffers.
func recordBytes(rec arrow.Record) int64 {
	var n int64
	for _, col := range rec.Columns() {
		for _, buf := range col.Data().Buffers() {
			if buf != nil {
				n += int64(buf.Len())
			}
		}
	}
	return n
}
