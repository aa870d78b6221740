package pqfile

import (
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/parquet-go/parquet-go"
)

// writeColumn is one column being written: its Arrow field index and kind.
type writeColumn struct {
	name  string
	kind  kind
	field int
}

// writeColumnsOf checks that schema holds only stored column types, with one
// time column, and returns the columns in schema order.
func writeColumnsOf(schema *arrow.Schema) ([]writeColumn, error) {
	cols := make([]writeColumn, 0, schema.NumFields())
	seen := make(map[string]bool, schema.NumFields())
	hasTime := false
	for i, f := range schema.Fields() {
		k, err := kindOfArrow(f)
		if err != nil {
			return nil, fmt.Errorf("pqfile: %w", err)
		}
		if seen[f.Name] || f.Name == "" {
			return nil, fmt.Errorf("pqfile: column name %q is empty or repeated", f.Name)
		}
		seen[f.Name] = true
		hasTime = hasTime || k == kindTime
		cols = append(cols, writeColumn{name: f.Name, kind: k, field: i})
	}
	if !hasTime {
		return nil, fmt.Errorf("pqfile: schema has no %q column of type %v", TimeColumn, timeArrowType)
	}
	return cols, nil
}

// checkRecords checks that every record has the schema and no null time, and
// returns the total number of rows.
func checkRecords(schema *arrow.Schema, cols []writeColumn, recs []arrow.Record) (int64, error) {
	var rows int64
	for i, rec := range recs {
		if !rec.Schema().Equal(schema) {
			return 0, fmt.Errorf("pqfile: record %d has schema %v, want %v", i, rec.Schema(), schema)
		}
		for _, c := range cols {
			if n := rec.Column(c.field).NullN(); c.kind == kindTime && n != 0 {
				return 0, fmt.Errorf("pqfile: record %d: column %q has %d null times", i, TimeColumn, n)
			}
		}
		rows += rec.NumRows()
	}
	return rows, nil
}

// rowSource addresses the rows of a list of records by one global index.
type rowSource struct {
	recs   []arrow.Record
	starts []int64 // starts[i] is the global index of the first row of recs[i]

	// tagCache holds, per tag column, the dictionary values of the record last
	// asked for: pages walk the records in order.
	tagCache map[int]tagCacheEntry
}

type tagCacheEntry struct {
	rec    int
	values []parquet.Value
}

func newRowSource(recs []arrow.Record) *rowSource {
	s := &rowSource{recs: recs, starts: make([]int64, len(recs)+1), tagCache: map[int]tagCacheEntry{}}
	for i, r := range recs {
		s.starts[i+1] = s.starts[i] + r.NumRows()
	}
	return s
}

// each calls fn for every piece of rows [from, to) that lies in one record,
// with the record, its index and the piece's row range within it.
func (s *rowSource) each(from, to int64, fn func(r int, rec arrow.Record, i, j int)) {
	for r := range s.recs {
		lo, hi := max(from, s.starts[r]), min(to, s.starts[r+1])
		if lo < hi {
			fn(r, s.recs[r], int(lo-s.starts[r]), int(hi-s.starts[r]))
		}
	}
}

// tagValues returns the dictionary values of tag column field of record r.
func (s *rowSource) tagValues(r, field int, arr arrow.Array) []parquet.Value {
	e, ok := s.tagCache[field]
	if !ok || e.rec != r {
		e = tagCacheEntry{rec: r, values: tagValues(e.values, arr)}
		s.tagCache[field] = e
	}
	return e.values
}

// writePage writes rows [from, to) of every column as one data page per
// column: the values are written with WriteRowValues and the page is cut with
// Flush, so the pages of all columns cover the same rows.
//
// parquet-go's typed writers (WriteInt64s...) exist only on the column
// buffers of required columns; the public path for optional columns is
// ColumnWriter.WriteRowValues, which gathers the values straight into typed
// column buffers (no parquet.Row).
func writePage(writers []*parquet.ColumnWriter, cols []writeColumn, src *rowSource, from, to int64, values []parquet.Value, stats *Stats) error {
	for ci, c := range cols {
		values = values[:0]
		src.each(from, to, func(r int, rec arrow.Record, i, j int) {
			arr := rec.Column(c.field)
			var tagVals []parquet.Value
			if c.kind == kindTag {
				tagVals = src.tagValues(r, c.field, arr)
			}
			values = appendValues(values, c.kind, arr, i, j, tagVals, stats)
		})
		if _, err := writers[ci].WriteRowValues(values); err != nil {
			return fmt.Errorf("pqfile: write column %q rows %d..%d: %w", c.name, from, to, err)
		}
		if err := writers[ci].Flush(); err != nil {
			return fmt.Errorf("pqfile: flush column %q page at row %d: %w", c.name, from, err)
		}
	}
	return nil
}

