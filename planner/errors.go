package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Error is a planning or execution error with a PostgreSQL SQLSTATE.
type Error struct {
	Code   string // SQLSTATE
	Msg    string
	Detail string // PostgreSQL's DETAIL: what exactly was wrong
	Hint   string
	// Position is the 1-based character position in the query the error
	// refers to, 0 when unknown.
	Position int
	// Schema, Table, Column and Constraint name the object a constraint's
	// error is about, as PostgreSQL's error fields s, t, c and n do ("" for
	// none): drivers show them (pgx's PgError.ConstraintName, psycopg2's
	// diag.constraint_name) and ORMs map errors by them.
	Schema, Table, Column, Constraint string

	// ref is the name (dotted parts as written) an undefined column or
	// relation error is about, for finishError to place it in the text.
	ref []string
	// missingTable is set on an undefined column error when its table
	// qualifier names no table in scope: PostgreSQL's 42P01 "missing
	// FROM-clause entry". It stays 42703 while planning, since callers
	// retry undefined columns (correlation, LATERAL); finishError turns it.
	missingTable string
	// hiddenBy is the alias that hides missingTable's name (FROM cpu c
	// ... cpu.x): PostgreSQL's "invalid reference to FROM-clause entry".
	hiddenBy string
	// relation: ref is a relation's name.
	relation bool
	// unreachable: missingTable is an earlier FROM item, which a FROM
	// subquery without LATERAL cannot name.
	unreachable bool
}

// finishError gives a planning error of stmt what only the whole
// statement knows: an undefined column whose table qualifier named no
// table becomes 42P01, and a name's error its position in the text.
func finishError(stmt *sql.Statement, err error) error {
	var pe *Error
	if err == nil || !errors.As(err, &pe) || pe.ref == nil {
		return err
	}
	out := *pe
	if out.missingTable != "" {
		out.Code = CodeUndefinedTable
		out.Msg = fmt.Sprintf("missing FROM-clause entry for table %q", out.missingTable)
		out.Hint = ""
		switch {
		case out.hiddenBy != "":
			out.Msg = fmt.Sprintf("invalid reference to FROM-clause entry for table %q", out.missingTable)
			out.Hint = fmt.Sprintf("Perhaps you meant to reference the table alias %q.", out.hiddenBy)
		case out.unreachable:
			out.Msg = fmt.Sprintf("invalid reference to FROM-clause entry for table %q", out.missingTable)
			out.Hint = fmt.Sprintf("There is an entry for table %q, but it cannot be referenced from this part of the query (a subquery in FROM sees earlier FROM items only with LATERAL).", out.missingTable)
		}
	}
	if out.Position == 0 && stmt != nil {
		if out.relation {
			out.Position = sql.RelationPosition(stmt.Text, out.ref...)
		} else {
			out.Position = sql.NamePosition(stmt.Text, out.ref...)
		}
	}
	out.ref, out.missingTable, out.hiddenBy, out.unreachable = nil, "", "", false
	return &out
}

// shiftPosition moves a planning error's position by n characters (an
// EXPLAIN's query planned from its own text).
func shiftPosition(err error, n int) error {
	var pe *Error
	if err == nil || n == 0 || !errors.As(err, &pe) || pe.Position == 0 {
		return err
	}
	out := *pe
	out.Position += n
	return &out
}

func (e *Error) Error() string {
	msg := e.Msg
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Hint != "" {
		return msg + " (" + e.Hint + ")"
	}
	return msg
}

// SQLSTATEs used by the planner.
const (
	CodeSyntax           = "42601"
	CodeUndefinedTable   = "42P01"
	CodeUndefinedColumn  = "42703"
	CodeAmbiguousColumn  = "42702"
	CodeGrouping         = "42803"
	CodeUndefinedFunc    = "42883"
	CodeDatatype         = "42804"
	CodeCannotCoerce     = "42846"
	CodeNotSupported     = "0A000"
	CodeInvalidText      = "22P02"
	CodeDivisionByZero   = "22012"
	CodeOutOfRange       = "22003"
	CodeDatetimeOverflow = "22008"
	CodeInternal         = "XX000"
	CodeProgramLimit     = "54000"
	CodeTooComplex       = "54001"
)

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

