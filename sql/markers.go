package sql

// Marker function names. The rewriter represents PostgreSQL constructs that
// TiDB lacks as calls to these functions (ast.FuncCallExpr, FnName.L equal
// to the constant); doc.go specifies each one's arguments and meaning. The
// __pg_ prefix is reserved: user SQL may not call such functions.
const (
	MarkerCast          = "__pg_cast"           // (expr, 'type')
	MarkerRowRef        = "__pg_rowref"         // ('alias'): count(t.*), the row of a FROM item
	MarkerSubscript     = "__pg_subscript"      // (array, index)
	MarkerSlice         = "__pg_slice"          // (array, lower|NULL, upper|NULL)
	MarkerField         = "__pg_field"          // (composite, 'field')
	MarkerArray         = "__pg_array"          // (elem, ...)
	MarkerArraySubquery = "__pg_array_subquery" // ((subquery))
	MarkerAny           = "__pg_any"            // (array), right operand of a comparison
	MarkerAll           = "__pg_all"            // (array), right operand of a comparison
	MarkerRegex         = "__pg_regex"          // (subject, pattern, 'flags')
	MarkerExtract       = "__pg_extract"        // ('field', expr)
	MarkerDistinctArg   = "__pg_distinct_arg"   // (expr): agg(DISTINCT expr, ...) of aggregates TiDB does not know
	MarkerFilter        = "__pg_filter"         // (aggregate call, condition)
	MarkerWithinGroup   = "__pg_within_group"   // (aggregate call, sort expr, 'asc'|'desc')
	MarkerPercentiles   = "__pg_percentiles"    // (percentile aggregate, ...): percentile_cont(ARRAY[...]): their array, NULL if all are
	MarkerAtTimeZone    = "__pg_at_time_zone"   // (expr, zone)
	MarkerTableFunction = "__pg_table_function" // ('name', arg, ...)
	// RowsFromFunction is the name MarkerTableFunction gives ROWS FROM (f(..),
	// g(..)): its other arguments are the calls, whose rows are zipped.
	RowsFromFunction = "rows from"
	// RowsFromAlias is the alias of a ROWS FROM without one (TiDB needs
	// one): its columns are named by its functions.
	RowsFromAlias = "__rows_from"
	// MarkerColumnDefs ends a table function's arguments where a column
	// definition list follows its alias (f(..) AS x(a int, b text), as
	// record-returning functions take): 'name', __pg_cast(NULL, 'type')
	// per column come after it.
	MarkerColumnDefs = "__pg_column_defs"
	// MarkerTableFunctionOrdinality is MarkerTableFunction WITH ORDINALITY.
	MarkerTableFunctionOrdinality = "__pg_table_function_ordinality"
	MarkerConcat                  = "__pg_concat"         // (left, right): left || right
	MarkerPower                   = "__pg_power"          // (left, right): left ^ right
	MarkerOp                      = "__pg_op"             // ('op', left, right): left op right, JSON's operators
	MarkerAggOrder                = "__pg_agg_order"      // (aggregate call, key, 'asc'|'desc', 'nulls first'|'nulls last', ...)
	MarkerGroupingSets            = "__pg_grouping_sets"  // (element, ...): GROUPING SETS (element, ...)
	MarkerEmptySet                = "__pg_empty_set"      // (): the empty grouping set ()
	MarkerLagOffset               = "__pg_lag_offset"     // (value, offset): lag/lead's first argument when the offset is not a number
	MarkerWindowAgg               = "__pg_window_agg"     // ('name', arg, ...): max(__pg_window_agg(...)) OVER w is name(arg, ...) OVER w
	MarkerWindowFilter            = "__pg_window_filter"  // (cond): last argument of array_agg/json_agg(x, ...) OVER w, its FILTER (WHERE cond)
	MarkerPipe                    = "__pg_pipe"           // (summary): summary -> accessor(args) is accessor(__pg_pipe(summary), args)
	MarkerGroupDistinct           = "__pg_group_distinct" // (): first item of GROUP BY DISTINCT (duplicate grouping sets removed)
	MarkerConflictWhere           = "__pg_conflict_where" // column of the last ON DUPLICATE KEY UPDATE assignment: ON CONFLICT DO UPDATE's WHERE (conflictUpdate)
	MarkerWithTies                = "__pg_with_ties"      // (): last ORDER BY item of FETCH FIRST n ROWS WITH TIES
	// MarkerFrameExclude is the last ORDER BY item of a window whose frame
	// has EXCLUDE CURRENT ROW|GROUP|TIES: ('current row'|'group'|'ties').
	// A window without ORDER BY gets ORDER BY MarkerFrameExclude(...),
	// which is then its only item (no ordering of its own).
	MarkerFrameExclude = "__pg_frame_exclude"
	// MarkerOverlaps is (row, row): (a, b) OVERLAPS (c, d), each row a
	// *ast.RowExpr as written.
	MarkerOverlaps = "__pg_overlaps"
	// MarkerHypothetical prefixes rank, dense_rank, percent_rank and
	// cume_dist called with arguments and WITHIN GROUP (the
	// hypothetical-set aggregates; TiDB knows only the window functions):
	// __pg_hyp_rank(args) WITHIN GROUP (ORDER BY ...).
	MarkerHypothetical = "__pg_hyp_"

	// Sentinels used between the rewriter and the AST pass; they never
	// survive Parse.
	sentinelNullsFirst   = "__pg_nulls_first"
	sentinelNullsLast    = "__pg_nulls_last"
	sentinelDistinctOn   = "__pg_distinct_on"
	sentinelCI           = "__pg_ci"
	sentinelFullJoin     = "__pg_full_join"
	sentinelNatural      = "__pg_natural" // USING ("__pg_full_join", "__pg_natural"): NATURAL FULL JOIN
	sentinelAsofJoin     = "__pg_asof_join"
	sentinelAsofLeftJoin = "__pg_asof_left_join"
	sentinelSymmetric    = "__pg_symmetric"
	sentinelNamedArg     = "__pg_named_arg" // ('name', value): name => value in a call

	markerPrefix = "__pg_"
)
