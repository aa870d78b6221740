package sql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"
)

// param is one parameter of a built-in function in named notation: its
// name, when it may be left out the value it then takes ("NULL" or "0"; ""
// when it must be given), and the type a quoted literal given by name is
// read as ("" to leave it to the function).
type param struct{ name, def, typ string }

// namedSignatures lists the forms of the built-in functions whose
// parameters have names (PostgreSQL's and TimescaleDB's), tried in order.
var namedSignatures = map[string][][]param{
	"time_bucket": {
		{{"bucket_width", "", ""}, {"ts", "", ""}},
		{{"bucket_width", "", ""}, {"ts", "", ""}, {"offset", "", "interval"}},
		{{"bucket_width", "", ""}, {"ts", "", ""}, {"origin", "", "timestamptz"}},
		{{"bucket_width", "", ""}, {"ts", "", ""}, {"timezone", "", "text"}, {"origin", "NULL", "timestamptz"}, {"offset", "NULL", "interval"}},
	},
	"time_bucket_gapfill": {
		{{"bucket_width", "", ""}, {"ts", "", ""}, {"start", "NULL", "timestamptz"}, {"finish", "NULL", "timestamptz"}},
		{{"bucket_width", "", ""}, {"ts", "", ""}, {"timezone", "", "text"}, {"start", "NULL", "timestamptz"}, {"finish", "NULL", "timestamptz"}},
	},
	"show_chunks": {
		{{"relation", "", ""}, {"older_than", "NULL", ""}, {"newer_than", "NULL", ""}, {"created_before", "NULL", ""}, {"created_after", "NULL", ""}},
	},
	"drop_chunks": {
		{{"relation", "", ""}, {"older_than", "NULL", ""}, {"newer_than", "NULL", ""}, {"verbose", "NULL", "bool"}, {"created_before", "NULL", ""}, {"created_after", "NULL", ""}},
	},
	"create_hypertable": {
		{{"relation", "", ""}, {"time_column_name", "", "text"}, {"partitioning_column", "NULL", "text"}, {"number_partitions", "NULL", "int4"},
			{"associated_schema_name", "NULL", "text"}, {"associated_table_prefix", "NULL", "text"}, {"chunk_time_interval", "NULL", ""},
			{"create_default_indexes", "NULL", "bool"}, {"if_not_exists", "NULL", "bool"}, {"partitioning_func", "NULL", "text"},
			{"migrate_data", "NULL", "bool"}, {"chunk_target_size", "NULL", "text"}, {"chunk_sizing_func", "NULL", "text"},
			{"time_partitioning_func", "NULL", "text"}},
		{{"relation", "", ""}, {"dimension", "", ""}, {"create_default_indexes", "NULL", "bool"}, {"if_not_exists", "NULL", "bool"},
			{"migrate_data", "NULL", "bool"}},
	},
	"add_retention_policy": {
		{{"relation", "", ""}, {"drop_after", "NULL", ""}, {"if_not_exists", "NULL", "bool"}, {"schedule_interval", "NULL", "interval"},
			{"initial_start", "NULL", "timestamptz"}, {"timezone", "NULL", "text"}, {"drop_created_before", "NULL", "interval"}},
	},
	"refresh_continuous_aggregate": {
		{{"continuous_aggregate", "", ""}, {"window_start", "", ""}, {"window_end", "", ""}, {"force", "NULL", "bool"}},
	},
	"add_continuous_aggregate_policy": {
		{{"continuous_aggregate", "", ""}, {"start_offset", "", ""}, {"end_offset", "", ""}, {"schedule_interval", "", "interval"},
			{"if_not_exists", "NULL", "bool"}, {"initial_start", "NULL", "timestamptz"}, {"timezone", "NULL", "text"},
			{"include_tiered_data", "NULL", "bool"}, {"buckets_per_batch", "NULL", "int4"}, {"max_batches_per_execution", "NULL", "int4"},
			{"refresh_newest_first", "NULL", "bool"}},
	},
	"remove_continuous_aggregate_policy": {
		{{"continuous_aggregate", "", ""}, {"if_exists", "NULL", "bool"}},
	},
	"add_compression_policy": {
		{{"hypertable", "", ""}, {"compress_after", "NULL", ""}, {"if_not_exists", "NULL", "bool"}, {"schedule_interval", "NULL", "interval"},
			{"initial_start", "NULL", "timestamptz"}, {"timezone", "NULL", "text"}, {"compress_created_before", "NULL", "interval"},
			{"hypercore_use_access_method", "NULL", "bool"}},
	},
	"add_columnstore_policy": {
		{{"hypertable", "", ""}, {"after", "NULL", ""}, {"if_not_exists", "NULL", "bool"}, {"schedule_interval", "NULL", "interval"},
			{"initial_start", "NULL", "timestamptz"}, {"timezone", "NULL", "text"}, {"created_before", "NULL", "interval"},
			{"hypercore_use_access_method", "NULL", "bool"}},
	},
	"remove_compression_policy": {{{"hypertable", "", ""}, {"if_exists", "NULL", "bool"}}},
	"remove_columnstore_policy": {{{"hypertable", "", ""}, {"if_exists", "NULL", "bool"}}},
	"compress_chunk":            {{{"uncompressed_chunk", "", ""}, {"if_not_compressed", "NULL", "bool"}, {"recompress", "NULL", "bool"}, {"hypercore_use_access_method", "NULL", "bool"}}},
	"decompress_chunk":          {{{"uncompressed_chunk", "", ""}, {"if_compressed", "NULL", "bool"}}},
	"convert_to_columnstore":    {{{"chunk", "", ""}, {"if_not_columnstore", "NULL", "bool"}, {"recompress", "NULL", "bool"}, {"hypercore_use_access_method", "NULL", "bool"}}},
	"convert_to_rowstore":       {{{"chunk", "", ""}, {"if_columnstore", "NULL", "bool"}}},
	"remove_retention_policy": {
		{{"relation", "", ""}, {"if_exists", "NULL", "bool"}},
	},
	"by_range": {
		{{"column_name", "", "text"}, {"partition_interval", "NULL", ""}, {"partition_func", "NULL", "text"}},
	},
	"locf": {
		{{"value", "", ""}, {"prev", "NULL", ""}, {"treat_null_as_missing", "NULL", "bool"}},
	},
	"interpolate": {
		{{"value", "", ""}, {"prev", "NULL", ""}, {"next", "NULL", ""}},
	},
	"make_interval": {
		{{"years", "0", "int4"}, {"months", "0", "int4"}, {"weeks", "0", "int4"}, {"days", "0", "int4"}, {"hours", "0", "int4"}, {"mins", "0", "int4"}, {"secs", "0", "float8"}},
	},
	"make_date": {
		{{"year", "", "int4"}, {"month", "", "int4"}, {"day", "", "int4"}},
	},
	"make_timestamp": {
		{{"year", "", "int4"}, {"month", "", "int4"}, {"mday", "", "int4"}, {"hour", "", "int4"}, {"min", "", "int4"}, {"sec", "", "float8"}},
	},
	"make_timestamptz": {
		{{"year", "", "int4"}, {"month", "", "int4"}, {"mday", "", "int4"}, {"hour", "", "int4"}, {"min", "", "int4"}, {"sec", "", "float8"}},
		{{"year", "", "int4"}, {"month", "", "int4"}, {"mday", "", "int4"}, {"hour", "", "int4"}, {"min", "", "int4"}, {"sec", "", "float8"}, {"timezone", "", ""}},
	},
}

