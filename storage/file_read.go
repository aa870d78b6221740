package storage

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/storage/pqfile"
)

// fileReader streams one data file's rows in a range, conformed to a schema.
type fileReader struct {
	cache  *fileCache
	file   *cachedFile
	r      *pqfile.Reader
	schema *arrow.Schema
	// equal is a record schema already found equal to schema: the
	// reader's records share one, so the comparison (reflection on the
	// field types, 4% of a wide scan's CPU per batch) runs once.
	equal *arrow.Schema
	cur   arrow.Record
	err   error
}

// openFile starts reading a data file's columns of schema within tr, and
// within the row window rows when rows[1] > 0, the pages sample keeps if
// set. With noFill, pages read are not kept in the page cache.
func (e *Engine) openFile(ctx context.Context, f *FileMeta, schema *arrow.Schema, tr TimeRange, tags []TagFilter, rows [2]int64, sample *pqfile.BlockSample, noFill bool) (RecordReader, error) {
	cf, err := e.files.acquire(ctx, e.store, f)
	if err != nil {
		return nil, err
	}
	pf := cf.pf
	fileSchema := pf.Schema()
	cols := make([]string, 0, schema.NumFields())
	for _, fld := range schema.Fields() {
		if len(fileSchema.FieldIndices(fld.Name)) > 0 {
			cols = append(cols, fld.Name)
		}
	}
	r := pf.NewReader(ctx, pqfile.ReadOptions{Columns: cols, MinTime: tr.Min, MaxTime: tr.Max, Tags: fileTags(tags), RowStart: rows[0], RowEnd: rows[1], NoCacheFill: noFill, Sample: sample})
	return &fileReader{cache: &e.files, file: cf, r: r, schema: schema}, nil
}

// fileTags turns tag filters into the file reader's.
func fileTags(tags []TagFilter) []pqfile.TagFilter {
	out := make([]pqfile.TagFilter, len(tags))
	for i, t := range tags {
		out[i] = pqfile.TagFilter{Column: t.Column, Values: t.Values}
	}
	return out
}

func (fr *fileReader) Next() bool {
	if fr.cur != nil {
		fr.cur.Release()
		fr.cur = nil
	}
	if !fr.r.Next() {
		return false
	}
	rec := fr.r.Record()
	if rec.Schema() == fr.equal {
		rec.Retain()
		fr.cur = rec
		return true
	}
	fr.cur = conform(rec, fr.schema)
	if fr.cur == rec {
		fr.equal = rec.Schema()
	}
	return true
}

func (fr *fileReader) Record() arrow.Record { return fr.cur }

// PageStats counts the pages this reader read from the file, took from the
// page cache and skipped by statistics.
func (fr *fileReader) PageStats() PageStats {
	st := fr.r.Stats()
	return PageStats{Read: st.PagesRead, Cached: st.PagesCached, Skipped: st.PagesSkipped}
}

func (fr *fileReader) Err() error {
	if err := fr.r.Err(); err != nil {
		return fmt.Errorf("read data file: %w", err)
	}
	return nil
}

func (fr *fileReader) Release() {
	if fr.cur != nil {
		fr.cur.Release()
		fr.cur = nil
	}
	fr.r.Release()
	fr.cache.release(fr.file)
}

// readFile reads a data file's rows in tr whole, as records the caller
// releases.
func (e *Engine) readFile(ctx context.Context, f *FileMeta, schema *arrow.Schema, tr TimeRange, tags []TagFilter, noFill bool) ([]arrow.Record, error) {
	rr, err := e.openFile(ctx, f, schema, tr, tags, [2]int64{}, nil, noFill)
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	var out []arrow.Record
	for rr.Next() {
		rec := rr.Record()
		rec.Retain()
		out = append(out, rec)
	}
	if err := rr.Err(); err != nil {
		for _, r := range out {
			r.Release()
		}
		return nil, err
	}
	return out, nil
}
