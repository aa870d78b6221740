// Prints every row of Parquet files as DuckDB reads them, one JSON object per
// line with each value cast to text, and the column types DuckDB sees on the
// first line. Used by storage's DuckDB interoperability test.
//
//   node read_parquet.mjs '<glob of .parquet files>'
import { DuckDBInstance } from '@duckdb/node-api';

const glob = process.argv[2];
if (!glob) {
  console.error('usage: node read_parquet.mjs <glob>');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const src = `read_parquet('${glob.replaceAll("'", "''")}')`;
const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
const types = {};
for (const row of desc.getRowObjectsJS()) types[row.column_name] = row.column_type;
console.log(JSON.stringify({ types }));
const res = await conn.runAndReadAll(
  `SELECT * REPLACE (CAST(epoch_ns("time") AS VARCHAR) AS "time") FROM ${src}`);
for (const row of res.getRowObjectsJS()) {
  const out = {};
  for (const [k, v] of Object.entries(row)) out[k] = v === null ? null : String(v);
  console.log(JSON.stringify(out));
}
