package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// updateConflicts is ON CONFLICT DO UPDATE SET c = value, ... [WHERE
// cond]: for each row of the INSERT whose time and tags a stored row has,
// the values are computed over the stored row (named by the table or the
// INSERT's alias) and the row proposed (EXCLUDED: every column of the
// table, NULL where the INSERT gives none), as PostgreSQL evaluates them
// (SET n = t.n + EXCLUDED.n); a row whose WHERE is not true is left out,
// untouched. The row written for an updated one carries its time, its
// tags, the columns set and the NOT NULL ones (their stored values), so
// the fields it does not set keep their stored values (a write leaves the
// fields it does not give). A write cannot store NULL over a field's
// value, so a value computed NULL for a stored value is refused (0A000)
// rather than left out unsaid. A column
// set that the INSERT does not give is added to names (NULL in the rows
// inserted). It returns the names, rows and kinds to write and how many
// rows were inserted or updated.
func (p *Planner) updateConflicts(b *binder, ctx context.Context, db, table string, oc *sql.OnConflict, names []string,
	existing map[string]storage.ColumnMeta, batch *storage.TableBatch, rows [][]any, kinds [][]valueKind, isTag map[string]bool, keyCols []string) ([]string, [][]any, [][]valueKind, int64, error) {
	cols, err := p.Engine.TableSchema(db, table)
	if err != nil {
		return names, rows, kinds, int64(len(rows)), nil // a new table: nothing conflicts
	}
	colNames := make([]string, len(cols))
	for i, c := range cols {
		colNames[i] = c.Name
	}
	// Only the stored values DO UPDATE reads are read: the columns its
	// expressions name (under any qualifier, subqueries' too: a superset)
	// and those it sets (a NULL must not go over a value), and the NOT
	// NULL ones, which the row written for an updated one carries.
	want := append(slices.Clone(oc.Set), storage.NotNullColumns(cols)...)
	named := &astFinder{into: true, match: func(n ast.Node) bool {
		if c, ok := n.(*ast.ColumnNameExpr); ok {
			want = append(want, c.Name.Name.L)
		}
		return false
	}}
	for _, x := range append(slices.Clone(oc.Values), oc.Where) {
		if x != nil {
			x.Accept(named)
		}
	}
	read := make([]string, len(colNames))
	for i, n := range colNames {
		if slices.Contains(want, n) {
			read[i] = n
		}
	}
	stored, err := p.storedRows(ctx, db, table, batch, keyCols, read)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	keys := batch.RowKeys(keyCols)
	var conflicting []int
	for i, k := range keys {
		if stored[k] != nil {
			conflicting = append(conflicting, i)
		}
	}

	// The rows evaluated: each stored row, then the row proposed.
	alias := table
	if oc.Alias != "" {
		alias = oc.Alias
	}
	var in []Column
	s := &scope{}
	// readingPG is 1114 for a column whose values are readings (declared
	// timestamp without time zone or date: storage.Declared.Reading), as
	// both the stored and the proposed values are.
	readingPG := func(name string) uint32 {
		if declaredOf(existing[name]).Reading() {
			return 1114
		}
		return 0
	}
	// A date column's values (its midnights' readings) are read as dates
	// (binder.readValue), as PostgreSQL types EXCLUDED.d and t.d: d + 1
	// and comparisons with dates work.
	add := func(qualifier, name string, typ arrow.DataType) {
		pg := readingPG(name)
		d := declaredOf(existing[name])
		sc := &scopeCol{table: qualifier, name: name, typ: typ, index: len(in), pg: pg, typmod1: d.Typmod() + 1, pad: declaredPad(d)}
		if d.OID == storage.OIDDate {
			sc.pg, sc.dateReading = storage.OIDDate, true
		}
		s.cols = append(s.cols, sc)
		in = append(in, Column{Name: name, Type: typ, PGType: pg})
	}
	for _, c := range cols {
		add(alias, c.Name, conflictValueType(c.Type))
	}
	proposedType := func(name string) (storage.ColumnType, bool) {
		if c, ok := existing[name]; ok {
			return c.Type, true
		}
		for _, f := range batch.Fields {
			if f.Name == name {
				return f.Type, true
			}
		}
		return 0, false
	}
	proposed := slices.Clone(colNames) // EXCLUDED: the table's columns, then the INSERT's new ones
	for _, n := range names {
		if !slices.Contains(proposed, n) {
			proposed = append(proposed, n)
		}
	}
	for _, n := range proposed {
		t, ok := proposedType(n)
		if !ok {
			t = storage.TypeString // a column of NULLs only: text, as a write would make it
		}
		add("excluded", n, conflictValueType(t))
	}
	input := make([][]any, len(conflicting))
	for k, i := range conflicting {
		row := slices.Clone(stored[keys[i]])
		for _, n := range proposed {
			row = append(row, batchValue(batch, n, i))
		}
		input[k] = row
	}
	values := valuesOf(in, input)
	s.node = values

	// The values set, and the WHERE first when there is one.
	var exprs []exec.Expr
	var outCols []Column
	if oc.Where != nil {
		w, err := b.bindBool(s, oc.Where, "WHERE")
		if err != nil {
			return nil, nil, nil, 0, err
		}
		exprs, outCols = append(exprs, w), append(outCols, Column{Name: "where", Type: exec.TypeBool})
	}
	for k, c := range oc.Set {
		typ, ok := proposedType(c)
		if !ok {
			return nil, nil, nil, 0, errorf(CodeUndefinedColumn, "column %q of relation %q does not exist", c, table)
		}
		col := Column{Name: c, Type: conflictValueType(typ), PGType: readingPG(c)}
		var x exec.Expr
		if v := oc.Values[k]; v == nil {
			x = &exec.Column{Index: len(cols) + slices.Index(proposed, c), Name: c, DT: col.Type}
		} else {
			if x, err = b.bindNode(s, v, nil); err != nil { // a quoted literal stays open to be read as the column's type
				return nil, nil, nil, 0, err
			}
			if x, err = b.intValue(x, b.isNumeric(s, v, x), col.Type, declaredOf(existing[c]).OID); err != nil {
				return nil, nil, nil, 0, err
			}
			if x, err = b.assignTo(x, (&selectBinder{b: b, in: s}).pgTypeOf(v, x), col); err != nil {
				return nil, nil, nil, 0, err
			}
		}
		exprs, outCols = append(exprs, x), append(outCols, col)
	}
	out, err := runPlan(b.ctx, p.Engine, &Project{Child: values, Exprs: exprs, Cols: outCols})
	if err != nil {
		return nil, nil, nil, 0, err
	}

	// Columns set that the INSERT does not give join its columns.
	for _, c := range oc.Set {
		if !slices.Contains(names, c) {
			names = append(names, c)
			for i := range rows {
				rows[i], kinds[i] = append(rows[i], nil), append(slices.Clone(kinds[i]), typedValue)
			}
		}
	}
	first := 0
	if oc.Where != nil {
		first = 1
	}
	skip := map[int]bool{}
	for k, i := range conflicting {
		if oc.Where != nil && out[k][0] != true {
			skip[i] = true
			continue
		}
		row, kind := make([]any, len(names)), make([]valueKind, len(names))
		for j, n := range names {
			switch c := slices.Index(oc.Set, n); {
			case n == storage.TimeColumn || isTag[n]:
				row[j], kind[j] = rows[i][j], kinds[i][j]
			case c < 0 && existing[n].NotNull:
				// Its stored value, which the write leaves as it is: a
				// write of a NOT NULL column must give it.
				row[j], kind[j] = stored[keys[i]][slices.Index(colNames, n)], wallKind(readingPG(n))
			case c >= 0:
				row[j], kind[j] = out[k][first+c], wallKind(readingPG(n))
				if at := slices.Index(colNames, n); row[j] == nil && at >= 0 && stored[keys[i]][at] != nil {
					e := notSupported(fmt.Sprintf("ON CONFLICT DO UPDATE setting column %q of a stored row to NULL", n))
					e.Hint = "a write keeps a stored value where it gives none: set it to NULL with UPDATE ... SET " + n + " = NULL WHERE ..."
					return nil, nil, nil, 0, e
				}
			}
		}
		rows[i], kinds[i] = row, kind
	}
	var keptRows [][]any
	var keptKinds [][]valueKind
	for i := range rows {
		if !skip[i] {
			keptRows, keptKinds = append(keptRows, rows[i]), append(keptKinds, kinds[i])
		}
	}
	return names, keptRows, keptKinds, int64(len(keptRows)), nil
}

