package planner

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// Column is one output column of a node.
type Column struct {
	Name string
	Type arrow.DataType
	// Table is, for a scan's columns, the table or alias they come from; for
	// a query's result columns, the stored table a plain column reference
	// reads ("" for computed columns), for result metadata.
	Table string
	// TableOID and AttNum are, for a result column that reads a stored
	// table's column as it is, that table's pg_class OID and the column's
	// pg_attribute number (PostgreSQL's RowDescription carries them:
	// pgjdbc's getTableName, BI tools' editable results); 0 otherwise.
	TableOID uint32
	AttNum   int16
	// TypmodPlus1 is the column's type modifier (pg_attribute.atttypmod:
	// varchar(20)'s 24, timestamp(0)'s 0) plus one, so that the zero value
	// is none; read it with Typmod. A stored column's declared one, kept
	// where PostgreSQL keeps it (typmod.go).
	TypmodPlus1 int32
	// Pad is, for a character(n) value, n: the values are held without
	// their trailing blanks and shown blank-padded to n (typmod.go); 0 for
	// other columns.
	Pad int
	// PGType is the PostgreSQL type OID clients should see when it is
	// narrower than Type's (name, int4, oid, "char", varchar, ... of
	// pg_catalog columns and casts); 0: the one Type maps to.
	PGType uint32
	// Scale is, for a numeric result (PGType 1700), the digits after the
	// point every value has, PostgreSQL's display scale, when the query
	// fixes it (round(x, 2), 1.50, ::numeric(10,2), sums and products of
	// those); 0 when it does not, and values are written with the digits
	// they need. Negative for a quotient (numeric division, avg of
	// integers or numerics): each value has the scale PostgreSQL's
	// division gives it, at least -Scale-1 digits (exec.DivisionScale).
	Scale int
	// Unknown marks a quoted literal (or parameter) of no type yet in a
	// query's select list: a set operation gives it the other branches'
	// type, as PostgreSQL resolves an unknown-type literal.
	Unknown bool
	// Zone is, for InfluxDB 3's tz(x, zone) as a result column of its
	// clients (Session.Influx), the zone of the instants it holds: the
	// HTTP API writes their readings there with the UTC offset, Flight
	// and Parquet a timestamp of that zone, as InfluxDB 3 does
	// (influx_tz.go). An IANA name or a fixed offset (+05:30); "" otherwise.
	Zone string
}

// Typmod is the column's type modifier, which RowDescription carries; -1
// for none.
func (c Column) Typmod() int32 { return c.TypmodPlus1 - 1 }

// Node is a logical plan node.
type Node interface {
	Columns() []Column
	Children() []Node
	// Describe is the node's line in EXPLAIN.
	Describe() string
}

// Scan reads a table through a storage snapshot.
type Scan struct {
	DB, Table string
	Alias     string
	Cols      []Column // the columns read, in this order
	Range     storage.TimeRange
	Tags      []storage.TagFilter
	// Sample is TABLESAMPLE SYSTEM's block sample (nil: every row).
	Sample *storage.Sample
	// Exact reports the time range is already applied by storage (always
	// true: storage time ranges are exact); kept for EXPLAIN clarity.
}

func (n *Scan) Columns() []Column { return n.Cols }
func (n *Scan) Children() []Node  { return nil }
func (n *Scan) Describe() string {
	names := make([]string, len(n.Cols))
	for i, c := range n.Cols {
		names[i] = c.Name
	}
	s := fmt.Sprintf("Scan: %s projection=[%s]", n.Table, strings.Join(names, ", "))
	if n.Range != (storage.TimeRange{}) && n.Range != storage.AllTime() {
		s += fmt.Sprintf(" time=[%s, %s)", fmtBound(n.Range.Min), fmtBound(n.Range.Max))
	}
	for _, t := range n.Tags {
		s += fmt.Sprintf(" %s IN (%s)", t.Column, strings.Join(quoteAll(t.Values), ", "))
	}
	if n.Sample != nil {
		s += fmt.Sprintf(" sample=blocks(%g%%)", n.Sample.Fraction*100)
	}
	return s
}

func quoteAll(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = "'" + v + "'"
	}
	return out
}

func fmtBound(ns int64) string {
	switch ns {
	case storage.AllTime().Min:
		return "-inf"
	case storage.AllTime().Max:
		return "+inf"
	}
	s, _ := exec.FormatValue(timestampArray(ns), 0, time.UTC)
	return s
}

// Filter keeps rows where Pred is true.
type Filter struct {
	Child Node
	Pred  exec.Expr
}

func (n *Filter) Columns() []Column { return n.Child.Columns() }
func (n *Filter) Children() []Node  { return []Node{n.Child} }
func (n *Filter) Describe() string  { return "Filter: " + n.Pred.String() }

// Project computes expressions.
type Project struct {
	Child Node
	Exprs []exec.Expr
	Cols  []Column
}

