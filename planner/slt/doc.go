// Package slt is Strata's sqllogictest runner: it parses .slt files, runs
// them against an Executor (Strata's engine, or PostgreSQL through pgx),
// compares results as text, reports mismatches with file:line, and can
// rewrite expected results from an engine's output. It also loads the
// corpus dataset (line-protocol files) into PostgreSQL and starts a
// throwaway PostgreSQL 15 for tests.
//
// # File format
//
// Records are separated by blank lines; lines starting with # outside a
// record are comments.
//
//	skipif <engine>          skip the next record on <engine> (repeatable)
//	onlyif <engine>          run the next record only on <engine>
//	statement ok             SQL follows, up to a blank line; must succeed
//	statement error [re]     must fail; the error text must match regexp re
//	query <types> [nosort|rowsort|valuesort] [label]
//	<SQL, one or more lines>
//	----
//	<expected lines, up to a blank line>
//	query error [re]         the query must fail
//	hash-threshold <n>       results of more than n values (rows × columns)
//	                         are compared as "<n> values hashing to <md5>",
//	                         the MD5 of the rendered lines, each + "\n"; 0
//	                         turns hashing off (the default)
//	halt                     stop running the file (conditions apply)
//
// Engines are "strata" and "postgres" (any name is accepted). A label makes
// every query with the same label in the file produce the same result.
// The SQL of a record cannot contain a blank line.
//
// # Value formatting (the contract every engine's output is held to)
//
// A query's types string has one letter per column. An Executor returns Go
// values (Result); FormatValue renders each under its column's letter and
// fails if the value does not belong there, so a type divergence is a
// failure, not a silent pass. NULL is NULL under every letter.
//
//	I  integer: int64 or uint64 in decimal; a Numeric without a fractional
//	   part ("1234", PostgreSQL's sum(bigint)). Floats are not accepted.
//	R  float: float64 or Numeric, rounded to 12 significant digits (as by
//	   strconv 'e' with 11 decimals) and printed in the shortest form of the
//	   rounded value: plain decimal when 1e-4 <= |x| < 1e15 ("0.3", "4",
//	   "-3.978125", "0.333333333333"), otherwise exponent form as Go prints
//	   it ("1e+20", "3.33333333333e-11"); -0 prints as 0; NaN, Infinity and
//	   -Infinity as PostgreSQL spells them. So avg(bigint) (numeric in
//	   PostgreSQL) and a float64 average print the same.
//	T  text: the string itself; the empty string is (empty); backslash,
//	   newline, carriage return and tab are written \\ \n \r \t.
//	B  boolean: true or false.
//	P  point in time: timestamptz (time.Time) in UTC as PostgreSQL prints it
//	   with TimeZone=UTC and DateStyle=ISO: "2016-01-01 02:17:08.646325+00",
//	   the fraction trimmed of trailing zeros and omitted when zero;
//	   timestamp without time zone (Timestamp) the same without "+00"; a
//	   Date as "2016-02-29". Digits beyond microseconds are printed if an
//	   engine has them (PostgreSQL never does).
//	V  interval (Interval: months, days, microseconds kept apart) as
//	   PostgreSQL prints it with IntervalStyle=postgres: "3 days 21:00:00",
//	   "1 year 2 mons 3 days", "-1 days +02:00:00", "02:30:00", "00:00:00",
//	   "1 day 00:00:00.5"; hours are not folded into days.
//
// A row is its values joined by one space (values may contain spaces; the
// line is compared whole). nosort compares rows in the order returned,
// rowsort sorts the rendered rows bytewise, valuesort puts every value on
// its own line and sorts those. Text ordering in the corpus follows the C
// collation (bytewise), which the throwaway server uses; an external
// PostgreSQL given by STRATA_PG_DSN must use it too.
//
// The PostgreSQL executor pins the settings that change printing
// (SessionSettings: TimeZone UTC, DateStyle ISO, IntervalStyle postgres,
// extra_float_digits 3) and converts pgx's binary values, so its output goes
// through the same formatter as every other engine's.
//
// # Rewriting
//
// With Options.Rewrite the runner replaces each executed query's expected
// lines (adding "----" where missing) and, when the column count or a letter
// does not fit the values, its type letters (inferred from the first non-NULL
// value of each column). Records skipped for the engine are left untouched.
// In tests: go test ./planner/slt -run TestCorpusPostgres -rewrite.
//
// # Dataset
//
// testdata/slt/data/*.lp are the source of truth (Strata loads them through
// its line-protocol write path). LoadDataset reads them with InfluxDB
// semantics: one row per table + tag values + time, a later write of the
// same key overwriting only the fields it names; columns ordered time, tags,
// then fields, each in order of first write (as Strata's catalog orders
// them). Dataset.SQL renders PostgreSQL DDL and INSERTs (time → timestamptz
// NOT NULL, tag → text, float → double precision, integer → bigint, string
// → text, boolean → boolean); data/postgres.sql is that output, checked by
// TestDatasetSQL.
//
// # Goroutine model
//
// Parsing and formatting are pure. A run is sequential: one record at a time
// on the caller's goroutine, using the Executor from that goroutine only.
// Postgres wraps one pgx connection and is not safe for concurrent use.
// PostgresServer runs initdb/pg_ctl as child processes and waits for them.
package slt
