# empty
# comment only
-- just a comment
/* block /* nested */ comment */
# semicolons only
; ;
# two statements
SELECT 1; SELECT 2;
# cast simple
SELECT x::int, y::bigint, z::float8, w::double precision, v::text, u::varchar(10)
# cast regclass qualified
SELECT 'pg_class'::pg_catalog.regclass, c.oid::regclass, 'pg_class' :: regclass
# cast array types
SELECT a::int2[], b::pg_catalog.int2[], c::integer array, d::text[][]
# cast timestamptz and friends
SELECT a::timestamptz, b::timestamp with time zone, c::timestamp without time zone, d::time with time zone, e::numeric(10,2), f::"char", g::char(3), h::character varying
# cast on any operand
SELECT (a+b)::text, f(x)::int, '1 hour'::interval, x[1]::int, NULL::text, -1::int, CASE WHEN a THEN 1 END::text, $1::text::regtype::oid
# cast function syntax
SELECT CAST(a + 1 AS bigint), CAST('5 min' AS interval), CAST(x AS double precision)
# parameters repeated and out of order
SELECT $2 + $1, $2 FROM t WHERE a = $3 LIMIT $4
# regex operators
SELECT a ~ 'x', a !~ 'x', a ~* 'x', a !~* 'x', (a || b) ~* c, a OPERATOR(pg_catalog.~) '^x$', ~5
# like operators
SELECT a ILIKE 'x%', a NOT ILIKE 'y', a ~~ 'z', a !~~* 'w', a LIKE 'q\%' ESCAPE '\'
# escape strings
SELECT E'a\nb\tc\\d\'e', E'\x41\101\u00e9', U&'d\0061t\+000061', U&'d!0061t' UESCAPE '!', 'it''s', 'back\slash'
# dollar quotes
SELECT $$it's $1$$, $fn$a $$ b$fn$
# collate
SELECT a COLLATE "C", b COLLATE pg_catalog.default FROM t ORDER BY c COLLATE "POSIX"
# collate unsupported
SELECT a COLLATE "de_DE"
# array constructor
SELECT ARRAY[1, 2, 3], ARRAY[[1,2],[3,4]], ARRAY[]::int[], ARRAY(SELECT x FROM t)
# any all
SELECT a = ANY(b), a <> ALL(ARRAY[1,2]), a = ANY (SELECT x FROM t), a = SOME('{1,2}'::int[])
# subscripts and slices
SELECT x[1], x[1][2], x[1:2], x[:2], x[2:], (current_schemas(true))[1], s[i]
# field selection
SELECT (f(x)).n, (t.c).x
# typed literals
SELECT TIMESTAMP '2016-01-01 00:00:00', TIMESTAMPTZ '2016-01-01 00:00:00+00', DATE '2016-01-01', INTERVAL '5 minutes', interval '1' day, interval '1 2:03' day to minute, timestamp with time zone '2016-01-01', time '10:00', int4 '5'
# distinct on
SELECT DISTINCT ON (a, b) a, b, c FROM t ORDER BY a, b, c DESC
# ilike and is distinct from
SELECT * FROM t WHERE a IS DISTINCT FROM b AND c + 1 IS NOT DISTINCT FROM d AND e IS UNKNOWN AND f ISNULL AND g NOTNULL
# aggregate filter
SELECT count(*) FILTER (WHERE a > 1), sum(x) FILTER (WHERE b) AS s FROM t
# within group
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_disc(0.9) WITHIN GROUP (ORDER BY y DESC) FROM t
# nulls first last
SELECT a FROM t ORDER BY a NULLS FIRST, b DESC NULLS LAST, c, d DESC
# window with nulls and frame
SELECT rank() OVER (PARTITION BY a ORDER BY b DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), lag(x, 1) OVER w FROM t WINDOW w AS (ORDER BY time)
# extract fields
SELECT extract(epoch from time), EXTRACT(DOW FROM ts), extract('year' from d), date_part('hour', t)
# generate_series in from
SELECT * FROM generate_series(1, 10) AS s(i), pg_catalog.generate_series(1, 3) g, unnest(ARRAY[1,2])
# column definition lists of record-returning functions
SELECT * FROM json_to_record(d) AS x(a int, "B" double precision, c numeric(5,2), e text[]), jsonb_to_recordset('[]') AS (t timestamp with time zone), json_to_record('{}') r(a json)
# generate_series join
SELECT i FROM t JOIN generate_series(1, 5) i ON i = t.x
# reserved words as column names
SELECT key, range, rank, rows, window, usage, lag, lead, interval, time, "Key", user, value FROM t
# identifier case folding
SELECT TABLE_SCHEMA, "TABLE_NAME", MyCol AS MyAlias, x AS "MyAlias" FROM Information_Schema.Tables
# limit offset forms
SELECT a FROM t LIMIT 10 OFFSET 5
# offset fetch
SELECT a FROM t OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY
# offset only
SELECT a FROM t OFFSET 3
# limit all
SELECT a FROM t LIMIT ALL
# fetch next row only
SELECT a FROM t FETCH NEXT ROW ONLY
# concatenation
SELECT a || b || 'c', 'x' || 1
# at time zone
SELECT ts AT TIME ZONE 'UTC', now() AT TIME ZONE $1
# power operator
SELECT 2 ^ 10, -2 ^ 2
# niladic functions
SELECT current_user, session_user, user, current_schema, current_catalog, current_date, current_timestamp, now()
# cte materialized
WITH x AS MATERIALIZED (SELECT 1), y AS NOT MATERIALIZED (SELECT 2) SELECT * FROM x, y
# union and subqueries
SELECT a FROM t WHERE b IN (SELECT b FROM u) AND EXISTS (SELECT 1 FROM v WHERE v.a = t.a) UNION ALL SELECT 1
# insert values
INSERT INTO cpu (time, hostname, usage_user) VALUES ('2016-01-01T00:00:00Z'::timestamptz, 'h1', 1.5), ($1, $2, $3)
# insert select
INSERT INTO cpu2 SELECT * FROM cpu WHERE time > now() - INTERVAL '1 hour'
# with before insert
WITH w AS (SELECT time, v FROM m WHERE v > (1)) INSERT INTO m2 (time, v) SELECT time, v FROM w
# with recursive before insert of a parenthesized query
WITH RECURSIVE w(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM w WHERE n < 3) INSERT INTO m3 (n) (SELECT n FROM w)
# explain
EXPLAIN SELECT * FROM cpu
# explain analyze verbose
EXPLAIN ANALYZE VERBOSE SELECT $1::int
# explain options
EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1
# set forms
SET datestyle TO 'ISO'; SET SESSION search_path = "$user", public; SET LOCAL statement_timeout = 0; SET TIME ZONE 'UTC'; SET TIME ZONE LOCAL; SET extra_float_digits = -3; SET application_name TO DEFAULT; SET SESSION AUTHORIZATION DEFAULT; SET NAMES 'UTF8'; SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET myapp.x = on
# show forms
SHOW search_path; SHOW ALL; SHOW TIME ZONE; SHOW TRANSACTION ISOLATION LEVEL; SHOW "TimeZone"
# reset forms
RESET ALL; RESET search_path; RESET TIME ZONE
# transactions
BEGIN; BEGIN WORK; BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY; START TRANSACTION READ WRITE; COMMIT; COMMIT WORK; END; END TRANSACTION; ROLLBACK; ABORT; ROLLBACK AND NO CHAIN
# savepoints
SAVEPOINT sp1; RELEASE SAVEPOINT sp1; RELEASE sp2; ROLLBACK TO SAVEPOINT sp1; ROLLBACK WORK TO sp2
# discard deallocate close
DISCARD ALL; DISCARD PLANS; DISCARD TEMPORARY; DEALLOCATE lrupsc_1_0; DEALLOCATE PREPARE s1; DEALLOCATE ALL; CLOSE c1; CLOSE ALL
# listen unlisten
LISTEN ch; UNLISTEN ch; UNLISTEN *
# declare cursor
DECLARE c1 BINARY NO SCROLL CURSOR WITHOUT HOLD FOR SELECT * FROM cpu WHERE a = $1
# declare scroll with hold
DECLARE "SQL_CUR01" SCROLL CURSOR WITH HOLD FOR SELECT 1
# copy query to stdout, as psql's \copy sends it
COPY ( SELECT time, host FROM cpu WHERE usage > 1 ) TO STDOUT csv header
# copy table and columns with options
COPY cpu TO STDOUT; COPY public.cpu (time, "Host") TO STDOUT WITH (FORMAT csv, HEADER false, DELIMITER ';', NULL 'NA', QUOTE '''', ESCAPE '\', FORCE_QUOTE *); COPY cpu TO STDOUT WITH DELIMITER AS '|' NULL AS '' CSV QUOTE AS '"' FORCE QUOTE host, region
# copy from stdin
COPY cpu FROM STDIN
# copy from stdin with columns and csv options
COPY public.cpu (time, "Host", usage) FROM STDIN WITH (FORMAT csv, HEADER MATCH, NULL 'NA', FORCE_NOT_NULL (host), FORCE_NULL (usage), FREEZE)
# copy from stdin binary, as pgx's CopyFrom sends it
copy "cpu" ( "time", "host" ) from stdin binary;
# copy from stdin, older option words
COPY cpu FROM STDIN WITH DELIMITER AS ',' NULL AS '' CSV HEADER QUOTE AS '"' FORCE NOT NULL host, region
# copy from a server file
COPY cpu FROM '/tmp/x.csv'
# copy query from stdin
COPY (SELECT 1) FROM STDIN
# copy from stdin where
COPY cpu FROM STDIN (FORMAT csv) WHERE usage > 1
# copy from with force quote
COPY cpu FROM STDIN (FORMAT csv, FORCE_QUOTE *)
# copy to with force not null
COPY cpu TO STDOUT (FORMAT csv, FORCE_NOT_NULL (host))
# copy to with header match
COPY cpu TO STDOUT (FORMAT csv, HEADER match)
# copy binary with header
COPY cpu FROM STDIN (FORMAT binary, HEADER)
# copy force null in text mode
COPY cpu FROM STDIN (FORCE_NULL (host))
# copy to a file
COPY cpu TO '/tmp/x.csv'
# copy binary
COPY cpu TO STDOUT (FORMAT binary)
# copy quote in text mode
COPY cpu TO STDOUT (QUOTE '"')
# copy unknown option
COPY cpu TO STDOUT (COMPRESSION 'gzip')
# copy of an insert
COPY (INSERT INTO t VALUES (1)) TO STDOUT
# limit values as clients substitute them
SELECT a FROM t LIMIT '10' OFFSET ( 5 ); SELECT a FROM t LIMIT NULL OFFSET NULL; SELECT a FROM t LIMIT ($1) OFFSET '0'; SELECT a FROM t LIMIT 2.5 OFFSET 1.4
# limit values as arithmetic over constants, folded
SELECT a FROM t LIMIT 2 + 3 OFFSET (7 / 2) - 1; SELECT a FROM t ORDER BY a OFFSET (2 * 2) ROWS FETCH FIRST (5 / 2.0) ROWS ONLY; SELECT a FROM t LIMIT -(-2) * 3
# limit arithmetic: negative
SELECT a FROM t LIMIT 1 - 2
# limit arithmetic: division by zero
SELECT a FROM t OFFSET 1 % 0
# limit arithmetic: overflow
SELECT a FROM t LIMIT 9223372036854775807 + 1
# limit arithmetic: FETCH takes a value or a parenthesized expression
SELECT a FROM t ORDER BY a FETCH FIRST 1 + 1 ROWS ONLY
# limit arithmetic: so does OFFSET ... ROWS
SELECT a FROM t ORDER BY a OFFSET 1 + 1 ROWS
# percentile_cont over an array of fractions: one aggregate per fraction, the FILTER on each
SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x), percentile_disc(ARRAY[0.1, $1]) WITHIN GROUP (ORDER BY y DESC) FILTER (WHERE y > 0) FROM t
# aggregate filter over a window
SELECT count(*) FILTER (WHERE a > 1) OVER (PARTITION BY b), sum(x) FILTER (WHERE a > 1) OVER w FROM t WINDOW w AS (ORDER BY c)
# aggregate filter over a window: string_agg keeps its delimiter, array_agg and json_agg take the condition along, bool_and and stddev keep their window spelling
SELECT string_agg(s, ',') FILTER (WHERE a > 1) OVER w, array_agg(x) FILTER (WHERE a > 1) OVER w, jsonb_agg(x) FILTER (WHERE a) OVER (), bool_and(a > 1) FILTER (WHERE b) OVER (), stddev(x) FILTER (WHERE b) OVER () FROM t WINDOW w AS (ORDER BY c)
# fetch forms
FETCH c1; FETCH 100 FROM c1; FETCH ALL IN c1; FETCH NEXT FROM c1; FETCH FORWARD 5 IN c1; FETCH FORWARD ALL c1; FETCH BACKWARD 2 c1; FETCH ABSOLUTE -1 c1; FETCH PRIOR c1; MOVE 10 c1
# crlf and comments inside
SELECT a, -- comment
/* block */ b
FROM t -- trailing
# quoted function name
SELECT "substring"('abc', 2), "Upper"(x)
# pg_catalog qualified functions
SELECT pg_catalog.format_type(1, NULL), pg_catalog.replace('a', 'b', 'c'), information_schema._pg_expandarray(x)
# lateral subquery
SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.a = t.a LIMIT 1) AS l
# scalar subquery cast
SELECT (SELECT max(x) FROM t)::text
# reserved marker name
SELECT __pg_cast(1, 'int4')
# group by ordinal having
SELECT a, count(*) FROM t GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 DESC
# having after where or group by without from
SELECT 1 WHERE x IS DISTINCT FROM (SELECT 2 GROUP BY 1 HAVING true) GROUP BY 1 HAVING true UNION SELECT 3 WHERE false ORDER BY 1
# having without from, after the select list, as TiDB has it
SELECT count(*) HAVING count(*) > 0
# order by using an operator
SELECT string_agg(a, ',' ORDER BY a USING >) FROM t GROUP BY b ORDER BY b USING < NULLS FIRST, 1 USING >
# order by using an operator that does not order
SELECT a FROM t ORDER BY a USING =
# case expression with between
SELECT CASE WHEN x BETWEEN 1 AND 5 THEN 'low' WHEN x > 5 THEN 'high' ELSE 'none' END FROM t
# nested casts and subscripts in where
SELECT * FROM t WHERE (a::text)[1] = 'x' AND b::int > 3
# unsupported statement
UPDATE t SET a = 1
# unsupported select into
SELECT * INTO TEMP x FROM t
# SIMILAR TO is a regular expression match against similar_to_escape(pattern [, escape])
SELECT a SIMILAR TO 'b%', a NOT SIMILAR TO $1 ESCAPE '#', a SIMILAR TO NULL FROM t
# SIMILAR TO with a pattern that is an expression
SELECT a SIMILAR TO b FROM t
# SIMILAR TO with a pattern that continues past its first token
SELECT a SIMILAR TO 'x' || '%' FROM t
# unsupported operator
SELECT a <-> b FROM t
# JSON operators: one level with ||, left to right, looser than arithmetic and casts, tighter than comparisons
SELECT d -> 'a' ->> 'b' = 'c', d #> '{a,b}' #>> '{c}', d @> '{"a":1}' AND d ? 'k', d ?| ARRAY['a', 'b'], d ?& $1, x::jsonb -> 0 || y, d -> k + 1, d <@ e IS NOT NULL, d->'x'::text FROM t
# toolkit pipeline and JSON arrow side by side
SELECT time_weight('Linear', ts, v) -> average(), payload -> 'temp', (j -> 'a') -> lower('K') FROM t
# syntax error from tidb
SELECT a FROM WHERE b
# syntax error at end
SELECT a +
# unterminated string
SELECT 'abc
# bit string
SELECT B'0101'
# values statement
VALUES (1, 2), (3, 4)
# table function with ordinality
SELECT * FROM unnest(ARRAY[1]) WITH ORDINALITY
# rows from
SELECT * FROM t, ROWS FROM (generate_series(1, t.n), unnest(ARRAY['a'])) WITH ORDINALITY AS r(x, y, i)
# rows from without alias
SELECT * FROM ROWS FROM (json_each('{}'), generate_series(1, 2)) JOIN u ON true
# on conflict
INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING
# returning
INSERT INTO t VALUES (1) RETURNING a
# grafana time group
SELECT floor(extract(epoch from time)/60)*60 AS "time", avg(usage_user) AS usage_user FROM cpu WHERE time BETWEEN '2024-01-01T00:00:00Z' AND '2024-01-01T06:00:00Z' GROUP BY 1 ORDER BY 1
# cte with column list
WITH RECURSIVE Nums(N) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < 3) SELECT n FROM Nums
# insert into mixed case table
INSERT INTO Cpu (Time, "Host") VALUES (now(), 'a')
# concat operator precedence and nulls
SELECT 'x' || NULL, a || b || c, 1 + 2 || 'x', a || b = 'x', a || b LIKE c, NOT a || b, a || b IS NULL, a || b c, a & b || c, a || b & c
# concat operand continuations
SELECT 'a' || CASE WHEN x THEN b || c ELSE 'd' END || 'e', a || b::text || c[1] || d.e AS z, a || b AT TIME ZONE 'UTC', x || count(*) FILTER (WHERE y) || 'z'
# concat syntax errors
SELECT a || , b
# booleans
SELECT true, false, true::text, x IS TRUE, y IS NOT FALSE, f(TRUE) WHERE true
# keyword function names
SELECT first(a, t), last(a, t), left(s, 2), right(s, 2), replace(s, 'a', 'b'), repeat(s, 2), format('%s', a), mode() WITHIN GROUP (ORDER BY a), locf(avg(x)), interpolate(x), now(), date_part('hour', t)
# keyword function names keep TiDB grammar
SELECT count(*), sum(a), avg(a), min(a), max(a), rank() OVER (ORDER BY a), row_number() OVER (), mod(5, 3), position('a' IN s), pg_catalog.first(a, t)
# trim forms
SELECT trim(BOTH 'x' FROM s), trim(LEADING '0' FROM s), trim(TRAILING '0' FROM s), trim(FROM s), trim('x' FROM s), trim(s), trim(s, 'x'), btrim(s, '-'), trim(LEADING FROM s), trim(BOTH a || b FROM c || d)
# a table function followed by LIMIT/OFFSET (no alias)
SELECT * FROM generate_series(1, 3) LIMIT 1 OFFSET 1
# trim of a function call (psql's \d+ of a view)
SELECT trim(trailing ';' from pg_catalog.pg_get_ruledef(r.oid, true)), trim(';' FROM upper(lower(s)))
# substring and overlay forms
SELECT substring(s FROM 2 FOR 3), substring(s FROM 2), substring(s FOR 3), substring(s, 2, 3), overlay(s PLACING 'x' FROM 2 FOR 3), overlay(s PLACING 'x' FROM 2), substring(s FROM 1), b FROM t
# constants with an exponent as decimals; a whole one, like 1., a cast numeric
SELECT 1.50e1, 1e-3, 1e2, 1. FROM t WHERE x < 1e17 ORDER BY 2.5e0
# substring with SIMILAR: the SQL regular expression form's three arguments
SELECT substring(s SIMILAR '%#"o+#"%' ESCAPE '#'), substring(s SIMILAR $1 ESCAPE $2), substring(s FROM 'a#"b#"c' FOR '#') FROM t
# ordered aggregate arguments
SELECT string_agg(x, ',' ORDER BY y DESC), array_agg(x ORDER BY y), array_agg(x ORDER BY a NULLS FIRST, b DESC) FILTER (WHERE x > 1), string_agg(a || b, ',' ORDER BY c || d DESC NULLS LAST, e ASC)
# full join
SELECT * FROM a FULL JOIN b ON a.x = b.x AND a.y = b.y FULL OUTER JOIN c USING (x) WHERE true
# full join condition ends at comma and join
SELECT * FROM a FULL JOIN b ON CASE WHEN a.x THEN 1 END = b.x, d FULL JOIN e ON d.x = e.x JOIN f ON true
# natural full join
SELECT * FROM a NATURAL FULL JOIN b
# natural full outer join of a derived table with column aliases, then WHERE
SELECT * FROM a NATURAL FULL OUTER JOIN (SELECT 1 AS x) s(x) WHERE x > 1
# natural full join inside parentheses, of them, and a join after it
SELECT * FROM (a NATURAL FULL JOIN b) NATURAL FULL JOIN c JOIN d ON true
# asof join
SELECT * FROM a ASOF JOIN b ON a.k = b.k AND a.t >= b.t ASOF LEFT JOIN c ON a.t <= c.t WHERE a.k = 1
# asof join without on
SELECT * FROM a ASOF JOIN b WHERE a.t > b.t
# asof join using
SELECT * FROM a ASOF JOIN b USING (k, t)
# values query
VALUES (1, 'a'), (2, 'b') ORDER BY 1 LIMIT 1
# values in from with column aliases
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(a, b), (VALUES (3)) w, (SELECT 1, 2) AS s(x, y)
# values in cte and insert
INSERT INTO t SELECT * FROM (VALUES (1, true)) v(a, b) UNION ALL (WITH x(a, b) AS (VALUES (2, false)) SELECT * FROM x)
# insert values keep syntax
INSERT INTO t VALUES (1, true), (2, false)
# is distinct from operand
SELECT x = y IS DISTINCT FROM z, a IS NOT DISTINCT FROM b, a + 1 IS DISTINCT FROM b, a LIKE b IS NOT DISTINCT FROM c
# cast of a window call and interval frame offsets
SELECT round(percent_rank() OVER (ORDER BY u)::numeric, 4)::float8, sum(x) OVER w::text, count(*) OVER (ORDER BY time RANGE BETWEEN INTERVAL '10 minutes' PRECEDING AND INTERVAL '1 hour' FOLLOWING) FROM cpu WINDOW w AS ()

# stddev and variance are the sample statistics, as in PostgreSQL
SELECT stddev(x), variance(x), stddev_pop(x), "stddev"(x) FROM t
# stddev and variance with DISTINCT go through TiDB's grammar as the sample functions; with OVER they keep their names
SELECT stddev(DISTINCT x), variance(x) OVER (ORDER BY t), stddev(x) FILTER (WHERE x > 0) FROM t

# grouping sets rollup cube
SELECT a, b, grouping(a, b), count(*) FROM t GROUP BY GROUPING SETS ((a, b), (a), ()), ROLLUP (a, b), CUBE ((a, b), c)

# grouping sets nested and empty
SELECT count(*) FROM t GROUP BY (), GROUPING SETS (ROLLUP (a), GROUPING SETS ((), (b)), ())

# empty parentheses that are not grouping sets
SELECT now(), count(*) OVER (), f((SELECT 1)) FROM t GROUP BY grouping

# named arguments
SELECT time_bucket('1 hour', time, origin => '2000-01-01'::timestamptz), time_bucket('1 day', time, "offset" => INTERVAL '1 hour', timezone => 'Europe/Berlin'), make_interval(days => 1, secs => 1.5), make_timestamptz(2016, 1, 1, 0, 0, 0, timezone => 'UTC') FROM t

# named arguments time_bucket_gapfill
SELECT time_bucket_gapfill('1 hour', time, finish => now()), time_bucket(bucket_width => '5 minutes', ts => time) FROM t GROUP BY 1, 2
# copy from, repeated older option words
COPY cpu FROM STDIN WITH CSV CSV
# copy from, delimiter inside the NULL string
COPY cpu FROM STDIN WITH (DELIMITER '|', NULL 'a|b')
# copy from, a column forced twice
COPY cpu FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (host, host))
# copy from, encoding unquoted
COPY cpu FROM STDIN WITH (ENCODING UTF8)
# copy from, two force options
COPY cpu FROM STDIN WITH CSV FORCE QUOTE host FORCE NOT NULL region
# count of a FROM item's whole row
SELECT h.team, count(c.*), COUNT("C".*) FROM hosts h LEFT JOIN cpu c USING (hostname) GROUP BY h.team
# lag/lead offsets as expressions
SELECT lag(x, -1) OVER w, lead(x, x + 1, 0) OVER w, lag(x, (n)) OVER w, lag(x, 2) OVER w, lag(x, $1) OVER w FROM t WINDOW w AS (ORDER BY x)
# ntile and nth_value counts as expressions
SELECT ntile(n + 1) OVER (ORDER BY x), nth_value(x, abs(n)) OVER (ORDER BY x), ntile(4) OVER (ORDER BY x) FROM t
# lag as a plain call keeps its arguments
SELECT "lag"(x, 1 + 1) FROM t
# lag without a value
SELECT lag(, 1 + 1) OVER () FROM t
# like any and all over arrays
SELECT * FROM t WHERE a LIKE ANY (ARRAY['x%', 'y']) AND b NOT ILIKE ALL (ARRAY['%z']) AND c LIKE SOME ($1)
# like any of a subquery
SELECT * FROM t WHERE a LIKE ANY (SELECT p FROM u)
# string_agg and bool_and over a window
SELECT string_agg(a, ',') OVER (ORDER BY b), bool_and(c) OVER w, every(c) OVER w, string_agg(a, ',') FROM t WINDOW w AS (PARTITION BY d)
# range offsets as quoted intervals
SELECT count(*) OVER (ORDER BY t RANGE BETWEEN '1 hour' PRECEDING AND '30 minutes'::interval FOLLOWING) FROM t
# three-part table names lose their database (Statement.Catalogs); column references keep theirs
SELECT public.t.a FROM db.public.t JOIN "db"."public".u ON t.a = u.a, (SELECT * FROM x.y.z) s
# ... and in INSERT INTO
INSERT INTO db.public.t (time, a) VALUES (now(), 1)
# Timescale Toolkit's pipeline arrow: summary -> accessor(args) is accessor(summary, args), chained left to right
SELECT time_bucket('1 hour', ts) AS h, time_weight('Linear', ts, v) -> average(), percentile_agg(v)->approx_percentile(0.9), counter_agg(ts, c) -> "rate"() -> round(2) FROM t GROUP BY 1
# GROUP BY DISTINCT marks its first item; GROUP BY ALL is GROUP BY
SELECT a, b, count(*) FROM t GROUP BY DISTINCT ROLLUP (a, b), a UNION ALL SELECT a, b, count(*) FROM t GROUP BY ALL a, b
# FETCH ... WITH TIES adds a marker as the last ORDER BY item
SELECT a FROM t ORDER BY b DESC, c OFFSET 2 ROWS FETCH FIRST 3 ROWS WITH TIES
# window frame EXCLUDE clauses, array_agg OVER
SELECT sum(x) OVER (ORDER BY t DESC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW), sum(x) OVER (RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE TIES), array_agg(x) OVER w, count(*) OVER (w GROUPS 1 PRECEDING EXCLUDE GROUP), min(x) OVER (ROWS 1 PRECEDING EXCLUDE NO OTHERS) FROM t WINDOW w AS (PARTITION BY h ORDER BY t ROWS UNBOUNDED PRECEDING EXCLUDE TIES)
# window frame offsets written as expressions
SELECT sum(x) OVER (ORDER BY x ROWS BETWEEN (1) PRECEDING AND 1 + 1 FOLLOWING), sum(x) OVER (ORDER BY x ROWS '2' PRECEDING), sum(x) OVER (ORDER BY t RANGE BETWEEN interval '1 hour' * 2 PRECEDING AND CURRENT ROW), sum(x) OVER (ORDER BY x GROUPS BETWEEN $1::int PRECEDING AND y FOLLOWING EXCLUDE TIES), sum(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING AND abs(-1) FOLLOWING) FROM t
# OVERLAPS, rows with and without ROW
SELECT (a, b) OVERLAPS (c, interval '1 hour'), ROW(f(a), (b)) OVERLAPS ROW(c, d) AND x FROM t WHERE NOT (a, b + 1) OVERLAPS (c, d)
# a cast after left(), right(), EXISTS ()
SELECT right(h, 1)::int, left(h, 2)::text, exists(SELECT 1)::int, NOT EXISTS (SELECT 1)::bool FROM t
# AT TIME ZONE of a call, CASE, a cast or a subscript
SELECT t AT TIME ZONE current_setting('TimeZone'), t AT TIME ZONE lower(z)::text || 'x', t AT TIME ZONE CASE WHEN a THEN 'UTC' ELSE z END, t AT TIME ZONE zones[1] + i, t AT TIME ZONE pg_catalog.lower('UTC') FROM x
# other operators: # and ^@ at ||'s precedence, prefix |/ ||/ @
SELECT a # b + 1, s ^@ 'x', |/ a + 1, ||/ 8, @ -a * 2, 2 * |/ 16 FROM t
# VALUES and functions inside a parenthesised join are FROM items
SELECT y, z FROM ((VALUES (1)) b(y) CROSS JOIN (VALUES (2)) c(z)), (h JOIN generate_series(1, 3) g ON true)
# hypothetical-set aggregates; rank() OVER stays the window function
SELECT rank(3) WITHIN GROUP (ORDER BY x DESC), cume_dist(a + 1) WITHIN GROUP (ORDER BY x), rank() OVER (ORDER BY x) FROM t
# prepare with types
PREPARE p1 (int, double precision, timestamp with time zone, varchar(10), numeric(10, 2), text[]) AS SELECT $1 + $2 FROM t WHERE time > $3
# prepare insert and values
PREPARE ins AS INSERT INTO t (a) VALUES ($1); PREPARE v AS VALUES (1, $1)
# execute with arguments
EXECUTE p1(1, 'a,b', f(2, 3), ARRAY[1, 2], (SELECT 1), '(x'); EXECUTE p2; EXECUTE "Q"
# execute empty arguments (a syntax error in PostgreSQL too)
EXECUTE q ()
# prepare errors
PREPARE p AS SHOW x
# prepare transaction
PREPARE TRANSACTION 'x'
# prepare missing as
PREPARE p (int) SELECT 1
# execute unclosed
EXECUTE p(1, 2
# array overlap operator
SELECT a && b, ARRAY[1] && ARRAY[2] FROM t WHERE tags && '{x}'
# materialized ctes
WITH a AS MATERIALIZED (SELECT 1), "B" (x, y) AS MATERIALIZED (SELECT 1, 2), c AS NOT MATERIALIZED (SELECT 3) SELECT * FROM a, "B", c
# delete with a where clause and a parameter
DELETE FROM cpu WHERE time < '2016-01-01' AND hostname = $1
# delete every row, with an alias
DELETE FROM cpu AS c WHERE c.usage_user::int > 90
# delete with returning is refused
DELETE FROM cpu WHERE true RETURNING *
# delete with using (another table list) is refused
DELETE FROM cpu USING mem WHERE cpu.hostname = mem.hostname
# update of fields with a where clause and parameters
UPDATE cpu SET usage_user = $1, usage_system = usage_system * 2 WHERE hostname = $2 AND time < '2016-01-01'
# update with an alias, a set column named in where, default
UPDATE cpu AS c SET usage_user = DEFAULT WHERE c.usage_user > 100
# update from another table is refused
UPDATE cpu SET usage_user = 0 FROM mem WHERE cpu.hostname = mem.hostname
# update with a subquery in where
UPDATE cpu SET usage_user = 0 WHERE hostname IN (SELECT hostname FROM cpu WHERE usage_user > 99)
# insert on conflict do nothing
INSERT INTO m (time, host, v) VALUES ($1, 'a', 1) ON CONFLICT DO NOTHING
# insert on conflict with a target, do update from excluded
INSERT INTO m (time, host, v, w) VALUES ('2024-01-01', 'a', 1, 2) ON CONFLICT (time, "host") DO UPDATE SET v = EXCLUDED.v, w = excluded.w
# insert on conflict do update with values over the stored row and excluded, a where
INSERT INTO m (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET v = m.v + 1, n = coalesce(m.n, 0) + excluded.v::int WHERE m.v < 10 AND (excluded.v || 'x') <> 'y'
# insert into a table with an alias, on conflict over it
INSERT INTO m AS t (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET v = t.v + excluded.v
# on conflict do update setting a column twice
INSERT INTO m (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET v = 1, v = 2
# on conflict do update of a row form
INSERT INTO m (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET (v, w) = (1, 2)
# insert select on conflict do nothing
INSERT INTO m2 SELECT * FROM m WHERE v > 1 ON CONFLICT DO NOTHING
# on conflict on constraint, do nothing and do update
INSERT INTO m (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT ON CONSTRAINT m_pkey DO NOTHING; INSERT INTO m (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT ON CONSTRAINT "M key" DO UPDATE SET v = excluded.v
# on conflict on constraint without a name
INSERT INTO m (time, host, v) VALUES ('2024-01-01', 'a', 1) ON CONFLICT ON CONSTRAINT DO NOTHING
# drop table
DROP TABLE cpu
# drop tables if they exist, qualified and quoted, with cascade
DROP TABLE IF EXISTS public.cpu, "Mem", db.public."a.b" CASCADE
# drop table without a name
DROP TABLE
# drop table with too many dotted names
DROP TABLE a.b.c.d
# drop of something else is refused, naming it
DROP VIEW v
# drop materialized view is refused, naming it
DROP MATERIALIZED VIEW mv
# truncate
TRUNCATE cpu
# truncate table only, several, with identity and restrict
TRUNCATE TABLE ONLY cpu, public.mem *, "Disk" RESTART IDENTITY RESTRICT
# truncate with trailing garbage
TRUNCATE cpu WHERE true
# create table as timescaledb's docs write it
CREATE TABLE conditions (time TIMESTAMPTZ NOT NULL, location TEXT NOT NULL, temperature DOUBLE PRECISION NULL, humidity double precision)
# create table if not exists, qualified, types with modifiers, a primary key
CREATE TABLE IF NOT EXISTS public."Cpu" (time timestamp(3) with time zone, host varchar(20), region character varying, usage numeric(10, 2), n int8, ok boolean, PRIMARY KEY (time, host))
# create table with a column primary key and a named constraint
CREATE UNLOGGED TABLE t (time timestamptz CONSTRAINT t_pk PRIMARY KEY, v real)
# create table with two primary keys is refused
CREATE TABLE t (time timestamptz PRIMARY KEY, host text, PRIMARY KEY (time, host))
# create table with a default
CREATE TABLE t (time timestamptz, v int DEFAULT 0)
# create table with a foreign key is refused
CREATE TABLE t (time timestamptz, host text, FOREIGN KEY (host) REFERENCES hosts (name))
# create table as select
CREATE TABLE t AS SELECT * FROM cpu
# create table as: column names, WITH NO DATA, a query in parentheses
CREATE TABLE IF NOT EXISTS rollup (time, host, mean) AS (SELECT time_bucket('1 hour', time), host, avg(usage) FROM cpu GROUP BY 1, 2) WITH NO DATA
# create table as values, with data
CREATE TABLE t AS VALUES (now(), 1) WITH DATA
# create table as without a query
CREATE TABLE t AS
# create table as a statement that is no query
CREATE TABLE t AS DELETE FROM cpu
# create table as: an error in the query is placed in the whole text
CREATE TABLE t AS SELECT FROM WHERE
# create table with storage options is refused
CREATE TABLE t (time timestamptz, v float8) WITH (fillfactor = 70)
# create temporary table is refused
CREATE TEMP TABLE t (v int)
# create index is refused, naming it
CREATE UNIQUE INDEX i ON t (time)
# create index: no secondary indexes, the hint says why
CREATE INDEX ON conditions (location, time DESC)
# create materialized view: not kept, the hint says what to do instead
CREATE MATERIALIZED VIEW conditions_hourly WITH (timescaledb.continuous) AS SELECT time_bucket('1 hour', time) AS bucket, avg(t) FROM conditions GROUP BY bucket
# create table without columns' parentheses
CREATE TABLE t
# create table with a primary key and a unique constraint: the primary key names rows
CREATE TABLE t (time timestamptz UNIQUE, host text, site text, UNIQUE (time, site), PRIMARY KEY (time, host))
# words that start a query are labels after AS where a label may end
SELECT 1 AS select, 2 AS values, 3 AS with, 4 AS not FROM t WHERE (SELECT 1 AS select) = 1
# create database
CREATE DATABASE "Metrics" WITH OWNER = postgres ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C' CONNECTION LIMIT = -1
# create database with a locale strata does not keep is refused
CREATE DATABASE m ENCODING LATIN1
# drop database if exists, forced
DROP DATABASE IF EXISTS metrics WITH (FORCE)
# drop database with an unknown option
DROP DATABASE metrics (HARD)
# alter table add columns
ALTER TABLE IF EXISTS ONLY public.cpu ADD COLUMN note text, ADD IF NOT EXISTS usage_guest double precision NOT NULL, ADD region tag
# alter table drop column, with other actions
ALTER TABLE cpu DROP COLUMN note, DROP IF EXISTS "Old" CASCADE, ADD n int
# alter table drop constraint: the key's name, IF EXISTS, beside a column drop
ALTER TABLE cpu DROP CONSTRAINT cpu_pkey; ALTER TABLE cpu DROP CONSTRAINT IF EXISTS "Key" CASCADE, DROP COLUMN v
# create table with a named table constraint, and a named unique column constraint
CREATE TABLE t (time timestamptz NOT NULL, host text, CONSTRAINT "My Key" PRIMARY KEY (host, time)); CREATE TABLE t (time timestamptz NOT NULL, host text CONSTRAINT hk UNIQUE NOT NULL)
# unique constraints written nulls distinct and nulls not distinct, on columns and the table
CREATE TABLE t (time timestamptz, host text UNIQUE NULLS DISTINCT); CREATE TABLE t (time timestamptz, host text, UNIQUE NULLS NOT DISTINCT (time, host)); CREATE TABLE t (time timestamptz, host text, CONSTRAINT u UNIQUE NULLS DISTINCT (host), UNIQUE (time))
# unique nulls without distinct
CREATE TABLE t (time timestamptz, host text, UNIQUE NULLS (host))
# alter table rename column
ALTER TABLE IF EXISTS cpu RENAME COLUMN usage TO "Usage"
# alter table rename column without the word column
ALTER TABLE cpu RENAME usage TO u
# alter table rename
ALTER TABLE ONLY public.cpu RENAME TO cpu_old
# alter table rename cannot be combined
ALTER TABLE cpu RENAME TO cpu_old, ADD n int
# alter table rename without to
ALTER TABLE cpu RENAME usage u
# alter table rename constraint
ALTER TABLE IF EXISTS cpu RENAME CONSTRAINT cpu_pkey TO "Cpu Key"
# alter table rename constraint without to
ALTER TABLE cpu RENAME CONSTRAINT a b
# alter index rename
ALTER INDEX cpu_pkey RENAME TO "Cpu Key"; ALTER INDEX IF EXISTS public.k RENAME TO k2
# alter index rename cannot be combined
ALTER INDEX k RENAME TO k2, RENAME TO k3
# alter index other than rename
ALTER INDEX k SET TABLESPACE pg_default
# alter index without rename's name
ALTER INDEX k RENAME TO
# alter table add primary key, named, unique nulls distinct, beside a drop constraint
ALTER TABLE cpu ADD PRIMARY KEY (time, host); ALTER TABLE cpu ADD CONSTRAINT "Cpu Key" UNIQUE NULLS DISTINCT (host, time); ALTER TABLE cpu DROP CONSTRAINT cpu_pkey, ADD CONSTRAINT k PRIMARY KEY (host, time)
# alter table add of a second key
ALTER TABLE cpu ADD PRIMARY KEY (time, host), ADD UNIQUE (time)
# alter table add of a column with a key
ALTER TABLE cpu ADD COLUMN site text UNIQUE
# alter table add of a check constraint
ALTER TABLE cpu ADD CONSTRAINT c CHECK (usage > 0)
# alter of something else is refused
ALTER DATABASE d SET timezone TO 'UTC'
# create materialized view, TimescaleDB's continuous aggregate
CREATE MATERIALIZED VIEW IF NOT EXISTS conditions_hourly WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS SELECT time_bucket('1 hour', time) AS bucket, location, avg(temperature) FROM conditions GROUP BY bucket, location WITH NO DATA
# create materialized view with column names
CREATE MATERIALIZED VIEW v (b, host, n) AS SELECT time_bucket('5 minutes', time), host, count(*) FROM cpu GROUP BY 1, 2
# create materialized view without a query
CREATE MATERIALIZED VIEW v WITH (x = ) AS SELECT 1
# refresh materialized view
REFRESH MATERIALIZED VIEW CONCURRENTLY public.v WITH DATA; REFRESH MATERIALIZED VIEW v WITH NO DATA
# refresh of something else
REFRESH TABLE v
# drop materialized view
DROP MATERIALIZED VIEW IF EXISTS v, w CASCADE
# alter materialized view: TimescaleDB's real-time switch
ALTER MATERIALIZED VIEW IF EXISTS public.conditions_hourly SET (timescaledb.materialized_only = false, timescaledb.compress)
# alter materialized view, another action
ALTER MATERIALIZED VIEW v RENAME TO w
# alter materialized view without options
ALTER MATERIALIZED VIEW v SET ()
# create view
CREATE VIEW busy AS SELECT host, usage_user FROM cpu WHERE usage_user > 90
# create or replace view with column names and options
CREATE OR REPLACE VIEW public.busy (h, u) WITH (security_barrier = true) AS SELECT host, usage_user FROM cpu
# create view with check option
CREATE VIEW busy AS SELECT * FROM cpu WITH CASCADED CHECK OPTION
# create view with no data
CREATE VIEW busy AS SELECT * FROM cpu WITH NO DATA
# create temporary view
CREATE TEMP VIEW busy AS SELECT 1
# create or replace something else
CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql
# drop view
DROP VIEW IF EXISTS busy, idle CASCADE
# create table with defaults: constants, calls, casts, before and after other constraints
CREATE TABLE d (time timestamptz NOT NULL DEFAULT now(), status text DEFAULT 'ok' NOT NULL, n bigint DEFAULT (1 + 2) * 3, f float8 NULL DEFAULT '1.5'::float8, g int DEFAULT -1)
# create table with a default that does not parse
CREATE TABLE d (time timestamptz, n bigint DEFAULT 1 +)
# alter column set and drop default
ALTER TABLE d ALTER COLUMN n SET DEFAULT 42, ALTER status DROP DEFAULT, ADD COLUMN w double precision DEFAULT 0
# default null is no default
ALTER TABLE d ADD COLUMN z float8 DEFAULT NULL, ADD y text DEFAULT NULL::text, ALTER n SET DEFAULT NULL, ADD x int DEFAULT NULLIF(1, 1)
# alter column's type
ALTER TABLE d ALTER COLUMN n TYPE text
# insert returning
INSERT INTO cpu (time, host, usage) VALUES (now(), 'a', 1) RETURNING *, usage * 2 AS double, time
# insert on conflict returning
INSERT INTO cpu AS c VALUES ('2024-01-01', 'a', 1) ON CONFLICT (time, host) DO UPDATE SET usage = c.usage + 1 RETURNING c.usage
# update and delete returning
UPDATE cpu SET usage = 0 WHERE host = 'a' RETURNING host; DELETE FROM cpu WHERE usage > 90 RETURNING time, host
# returning with a parameter
INSERT INTO cpu (time, host) VALUES ($1, $2) RETURNING $3
# returning nothing
INSERT INTO cpu (time) VALUES (now()) RETURNING
# returning with a clause
INSERT INTO cpu (time) VALUES (now()) RETURNING time FROM cpu
# select into: create table as
SELECT host, avg(usage) AS mean INTO UNLOGGED TABLE public.cpu_mean FROM cpu GROUP BY host
# select into temporary
SELECT * INTO TEMP t FROM cpu
# select into without a name
SELECT 1 INTO
# call a procedure
CALL refresh_continuous_aggregate('conditions_hourly', '2024-01-01', now() - INTERVAL '1 hour')
# call without arguments' parentheses
CALL refresh_continuous_aggregate
# alter column type, Django's and Rails' forms, collate, using
ALTER TABLE "app_item" ALTER COLUMN "name" TYPE varchar(200) USING "name"::varchar(200), ALTER COLUMN "n" SET DATA TYPE bigint, ALTER "s" TYPE text COLLATE "C"
# alter column set and drop not null
ALTER TABLE "app_item" ALTER COLUMN "name" SET NOT NULL, ALTER COLUMN n DROP NOT NULL
# alter column type using null
ALTER TABLE t ALTER c TYPE double precision USING NULL
# alter column type with a using that does not parse
ALTER TABLE t ALTER c TYPE int USING c +
# alter table set: TimescaleDB's compression settings
ALTER TABLE conditions SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id, "Loc"', timescaledb.compress_orderby = 'time DESC')
# alter table set and reset with other actions
ALTER TABLE conditions SET (timescaledb.enable_columnstore = true), RESET (timescaledb.compress_orderby, timescaledb.segmentby), ADD n int
# alter table set tablespace is refused
ALTER TABLE conditions SET TABLESPACE fast
# alter table set without a value
ALTER TABLE conditions SET (timescaledb.compress =)
# comments on tables, views and columns; NULL removes one
COMMENT ON TABLE public.conditions IS 'readings'; COMMENT ON VIEW v IS E'two\nlines'; COMMENT ON MATERIALIZED VIEW "Daily" IS NULL; COMMENT ON COLUMN conditions.temp IS 'in °C'; COMMENT ON COLUMN db.public.conditions.temp IS ''
# comment on a column needs its table
COMMENT ON COLUMN temp IS 'x'
# comment on other objects is refused
COMMENT ON INDEX conditions_idx IS 'x'
# comment text must be a string
COMMENT ON TABLE t IS 42