// conflictValueType is the type a stored column's values have in DO
// UPDATE's expressions: tags and strings are text.
func conflictValueType(t storage.ColumnType) arrow.DataType {
	switch t {
	case storage.TypeTime, storage.TypeTimestamp:
		return exec.TypeTimestamptz
	case storage.TypeTag, storage.TypeString:
		return exec.TypeText
	}
	return storage.ArrowType(t)
}

// batchValue is row i's value of column name in the batch, as a Literal
// holds it (nil for NULL or a column the batch does not have).
func batchValue(batch *storage.TableBatch, name string, i int) any {
	if name == storage.TimeColumn {
		return exec.Timestamp(batch.Time[i])
	}
	for _, t := range batch.Tags {
		if t.Name == name {
			if t.Codes[i] < 0 {
				return nil
			}
			return t.Dict[t.Codes[i]]
		}
	}
	for k := range batch.Fields {
		f := &batch.Fields[k]
		if f.Name != name {
			continue
		}
		if !f.IsValid(i) {
			return nil
		}
		switch f.Type {
		case storage.TypeFloat:
			return f.Floats[i]
		case storage.TypeInt:
			return f.Ints[i]
		case storage.TypeTimestamp:
			return exec.Timestamp(f.Ints[i])
		case storage.TypeUint:
			return f.Uints[i]
		case storage.TypeBool:
			return f.Bools[i/8]&(1<<(i%8)) != 0
		case storage.TypeString:
			return string(f.Data[f.Offsets[i]:f.Offsets[i+1]])
		}
		panic(fmt.Sprintf("planner: field %q of type %v", name, f.Type))
	}
	return nil
}