func notSupported(what string) *Error {
	return &Error{Code: CodeNotSupported, Msg: what + " is not supported yet"}
}

// AsError classifies any error from planning or execution.
func AsError(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	var je *exec.JSONError
	if errors.As(err, &je) {
		code := "22P02"
		if je.Msg != "" {
			code = "22P05" // untranslatable_character
		}
		return &Error{Code: code, Msg: je.Message(), Detail: je.Detail}
	}
	var be *exec.BeyondTimesError
	if errors.As(err, &be) {
		return &Error{Code: CodeDatetimeOverflow, Msg: be.Error()} // 'infinity' and times Strata cannot hold
	}
	var ja *exec.JSONArgError
	if errors.As(err, &ja) {
		return &Error{Code: "22023", Msg: ja.Msg, Hint: ja.Hint}
	}
	var ce *exec.CodedError
	if errors.As(err, &ce) {
		return &Error{Code: ce.Code, Msg: ce.Msg, Hint: ce.Hint}
	}
	var qe *sql.Error
	if errors.As(err, &qe) {
		return &Error{Code: qe.SQLState, Msg: qe.Message, Hint: qe.Hint, Position: qe.Position}
	}
	var se *storage.Error
	if errors.As(err, &se) {
		if errors.Is(err, context.Canceled) || strings.Contains(se.Msg, "context canceled") {
			// A read cut short by cancellation (a CancelRequest, a closed
			// connection) is the cancellation, not a storage fault.
			return &Error{Code: "57014", Msg: "canceling statement due to user request"}
		}
		code := CodeInternal
		switch se.Code {
		case storage.CodeNotFound:
			code = CodeUndefinedTable
		case storage.CodeInvalidName, storage.CodeInvalidArgument:
			code = CodeSyntax
		case storage.CodeDuplicateKey:
			code = "23505" // unique_violation
		case storage.CodeNotNull:
			code = "23502" // not_null_violation
		case storage.CodeKeyedTable:
			code = sql.CodeInvalidTableDefinition
		case storage.CodeAlreadyExists:
			code = "42P07" // duplicate_table: a relation's name (a table's, view's or key's)
			if strings.HasPrefix(se.Msg, "column ") {
				code = "42701" // duplicate_column
			} else if strings.HasPrefix(se.Msg, "database ") {
				code = "42P04" // duplicate_database
			}
		}
		out := &Error{Code: code, Msg: se.Msg, Hint: se.Hint, Table: se.Table, Column: se.Column}
		if out.Table != "" {
			out.Schema = "public"
		}
		return out
	}
	msg := err.Error()
	code := CodeInternal
	switch {
	case errors.Is(err, exec.ErrInternal):
		code = CodeInternal // whatever the panic's message says ("index out of range")
	case errors.Is(err, exec.ErrMemoryLimit):
		code = "53200"
	case errors.Is(err, exec.ErrSubqueryRows):
		code = "21000"
	case contains(msg, "division by zero"):
		code = CodeDivisionByZero
	case contains(msg, "time zone") && (contains(msg, "not recognized") || contains(msg, "must not include")),
		contains(msg, "not recognized for type"):
		code = "22023" // invalid_parameter_value
	case contains(msg, "invalid regular expression option"), contains(msg, "invalid value for parameter"),
		contains(msg, `does not support the "global" option`):
		code = "22023" // invalid_parameter_value
	case contains(msg, "invalid regular expression"):
		code = "2201B"
	case contains(msg, "LIKE pattern must not end with escape character"):
		code = "22025" // invalid_escape_sequence
	case contains(msg, "cannot take logarithm"):
		code = "2201E" // invalid_argument_for_logarithm
	case contains(msg, "count must be greater than zero") || contains(msg, "lower bound cannot equal upper bound"),
		contains(msg, "cannot be NaN") || contains(msg, "bounds must be finite"):
		code = "2201G" // invalid_argument_for_width_bucket_function
	case contains(msg, "null character not permitted"), contains(msg, "requested character too large"),
		contains(msg, "requested character not valid for encoding"):
		code = CodeProgramLimit // 54000, as PostgreSQL's chr()
	case contains(msg, "character number must be positive"):
		code = "22023"
	case contains(msg, "requested length too large"):
		code = CodeProgramLimit
	case contains(msg, "time zone displacement out of range"):
		code = "22009" // invalid_time_zone_displacement_value
	case contains(msg, "a stride of months cannot be combined"):
		code = "22023" // invalid_parameter_value
	case contains(msg, "binned into intervals containing months"), contains(msg, "not supported for type interval"):
		code = CodeNotSupported
	case contains(msg, "bucket width must be positive"), contains(msg, "timestamp out of range"), contains(msg, "stride must be greater than zero"):
		code = "22008" // datetime_field_overflow, invalid stride
	case contains(msg, "yields a complex result"), contains(msg, "sqrt: argument"), contains(msg, "cannot take square root"), contains(msg, "zero raised to a negative power"):
		code = "2201F" // invalid_argument_for_power_function
	case contains(msg, "ln: argument"), contains(msg, "log10: argument"), contains(msg, "log: argument"):
		code = "2201E" // invalid_argument_for_logarithm
	case contains(msg, "field position must not be zero"):
		code = "22023"
	case contains(msg, "argument of ntile must be greater than zero"):
		code = "22014" // invalid_argument_for_ntile_function
	case contains(msg, "argument of nth_value must be greater than zero"):
		code = "22016" // invalid_argument_for_nth_value_function
	case contains(msg, "negative substring length"):
		code = "22011" // substring_error
	case contains(msg, "invalid input syntax for type interval"), contains(msg, "invalid input syntax for type timestamp"),
		contains(msg, "invalid input syntax for type date"):
		code = "22007" // invalid_datetime_format
	case contains(msg, "cannot delete from"), contains(msg, "cannot get array length"), contains(msg, "cannot extract elements from"),
		contains(msg, "cannot deconstruct"), contains(msg, "on a non-object"), contains(msg, "cannot call json"),
		contains(msg, "cannot call populate_composite"), contains(msg, "must be an array of objects"):
		code = "22023" // invalid_parameter_value, as PostgreSQL's JSON functions
	case contains(msg, "malformed array literal"):
		code = "22P02"
	case contains(msg, "numeric field overflow"), contains(msg, "value overflows numeric format"):
		code = CodeOutOfRange
	case contains(msg, "field value out of range"), contains(msg, "interval out of range"), contains(msg, "in source string is out of range"),
		contains(msg, "cannot subtract infinite"), contains(msg, "origin out of range"):
		code = "22008" // datetime_field_overflow
	case contains(msg, "invalid combination of date conventions"):
		code = "22007" // invalid_datetime_format
	case contains(msg, "invalid value") && contains(msg, "for \""):
		code = "22007" // invalid_datetime_format (to_timestamp)
	case contains(msg, "is only supported in to_char") || contains(msg, "is not supported in to_timestamp"),
		contains(msg, "not supported for input"),
		contains(msg, "is not supported in to_char"):
		code = CodeNotSupported
	case contains(msg, "is invalid for the 12-hour clock"), contains(msg, "invalid format specification for an interval value"):
		code = "22007" // invalid_datetime_format
	case msg == "multiple decimal points", contains(msg, "and another sign pattern"), contains(msg, `cannot use "S" twice`),
		contains(msg, `"EEEE" must be the last pattern used`), contains(msg, `"EEEE" is incompatible with other formats`),
		contains(msg, `cannot use "V" and decimal point together`):
		code = CodeSyntax // a to_char number template PostgreSQL refuses
	case contains(msg, "out of range"), contains(msg, "factorial of a negative number"):
		code = CodeOutOfRange
	case contains(msg, "invalid input syntax"):
		code = CodeInvalidText
	case contains(msg, "does not exist"):
		code = CodeUndefinedFunc
	case contains(msg, "context canceled"):
		code = "57014"
		msg = "canceling statement due to user request"
	}
	return &Error{Code: code, Msg: msg}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
