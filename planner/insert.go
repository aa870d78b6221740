package planner

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Insert runs INSERT INTO t [(cols)] VALUES ... | SELECT ... through the
// durable write path (WAL, then the write buffer) and returns the number of
// rows written. Columns keep their stored kind and type. A new column is
// typed by all its values, as PostgreSQL types a VALUES list (1 and 1.5
// make double precision); in a new table its text columns are tags, which
// tell its series apart, and the others fields; a new text column of an
// existing table is a field, as a line-protocol string is. A row without
// time gets the statement's time. Rows with the same series and time merge
// as in line protocol (the later write wins per field), so two rows of one
// INSERT that would merge are refused.
func (p *Planner) Insert(ctx context.Context, sess *Session, stmt *sql.Statement, params []any) (int64, error) {
	return p.InsertRows(ctx, sess, stmt, [][]any{params})
}

// InsertRows runs an INSERT once per set of parameter values (a client's
// batch) and writes every row they make in one durable write: all of them
// or, when one set fails, none.
func (p *Planner) InsertRows(ctx context.Context, sess *Session, stmt *sql.Statement, paramSets [][]any) (int64, error) {
	if stmt.Returning != nil {
		// Its rows are not wanted here, only their count.
		if len(paramSets) != 1 {
			return 0, notSupported("a batch of INSERT ... RETURNING")
		}
		n, _, op, err := p.InsertReturning(ctx, sess, stmt, paramSets[0])
		if op != nil {
			op.Close()
		}
		return n, err
	}
	n, err := p.insertRows(ctx, sess, stmt, paramSets)
	return n, finishError(stmt, err)
}

func (p *Planner) insertRows(ctx context.Context, sess *Session, stmt *sql.Statement, paramSets [][]any) (int64, error) {
	return p.insertWith(ctx, sess, stmt, paramSets, insertWrite{})
}

// insertWrite is how a materialized view's refresh writes through the
// INSERT path: into the view's table (which refuses other writes), with
// replace, once the rows are computed, storing them (nil when there are
// none) instead of a write: the refresh puts them in place of the rows
// of the range it refreshes.
type insertWrite struct {
	refresh bool
	replace func(batch *storage.TableBatch) error
	// written, when set, is given the batch written once it is durable.
	written func(batch *storage.TableBatch)
}

