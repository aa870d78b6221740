package pgwire

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

var constraintsGoldenFrom = flag.String("constraints-golden-from", "", "write testdata/constraints/expected.txt from the PostgreSQL 15 server at this URL")

// constraintsSetup makes tables whose columns have every declared type a
// refused row's DETAIL prints, a NOT NULL column with a default, a time
// column under another name and keys.
const constraintsSetup = `SET TimeZone = 'UTC';
DROP TABLE IF EXISTS nn, ev, nk, uk;
CREATE TABLE nn (time timestamptz NOT NULL, host text NOT NULL, price numeric(10,2), c char(4), r real, n smallint, b boolean,
  d float8, v varchar(5), big numeric(5,-2), ts timestamp(2), day date, s text, w integer NOT NULL DEFAULT 7);
CREATE TABLE ev (at timestamptz NOT NULL, v float8 NOT NULL, k text);
CREATE TABLE nk (time timestamptz NOT NULL, host text, w float8 NOT NULL, PRIMARY KEY (time, host));
INSERT INTO nn (time, host, w) VALUES ('2024-01-01', 'a', 1), ('2024-01-02', 'b', 2);
INSERT INTO nk VALUES ('2024-01-01', 'a', 1);
CREATE TABLE uk (ts timestamptz NOT NULL, site char(4), dev text, v float8, CONSTRAINT "Site Key" UNIQUE NULLS NOT DISTINCT (site, dev, ts));
INSERT INTO uk VALUES ('2024-01-01', 'ab', 'x', 1), ('2024-01-01', 'cd', NULL, 2), ('2024-01-02', 'ab', 'y', 3);
`

// constraintCases are writes PostgreSQL refuses with 23502 or 23505, and
// refused renames of a key; COPY cases are "COPY statement|data".
var constraintCases = []string{
	`INSERT INTO nn VALUES ('2024-01-03 00:00:00.123456', NULL, 1.5, 'x', 1.1, 3, true, 2.5, 'vv', 1234, '2024-01-01 10:00:00.126', '2024-02-02', repeat('é', 40), 1)`,
	`INSERT INTO nn (time, host, big) VALUES (NULL, 'a', 1.5)`,
	`INSERT INTO nn (time, host, d, v) VALUES ('2024-01-03', 'c', 'NaN', 'xxxxx'), ('2024-01-04', NULL, '-Infinity', 'y')`,
	`SET TimeZone = 'Asia/Tokyo'`,
	`INSERT INTO nn (time, host, s) VALUES ('2024-01-03', NULL, repeat('ab', 40))`,
	`INSERT INTO nn (time, host, w) SELECT time + interval '1 week', host, CASE WHEN host = 'b' THEN NULL ELSE 1 END FROM nn`,
	`SET TimeZone = 'UTC'`,
	`UPDATE nn SET w = NULL WHERE host = 'b'`,
	`UPDATE nn SET host = NULL, price = 2`,
	`INSERT INTO ev (at, v) VALUES (NULL, 1)`,
	`INSERT INTO ev (at, v) VALUES ('2024-01-01', NULL)`,
	`INSERT INTO nk (time, host) VALUES ('2024-01-01', 'a') ON CONFLICT (time, host) DO UPDATE SET w = 2`,
	`INSERT INTO nk VALUES ('2024-01-02', 'a', NULL) ON CONFLICT DO NOTHING`,
	"COPY nn (time, host, s) FROM STDIN|2024-01-05\tc\tx\n2024-01-06\t\\N\ty\n",
	"COPY nn (time, host, s) FROM STDIN|\\N\tc\tx\n",
	"COPY nn (time, host, s, w) FROM STDIN (FORMAT csv, HEADER)|time,host,s,w\n2024-01-05,d,z,1\n2024-01-06,e,zz,\n",
	"COPY ev FROM STDIN|\\N\t1\tk\n",
	// A row whose key another row has (23505): INSERT, COPY, UPDATE.
	`INSERT INTO uk VALUES ('2024-01-02', 'ab', 'z', 4), ('2024-01-01', 'ab', 'x', 5)`,
	`INSERT INTO uk VALUES ('2024-01-03', 'ab', 'z', 4), ('2024-01-03', 'ab', 'z', 5)`,
	`SET TimeZone = 'America/New_York'`,
	`INSERT INTO uk VALUES ('2023-12-31 19:00', 'cd', NULL, 6)`,
	`SET TimeZone = 'UTC'`,
	"COPY uk FROM STDIN (FORMAT csv)|2024-01-04,ab,x,1\n2024-01-02,ab,y,2\n",
	`UPDATE uk SET dev = NULL, site = 'cd' WHERE v = 1`,
	`UPDATE uk SET site = 'ab', dev = 'x' WHERE v = 2`,
	// Renaming a key: a name that is not its, a relation's name.
	`ALTER TABLE uk RENAME CONSTRAINT uk_pkey TO k`,
	`ALTER TABLE uk RENAME CONSTRAINT "Site Key" TO nn`,
	`ALTER INDEX "Site Key" RENAME TO "Site Key"`,
	`ALTER INDEX nope RENAME TO k`,
}

