package storage

import (
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A row key names a row by its primary key: its time, then the values of
// the tags a caller lists (NULL for a tag the row has no value of), in
// bytes two distinct keys never share. RowKeys gives a batch's,
// RecordKeys a stored record's, to match the two.

// RowKeys returns the key of each of the batch's rows over tags.
func (b *TableBatch) RowKeys(tags []string) []string {
	cols := make([]*TagColumn, len(tags))
	for k, name := range tags {
		cols[k] = b.Tag(name)
	}
	out := make([]string, b.Rows)
	var key []byte
	for i := range out {
		key = appendKey(key[:0], b.Time[i], len(tags), func(k int) (string, bool) {
			c := cols[k]
			if c == nil || c.Codes[i] < 0 {
				return "", false
			}
			return c.Dict[c.Codes[i]], true
		})
		out[i] = string(key)
	}
	return out
}

// RecordKeys returns a function that appends to dst the key over tags of
// rec's row i, a record of a table read from storage (its time column
// first, its tags dictionary encoded; a tag it lacks reads NULL).
func RecordKeys(rec arrow.Record, tags []string) (func(dst []byte, i int) []byte, error) {
	times, ok := rec.Column(0).(*array.Timestamp)
	if !ok || rec.ColumnName(0) != TimeColumn {
		return nil, fmt.Errorf("row keys: the record's first column is %q of %s, not the time", rec.ColumnName(0), rec.Column(0).DataType())
	}
	cols := make([]*array.Dictionary, len(tags))
	dicts := make([]*array.String, len(tags))
	for k, name := range tags {
		at := rec.Schema().FieldIndices(name)
		if len(at) == 0 {
			continue
		}
		d, ok := rec.Column(at[0]).(*array.Dictionary)
		if ok {
			dicts[k], ok = d.Dictionary().(*array.String)
		}
		if !ok {
			return nil, fmt.Errorf("row keys: tag column %q is %s", name, rec.Column(at[0]).DataType())
		}
		cols[k] = d
	}
	return func(dst []byte, i int) []byte {
		return appendKey(dst, int64(times.Value(i)), len(tags), func(k int) (string, bool) {
			c := cols[k]
			if c == nil || c.IsNull(i) {
				return "", false
			}
			return dicts[k].Value(c.GetValueIndex(i)), true
		})
	}, nil
}

// appendKey appends a row's key to dst: its time, then each of its n tags'
// values (tag gives one, ok false for NULL).
func appendKey(dst []byte, ts int64, n int, tag func(k int) (string, bool)) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, uint64(ts))
	for k := range n {
		v, ok := tag(k)
		if !ok {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, 1)
		dst = binary.AppendUvarint(dst, uint64(len(v)))
		dst = append(dst, v...)
	}
	return dst
}
