package planner

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// A NOT NULL violation of an SQL write (INSERT, COPY, UPDATE, ON CONFLICT
// DO UPDATE) is PostgreSQL's: "null value in column "host" of relation
// "cpu" violates not-null constraint", the column under the name SQL shows,
// the error fields schema, table and column, and DETAIL "Failing row
// contains (...)." with the row's values in the table's column order, each
// as its declared type's output function writes it (null for NULL), cut at
// 64 bytes with "..." as PostgreSQL cuts them. Storage refuses the write
// (storage.CodeNotNull) and names the column; the planner, which holds the
// rows and the session's time zone, names the row.

// failingValueBytes is how much of a value the DETAIL shows, PostgreSQL's
// limit (ExecBuildSlotValueDescription's maxfieldlen).
const failingValueBytes = 64

// nullTimeError is a write of a row whose time is NULL, which buildBatch
// finds while it reads the rows: batch holds them all (that row's time
// 0), so the error can name the row's other values (notNullViolation).
type nullTimeError struct {
	batch *storage.TableBatch
	row   int
}

func (e *nullTimeError) Error() string {
	return fmt.Sprintf("null value in column %q violates not-null constraint (row %d)", storage.TimeColumn, e.row+1)
}

// notNullViolation is err, the error of an SQL write of batch into table,
// as PostgreSQL reports a NOT NULL violation (see above), and the row (from
// 0, in batch) it is about; err itself and -1 when it is another error.
func (p *Planner) notNullViolation(sess *Session, table string, batch *storage.TableBatch, err error) (error, int) {
	var nt *nullTimeError
	if errors.As(err, &nt) {
		// The values as the columns' types take them (numeric(5,-2)
		// rounds), or their error first, as PostgreSQL converts a row's
		// values before it checks constraints.
		if err := checkDeclared(p.tableSchema(sess.Database, table), nt.batch); err != nil {
			return err, -1
		}
		return p.nullValueError(sess, table, storage.TimeColumn, rowOfBatch(nt.batch, nt.row, true)), nt.row
	}
	var se *storage.Error
	if batch == nil || !errors.As(err, &se) || se.Code != storage.CodeNotNull || se.Column == "" {
		return err, -1
	}
	row := batch.FirstNull(se.Column)
	if row < 0 {
		return err, -1
	}
	return p.nullValueError(sess, table, se.Column, rowOfBatch(batch, row, false)), row
}

// nullValueError is PostgreSQL's 23502 of a write into table that leaves
// column (its stored name) NULL in the row whose values value gives by
// stored column name.
func (p *Planner) nullValueError(sess *Session, table, column string, value func(name string) any) *Error {
	cols := sqlOrder(p.tableSchema(sess.Database, table))
	loc := sess.Location
	if loc == nil {
		loc = time.UTC
	}
	vals := make([]string, len(cols))
	for k, c := range cols {
		vals[k] = clipValue(valueText(c, value(c.Name), loc))
	}
	name := column
	if column == storage.TimeColumn {
		name = p.timeName(sess.Database, table)
	}
	e := &Error{Code: "23502", Msg: fmt.Sprintf("null value in column %q of relation %q violates not-null constraint", name, table),
		Detail: "Failing row contains (" + strings.Join(vals, ", ") + ").", Schema: "public", Table: table, Column: name}
	if column == storage.TimeColumn {
		e.Hint = fmt.Sprintf("every row needs a time: give %s a value, or leave the column out to write the current time", quoteIdentifier(name))
	} else {
		e.Hint = fmt.Sprintf("give every row a value for %s, or drop the constraint: ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL",
			quoteIdentifier(name), quoteIdentifier(table), quoteIdentifier(name))
	}
	return e
}

