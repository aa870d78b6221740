// Package lp parses InfluxDB line protocol straight into column batches
// (storage.TableBatch): one batch per table in order of first appearance, rows
// in input order, values appended to typed slices, tag values dictionary
// encoded per batch.
//
// # Syntax
//
//	measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// Escapes follow InfluxDB v1/v2: in a measurement `\,` and `\ `; in tag keys,
// tag values and field keys `\,`, `\=` and `\ `; in string field values `\"`
// and `\\`. A backslash before any other byte is kept literally together with
// that byte (`\\` in a tag value is two backslashes, as in InfluxDB's Go
// parsers). A backslash at the end of a line is an error. String field values
// may span lines (InfluxDB 3 splits lines the same way). Lines whose first
// non-blank byte is '#' are comments; blank lines, CRLF endings and trailing
// blanks are fine. Field values are floats (1, -1.5, 1e3), integers (1i),
// unsigned integers (1u), strings ("x") and booleans (t, T, true, True, TRUE and
// the same for false); inf, NaN and out-of-range numbers are errors.
// Timestamps are optional integers scaled by Options.Precision (Auto guesses the
// unit of each timestamp from its magnitude).
//
// # Invariants
//
//   - A line is parsed and checked completely before anything is appended: a
//     rejected line leaves no trace (no table, column, dictionary entry or
//     value), so Rows + Result.ErrorCount == Lines.
//   - Every returned batch satisfies (*storage.TableBatch).Validate. A column
//     first seen at row r is back-filled with r nulls; rows without a column
//     get null. Dictionary codes are dense and in order of first use.
//   - A field keeps one type per batch, and the type Options.Schema reports;
//     a tag never shares a name with a field. Names are checked with
//     storage.ValidateName, "time" is reserved, tag values and strings must be
//     valid UTF-8.
//   - Escaping is injective, so the raw bytes of a series key
//     (`measurement,tag=v,...`) and of a field key identify the decoded names.
//     The parser caches, per Parse, raw series key → (table, tag column,
//     dictionary code) and, per table, the field order of the last accepted
//     line; a line of a known series with the usual fields is resolved with one
//     map lookup and byte comparisons.
//
// # Goroutine model
//
// A Parser is not safe for concurrent use; use one per goroutine (they are
// cheap and worth pooling: Parse reuses its maps and scratch buffers). The
// batches in a Result are newly allocated and belong to the caller; the Parser
// never touches them again.
//
// # Errors
//
// A rejected line is reported with the number of the line it starts on, the
// 1-based byte column of the problem counted from that line's start (past the
// first line when a string value spans lines) and the reason. After an error the
// parser resumes after the next newline. Type conflicts use InfluxDB's message:
// "invalid column type for column 'x', expected float, got integer".
//
// # Performance
//
// Profiled with BenchmarkParseTSBS (10 tags, 10 integer fields, 100 hosts):
// about 430 ns of CPU per line. The time is spread over the field loop (key
// comparison with the predicted column, integer parsing; ~40%), the row
// append (~30%, a third of it first-touching the newly allocated columns), the
// series-key map lookup (hashing the ~200-byte key; ~10%) and the line and
// space searches (bytes.IndexByte; ~6%). Two changes came from profiles:
// parsing fields in place in the per-line slice (copying a 70-byte struct per
// field was a quarter of the time) and growing all columns of a table at once
// to an extrapolated row count instead of append doubling (-60% bytes
// allocated). Steady state allocates nothing per line; what remains is one
// string per new series key and per new dictionary value, and the batches.
package lp
