// Package ingest serves InfluxDB's HTTP write API on top of the storage
// engine: POST /api/v3/write_lp (InfluxDB 3), /api/v2/write and /write (v1),
// database configuration (/api/v3/configure/database), /ping and /health.
// InfluxQL's /query, which loaders and Telegraf call before writing (SHOW
// DATABASES, CREATE DATABASE), is served with the queries by package
// planner/httpquery.
//
// A write request is read whole (gunzipped if Content-Encoding says gzip; the
// size limit applies after decompression), parsed straight into column
// batches by package ingest/lp with the database's current schema, and handed
// to storage.Engine.Write, which returns once the write is durable. Only then
// does the handler answer 204.
//
// Partial writes: /api/v3/write_lp with accept_partial=true (the default)
// stores the valid lines and answers 400 listing each rejected line (number,
// reason, text). accept_partial=false, /api/v2/write and /write are
// all-or-nothing: any bad line rejects the request and nothing is stored
// (v3 answers InfluxDB 3's {"error": "line protocol parsing error", "data":
// the first bad line}; v1 and v2 InfluxDB 2's {"code", "message", "line"}).
//
// Metrics (Options.Metrics, served on /metrics): write requests by
// endpoint and status class and their latency, counted around each
// endpoint's handler; lines stored, lines rejected and body bytes, added
// once per request (metrics.go).
//
// Goroutines: one per request (net/http's); parsers and body buffers are
// pooled across requests. A panic in a handler is recovered, logged and
// answered with 500; the server keeps serving.
package ingest
