// Package exec is Strata's vectorized execution engine: physical operators
// that pull Arrow record batches from their children, and expression kernels
// that evaluate over whole arrays.
//
// # Operators
//
// An Operator is a pull-based stream of arrow.Record batches with a fixed
// schema (Schema). Next returns the next batch, or nil at the end; a batch is
// valid until the next call to Next or Close, and callers that keep one
// Retain it. Operators are built per execution from an immutable plan (package
// planner), so all per-execution state lives in the operator. Next honours
// ctx cancellation between batches. Close releases everything the operator
// holds, including its children, and may be called at any time.
//
// # Expressions
//
// An Expr evaluates to an arrow.Array with one value per row of its input
// batch (Eval), or, for constants, to a scalar that kernels broadcast without
// building an array. Kernels are single loops over typed value slices and
// validity bitmaps: no per-row interface calls and no per-row allocation.
// Tag columns are Arrow dictionary arrays; a comparison of a tag with a
// constant is evaluated once per dictionary entry and then looked up by code.
// NULL follows SQL's three-valued logic: comparisons and arithmetic with a
// NULL operand are NULL, AND/OR use Kleene logic, and a filter keeps only rows
// whose predicate is true.
//
// # Goroutines
//
// An operator tree is driven by one goroutine; operators that use several
// cores (parallel scans, partial aggregation) start and join their own
// goroutines inside Next and never leak them past Close.
package exec