func (p *Planner) insertWith(ctx context.Context, sess *Session, stmt *sql.Statement, paramSets [][]any, w insertWrite) (int64, error) {
	ins, ok := stmt.AST.(*ast.InsertStmt)
	if !ok {
		return 0, errorf(CodeSyntax, "not an INSERT statement")
	}
	if ins.IsReplace || len(ins.OnDuplicate) > 0 || ins.Setlist {
		return 0, notSupported("REPLACE, ON DUPLICATE KEY and INSERT ... SET")
	}
	name, ok := insertTable(ins)
	if !ok {
		return 0, errorf(CodeSyntax, "INSERT needs a table name")
	}
	table := name.Name.O
	if err := p.writableTable(sess, stmt, "INSERT", name.Schema.O, table, w.refresh); err != nil {
		return 0, err
	}
	existing := map[string]storage.ColumnMeta{}
	var order []string
	cols, _ := p.Engine.TableSchema(sess.Database, table)
	defaults := map[string]string{}
	for _, c := range sqlOrder(cols) { // order: no column list written (column_order.go)
		existing[c.Name] = c
		order = append(order, c.Name)
		if c.Default != "" {
			defaults[c.Name] = c.Default
		}
	}
	names := storedNames(insertNames(ins, order), p.timeName(sess.Database, table))
	if len(names) == 0 {
		return 0, errorf(CodeUndefinedTable, "relation %q does not exist; name the columns to create it: INSERT INTO %s (time, ...) VALUES ...", table, table)
	}
	if len(ins.Columns) == 0 && len(ins.Lists) > 0 && len(ins.Lists[0]) > 0 && len(ins.Lists[0]) < len(names) {
		// No column list: the values fill the table's first columns, the
		// others are left out (NULL), as in PostgreSQL.
		names = names[:len(ins.Lists[0])]
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return 0, errorf("42701", "column %q specified more than once", n)
		}
		seen[n] = true
	}

	var rows [][]any
	var kinds [][]valueKind
	var tags []bool // INSERT ... SELECT: which text columns a new table makes tags (nil: all)
	var b *binder
	for _, params := range paramSets {
		b = newBinder(ctx, p, sess, stmt, params)
		r, k, t, err := b.insertValues(ins, names, defaults)
		if err != nil {
			return 0, err
		}
		rows, kinds, tags = append(rows, r...), append(kinds, k...), t
	}
	if len(rows) > 0 && len(defaults) > 0 {
		var err error
		if names, rows, kinds, tags, err = b.addDefaults(cols, names, rows, kinds, tags); err != nil {
			return 0, err
		}
	}
	none := func() error { // no rows: a refresh still removes the range's
		if w.replace != nil {
			return w.replace(nil)
		}
		return nil
	}
	if len(rows) == 0 {
		return 0, none()
	}
	batch, err := buildBatch(b.ctx, table, names, existing, rows, kinds, tags)
	if err != nil {
		err, _ = p.notNullViolation(sess, table, nil, err)
		return 0, err
	}
	count := int64(len(rows))
	// A table with a key refuses a row whose key is taken (key_conflict.go);
	// a refresh writes a view's rows, which has none.
	_, keyed := p.Engine.Key(sess.Database, table)
	keyed = keyed && w.replace == nil && !w.refresh
	if keyed || stmt.OnConflict != nil && w.replace == nil && !w.refresh {
		unlock, err := p.lockStoredKeys(ctx, sess.Database, table)
		if err != nil {
			return 0, err
		}
		defer unlock()
	}
	if oc := stmt.OnConflict; oc != nil {
		// The rows proposed hold what their columns' declared types make
		// of them (EXCLUDED.price of a numeric(10,2) is rounded), as
		// PostgreSQL forms them before looking for conflicts.
		if err := checkDeclared(cols, batch); err != nil {
			return 0, err
		}
		if err := batch.CheckNotNull(storage.NotNullColumns(cols)); err != nil {
			err, _ = p.notNullViolation(sess, table, batch, err)
			return 0, err // PostgreSQL checks the row proposed, conflict or not
		}
		if names, rows, kinds, count, err = p.onConflict(b, ctx, sess.Database, table, oc, names, existing, batch, rows, kinds); err != nil {
			return 0, err
		}
		if len(rows) == 0 {
			return 0, none()
		}
		for tags != nil && len(tags) < len(names) {
			tags = append(tags, false) // a column DO UPDATE sets: the table's own
		}
		if batch, err = buildBatch(b.ctx, table, names, existing, rows, kinds, tags); err != nil {
			err, _ = p.notNullViolation(sess, table, nil, err)
			return 0, err
		}
	}
	if err := checkDeclared(cols, batch); err != nil {
		return 0, err
	}
	if keyed && stmt.OnConflict == nil {
		row, err := p.keyConflict(ctx, sess.Database, table, batch)
		if err != nil {
			return 0, err
		}
		if row >= 0 {
			return 0, p.duplicateKey(sess, table, batch, row)
		}
	} else if err := checkMerges(batch, stmt.OnConflict); err != nil {
		return 0, err
	}
	if w.replace != nil {
		err = w.replace(batch)
	} else {
		err = p.Engine.Write(ctx, sess.Database, []*storage.TableBatch{batch}, storage.WriteOptions{Refresh: w.refresh})
	}
	if err != nil {
		err, _ = p.notNullViolation(sess, table, batch, err)
		return 0, err
	}
	if w.written != nil {
		w.written(batch)
	}
	return count, nil
}

