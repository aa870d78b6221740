package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/storage"
)

// Scan streams a table's rows from a storage snapshot: the write buffer and
// the Parquet files, deduplicated, restricted to a time range (exactly) and
// pruned by tag filters (rows that do not match may still come; a Filter
// above applies the predicate).
type Scan struct {
	engine *storage.Engine
	req    storage.ScanRequest
	schema *arrow.Schema
	snap   *storage.Snapshot
	reader storage.RecordReader
}

// NewScan opens a snapshot of the table now, so that the query sees the
// table as of its start.
func NewScan(engine *storage.Engine, req storage.ScanRequest) (*Scan, error) {
	snap, err := engine.Snapshot(req)
	if err != nil {
		return nil, err
	}
	return &Scan{engine: engine, req: req, schema: snap.Schema(), snap: snap}, nil
}

func (s *Scan) Schema() *arrow.Schema { return s.schema }

func (s *Scan) Next(ctx context.Context) (arrow.Record, error) {
	if s.reader == nil {
		s.reader = s.snap.Reader(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !s.reader.Next() {
		return nil, s.reader.Err()
	}
	return s.reader.Record(), nil
}

func (s *Scan) Close() {
	if s.reader != nil {
		s.reader.Release()
		s.reader = nil
	}
	if s.snap != nil {
		s.snap.Release()
		s.snap = nil
	}
}

// Values is an operator over records held in memory (VALUES lists, catalog
// tables, tests).
type Values struct {
	schema *arrow.Schema
	recs   []arrow.Record
	pos    int
}

// NewValues streams recs (retained until Close).
func NewValues(schema *arrow.Schema, recs ...arrow.Record) *Values {
	for _, r := range recs {
		r.Retain()
	}
	return &Values{schema: schema, recs: recs}
}

func (v *Values) Schema() *arrow.Schema { return v.schema }

func (v *Values) Next(ctx context.Context) (arrow.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if v.pos >= len(v.recs) {
		return nil, nil
	}
	v.pos++
	return v.recs[v.pos-1], nil
}

func (v *Values) Close() {
	for _, r := range v.recs {
		r.Release()
	}
	v.recs = nil
}
