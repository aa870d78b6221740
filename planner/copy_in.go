package planner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// copyPieceBytes is about how much a COPY FROM holds before it writes:
// a COPY of less is one write (all or nothing); a longer one is written
// piece by piece as it arrives.
const copyPieceBytes = 16 << 20

// CopyColumn is one column a COPY FROM reads, in the order of its fields.
type CopyColumn struct {
	Name string
	Type storage.ColumnType
	// OID is the PostgreSQL type the column is announced as (what a
	// binary COPY's fields hold).
	OID uint32
	// Declared is the column's declared type (storage.ColumnMeta.SQLType),
	// which its values are kept within.
	Declared storage.Declared
	// ForceNotNull and ForceNull are the CSV options naming the column.
	ForceNotNull, ForceNull bool
}

// CopyIn loads the rows of COPY table FROM STDIN through the durable write
// path. Values arrive field by field (Text, Null, Float, Int, Bool, Time),
// each row ended by EndRow; rows merge with stored ones as line protocol
// does (the same series and time: the later write wins per field). After
// an error the CopyIn must not be written.
type CopyIn struct {
	Table   string
	Columns []CopyColumn

	p       *Planner
	db      string
	ctx     *exec.Ctx
	now     int64
	timeCol int // index of time in Columns, or -1: rows take now

	nullTime bool // the current row's time is NULL (an error at its end)
	rows     int  // rows held, not yet written
	size     int  // their estimated bytes
	written  int64
	times    []int64
	cols     []copyBuilder
	// defaults are the table's columns COPY leaves out that have a
	// default, which each row takes (sess binds them).
	defaults []storage.ColumnMeta
	sess     *Session
	// errorRow is ErrorRow's, -1 for none.
	errorRow int64
}

// copyBuilder gathers one column's values.
type copyBuilder struct {
	tag   storage.TagColumn
	dict  map[string]int32
	field storage.FieldColumn
	valid []byte
	// last is the previous text value of a time or tag column and lastN
	// what it read as: rows in time order repeat them.
	last    []byte
	lastN   int64
	hasLast bool
}

// BeginCopy checks a COPY ... FROM STDIN against the catalog and prepares
// its load. The table must exist (COPY does not create tables: line
// protocol or INSERT does).
func (p *Planner) BeginCopy(sess *Session, spec *sql.CopySpec) (*CopyIn, error) {
	if spec.Schema != "" && spec.Schema != "public" {
		return nil, errorf("3F000", "schema %q does not exist", spec.Schema)
	}
	stored, err := p.Engine.TableSchema(sess.Database, spec.Table)
	if err != nil || len(stored) == 0 {
		return nil, &Error{Code: CodeUndefinedTable, Msg: fmt.Sprintf("relation %q does not exist", spec.Table),
			Hint: "COPY loads an existing table; create it with a line-protocol write or INSERT INTO " + spec.Table + " (time, ...) VALUES (...)"}
	}
	types := map[string]storage.ColumnType{}
	declared := map[string]storage.Declared{}
	var names []string
	for _, c := range sqlOrder(stored) { // names: no column list written (column_order.go)
		types[c.Name], declared[c.Name] = c.Type, declaredOf(c)
		names = append(names, c.Name)
	}
	if spec.Columns != nil {
		names = storedNames(spec.Columns, p.timeName(sess.Database, spec.Table))
	}
	ci := &CopyIn{Table: spec.Table, p: p, db: sess.Database, timeCol: -1, sess: sess, errorRow: -1,
		ctx: &exec.Ctx{Location: sess.Location, Now: sess.Now}, now: sess.Now.UnixNano()}
	if declared[storage.TimeColumn].Reading() {
		ci.now = exec.Reading(sess.Now, sess.Location).UnixNano() // rows without a time: the session zone's clocks now
	}
	for _, c := range stored {
		if c.Default != "" && !slices.Contains(names, c.Name) {
			ci.defaults = append(ci.defaults, c)
		}
	}
	seen := map[string]bool{}
	for j, n := range names {
		t, ok := types[n]
		if !ok {
			return nil, &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", n, spec.Table),
				Hint: "COPY loads the table's columns; write new ones with line protocol or INSERT first"}
		}
		if seen[n] {
			return nil, errorf("42701", "column %q specified more than once", n)
		}
		seen[n] = true
		oid, _ := pgTypeOf(t)
		d := declared[n]
		if d.OID != 0 {
			oid = int64(d.OID)
		}
		ci.Columns = append(ci.Columns, CopyColumn{Name: n, Type: t, OID: uint32(oid), Declared: d})
		if t == storage.TypeTime {
			ci.timeCol = j
		}
	}
	for _, force := range []struct {
		names []string
		opt   string
		set   func(*CopyColumn)
	}{
		{spec.ForceNotNull, "FORCE_NOT_NULL", func(c *CopyColumn) { c.ForceNotNull = true }},
		{spec.ForceNull, "FORCE_NULL", func(c *CopyColumn) { c.ForceNull = true }},
	} {
		for _, n := range force.names {
			j := ci.column(n)
			if _, ok := types[n]; !ok {
				return nil, errorf(CodeUndefinedColumn, "column %q does not exist", n)
			}
			if j < 0 {
				return nil, errorf("42P10", "%s column %q not referenced by COPY", force.opt, n)
			}
			force.set(&ci.Columns[j])
		}
	}
	ci.reset(1024)
	return ci, nil
}

