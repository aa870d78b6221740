package storage

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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
	// relabel maps the file's names of the columns read to the table's
	// where they differ (FileMeta.Columns); from and to cache the last
	// record schema relabelled and its relabelling.
	relabel  map[string]string
	from, to *arrow.Schema
	// fills are the values the file's rows read in the columns added with
	// one after it was written (FileMeta.Filled), by column name.
	fills map[string]any
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
	var relabel map[string]string
	var fills map[string]any
	for _, fld := range schema.Fields() {
		name := f.stored(fld.Name)
		if name == "" || len(fileSchema.FieldIndices(name)) == 0 {
			if text, ok := f.Filled[fld.Name]; ok {
				if typ, err := ColumnTypeOf(fld); err == nil {
					if fills == nil {
						fills = map[string]any{}
					}
					fills[fld.Name] = parseFill(typ, text)
				}
			}
			continue // read as nulls (conform), or as fills
		}
		cols = append(cols, name)
		if name != fld.Name {
			if relabel == nil {
				relabel = map[string]string{}
			}
			relabel[name] = fld.Name
		}
	}
	r := pf.NewReader(ctx, pqfile.ReadOptions{Columns: cols, MinTime: tr.Min, MaxTime: tr.Max, Tags: f.tagFilters(tags), RowStart: rows[0], RowEnd: rows[1], NoCacheFill: noFill, Sample: sample})
	return &fileReader{cache: &e.files, file: cf, r: r, schema: schema, relabel: relabel, fills: fills}, nil
}

// tagFilters turns tag filters into the file reader's, by the names the
// file holds the tags under (a tag it holds none of is "", a column it does
// not have, where no value matches).
func (f *FileMeta) tagFilters(tags []TagFilter) []pqfile.TagFilter {
	out := make([]pqfile.TagFilter, len(tags))
	for i, t := range tags {
		out[i] = pqfile.TagFilter{Column: f.stored(t.Column), Values: t.Values}
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
	if fr.relabel != nil {
		rec = fr.relabelled(rec)
		defer rec.Release()
	}
	if rec.Schema() == fr.equal {
		rec.Retain()
		fr.cur = rec
	} else if fr.cur = conform(rec, fr.schema); fr.cur == rec {
		fr.equal = rec.Schema()
	}
	if fr.fills != nil {
		filled := withConstants(fr.cur, fr.fills)
		fr.cur.Release()
		fr.cur = filled
	}
	return true
}

// withConstants is rec with its columns named in fills made of the value
// each names.
func withConstants(rec arrow.Record, fills map[string]any) arrow.Record {
	cols := append([]arrow.Array(nil), rec.Columns()...)
	var made []arrow.Array
	for i, f := range rec.Schema().Fields() {
		if v, ok := fills[f.Name]; ok {
			cols[i] = constantArray(f.Type, v, int(rec.NumRows()))
			made = append(made, cols[i])
		}
	}
	out := array.NewRecord(rec.Schema(), cols, rec.NumRows())
	for _, a := range made {
		a.Release()
	}
	return out
}

// relabelled is rec with its columns named as the table names them.
func (fr *fileReader) relabelled(rec arrow.Record) arrow.Record {
	if rec.Schema() != fr.from {
		fields := append([]arrow.Field(nil), rec.Schema().Fields()...)
		for i, fld := range fields {
			if to, ok := fr.relabel[fld.Name]; ok {
				fields[i].Name = to
			}
		}
		fr.from, fr.to = rec.Schema(), arrow.NewSchema(fields, nil)
	}
	return array.NewRecord(fr.to, rec.Columns(), rec.NumRows())
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
