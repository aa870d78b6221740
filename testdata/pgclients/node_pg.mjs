// Drives Strata's PostgreSQL endpoint with node-postgres (npm "pg") and
// pg-cursor, the way applications use them. Connection from PGHOST, PGPORT,
// PGUSER, PGDATABASE. Exits non-zero with the failed assertion.
import assert from 'node:assert/strict';
import pg from 'pg';
import Cursor from 'pg-cursor';

const client = new pg.Client();
await client.connect();

// Without parameters: the simple protocol, values parsed by type OID.
let res = await client.query('SELECT host, usage, n, ok, time FROM cpu ORDER BY time');
assert.equal(res.command, 'SELECT');
assert.equal(res.rowCount, 3);
assert.deepEqual(res.fields.map((f) => [f.name, f.dataTypeID]),
  [['host', 25], ['usage', 701], ['n', 20], ['ok', 16], ['time', 1184]]);
assert.deepEqual(res.rows[0], { host: 'a', usage: 1.5, n: '1', ok: true, time: new Date(1700000000000) });
assert.equal(res.rows[1].n, null);

// With parameters: Parse/Bind/Describe/Execute, every parameter as text
// (a Date goes as local time with its offset).
res = await client.query('SELECT host, usage FROM cpu WHERE time >= $1 AND host = $2 ORDER BY time',
  [new Date(1700000000000), 'a']);
assert.deepEqual(res.rows, [{ host: 'a', usage: 1.5 }, { host: 'a', usage: 3.5 }]);
res = await client.query({ name: 'by-usage', text: 'SELECT count(*) AS c FROM cpu WHERE usage > $1', values: [2] });
assert.equal(res.rows[0].c, '2');
res = await client.query({ name: 'by-usage', text: 'SELECT count(*) AS c FROM cpu WHERE usage > $1', values: [3] });
assert.equal(res.rows[0].c, '1', 'a named statement is reused');

// Errors carry the SQLSTATE and leave the connection usable.
await assert.rejects(client.query('SELECT usge FROM cpu'), (err) => err.code === '42703' && /usge/.test(err.message));
await assert.rejects(client.query('SELECT * FROM cpu WHERE usage > $1', ['lots']), (err) => err.code === '22P02');
// Parameters go untyped (OID 0): one compared with an aggregate in HAVING
// takes the aggregate's type.
res = await client.query('SELECT host, count(*) AS c FROM cpu GROUP BY host HAVING count(*) >= $1 ORDER BY host', [2]);
assert.deepEqual(res.rows, [{ host: 'a', c: '2' }]);
// A JavaScript array goes as array text, its elements quoted: = ANY($1).
res = await client.query('SELECT count(*) AS c FROM cpu WHERE host = ANY($1) AND usage <> ALL($2)', [['a', 'x,"y"', null], [1.5]]);
assert.equal(res.rows[0].c, '1');
res = await client.query('SELECT $1::text[] AS arr', [['a b', 'c"d\\e', null]]);
assert.deepEqual(res.rows[0].arr, ['a b', 'c"d\\e', null]);
// Untyped parameters take the type their place needs, as PostgreSQL
// resolves them: function and window arguments, n * interval, IN lists,
// a second use of a parameter whose first use typed it.
res = await client.query('SELECT left(host, $1) AS l FROM cpu ORDER BY time LIMIT 1', [1]);
assert.deepEqual(res.rows, [{ l: 'a' }]);
res = await client.query('SELECT lag(usage, $1) OVER (ORDER BY time) AS l, ntile($2) OVER (ORDER BY time) AS t FROM cpu ORDER BY time', [1, 2]);
assert.deepEqual(res.rows, [{ l: null, t: 1 }, { l: 1.5, t: 1 }, { l: 2.5, t: 2 }]);
res = await client.query("SELECT to_timestamp(0) + $1 * interval '1 second' AS t, $2 IN (1, 2) AS b", [90, 2]);
assert.deepEqual(res.rows, [{ t: new Date(90000), b: true }]);
res = await client.query('SELECT count(*) AS c FROM cpu WHERE time >= $1 AND time < $1 + $2', [new Date(1700000000000), '15 seconds']);
assert.deepEqual(res.rows, [{ c: '2' }]);
res = await client.query('SELECT percentile_cont($1) WITHIN GROUP (ORDER BY usage) AS p FROM cpu', [0.5]);
assert.deepEqual(res.rows, [{ p: 2.5 }]);
res = await client.query("SELECT repeat('ab', $1) AS r, lpad('x', $1, '-') AS p", [3]);
assert.deepEqual(res.rows, [{ r: 'ababab', p: '--x' }]);
res = await client.query('SELECT generate_series(1, $1) AS g', [3]);
assert.deepEqual(res.rows, [{ g: 1 }, { g: 2 }, { g: 3 }]);
res = await client.query('SELECT 1 AS one');
assert.equal(res.rows[0].one, 1, 'an integer constant is int4, which node-postgres reads as a number');

