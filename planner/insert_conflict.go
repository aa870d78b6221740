package planner

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// onConflict applies an INSERT's ON CONFLICT clause to its rows (batch is
// the rows built): a row conflicts when a stored row has its time and
// tags (a table's rows are named so, whatever the target lists, which
// must be time and tags). DO NOTHING leaves out the rows that conflict,
// and the later of two rows of the INSERT with one name; DO UPDATE is
// updateConflicts'. It returns the columns, rows to write and the count
// PostgreSQL reports: rows inserted or updated. Rows another writer stores
// while it runs are not seen.
func (p *Planner) onConflict(b *binder, ctx context.Context, db, table string, oc *sql.OnConflict, names []string, existing map[string]storage.ColumnMeta,
	batch *storage.TableBatch, rows [][]any, kinds [][]valueKind) ([]string, [][]any, [][]valueKind, int64, error) {
	isTag := map[string]bool{}
	for _, t := range batch.Tags {
		isTag[t.Name] = true
	}
	for name, c := range existing {
		if c.Type == storage.TypeTag {
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
	timeName := p.timeName(db, table)
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
	cols, err := p.Engine.TableSchema(db, table)
	if err != nil {
		return out, nil // a new table stores nothing yet
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
		return nil, err
	}
	defer snap.Release()
	r := snap.Reader(ctx)
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		keyOf, err := storage.RecordKeys(rec, keyCols)
		if err != nil {
			return nil, err
		}
		wanted := make([]arrow.Array, len(want))
		for k, name := range want {
			if idx := rec.Schema().FieldIndices(name); name != "" && len(idx) > 0 {
				wanted[k] = rec.Column(idx[0])
			}
		}
		key := make([]byte, 0, 64)
		for i := range int(rec.NumRows()) {
			key = keyOf(key[:0], i)
			vals := make([]any, len(want))
			for k, a := range wanted {
				if a != nil {
					vals[k] = valueAtRow(a, i)
				}
			}
			out[string(key)] = vals
		}
	}
	if err := r.Err(); err != nil {
		return nil, AsError(err)
	}
	return out, nil
}
