package sql

import (
	"strings"
	"testing"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/stretchr/testify/require"
)

// TestNamedArgs: name => value arguments take their parameters' places,
// left-out parameters their defaults (dropped after the last one given),
// and the form chosen is the first whose names fit, as PostgreSQL and
// TimescaleDB resolve them.
func TestNamedArgs(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"time_bucket('1 hour', ts, origin => o)", "time_bucket('1 hour', `ts`, `o`)"},
		{`time_bucket('1 hour', ts, "offset" => o)`, "time_bucket('1 hour', `ts`, `o`)"},
		{"time_bucket('1 day', ts, timezone => 'UTC')", "time_bucket('1 day', `ts`, `__pg_cast`('UTC', 'text'))"},
		{`time_bucket('1 day', ts, "offset" => o, timezone => z)`, "time_bucket('1 day', `ts`, `z`, NULL, `o`)"},
		{`time_bucket('1 day', ts, 'UTC', "offset" => o)`, "time_bucket('1 day', `ts`, 'UTC', NULL, `o`)"},
		{"time_bucket(ts => ts, bucket_width => w)", "time_bucket(`w`, `ts`)"},
		{"time_bucket_gapfill(w, ts, finish => f)", "time_bucket_gapfill(`w`, `ts`, NULL, `f`)"},
		{"time_bucket_gapfill(w, ts, start => s)", "time_bucket_gapfill(`w`, `ts`, `s`)"},
		{"make_interval(days => 2, hours => 3)", "make_interval(0, 0, 0, 2, 3)"},
		{"make_interval(secs => 1.5)", "make_interval(0, 0, 0, 0, 0, 0, 1.5)"},
		{"make_interval(1, weeks => 2)", "make_interval(1, 0, 2)"},
		{"make_timestamptz(2016, 1, 2, 3, 4, 5, timezone => 'UTC')", "make_timestamptz(2016, 1, 2, 3, 4, 5, 'UTC')"},
		{"make_date(day => 3, month => 2, year => 2016)", "make_date(2016, 2, 3)"},
		{`time_bucket('1 day', ts, "offset" => '6 hours')`, "time_bucket('1 day', `ts`, `__pg_cast`('6 hours', 'interval'))"},
		{"time_bucket('1 day', ts, origin => '2016-01-01 06:00+00')", "time_bucket('1 day', `ts`, `__pg_cast`('2016-01-01 06:00+00', 'timestamptz'))"},
		{"make_interval(days => '3', secs => '1.5')", "make_interval(0, 0, 0, `__pg_cast`('3', 'int4'), 0, 0, `__pg_cast`('1.5', 'float8'))"},
		{"coalesce(a, b)", "coalesce(`a`, `b`)"}, // no named arguments: untouched
		{"drop_chunks('cpu', created_before => b)", "drop_chunks('cpu', NULL, NULL, NULL, `b`)"},
		{"add_retention_policy('cpu', if_not_exists => true, drop_after => d)", "add_retention_policy('cpu', `d`, __pg_cast('true', 'bool'))"},
		{"add_retention_policy(drop_after => d, relation => 'cpu')", "add_retention_policy('cpu', `d`)"},
		{"remove_retention_policy('cpu', if_exists => e)", "remove_retention_policy('cpu', `e`)"},
		// := is the older spelling of =>.
		{`time_bucket('1 day', ts, timezone := 'Asia/Amman', "offset" := '15 minutes')`, "time_bucket('1 day', `ts`, `__pg_cast`('Asia/Amman', 'text'), NULL, `__pg_cast`('15 minutes', 'interval'))"},
		{"make_interval(days := 2, hours=>3)", "make_interval(0, 0, 0, 2, 3)"},
	} {
		_, sel := parseSelect(t, "SELECT "+tt.in)
		var b strings.Builder
		require.NoError(t, field(sel, 0).Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreNameBackQuotes, &b)), tt.in)
		require.Equal(t, tt.want, strings.ReplaceAll(b.String(), "_utf8mb4", ""), tt.in)
	}
}

