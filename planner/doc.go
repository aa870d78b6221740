// Package planner turns parsed SQL (package sql) into executable operator
// trees (package exec): it binds names to the catalog (storage.Engine),
// types and coerces expressions as PostgreSQL does, builds a logical plan,
// rewrites it with optimizer rules, and instantiates exec operators for one
// execution.
//
// # Plans
//
// A logical plan is a tree of immutable Nodes whose expressions are exec
// expressions bound to their child's output columns by index. A Plan can be
// executed many times (prepared statements); every execution builds fresh
// operators (Build), so per-execution state never lives in a Node.
//
// # Optimizer rules
//
// Rules run in a fixed order, one file each, named as EXPLAIN shows them:
// rule_push_filter_into_join.go (conditions over an inner join go to the
// input they read or become hash keys), rule_fold_constants.go (casts and
// functions of constants), rule_merge_filters.go (a WHERE filter over a
// TABLESAMPLE filter over a scan becomes one), rule_push_time_range.go
// (time conditions become the scan's exact time range, so storage prunes
// partitions, files, row groups and pages and the filter drops them), and
// rule_push_tag_filter.go (tag equality and IN lists prune files, row groups
// and pages by statistics; the filter stays). Projection pushdown happens
// during binding: a scan reads only the columns the query references; in
// a join, whose inputs are bound with every column, rule_prune_columns.go
// drops what nothing above reads.
//
// # Subqueries and arrays
//
// Uncorrelated subqueries run once while binding. Correlated ones become
// joins where the correlation is equality (decorrelate.go); the rest run
// once per outer row (apply.go), a nested loop meant for catalog queries.
// The engine has no array type: constant arrays fold away while binding
// (bind_array.go), and other arrays (pg_catalog's oid[]/name[] columns,
// ARRAY(subquery), parse_ident) are held as text in PostgreSQL's array
// output form with the array type as Column.PGType (array_text.go).
//
// # Goroutines
//
// Planning is single-threaded and has no shared state besides the engine,
// which is safe for concurrent use.
package planner
