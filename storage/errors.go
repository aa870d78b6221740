package storage

import "fmt"

// Code classifies the errors the engine returns to users; the HTTP, Postgres
// and Flight layers map it to their own status codes.
type Code int

// The error codes.
const (
	CodeInternal        Code = iota // a bug or an I/O failure
	CodeInvalidName                 // a bad database, table or column name
	CodeColumnType                  // a field written with a type other than its stored one
	CodeNotFound                    // no such database or table
	CodeAlreadyExists               // creating what exists
	CodeInvalidArgument             // a bad option value
	CodeClosed                      // the engine is shutting down
	CodeDuplicateKey                // a change would give two rows one time and tags
	CodeNotNull                     // a write or change leaves a NOT NULL column without a value
	CodeKeyedTable                  // a write or change would add a tag to a table with a declared key
)

// Error is an error a user can act on. Msg says what went wrong; Hint, when
// set, says how to fix it.
type Error struct {
	Code Code
	Msg  string
	Hint string
	// Table and Column name what a constraint's error (CodeNotNull) is
	// about, "" for none.
	Table, Column string
	// Row is the row a CodeDuplicateKey error is about: the key two rows
	// would share. nil for others.
	Row *RowName
}

// RowName is a row's time and tags, which name it among a table's rows.
type RowName struct {
	Time int64 // nanoseconds since the Unix epoch, UTC
	// Tags are the row's tags by name, nil for NULL.
	Tags map[string]*string
}

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Msg + " (" + e.Hint + ")"
	}
	return e.Msg
}

// ColumnTypeError is the error of a write whose field type conflicts with the
// stored column type. Its message is InfluxDB's.
func columnTypeError(table, column string, want, got ColumnType) *Error {
	return &Error{
		Code: CodeColumnType,
		Msg:  fmt.Sprintf("invalid column type for column '%s', expected %s, got %s", column, want, got),
		Hint: fmt.Sprintf("table %q already stores %q as %s; write it as %s or use another column name", table, column, want, want),
	}
}
