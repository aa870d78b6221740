package sql

import (
	"fmt"
	"unicode/utf8"
)

// SQLSTATE codes produced by this package.
const (
	CodeSyntaxError            = "42601" // syntax_error
	CodeFeatureNotSupported    = "0A000" // feature_not_supported
	CodeInvalidTableDefinition = "42P16" // invalid_table_definition
	CodeUndefinedFunction      = "42883" // undefined_function
)

// Error is a parse error as users see it: a SQLSTATE, a message that says
// what is wrong, an optional hint saying how to fix it, and the 1-based
// character (not byte) position in the text given to Parse (0 when no
// position applies).
type Error struct {
	SQLState string
	Message  string
	Hint     string
	Position int
}

// Error implements error.
func (e *Error) Error() string {
	s := e.Message
	if e.Position > 0 {
		s = fmt.Sprintf("%s (at character %d)", s, e.Position)
	}
	if e.Hint != "" {
		s += "; hint: " + e.Hint
	}
	return s
}

// errAt builds an Error at byte offset off of src (off < 0: no position).
func errAt(src string, off int, code, msg, hint string) *Error {
	pos := 0
	if off >= 0 {
		if off > len(src) {
			off = len(src)
		}
		pos = utf8.RuneCountInString(src[:off]) + 1
	}
	return &Error{SQLState: code, Message: msg, Hint: hint, Position: pos}
}
