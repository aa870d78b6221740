package slt

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ColumnKind is the kind of a dataset column, as Strata stores it.
type ColumnKind int

// Column kinds, with the PostgreSQL type each maps to.
const (
	KindTime   ColumnKind = iota + 1 // timestamptz NOT NULL
	KindTag                          // text
	KindFloat                        // double precision
	KindInt                          // bigint
	KindString                       // text
	KindBool                         // boolean
)

var pgTypes = map[ColumnKind]string{
	KindTime: "timestamptz NOT NULL", KindTag: "text", KindFloat: "double precision",
	KindInt: "bigint", KindString: "text", KindBool: "boolean",
}

// DataColumn is one column of a dataset table.
type DataColumn struct {
	Name string
	Kind ColumnKind
}

// DataTable is a table of the dataset after merging writes: one row per
// primary key (tag values + time), each field holding the value of the last
// line that wrote it. Columns are ordered as Strata orders them: time, the
// tags in order of first write, the fields in order of first write.
type DataTable struct {
	Name    string
	Columns []DataColumn
	Rows    []map[string]any // column name → int64, float64, string, bool or time.Time
}

// Dataset is every table of a set of line-protocol files.
type Dataset struct {
	Tables []*DataTable
}

// LoadDataset reads every *.lp file of dir in name order.
func LoadDataset(dir string) (*Dataset, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.lp"))
	if err != nil {
		return nil, fmt.Errorf("list dataset %s: %w", dir, err)
	}
	sort.Strings(paths)
	b := newDatasetBuilder()
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read dataset file: %w", err)
		}
		if err := b.addFile(filepath.Base(p), string(data)); err != nil {
			return nil, err
		}
	}
	return b.finish(), nil
}

type tableBuilder struct {
	t    *DataTable
	kind map[string]ColumnKind
	rows map[string]map[string]any // primary key → row
}

type datasetBuilder struct {
	tables map[string]*tableBuilder
	order  []string
}

func newDatasetBuilder() *datasetBuilder {
	return &datasetBuilder{tables: map[string]*tableBuilder{}}
}

func (b *datasetBuilder) addFile(name, text string) error {
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := parseLine(line)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		if err := b.add(p); err != nil {
			return fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
	}
	return nil
}

func (b *datasetBuilder) add(p *point) error {
	tb := b.tables[p.table]
	if tb == nil {
		tb = &tableBuilder{
			t:    &DataTable{Name: p.table, Columns: []DataColumn{{Name: "time", Kind: KindTime}}},
			kind: map[string]ColumnKind{"time": KindTime},
			rows: map[string]map[string]any{},
		}
		b.tables[p.table] = tb
		b.order = append(b.order, p.table)
	}
	var key strings.Builder
	for _, kv := range p.tags {
		if err := tb.column(kv.key, KindTag); err != nil {
			return err
		}
		fmt.Fprintf(&key, "%q=%q,", kv.key, kv.val)
	}
	for _, kv := range p.fields {
		if err := tb.column(kv.key, kv.kind); err != nil {
			return err
		}
	}
	fmt.Fprintf(&key, "@%d", p.time.UnixNano())
	row := tb.rows[key.String()]
	if row == nil {
		row = map[string]any{"time": p.time}
		for _, kv := range p.tags {
			row[kv.key] = kv.val
		}
		tb.rows[key.String()] = row
	}
	for _, kv := range p.fields {
		row[kv.key] = kv.value
	}
	return nil
}

// column adds a column the first time it is seen (tags after the last tag,
// fields at the end) and rejects a change of kind.
func (tb *tableBuilder) column(name string, kind ColumnKind) error {
	if k, ok := tb.kind[name]; ok {
		if k != kind {
			return fmt.Errorf("column %q of table %q changes kind from %d to %d", name, tb.t.Name, k, kind)
		}
		return nil
	}
	tb.kind[name] = kind
	col := DataColumn{Name: name, Kind: kind}
	cols := tb.t.Columns
	if kind != KindTag {
		tb.t.Columns = append(cols, col)
		return nil
	}
	at := 1
	for at < len(cols) && cols[at].Kind == KindTag {
		at++
	}
	tb.t.Columns = append(cols[:at], append([]DataColumn{col}, cols[at:]...)...)
	return nil
}

// finish orders each table's rows by time, then by tag values (NULL first).
func (b *datasetBuilder) finish() *Dataset {
	ds := &Dataset{}
	for _, name := range b.order {
		tb := b.tables[name]
		for _, r := range tb.rows {
			tb.t.Rows = append(tb.t.Rows, r)
		}
		t := tb.t
		sort.Slice(t.Rows, func(i, j int) bool {
			a, c := t.Rows[i], t.Rows[j]
			if ta, tc := a["time"].(time.Time), c["time"].(time.Time); !ta.Equal(tc) {
				return ta.Before(tc)
			}
			for _, col := range t.Columns {
				if col.Kind != KindTag {
					continue
				}
				va, oka := a[col.Name].(string)
				vc, okc := c[col.Name].(string)
				if oka != okc {
					return !oka
				}
				if va != vc {
					return va < vc
				}
			}
			return false
		})
		ds.Tables = append(ds.Tables, t)
	}
	return ds
}

// SQL returns PostgreSQL statements that create and fill every table:
// DROP TABLE IF EXISTS, CREATE TABLE, and INSERTs of up to 200 rows. The
// text is also valid DuckDB SQL.
func (ds *Dataset) SQL() string {
	var b strings.Builder
	b.WriteString("-- Generated from the line-protocol files of this directory by planner/slt (Dataset.SQL).\n")
	b.WriteString("-- Do not edit: change the .lp files and run go test ./planner/slt -run TestDatasetSQL -rewrite.\n")
	for _, t := range ds.Tables {
		fmt.Fprintf(&b, "\nDROP TABLE IF EXISTS %s;\nCREATE TABLE %s (\n", quoteIdent(t.Name), quoteIdent(t.Name))
		for i, c := range t.Columns {
			sep := ","
			if i == len(t.Columns)-1 {
				sep = ""
			}
			fmt.Fprintf(&b, "  %s %s%s\n", quoteIdent(c.Name), pgTypes[c.Kind], sep)
		}
		b.WriteString(");\n")
		for i, r := range t.Rows {
			if i%200 == 0 {
				if i > 0 {
					b.WriteString(";\n")
				}
				fmt.Fprintf(&b, "INSERT INTO %s VALUES\n", quoteIdent(t.Name))
			} else {
				b.WriteString(",\n")
			}
			b.WriteString("(")
			for j, c := range t.Columns {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(sqlLiteral(r[c.Name]))
			}
			b.WriteString(")")
		}
		if len(t.Rows) > 0 {
			b.WriteString(";\n")
		}
	}
	return b.String()
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case time.Time:
		return "'" + FormatTimestamp(x, true) + "'"
	}
	panic(fmt.Sprintf("slt: unexpected dataset value %T", v))
}
