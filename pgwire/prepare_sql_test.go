package pgwire

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestPsqlPrepareExecute runs SQL's PREPARE, EXECUTE and DEALLOCATE from
// the real psql: arguments are cast to the declared or inferred parameter
// types, as PostgreSQL coerces them, and EXECUTE answers with the prepared
// statement's rows and tag.
func TestPsqlPrepareExecute(t *testing.T) {
	s := startServer(t)
	script := `PREPARE byhost (text, float8) AS SELECT host, usage FROM cpu WHERE host = $1 AND usage > $2 ORDER BY usage;
EXECUTE byhost('a', 2);
EXECUTE byhost('a', '1');
PREPARE since AS SELECT count(*) FROM cpu WHERE time >= $1;
EXECUTE since('2023-11-14 22:13:30+00');
EXECUTE since(timestamptz '2023-11-14 22:13:20+00' + interval '15 seconds');
PREPARE add (int) AS SELECT $1 + 1;
EXECUTE add(2.6);
PREPARE third (int[]) AS SELECT $1[3] + 1;
EXECUTE third(ARRAY[1.4, 2, 3.4]);
EXECUTE add('x');
EXECUTE add(1, 2);
EXECUTE nosuch;
PREPARE add AS SELECT 1;
PREPARE bad (nosuchtype) AS SELECT $1;
PREPARE ins (timestamptz, text, float8) AS INSERT INTO cpu (time, host, usage) VALUES ($1, $2, $3);
EXECUTE ins('2023-11-14 22:14:00+00', 'd', 9.5);
SELECT host, usage FROM cpu WHERE host = 'd';
DEALLOCATE add;
EXECUTE add(1);
`
	out, stderr, err := psql(t, s, script)
	require.NoError(t, err, stderr)
	require.Equal(t, "PREPARE\na|3.5\na|1.5\na|3.5\nPREPARE\n2\n1\nPREPARE\n4\nPREPARE\n4\nPREPARE\nINSERT 0 1\nd|9.5\nDEALLOCATE\n", out)
	for _, want := range []string{
		`ERROR:  invalid input syntax for type integer: "x"`,
		`ERROR:  wrong number of parameters for prepared statement "add"`,
		`DETAIL:  Expected 1 parameters but got 2.`,
		`ERROR:  prepared statement "nosuch" does not exist`,
		`ERROR:  prepared statement "add" already exists`,
		`ERROR:  type "nosuchtype" does not exist`,
		`ERROR:  prepared statement "add" does not exist`,
	} {
		require.Contains(t, stderr, want)
	}
}

// TestPgxExecuteStatement sends EXECUTE through the extended protocol
// (pgx prepares it, describes it and binds it): its description is the
// prepared statement's columns.
func TestPgxExecuteStatement(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "PREPARE usage_of (text) AS SELECT usage, n FROM cpu WHERE host = $1 ORDER BY usage")
	require.NoError(t, err)
	rows, err := conn.Query(ctx, "EXECUTE usage_of('a')")
	require.NoError(t, err)
	type row struct {
		Usage float64
		N     *int64
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	require.NoError(t, err)
	one, three := int64(1), int64(3)
	require.Equal(t, []row{{1.5, &one}, {3.5, &three}}, got)
	// Describe of the statement EXECUTE ... gives the prepared
	// statement's columns (it said NoData).
	sd, err := conn.PgConn().Prepare(ctx, "ex", "EXECUTE usage_of('b')", nil)
	require.NoError(t, err)
	require.Len(t, sd.Fields, 2)
	require.Equal(t, "usage", sd.Fields[0].Name)
	require.Equal(t, uint32(701), sd.Fields[0].DataTypeOID)
	// The name space is the protocol's: DEALLOCATE frees it.
	_, err = conn.Exec(ctx, "DEALLOCATE usage_of")
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "EXECUTE usage_of('a')")
	require.ErrorContains(t, err, `prepared statement "usage_of" does not exist`)
}

// TestPsqlExecuteAssignment: EXECUTE's arguments convert to the
// parameters' types by PostgreSQL's assignment rules, arguments to a
// statement without parameters are not read, and pg_prepared_statements
// lists the session's statements with the query string psql sent, ';'
// included, as PostgreSQL 15 shows them (real psql).
func TestPsqlExecuteAssignment(t *testing.T) {
	s := startServer(t)
	script := `PREPARE one AS SELECT 1;
EXECUTE one(1/0);
PREPARE inc (int) AS SELECT $1 + 1;
EXECUTE inc(true);
EXECUTE inc('5'::text);
EXECUTE inc('5');
EXECUTE inc(2.7);
PREPARE shout (text) AS SELECT $1 || '!';
EXECUTE shout(5);
EXECUTE shout(now() > now());
PREPARE flag (bool) AS SELECT NOT $1;
EXECUTE flag(1);
EXECUTE flag('t');
SELECT name, statement, parameter_types, from_sql, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY name;
`
	out, stderr, err := psql(t, s, script)
	require.NoError(t, err, stderr)
	require.Equal(t, "PREPARE\n1\nPREPARE\n6\n4\nPREPARE\n5!\nfalse!\nPREPARE\nf\n"+
		"flag|PREPARE flag (bool) AS SELECT NOT $1;|{boolean}|t|0|1\n"+
		"inc|PREPARE inc (int) AS SELECT $1 + 1;|{integer}|t|0|2\n"+
		"one|PREPARE one AS SELECT 1;|{}|t|1|0\n"+
		"shout|PREPARE shout (text) AS SELECT $1 || '!';|{text}|t|0|2\n", out)
	for _, want := range []string{
		`ERROR:  parameter $1 of type boolean cannot be coerced to the expected type integer`,
		`ERROR:  parameter $1 of type text cannot be coerced to the expected type integer`,
		`ERROR:  parameter $1 of type integer cannot be coerced to the expected type boolean`,
		`HINT:  You will need to rewrite or cast the expression.`,
	} {
		require.Contains(t, stderr, want)
	}
}
