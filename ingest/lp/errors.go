package lp

import (
	"fmt"

	"github.com/stratadb/strata/storage"
)

// LineError describes one rejected line.
type LineError struct {
	Line   int    // 1-based number of the line the rejected line starts on
	Column int    // 1-based byte offset from the start of that line to the problem
	Reason string // what is wrong, e.g. `invalid integer value "12xi" for field "usage"`
	Text   string // the rejected line as sent (without its line ending)
}

// Error implements error: `line 3, column 17: <reason>`.
func (e *LineError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Reason)
}

// typeConflict is InfluxDB's message for a column written with another type.
func typeConflict(column []byte, want, got storage.ColumnType) string {
	return fmt.Sprintf("invalid column type for column '%s', expected %s, got %s", column, want, got)
}