func (ci *CopyIn) column(name string) int {
	for j, c := range ci.Columns {
		if c.Name == name {
			return j
		}
	}
	return -1
}

// reset starts a new piece of room for about n rows (the size of the last
// piece: a long COPY grows no slice after its first piece); the slices
// written before belong to the engine.
func (ci *CopyIn) reset(n int) {
	ci.rows, ci.size = 0, 0
	ci.times = make([]int64, 0, n)
	ci.cols = make([]copyBuilder, len(ci.Columns))
	for j, c := range ci.Columns {
		b := &ci.cols[j]
		switch c.Type {
		case storage.TypeTag:
			b.tag = storage.TagColumn{Name: c.Name, Codes: make([]int32, 0, n)}
			b.dict = map[string]int32{}
		case storage.TypeTime:
		default:
			f := storage.FieldColumn{Name: c.Name, Type: c.Type}
			switch c.Type {
			case storage.TypeFloat:
				f.Floats = make([]float64, 0, n)
			case storage.TypeInt, storage.TypeTimestamp:
				f.Ints = make([]int64, 0, n)
			case storage.TypeUint:
				f.Uints = make([]uint64, 0, n)
			case storage.TypeBool:
				f.Bools = make([]byte, 0, n/8+1)
			case storage.TypeString:
				f.Offsets = append(make([]int32, 0, n+1), 0)
			}
			b.field = f
			b.valid = make([]byte, 0, n/8+1)
		}
	}
}

// declaredText is a text value as the column's declared type keeps it
// (a prefix of v), or its error.
func (c *CopyColumn) declaredText(v []byte) ([]byte, error) {
	if c.Declared.OID == 0 {
		return v, nil
	}
	s, err := c.Declared.String(unsafeString(v))
	if err != nil {
		return nil, declaredError(err, c.Name)
	}
	return v[:len(s)], nil
}

// Written is the number of rows already written by earlier pieces.
func (ci *CopyIn) Written() int64 { return ci.written }

// Rows is the number of rows loaded so far, written or held.
func (ci *CopyIn) Rows() int64 { return ci.written + int64(ci.rows) }