// insertValues computes the rows an INSERT's VALUES or SELECT make with
// the binder's parameters, with how each value is read into its column
// and, for INSERT ... SELECT, which text columns a new table makes tags.
// bareColumns reports, for each of the n columns of an INSERT's SELECT,
// whether it is a column named bare (host, c.note); nil when the query's
// columns cannot be told apart so (SELECT *, set operations).
func bareColumns(q ast.ResultSetNode, n int) []bool {
	sel, ok := q.(*ast.SelectStmt)
	if !ok || sel.Fields == nil || len(sel.Fields.Fields) != n {
		return nil
	}
	out := make([]bool, n)
	for j, f := range sel.Fields.Fields {
		if f.WildCard != nil {
			return nil
		}
		_, out[j] = unparen(f.Expr).(*ast.ColumnNameExpr)
	}
	return out
}

func (b *binder) insertValues(ins *ast.InsertStmt, names []string, defaults map[string]string) (rows [][]any, kinds [][]valueKind, tags []bool, err error) {
	if ins.Select != nil {
		r, cols, err := b.runSubquery(nil, ins.Select)
		if err != nil {
			return nil, nil, nil, err
		}
		if err := checkArity(len(cols), len(names), 0); err != nil {
			return nil, nil, nil, err
		}
		rows = r
		// A query's columns are typed: a numeric (held as float8) rounds
		// half away from zero into an integer column; a bare quoted
		// literal or parameter in its select list takes the column's type
		// (PostgreSQL resolves it so); other text is text. In a new table
		// a tag stays a tag and a text field named bare a field; other
		// text (upper(host), split_part(...), a constant) is a tag, as in
		// INSERT ... VALUES: a rollup's computed dimensions tell its
		// series apart.
		bare := bareColumns(ins.Select, len(cols))
		colKinds := make([]valueKind, len(cols))
		tags = make([]bool, len(cols))
		for j, c := range cols {
			if bare != nil && !bare[j] && c.Type.ID() == arrow.STRING {
				tags[j] = true
			}
			switch {
			case c.PGType == oidNumericPG && c.Type.ID() == arrow.FLOAT64:
				colKinds[j] = numericValue
			case c.Unknown:
				colKinds[j], tags[j] = unknownValue, true
			case c.Type.ID() == arrow.TIMESTAMP:
				colKinds[j] = wallKind(c.PGType)
			}
			tags[j] = tags[j] || c.Type.ID() == arrow.DICTIONARY
		}
		for range rows {
			kinds = append(kinds, colKinds)
		}
	} else {
		for i, list := range ins.Lists {
			if err := checkArity(len(list), len(names), i+1); err != nil {
				return nil, nil, nil, err
			}
			row := make([]any, len(list))
			kind := make([]valueKind, len(list))
			for j, e := range list {
				if _, isDefault := e.(*ast.DefaultExpr); isDefault {
					// DEFAULT: the column's default; without one NULL,
					// and time's the statement's time (as a row without
					// one gets).
					if text := defaults[names[j]]; text != "" {
						vals, k, err := b.defaultValues(text, 1)
						if err != nil {
							return nil, nil, nil, err
						}
						row[j], kind[j] = vals[0], k
					} else if names[j] == storage.TimeColumn {
						row[j] = exec.Timestamp(b.ctx.Now.UnixNano())
					}
					continue
				}
				x, err := b.bindExpr(&scope{}, e)
				if err != nil {
					return nil, nil, nil, err
				}
				kind[j] = b.valueKindOf(e, x)
				x, err = b.fold(x)
				if err != nil {
					return nil, nil, nil, err
				}
				lit, ok := x.(*exec.Literal)
				if !ok {
					// What folding leaves (CASE, IN lists, the clock) is
					// computed now: VALUES reads no columns.
					v, err := constantValue(b.ctx, x)
					if err != nil {
						return nil, nil, nil, err
					}
					lit = &exec.Literal{V: v, DT: x.Type()}
				}
				row[j] = lit.V
			}
			rows = append(rows, row)
			kinds = append(kinds, kind)
		}
	}
	return rows, kinds, tags, nil
}