// appendValues appends the values of rows [i, j) of arr to dst, at the
// definition levels of an optional column (the time column is required: level
// 0). Byte arrays point into the Arrow buffers. tagVals are the values of a
// tag column's dictionary.
//
// Profiled: Value.Level is not inlined and cost 40% of the write; a Value
// starts at definition level 0 and SetDefinitionLevel is inlined, so non-null
// values set only that (the column writer does not read a Value's column
// index).
func appendValues(dst []parquet.Value, k kind, arr arrow.Array, i, j int, tagVals []parquet.Value, stats *Stats) []parquet.Value {
	switch k {
	case kindTime:
		ts := arr.(*array.Timestamp).TimestampValues()[i:j]
		lo, hi := stats.MinTime, stats.MaxTime
		for _, t := range ts {
			lo, hi = min(lo, int64(t)), max(hi, int64(t))
			dst = append(dst, parquet.Int64Value(int64(t)))
		}
		stats.MinTime, stats.MaxTime = lo, hi
	case kindTag:
		codes := arr.(*array.Dictionary).Indices().(*array.Int32).Int32Values()
		for r := i; r < j; r++ {
			if arr.IsNull(r) {
				dst = append(dst, parquet.Value{})
				continue
			}
			dst = append(dst, tagVals[codes[r]])
		}
	case kindFloat:
		vs := arr.(*array.Float64).Float64Values()
		for r := i; r < j; r++ {
			v := parquet.Value{}
			if arr.IsValid(r) {
				v = parquet.DoubleValue(vs[r])
				v.SetDefinitionLevel(1)
			}
			dst = append(dst, v)
		}
	case kindInt:
		dst = appendInt64s(dst, arr, arr.(*array.Int64).Int64Values()[i:j], i)
	case kindUint:
		vs := arr.(*array.Uint64).Uint64Values()[i:j]
		dst = appendInt64s(dst, arr, unsafe.Slice((*int64)(unsafe.Pointer(unsafe.SliceData(vs))), len(vs)), i)
	case kindString:
		s := arr.(*array.String)
		for r := i; r < j; r++ {
			v := parquet.Value{}
			if s.IsValid(r) {
				v = parquet.ByteArrayValue(stringBytes(s.Value(r)))
				v.SetDefinitionLevel(1)
			}
			dst = append(dst, v)
		}
	case kindBool:
		b := arr.(*array.Boolean)
		for r := i; r < j; r++ {
			v := parquet.Value{}
			if b.IsValid(r) {
				v = parquet.BooleanValue(b.Value(r))
				v.SetDefinitionLevel(1)
			}
			dst = append(dst, v)
		}
	}
	return dst
}

// appendInt64s appends vs, rows i.. of arr, as values of an optional INT64
// column. Specialised: a generic version taking a value func cost 12 ns/value.
func appendInt64s(dst []parquet.Value, arr arrow.Array, vs []int64, i int) []parquet.Value {
	if arr.NullN() == 0 {
		for _, x := range vs {
			v := parquet.Int64Value(x)
			v.SetDefinitionLevel(1)
			dst = append(dst, v)
		}
		return dst
	}
	for r, x := range vs {
		v := parquet.Value{}
		if arr.IsValid(i + r) {
			v = parquet.Int64Value(x)
			v.SetDefinitionLevel(1)
		}
		dst = append(dst, v)
	}
	return dst
}

// tagValues returns the values of the dictionary of a tag column, appended to
// dst[:0], at definition level 1.
func tagValues(dst []parquet.Value, arr arrow.Array) []parquet.Value {
	dict := arr.(*array.Dictionary).Dictionary().(*array.String)
	dst = dst[:0]
	for i := range dict.Len() {
		v := parquet.ByteArrayValue(stringBytes(dict.Value(i)))
		v.SetDefinitionLevel(1)
		dst = append(dst, v)
	}
	return dst
}

// stringBytes returns the bytes of s without copying; parquet-go copies them
// into its page buffers and never writes through the slice.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
