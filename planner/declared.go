package planner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// Declared types. A column declared integer, smallint, real, character
// varying(n) or character(n) is stored as bigint, double precision or
// text, the types Strata's files hold, and keeps the type declared
// (storage.ColumnMeta.SQLType): reads report it (int4 values to clients
// that decode them so, node-postgres' numbers rather than int8's strings),
// the catalogs show it (\d, information_schema.columns, pg_attribute's
// atttypmod), and every write path keeps the values within it as
// PostgreSQL does: 22003 "integer out of range", 22001 "value too long for
// type character varying(20)" (spaces past the length are cut), reals
// rounded to single precision. character(n) keeps no trailing spaces
// (PostgreSQL does not count them; it shows them padded).
//
// A column declared timestamp (without time zone) is stored as a
// timestamp holding its reading as UTC's (the instant UTC's clocks read
// it), which is how the engine holds a timestamp without time zone: reads
// need no conversion in any session's zone, and it reads the same
// whatever the zone of the session that wrote it, as in PostgreSQL. The
// writes convert instants (timestamptz values) to what the session
// zone's clocks read, as PostgreSQL's assignment cast does.

// declaredType is the ColumnMeta.SQLType of a column declared as t (as the
// SQL layer writes types: lower case, varchar(20)) and stored as stored:
// PostgreSQL's name of the type when it says more than the stored type,
// "" otherwise.
func declaredType(t string, stored storage.ColumnType) (string, error) {
	base, n := t, ""
	if i := strings.IndexByte(t, '('); i >= 0 && strings.HasSuffix(t, ")") {
		base, n = t[:i], t[i:]
	}
	base = strings.TrimPrefix(strings.TrimSpace(base), "pg_catalog.")
	if i := strings.IndexByte(base, '('); i >= 0 { // timestamp(3) without time zone
		if j := strings.IndexByte(base[i:], ')'); j >= 0 {
			base = strings.TrimSpace(base[:i] + base[i+j+1:])
		}
	}
	length := func(name string) (string, error) {
		if n == "" {
			return "", nil
		}
		v, err := strconv.Atoi(n[1 : len(n)-1])
		if err != nil || v < 1 || v > 10485760 {
			return "", errorf("22023", "length for type %s must be between 1 and 10485760, not %s", name, n[1:len(n)-1])
		}
		return n, nil
	}
	switch stored {
	case storage.TypeInt:
		switch base {
		case "smallint", "int2":
			return "smallint", nil
		case "integer", "int", "int4":
			return "integer", nil
		}
	case storage.TypeFloat:
		switch base {
		case "real", "float4":
			return "real", nil
		case "float": // float(1) to float(24) is real
			if p, err := strconv.Atoi(strings.Trim(n, "()")); err == nil && p >= 1 && p <= 24 {
				return "real", nil
			}
		case "numeric", "decimal":
			return numericDeclared(strings.ReplaceAll(n, " ", ""))
		}
	case storage.TypeTimestamp, storage.TypeTime:
		digits, err := timeDigits(t)
		if err != nil {
			return "", err
		}
		switch base {
		case "timestamp", "timestamp without time zone":
			return "timestamp" + digits + " without time zone", nil
		case "timestamptz", "timestamp with time zone":
			if digits != "" {
				return "timestamp" + digits + " with time zone", nil
			}
		case "date":
			return "date", nil
		}
	case storage.TypeString, storage.TypeTag:
		switch base {
		case "varchar", "character varying":
			n, err := length("varchar")
			return "character varying" + n, err
		case "char", "character", "bpchar":
			if n == "" {
				if base == "bpchar" {
					return "", nil // bpchar without a length: any length, as text
				}
				n = "(1)"
			}
			n, err := length("char")
			return "character" + n, err
		}
	}
	return "", nil
}