// copyLine is the line a COPY's error is about: in PostgreSQL's CONTEXT
// or at the head of Strata's message.
var copyLine = regexp.MustCompile(`^COPY \w+, line (\d+)(: )?`)

// constraintErrors runs constraintCases on conn (after constraintsSetup, then
// stored, when given) and writes each refusal's SQLSTATE, message, DETAIL
// and error fields; a COPY's line is written apart from where the server
// puts it.
func constraintErrors(t *testing.T, conn *pgconn.PgConn, stored func()) string {
	t.Helper()
	ctx := context.Background()
	_, err := conn.Exec(ctx, constraintsSetup).ReadAll()
	require.NoError(t, err)
	if stored != nil {
		stored()
	}
	var out strings.Builder
	for _, c := range constraintCases {
		var err error
		if stmt, data, ok := strings.Cut(c, "|"); ok {
			_, err = conn.CopyFrom(ctx, strings.NewReader(data), stmt)
		} else {
			_, err = conn.Exec(ctx, c).ReadAll()
		}
		fmt.Fprintf(&out, "%s\n", strings.ReplaceAll(c, "\n", `\n`))
		if strings.HasPrefix(c, "SET ") {
			require.NoError(t, err, c)
			continue
		}
		var pe *pgconn.PgError
		require.True(t, errors.As(err, &pe), "%s: want an error, got %v", c, err)
		msg, line := pe.Message, ""
		if m := copyLine.FindStringSubmatch(pe.Where); m != nil {
			line = m[1]
		} else if m := copyLine.FindStringSubmatch(msg); m != nil {
			line, msg = m[1], msg[len(m[0]):]
		}
		fmt.Fprintf(&out, "  %s %s\n  DETAIL: %s\n  fields: %s.%s.%s.%s\n", pe.Code, msg, pe.Detail, pe.SchemaName, pe.TableName, pe.ColumnName, pe.ConstraintName)
		if line != "" {
			fmt.Fprintf(&out, "  line: %s\n", line)
		}
	}
	return out.String()
}

// TestConstraintErrorsMatchPostgres: a write that breaks a constraint is
// refused as PostgreSQL 15 refuses it (expected output written by it,
// -constraints-golden-from): SQLSTATE, message, DETAIL, the error fields and
// a COPY's line. NOT NULL (INSERT ... VALUES and SELECT, UPDATE, ON
// CONFLICT, COPY in text and CSV, a NULL time): DETAIL "Failing row
// contains (...)" with every column's value as its declared type prints it
// (timestamptz in the session's zone, numeric's scale, char(n)'s blanks,
// real, date, timestamp(p), long values cut). A key (INSERT, COPY,
// UPDATE): DETAIL "Key (...)=(...) already exists." Over the write buffer
// and from files.
func TestConstraintErrorsMatchPostgres(t *testing.T) {
	path := filepath.Join("testdata", "constraints", "expected.txt")
	if *constraintsGoldenFrom != "" {
		conn, err := pgconn.Connect(context.Background(), *constraintsGoldenFrom)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		golden(t, path, constraintErrors(t, conn, nil), true)
		return
	}
	s := startServer(t)
	ctx := context.Background()
	persist := func() {
		require.NoError(t, s.engine.Persist(ctx))
		_, err := s.engine.Compact(ctx, true)
		require.NoError(t, err)
	}
	for _, stored := range []func(){nil, persist} {
		conn, err := pgconn.Connect(ctx, s.dsn("db"))
		require.NoError(t, err)
		golden(t, path, constraintErrors(t, conn, stored), false)
		require.NoError(t, conn.Close(ctx))
	}
}