// Null sets column j of the current row to NULL.
func (ci *CopyIn) Null(j int) error {
	c := &ci.Columns[j]
	b := &ci.cols[j]
	switch c.Type {
	case storage.TypeTime:
		// Checked when the row ends, after its other values, as
		// PostgreSQL checks constraints.
		ci.nullTime = true
		ci.times = append(ci.times, 0)
		return nil
	case storage.TypeTag:
		b.tag.Codes = append(b.tag.Codes, -1)
		return nil
	}
	b.grow(ci.rows, c.Type)
	b.field.Nulls++
	if c.Type == storage.TypeString {
		b.field.Offsets = append(b.field.Offsets, int32(len(b.field.Data)))
	}
	return nil
}

// grow makes room for row i of a field column: a zero value, not yet valid.
func (b *copyBuilder) grow(i int, t storage.ColumnType) {
	if i&7 == 0 {
		b.valid = append(b.valid, 0)
	}
	f := &b.field
	switch t {
	case storage.TypeFloat:
		f.Floats = append(f.Floats, 0)
	case storage.TypeInt, storage.TypeTimestamp:
		f.Ints = append(f.Ints, 0)
	case storage.TypeUint:
		f.Uints = append(f.Uints, 0)
	case storage.TypeBool:
		if i&7 == 0 {
			f.Bools = append(f.Bools, 0)
		}
	}
}

// setValid marks row i of a field column not null.
func (b *copyBuilder) setValid(i int) { b.valid[i>>3] |= 1 << (uint(i) & 7) }

// value makes room for the current row's value of field column j, marked
// not null, and returns the column's builder.
func (ci *CopyIn) value(j int) *copyBuilder {
	b := &ci.cols[j]
	b.grow(ci.rows, ci.Columns[j].Type)
	b.setValid(ci.rows)
	return b
}

// Text sets column j of the current row from its text form (PostgreSQL's
// input syntax for the column's type). v is not kept.
func (ci *CopyIn) Text(j int, v []byte) error {
	c := &ci.Columns[j]
	switch c.Type {
	case storage.TypeTime:
		b := &ci.cols[j]
		if b.hasLast && bytes.Equal(v, b.last) {
			return ci.Time(j, b.lastN)
		}
		ns, err := ci.parseTime(c, v)
		if err != nil {
			return err
		}
		b.last, b.lastN, b.hasLast = append(b.last[:0], v...), ns, true
		return ci.Time(j, ns)
	case storage.TypeTimestamp:
		if !c.Declared.Reading() {
			break // textSlow: a timestamptz field also takes infinity
		}
		ns, err := ci.parseTime(c, v)
		if err != nil {
			return err
		}
		return ci.Time(j, ns)
	case storage.TypeTag:
		b := &ci.cols[j]
		if b.hasLast && bytes.Equal(v, b.last) {
			b.tag.Codes = append(b.tag.Codes, int32(b.lastN))
			return nil
		}
		if err := CheckText(v); err != nil {
			return err
		}
		v, err := c.declaredText(v)
		if err != nil {
			return err
		}
		code, ok := b.dict[string(v)]
		if !ok {
			code = int32(len(b.tag.Dict))
			s := string(v)
			b.dict[s] = code
			b.tag.Dict = append(b.tag.Dict, s)
			ci.size += len(s)
		}
		b.last, b.lastN, b.hasLast = append(b.last[:0], v...), int64(code), true
		b.tag.Codes = append(b.tag.Codes, code)
		return nil
	case storage.TypeString:
		if err := CheckText(v); err != nil {
			return err
		}
		v, err := c.declaredText(v)
		if err != nil {
			return err
		}
		b := ci.value(j)
		b.field.Data = append(b.field.Data, v...)
		b.field.Offsets = append(b.field.Offsets, int32(len(b.field.Data)))
		ci.size += len(v)
		return nil
	case storage.TypeFloat:
		s := exec.TrimSpaceASCII(unsafeString(v))
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f == 0 && strings.ContainsAny(s, "123456789") || strings.IndexByte(s, '_') >= 0 {
			return ci.textSlow(j, v) // errors, underflow (1e-400), 1_000
		}
		return ci.Float(j, f)
	case storage.TypeInt:
		n, err := strconv.ParseInt(exec.TrimSpaceASCII(unsafeString(v)), 10, 64)
		if err != nil {
			return ci.textSlow(j, v)
		}
		return ci.Int(j, n)
	}
	return ci.textSlow(j, v)
}

