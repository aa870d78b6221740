// Package httpquery serves SQL over HTTP as InfluxDB 3 does:
// GET|POST /api/v3/query_sql?db=&q=&format=json|jsonl|csv|pretty|parquet.
// POST also takes a JSON body {"db", "q", "format", "params"} where params
// holds the values of $1, $2, ... (keys "1", "2", ... or a JSON array).
//
// Results stream: rows are written batch by batch as the engine produces
// them. An error found before the first batch is answered with 400 (bad
// query) or 500 and {"error": message, "code": SQLSTATE, "hint": ...}; an
// error after rows were sent ends the stream early (the status is already
// out), and is logged. Each request runs on its own goroutine; a panic is
// recovered, answered with 500 and logged.
package httpquery
