package storage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"
)

// rowsOf renders records as one line per row: "col=value ..." with nulls
// left out, in column order, for readable comparisons.
func rowsOf(t testing.TB, recs ...arrow.Record) []string {
	t.Helper()
	var out []string
	for _, rec := range recs {
		for r := 0; r < int(rec.NumRows()); r++ {
			var parts []string
			for c, f := range rec.Schema().Fields() {
				col := rec.Column(c)
				if col.IsNull(r) {
					continue
				}
				var v string
				switch a := col.(type) {
				case *array.Timestamp:
					v = fmt.Sprint(int64(a.Value(r)))
				case *array.Dictionary:
					v = a.Dictionary().(*array.String).Value(a.GetValueIndex(r))
				default:
					v = a.ValueStr(r)
				}
				parts = append(parts, f.Name+"="+v)
			}
			out = append(out, strings.Join(parts, " "))
		}
	}
	return out
}

// batchOf builds a table batch from rows written as "time tag=v,... field=v,..."
// where field values are ints (suffix i), timestamps (nanoseconds, suffix t),
// floats, "strings" or true/false, and
// an empty tag or field set is written "-".
func batchOf(t testing.TB, table string, rows ...string) *TableBatch {
	t.Helper()
	b := &TableBatch{Table: table, Rows: len(rows)}
	tagIx := map[string]int{}
	fieldIx := map[string]int{}
	for r, row := range rows {
		parts := strings.Fields(row)
		require.Len(t, parts, 3, "row %q", row)
		var ts int64
		_, err := fmt.Sscan(parts[0], &ts)
		require.NoError(t, err)
		b.Time = append(b.Time, ts)
		if parts[1] != "-" {
			for _, kv := range strings.Split(parts[1], ",") {
				k, v, _ := strings.Cut(kv, "=")
				i, ok := tagIx[k]
				if !ok {
					i = len(b.Tags)
					tagIx[k] = i
					b.Tags = append(b.Tags, TagColumn{Name: k, Codes: make([]int32, len(rows))})
					for j := range b.Tags[i].Codes {
						b.Tags[i].Codes[j] = -1
					}
				}
				tag := &b.Tags[i]
				code := int32(-1)
				for ci, d := range tag.Dict {
					if d == v {
						code = int32(ci)
					}
				}
				if code < 0 {
					code = int32(len(tag.Dict))
					tag.Dict = append(tag.Dict, v)
				}
				tag.Codes[r] = code
			}
		}
		if parts[2] != "-" {
			for _, kv := range strings.Split(parts[2], ",") {
				k, v, _ := strings.Cut(kv, "=")
				typ := TypeFloat
				switch {
				case strings.HasSuffix(v, "i"):
					typ = TypeInt
				case strings.HasSuffix(v, "t"):
					typ = TypeTimestamp
				case strings.HasPrefix(v, `"`):
					typ = TypeString
				case v == "true" || v == "false":
					typ = TypeBool
				}
				i, ok := fieldIx[k]
				if !ok {
					i = len(b.Fields)
					fieldIx[k] = i
					f := FieldColumn{Name: k, Type: typ, Valid: make([]byte, (len(rows)+7)/8), Nulls: len(rows)}
					switch typ {
					case TypeFloat:
						f.Floats = make([]float64, len(rows))
					case TypeInt, TypeTimestamp:
						f.Ints = make([]int64, len(rows))
					case TypeBool:
						f.Bools = make([]byte, (len(rows)+7)/8)
					case TypeString:
						f.Offsets = make([]int32, len(rows)+1)
					}
					b.Fields = append(b.Fields, f)
				}
				f := &b.Fields[i]
				require.Equal(t, typ, f.Type, "row %q", row)
				f.Valid[r>>3] |= 1 << (r & 7)
				f.Nulls--
				switch typ {
				case TypeFloat:
					_, err = fmt.Sscan(v, &f.Floats[r])
				case TypeInt:
					_, err = fmt.Sscan(strings.TrimSuffix(v, "i"), &f.Ints[r])
				case TypeTimestamp:
					_, err = fmt.Sscan(strings.TrimSuffix(v, "t"), &f.Ints[r])
				case TypeBool:
					if v == "true" {
						f.Bools[r>>3] |= 1 << (r & 7)
					}
				}
				require.NoError(t, err)
			}
		}
	}
	// String values: a second pass, so data and offsets follow row order.
	for i := range b.Fields {
		f := &b.Fields[i]
		if f.Type != TypeString {
			continue
		}
		for r, row := range rows {
			parts := strings.Fields(row)
			for _, kv := range strings.Split(parts[2], ",") {
				if k, v, _ := strings.Cut(kv, "="); k == f.Name {
					f.Data = append(f.Data, strings.Trim(v, `"`)...)
				}
			}
			f.Offsets[r+1] = int32(len(f.Data))
		}
	}
	for i := range b.Fields {
		if b.Fields[i].Nulls == 0 {
			b.Fields[i].Valid = nil
		}
	}
	require.NoError(t, b.Validate())
	return b
}