// precisionWarning is PostgreSQL's WARNING for a time type written with
// more than 6 digits of a second (timestamp(7), timestamptz(9), time(8),
// timestamp(7) with time zone), which it reduces to 6; ok is false for
// other types.
func precisionWarning(t string) (n Notice, ok bool) {
	base, rest, found := strings.Cut(strings.ToLower(strings.TrimSpace(t)), "(")
	digits, zone, closed := strings.Cut(rest, ")")
	p, err := strconv.Atoi(strings.TrimSpace(digits))
	if !found || !closed || err != nil || p <= storage.MaxTimeDigits {
		return Notice{}, false
	}
	base = strings.TrimPrefix(strings.TrimSpace(base), "pg_catalog.")
	var name string
	switch zone = strings.TrimSpace(zone); {
	case base == "timestamptz" && zone == "", base == "timestamp" && zone == "with time zone":
		name = "TIMESTAMP(%d) WITH TIME ZONE"
	case base == "timestamp" && (zone == "" || zone == "without time zone"):
		name = "TIMESTAMP(%d)"
	case base == "timetz" && zone == "", base == "time" && zone == "with time zone":
		name = "TIME(%d) WITH TIME ZONE"
	case base == "time" && (zone == "" || zone == "without time zone"):
		name = "TIME(%d)"
	default:
		return Notice{}, false
	}
	return Notice{Severity: "WARNING", Code: "22023", Msg: fmt.Sprintf(name+" precision reduced to maximum allowed, %d", p, storage.MaxTimeDigits)}, true
}

// timeDigits is "(p)" of a timestamp type written with a precision
// (timestamp(3), timestamptz(0), timestamp(3) with time zone), "" for
// none; more than 6 digits are 6, as PostgreSQL reduces them (it warns).
func timeDigits(t string) (string, error) {
	i := strings.IndexByte(t, '(')
	j := strings.IndexByte(t, ')')
	if i < 0 || j < i {
		return "", nil
	}
	p, err := strconv.Atoi(strings.TrimSpace(t[i+1 : j]))
	switch {
	case err != nil:
		return "", errorf(CodeSyntax, "invalid type modifier %s", t[i:j+1])
	case p < 0:
		return "", errorf("22023", "TIMESTAMP(%d) precision must not be negative", p)
	}
	return fmt.Sprintf("(%d)", min(p, storage.MaxTimeDigits)), nil
}

// numericDeclared is the declared type of numeric with modifiers mods
// ("", "(10,2)", "(5)"): numeric(p,s), with PostgreSQL's errors for a
// precision or scale out of bounds.
func numericDeclared(mods string) (string, error) {
	if mods == "" {
		return "numeric", nil
	}
	p, s, hasScale := strings.Cut(mods[1:len(mods)-1], ",")
	prec, err := strconv.Atoi(p)
	if err != nil {
		return "", errorf(CodeSyntax, "invalid NUMERIC type modifier %s", mods)
	}
	scale := 0
	if hasScale {
		if scale, err = strconv.Atoi(s); err != nil {
			return "", errorf(CodeSyntax, "invalid NUMERIC type modifier %s", mods)
		}
	}
	if prec < 1 || prec > storage.NumericMaxPrecision {
		return "", errorf("22023", "NUMERIC precision %d must be between 1 and %d", prec, storage.NumericMaxPrecision)
	}
	if scale < storage.NumericMinScale || scale > storage.NumericMaxScale {
		return "", errorf("22023", "NUMERIC scale %d must be between %d and %d", scale, storage.NumericMinScale, storage.NumericMaxScale)
	}
	return fmt.Sprintf("numeric(%d,%d)", prec, scale), nil
}

// declaredOf is what a stored column's declared type adds to its stored
// type.
func declaredOf(c storage.ColumnMeta) storage.Declared { return storage.ParseDeclared(c.SQLType) }

// declaredPGType is the PostgreSQL type a column's values are reported as
// (Column.PGType): its declared type's, 0 for its stored type's.
func declaredPGType(c storage.ColumnMeta) uint32 { return declaredOf(c).OID }

// declaredScale is the display scale (Column.Scale) of a column declared
// d: numeric(p,s)'s s (none below 0: such values are whole numbers), 0 for
// other types.
func declaredScale(d storage.Declared) int {
	if d.OID == storage.OIDNumeric && d.Precision > 0 {
		return max(d.Scale, 0)
	}
	return 0
}

// declaredError is a storage.ValueError as PostgreSQL reports it, naming
// the column.
func declaredError(err error, column string) error {
	return declaredErrorAt(err, fmt.Sprintf("column %q", column))
}

// declaredErrorAt is declaredError naming where the value is ("column
// \"a\", row 2"; "" for nowhere) after PostgreSQL's detail, if any.
func declaredErrorAt(err error, where string) error {
	var ve *storage.ValueError
	if !errors.As(err, &ve) {
		return err
	}
	code := CodeOutOfRange
	if ve.TooLong {
		code = "22001"
	}
	e := errorf(code, "%s", ve.Msg)
	switch {
	case ve.Detail == "":
		e.Detail = where
	case where == "":
		e.Detail = ve.Detail
	default:
		e.Detail = fmt.Sprintf("%s (%s).", strings.TrimSuffix(ve.Detail, "."), where)
	}
	return e
}

