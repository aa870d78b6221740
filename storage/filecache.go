package storage

import (
	"container/list"
	"context"
	"fmt"
	"sync"

	"github.com/stratadb/strata/storage/objstore"
	"github.com/stratadb/strata/storage/pqfile"
)

// fileCache keeps data files open with their footer and page index parsed:
// parsing them again for every query was 44% of the CPU of a one-host,
// one-hour query (TSBS single-groupby-1-1-1) on a day's compacted file.
// Files never change once written, so an entry stays valid until the file
// is deleted. Entries in use are never closed; unused ones are closed,
// least recently used first, above max entries. parquet-go's File is safe
// for concurrent readers.
type fileCache struct {
	mu  sync.Mutex
	m   map[uint64]*cachedFile
	lru list.List // unused entries, front: most recently used
	max int
	// pages keeps decoded pages of the files for later queries; nil: off.
	pages *pqfile.PageCache
}

type cachedFile struct {
	id   uint64
	obj  objstore.Object
	pf   *pqfile.File
	refs int
	gone bool          // deleted or evicted: close when the last user lets go
	elem *list.Element // in lru while refs == 0
}

// defaultOpenFiles bounds the unused open files kept (each holds a file
// descriptor and its parsed footer).
const defaultOpenFiles = 256

// acquire returns file f opened, from the cache or newly opened.
func (c *fileCache) acquire(ctx context.Context, store objstore.Store, f *FileMeta) (*cachedFile, error) {
	c.mu.Lock()
	if cf, ok := c.m[f.ID]; ok {
		if cf.elem != nil {
			c.lru.Remove(cf.elem)
			cf.elem = nil
		}
		cf.refs++
		c.mu.Unlock()
		return cf, nil
	}
	c.mu.Unlock()

	obj, err := store.Open(ctx, f.Key)
	if err != nil {
		return nil, fmt.Errorf("read data file %s: %w", f.Key, err)
	}
	pf, err := pqfile.OpenWith(obj, obj.Size(), pqfile.OpenOptions{Cache: c.pages, ID: f.ID})
	if err != nil {
		obj.Close()
		return nil, fmt.Errorf("read data file %s: %w", f.Key, err)
	}
	cf := &cachedFile{id: f.ID, obj: obj, pf: pf, refs: 1}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[uint64]*cachedFile{}
	}
	if have, ok := c.m[f.ID]; ok { // opened meanwhile by another reader
		if have.elem != nil {
			c.lru.Remove(have.elem)
			have.elem = nil
		}
		have.refs++
		obj.Close()
		return have, nil
	}
	c.m[f.ID] = cf
	return cf, nil
}

// release lets a reader's use of cf go.
func (c *fileCache) release(cf *cachedFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cf.refs--
	if cf.refs > 0 {
		return
	}
	if cf.gone {
		cf.obj.Close()
		return
	}
	cf.elem = c.lru.PushFront(cf)
	max := c.max
	if max <= 0 {
		max = defaultOpenFiles
	}
	for c.lru.Len() > max {
		old := c.lru.Remove(c.lru.Back()).(*cachedFile)
		old.elem = nil
		delete(c.m, old.id)
		old.obj.Close()
	}
}

// forget drops a file about to be deleted; readers still using it finish
// (the open descriptor stays valid).
func (c *fileCache) forget(id uint64) {
	if c.pages != nil {
		c.pages.DropFile(id)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cf, ok := c.m[id]
	if !ok {
		return
	}
	delete(c.m, id)
	if cf.elem != nil {
		c.lru.Remove(cf.elem)
		cf.elem = nil
		cf.obj.Close()
		return
	}
	cf.gone = true
}

// close closes every unused file (at engine close; readers are done).
func (c *fileCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, cf := range c.m {
		if cf.refs == 0 {
			cf.obj.Close()
		} else {
			cf.gone = true
		}
		delete(c.m, id)
	}
	c.lru.Init()
}
