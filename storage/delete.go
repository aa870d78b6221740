package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// RowMatch reports which rows of rec, rows of a table in its schema
// (TableSchema's columns, in order), match: true for a row to delete.
type RowMatch func(rec arrow.Record) ([]bool, error)

// RowUpdate returns rec, rows of a table in its schema, with the values an
// UPDATE sets (the same rows, in order, and the same time; a tag may
// change, as long as no two rows end with the same time and tags), and how
// many rows it changed.
type RowUpdate func(rec arrow.Record) (arrow.Record, int64, error)

// Delete removes the rows of table within tr that match says to, and
// returns how many it removed. The write buffer is persisted first when it
// holds rows of the table, so every write acknowledged before Delete began
// is in the files it rewrites; a write acknowledged while it runs is not
// touched. Each partition (a day) is rewritten as a compaction is, and the
// new files of every partition are put in place of the old in one catalog
// commit, as PostgreSQL's
// statement is one transaction: a crash, an error part way (match's, or
// the context's) or a failed commit leaves the table as it was, and a
// crash after the commit leaves it without the rows. The new files take
// disk beside the old until the commit. Only the files whose times meet
// tr, with the files whose times meet theirs (a row's versions lie in files
// that overlap in time), are read and rewritten; a partition where nothing
// matched is left as it was.
func (e *Engine) Delete(ctx context.Context, db, table string, tr TimeRange, match RowMatch) (int64, error) {
	return e.rewrite(ctx, db, table, tr, rewriteFn{match: match})
}

// Update sets values of the rows of table within tr as update says, and
// returns how many rows it changed, the way Delete removes them: the same
// persisting first, rewriting per day, all days in one catalog commit (an
// error part way, such as a value update refuses, changes nothing), and
// leaving a day where nothing changed as it was. A change that leaves a
// NOT NULL column NULL is refused (CodeNotNull).
func (e *Engine) Update(ctx context.Context, db, table string, tr TimeRange, update RowUpdate) (int64, error) {
	e.mu.RLock()
	notNull := e.notNullLocked(db, table)
	e.mu.RUnlock()
	if len(notNull) > 0 {
		set := update
		update = func(rec arrow.Record) (arrow.Record, int64, error) {
			up, n, err := set(rec)
			if err == nil {
				if err = checkRecordNotNull(table, up, notNull); err != nil {
					up.Release()
				}
			}
			return up, n, err
		}
	}
	return e.rewrite(ctx, db, table, tr, rewriteFn{update: update})
}

// rewriteFn is what a rewrite does to the merged rows: drop those match
// reports (Delete) or replace them by update's (Update).
type rewriteFn struct {
	match  RowMatch
	update RowUpdate
}

// apply rewrites recs (which it releases) and returns the rows to write
// and how many rows it removed or changed.
func (fn rewriteFn) apply(recs []arrow.Record) ([]arrow.Record, int64, error) {
	if fn.match != nil {
		return dropMatches(recs, fn.match)
	}
	var out []arrow.Record
	var changed int64
	moved := false // a tag changed: the rows' keys must stay apart
	fail := func(err error) ([]arrow.Record, int64, error) {
		for _, r := range out {
			r.Release()
		}
		return nil, 0, err
	}
	for i, rec := range recs {
		up, n, err := fn.update(rec)
		if err == nil && (up.NumRows() != rec.NumRows() || !up.Schema().Equal(rec.Schema())) {
			err = fmt.Errorf("update: %d rows of %s for %d of %s", up.NumRows(), up.Schema(), rec.NumRows(), rec.Schema())
			up.Release()
		}
		if err == nil {
			for k, f := range rec.Schema().Fields() {
				moved = moved || arrow.TypeEqual(f.Type, TagArrowType) && up.Column(k) != rec.Column(k)
			}
		}
		rec.Release()
		if err != nil {
			for _, r := range recs[i+1:] {
				r.Release()
			}
			return fail(err)
		}
		out = append(out, up)
		changed += n
	}
	if moved {
		if err := distinctKeys(out); err != nil {
			return fail(err)
		}
	}
	return out, changed, nil
}

// distinctKeys checks that no two of the rows of recs (a span's rows,
// which hold every row of their times) have the same time and tags.
func distinctKeys(recs []arrow.Record) error {
	if len(recs) == 0 {
		return nil
	}
	var tags []string
	for _, f := range recs[0].Schema().Fields() {
		if arrow.TypeEqual(f.Type, TagArrowType) {
			tags = append(tags, f.Name)
		}
	}
	seen := map[string]bool{}
	var key []byte
	for _, rec := range recs {
		keyOf, err := RecordKeys(rec, tags)
		if err != nil {
			return err
		}
		for i := range int(rec.NumRows()) {
			key = keyOf(key[:0], i)
			if seen[string(key)] {
				return &Error{Code: CodeDuplicateKey,
					Msg:  "duplicate key value: the UPDATE would give two rows " + describeKey(rec, tags, i) + ", which name one row",
					Hint: "a row is named by its time and tags; DELETE one of the two rows first, or set values that keep them apart",
					Row:  rowName(rec, tags, i)}
			}
			seen[string(key)] = true
		}
	}
	return nil
}

