package pgwire

import (
	"context"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var timePrecisionGoldenFrom = flag.String("time-precision-golden-from", "", "write testdata/timeprec/expected.txt from the PostgreSQL 15 server at this URL")

// timePrecisionSetup declares timestamp(p) and timestamptz(p) columns, the
// time column too (Prisma's DateTime is timestamp(3)), and writes
// fractions they round, halves on both sides of PostgreSQL's epoch
// (2000-01-01), by INSERT, INSERT ... SELECT, COPY, ON CONFLICT and UPDATE.
const timePrecisionSetup = `SET TimeZone = 'UTC';
DROP TABLE IF EXISTS tprec, tprec_log, tprec_copy;
CREATE TABLE tprec (time timestamptz(3) NOT NULL, host text, at timestamp(0), z timestamptz(2), n int, PRIMARY KEY (time, host));
INSERT INTO tprec VALUES ('2024-01-01 00:00:00.1235+00', 'a', '2024-01-01 10:00:00.5', '2024-01-01 10:00:00.125+00', 1),
  ('1999-12-31 23:59:59.9995+00', 'b', '1960-01-01 00:00:00.5', '1999-12-31 23:59:59.995+00', 2);
INSERT INTO tprec VALUES ('2024-01-01 00:00:00.12351+00', 'a', NULL, '2024-01-01 00:00:00.999+00', 3)
  ON CONFLICT (time, host) DO UPDATE SET n = EXCLUDED.n, z = EXCLUDED.z;
UPDATE tprec SET z = z + interval '0.004 seconds', at = at + interval '0.7 seconds' WHERE host = 'a';
INSERT INTO tprec SELECT time + interval '0.0004 seconds', 'c', at + interval '1.5 seconds', z, 4 FROM tprec WHERE host = 'b';
CREATE TABLE tprec_log (at timestamp(3) without time zone NOT NULL, msg text, seen timestamptz(2));
COPY tprec_log FROM stdin;
2024-01-01 00:00:00.0005	x	2024-01-01 00:00:00.1234565+00
1990-06-01 12:00:00.0005	y	\N
\.
ALTER TABLE tprec_log ALTER COLUMN seen TYPE timestamptz(5);
CREATE TABLE tprec_copy AS SELECT time, host, at, z FROM tprec;
`

const timePrecisionQueries = `\echo rows
SELECT * FROM tprec ORDER BY time, host;
SELECT * FROM tprec_log ORDER BY at;
SELECT * FROM tprec_copy ORDER BY time;
SELECT count(*) FROM tprec WHERE time = '2024-01-01 00:00:00.124+00';
\echo types
SELECT time, at, z, n FROM tprec \gdesc
SELECT table_name, column_name, data_type, datetime_precision FROM information_schema.columns WHERE table_name LIKE 'tprec%' ORDER BY table_name, ordinal_position;
SELECT attrelid::regclass, attname, format_type(atttypid, atttypmod), atttypmod FROM pg_attribute WHERE attrelid IN ('tprec'::regclass, 'tprec_log'::regclass) AND attnum > 0 ORDER BY 1, attnum;
\d tprec_log
`

// TestTimestampPrecision: timestamp(p) and timestamptz(p) columns keep their
// precision (the catalogs, RowDescription's type modifier, CREATE TABLE
// AS) and hold values rounded to it, as PostgreSQL 15 does (expected output
// written by it, -time-precision-golden-from), over the write buffer and
// from files; pgx's binary timestamptz parameters and line protocol's
// times round too. Before, the precision was dropped: values kept their
// microseconds and the columns read as timestamp.
func TestTimestampPrecision(t *testing.T) {
	s := psqlMatchesPostgres(t, filepath.Join("testdata", "timeprec", "expected.txt"), *timePrecisionGoldenFrom, timePrecisionSetup, timePrecisionQueries)
	if s == nil {
		return
	}
	ctx := context.Background()
	conn := connect(t, s, "db")
	defer conn.Close(ctx)
	at := time.Date(2024, 2, 1, 0, 0, 0, 987654321, time.UTC)
	_, err := conn.Exec(ctx, "INSERT INTO tprec (time, host, z) VALUES ($1, 'p', $2)", at, at)
	require.NoError(t, err)
	rows, err := conn.Query(ctx, "SELECT time, z FROM tprec WHERE host = 'p'")
	require.NoError(t, err)
	mods := typeModifiers(rows)
	require.True(t, rows.Next())
	var gotTime, gotZ time.Time
	require.NoError(t, rows.Scan(&gotTime, &gotZ))
	rows.Close()
	require.NoError(t, rows.Err())
	require.Equal(t, []int32{3, 2}, mods, "atttypmod")
	require.Equal(t, time.Date(2024, 2, 1, 0, 0, 0, 988000000, time.UTC), gotTime.UTC())
	require.Equal(t, time.Date(2024, 2, 1, 0, 0, 0, 990000000, time.UTC), gotZ.UTC())
}
