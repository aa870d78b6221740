// Package sql parses PostgreSQL-dialect SQL (what psql, pgx, Npgsql, pgjdbc,
// Grafana, Power BI, Tableau and TSBS send) into TiDB parser ASTs plus a few
// side fields, for the planner.
//
// # Layers
//
//  1. lexer.go: a PostgreSQL lexer (strings '..', E'..', U&'..' UESCAPE,
//     $$..$$/$tag$..$tag$, "idents", U&"idents", $n, nested /* */ and --
//     comments, PostgreSQL operator rules). Parse splits the token stream at
//     ';' (so quotes, comments and dollar quotes never split a statement).
//  2. parse.go / utility.go: statements TiDB cannot or should not see are
//     recognised on tokens and returned with a Kind and fields (SET, SHOW,
//     RESET, BEGIN/START, COMMIT/END, ROLLBACK/ABORT, SAVEPOINT, RELEASE,
//     ROLLBACK TO, DISCARD, DEALLOCATE, CLOSE, LISTEN, UNLISTEN, DECLARE,
//     FETCH, MOVE, EXPLAIN). DECLARE and EXPLAIN parse their inner query.
//  3. rewrite*.go: SELECT and INSERT tokens are rewritten into SQL for the
//     TiDB parser (modes ANSI_QUOTES, PIPES_AS_CONCAT, NO_BACKSLASH_ESCAPES).
//     Every output token remembers the user token it came from, so TiDB's
//     syntax errors are reported at the user's token and character position.
//  4. postprocess.go: a pass over the TiDB AST resolves sentinels, builds
//     the regex markers, sets ORDER BY null ordering and numbers parameters.
//
// # Contract with the planner
//
// Statement.AST is a TiDB AST (*ast.SelectStmt, *ast.SetOprStmt or
// *ast.InsertStmt; for EXPLAIN, the explained statement's). The planner
// reads it with these rules:
//
// Identifiers. Unquoted identifiers are folded to lower case, quoted ones
// keep their case; both arrive as TiDB names whose .O is the PostgreSQL
// name (use .O, never .L, to honour quoted case). Aliases (AS x and bare
// aliases) are folded the same way, so output column names follow
// PostgreSQL: SELECT TABLE_SCHEMA ... is labelled table_schema. When a
// select item has no alias the planner derives the PostgreSQL name from
// the expression (column name, function name, the marker rules below,
// else "?column?"); never use SelectField.Text, which is rewritten text.
// Function names are lower case (quoted ones keep case, e.g. "Upper");
// pg_catalog.f(...) arrives as f(...); other schemas stay in
// FuncCallExpr.Schema. SQL-standard niladic functions arrive as calls with
// no arguments: current_user (also for user), session_user, current_role,
// current_catalog, current_schema; current_date, current_time,
// current_timestamp, localtime, localtimestamp are TiDB's own calls.
//
// Parameters. $n becomes a *test_driver.ParamMarkerExpr; its Order i
// (0-based, in text order) binds value $Params[i]. $n may repeat and
// appear in any order; NumParams is the highest n.
//
// Literals are test_driver ValueExprs. String constants of every PostgreSQL
// form are decoded (E'\n' is a newline, U&'\0061' is "a", $$x$$ is "x").
// A numeric literal with a '.' is a decimal (90.0), without one an integer.
//
// Operators. || is concatenation (TiDB's concat call). a IS NOT DISTINCT
// FROM b is BinaryOperationExpr NullEQ (<=>); IS DISTINCT FROM is
// NOT (a <=> b). IS UNKNOWN, ISNULL, NOTNULL are IS [NOT] NULL. LIKE and
// ILIKE (also ~~, ~~*, !~~, !~~*) are PatternLikeOrIlikeExpr (IsLike false
// for ILIKE); PostgreSQL's default LIKE escape is backslash, as TiDB's.
// ^ is exponentiation and arrives as power(a, b). OPERATOR(schema.op) is op.
// COLLATE default|"C"|"POSIX"|ucs_basic is dropped (the engine compares
// bytes); other collations are 0A000.
//
// LIMIT/OFFSET. LIMIT n|$n|ALL, OFFSET n [ROWS], FETCH {FIRST|NEXT} [n]
// {ROW|ROWS} ONLY in any order become ast.Limit{Count, Offset}. An OFFSET
// without a count has Count 18446744073709551615, meaning no limit. Only
// constants and parameters are accepted (0A000 otherwise).
//
// ORDER BY null order. On every ORDER BY item (statement and window
// ORDER BY, not GROUP BY) ByItem.NullOrder is true exactly when NULLs sort
// first: explicit NULLS FIRST/LAST, else PostgreSQL's default (NULLS LAST
// for ASC, NULLS FIRST for DESC). TiDB's own meaning of the field is
// overwritten.
//
// DISTINCT ON (side structure). SELECT DISTINCT ON (e1, e2) list is
// parsed as SELECT list without DISTINCT; the expressions are in
// Statement.DistinctOn[selectStmt] (one entry per SELECT block that had
// them, including subqueries). The planner keeps the first row of each
// group of equal (e1, e2) in ORDER BY order.
//
// Table functions (marker inside a derived table). A function call used as
// a FROM item, [schema.]f(args) [AS] alias[(c1, ...)], arrives as an
// ast.TableSource with Lateral = true whose Source is a SelectStmt with no
// FROM and a single field __pg_table_function('f', args...); AsName is
// the alias (the function name when none was given) and ColumnNames the
// column aliases. pg_catalog. is stripped from 'f'; other schemas are kept
// as 'schema.f'. As in PostgreSQL, a function returning a scalar yields
// one column named after the column alias, else the table alias. Table
// functions are implicitly lateral: args may reference earlier FROM items.
//
// Marker functions (ast.FuncCallExpr, FnName.L as below). Names starting
// with __pg_ are reserved: user SQL calling them is a syntax error.
//
//	__pg_cast(expr, 'type')
//	    expr::type, CAST(expr AS type) and typed literals type 'string'
//	    (TIMESTAMP '..', DATE '..', INTERVAL '5 minutes', int4 '5', ...). The
//	    second argument is the canonical PostgreSQL type name: int2, int4,
//	    int8, float4, float8, numeric, bool, text, varchar, bpchar, "char"
//	    as char, name, oid, regclass, regtype, regproc, regnamespace, date,
//	    time, timetz, timestamp, timestamptz, interval, json, jsonb, bytea,
//	    uuid, or any other name as written in lower case; type modifiers
//	    follow in parentheses (numeric(10,2), varchar(10), bpchar(1),
//	    timestamp(3)); interval fields follow a space (interval day,
//	    interval day to second); arrays end in one [] (int2[]);
//	    pg_catalog. is stripped, other schemas are kept (myschema.t). The
//	    cast applies to exactly the operand PostgreSQL applies it to, so
//	    -1::int is -(1::int). reg* casts are catalog lookups by name.
//	__pg_subscript(arr, i)      arr[i] (1-based, NULL when out of range).
//	__pg_slice(arr, lo, hi)     arr[lo:hi]; an omitted bound is NULL.
//	__pg_field(expr, 'name')    (expr).name, field of a composite value.
//	__pg_array(e1, ...)         ARRAY[e1, ...]; nested brackets nest calls.
//	__pg_array_subquery((q))    ARRAY(q): the single column of q as an array.
//	__pg_any(arr), __pg_all(arr)
//	    Only as the right operand R of a comparison BinaryOperationExpr:
//	    a op ANY(arr) / a op ALL(arr) with PostgreSQL's NULL rules. SOME is
//	    ANY. With a subquery, TiDB's own CompareSubqueryExpr is used.
//	__pg_regex(subject, pattern, 'flags')
//	    POSIX regular expression match, subject ~ pattern; flags is "" for
//	    ~ and "i" for ~* (case-insensitive). !~ and !~* arrive wrapped in
//	    UnaryOperationExpr{Op: opcode.Not}.
//	__pg_extract('field', expr)
//	    extract(field FROM expr); field is lower case and may be any
//	    PostgreSQL field (epoch, year, month, day, hour, minute, second,
//	    milliseconds, microseconds, dow, isodow, doy, week, quarter,
//	    isoyear, decade, century, millennium, julian, timezone, ...). The
//	    result type is numeric as in PostgreSQL. date_part('f', x) stays an
//	    ordinary call.
//	__pg_filter(aggcall, cond)
//	    agg(...) FILTER (WHERE cond): aggregate only rows where cond is true.
//	__pg_within_group(aggcall, sortexpr, 'asc'|'desc')
//	    agg(args) WITHIN GROUP (ORDER BY sortexpr [ASC|DESC]) for the
//	    ordered-set aggregates (percentile_cont, percentile_disc, mode).
//	__pg_at_time_zone(expr, zone)   expr AT TIME ZONE zone.
//	__pg_table_function('f', args...)   see Table functions above.
//
// # Errors
//
// Every error is an *Error with a SQLSTATE (42601 syntax_error, 0A000
// feature_not_supported for recognised but unsupported syntax), a message
// in PostgreSQL's style (syntax error at or near "FROM", syntax error at
// end of input), an optional hint, and the 1-based character position in
// the text given to Parse (len+1 for end of input).
//
// # Not supported yet (0A000 or syntax error)
//
// VALUES lists as queries, WITH ORDINALITY, GROUPS frames, FILTER combined
// with OVER, ordered aggregate arguments (string_agg(x, ',' ORDER BY y)),
// SIMILAR TO, JSON and array containment operators (-> ->> @> <@ &&),
// bit strings, non-constant LIMIT/OFFSET, ON CONFLICT, RETURNING, SELECT
// INTO, UPDATE/DELETE and DDL. Precedence caveats: TiDB binds || tighter
// than + and - (PostgreSQL the other way round), and ~, IS DISTINCT FROM
// take comparison precedence.
//
// # Concurrency
//
// Parse is safe for concurrent use: it keeps no state between calls except
// a sync.Pool of TiDB parsers. The returned Statements are owned by the
// caller.
package sql
