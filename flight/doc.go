// Package flight serves query results as Arrow over gRPC: Arrow Flight SQL
// for ADBC, the Flight SQL JDBC/ODBC drivers and pyarrow, and the plain
// Flight DoGet with a JSON ticket that the InfluxDB 3 client libraries send.
//
// Layers:
//
//   - Server implements flightsql.Server: statement and prepared-statement
//     queries, INSERT through CommandStatementUpdate, and the metadata
//     commands (catalogs, schemas, tables, table types, SqlInfo, XDBC type
//     info). service wraps the flightsql router so that DoGet of a query
//     runs synchronously on the RPC's goroutine: every record batch the
//     engine produces is written to the stream before the next one is
//     pulled, so results stream as they are produced, a batch is never
//     touched after the operator reuses it, and the client's flow control
//     paces the query.
//   - The database of a request is the gRPC metadata header `database`
//     (or `bucket`, `bucket-name`, `iox-namespace-name`, as InfluxDB 3
//     reads them); an InfluxDB 3 JSON ticket names its own.
//   - Statement handles are self-contained (database and SQL, see
//     handle.go), so a FlightInfo's ticket can be redeemed on any
//     connection. Prepared statements live in a bounded table on the
//     server; parameters bound with DoPut stay with the statement until
//     rebound or closed.
//   - Auth (auth.go) is by bearer token in the `authorization` metadata
//     (`Bearer <token>` or `Token <token>`), checked by interceptors before
//     any handler runs; Handshake with basic credentials whose password is
//     a token answers that token as the bearer header, for clients that
//     log in with a user name and password.
//
// Errors are the engine's messages under gRPC status codes (errors.go);
// cancelling the client's context cancels the query. Goroutine model: one
// goroutine per RPC (gRPC's); the prepared-statement table is the only
// shared state and has its own mutex.
package flight
