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
//     FETCH, MOVE, EXPLAIN, PREPARE, EXECUTE; ddl.go: CREATE TABLE, ALTER TABLE ...
//     ADD COLUMN, DROP TABLE, TRUNCATE, CREATE/DROP DATABASE).
//     DECLARE, EXPLAIN and PREPARE parse their inner statement; EXECUTE
//     keeps its arguments' texts.
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
// FuncCallExpr.Schema. Names that are TiDB keywords (first, last, mode,
// replace, format, ...) are ordinary FuncCallExprs like any other name;
// only aggregates and window functions TiDB knows (count, sum, avg, min,
// max, bit_and/or/xor, stddev*, var*, variance, row_number, rank,
// dense_rank, percent_rank, cume_dist, ntile, lead, lag, first_value,
// last_value, nth_value) arrive as TiDB's AggregateFuncExpr /
// WindowFuncExpr, mod(a, b) as a % b and position(a IN b) as position(a, b)
// (arguments in written order: PostgreSQL's strpos(b, a)). Other aggregates
// (string_agg, array_agg, bool_and, every, first, last, ...) are plain
// calls and cannot take OVER.
//
// SQL-syntax functions arrive as plain calls, named as PostgreSQL labels
// their result column:
//
//	trim([BOTH] [chars] FROM s), trim(s[, chars])  btrim(s[, chars])
//	trim(LEADING [chars] FROM s)                   ltrim(s[, chars])
//	trim(TRAILING [chars] FROM s)                  rtrim(s[, chars])
//	substring(s FROM a [FOR n])                    substring(s, a[, n])
//	substring(s FOR n)                             substring(s, 1, n)
//	overlay(s PLACING r FROM a [FOR n])            overlay(s, r, a[, n])
//
// substring(s FROM 'pattern') (the regex form) arrives as substring(s,
// 'pattern'), as in PostgreSQL where the argument types pick the variant. SQL-standard niladic functions arrive as calls with
// no arguments: current_user (also for user), session_user, current_role,
// current_catalog, current_schema; current_date, current_time,
// current_timestamp, localtime, localtimestamp are TiDB's own calls.
//
// Parameters. $n becomes a *test_driver.ParamMarkerExpr; its Order i
// (0-based, in text order) binds value $Params[i]. $n may repeat and
// appear in any order; NumParams is the highest n. Named parameters
// $name (InfluxDB 3's query API) are numbered by first appearance and
// listed in ParamNames; one text uses one style or the other.
//
// Literals are test_driver ValueExprs. String constants of every PostgreSQL
// form are decoded (E'\n' is a newline, U&'\0061' is "a", $$x$$ is "x").
// A numeric literal with a '.' is a decimal (90.0), without one an integer.
// TRUE and FALSE arrive as __pg_cast('true', 'bool') and
// __pg_cast('false', 'bool') (PostgreSQL itself parses them as 't'::bool),
// because TiDB's literals would be integers 1 and 0; so true::text is
// __pg_cast(__pg_cast('true', 'bool'), 'text'). Only IS [NOT] TRUE/FALSE
// stays TiDB's ast.IsTruthExpr.
//
// Operators. a || b is __pg_concat(a, b) (NULL when either side is NULL,
// unlike a user's concat(), which arrives as concat). It has PostgreSQL's
// precedence: looser than + - * / % ^ and postfix operators, tighter than
// LIKE, IN, BETWEEN and comparisons, left-associative with the other
// operators of its level (& | << >>), so a || b || c is
// __pg_concat(__pg_concat(a, b), c), 1 + 2 || 'x' concatenates 3 and
// a || b = c compares the concatenation. a IS NOT DISTINCT FROM b is
// BinaryOperationExpr NullEQ (<=>); IS DISTINCT FROM is NOT (a <=> b). The
// left operand extends over comparisons and LIKE, as IS binds looser
// (x = y IS DISTINCT FROM z is NOT ((x = y) <=> z), with the comparison in
// a ParenthesesExpr). IS UNKNOWN, ISNULL, NOTNULL are IS [NOT] NULL. LIKE and
// ILIKE (also ~~, ~~*, !~~, !~~*) are PatternLikeOrIlikeExpr (IsLike false
// for ILIKE); PostgreSQL's default LIKE escape is backslash, as TiDB's.
// x [NOT] SIMILAR TO p [ESCAPE e] is x [NOT] REGEXP similar_to_escape(p
// [, e]) (PostgreSQL's translation of the pattern to a regular expression).
// ^ is exponentiation and arrives as __pg_power(a, b) (an operator: its
// result column is ?column?). JSON's operators -> ->> #> #>> @> <@ ? ?|
// ?& arrive as __pg_op('op', a, b), at ||'s precedence level and left to
// right with it (x -> 'a' ->> 'b' = 'c' compares __pg_op('->>',
// __pg_op('->', x, 'a'), 'b')); -> followed by name( is Timescale
// Toolkit's pipeline (__pg_pipe). OPERATOR(schema.op) is op.
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
// Window frames. TiDB's grammar takes a number, a parameter or INTERVAL
// expr unit as a frame offset, so every other offset arrives as
// ast.FrameBound{Expr: expr, Unit: ast.TimeUnitSecond}; ignore Unit. A typed
// interval, RANGE BETWEEN INTERVAL '10 minutes' PRECEDING AND ..., is
// __pg_cast('10 minutes', 'interval'); a quoted one ('2' PRECEDING, '1
// hour' PRECEDING) the string itself, of the frame's offset type; an
// expression ((1), 1 + 1, interval '1 hour' * 2, x) the expression.
//
// DISTINCT ON (side structure). SELECT DISTINCT ON (e1, e2) list is
// parsed as SELECT list without DISTINCT; the expressions are in
// Statement.DistinctOn[selectStmt] (one entry per SELECT block that had
// them, including subqueries). The planner keeps the first row of each
// group of equal (e1, e2) in ORDER BY order.
//
// FULL JOIN (side structure). TiDB has no full join: a FULL [OUTER] JOIN
// arrives as an ast.Join with Tp LeftJoin (ON condition or USING list as
// written) and is listed in Statement.FullJoins[join] = true. The planner
// must read every LEFT join through that map. NATURAL FULL JOIN arrives
// the same way with NaturalJoin set.
//
// ASOF JOIN (side structure). a ASOF [LEFT [OUTER]] JOIN b ON ... (DuckDB's
// and QuestDB's nearest-row join) arrives as an inner or left ast.Join with
// its ON condition as written, listed in Statement.AsofJoins[join] = true.
// ASOF JOIN ... USING is 0A000.
//
// BETWEEN SYMMETRIC (side structure). x [NOT] BETWEEN SYMMETRIC a AND b
// arrives as an ast.BetweenExpr listed in Statement.SymmetricBetween; the
// planner tests x between the smaller and the larger bound. ASYMMETRIC,
// the default, is dropped.
//
// VALUES. VALUES (1, 'a'), (2, 'b') as a query, a subquery, a CTE body or
// a UNION branch arrives as a SelectStmt with Kind SelectStmtKindValues and
// one RowExpr per row in Lists (Fields is nil; ORDER BY and LIMIT apply);
// PostgreSQL names its columns column1, column2, ... INSERT ... VALUES is
// TiDB's InsertStmt.Lists as before.
//
// Derived-table column aliases. A parenthesised subquery in FROM with a
// column alias list, (query) [AS] t(c1, ...), including (VALUES ...) AS
// v(a, b), arrives with Lateral = true (TiDB accepts column aliases only on
// LATERAL derived tables) and ColumnNames set. Lateral is therefore also
// true on such subqueries the user did not write LATERAL on.
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
//	    UnaryOperationExpr{Op: opcode.Not}, but for a pattern __pg_any(arr)
//	    or __pg_all(arr) (x ~ ANY (ARRAY[...])), where flags end in "!"
//	    (each pattern's match negated).
//	__pg_extract('field', expr)
//	    extract(field FROM expr); field is lower case and may be any
//	    PostgreSQL field (epoch, year, month, day, hour, minute, second,
//	    milliseconds, microseconds, dow, isodow, doy, week, quarter,
//	    isoyear, decade, century, millennium, julian, timezone, ...). The
//	    result type is numeric as in PostgreSQL. date_part('f', x) stays an
//	    ordinary call.
//	__pg_filter(aggcall, cond)
//	    agg(...) FILTER (WHERE cond): aggregate only rows where cond is true.
//	    With OVER, aggregates that skip NULLs take CASE WHEN cond THEN x END
//	    for their (first) argument x instead; array_agg, json_agg and
//	    jsonb_agg, which keep NULLs, take __pg_window_filter(cond) as a last
//	    argument, whose rows the planner leaves out.
//	__pg_within_group(aggcall, sortexpr, 'asc'|'desc')
//	    agg(args) WITHIN GROUP (ORDER BY sortexpr [ASC|DESC]) for the
//	    ordered-set aggregates (percentile_cont, percentile_disc, mode) and
//	    the hypothetical-set ones, whose aggcall is __pg_hyp_rank(args),
//	    __pg_hyp_dense_rank, __pg_hyp_percent_rank or __pg_hyp_cume_dist.
//	__pg_agg_order(aggcall, key1, 'dir1', 'nulls1', key2, 'dir2', 'nulls2', ...)
//	    agg(args ORDER BY key1 [ASC|DESC] [NULLS FIRST|LAST], ...), the
//	    ordered aggregate arguments of string_agg, array_agg, first, ...:
//	    aggcall is agg(args) without the ORDER BY; each key is followed by
//	    'asc' or 'desc' and its effective null order, 'nulls first' or
//	    'nulls last' (default: last for asc, first for desc). FILTER wraps
//	    the whole: __pg_filter(__pg_agg_order(...), cond).
//	__pg_concat(a, b)   a || b (see Operators).
//	__pg_power(a, b)    a ^ b (see Operators).
//	__pg_op('op', a, b) a op b for JSON's operators (see Operators).
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
// FILTER combined with OVER on DISTINCT or on an aggregate of several
// arguments other than string_agg, SIMILAR TO with a pattern other than a
// string constant or a $n parameter, bit strings, a subquery as LIMIT or
// OFFSET, parameters in RETURNING, SELECT INTO TEMPORARY, UPDATE ... FROM,
// DELETE ... USING and DDL other than CREATE TABLE [AS], CREATE [OR
// REPLACE] VIEW, CREATE MATERIALIZED VIEW, ALTER TABLE ... ADD COLUMN /
// DROP COLUMN / ALTER COLUMN ... SET|DROP DEFAULT, TYPE, SET|DROP NOT NULL
// / RENAME [COLUMN] ... TO / RENAME TO / DROP CONSTRAINT, ALTER
// MATERIALIZED VIEW ... SET, REFRESH MATERIALIZED VIEW, DROP TABLE / VIEW
// / MATERIALIZED VIEW, TRUNCATE and CREATE/DROP DATABASE.
// Precedence caveats: ~ ~* !~ !~* take
// TiDB's comparison precedence (PostgreSQL: the level of ||), which only
// differs for operands built with LIKE, IN or BETWEEN or mixed with || on
// the left (a ~ b || c is a ~ (b || c), in PostgreSQL (a ~ b) || c, a type
// error); & | << >> keep TiDB's relative precedence among themselves
// (PostgreSQL: all one left-associative level); the right operand of IS
// [NOT] DISTINCT FROM stops at TiDB's comparison level (a IS DISTINCT
// FROM b = c arrives as NOT ((a <=> b) = c); PostgreSQL reads a IS
// DISTINCT FROM (b = c)).
//
// # Concurrency
//
// Parse is safe for concurrent use: it keeps no state between calls except
// a sync.Pool of TiDB parsers. The returned Statements are owned by the
// caller.
package sql