// parseTime reads a time column's text, or a field's declared timestamp
// without time zone or date (a reading: an offset written is ignored, as
// by PostgreSQL's input function).
func (ci *CopyIn) parseTime(c *CopyColumn, v []byte) (int64, error) {
	var ns int64
	var err error
	if c.Declared.Reading() {
		ns, err = readingText(string(v), c.Declared, ci.ctx.Location, ci.ctx.Now)
	} else {
		ns, err = exec.ParseTimestamp(string(v), ci.ctx.Location, ci.ctx.Now)
	}
	if err == nil {
		return ns, nil
	}
	if bad := CheckText(v); bad != nil {
		return 0, bad
	}
	var beyond *exec.BeyondTimesError
	if errors.As(err, &beyond) {
		return 0, &Error{Code: CodeDatetimeOverflow, Msg: err.Error()}
	}
	pe := AsError(err)
	if pe.Code == CodeInvalidText {
		pe.Code = "22007" // invalid_datetime_format
	}
	return 0, pe
}

// textSlow reads a value through the cast PostgreSQL's input functions
// follow: words such as NaN, booleans, unsigned integers, and the errors.
func (ci *CopyIn) textSlow(j int, v []byte) error {
	c := &ci.Columns[j]
	x, err := exec.CastValue(ci.ctx, string(v), storage.ArrowType(c.Type))
	if err != nil {
		if bad := CheckText(v); bad != nil {
			return bad // PostgreSQL checks the encoding first
		}
		return AsError(err)
	}
	return ci.convert(j, x)
}

// convert sets column j from a Go value of any type a cast makes.
func (ci *CopyIn) convert(j int, x any) error {
	c := &ci.Columns[j]
	if c.Type == storage.TypeString || c.Type == storage.TypeTag {
		s, _ := exec.CastValue(ci.ctx, x, exec.TypeText)
		return ci.Text(j, []byte(s.(string)))
	}
	y, err := exec.CastValue(ci.ctx, x, storage.ArrowType(c.Type))
	if err != nil {
		return &Error{Code: "22P03", Msg: fmt.Sprintf("%v for column %q (%s)", err, c.Name, c.Type)}
	}
	switch y := y.(type) {
	case float64:
		return ci.Float(j, y)
	case int64:
		return ci.Int(j, y)
	case uint64:
		ci.value(j).field.Uints[ci.rows] = y
		return nil
	case bool:
		return ci.Bool(j, y)
	case exec.Timestamp:
		return ci.Time(j, int64(y))
	}
	return &Error{Code: "22P03", Msg: fmt.Sprintf("column %q (%s) cannot hold %v", c.Name, c.Type, x)}
}

// Float sets column j of the current row to f.
func (ci *CopyIn) Float(j int, f float64) error {
	c := &ci.Columns[j]
	if c.Type != storage.TypeFloat {
		return ci.convert(j, f)
	}
	f, err := c.Declared.Float(f)
	if err != nil {
		return declaredError(err, c.Name)
	}
	ci.value(j).field.Floats[ci.rows] = f
	return nil
}

// Int sets column j of the current row to n.
func (ci *CopyIn) Int(j int, n int64) error {
	c := &ci.Columns[j]
	if c.Type != storage.TypeInt {
		return ci.convert(j, n)
	}
	if err := c.Declared.Int(n); err != nil {
		// PostgreSQL's input function's words.
		return errorf(CodeOutOfRange, "value \"%d\" is out of range for type %s", n, formatTypeName(int64(c.Declared.OID), -1))
	}
	ci.value(j).field.Ints[ci.rows] = n
	return nil
}