// checkDeclared keeps a batch about to be written within the declared
// types of its table's columns (schema): it refuses a value a column's
// type cannot hold, naming the row (1-based), and rounds reals and cuts
// spaces as PostgreSQL's assignment does.
func checkDeclared(schema []storage.ColumnMeta, batch *storage.TableBatch) error {
	for _, c := range schema {
		d := declaredOf(c)
		if d.OID == 0 {
			continue
		}
		var row int
		var err error
		if f := batch.Column(c.Name); f != nil {
			row, err = d.Check(f)
		} else if t := batch.Tag(c.Name); t != nil {
			row, err = d.CheckTag(t)
		}
		if err != nil {
			return declaredErrorAt(err, fmt.Sprintf("column %q, row %d", c.Name, row+1))
		}
	}
	return nil
}

// checkDeclaredArray is checkDeclared for a column's new values (an
// UPDATE's): out is a, or a new array (changed) where reals round or
// spaces are cut.
func checkDeclaredArray(ec *exec.Ctx, d storage.Declared, column string, a arrow.Array) (out arrow.Array, changed bool, err error) {
	if d.OID == 0 {
		return a, false, nil
	}
	switch a := a.(type) {
	case *array.Int64:
		for i, v := range a.Int64Values() {
			if err := d.Int(v); err != nil && a.IsValid(i) {
				return nil, false, declaredError(err, column)
			}
		}
	case *array.Float64:
		b := array.NewFloat64Builder(ec.Mem)
		defer b.Release()
		b.Reserve(a.Len())
		for i, v := range a.Float64Values() {
			if a.IsNull(i) {
				b.UnsafeAppendBoolToBitmap(false)
				continue
			}
			r, err := d.Float(v)
			if err != nil {
				return nil, false, declaredError(err, column)
			}
			b.UnsafeAppend(r)
		}
		return b.NewArray(), true, nil
	case *array.Timestamp:
		if !d.ChangesTime() {
			return a, false, nil
		}
		for i, v := range a.TimestampValues() {
			t, err := d.Time(int64(v))
			if err != nil && a.IsValid(i) {
				return nil, false, declaredError(err, column)
			}
			changed = changed || t != int64(v) && a.IsValid(i)
		}
		if !changed {
			return a, false, nil
		}
		b := array.NewTimestampBuilder(ec.Mem, a.DataType().(*arrow.TimestampType))
		defer b.Release()
		for i, v := range a.TimestampValues() {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			t, _ := d.Time(int64(v))
			b.Append(arrow.Timestamp(t))
		}
		return b.NewArray(), true, nil
	case *array.String:
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				continue
			}
			s, err := d.String(a.Value(i))
			if err != nil {
				return nil, false, declaredError(err, column)
			}
			changed = changed || len(s) != len(a.Value(i))
		}
		if !changed {
			return a, false, nil
		}
		b := array.NewStringBuilder(ec.Mem)
		defer b.Release()
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				b.AppendNull()
				continue
			}
			s, _ := d.String(a.Value(i))
			b.Append(s)
		}
		return b.NewArray(), true, nil
	}
	return a, false, nil
}

// declaredColumnType is a stored column's type as information_schema and
// the error messages name it: data_type and udt_name.
func declaredColumnType(c storage.ColumnMeta) (dataType, udt string) {
	if oid := int64(declaredOf(c).OID); oid != 0 {
		return typeName(oid), typeIndex().name[oid] // format_type's name, pg_type's typname
	}
	return dataTypeName(c.Type), udtName(c.Type)
}

// declaredFill is a value every stored row of a new column takes (ADD
// COLUMN ... DEFAULT) as its declared type d holds it.
func declaredFill(d storage.Declared, column string, v any) (any, error) {
	var err error
	switch x := v.(type) {
	case int64:
		err = d.Int(x)
	case float64:
		v, err = d.Float(x)
	case string:
		v, err = d.String(x)
	}
	if err != nil {
		return nil, declaredError(err, column)
	}
	return v, nil
}

