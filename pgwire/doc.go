// Package pgwire serves the PostgreSQL frontend/backend protocol (version
// 3.0) over the SQL engine, so that psql, pgx, node-postgres, psycopg2,
// pgjdbc and the BI tools built on them connect to Strata as to a
// PostgreSQL 15 server.
//
// Layers, outermost first:
//
//   - Server accepts connections, hands out backend keys and routes
//     CancelRequests to the connection they name.
//   - conn runs one connection: the startup handshake (SSLRequest and
//     GSSENCRequest answered 'N' on the same socket, or TLS when a
//     certificate is configured), then the message loop of the simple and
//     the extended query protocol with PostgreSQL's error recovery
//     (messages are skipped until Sync after an error).
//   - session holds what a connection remembers: settings (SET/SHOW/RESET,
//     reported back with ParameterStatus), the transaction status shown in
//     ReadyForQuery, prepared statements, portals and cursors.
//   - portal turns a statement into rows: it plans and opens SELECTs through
//     the planner and runs the session statements itself; rows leave as
//     DataRow messages encoded straight from Arrow columns (types.go), in
//     text or binary per column. Column types narrower than the engine's
//     (planner.Column.PGType: int4, name, oid, ...) are described and
//     encoded as themselves; types the engine holds as their text form
//     (arrays, reg*, void) or computes in float8 (numeric from EXTRACT)
//     get their PostgreSQL binary form from that.
//
// Invariants: a statement's failure never closes the connection (only
// protocol violations and I/O errors do); every ErrorResponse carries
// severity, SQLSTATE and message; panics are recovered per message and
// answered with XX000. Strata has no transactions: BEGIN/COMMIT/ROLLBACK
// track the status clients expect (I, T, E) and every write is durable when
// its statement completes.
package pgwire
