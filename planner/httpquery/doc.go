// Package httpquery serves SQL over HTTP as InfluxDB 3 does:
// GET|POST /api/v3/query_sql?db=&q=&format=json|jsonl|csv|pretty|parquet&params=.
// A POST body is read as JSON {"db", "q", "format", "params"} whatever its
// Content-Type (a form body with the form Content-Type as a form), gzip or
// not; its fields win over the URL's. params holds the values of $name
// parameters ({"host": "a"}; {"1": v} or an array for $1, $2, ...), JSON
// scalars with integers kept exact (params.go); on GET it is a JSON string.
// Without format, the Accept header picks one (request.go). A query of a
// database that does not exist is 404; an INSERT on GET is 405 (check.go).
//
// Results stream: rows are written batch by batch as the engine produces
// them. An error found before the first batch is answered with 400 (bad
// query) or 500 and {"error": message, "code": SQLSTATE, "hint": ...}; an
// error after rows were sent ends the stream early (the status is already
// out), and is logged. Each request runs on its own goroutine; a panic is
// recovered, answered with 500 and logged.
package httpquery