// declaredFacts are information_schema.columns' precision columns of a
// declared integer, real, date or numeric type (they replace the stored
// type's).
func declaredFacts(d storage.Declared) map[string]any {
	switch d.OID {
	case storage.OIDSmallint:
		return map[string]any{"numeric_precision": 16}
	case storage.OIDInteger:
		return map[string]any{"numeric_precision": 32}
	case storage.OIDReal:
		return map[string]any{"numeric_precision": 24}
	case storage.OIDDate:
		return map[string]any{"datetime_precision": 0}
	case storage.OIDTimestamp, storage.OIDTimestamptz:
		if d.Rounded {
			return map[string]any{"datetime_precision": d.Digits}
		}
	case storage.OIDNumeric:
		if d.Precision == 0 {
			return map[string]any{"numeric_precision": nil, "numeric_precision_radix": 10, "numeric_scale": nil}
		}
		return map[string]any{"numeric_precision": d.Precision, "numeric_precision_radix": 10, "numeric_scale": d.Scale}
	}
	return nil
}

// checkStoredFit checks that the values stored in a column fit the type
// an ALTER COLUMN ... TYPE declares (d), as PostgreSQL's rewrite of the
// table would: integers within range (22003), strings within the length
// (22001), numerics within numeric(p,s)'s digits (22003), and doubles that
// a real or numeric(p,s) holds as they are (0A000 otherwise: Strata does
// not rewrite them, PostgreSQL would round them).
func (p *Planner) checkStoredFit(ctx context.Context, sess *Session, table, column string, d storage.Declared) error {
	col := quoteIdentifier(column)
	first := func(cond string) (string, bool, error) { // a stored value where cond holds
		return p.firstValue(ctx, sess, fmt.Sprintf("SELECT %s::text FROM %s WHERE %s LIMIT 1", col, quoteIdentifier(table), cond))
	}
	var cond string
	switch d.OID {
	case storage.OIDSmallint:
		cond = col + " NOT BETWEEN -32768 AND 32767"
	case storage.OIDInteger:
		cond = col + " NOT BETWEEN -2147483648 AND 2147483647"
	case storage.OIDReal:
		cond = col + " <> " + col + "::real::float8"
	case storage.OIDChar, storage.OIDVarchar:
		if d.Length == 0 {
			return nil
		}
		cond = fmt.Sprintf("char_length(%s) > %d", col, d.Length)
	case storage.OIDDate:
		cond = fmt.Sprintf("%s <> date_trunc('day', %s)", col, col)
	case storage.OIDTimestamp, storage.OIDTimestamptz:
		if !d.Rounded {
			return nil
		}
		cond = fmt.Sprintf("%s <> %s::%s", col, col, shortTimeType(d))
	case storage.OIDNumeric:
		if d.Precision == 0 {
			return nil
		}
		// Values too large first, as PostgreSQL refuses them, then those
		// that would round.
		value, found, err := first(fmt.Sprintf("abs(round(%s::numeric, %d)) >= 1e%d", col, d.Scale, d.Precision-d.Scale))
		if err != nil {
			return err
		}
		if v, _ := strconv.ParseFloat(value, 64); found {
			if _, err := d.Numeric(v); err != nil {
				return declaredErrorAt(err, fmt.Sprintf("column %q holds %s", column, value))
			}
		}
		cond = fmt.Sprintf("%s::numeric <> round(%s::numeric, %d)", col, col, d.Scale)
	default:
		return nil
	}
	value, found, err := first(cond)
	if err != nil || !found {
		return err
	}
	switch d.OID {
	case storage.OIDReal:
		e := notSupported(fmt.Sprintf("ALTER COLUMN %s TYPE real of stored values a real rounds (%s)", column, value))
		e.Hint = fmt.Sprintf("round them first: UPDATE %s SET %s = %s::real", quoteIdentifier(table), col, col)
		return e
	case storage.OIDNumeric:
		e := notSupported(fmt.Sprintf("ALTER COLUMN %s TYPE %s of stored values it rounds (%s)", column, formatTypeName(int64(d.OID), int64(d.Typmod())), value))
		e.Hint = fmt.Sprintf("round them first: UPDATE %s SET %s = round(%s, %d)", quoteIdentifier(table), col, col, d.Scale)
		return e
	case storage.OIDTimestamp, storage.OIDTimestamptz:
		e := notSupported(fmt.Sprintf("ALTER COLUMN %s TYPE %s of stored values it rounds (%s)", column, formatTypeName(int64(d.OID), int64(d.Typmod())), value))
		e.Hint = fmt.Sprintf("round them first: UPDATE %s SET %s = %s::%s", quoteIdentifier(table), col, col, shortTimeType(d))
		return e
	case storage.OIDDate:
		e := notSupported(fmt.Sprintf("ALTER COLUMN %s TYPE date of stored values with a time of day (%s)", column, value))
		e.Hint = fmt.Sprintf("truncate them first: UPDATE %s SET %s = date_trunc('day', %s)", quoteIdentifier(table), col, col)
		return e
	case storage.OIDChar, storage.OIDVarchar:
		// Spaces past the length too: PostgreSQL's cast would cut
		// them, Strata does not rewrite the values.
		e := errorf("22001", "value too long for type %s", formatTypeName(int64(d.OID), int64(d.Typmod())))
		e.Detail = fmt.Sprintf("column %q holds %q", column, value)
		return e
	}
	e := declaredError(d.Int(math.MaxInt64), column) // below the range too: one message
	AsError(e).Detail = fmt.Sprintf("column %q holds %s", column, value)
	return e
}

