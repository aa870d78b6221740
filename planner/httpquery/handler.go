package httpquery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// Handler serves /api/v3/query_sql, /api/v3/query_influxql and InfluxDB
// 1.x's /query.
type Handler struct {
	Planner *planner.Planner
	Logger  *slog.Logger
	// MemLimit bounds each query's memory (0: the engine's default).
	MemLimit int64
	// Queries counts the statements run (nil: not counted).
	Queries *metrics.Queries
}

// Register adds the routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v3/query_sql", h.serve)
	mux.HandleFunc("POST /api/v3/query_sql", h.serve)
	mux.HandleFunc("GET /api/v3/query_influxql", h.serveInfluxQL)
	mux.HandleFunc("POST /api/v3/query_influxql", h.serveInfluxQL)
	mux.HandleFunc("GET /query", h.influxQLV1)
	mux.HandleFunc("POST /query", h.influxQLV1)
}

func (h *Handler) log() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

// serve runs one query and counts it: failed when answered with an error
// status or cut after part of its result (abort); rows are those handed to
// the encoder.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request) { h.counted(w, r, false) }

// serveInfluxQL serves /api/v3/query_influxql: one InfluxQL statement
// answered as query_sql answers SQL.
func (h *Handler) serveInfluxQL(w http.ResponseWriter, r *http.Request) { h.counted(w, r, true) }

func (h *Handler) counted(w http.ResponseWriter, r *http.Request, influxQL bool) {
	start := time.Now()
	qw := &queryWriter{StatusWriter: metrics.StatusWriter{ResponseWriter: w}}
	aborted := true // until run returns
	defer func() {
		h.Queries.Done(start, qw.rows.Load(), aborted || qw.Status() >= 400)
		var err error
		switch {
		case qw.Status() == 499:
			err = &planner.Error{Code: "57014", Msg: "canceled"}
		case aborted || qw.Status() >= 400:
			err = errors.New("failed")
		}
		qw.entry.End(r.Context(), err)
	}()
	h.run(qw, r, influxQL)
	aborted = false
}