// rowOfBatch gives row i of batch by stored column name: the time as
// nanoseconds (nil when nullTime), a tag's text, a field's value as its
// storage type holds it; nil for NULL or a column batch leaves out.
func rowOfBatch(batch *storage.TableBatch, i int, nullTime bool) func(name string) any {
	return func(name string) any {
		if name == storage.TimeColumn {
			if nullTime {
				return nil
			}
			return batch.Time[i]
		}
		if t := batch.Tag(name); t != nil {
			if c := t.Codes[i]; c >= 0 {
				return t.Dict[c]
			}
			return nil
		}
		f := batch.Column(name)
		if f == nil || !f.IsValid(i) {
			return nil
		}
		switch f.Type {
		case storage.TypeFloat:
			return f.Floats[i]
		case storage.TypeInt, storage.TypeTimestamp:
			return f.Ints[i]
		case storage.TypeUint:
			return f.Uints[i]
		case storage.TypeBool:
			return f.Bools[i>>3]&(1<<(uint(i)&7)) != 0
		case storage.TypeString:
			return string(f.Data[f.Offsets[i]:f.Offsets[i+1]])
		}
		return nil
	}
}

// rowOfRecord gives row i of rec, rows of a table in storage's schema, by
// column name as rowOfBatch does.
func rowOfRecord(rec arrow.Record, i int) func(name string) any {
	return func(name string) any {
		at := rec.Schema().FieldIndices(name)
		if len(at) == 0 {
			return nil
		}
		a := rec.Column(at[0])
		if a.IsNull(i) {
			return nil
		}
		switch a := a.(type) {
		case *array.Timestamp:
			return int64(a.Value(i))
		case *array.Dictionary:
			if d, ok := a.Dictionary().(*array.String); ok {
				return d.Value(a.GetValueIndex(i))
			}
		case *array.Float64:
			return a.Value(i)
		case *array.Int64:
			return a.Value(i)
		case *array.Uint64:
			return a.Value(i)
		case *array.Boolean:
			return a.Value(i)
		case *array.String:
			return a.Value(i)
		}
		return nil
	}
}

// rowNamed gives a row's time and tags (a storage error's Row) by column
// name as rowOfBatch does; nil for the other columns.
func rowNamed(n *storage.RowName) func(name string) any {
	return func(name string) any {
		if name == storage.TimeColumn {
			return n.Time
		}
		if v := n.Tags[name]; v != nil {
			return *v
		}
		return nil
	}
}

// valueText is v, a value of stored column c as rowOfBatch gives it, as
// the output function of c's declared type writes it; "null" for NULL.
func valueText(c storage.ColumnMeta, v any, loc *time.Location) string {
	d := declaredOf(c)
	switch v := v.(type) {
	case nil:
		return "null"
	case int64:
		if c.Type == storage.TypeTime || c.Type == storage.TypeTimestamp {
			return keyTimeText(v, d, loc)
		}
		return strconv.FormatInt(v, 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case bool:
		if v {
			return "t"
		}
		return "f"
	case string:
		if d.OID == storage.OIDChar && utf8.RuneCountInString(v) < d.Length {
			return v + strings.Repeat(" ", d.Length-utf8.RuneCountInString(v))
		}
		return v
	case float64:
		switch {
		case d.OID == storage.OIDReal:
			return string(exec.AppendFloat4(nil, v))
		case d.OID != storage.OIDNumeric:
			return exec.FormatFloat(v)
		case math.IsNaN(v):
			return "NaN"
		case math.IsInf(v, 0):
			return exec.FormatFloat(v) // Infinity, -Infinity
		case d.Precision > 0:
			return strconv.FormatFloat(v, 'f', max(d.Scale, 0), 64)
		}
		return strconv.FormatFloat(v, 'f', -1, 64) // numeric's digits: 0.00001, not 1e-05
	}
	return fmt.Sprint(v)
}

// clipValue is s cut to PostgreSQL's failingValueBytes, at a character's
// start, with "..." after it when cut.
func clipValue(s string) string {
	if len(s) <= failingValueBytes {
		return s
	}
	n := failingValueBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
