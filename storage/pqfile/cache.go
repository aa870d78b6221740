package pqfile

import (
	"container/list"
	"math"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// PageCache keeps decoded data pages, and the Arrow dictionaries of tag
// column chunks, of data files in memory, so that repeated queries over the
// same rows skip reading, decompressing and decoding them: that work was a
// third of the CPU of grouped TSBS queries over a day's compacted file, and
// the page reader's buffers most of the garbage of one-host queries. It is
// what PostgreSQL's shared buffers do for heap pages, holding pages decoded.
//
// Files never change once written, so an entry is valid until its file is
// deleted (DropFile frees it early). Cached pages are shared by readers and
// never written; they are never returned to parquet-go's buffer pool, the
// garbage collector frees them once evicted and unused. Entries are evicted
// least recently used first when the cache holds more than its budget. A
// PageCache is safe for concurrent use.
type PageCache struct {
	mu    sync.Mutex
	max   int64
	used  int64
	m     map[pageKey]*list.Element
	files map[uint64]map[pageKey]struct{} // the keys of each file's entries
	lru   list.List                       // of *cacheEntry, front: most recently used
	stats CacheStats
}

// CacheStats are counters of a PageCache.
type CacheStats struct {
	Bytes, Entries             int64 // held now
	Hits, Misses, Evictions    int64 // since creation
	DictionaryHits, Dictionary int64 // dictionary lookups answered / built
}

// pageKey names a page: data page index page of a column chunk, or the
// chunk's dictionary when page is dictPage.
type pageKey struct {
	file          uint64
	group, column int32
	page          int32
}

const dictPage = -1

type cacheEntry struct {
	key  pageKey
	page parquet.Page
	info pageInfo
	dict *dictionary // one reference held by the cache
	size int64
}

// NewPageCache returns a cache holding about maxBytes of decoded pages.
func NewPageCache(maxBytes int64) *PageCache {
	return &PageCache{max: maxBytes, m: map[pageKey]*list.Element{}, files: map[uint64]map[pageKey]struct{}{}}
}

// Stats returns the cache's counters.
func (c *PageCache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Bytes, s.Entries = c.used, int64(len(c.m))
	return s
}

// pageInfo is what a cached page's readers would otherwise compute from
// its values every time.
type pageInfo struct {
	nulls int64 // counting walks the page's levels
	// maxCode is the largest dictionary code of a dictionary-encoded page
	// (readers check codes against the dictionary once, not per row); -1
	// for other pages.
	maxCode int32
}

func infoOf(p parquet.Page) pageInfo {
	info := pageInfo{nulls: p.NumNulls(), maxCode: -1}
	if p.Dictionary() != nil {
		data := p.Data()
		for _, code := range data.Int32() {
			if code < 0 {
				info.maxCode = math.MaxInt32 // out of range of any dictionary
				break
			}
			info.maxCode = max(info.maxCode, code)
		}
	}
	return info
}

// page returns the cached page k and its info, or nil.
func (c *PageCache) page(k pageKey) (parquet.Page, pageInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		c.stats.Misses++
		return nil, pageInfo{}
	}
	c.stats.Hits++
	c.lru.MoveToFront(e)
	ce := e.Value.(*cacheEntry)
	return ce.page, ce.info
}

// addPage caches p as page k and returns its info; the cache owns p from
// now on (the caller must not Release it). Pages larger than the whole
// budget are not kept.
func (c *PageCache) addPage(k pageKey, p parquet.Page) pageInfo {
	size := heldBytes(p) + entryOverhead
	info := infoOf(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok || size > c.max {
		return info // another reader cached it meanwhile; p is left to the GC
	}
	c.insert(&cacheEntry{key: k, page: p, info: info, size: size})
	return info
}

// dictionary returns chunk k's dictionary with a reference for the caller,
// building it with build on a miss, and keeping it if fill.
func (c *PageCache) dictionary(k pageKey, build func() *dictionary, fill bool) *dictionary {
	c.mu.Lock()
	if e, ok := c.m[k]; ok {
		c.stats.DictionaryHits++
		c.lru.MoveToFront(e)
		d := e.Value.(*cacheEntry).dict
		d.retain()
		c.mu.Unlock()
		return d
	}
	c.mu.Unlock()
	d := build()
	if !fill {
		return d
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok { // built meanwhile by another reader
		d.release()
		d = e.Value.(*cacheEntry).dict
		d.retain()
		return d
	}
	c.stats.Dictionary++
	size := int64(len(d.arr.ValueBytes())) + int64(d.len()+1)*4 + entryOverhead
	d.retain()
	if size > c.max {
		d.release()
		return d
	}
	c.insert(&cacheEntry{key: k, dict: d, size: size})
	return d
}

// heldBytes is the memory a decoded page holds: the capacities of its
// value, offset and level buffers. parquet-go takes them from pools in size
// classes (at least 4 KiB), so a small page can hold several times its
// logical Size; counting that keeps the cache within its budget.
func heldBytes(p parquet.Page) int64 {
	data := p.Data()
	n := int64(cap(p.DefinitionLevels()))
	switch {
	case p.Dictionary() != nil:
		n += int64(cap(data.Int32())) * 4
	default:
		switch p.Type().Kind() {
		case parquet.Int64:
			n += int64(cap(data.Int64())) * 8
		case parquet.Double:
			n += int64(cap(data.Double())) * 8
		case parquet.Int32:
			n += int64(cap(data.Int32())) * 4
		case parquet.ByteArray:
			vals, offs := data.ByteArray()
			n += int64(cap(vals)) + int64(cap(offs))*4
		case parquet.Boolean:
			n += int64(cap(data.Boolean()))
		default:
			n += p.Size()
		}
	}
	return max(n, p.Size())
}

// entryOverhead is the bookkeeping of an entry: map slot, list element,
// entry and page headers.
const entryOverhead = 256

func (c *PageCache) insert(e *cacheEntry) {
	c.m[e.key] = c.lru.PushFront(e)
	keys := c.files[e.key.file]
	if keys == nil {
		keys = map[pageKey]struct{}{}
		c.files[e.key.file] = keys
	}
	keys[e.key] = struct{}{}
	c.used += e.size
	for c.used > c.max && c.lru.Len() > 0 {
		c.remove(c.lru.Back())
		c.stats.Evictions++
	}
}

func (c *PageCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cacheEntry)
	delete(c.m, e.key)
	if keys := c.files[e.key.file]; keys != nil {
		delete(keys, e.key)
		if len(keys) == 0 {
			delete(c.files, e.key.file)
		}
	}
	c.used -= e.size
	if e.dict != nil {
		e.dict.release()
	}
}

// DropFile frees the entries of file id (about to be deleted).
func (c *PageCache) DropFile(id uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.files[id] {
		c.remove(c.m[k])
	}
}

// Holds reports whether the cache holds entries of file id.
func (c *PageCache) Holds(id uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.files[id]) > 0
}