// Bool sets column j of the current row to v.
func (ci *CopyIn) Bool(j int, v bool) error {
	c := &ci.Columns[j]
	if c.Type != storage.TypeBool {
		return ci.convert(j, v)
	}
	b := ci.value(j)
	if v {
		b.field.Bools[ci.rows>>3] |= 1 << (uint(ci.rows) & 7)
	}
	return nil
}

// Time sets column j of the current row to ns, nanoseconds since the epoch.
func (ci *CopyIn) Time(j int, ns int64) error {
	c := &ci.Columns[j]
	switch c.Type {
	case storage.TypeTimestamp: // a field: infinity is a value it may hold
		ns, err := c.Declared.Time(ns) // a date's day, timestamp(p)'s rounding
		if err != nil {
			return declaredError(err, c.Name)
		}
		ci.value(j).field.Ints[ci.rows] = ns
		return nil
	case storage.TypeTime:
	default:
		return ci.convert(j, exec.Timestamp(ns))
	}
	if err := finiteRowTime(ns); err != nil {
		return err
	}
	ci.times = append(ci.times, ns) // timestamptz(p)'s rounding is storage.Engine.Write's
	return nil
}

// EndRow ends the current row, which must have had every column set. full
// reports that the rows held should be written (Flush).
func (ci *CopyIn) EndRow() (full bool, err error) {
	if ci.nullTime {
		// The row's values, with its columns' defaults, for the DETAIL.
		batch := ci.held(ci.rows + 1)
		if len(ci.defaults) > 0 && (ci.addDefaults(context.Background(), batch) != nil || checkDeclared(ci.defaults, batch) != nil) {
			batch = ci.held(ci.rows + 1)
		}
		return false, ci.p.nullValueError(ci.sess, ci.Table, storage.TimeColumn, rowOfBatch(batch, ci.rows, true))
	}
	if ci.timeCol < 0 {
		ci.times = append(ci.times, ci.now)
	}
	ci.rows++
	ci.size += 8 + 8*len(ci.Columns)
	return ci.size >= copyPieceBytes, nil
}

// Flush writes the rows held through the write-ahead log; they are durable
// when it returns.
func (ci *CopyIn) Flush(ctx context.Context) error {
	if ci.rows == 0 {
		return nil
	}
	n := ci.rows
	batch := ci.held(n)
	if len(ci.defaults) > 0 {
		if err := ci.addDefaults(ctx, batch); err != nil {
			return err
		}
		if err := checkDeclared(ci.defaults, batch); err != nil {
			return err
		}
	}
	if err := ci.write(ctx, batch); err != nil {
		return err
	}
	ci.written += int64(n)
	ci.reset(n + n/8)
	return nil
}

// held is the first n rows held as a batch, the values of the columns
// the COPY reads (Flush adds the others' defaults).
func (ci *CopyIn) held(n int) *storage.TableBatch {
	batch := &storage.TableBatch{Table: ci.Table, Rows: n, Time: ci.times}
	for j, c := range ci.Columns {
		b := &ci.cols[j]
		switch c.Type {
		case storage.TypeTime:
		case storage.TypeTag:
			batch.Tags = append(batch.Tags, b.tag)
		default:
			f := b.field
			if f.Nulls > 0 {
				f.Valid = b.valid
			}
			batch.Fields = append(batch.Fields, f)
		}
	}
	return batch
}

// write stores batch, the rows held; into a table with a key, only when
// no row's key is stored or held by an earlier row (else 23505, and
// ErrorRow is the row's number). A row that leaves a NOT NULL column NULL
// is 23502, naming the row (DETAIL and ErrorRow).
func (ci *CopyIn) write(ctx context.Context, batch *storage.TableBatch) error {
	err := ci.writeKeyed(ctx, batch)
	err, row := ci.p.notNullViolation(ci.sess, ci.Table, batch, err)
	if row >= 0 {
		ci.errorRow = ci.written + int64(row)
	}
	return err
}