// namedArgs puts the arguments of call f given in named notation (name =>
// value, the rewriter's __pg_named_arg) in their parameters' places, as
// PostgreSQL resolves them: positional arguments first, then named ones in
// any order; parameters left out take their defaults, and those after the
// last one given are dropped. It reports a PostgreSQL error when no form of
// the function has the names given.
func namedArgs(f *ast.FuncCallExpr) *postErr {
	fn, head := f.FnName.L, 0
	if (fn == MarkerTableFunction || fn == MarkerTableFunctionOrdinality) && len(f.Args) > 0 {
		fn, head = constString(f.Args[0]), 1 // a function in FROM: its name, then its arguments
	}
	named := map[string]ast.ExprNode{}
	var names []string
	positional := 0
	for _, a := range f.Args[head:] {
		call, name := fnName(a)
		if name != sentinelNamedArg {
			if len(names) > 0 {
				return &postErr{CodeSyntaxError, "positional argument cannot follow named argument", ""}
			}
			positional++
			continue
		}
		n := constString(call.Args[0])
		if _, dup := named[n]; dup {
			return &postErr{CodeSyntaxError, fmt.Sprintf("argument name %q used more than once", n), ""}
		}
		named[n] = call.Args[1]
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil
	}
	for _, sig := range namedSignatures[fn] {
		if args, ok := fill(sig, f.Args[head:head+positional], named); ok {
			f.Args = append(f.Args[:head:head], args...)
			return nil
		}
	}
	sig := fn + "(" + strings.Repeat("?, ", positional) + strings.Join(names, " => ?, ") + " => ?)"
	hint := "this function takes no named arguments"
	if forms := namedSignatures[fn]; len(forms) > 0 {
		var list []string
		for _, form := range forms {
			var ps []string
			for _, p := range form {
				ps = append(ps, p.name)
			}
			list = append(list, fn+"("+strings.Join(ps, ", ")+")")
		}
		hint = "its forms: " + strings.Join(list, "; ")
	}
	return &postErr{CodeUndefinedFunction, "function " + sig + " does not exist", hint}
}

// fill is the positional argument list of form sig for the arguments
// given, ok false when the form does not fit them.
func fill(sig []param, positional []ast.ExprNode, named map[string]ast.ExprNode) ([]ast.ExprNode, bool) {
	if len(positional) > len(sig) {
		return nil, false
	}
	for n := range named {
		i := slices.IndexFunc(sig, func(p param) bool { return p.name == n })
		if i < len(positional) {
			return nil, false // not a parameter of the form, or given by position
		}
	}
	args := slices.Clone(positional)
	last := len(positional) - 1
	for i := len(positional); i < len(sig); i++ {
		if v, ok := named[sig[i].name]; ok {
			if lit, ok := v.(*driver.ValueExpr); ok && sig[i].typ != "" && lit.Kind() == driver.KindString {
				// A quoted literal takes its parameter's type, as an
				// unknown-typed constant does in PostgreSQL.
				v = newCall(MarkerCast, v, ast.NewValueExpr(sig[i].typ, "", ""))
			}
			args = append(args, v)
			last = i
			continue
		}
		switch sig[i].def {
		case "":
			return nil, false
		case "NULL":
			args = append(args, ast.NewValueExpr(nil, "", ""))
		default:
			args = append(args, ast.NewValueExpr(int64(0), "", ""))
		}
	}
	return args[:last+1], true
}

func constString(e ast.ExprNode) string {
	if v, ok := e.(*driver.ValueExpr); ok {
		return v.GetString()
	}
	return ""
}
