package pqfile

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// cachedReads are the reads the page cache tests repeat: whole file,
// pruned by tag, by time, both, row windows, small batches.
func cachedReads() []ReadOptions {
	return []ReadOptions{
		{},
		{BatchRows: 333},
		{Columns: []string{"s", "host", TimeColumn}},
		{Tags: []TagFilter{{Column: "host", Values: []string{"host-07", "host-31"}}}},
		{MinTime: 1234, MaxTime: 2800},
		{MinTime: 1234, MaxTime: 2800, Tags: []TagFilter{{Column: "région", Values: []string{"plain"}}}},
		{RowStart: 700, RowEnd: 2100, BatchRows: 500},
		{RowStart: 2100, RowEnd: 4000, Columns: []string{"b", "u", "région"}},
	}
}

// openMixed writes 4000 mixed rows (nulls in every column, tag chunks whose
// dictionary overflows into PLAIN pages) and opens the bytes twice: without
// a cache and with c.
func openMixed(t *testing.T, c *PageCache, id uint64) (plain, cached *File) {
	mem := checkedAlloc(t)
	recs := mixedRecords(mem, 4000, 1000, 1000, 1)
	defer releaseAll(recs)
	plain, data := writeFile(t, mixedSchema(), recs, WriteOptions{RowGroupRows: 1500, PageRows: 128, DictionaryMaxBytes: 200})
	cached, err := OpenWith(bytes.NewReader(data), int64(len(data)), OpenOptions{Cache: c, ID: id})
	require.NoError(t, err)
	return plain, cached
}

// TestPageCacheSameRows checks that reads through the page cache return what
// reads of the file return, and that a repeated read takes every page from
// the cache.
func TestPageCacheSameRows(t *testing.T) {
	c := NewPageCache(1 << 30)
	plain, cached := openMixed(t, c, 1)
	for i, opts := range cachedReads() {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			opts.Alloc = checkedAlloc(t)
			want, _, wantSt := readAll(t, plain, opts)
			require.NotEmpty(t, want)
			for pass := range 2 {
				got, _, st := readAll(t, cached, opts)
				require.Equal(t, want, got, "pass %d", pass)
				require.Equal(t, wantSt.Rows, st.Rows)
				require.Equal(t, wantSt.PagesRead+wantSt.PagesSkipped, st.PagesRead+st.PagesCached+st.PagesSkipped)
				if pass == 1 {
					require.Zero(t, st.PagesRead, "second pass reads no page")
					require.Equal(t, wantSt.PagesRead, st.PagesCached)
				}
			}
		})
	}
	s := c.Stats()
	require.Positive(t, s.Hits)
	for _, el := range c.m {
		if e := el.Value.(*cacheEntry); e.page != nil {
			require.GreaterOrEqual(t, e.size, e.page.Size()+entryOverhead, "a page counts at least its logical size")
			require.GreaterOrEqual(t, e.size, int64(cap(e.page.DefinitionLevels()))+entryOverhead, "and the buffers it holds")
		}
	}
	require.Positive(t, s.Dictionary)
	require.Positive(t, s.DictionaryHits)
	require.LessOrEqual(t, s.Bytes, int64(1<<30))
}

