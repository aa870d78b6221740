package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// onConflict applies an INSERT's ON CONFLICT clause to its rows (batch is
// the rows built): a row conflicts when a stored row has its time and
// tags (a table's rows are named so, whatever the target lists, which
// must be time and tags). DO NOTHING leaves out the rows that conflict,
// and the later of two rows of the INSERT with one name; DO UPDATE is
// updateConflicts'. It returns the columns, rows to write and the count
// PostgreSQL reports: rows inserted or updated. Rows a line-protocol write
// stores while it runs are not seen (SQL writes wait: lockStoredKeys).
func (p *Planner) onConflict(b *binder, ctx context.Context, db, table string, oc *sql.OnConflict, names []string, existing map[string]storage.ColumnMeta,
	batch *storage.TableBatch, rows [][]any, kinds [][]valueKind) ([]string, [][]any, [][]valueKind, int64, error) {
	keyCols := tagNames(p.tableSchema(db, table), batch)
	isTag := make(map[string]bool, len(keyCols))
	for _, n := range keyCols {
		isTag[n] = true
	}
	timeName := p.timeName(db, table)
	if err := p.conflictArbiter(db, table, oc); err != nil {
		return nil, nil, nil, 0, err
	}
	for _, t := range storedNames(oc.Target, timeName) {
		if t != storage.TimeColumn && !isTag[t] {
			e := errorf("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification")
			e.Hint = "a row of " + table + " is named by time and its tags (" + strings.Join(keyCols, ", ") + "): name those, or no target"
			return nil, nil, nil, 0, e
		}
	}
	for _, c := range storedNames(oc.Set, timeName) {
		if c == storage.TimeColumn || isTag[c] {
			e := notSupported(fmt.Sprintf("ON CONFLICT DO UPDATE SET %s, which names the row,", c))
			e.Hint = "set fields only"
			return nil, nil, nil, 0, e
		}
	}
	if !oc.Nothing {
		return p.updateConflicts(b, ctx, db, table, oc, names, existing, batch, rows, kinds, isTag, keyCols)
	}
	stored, err := p.storedKeys(ctx, db, table, batch, keyCols)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	keys := batch.RowKeys(keyCols)
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
	return names, keptRows, keptKinds, int64(len(keptRows)), nil
}

// storedKeys are the names (time and the tags keyCols, see batchKey) of
// the stored rows of table in the batch's span of time, narrowed by the
// values of the tags every row of the batch gives.
func (p *Planner) storedKeys(ctx context.Context, db, table string, batch *storage.TableBatch, keyCols []string) (map[string]bool, error) {
	rows, err := p.storedRows(ctx, db, table, batch, keyCols, nil)
	out := make(map[string]bool, len(rows))
	for k := range rows {
		out[k] = true
	}
	return out, err
}

// storedRows are storedKeys' rows by their names, each with its values of
// the columns want (empty, not nil, for none; NULL for a name "").
func (p *Planner) storedRows(ctx context.Context, db, table string, batch *storage.TableBatch, keyCols, want []string) (map[string][]any, error) {
	out := map[string][]any{}
	var wanted []arrow.Array
	var last arrow.Record
	err := p.scanStored(ctx, db, table, batch, keyCols, want, func(key []byte, rec arrow.Record, i int) {
		if rec != last {
			last, wanted = rec, make([]arrow.Array, len(want))
			for k, name := range want {
				if idx := rec.Schema().FieldIndices(name); name != "" && len(idx) > 0 {
					wanted[k] = rec.Column(idx[0])
				}
			}
		}
		vals := make([]any, len(want))
		for k, a := range wanted {
			if a != nil {
				vals[k] = valueAtRow(a, i)
			}
		}
		out[string(key)] = vals
	})
	return out, err
}

