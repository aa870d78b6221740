package planner

import (
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// CatalogValues is a pg_catalog table: the rows copied from PostgreSQL
// (Static, built into a record once per process and shared, read-only, by
// every execution) and the rows describing Strata's objects (Rows, built
// per execution like Values). The static rows of pg_attribute, pg_type and
// pg_class number in the hundreds to thousands; building them per query,
// and per outer row in correlated subqueries, cost tens of milliseconds.
type CatalogValues struct {
	Table  string
	Cols   []Column
	Static arrow.Record // nil: none
	Rows   [][]exec.Expr
}

func (n *CatalogValues) Columns() []Column { return n.Cols }
func (n *CatalogValues) Children() []Node  { return nil }
func (n *CatalogValues) Describe() string {
	static := int64(0)
	if n.Static != nil {
		static = n.Static.NumRows()
	}
	return fmt.Sprintf("Catalog: %s (%d rows)", n.Table, static+int64(len(n.Rows)))
}

// build returns the operator over both parts.
func (n *CatalogValues) build(c *exec.Ctx) (exec.Operator, error) {
	schema := schemaOf(n.Cols)
	var recs []arrow.Record
	if n.Static != nil && n.Static.NumRows() > 0 {
		recs = append(recs, n.Static)
	}
	if len(n.Rows) > 0 {
		rec, err := valuesRecord(c, &Values{Cols: n.Cols, Rows: n.Rows})
		if err != nil {
			return nil, err
		}
		defer rec.Release()
		recs = append(recs, rec)
	}
	return exec.NewValues(schema, recs...), nil
}

var (
	staticMu      sync.Mutex
	staticRecords = map[string]arrow.Record{}
)

// staticRecord is the record of a catalog's copied rows with columns cols,
// built on first use and kept for the life of the process.
func staticRecord(table string, cols []Column, rows func() [][]exec.Expr) (arrow.Record, error) {
	staticMu.Lock()
	defer staticMu.Unlock()
	if rec, ok := staticRecords[table]; ok {
		return rec, nil
	}
	rec, err := valuesRecord(exec.NewCtx(), &Values{Cols: cols, Rows: rows()})
	if err != nil {
		return nil, err
	}
	staticRecords[table] = rec
	return rec, nil
}
