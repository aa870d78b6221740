package storage

import (
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFileCache: files stay open between queries, are closed when
// compaction or retention deletes them, and unused ones are closed above
// the cache's size, least recently used first.
func TestFileCache(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	day := int64(24 * time.Hour)
	for d := range int64(4) {
		write(t, e, "db", batchOf(t, "cpu", fmt.Sprintf("%d host=a usage=%d", d*day+10, d)))
		require.NoError(t, e.Persist(ctx))
	}
	cached := func() []uint64 {
		e.files.mu.Lock()
		defer e.files.mu.Unlock()
		var ids []uint64
		for id, cf := range e.files.m {
			require.Zero(t, cf.refs, "no reader is left holding file %d", id)
			ids = append(ids, id)
		}
		return ids
	}
	want := []string{"time=10 host=a usage=0", fmt.Sprintf("time=%d host=a usage=1", day+10), fmt.Sprintf("time=%d host=a usage=2", 2*day+10), fmt.Sprintf("time=%d host=a usage=3", 3*day+10)}
	sort.Strings(want)
	require.Equal(t, want, scan(t, e, all("cpu")))
	first := cached()
	require.Len(t, first, 4, "every file read stays open")
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.ElementsMatch(t, first, cached(), "the second query reuses them")
	pages := e.files.pages
	require.NotNil(t, pages, "the page cache is on by default")
	for _, id := range first {
		require.True(t, pages.Holds(id), "file %d's pages are cached", id)
	}
	hits := pages.Stats().Hits
	require.Equal(t, want, scan(t, e, all("cpu")))
	require.Greater(t, pages.Stats().Hits, hits, "the third query takes pages from the cache")

	// A second file in day 0, then compaction merges day 0's two files:
	// the old ones leave the cache.
	write(t, e, "db", batchOf(t, "cpu", "20 host=b usage=9"))
	require.NoError(t, e.Persist(ctx))
	require.Len(t, scan(t, e, all("cpu")), 5)
	_, err := e.Compact(ctx, true)
	require.NoError(t, err)
	live := map[uint64]bool{}
	e.mu.RLock()
	for _, f := range e.cat.database("db").table("cpu").Files {
		live[f.ID] = true
	}
	e.mu.RUnlock()
	compacted := 0
	for id := range live {
		if !slices.Contains(first, id) {
			compacted++
			require.False(t, pages.Holds(id), "compaction's reads and writes leave no pages of new file %d", id)
		}
	}
	require.Equal(t, 1, compacted)
	for _, id := range first {
		if !live[id] {
			require.False(t, pages.Holds(id), "file %d was deleted but its pages are cached", id)
		}
	}
	require.Len(t, scan(t, e, all("cpu")), 5)
	for _, id := range cached() {
		require.True(t, live[id], "file %d was deleted but is still cached", id)
	}

	e.files.mu.Lock()
	e.files.max = 2
	e.files.mu.Unlock()
	require.Len(t, scan(t, e, all("cpu")), 5)
	require.Len(t, cached(), 2, "unused files above the cache size are closed")
}

func TestTableSize(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	write(t, e, "db", batchOf(t, "cpu", "10 host=a usage=1"))
	n, err := e.TableSize("db", "cpu")
	require.NoError(t, err)
	require.Zero(t, n, "buffered rows have no file yet")
	require.NoError(t, e.Persist(ctx))
	n, err = e.TableSize("db", "cpu")
	require.NoError(t, err)
	e.mu.RLock()
	f := e.cat.database("db").table("cpu").Files[0]
	e.mu.RUnlock()
	require.Equal(t, f.Size, n)
	require.Greater(t, n, int64(100))
	_, err = e.TableSize("db", "nope")
	require.Error(t, err)
}

// TestDefaultPageCacheBytes: the default budget is a quarter of the memory
// the process may use, never more than DefaultPageCacheBytes.
func TestDefaultPageCacheBytes(t *testing.T) {
	got := defaultPageCacheBytes()
	require.Positive(t, got)
	require.LessOrEqual(t, got, int64(DefaultPageCacheBytes))
	if mem := systemMemory(); mem > 0 {
		require.Equal(t, min(int64(DefaultPageCacheBytes), mem/4), got)
	}
	e := openTest(t, t.TempDir())
	defer e.Close()
	require.NotNil(t, e.files.pages)
	off, err := Open(Options{DataDir: t.TempDir(), PageCacheBytes: -1})
	require.NoError(t, err)
	defer off.Close()
	require.Nil(t, off.files.pages, "a negative budget turns the cache off")
}