// TestNamedArgsInFrom: a function in FROM takes named arguments too
// (after the name package sql's marker carries first).
func TestNamedArgsInFrom(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"show_chunks('cpu', newer_than => n)", "__pg_table_function('show_chunks', 'cpu', NULL, `n`)"},
		{"show_chunks(relation => 'cpu') WITH ORDINALITY", "__pg_table_function_ordinality('show_chunks', 'cpu')"},
	} {
		_, sel := parseSelect(t, "SELECT * FROM "+tt.in)
		src := sel.From.TableRefs.Left.(*ast.TableSource).Source.(*ast.SelectStmt)
		var b strings.Builder
		require.NoError(t, field(src, 0).Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreNameBackQuotes, &b)), tt.in)
		require.Equal(t, tt.want, strings.ReplaceAll(b.String(), "_utf8mb4", ""), tt.in)
	}
	_, err := Parse("SELECT * FROM show_chunks(relation => 'cpu', 1)")
	require.ErrorContains(t, err, "positional argument cannot follow named argument")
	_, err = Parse("SELECT * FROM generate_series(stop => 3, start => 1)")
	require.ErrorContains(t, err, "function generate_series(stop => ?, start => ?) does not exist")
}

func TestNamedArgErrors(t *testing.T) {
	for _, tt := range []struct{ in, code, msg string }{
		{"SELECT time_bucket('1 day', ts, origin => o, \"offset\" => f)", CodeUndefinedFunction, `function time_bucket(?, ?, origin => ?, offset => ?) does not exist`},
		{"SELECT time_bucket('1 day', ts, o, timezone => z)", CodeUndefinedFunction, "does not exist"},
		{"SELECT make_interval(days => 1, days => 2)", CodeSyntaxError, `argument name "days" used more than once`},
		{"SELECT make_interval(days => 1, 2)", CodeSyntaxError, "positional argument cannot follow named argument"},
		{"SELECT lower(x => 'A')", CodeUndefinedFunction, "function lower(x => ?) does not exist"},
		{"SELECT make_interval(fortnights => 1)", CodeUndefinedFunction, "does not exist"},
		{"SELECT count(x => 1) FROM t", CodeSyntaxError, "take no named arguments"},
		{"SELECT a => 1", CodeSyntaxError, `syntax error at or near "=>"`},
		{"SELECT f(a + b => 1)", CodeSyntaxError, `syntax error at or near "=>"`},
		{"SELECT a := 1", CodeSyntaxError, `syntax error at or near ":="`},
	} {
		_, err := Parse(tt.in)
		require.Error(t, err, tt.in)
		var e *Error
		require.ErrorAs(t, err, &e, tt.in)
		require.Equal(t, tt.code, e.SQLState, "%s: %v", tt.in, err)
		require.Contains(t, e.Message, tt.msg, tt.in)
	}
}

// TestPercentileArrays: percentile_cont|disc(ARRAY[...]) WITHIN GROUP
// becomes one aggregate per fraction in __pg_percentiles, a FILTER around
// it the same FILTER on each.
func TestPercentileArrays(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x)",
			"`__pg_percentiles`(`__pg_within_group`(`percentile_cont`(0.5), `x`, 'asc'), `__pg_within_group`(`percentile_cont`(0.9), `x`, 'asc'))"},
		{"percentile_disc(ARRAY[0.1]) WITHIN GROUP (ORDER BY y DESC) FILTER (WHERE y > 0)",
			"`__pg_percentiles`(`__pg_filter`(`__pg_within_group`(`percentile_disc`(0.1), `y`, 'desc'), `y`>0))"},
		{"percentile_cont(0.5) WITHIN GROUP (ORDER BY x)", "__pg_within_group(percentile_cont(0.5), `x`, 'asc')"}, // a single fraction: untouched
	} {
		_, sel := parseSelect(t, "SELECT "+tt.in+" FROM t")
		var b strings.Builder
		require.NoError(t, field(sel, 0).Restore(format.NewRestoreCtx(format.RestoreStringSingleQuotes|format.RestoreNameBackQuotes, &b)), tt.in)
		require.Equal(t, tt.want, strings.ReplaceAll(b.String(), "_utf8mb4", ""), tt.in)
	}
}