func (h *Handler) run(w *queryWriter, r *http.Request, influxQL bool) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { // abort
				panic(p)
			}
			h.log().Error("panic serving a query; this is a bug", "panic", p, "stack", string(debug.Stack()))
			writeError(w, http.StatusInternalServerError, &planner.Error{Code: planner.CodeInternal, Msg: fmt.Sprintf("internal error: %v", p)})
		}
	}()
	req, format, herr := readQuery(r)
	if herr != nil {
		herr.write(w)
		return
	}
	enc := encoders[format]
	if format == "pretty" {
		enc = prettyEncoder(h.MemLimit)
	}
	now := time.Now()
	text := req.Q
	kind := "sql"
	if influxQL {
		kind = "influxql"
	}
	w.entry = h.Planner.Activity.Begin(req.DB, kind, req.Q, 0)
	if influxQL {
		var herr *httpError
		if text, herr = h.influxQLSQL(req.DB, req.Q, req.Params, now); herr != nil {
			herr.write(w)
			return
		}
	}
	stmts, err := sql.Parse(text)
	if err == nil && len(stmts) != 1 {
		err = &planner.Error{Code: planner.CodeSyntax, Msg: fmt.Sprintf("expected one statement, got %d", len(stmts))}
	}
	if err != nil {
		pe := planner.AsError(err)
		writeError(w, statusOf(pe), pe)
		return
	}
	if herr := h.checkStatement(r.Method, req.DB, stmts[0]); herr != nil {
		herr.write(w)
		return
	}
	params, err := decodeParams(stmts[0], req.Params)
	if err != nil {
		writeError(w, http.StatusBadRequest, &planner.Error{Code: planner.CodeSyntax, Msg: err.Error()})
		return
	}
	sess := &planner.Session{Database: req.DB, Location: time.UTC, Now: now, MemLimit: h.MemLimit, Influx: true}
	q, op, err := h.Planner.Run(r.Context(), sess, stmts[0], params)
	if err != nil {
		pe := planner.AsError(err)
		writeError(w, statusOf(pe), pe)
		return
	}
	defer op.Close()
	w.entry.Planned()
	ctx := r.Context()
	names := make([]string, len(q.Cols))
	for i, c := range q.Cols {
		names[i] = c.Name
	}
	wf, byWorkers := map[string]func() workerFormat{
		"csv":   func() workerFormat { return csvFormat(names) },
		"json":  func() workerFormat { return jsonFormat(names, false) },
		"jsonl": func() workerFormat { return jsonFormat(names, true) },
	}[format]
	if cons, ok := op.(exec.Consumer); ok && byWorkers && cons.Workers() > 1 {
		// A whole scan's rows are encoded on the scan's workers, from the
		// rows the filter keeps without copies of them.
		if s, ok := op.(exec.Selector); ok {
			s.SelectRows()
		}
		wrote, err := encodeWorkers(ctx, w, withPGTypes(op.Schema(), q.Cols), wf(), countedConsumer{cons, &w.rows})
		switch {
		case err != nil && !wrote:
			pe := planner.AsError(err)
			writeError(w, statusOf(pe), pe)
		case err != nil:
			h.abort(ctx, err)
		}
		return
	}
	first, err := op.Next(ctx)
	if err != nil {
		pe := planner.AsError(err)
		writeError(w, statusOf(pe), pe)
		return
	}
	sw := &sentWriter{ResponseWriter: w}
	w.count(first)
	next := func() (arrow.Record, error) {
		rec, err := op.Next(ctx)
		w.count(rec)
		return rec, err
	}
	if err := enc(sw, withPGTypes(op.Schema(), q.Cols), names, first, next); err != nil {
		if sw.n == 0 { // nothing written (pretty, a JSON body still buffered): the status is free
			pe := planner.AsError(err)
			writeError(w, statusOf(pe), pe)
			return
		}
		h.abort(ctx, err)
	}
}

// sentWriter counts the bytes an encoder has written to the response.
type sentWriter struct {
	http.ResponseWriter
	n int64
}

func (w *sentWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

// abort ends a response that failed after part of it was sent: the status
// is gone, so the connection is cut (a chunked body without its end) and
// the client sees an incomplete response rather than a short result.
func (h *Handler) abort(ctx context.Context, err error) {
	if ctx.Err() == nil {
		h.log().Warn("query failed after part of its result was sent; response cut", "error", err)
	}
	panic(http.ErrAbortHandler)
}

func statusOf(e *planner.Error) int {
	switch {
	case e.Code == planner.CodeInternal:
		return http.StatusInternalServerError
	case e.Code == "57014":
		return 499
	}
	return http.StatusBadRequest
}

func (e *httpError) write(w http.ResponseWriter) {
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	writeError(w, e.status, e.err)
}

func writeError(w http.ResponseWriter, status int, e *planner.Error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	body := map[string]string{"error": e.Msg, "code": e.Code}
	if e.Hint != "" {
		body["hint"] = e.Hint
	}
	_ = json.NewEncoder(w).Encode(body)
}

// withPGTypes marks the fields of dates (planner.Column.PGType 1082) so the
// encoders write them as dates, and those of tz() (planner.Column.Zone) so
// they write them with their zone.
func withPGTypes(schema *arrow.Schema, cols []planner.Column) *arrow.Schema {
	fields := schema.Fields()
	marked := false
	for i, c := range cols {
		switch {
		case i >= len(fields):
		case c.PGType == 1082:
			fields[i].Metadata = arrow.NewMetadata([]string{pgTypeKey}, []string{"date"})
			marked = true
		case c.Zone != "" && fields[i].Type.ID() == arrow.TIMESTAMP:
			fields[i].Metadata = arrow.NewMetadata([]string{zoneKey}, []string{c.Zone})
			marked = true
		}
	}
	if !marked {
		return schema
	}
	return arrow.NewSchema(fields, nil)
}
