package exec

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Expr is a typed expression evaluated over a whole batch.
type Expr interface {
	// Type is the Arrow type of the values Eval returns.
	Type() arrow.DataType
	// Eval returns one value per row of rec; the caller releases the array.
	Eval(c *Ctx, rec arrow.Record) (arrow.Array, error)
	// String renders the expression for EXPLAIN.
	String() string
}

// The Arrow types of SQL values.
var (
	TypeBool        = arrow.FixedWidthTypes.Boolean
	TypeInt         = arrow.PrimitiveTypes.Int64
	TypeUint        = arrow.PrimitiveTypes.Uint64
	TypeFloat       = arrow.PrimitiveTypes.Float64
	TypeText        = arrow.BinaryTypes.String
	TypeTimestamptz = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	TypeInterval    = arrow.FixedWidthTypes.MonthDayNanoInterval
	TypeNull        = arrow.Null
	// TypeTag is how tag columns arrive from storage; as SQL values they are
	// text.
	TypeTag = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
)

// IsText reports whether values of dt are text (plain or dictionary-encoded).
func IsText(dt arrow.DataType) bool {
	if d, ok := dt.(*arrow.DictionaryType); ok {
		return d.ValueType.ID() == arrow.STRING
	}
	return dt.ID() == arrow.STRING
}

// Column reads column Index of the input batch.
type Column struct {
	Index int
	Name  string
	DT    arrow.DataType
}

func (e *Column) Type() arrow.DataType { return e.DT }
func (e *Column) String() string       { return e.Name }

func (e *Column) Eval(_ *Ctx, rec arrow.Record) (arrow.Array, error) {
	if e.Index >= int(rec.NumCols()) {
		return nil, fmt.Errorf("column %s: input has %d columns", e.Name, rec.NumCols())
	}
	col := rec.Column(e.Index)
	col.Retain()
	return col, nil
}

// Literal is a constant. V holds nil (NULL) or a Go value of DT's kind:
// bool, int64, uint64, float64, string, Timestamp (ns since the epoch) or
// arrow.MonthDayNanoInterval.
type Literal struct {
	V  any
	DT arrow.DataType
}

// Timestamp is a timestamptz literal's value: nanoseconds since the epoch.
type Timestamp int64

func (e *Literal) Type() arrow.DataType { return e.DT }

func (e *Literal) String() string {
	switch v := e.V.(type) {
	case nil:
		return "NULL"
	case string:
		return fmt.Sprintf("'%s'", v)
	case Timestamp:
		return fmt.Sprintf("'%s'::timestamptz", formatTimestamp(int64(v)))
	case arrow.MonthDayNanoInterval:
		return fmt.Sprintf("'%s'::interval", FormatInterval(v))
	}
	return fmt.Sprint(e.V)
}

// Eval broadcasts the constant; kernels usually avoid this by asking
// constOf.
func (e *Literal) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	return broadcast(c, e.V, e.DT, int(rec.NumRows()))
}

// constOf returns the value of a constant expression.
func constOf(e Expr) (any, bool) {
	if l, ok := e.(*Literal); ok {
		return l.V, true
	}
	return nil, false
}

// broadcast builds an array holding v n times.
func broadcast(c *Ctx, v any, dt arrow.DataType, n int) (arrow.Array, error) {
	if v == nil {
		return array.MakeArrayOfNull(c.Mem, dt, n), nil
	}
	b := array.NewBuilder(c.Mem, dt)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		appendValue(b, v)
	}
	return b.NewArray(), nil
}
