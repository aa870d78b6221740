package httpquery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
)

// Handler serves /api/v3/query_sql.
type Handler struct {
	Planner *planner.Planner
	Logger  *slog.Logger
	// MemLimit bounds each query's memory (0: the engine's default).
	MemLimit int64
}

// Register adds the routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v3/query_sql", h.serve)
	mux.HandleFunc("POST /api/v3/query_sql", h.serve)
}

type request struct {
	DB     string          `json:"db"`
	Q      string          `json:"q"`
	Format string          `json:"format"`
	Params json.RawMessage `json:"params"`
}

func (h *Handler) log() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { // abort
				panic(p)
			}
			h.log().Error("panic serving a query; this is a bug", "panic", p, "stack", string(debug.Stack()))
			writeError(w, http.StatusInternalServerError, &planner.Error{Code: planner.CodeInternal, Msg: fmt.Sprintf("internal error: %v", p)})
		}
	}()
	req, err := readRequest(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, &planner.Error{Code: planner.CodeSyntax, Msg: err.Error()})
		return
	}
	if req.DB == "" {
		writeError(w, http.StatusBadRequest, &planner.Error{Code: "3D000", Msg: "missing parameter 'db': name the database to query, e.g. ?db=mydb"})
		return
	}
	if strings.TrimSpace(req.Q) == "" {
		writeError(w, http.StatusBadRequest, &planner.Error{Code: planner.CodeSyntax, Msg: "missing parameter 'q': the SQL query to run"})
		return
	}
	format := strings.ToLower(req.Format)
	if format == "" {
		format = "json"
	}
	enc, ok := encoders[format]
	if !ok {
		writeError(w, http.StatusBadRequest, &planner.Error{Code: planner.CodeSyntax, Msg: fmt.Sprintf("unknown format %q: use json, jsonl, csv, pretty or parquet", req.Format)})
		return
	}
	stmts, err := sql.Parse(req.Q)
	if err == nil && len(stmts) != 1 {
		err = &planner.Error{Code: planner.CodeSyntax, Msg: fmt.Sprintf("expected one statement, got %d", len(stmts))}
	}
	if err != nil {
		pe := planner.AsError(err)
		writeError(w, statusOf(pe), pe)
		return
	}
	params, err := decodeParams(stmts[0], req.Params)
	if err != nil {
		writeError(w, http.StatusBadRequest, &planner.Error{Code: planner.CodeSyntax, Msg: err.Error()})
		return
	}
	sess := &planner.Session{Database: req.DB, Location: time.UTC, Now: time.Now(), MemLimit: h.MemLimit}
	q, op, err := h.Planner.Run(r.Context(), sess, stmts[0], params)
	if err != nil {
		pe := planner.AsError(err)
		writeError(w, statusOf(pe), pe)
		return
	}
	defer op.Close()
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
		wrote, err := encodeWorkers(ctx, w, withPGTypes(op.Schema(), q.Cols), wf(), cons)
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
	if err := enc(sw, withPGTypes(op.Schema(), q.Cols), names, first, func() (arrow.Record, error) { return op.Next(ctx) }); err != nil {
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

func readRequest(r *http.Request) (request, error) {
	q := r.URL.Query()
	req := request{DB: q.Get("db"), Q: q.Get("q"), Format: q.Get("format")}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body request
		if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&body); err != nil {
			return req, fmt.Errorf(`body must be JSON like {"db": "mydb", "q": "SELECT ...", "format": "json", "params": {"1": 42}}: %v`, err)
		}
		if body.DB != "" {
			req.DB = body.DB
		}
		if body.Q != "" {
			req.Q = body.Q
		}
		if body.Format != "" {
			req.Format = body.Format
		}
		req.Params = body.Params
	}
	return req, nil
}

// decodeParams reads [v, v] as $1, $2, ... or {"name": v} for $name
// parameters ({"1": v} for $1), as InfluxDB 3 takes them.
func decodeParams(stmt *sql.Statement, raw json.RawMessage) ([]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		if stmt.NumParams > 0 {
			return stmt.ParamValues(nil)
		}
		return nil, nil
	}
	var list []any
	if err := json.Unmarshal(raw, &list); err == nil {
		return jsonParams(list), nil
	}
	var byName map[string]any
	if err := json.Unmarshal(raw, &byName); err != nil {
		return nil, fmt.Errorf("params must be an object keyed by parameter name or position ({\"host\": \"a\"} for $host, {\"1\": 42} for $1) or an array: %v", err)
	}
	names := make([]string, 0, len(byName))
	vals := make([]any, 0, len(byName))
	for k, v := range byName {
		names = append(names, k)
		vals = append(vals, v)
	}
	vals = jsonParams(vals)
	m := make(map[string]any, len(names))
	for i, k := range names {
		m[k] = vals[i]
	}
	return stmt.ParamValues(m)
}

// jsonParams turns JSON numbers into int64 where they are whole.
func jsonParams(vals []any) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		if f, ok := v.(float64); ok && f == float64(int64(f)) && !strings.Contains(strconv.FormatFloat(f, 'g', -1, 64), ".") {
			out[i] = int64(f)
			continue
		}
		out[i] = v
	}
	return out
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
// encoders write them as dates.
func withPGTypes(schema *arrow.Schema, cols []planner.Column) *arrow.Schema {
	fields := schema.Fields()
	marked := false
	for i, c := range cols {
		if c.PGType == 1082 && i < len(fields) {
			fields[i].Metadata = arrow.NewMetadata([]string{pgTypeKey}, []string{"date"})
			marked = true
		}
	}
	if !marked {
		return schema
	}
	return arrow.NewSchema(fields, nil)
}