// insertParamTypes types the parameters of an INSERT for Describe: a
// parameter that is a VALUES item of an existing column has the column's
// type (a tag's is text), as PostgreSQL infers it from the target, so
// drivers send typed values; others stay untyped (nil). A declared type
// is reported as it is (date, timestamp, int4: pgx sends a time.Time for
// a timestamp column as its reading, not as an instant).
func (p *Planner) insertParamTypes(sess *Session, stmt *sql.Statement) []ParamType {
	types := make([]ParamType, stmt.NumParams)
	ins, ok := stmt.AST.(*ast.InsertStmt)
	if !ok || ins.Select != nil {
		return types
	}
	name, ok := insertTable(ins)
	if !ok {
		return types
	}
	cols, err := p.Engine.TableSchema(sess.Database, name.Name.O)
	if err != nil {
		return types
	}
	byName := map[string]ParamType{}
	var order []string
	for _, c := range sqlOrder(cols) {
		dt := storage.ArrowType(c.Type)
		if c.Type == storage.TypeTag {
			dt = exec.TypeText
		}
		byName[c.Name], order = ParamType{Type: dt, PGType: narrowPG(declaredPGType(c), dt)}, append(order, c.Name)
	}
	names := storedNames(insertNames(ins, order), p.timeName(sess.Database, name.Name.O))
	for _, list := range ins.Lists {
		for j, e := range list {
			pm, ok := e.(*driver.ParamMarkerExpr)
			if !ok || j >= len(names) || pm.Order >= len(stmt.Params) {
				continue
			}
			if n := stmt.Params[pm.Order]; n >= 1 && n <= len(types) && types[n-1].Type == nil {
				types[n-1] = byName[names[j]]
			}
		}
	}
	return types
}

// insertTable is the table an INSERT writes.
func insertTable(ins *ast.InsertStmt) (*ast.TableName, bool) {
	tn, ok := ins.Table.TableRefs.Left.(*ast.TableSource)
	if !ok {
		return nil, false
	}
	name, ok := tn.Source.(*ast.TableName)
	return name, ok
}

// insertNames are the columns an INSERT writes: its column list, or the
// table's columns (order) without one.
func insertNames(ins *ast.InsertStmt, order []string) []string {
	if len(ins.Columns) == 0 {
		return order
	}
	names := make([]string, len(ins.Columns))
	for i, c := range ins.Columns {
		names[i] = c.Name.O
	}
	return names
}

// valueKind says how an INSERT value converts beyond its Go type.
type valueKind uint8

const (
	typedValue     valueKind = iota
	numericValue             // a numeric held as float64: half away from zero into integers
	unknownValue             // a quoted literal (or a query's text): parsed as the column's type
	dateValue                // a date (held as the timestamp of its midnight): its text is YYYY-MM-DD
	wallClockValue           // a timestamp without time zone: its text is its reading
)

// valueKindOf is how a VALUES item (or a column's default) e, bound as
// x, is read into its column.
func (b *binder) valueKindOf(e ast.ExprNode, x exec.Expr) valueKind {
	switch {
	case b.isNumeric(&scope{}, e, x):
		return numericValue
	case exec.IsText(x.Type()) && isUntyped(e):
		return unknownValue // takes the column's type
	case x.Type().ID() == arrow.TIMESTAMP:
		return wallKind((&selectBinder{b: b, in: &scope{}}).pgTypeOf(e, x))
	}
	return typedValue
}

// wallKind is the kind of a value of PostgreSQL type pg held as a
// timestamp: a date's or a timestamp's (without time zone) text is its
// reading, not a timestamptz's.
func wallKind(pg uint32) valueKind {
	switch pg {
	case 1082:
		return dateValue
	case 1114:
		return wallClockValue
	}
	return typedValue
}

// castValue converts an INSERT value to a column's type; a date or a
// timestamp without time zone written into text is its reading.
func castValue(c *exec.Ctx, v any, k valueKind, dt arrow.DataType) (any, error) {
	if ts, ok := v.(exec.Timestamp); ok && exec.IsText(dt) && k == dateValue {
		return exec.WallClockText(ts, true, c.Location), nil
	}
	if ts, ok := v.(exec.Timestamp); ok && exec.IsText(dt) && k == wallClockValue {
		return exec.WallClockText(ts, false, time.UTC), nil // the reading
	}
	return exec.CastValue(c, v, dt)
}

