// DuckDB side of `strata bench query`: loads Strata's Parquet files into
// DuckDB and runs the queries it is sent, timing each run inside this process.
//
//   node duckdb_query.mjs <node_modules dir holding @duckdb/node-api> <parquet glob> <table|view> <threads>
//
// Protocol, one JSON object per line. On start it prints
//   {"ready":true,"rows":N,"load_ms":T,"version":"v1.x"}
// then for each request {"sql": "...", "runs": k, "rows": bool} on stdin it
// runs the SQL k times (each timed from the call until the whole result is
// materialised) and answers
//   {"ms":[t1,...],"columns":[...],"types":[...],"rows":[[...],...]}
// with rows only when asked, or {"error":"message"}.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import path from 'node:path';

const [modules, glob, mode, threads] = process.argv.slice(2);
if (!modules || !glob || (mode !== 'table' && mode !== 'view')) {
  console.error('usage: node duckdb_query.mjs <node_modules dir> <parquet glob> <table|view> [threads]');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(modules), 'noop.js'));
const { DuckDBInstance } = require('@duckdb/node-api');

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run(`SET TimeZone = 'UTC'`);
if (threads) await conn.run(`SET threads = ${Number(threads)}`);
const src = `read_parquet('${glob.replaceAll("'", "''")}')`;
const t0 = process.hrtime.bigint();
await conn.run(mode === 'table'
  ? `CREATE TABLE cpu AS SELECT * FROM ${src}`
  : `CREATE VIEW cpu AS SELECT * FROM ${src}`);
const count = await conn.runAndReadAll('SELECT count(*) AS n FROM cpu');
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const version = (await conn.runAndReadAll('SELECT version() AS v')).getRowsJS()[0][0];
console.log(JSON.stringify({ ready: true, rows: Number(count.getRowsJS()[0][0]), load_ms: loadMs, version }));

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  try {
    const ms = [];
    let res;
    for (let i = 0; i < Math.max(1, req.runs || 1); i++) {
      const start = process.hrtime.bigint();
      res = await conn.runAndReadAll(req.sql);
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const out = { ms, columns: res.columnNames(), types: res.columnTypes().map(String) };
    if (req.rows) out.rows = res.getRowsJson();
    console.log(JSON.stringify(out));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e && e.message || e) }));
  }
}