// rowName is row i of rec's time and tags (the tag columns named).
func rowName(rec arrow.Record, tags []string, i int) *RowName {
	n := &RowName{Time: int64(rec.Column(0).(*array.Timestamp).Value(i)), Tags: map[string]*string{}}
	for _, name := range tags {
		d := rec.Column(rec.Schema().FieldIndices(name)[0]).(*array.Dictionary)
		var v *string
		if d.IsValid(i) {
			s := d.Dictionary().(*array.String).Value(d.GetValueIndex(i))
			v = &s
		}
		n.Tags[name] = v
	}
	return n
}

// describeKey names row i of rec by its time and tags, as an error shows
// it: time 2024-01-01T00:00:00Z and host=a, dc=NULL.
func describeKey(rec arrow.Record, tags []string, i int) string {
	n := rowName(rec, tags, i)
	ts := time.Unix(0, n.Time).UTC().Format(time.RFC3339Nano)
	var parts []string
	for _, name := range tags {
		v := "NULL"
		if t := n.Tags[name]; t != nil {
			v = *t
		}
		parts = append(parts, name+"="+v)
	}
	if len(parts) == 0 {
		return "time " + ts
	}
	return "time " + ts + " and " + strings.Join(parts, ", ")
}

// rewrite is Delete and Update: fn applied to each day's rows that tr may
// hold, after the buffer is persisted.
func (e *Engine) rewrite(ctx context.Context, db, table string, tr TimeRange, fn rewriteFn) (int64, error) {
	if tr == (TimeRange{}) {
		tr = allTime
	}
	if err := e.persistTable(ctx, db, table); err != nil {
		return 0, err
	}
	e.compactMu.Lock()
	defer e.compactMu.Unlock()
	jobs, err := e.rewriteJobs(db, table, tr, fn)
	if err != nil {
		return 0, err
	}
	var built []*builtJob
	defer func() {
		for _, b := range built {
			e.unref(b.job.files)
		}
	}()
	if err := e.buildAll(ctx, jobs, &built); err != nil {
		return 0, err
	}
	var st CompactStats
	if err := e.install(ctx, built, &st); err != nil {
		return 0, err
	}
	return st.RowsDeleted, nil
}

// persistTable persists the write buffer when it holds rows of the table
// (a DELETE of a table no one writes to, or a refresh, need not wait for
// every other table's rows to be written).
func (e *Engine) persistTable(ctx context.Context, db, table string) error {
	e.mu.RLock()
	held := e.active.holds(db, table)
	for _, b := range e.frozen {
		held = held || b.holds(db, table)
	}
	e.mu.RUnlock()
	if !held {
		return nil
	}
	return e.Persist(ctx)
}

// buildAll carries out jobs, appending to built those that changed
// something. On an error (a job's, or the context's) it deletes the
// outputs of every job in built and returns it; either way the caller
// unrefs the built jobs' files.
func (e *Engine) buildAll(ctx context.Context, jobs []compactJob, built *[]*builtJob) error {
	for _, job := range jobs {
		err := ctx.Err()
		var b *builtJob
		if err == nil {
			b, err = e.buildJob(ctx, job)
		}
		if err != nil {
			for _, b := range *built {
				e.doomOuts(b.outs)
			}
			return err
		}
		if b != nil {
			*built = append(*built, b)
		}
	}
	return nil
}

// rewriteJobs plans a rewrite: per partition, the clusters of files whose
// time spans meet one another (a primary key's versions are all in one
// cluster) that meet tr, each one job, cut by time like a large compaction
// when it holds over CompactMaxRows rows.
func (e *Engine) rewriteJobs(db, table string, tr TimeRange, fn rewriteFn) ([]compactJob, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return nil, err
	}
	days, byDay := filesByDay(t.Files)
	slices.Sort(days)
	var jobs []compactJob
	for _, day := range days {
		for _, files := range timeClusters(byDay[day]) {
			if !slices.ContainsFunc(files, func(f *FileMeta) bool { return tr.Overlaps(f.MinTime, f.MaxTime) }) {
				continue
			}
			job := compactJob{key: partKey{db: db, table: table, day: day}, rewrite: &fn, compactPlan: compactPlan{files: files}}
			var rows int64
			for _, f := range files {
				rows += f.Rows
			}
			if rows > e.opts.CompactMaxRows {
				job.cut, job.maxRows = true, e.opts.CompactMaxRows
			}
			jobs = append(jobs, job)
		}
	}
	return jobs, nil
}

// dropMatches removes from the merged (deduplicated) rows of a span the
// ones match reports, returning the rows kept (slices of recs, which it
// releases) and how many it removed.
func dropMatches(recs []arrow.Record, match RowMatch) (kept []arrow.Record, removed int64, err error) {
	defer func() {
		for _, r := range recs {
			r.Release()
		}
		if err != nil {
			for _, r := range kept {
				r.Release()
			}
			kept = nil
		}
	}()
	for _, rec := range recs {
		m, err := match(rec)
		if err != nil {
			return kept, removed, err
		}
		if len(m) != int(rec.NumRows()) {
			return kept, removed, fmt.Errorf("delete: %d answers for %d rows", len(m), rec.NumRows())
		}
		for i := 0; i < len(m); {
			j := i + 1
			for j < len(m) && m[j] == m[i] {
				j++
			}
			if m[i] {
				removed += int64(j - i)
			} else {
				kept = append(kept, rec.NewSlice(int64(i), int64(j)))
			}
			i = j
		}
	}
	return kept, removed, nil
}
