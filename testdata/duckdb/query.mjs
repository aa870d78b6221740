// Runs SQL with DuckDB: the statements of a setup file first, then one query
// per line of standard input, printing for each one JSON line, {"rows":
// [[...], ...]} with every value as text (null for NULL) or {"error": "..."}.
// Used by the planner's tests that compare Strata's answers with DuckDB's.
//
//   node query.mjs setup.sql < queries
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';

const setup = process.argv[2];
if (!setup) {
  console.error('usage: node query.mjs <setup.sql> < queries');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
await conn.run(readFileSync(setup, 'utf8'));
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === '') continue;
  try {
    const res = await conn.runAndReadAll(line);
    const rows = res.getRowsJS().map((r) => r.map((v) => (v === null ? null : String(v))));
    console.log(JSON.stringify({ rows }));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e.message ?? e) }));
  }
}