// scanStored calls fn with the name (time and the tags keyCols, see
// batchKey) of each stored row of table in the batch's span of time,
// narrowed by the values of the tags every row of the batch gives; rec
// holds the row (i) with the columns want besides time and the tags. A
// table not yet made stores nothing.
func (p *Planner) scanStored(ctx context.Context, db, table string, batch *storage.TableBatch, keyCols, want []string, fn func(key []byte, rec arrow.Record, i int)) error {
	cols, err := p.Engine.TableSchema(db, table)
	if err != nil || batch.Rows == 0 {
		return nil
	}
	lo, hi := slices.Min(batch.Time), slices.Max(batch.Time)
	req := storage.ScanRequest{Database: db, Table: table, Columns: []string{storage.TimeColumn}, Range: storage.TimeRange{Min: lo, Max: hi + 1}}
	for _, c := range cols {
		if c.Type == storage.TypeTag || c.Name != storage.TimeColumn && slices.Contains(want, c.Name) {
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
		return err
	}
	defer snap.Release()
	r := snap.Reader(ctx)
	defer r.Release()
	tags := batchTagSets(batch, keyCols)
	key := make([]byte, 0, 64)
	for r.Next() {
		rec := r.Record()
		keyOf, err := storage.RecordKeys(rec, keyCols)
		if err != nil {
			return err
		}
		may := tags.matcher(rec)
		for i := range int(rec.NumRows()) {
			if may(i) {
				key = keyOf(key[:0], i)
				fn(key, rec, i)
			}
		}
	}
	if err := r.Err(); err != nil {
		return AsError(err)
	}
	return nil
}

// tagSets are, for each tag of a row's name, the values rows of a batch
// give it and whether one gives it none (NULL): a stored row with another
// value there names none of the batch's rows. The span's stored rows are
// read whole (a scan's tag filter only skips files and writes), so
// scanStored passes over the others without making their names.
type tagSets []struct {
	name   string
	values map[string]bool
	null   bool
}

// batchTagSets are the tagSets of batch over the tags keyCols.
func batchTagSets(batch *storage.TableBatch, keyCols []string) tagSets {
	out := make(tagSets, len(keyCols))
	for k, name := range keyCols {
		out[k].name = name
		t := batch.Tag(name)
		if t == nil {
			out[k].null = true
			continue
		}
		out[k].values = make(map[string]bool, len(t.Dict))
		used := make([]bool, len(t.Dict))
		for _, c := range t.Codes[:batch.Rows] {
			if c < 0 {
				out[k].null = true
			} else {
				used[c] = true
			}
		}
		for c, v := range t.Dict {
			if used[c] {
				out[k].values[v] = true
			}
		}
	}
	return out
}

// matcher reports, for a row of rec (a stored record: tags dictionary
// encoded, a tag it lacks NULL), whether its tags may name a row of the
// batch.
func (ts tagSets) matcher(rec arrow.Record) func(i int) bool {
	type column struct {
		codes   *array.Dictionary
		allowed []bool // by dictionary index
		null    bool
	}
	cols := make([]column, 0, len(ts))
	for _, t := range ts {
		at := rec.Schema().FieldIndices(t.name)
		if len(at) == 0 {
			if !t.null {
				return func(int) bool { return false } // every row NULL there
			}
			continue
		}
		d, ok := rec.Column(at[0]).(*array.Dictionary)
		var dict *array.String
		if ok {
			dict, ok = d.Dictionary().(*array.String)
		}
		if !ok {
			return func(int) bool { return true } // not a stored tag: let the names decide
		}
		allowed := make([]bool, dict.Len())
		for j := range allowed {
			allowed[j] = t.values[dict.Value(j)]
		}
		cols = append(cols, column{codes: d, allowed: allowed, null: t.null})
	}
	return func(i int) bool {
		for _, c := range cols {
			if c.codes.IsNull(i) {
				if !c.null {
					return false
				}
			} else if !c.allowed[c.codes.GetValueIndex(i)] {
				return false
			}
		}
		return true
	}
}
