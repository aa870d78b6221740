package planner

import (
	"context"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Insert runs INSERT INTO t [(cols)] VALUES ... | SELECT ... through the
// durable write path (WAL, then the write buffer) and returns the number of
// rows written. Columns keep their stored kind and type; a new column is a
// field typed by its values (tags are created by line protocol); a row
// without time gets the statement's time. Rows with the same series and
// time merge as in line protocol: the later write wins per field.
func (p *Planner) Insert(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (int64, error) {
	ins, ok := stmt.AST.(*ast.InsertStmt)
	if !ok {
		return 0, errorf(CodeSyntax, "not an INSERT statement")
	}
	if ins.IsReplace || len(ins.OnDuplicate) > 0 || ins.Setlist {
		return 0, notSupported("REPLACE, ON DUPLICATE KEY and INSERT ... SET")
	}
	tn, ok := ins.Table.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return 0, errorf(CodeSyntax, "INSERT needs a table name")
	}
	name, ok := tn.Source.(*ast.TableName)
	if !ok {
		return 0, errorf(CodeSyntax, "INSERT needs a table name")
	}
	if s := name.Schema.O; s != "" && s != "public" {
		return 0, errorf(CodeUndefinedTable, "schema %q does not exist", s)
	}
	table := name.Name.O
	existing := map[string]storage.ColumnType{}
	var order []string
	if cols, err := p.Engine.TableSchema(sess.Database, table); err == nil {
		for _, c := range cols {
			existing[c.Name] = c.Type
			order = append(order, c.Name)
		}
	}
	var names []string
	if len(ins.Columns) > 0 {
		for _, c := range ins.Columns {
			names = append(names, c.Name.O)
		}
	} else {
		if len(order) == 0 {
			return 0, errorf(CodeUndefinedTable, "relation %q does not exist; name the columns to create it: INSERT INTO %s (time, ...) VALUES ...", table, table)
		}
		names = order
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return 0, errorf("42701", "column %q specified more than once", n)
		}
		seen[n] = true
	}

	b := newBinder(p, sess, stmt, params)
	var rows [][]any
	if ins.Select != nil {
		r, _, err := b.runSubquery(nil, ins.Select)
		if err != nil {
			return 0, err
		}
		rows = r
	} else {
		for _, list := range ins.Lists {
			row := make([]any, len(list))
			for i, e := range list {
				x, err := b.bindExpr(&scope{}, e)
				if err != nil {
					return 0, err
				}
				x, err = b.fold(x)
				if err != nil {
					return 0, err
				}
				lit, ok := x.(*exec.Literal)
				if !ok {
					return 0, notSupported("non-constant values in INSERT ... VALUES")
				}
				row[i] = lit.V
			}
			rows = append(rows, row)
		}
	}
	for i, r := range rows {
		if len(r) != len(names) {
			return 0, errorf(CodeSyntax, "INSERT row %d has %d values for %d columns", i+1, len(r), len(names))
		}
	}
	if len(rows) == 0 {
		return 0, nil
	}
	batch, err := buildBatch(b.ctx, table, names, existing, rows)
	if err != nil {
		return 0, err
	}
	if err := p.Engine.Write(ctx, sess.Database, []*storage.TableBatch{batch}, storage.WriteOptions{}); err != nil {
		return 0, err
	}
	return int64(len(rows)), nil
}

