package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/stratadb/strata/storage/objstore"
)

// The catalog is persisted as one JSON object under catalogKey in the object
// store, replaced atomically (temporary file, fsync, rename, directory fsync)
// on every commit:
//
//	{"format": 1 or 2, "version": N, "wal_persisted": S, "next_file_id": F,
//	 "databases": [{"name", "retention" (ns), "tables": [{"name",
//	   "retention" (ns, omitted when the database's applies), "view"
//	   (a materialized view's definition: {"query", "columns", "time",
//	   "continuous", "options"}; omitted for a table),
//	   "natts" (the highest column number given), "columns": [{"name",
//	   "type", "default", "sql_type", "num" (the column's place in SQL,
//	   ColumnMeta.Num; catalogs written before it have none and are
//	   numbered in stored order when read)}], "files": [{"id", "key",
//	   "day", "min_time", "max_time", "rows", "size", "level", "order",
//	   "created", "first_write" (omitted when 0), "columns" (format 2: the
//	   table's column names the file holds under another name, or not at
//	   all; see FileMeta.Columns), "filled" (format 2: the values of
//	   columns added with one since; FileMeta.Filled)}]}], "views" (plain
//	   views)}]}
//
// "type" holds ColumnType numbers; "default", "sql_type", "view" and
// "views" are omitted when empty. A crash at any point leaves either the old
// or the new catalog, both consistent: files are written before the catalog
// names them, and deleted only after a catalog without them is durable.
const catalogKey = "catalog.json"

// format is the oldest catalog format that holds c: 2 when a file has a
// column map or filled columns, else 1.
func (c *catalog) format() int {
	for _, db := range c.Databases {
		for _, t := range db.Tables {
			for _, f := range t.Files {
				if len(f.Columns) > 0 || len(f.Filled) > 0 {
					return 2
				}
			}
		}
	}
	return 1
}

func loadCatalog(ctx context.Context, store objstore.Store) (*catalog, error) {
	obj, err := store.Open(ctx, catalogKey)
	if errors.Is(err, objstore.ErrNotExist) {
		return newCatalog(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	defer obj.Close()
	data, err := io.ReadAll(io.NewSectionReader(obj, 0, obj.Size()))
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	return decodeCatalog(data)
}

func decodeCatalog(data []byte) (*catalog, error) {
	var head struct {
		Format int `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("load catalog: %s is not valid JSON: %w", catalogKey, err)
	}
	if head.Format < 1 || head.Format > CatalogFormat {
		return nil, fmt.Errorf("load catalog: format %d is not supported by this version of Strata (it reads format %d); use the Strata release that wrote this data directory", head.Format, CatalogFormat)
	}
	c := &catalog{}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	c.index()
	return c, nil
}

// commit increments the version and writes the catalog durably.
func (c *catalog) commit(ctx context.Context, store objstore.Store) error {
	c.Version++
	c.Format = c.format()
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode catalog version %d: %w", c.Version, err)
	}
	if _, err := store.Put(ctx, catalogKey, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("commit catalog version %d: %w", c.Version, err)
	}
	return nil
}
