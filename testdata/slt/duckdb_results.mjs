// Fills in the expected results of the DuckDB-checked records of an .slt
// file (time_bucket.slt): every query record is run by DuckDB over the
// dataset (data/postgres.sql) with TimeZone=UTC, each value cast to VARCHAR
// by DuckDB, and its result lines written after "----". DuckDB does not
// accept a space before a numeric offset ('... +0000'), so that spelling is
// changed to '+00:00' before DuckDB sees the SQL; the file keeps TSBS's.
// Only integer, timestamptz and text columns are used, which DuckDB prints
// exactly as the runner's contract (planner/slt/doc.go) wants.
//
//   (cd ../duckdb && npm ci) && node duckdb_results.mjs time_bucket.slt
import { DuckDBInstance } from '../duckdb/node_modules/@duckdb/node-api/lib/index.js';
import { readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2];
const inst = await DuckDBInstance.create(':memory:');
const conn = await inst.connect();
await conn.run("SET TimeZone='UTC'");
await conn.run(readFileSync(join(here, 'data', 'postgres.sql'), 'utf8'));

const lines = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
const out = [];
for (let i = 0; i < lines.length; ) {
  const head = lines[i];
  out.push(head);
  i++;
  if (!head.startsWith('query ')) continue;
  const sort = head.split(/\s+/)[2];
  const sql = [];
  while (i < lines.length && lines[i].trim() !== '' && lines[i].trim() !== '----') {
    sql.push(lines[i]);
    out.push(lines[i]);
    i++;
  }
  if (lines[i]?.trim() === '----') {
    i++;
    while (i < lines.length && lines[i].trim() !== '') i++;
  }
  const q = sql.join('\n').replaceAll(' +0000', '+00:00');
  const res = await conn.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM (${q}) q`);
  let rows = res.getRowsJS().map((r) =>
    r.map((v) => (v === null ? 'NULL' : v === '' ? '(empty)' : v)).join(' '));
  if (sort === 'rowsort') rows.sort();
  out.push('----', ...rows);
}
writeFileSync(file, out.join('\n') + '\n');
