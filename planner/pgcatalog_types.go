package planner

import (
	_ "embed"
	"encoding/json"
	"sync"
)

// pgcatalog.json is written by ./planner/internal/gencatalog (make
// gen-catalog) from a real PostgreSQL 15: the columns of every pg_catalog
// table and view, and the rows of the static catalogs.
//
//go:embed pgcatalog.json
var pgCatalogJSON []byte

// pgColumn is a pg_catalog column: its name and PostgreSQL type OID.
type pgColumn struct {
	name string
	oid  int
}

var (
	pgCatalogOnce     sync.Once
	pgCatalogColumns  map[string][]pgColumn
	infoSchemaColumns map[string][]pgColumn
	pgCatalogRows     map[string][][]*string
)

// loadPgCatalog decodes the embedded catalog once, on first use.
func loadPgCatalog() {
	pgCatalogOnce.Do(func() {
		var f struct {
			Columns     map[string][][2]any    `json:"columns"`
			InfoColumns map[string][][2]any    `json:"info_columns"`
			RelOIDs     map[string]int64       `json:"relation_oids"`
			Rows        map[string][][]*string `json:"rows"`
		}
		if err := json.Unmarshal(pgCatalogJSON, &f); err != nil {
			panic("planner: embedded pgcatalog.json is corrupt: " + err.Error())
		}
		pgCatalogColumns = decodeColumns(f.Columns)
		infoSchemaColumns = decodeColumns(f.InfoColumns)
		for name, oid := range f.RelOIDs {
			catalogRelationOIDs[name] = oid
		}
		pgCatalogRows = f.Rows
	})
}

func decodeColumns(in map[string][][2]any) map[string][]pgColumn {
	out := make(map[string][]pgColumn, len(in))
	for table, cols := range in {
		for _, c := range cols {
			name, _ := c[0].(string)
			oid, _ := c[1].(float64)
			out[table] = append(out[table], pgColumn{name: name, oid: int(oid)})
		}
	}
	return out
}
