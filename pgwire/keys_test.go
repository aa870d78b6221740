package pgwire

import (
	"flag"
	"path/filepath"
	"testing"
)

var keysGoldenFrom = flag.String("keys-golden-from", "", "write testdata/keys/expected.txt from the PostgreSQL 15 server at this URL")

// keysSetup declares keys three ways: a PRIMARY KEY over the time and
// every tag, a named UNIQUE NULLS NOT DISTINCT constraint, and ALTER TABLE
// ... ADD PRIMARY KEY over a table that has rows; then upserts each: by ON
// CONFLICT ON CONSTRAINT, by the key's columns (DO NOTHING over a NULL
// tag, DO UPDATE over the stored value). The last key is renamed twice
// (RENAME CONSTRAINT, ALTER INDEX) and upserted by its new name.
const keysSetup = `SET TimeZone = 'UTC';
DROP TABLE IF EXISTS kp, ku2, ka;
CREATE TABLE kp (time timestamptz NOT NULL, host text, dc text, v float8, PRIMARY KEY (host, time, dc));
CREATE TABLE ku2 (ts timestamptz NOT NULL, device text, v float8, CONSTRAINT "Dev Key" UNIQUE NULLS NOT DISTINCT (device, ts));
CREATE TABLE ka (time timestamptz NOT NULL, host text, v float8);
INSERT INTO kp VALUES ('2024-01-01 00:00+00', 'a', 'x', 1), ('2024-01-01 00:00+00', 'b', 'x', 2);
INSERT INTO ku2 VALUES ('2024-01-01 00:00+00', NULL, 1), ('2024-01-01 00:00+00', 'd', 2);
INSERT INTO ka VALUES ('2024-01-01 00:00+00', 'a', 1);
ALTER TABLE ka ADD PRIMARY KEY (host, time);
INSERT INTO kp VALUES ('2024-01-01 00:00+00', 'a', 'x', 5), ('2024-01-02 00:00+00', 'a', 'x', 6) ON CONFLICT ON CONSTRAINT kp_pkey DO UPDATE SET v = excluded.v;
INSERT INTO ku2 VALUES ('2024-01-01 00:00+00', NULL, 9) ON CONFLICT (device, ts) DO NOTHING;
INSERT INTO ka VALUES ('2024-01-01 00:00+00', 'a', 7) ON CONFLICT (time, host) DO UPDATE SET v = ka.v + excluded.v;
ALTER TABLE ka RENAME CONSTRAINT ka_pkey TO "Ka Key";
ALTER INDEX "Ka Key" RENAME TO ka_key;
ALTER INDEX IF EXISTS ka_pkey RENAME TO ka_gone;
INSERT INTO ka VALUES ('2024-01-01 00:00+00', 'a', 9) ON CONFLICT ON CONSTRAINT ka_key DO UPDATE SET v = ka.v + excluded.v;
`

const keysQueries = `\d kp
\d ku2
\d ka
\d kp_pkey
\d "Dev Key"
\d ka_key
SELECT attname, atttypid, attlen, attnum, atttypmod, attbyval, attnotnull, atthasdef, attcollation FROM pg_attribute WHERE attrelid = 'kp_pkey'::regclass ORDER BY attnum;
SELECT 'kp_pkey'::regclass, to_regclass('ka_pkey')::text, '"Dev Key"'::regclass::oid = (SELECT indexrelid FROM pg_index WHERE indrelid = 'ku2'::regclass);
SELECT c.relname, c.relkind, c.relnatts, i.indnatts, i.indisprimary, i.indnullsnotdistinct FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname IN ('kp_pkey', 'Dev Key', 'ka_key') ORDER BY 1;
SELECT conname, conindid::regclass FROM pg_constraint WHERE conrelid = 'ka'::regclass AND contype IN ('p', 'u');
SELECT * FROM kp ORDER BY time, host;
SELECT * FROM ku2 ORDER BY ts, device;
SELECT * FROM ka ORDER BY time, host;
`

// TestKeysMatchPostgres: tables with keys read through psql as PostgreSQL
// 15's do (expected output written by it, -keys-golden-from): \d of the
// tables and of their keys' indexes (pg_attribute's rows of an index,
// ::regclass and to_regclass of an index's name), and the rows the
// setup's upserts leave; over the write buffer and from files.
func TestKeysMatchPostgres(t *testing.T) {
	psqlMatchesPostgres(t, filepath.Join("testdata", "keys", "expected.txt"), *keysGoldenFrom, keysSetup, keysQueries)
}
