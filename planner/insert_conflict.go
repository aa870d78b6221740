package planner

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// onConflict applies an INSERT's ON CONFLICT clause to its rows (batch is
// the rows built): a row conflicts when a stored row has its time and
// tags (a table's rows are named so, whatever the target lists, which
// must be time and tags). DO NOTHING leaves out the rows that conflict,
// and the later of two rows of the INSERT with one name; DO UPDATE SET
// c = EXCLUDED.c writes, into a stored row, only the columns it sets (a
// write leaves the fields it does not give as they were). It returns the
// rows to write and the count PostgreSQL reports: rows inserted or
// updated. Rows another writer stores while it runs are not seen.
func (p *Planner) onConflict(ctx context.Context, db, table string, oc *sql.OnConflict, names []string, existing map[string]storage.ColumnType,
	batch *storage.TableBatch, rows [][]any, kinds [][]valueKind) ([][]any, [][]valueKind, int64, error) {
	isTag := map[string]bool{}
	for _, t := range batch.Tags {
		isTag[t.Name] = true
	}
	for name, typ := range existing {
		if typ == storage.TypeTag {
			isTag[name] = true
		}
	}
	keyCols := slices.Sorted(func(yield func(string) bool) {
		for n := range isTag {
			if !yield(n) {
				return
			}
		}
	})
	for _, t := range oc.Target {
		if t != storage.TimeColumn && !isTag[t] {
			e := errorf("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification")
			e.Hint = "a row of " + table + " is named by time and its tags (" + strings.Join(keyCols, ", ") + "): name those, or no target"
			return nil, nil, 0, e
		}
	}
	for _, c := range oc.Set {
		switch {
		case c == storage.TimeColumn || isTag[c]:
			e := notSupported(fmt.Sprintf("ON CONFLICT DO UPDATE SET %s, which names the row,", c))
			e.Hint = "set fields only"
			return nil, nil, 0, e
		case !slices.Contains(names, c):
			if _, ok := existing[c]; !ok {
				return nil, nil, 0, errorf(CodeUndefinedColumn, "column %q of relation %q does not exist", c, table)
			}
			e := notSupported(fmt.Sprintf("ON CONFLICT DO UPDATE SET %s = EXCLUDED.%s for a column the INSERT does not give", c, c))
			e.Hint = "name the column in the INSERT's column list"
			return nil, nil, 0, e
		}
	}
	stored, err := p.storedKeys(ctx, db, table, batch, keyCols)
	if err != nil {
		return nil, nil, 0, err
	}
	keys := batchKeys(batch, keyCols)
	if !oc.Nothing {
		for i := range rows {
			if !stored[keys[i]] {
				continue
			}
			for j, n := range names {
				if n != storage.TimeColumn && !isTag[n] && !slices.Contains(oc.Set, n) {
					rows[i][j] = nil // a stored row keeps the fields DO UPDATE does not set
				}
			}
		}
		return rows, kinds, int64(len(rows)), nil
	}
	var keptRows [][]any
	var keptKinds [][]valueKind
	for i := range rows {
		k := keys[i]
		if stored[k] {
			continue
		}
		stored[k] = true // a later row of the INSERT with this name conflicts with this one
		keptRows, keptKinds = append(keptRows, rows[i]), append(keptKinds, kinds[i])
	}
	return keptRows, keptKinds, int64(len(keptRows)), nil
}

// storedKeys are the names (time and the tags keyCols, see batchKey) of
// the stored rows of table in the batch's span of time, narrowed by the
// values of the tags every row of the batch gives.
func (p *Planner) storedKeys(ctx context.Context, db, table string, batch *storage.TableBatch, keyCols []string) (map[string]bool, error) {
	out := map[string]bool{}
	cols, err := p.Engine.TableSchema(db, table)
	if err != nil {
		return out, nil // a new table stores nothing yet
	}
	lo, hi := slices.Min(batch.Time), slices.Max(batch.Time)
	req := storage.ScanRequest{Database: db, Table: table, Columns: []string{storage.TimeColumn}, Range: storage.TimeRange{Min: lo, Max: hi + 1}}
	for _, c := range cols {
		if c.Type == storage.TypeTag {
			req.Columns = append(req.Columns, c.Name)
		}
	}
	for _, t := range batch.Tags {
		if !slices.Contains(t.Codes, -1) {
			req.Tags = append(req.Tags, storage.TagFilter{Column: t.Name, Values: t.Dict})
		}
	}
	snap, err := p.Engine.Snapshot(req)
	if err != nil {
		return nil, err
	}
	defer snap.Release()
	r := snap.Reader(ctx)
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		times := rec.Column(0).(*array.Timestamp).TimestampValues()
		tags := make([]*array.Dictionary, len(keyCols))
		for k, name := range keyCols {
			if idx := rec.Schema().FieldIndices(name); len(idx) > 0 {
				tags[k], _ = rec.Column(idx[0]).(*array.Dictionary)
			}
		}
		key := make([]byte, 0, 64)
		for i, ts := range times {
			key = rowKey(key[:0], int64(ts), len(keyCols), func(k int) (string, bool) {
				d := tags[k]
				if d == nil || d.IsNull(i) {
					return "", false
				}
				return d.Dictionary().(*array.String).Value(d.GetValueIndex(i)), true
			})
			out[string(key)] = true
		}
	}
	if err := r.Err(); err != nil {
		return nil, AsError(err)
	}
	return out, nil
}

// batchKeys are the names of the batch's rows: each row's time and the
// tags keyCols (NULL for those the batch does not give).
func batchKeys(batch *storage.TableBatch, keyCols []string) []string {
	byName := make([]*storage.TagColumn, len(keyCols))
	for k, name := range keyCols {
		for t := range batch.Tags {
			if batch.Tags[t].Name == name {
				byName[k] = &batch.Tags[t]
			}
		}
	}
	out := make([]string, batch.Rows)
	var key []byte
	for i := range out {
		key = rowKey(key[:0], batch.Time[i], len(keyCols), func(k int) (string, bool) {
			t := byName[k]
			if t == nil || t.Codes[i] < 0 {
				return "", false
			}
			return t.Dict[t.Codes[i]], true
		})
		out[i] = string(key)
	}
	return out
}

// rowKey appends to dst a row's name: the time, then each of n tags'
// value (tag(k)) or NULL, unambiguously.
func rowKey(dst []byte, ts int64, n int, tag func(k int) (string, bool)) []byte {
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