// buildBatch turns rows of values into a column batch, converting each value
// to its column's type.
func buildBatch(c *exec.Ctx, table string, names []string, existing map[string]storage.ColumnType, rows [][]any) (*storage.TableBatch, error) {
	n := len(rows)
	b := &storage.TableBatch{Table: table, Rows: n, Time: make([]int64, n)}
	timeCol := -1
	for j, name := range names {
		if name == storage.TimeColumn {
			timeCol = j
		}
	}
	for i, r := range rows {
		if timeCol < 0 {
			b.Time[i] = c.Now.UnixNano()
			continue
		}
		v, err := exec.CastValue(c, r[timeCol], exec.TypeTimestamptz)
		if err != nil {
			return nil, errorf(CodeInvalidText, "row %d, column time: %v", i+1, err)
		}
		if v == nil {
			return nil, errorf("23502", "null value in column \"time\" violates not-null constraint")
		}
		b.Time[i] = int64(v.(exec.Timestamp))
	}
	for j, name := range names {
		if j == timeCol {
			continue
		}
		typ, ok := existing[name]
		if !ok {
			typ = inferType(rows, j)
		}
		if typ == storage.TypeTag {
			tag := storage.TagColumn{Name: name, Codes: make([]int32, n)}
			dict := map[string]int32{}
			for i, r := range rows {
				v, err := exec.CastValue(c, r[j], exec.TypeText)
				if err != nil {
					return nil, err
				}
				if v == nil {
					tag.Codes[i] = -1
					continue
				}
				s := v.(string)
				code, ok := dict[s]
				if !ok {
					code = int32(len(tag.Dict))
					dict[s] = code
					tag.Dict = append(tag.Dict, s)
				}
				tag.Codes[i] = code
			}
			b.Tags = append(b.Tags, tag)
			continue
		}
		f, err := fieldColumn(c, name, typ, rows, j)
		if err != nil {
			return nil, err
		}
		b.Fields = append(b.Fields, f)
	}
	return b, nil
}

// inferType types a new column from its first non-NULL value.
func inferType(rows [][]any, j int) storage.ColumnType {
	for _, r := range rows {
		switch r[j].(type) {
		case int64:
			return storage.TypeInt
		case uint64:
			return storage.TypeUint
		case float64:
			return storage.TypeFloat
		case bool:
			return storage.TypeBool
		case string:
			return storage.TypeString
		}
	}
	return storage.TypeFloat
}

func fieldColumn(c *exec.Ctx, name string, typ storage.ColumnType, rows [][]any, j int) (storage.FieldColumn, error) {
	n := len(rows)
	f := storage.FieldColumn{Name: name, Type: typ}
	var dt arrow.DataType
	switch typ {
	case storage.TypeFloat:
		f.Floats, dt = make([]float64, n), exec.TypeFloat
	case storage.TypeInt:
		f.Ints, dt = make([]int64, n), exec.TypeInt
	case storage.TypeUint:
		f.Uints, dt = make([]uint64, n), exec.TypeUint
	case storage.TypeBool:
		f.Bools, dt = make([]byte, (n+7)/8), exec.TypeBool
	case storage.TypeString:
		f.Offsets, dt = make([]int32, n+1), exec.TypeText
	default:
		return f, errorf(CodeDatatype, "column %q cannot be written by INSERT", name)
	}
	valid := make([]byte, (n+7)/8)
	for i, r := range rows {
		v, err := exec.CastValue(c, r[j], dt)
		if err != nil {
			return f, errorf(CodeDatatype, "row %d, column %s: %v", i+1, name, err)
		}
		if v == nil {
			f.Nulls++
			if typ == storage.TypeString {
				f.Offsets[i+1] = int32(len(f.Data))
			}
			continue
		}
		valid[i>>3] |= 1 << (uint(i) & 7)
		switch x := v.(type) {
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return f, errorf(CodeDatatype, "row %d, column %s: %v cannot be stored", i+1, name, x)
			}
			f.Floats[i] = x
		case int64:
			f.Ints[i] = x
		case uint64:
			f.Uints[i] = x
		case bool:
			if x {
				f.Bools[i>>3] |= 1 << (uint(i) & 7)
			}
		case string:
			f.Data = append(f.Data, x...)
		}
		if typ == storage.TypeString {
			f.Offsets[i+1] = int32(len(f.Data))
		}
	}
	if f.Nulls > 0 {
		f.Valid = valid
	}
	return f, nil
}