// isUntyped reports whether e is a quoted literal or a parameter (sent
// as text): of no type until the column gives it one, as in PostgreSQL.
func isUntyped(e ast.ExprNode) bool {
	switch e := e.(type) {
	case *driver.ParamMarkerExpr:
		return true
	case *driver.ValueExpr:
		return e.GetValue() != nil
	}
	return false
}

// checkArity compares a row's values (row 0: a query's columns) with the
// target columns, in PostgreSQL's words.
func checkArity(values, columns, row int) error {
	where := ""
	if row > 0 {
		where = fmt.Sprintf(" (row %d)", row)
	}
	switch {
	case values > columns:
		return errorf(CodeSyntax, "INSERT has more expressions than target columns%s", where)
	case values < columns:
		return errorf(CodeSyntax, "INSERT has more target columns than expressions%s", where)
	}
	return nil
}

// buildBatch turns rows of values into a column batch, converting each value
// to its column's type; a new table's text columns become tags (those tags
// marks, when given). A new column of NULLs only is left out: it has
// nothing to store, and its type comes with its first value. A row whose
// time is NULL is a *nullTimeError holding the rows read.
func buildBatch(c *exec.Ctx, table string, names []string, existing map[string]storage.ColumnMeta, rows [][]any, kinds [][]valueKind, tags []bool) (*storage.TableBatch, error) {
	n := len(rows)
	b := &storage.TableBatch{Table: table, Rows: n, Time: make([]int64, n)}
	timeCol := -1
	for j, name := range names {
		if name == storage.TimeColumn {
			timeCol = j
		}
	}
	timeDecl := declaredOf(existing[storage.TimeColumn])
	nullTime := -1 // the first row whose time is NULL
	for i, r := range rows {
		if timeCol < 0 {
			b.Time[i] = c.Now.UnixNano()
			if timeDecl.Reading() {
				b.Time[i] = exec.Reading(c.Now, c.Location).UnixNano()
			}
			continue
		}
		tv, tk := r[timeCol], kinds[i][timeCol]
		if timeDecl.Reading() {
			var err error
			if tv, tk, err = asReading(c, tv, tk, timeDecl); err != nil {
				return nil, rowError(err, i, storage.TimeColumn)
			}
		}
		_, isText := tv.(string)
		_, isTime := tv.(exec.Timestamp)
		switch {
		case tv == nil:
			if nullTime < 0 {
				nullTime = i // the rest of the row is read for the error's DETAIL
			}
			continue
		case isTime, isText && tk == unknownValue:
		default:
			e := errorf(CodeDatatype, "column \"time\" is of type %s but expression is of type %s (row %d)", timeTypeName(timeDecl), valueTypeName(tv, tk), i+1)
			e.Hint = "write a timestamp ('2016-01-01 00:00:00Z'), or to_timestamp(seconds) for a Unix time"
			return nil, e
		}
		v, err := exec.CastValue(c, tv, exec.TypeTimestamptz)
		if err != nil {
			return nil, rowError(err, i, storage.TimeColumn)
		}
		b.Time[i] = int64(v.(exec.Timestamp))
		if err := finiteRowTime(b.Time[i]); err != nil {
			return nil, rowError(err, i, storage.TimeColumn)
		}
		if tk == wallClockValue && !timeDecl.Reading() {
			// A timestamp without time zone: the instant the session
			// zone's clocks read it, as PostgreSQL's assignment cast.
			b.Time[i] = exec.InstantOfReading(b.Time[i], c.Location)
		}
	}
	if timeDecl.Rounded { // timestamptz(p): before ON CONFLICT looks for the rows' keys
		for i, v := range b.Time {
			b.Time[i], _ = timeDecl.Time(v)
		}
	}
	for j, name := range names {
		if j == timeCol {
			continue
		}
		meta, ok := existing[name]
		typ := meta.Type
		if !ok {
			var err error
			if typ, err = inferType(name, rows, kinds, j); err != nil {
				return nil, err
			}
			if typ == storage.TypeString && len(existing) == 0 && (tags == nil || tags[j]) {
				typ = storage.TypeTag
			}
			if allNull(rows, j) && hasValues(rows, names, existing, timeCol) {
				continue
			}
		}
		if typ == storage.TypeTag {
			tag := storage.TagColumn{Name: name, Codes: make([]int32, n)}
			dict := map[string]int32{}
			for i, r := range rows {
				v, err := castValue(c, r[j], kinds[i][j], exec.TypeText)
				if err != nil {
					return nil, rowError(err, i, name)
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
		f, err := fieldColumn(c, name, typ, declaredOf(meta), rows, kinds, j)
		if err != nil {
			return nil, err
		}
		b.Fields = append(b.Fields, f)
	}
	if nullTime >= 0 {
		return nil, &nullTimeError{batch: b, row: nullTime}
	}
	return b, nil
}

// rowError is a conversion's error (with its own SQLSTATE: 22P02 for bad
// input, 22003 out of range, ...) naming the row and column.
// finiteRowTime checks a row's time before it is stored: 'infinity' and
// '-infinity' are values of queries, not times a row can have.
func finiteRowTime(ns int64) error {
	if exec.IsFiniteTime(ns) {
		return nil
	}
	e := errorf(CodeDatetimeOverflow, "timestamp '%s' cannot be stored: a row's time must be finite", exec.AppendTimestamp(nil, ns, time.UTC))
	e.Hint = "store a time from 1677-09-21 to 2262-04-11 UTC; 'infinity' serves in queries (time < 'infinity')"
	return e
}

func rowError(err error, i int, name string) error {
	e := *AsError(err)
	e.Msg = fmt.Sprintf("row %d, column %s: %s", i+1, name, e.Msg)
	return &e
}

// hasValues reports whether a row's columns other than time hold a value
// somewhere, or an existing column: then a new column of NULLs only need
// not be made, the batch still writes something.
func hasValues(rows [][]any, names []string, existing map[string]storage.ColumnMeta, timeCol int) bool {
	for j, name := range names {
		if j == timeCol {
			continue
		}
		if _, ok := existing[name]; ok || !allNull(rows, j) {
			return true
		}
	}
	return false
}

// allNull reports whether column j is NULL in every row.
func allNull(rows [][]any, j int) bool {
	for _, r := range rows {
		if r[j] != nil {
			return false
		}
	}
	return true
}

// inferType types a new column from all its values, as PostgreSQL types a
// VALUES column: numbers together make the widest (bigint and a decimal:
// double precision), quoted literals take the others' type, and numbers
// do not mix with booleans or typed text.
func inferType(name string, rows [][]any, kinds [][]valueKind, j int) (storage.ColumnType, error) {
	var ints, uints, floats, bools, texts, unknowns, times bool
	var first string // the first value's type, for the error
	mixed := func(v any, k valueKind) error {
		return errorf(CodeDatatype, "column %q: VALUES types %s and %s cannot be matched", name, first, valueTypeName(v, k))
	}
	for i, r := range rows {
		v, k := r[j], kinds[i][j]
		if v == nil {
			continue
		}
		if first == "" && k != unknownValue {
			first = valueTypeName(v, k)
		}
		switch x := v.(type) {
		case int64:
			ints = true
		case uint64:
			uints = true
		case float64:
			floats = true
		case bool:
			bools = true
		case exec.Timestamp:
			if k == dateValue {
				e := errorf(CodeDatatype, "column %q: a new column cannot hold date values", name)
				e.Hint = "columns other than time hold bigint, double precision, text, boolean or timestamptz: cast the value (::timestamptz, ::text)"
				return 0, e
			}
			times = true
		case string:
			if k == unknownValue {
				unknowns = true
			} else {
				texts = true
			}
		default:
			e := errorf(CodeDatatype, "column %q: a new column cannot hold %s values", name, valueTypeName(x, k))
			e.Hint = "columns other than time hold bigint, double precision, text, boolean or timestamptz: cast the value (::text, extract(epoch from ...))"
			return 0, e
		}
		numbers := ints || uints || floats
		if numbers && (bools || texts || times) || bools && (texts || times) || texts && times {
			return 0, mixed(v, k)
		}
	}
	switch {
	case floats || ints && uints:
		return storage.TypeFloat, nil
	case ints:
		return storage.TypeInt, nil
	case uints:
		return storage.TypeUint, nil
	case bools:
		return storage.TypeBool, nil
	case times:
		return storage.TypeTimestamp, nil
	case texts || unknowns:
		return storage.TypeString, nil
	}
	return storage.TypeFloat, nil
}

// valueTypeName is the SQL type of an INSERT value.
func valueTypeName(v any, k valueKind) string {
	switch v.(type) {
	case int64:
		return "bigint"
	case uint64:
		return "numeric"
	case float64:
		if k == numericValue {
			return "numeric"
		}
		return "double precision"
	case bool:
		return "boolean"
	case string:
		return "text"
	case exec.Timestamp:
		switch k {
		case dateValue:
			return "date"
		case wallClockValue:
			return "timestamp without time zone"
		}
		return "timestamp with time zone"
	case arrow.MonthDayNanoInterval:
		return "interval"
	}
	return "unknown"
}

// assignable reports whether a value of v's type may be written into a
// column of type dt, as PostgreSQL's assignment casts allow: numbers into
// numbers, anything into text, a quoted literal into anything (parsed).
func assignable(v any, k valueKind, dt arrow.DataType) bool {
	if v == nil || k == unknownValue || exec.IsText(dt) {
		return true
	}
	switch v.(type) {
	case int64, uint64, float64:
		return dt.ID() == arrow.INT64 || dt.ID() == arrow.UINT64 || dt.ID() == arrow.FLOAT64
	case bool:
		return dt.ID() == arrow.BOOL
	case exec.Timestamp:
		return dt.ID() == arrow.TIMESTAMP
	}
	return false
}

func fieldColumn(c *exec.Ctx, name string, typ storage.ColumnType, decl storage.Declared, rows [][]any, kinds [][]valueKind, j int) (storage.FieldColumn, error) {
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
	case storage.TypeTimestamp:
		f.Ints, dt = make([]int64, n), exec.TypeTimestamptz
	default:
		return f, errorf(CodeDatatype, "column %q cannot be written by INSERT", name)
	}
	valid := make([]byte, (n+7)/8)
	for i, r := range rows {
		x, k := r[j], kinds[i][j]
		if decl.Reading() {
			var err error
			if x, k, err = asReading(c, x, k, decl); err != nil {
				return f, rowError(err, i, name)
			}
		}
		if !assignable(x, k, dt) {
			typeName := exec.SQLTypeName(dt)
			if decl.OID != 0 {
				typeName = formatTypeName(int64(decl.OID), int64(decl.Typmod()))
			}
			e := errorf(CodeDatatype, "column %q is of type %s but expression is of type %s (row %d)", name, typeName, valueTypeName(x, k), i+1)
			e.Hint = "You will need to rewrite or cast the expression."
			return f, e
		}
		if fx, ok := x.(float64); ok && k == numericValue && (typ == storage.TypeInt || typ == storage.TypeUint) {
			x = math.Round(fx) // numeric to integer: half away from zero
		}
		if fx, ok := x.(float64); ok && typ == storage.TypeInt {
			// NaN, infinities and floats beyond the integer: PostgreSQL's
			// words for the declared type, not the engine's bigint's.
			if err := exec.FloatIntError(fx, int(intBits(decl.OID)), k == numericValue); err != nil {
				e := AsError(err)
				e.Detail = fmt.Sprintf("column %q, row %d", name, i+1)
				return f, e
			}
		}
		v, err := castValue(c, x, k, dt)
		if err != nil {
			return f, rowError(err, i, name)
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
			f.Floats[i] = x // NaN and infinities too, as PostgreSQL's float8
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
		case exec.Timestamp:
			if decl.Reading() {
				f.Ints[i] = int64(x) // asReading's
			} else {
				f.Ints[i] = storedInstant(c, x, k)
			}
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

// storedInstant is the nanoseconds a timestamptz field stores for a
// timestamp value of kind k: a timestamp without time zone is the instant
// the session zone's clocks read it, as PostgreSQL's assignment cast to
// timestamptz makes it (a date's value is its midnight there already).
func storedInstant(c *exec.Ctx, x exec.Timestamp, k valueKind) int64 {
	if k == wallClockValue {
		return exec.InstantOfReading(int64(x), c.Location)
	}
	return int64(x)
}

// timeTypeName is the type of a table's time column as errors name it.
func timeTypeName(d storage.Declared) string {
	if d.OID != 0 {
		return formatTypeName(int64(d.OID), -1)
	}
	return "timestamp with time zone"
}

// asReading is an INSERT value of kind k as a column whose values are
// wall-clock readings (declared timestamp without time zone or date)
// takes it: a quoted literal is read as a reading (an offset written is
// ignored, as by PostgreSQL's timestamp input), and an instant (a
// timestamptz, a date's midnight) is what the session zone's clocks read
// then, as PostgreSQL's assignment cast makes it. Other values are left to
// the column's type check.
func asReading(c *exec.Ctx, v any, k valueKind, d storage.Declared) (any, valueKind, error) {
	switch x := v.(type) {
	case string:
		if k != unknownValue {
			return v, k, nil
		}
		ns, err := readingText(x, d, c.Location, c.Now)
		if err != nil {
			return nil, k, err
		}
		return exec.Timestamp(ns), wallClockValue, nil
	case exec.Timestamp:
		if k == wallClockValue || !exec.IsFiniteTime(int64(x)) {
			return v, wallClockValue, nil
		}
		return exec.Timestamp(exec.Reading(time.Unix(0, int64(x)), c.Location).UnixNano()), wallClockValue, nil
	}
	return v, k, nil
}

// checkMerges refuses an INSERT two of whose rows have the same time and
// tags: storage keeps one row per series and time, so the later would
// replace the earlier's fields and the command tag would count a row that
// is not there. With ON CONFLICT DO UPDATE (oc) it is PostgreSQL's error
// for a command that would update a row twice.
func checkMerges(b *storage.TableBatch, oc *sql.OnConflict) error {
	seen := make(map[string]int, b.Rows)
	key := make([]byte, 0, 8+4*len(b.Tags))
	for i := 0; i < b.Rows; i++ {
		key = binary.LittleEndian.AppendUint64(key[:0], uint64(b.Time[i]))
		for _, t := range b.Tags {
			key = binary.LittleEndian.AppendUint32(key, uint32(t.Codes[i]))
		}
		if first, ok := seen[string(key)]; ok {
			if oc != nil && !oc.Nothing {
				e := errorf("21000", "ON CONFLICT DO UPDATE command cannot affect row a second time")
				e.Hint = "Ensure that no rows proposed for insertion within the same command have duplicate constrained values."
				return e
			}
			tags := make([]string, len(b.Tags))
			for k, t := range b.Tags {
				tags[k] = t.Name
			}
			e := errorf("23505", "rows %d and %d of the INSERT have the same time and tags, and a table keeps one row per series and time: the second would replace the first", first+1, i+1)
			if len(tags) == 0 {
				e.Hint = "the table has no tags, so time alone tells its rows apart; give the rows different times"
			} else {
				e.Hint = fmt.Sprintf("rows are told apart by time and the tags (%s); give these rows different times or tag values", strings.Join(tags, ", "))
			}
			return e
		}
		seen[string(key)] = i
	}
	return nil
}

// constantValue computes an expression that reads no column, for one row.
func constantValue(c *exec.Ctx, x exec.Expr) (any, error) {
	a, err := evalConstant(c, settle(x))
	if err != nil {
		return nil, AsError(err)
	}
	defer a.Release()
	if a.IsNull(0) {
		return nil, nil
	}
	v, err := valueAt(a)
	if err != nil {
		return nil, notSupported("this value in INSERT ... VALUES")
	}
	return v, nil
}