// INSERT with parameters, then read back.
res = await client.query('INSERT INTO cpu (time, host, usage) VALUES ($1, $2, $3)', [new Date(1700000030000), 'node', 4.25]);
assert.equal(res.command, 'INSERT');
assert.equal(res.rowCount, 1);

// Columns declared integer, smallint and real are read as numbers (a
// bigint would be a string), varchar(n) values within their length.
await client.query('CREATE TABLE decl (time timestamptz NOT NULL, code varchar(4), n integer, s smallint, r real)');
await client.query('INSERT INTO decl VALUES ($1, $2, $3, $4, $5)', [new Date(0), 'ab', 2147483647, -3, 0.5]);
res = await client.query('SELECT code, n, s, r FROM decl');
assert.deepEqual(res.rows, [{ code: 'ab', n: 2147483647, s: -3, r: 0.5 }]);
assert.deepEqual(res.fields.map((f) => f.dataTypeID), [1043, 23, 21, 700]);
// $2 is inferred int4 from its column, as PostgreSQL infers it, so the
// text node-postgres sends is read as one: PostgreSQL's input error.
await assert.rejects(client.query('INSERT INTO decl (time, n) VALUES ($1, $2)', [new Date(1000), 2147483648]),
  (e) => e.code === '22003' && e.message.startsWith('value "2147483648" is out of range for type integer'));
await assert.rejects(client.query('INSERT INTO decl (time, n) VALUES ($1, $2::bigint)', [new Date(1000), 2147483648]),
  (e) => e.code === '22003' && e.message === 'integer out of range');
await assert.rejects(client.query('INSERT INTO decl (time, code) VALUES ($1, $2)', [new Date(1000), 'abcde']),
  (e) => e.code === '22001' && e.message === 'value too long for type character varying(4)');

// A column declared numeric(10,2): node-postgres reads numerics as strings,
// which carry the two places (7.00), and sends its numbers as text, which
// the column rounds on their decimal digits (2.675 is 2.68).
await client.query('CREATE TABLE fills (time timestamptz NOT NULL, px numeric(10,2))');
await client.query('INSERT INTO fills VALUES ($1, $2), ($3, $4)', [new Date(0), 2.675, new Date(1000), 7]);
res = await client.query('SELECT px FROM fills ORDER BY time');
assert.deepEqual(res.rows.map((r) => r.px), ['2.68', '7.00']);
assert.deepEqual(res.fields.map((f) => [f.dataTypeID, f.dataTypeModifier]), [[1700, (10 << 16 | 2) + 4]]);
await assert.rejects(client.query('INSERT INTO fills VALUES ($1, $2)', [new Date(2000), 1e8]),
  (e) => e.code === '22003' && e.message === 'numeric field overflow' && e.detail.includes('less than 10^8'));

// A row whose primary key is stored: 23505 with the fields node-postgres
// reads (constraint, table, schema) and PostgreSQL's DETAIL; a row without
// a value for a key column: 23502 naming the column.
await client.query('CREATE TABLE uq (time timestamptz NOT NULL, host text, PRIMARY KEY (host, time))');
await client.query('INSERT INTO uq VALUES ($1, $2)', [new Date(0), 'a']);
await assert.rejects(client.query('INSERT INTO uq VALUES ($1, $2)', [new Date(0), 'a']),
  (e) => e.code === '23505' && e.constraint === 'uq_pkey' && e.table === 'uq' && e.schema === 'public' &&
    e.detail === 'Key (host, "time")=(a, 1970-01-01 00:00:00+00) already exists.');
await assert.rejects(client.query('INSERT INTO uq (time) VALUES ($1)', [new Date(5000)]),
  (e) => e.code === '23502' && e.column === 'host' && e.table === 'uq' && e.schema === 'public');

// A cursor: Execute with a row limit, resumed until done.
const cursor = client.query(new Cursor('SELECT host FROM cpu ORDER BY time'));
const read = (n) => new Promise((resolve, reject) => cursor.read(n, (err, rows) => (err ? reject(err) : resolve(rows))));
assert.deepEqual((await read(2)).map((r) => r.host), ['a', 'b']);
assert.deepEqual((await read(2)).map((r) => r.host), ['a', 'node']);
assert.deepEqual(await read(2), []);
await new Promise((resolve) => cursor.close(resolve));

await client.end();
console.log('ok');