// TestPageCacheBudget checks that a cache far smaller than the file stays
// within its budget, evicts, and still returns the right rows, to readers
// on many goroutines at once (run with -race).
func TestPageCacheBudget(t *testing.T) {
	const budget = 64 << 10
	c := NewPageCache(budget)
	plain, cached := openMixed(t, c, 7)
	reads := cachedReads()
	want := make([][][]any, len(reads))
	for i, opts := range reads {
		want[i], _, _ = readAll(t, plain, opts)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for k := range 3 * len(reads) {
				i := (k + w) % len(reads)
				got, err := readRows(cached, reads[i])
				if err == nil && !equalRows(want[i], got) {
					err = fmt.Errorf("read %d: rows differ from the uncached read", i)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := c.Stats()
	require.LessOrEqual(t, s.Bytes, int64(budget))
	require.Positive(t, s.Evictions)
	require.Positive(t, s.Hits)

	indexed := 0
	for id, keys := range c.files {
		for k := range keys {
			require.Equal(t, id, k.file)
			require.Contains(t, c.m, k, "the file index names only live entries")
			indexed++
		}
	}
	require.Equal(t, len(c.m), indexed, "every entry is in its file's index")

	c.DropFile(8) // another file: nothing goes
	require.Equal(t, s.Entries, c.Stats().Entries)
	c.DropFile(7)
	require.Zero(t, c.Stats().Entries)
	require.Zero(t, c.Stats().Bytes)
}

// TestPageCacheNoFill checks that a reader with NoCacheFill uses cached
// pages but adds none.
func TestPageCacheNoFill(t *testing.T) {
	c := NewPageCache(1 << 30)
	_, cached := openMixed(t, c, 3)
	opts := ReadOptions{Tags: []TagFilter{{Column: "host", Values: []string{"host-07"}}}}
	readAll(t, cached, opts)
	before := c.Stats()
	require.Positive(t, before.Entries)
	_, _, st := readAll(t, cached, ReadOptions{NoCacheFill: true})
	require.Positive(t, st.PagesCached)
	require.Positive(t, st.PagesRead)
	require.Equal(t, before.Entries, c.Stats().Entries)
}

// readRows is readAll without a testing.T, for goroutines.
func readRows(f *File, opts ReadOptions) ([][]any, error) {
	r := f.NewReader(context.Background(), opts)
	defer r.Release()
	var rows [][]any
	for r.Next() {
		rows = append(rows, rowsOf(r.Record())...)
	}
	return rows, r.Err()
}

func equalRows(a, b [][]any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if fmt.Sprint(a[i]) != fmt.Sprint(b[i]) {
			return false
		}
	}
	return true
}

// TestPageCacheViews checks that reads of cached pages without nulls return
// the pages' own values (buffers no allocator made) and the same rows as a
// read without the cache, with and without a time filter.
func TestPageCacheViews(t *testing.T) {
	mem := checkedAlloc(t)
	plain, cached := cachedTSBS(t, mem, tsbs{series: 4, points: 3000}, 6000)
	for i, opts := range []ReadOptions{
		{},
		{MinTime: benchStart + 500*10e9, MaxTime: benchStart + 2500*10e9},
		{Tags: []TagFilter{{Column: "hostname", Values: []string{tagValue(0, 3)}}}, MinTime: benchStart + 10e9, MaxTime: benchStart + 2000*10e9},
	} {
		opts.Alloc = mem
		want, _, _ := readAll(t, plain, opts)
		readAll(t, cached, opts) // fills the cache
		got, views, cols := readViews(t, cached, opts)
		require.Equal(t, want, got)
		require.Positive(t, views, "read %d", i)
		if i == 0 {
			require.Equal(t, cols, views, "every column of a cached page without nulls is a view")
		}
	}
}

// TestPageCacheShortRuns: where a time filter leaves each series a few rows
// per page, the runs of a page make one copied record, not one each.
func TestPageCacheShortRuns(t *testing.T) {
	mem := checkedAlloc(t)
	plain, cached := cachedTSBS(t, mem, tsbs{series: 200, points: 50}, 10000)
	opts := ReadOptions{Alloc: mem, MinTime: benchStart + 20*10e9, MaxTime: benchStart + 30*10e9}
	want, _, _ := readAll(t, plain, opts)
	require.Len(t, want, 200*10)
	readAll(t, cached, opts)
	r := cached.NewReader(context.Background(), opts)
	defer r.Release()
	var got [][]any
	records := 0
	for r.Next() {
		records++
		got = append(got, rowsOf(r.Record())...)
	}
	require.NoError(t, r.Err())
	require.Equal(t, want, got)
	require.LessOrEqual(t, records, 10, "one record per page (10 pages), not one per series (200)")
}

// cachedTSBS writes g's series (10 s apart from benchStart) in row groups
// of groupRows and pages of 1,000 rows, and opens the bytes twice: without
// a cache and with one of its own.
func cachedTSBS(t *testing.T, mem memory.Allocator, g tsbs, groupRows int) (plain, cached *File) {
	g.start, g.step, g.recRows = benchStart, 10e9, 1024
	recs := g.records(mem)
	defer releaseAll(recs)
	plain, data := writeFile(t, tsbsSchema(), recs, WriteOptions{RowGroupRows: groupRows, PageRows: 1000})
	cached, err := OpenWith(bytes.NewReader(data), int64(len(data)), OpenOptions{Cache: NewPageCache(1 << 30), ID: 9})
	require.NoError(t, err)
	return plain, cached
}

// readViews reads f and counts the record columns that are views.
func readViews(t *testing.T, f *File, opts ReadOptions) (rows [][]any, views, cols int) {
	r := f.NewReader(context.Background(), opts)
	defer r.Release()
	for r.Next() {
		rec := r.Record()
		rows = append(rows, rowsOf(rec)...)
		for _, a := range rec.Columns() {
			cols++
			if !a.Data().Buffers()[1].Mutable() {
				views++
			}
		}
	}
	require.NoError(t, r.Err())
	return rows, views, cols
}