// writeKeyed is write but for a NOT NULL violation's DETAIL and row.
func (ci *CopyIn) writeKeyed(ctx context.Context, batch *storage.TableBatch) error {
	if !ci.Keyed() {
		return ci.p.Engine.Write(ctx, ci.db, []*storage.TableBatch{batch}, storage.WriteOptions{})
	}
	unlock, err := ci.p.lockStoredKeys(ctx, ci.db, ci.Table)
	if err != nil {
		return err
	}
	defer unlock()
	row, err := ci.p.keyConflict(ctx, ci.db, ci.Table, batch)
	if err != nil {
		return err
	}
	if row >= 0 {
		ci.errorRow = ci.written + int64(row)
		return ci.p.duplicateKey(ci.sess, ci.Table, batch, row)
	}
	return ci.p.Engine.Write(ctx, ci.db, []*storage.TableBatch{batch}, storage.WriteOptions{})
}

// Keyed reports whether the table has a key (PRIMARY KEY or UNIQUE),
// which refuses rows whose key it holds.
func (ci *CopyIn) Keyed() bool {
	_, ok := ci.p.Engine.Key(ci.db, ci.Table)
	return ok
}

// ErrorRow is the number (from 0, in the COPY's order) of the row the
// last Flush's error is about; ok is false when it is about no one row.
func (ci *CopyIn) ErrorRow() (row int64, ok bool) { return ci.errorRow, ci.errorRow >= 0 }

// CheckText fails (22021) for bytes a text value may not hold: invalid
// UTF-8, and NUL, as PostgreSQL refuses them.
func CheckText(v []byte) error {
	if utf8.Valid(v) && bytes.IndexByte(v, 0) < 0 {
		return nil
	}
	return invalidUTF8(v)
}

func invalidUTF8(v []byte) error {
	i := 0
	for i < len(v) {
		r, size := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && size <= 1 || r == 0 {
			break
		}
		i += size
	}
	end := min(i+2, len(v))
	if i < len(v) && v[i] == 0 {
		end = i + 1
	}
	hex := make([]string, 0, end-i)
	for _, c := range v[i:end] {
		hex = append(hex, fmt.Sprintf("0x%02x", c))
	}
	return &Error{Code: "22021", Msg: fmt.Sprintf("invalid byte sequence for encoding \"UTF8\": %s", strings.Join(hex, " "))}
}

// unsafeString views b as a string for parsing; the string must not be
// kept past b's next change.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// addDefaults gives the rows of batch the columns COPY left out that have
// a default, as PostgreSQL's COPY does (time's too: its rows took the
// statement's time until here).
func (ci *CopyIn) addDefaults(ctx context.Context, batch *storage.TableBatch) error {
	b := newBinder(ctx, ci.p, ci.sess, nil, nil)
	n := batch.Rows
	rows, kinds := make([][]any, n), make([][]valueKind, n)
	existing := map[string]storage.ColumnMeta{}
	var names []string
	for _, c := range ci.defaults {
		vals, kind, err := b.defaultValues(c.Default, n)
		if err != nil {
			e := AsError(err)
			e.Detail = fmt.Sprintf("in the DEFAULT of column %q", c.Name)
			return e
		}
		names, existing[c.Name] = append(names, c.Name), c
		for i := range rows {
			rows[i], kinds[i] = append(rows[i], vals[i]), append(kinds[i], kind)
		}
	}
	filled, err := buildBatch(b.ctx, ci.Table, names, existing, rows, kinds, nil)
	if err != nil {
		return err
	}
	if slices.Contains(names, storage.TimeColumn) {
		batch.Time = filled.Time
	}
	batch.Tags = append(batch.Tags, filled.Tags...)
	batch.Fields = append(batch.Fields, filled.Fields...)
	return nil
}