// shortTimeType is a timestamp(p) type's short name: timestamp(3),
// timestamptz(3).
func shortTimeType(d storage.Declared) string {
	if d.OID == storage.OIDTimestamptz {
		return fmt.Sprintf("timestamptz(%d)", d.Digits)
	}
	return fmt.Sprintf("timestamp(%d)", d.Digits)
}

// readValue is x, the value of scope column c, as the engine holds it: a
// stored column declared date holds its values' midnights as UTC reads
// them, and the engine holds a date as its midnight in the session's zone
// (the same instant in UTC).
func (b *binder) readValue(c *scopeCol, x exec.Expr) (exec.Expr, error) {
	if !c.dateReading || b.sessionUTC() {
		return x, nil
	}
	return b.call("__to_instant", []exec.Expr{x})
}

// readingText reads text as a column declared d (timestamp without time
// zone, date) takes it: a reading, any offset written ignored, with
// PostgreSQL's error naming the type.
func readingText(s string, d storage.Declared, loc *time.Location, now time.Time) (int64, error) {
	ns, err := exec.ParseReading(s, loc, now)
	var beyond *exec.BeyondTimesError
	if err == nil || errors.As(err, &beyond) {
		return ns, err
	}
	name := "type timestamp"
	if d.OID == storage.OIDDate {
		name = "type date"
	}
	return 0, errorf(castErrorCode(err), "%s", strings.Replace(err.Error(), "type timestamp with time zone", name, 1))
}

// checkZoneRetype refuses an ALTER COLUMN ... TYPE between timestamptz and
// timestamp (without time zone) or date of stored values in a session
// whose zone is not UTC: PostgreSQL's rewrite would move each value by the
// zone's offset, and Strata changes the declared type without rewriting
// (in UTC a value and its reading are the same).
func checkZoneRetype(sess *Session, col storage.ColumnMeta, declared string) error {
	d := storage.ParseDeclared(declared)
	if declaredOf(col).Reading() == d.Reading() || isUTC(sess.Location) {
		return nil
	}
	e := notSupported(fmt.Sprintf("ALTER COLUMN %s TYPE %s of stored values in time zone %s", col.Name, formatTypeName(int64(cmp.Or(d.OID, 1184)), -1), sess.Location))
	e.Hint = "PostgreSQL would move each value by the zone's offset; Strata changes the type without rewriting the values, which read the same in UTC: SET TIME ZONE 'UTC' first"
	return e
}

// resultDeclared is the declared type of a column CREATE TABLE ... AS
// makes of a query's column c, stored as typ, when its PostgreSQL type
// (Column.PGType) is narrower than its engine type: format_type's name, as
// ParseDeclared reads it, with the length, numeric's precision and scale
// or a timestamp's precision where the query keeps them (Column.Typmod),
// and "" for the others (bpchar without a length is text).
func resultDeclared(c Column, typ storage.ColumnType) string {
	if c.Type.ID() == arrow.TIMESTAMP && c.Typmod() >= 0 && (c.PGType == 0 || c.PGType == storage.OIDTimestamp || c.PGType == storage.OIDTimestamptz) {
		// timestamp(p) or timestamptz(p) read as it is.
		return formatTypeName(int64(cmp.Or(c.PGType, storage.OIDTimestamptz)), int64(c.Typmod()))
	}
	switch c.PGType {
	case storage.OIDSmallint, storage.OIDInteger, storage.OIDReal, storage.OIDTimestamp, storage.OIDDate:
		return typeName(int64(c.PGType))
	case storage.OIDVarchar:
		return formatTypeName(int64(c.PGType), int64(c.Typmod()))
	case storage.OIDChar:
		if c.Typmod() >= 0 {
			return formatTypeName(int64(c.PGType), int64(c.Typmod())) // character(n)
		}
	case storage.OIDNumeric:
		if typ == storage.TypeFloat {
			return formatTypeName(int64(c.PGType), int64(c.Typmod()))
		}
	}
	return ""
}