func (n *Project) Columns() []Column { return n.Cols }
func (n *Project) Children() []Node  { return []Node{n.Child} }
func (n *Project) Describe() string {
	parts := make([]string, len(n.Exprs))
	for i, e := range n.Exprs {
		parts[i] = e.String()
		if n.Cols[i].Name != e.String() {
			parts[i] += " AS " + n.Cols[i].Name
		}
	}
	return "Projection: " + strings.Join(parts, ", ")
}

// Aggregate groups by Keys and computes Aggs; output: keys, then aggs.
type Aggregate struct {
	Child Node
	Keys  []exec.Expr
	Aggs  []exec.Agg
	Cols  []Column
	// PerSplit: aggregated per split by the scan's workers, then merged
	// (rule partial_aggregate).
	PerSplit bool
	// EmptySets: over an Expand, the grouping sets without keys, which
	// have a row even when no row arrives (exec.HashAggregate.EmptySets).
	EmptySets []int64
}

func (n *Aggregate) Columns() []Column { return n.Cols }
func (n *Aggregate) Children() []Node  { return []Node{n.Child} }
func (n *Aggregate) Describe() string {
	keys := make([]string, len(n.Keys))
	for i, k := range n.Keys {
		keys[i] = k.String()
	}
	aggs := make([]string, len(n.Aggs))
	for i, a := range n.Aggs {
		aggs[i] = a.String()
	}
	partial := ""
	if n.PerSplit {
		partial = ", partial per split"
	}
	return fmt.Sprintf("Aggregate: groupBy=[%s], aggr=[%s]%s", strings.Join(keys, ", "), strings.Join(aggs, ", "), partial)
}

// Sort orders rows; Limit ≥ 0 keeps only the first Limit rows (top-k).
type Sort struct {
	Child Node
	Keys  []exec.SortKey
	Limit int64
}

func (n *Sort) Columns() []Column { return n.Child.Columns() }
func (n *Sort) Children() []Node  { return []Node{n.Child} }
func (n *Sort) Describe() string {
	s := "Sort: " + sortKeysString(n.Keys)
	if n.Limit >= 0 {
		s += fmt.Sprintf(" fetch=%d", n.Limit)
	}
	return s
}

// sortKeysString lists sort keys as EXPLAIN shows them: time DESC NULLS
// FIRST, hostname ASC NULLS LAST.
func sortKeysString(sk []exec.SortKey) string {
	keys := make([]string, len(sk))
	for i, k := range sk {
		dir := "ASC"
		if k.Desc {
			dir = "DESC"
		}
		nulls := "NULLS LAST"
		if k.NullsFirst {
			nulls = "NULLS FIRST"
		}
		keys[i] = fmt.Sprintf("%s %s %s", k.Expr, dir, nulls)
	}
	return strings.Join(keys, ", ")
}

// Limit skips Offset rows and passes Count (< 0: all).
type Limit struct {
	Child         Node
	Offset, Count int64
	// Ties, for FETCH FIRST n ROWS WITH TIES, are the sort keys of the
	// sorted child: the rows after the count that tie with the last pass.
	Ties []exec.SortKey
}

func (n *Limit) Columns() []Column { return n.Child.Columns() }
func (n *Limit) Children() []Node  { return []Node{n.Child} }
func (n *Limit) Describe() string {
	if n.Ties != nil {
		return fmt.Sprintf("Limit: skip=%d, fetch=%s with ties", n.Offset, countString(n.Count))
	}
	return fmt.Sprintf("Limit: skip=%d, fetch=%s", n.Offset, countString(n.Count))
}

// Want is the rows the Limit reads before it is done: offset + count,
// at most math.MaxInt64 (a count near it plus an offset would overflow);
// -1 when it reads all (no count).
func (n *Limit) Want() int64 {
	if n.Count < 0 {
		return -1
	}
	if n.Count > math.MaxInt64-n.Offset {
		return math.MaxInt64
	}
	return n.Offset + n.Count
}

func countString(n int64) string {
	if n < 0 {
		return "all"
	}
	return fmt.Sprint(n)
}

// DistinctOn keeps the first row of each group of rows with equal Keys
// (its input is sorted by the keys first).
type DistinctOn struct {
	Child Node
	Keys  []exec.Expr
}

func (n *DistinctOn) Columns() []Column { return n.Child.Columns() }
func (n *DistinctOn) Children() []Node  { return []Node{n.Child} }
func (n *DistinctOn) Describe() string {
	keys := make([]string, len(n.Keys))
	for i, k := range n.Keys {
		keys[i] = k.String()
	}
	return "DistinctOn: " + strings.Join(keys, ", ")
}

// Values is a constant relation (SELECT without FROM, VALUES).
type Values struct {
	Cols []Column
	Rows [][]exec.Expr
}

func (n *Values) Columns() []Column { return n.Cols }
func (n *Values) Children() []Node  { return nil }
func (n *Values) Describe() string  { return fmt.Sprintf("Values: %d rows", len(n.Rows)) }

// Explain renders a plan as an indented tree.
func Explain(n Node) string {
	var b strings.Builder
	var walk func(n Node, depth int)
	walk = func(n Node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.Describe())
		b.WriteByte('\n')
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}
