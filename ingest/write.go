package ingest

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/storage"
)

// writeParams are one write request's settings, from whichever endpoint.
type writeParams struct {
	db            string
	precision     lp.Precision
	acceptPartial bool
	noSync        bool
	v3            bool // /api/v3/write_lp: InfluxDB 3's error bodies
}

// writeV3 serves POST /api/v3/write_lp?db=&precision=&accept_partial=&no_sync=.
func (h *Handler) writeV3(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := writeParams{db: q.Get("db"), acceptPartial: true, v3: true}
	var err *apiError
	if p.precision, err = precisionParam(q.Get("precision"), lp.Auto); err != nil {
		err.write(w)
		return
	}
	if p.acceptPartial, err = boolParam(q, "accept_partial", true); err != nil {
		err.write(w)
		return
	}
	if p.noSync, err = boolParam(q, "no_sync", false); err != nil {
		err.write(w)
		return
	}
	if p.db == "" {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: "missing query parameter 'db': name the database to write to, e.g. /api/v3/write_lp?db=mydb"}).write(w)
		return
	}
	h.write(w, r, p)
}

// writeV2 serves POST /api/v2/write?bucket=&org=&precision= (bucket = database).
func (h *Handler) writeV2(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := writeParams{db: q.Get("bucket")}
	var err *apiError
	if p.precision, err = precisionParam(q.Get("precision"), lp.Nanosecond); err != nil {
		err.write(w)
		return
	}
	if p.db == "" {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: "missing query parameter 'bucket': name the database to write to, e.g. /api/v2/write?bucket=mydb"}).write(w)
		return
	}
	h.write(w, r, p)
}

// writeV1 serves POST /write?db=&rp=&precision=. A retention policy other
// than the default names the database "db/rp", as InfluxDB 3 does.
func (h *Handler) writeV1(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := writeParams{db: q.Get("db")}
	var err *apiError
	if p.precision, err = precisionParam(q.Get("precision"), lp.Nanosecond); err != nil {
		err.write(w)
		return
	}
	if p.db == "" {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: "missing query parameter 'db': name the database to write to, e.g. /write?db=mydb"}).write(w)
		return
	}
	if rp := q.Get("rp"); rp != "" && rp != "autogen" && rp != "default" {
		p.db += "/" + rp
	}
	h.write(w, r, p)
}

func precisionParam(s string, def lp.Precision) (lp.Precision, *apiError) {
	p, err := lp.ParsePrecision(s, def)
	if err != nil {
		return 0, &apiError{status: http.StatusBadRequest, code: "invalid", msg: err.Error()}
	}
	return p, nil
}

func boolParam(q map[string][]string, name string, def bool) (bool, *apiError) {
	vals := q[name]
	if len(vals) == 0 || vals[0] == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(vals[0])
	if err != nil {
		return false, &apiError{status: http.StatusBadRequest, code: "invalid", msg: fmt.Sprintf("query parameter '%s' must be true or false, got %q", name, vals[0])}
	}
	return b, nil
}

// schemaOf lets the parser see one database's columns.
type schemaOf struct {
	e  *storage.Engine
	db string
}

func (s schemaOf) ColumnType(table, column string) (storage.ColumnType, bool) {
	return s.e.ColumnType(s.db, table, column)
}

// Declared is the column's declared SQL type (lp.DeclaredSchema).
func (s schemaOf) Declared(table, column string) storage.Declared {
	c, _ := s.e.Column(s.db, table, column)
	return storage.ParseDeclared(c.SQLType)
}

// NotNull is the table's NOT NULL columns (lp.NotNullSchema).
func (s schemaOf) NotNull(table string) []string { return s.e.NotNull(s.db, table) }

// KeyText is the table's declared key, "" for none (lp.KeyedSchema).
func (s schemaOf) KeyText(table string) string { return s.e.KeyText(s.db, table) }

// lineErrorJSON is one rejected line in a partial-write answer.
type lineErrorJSON struct {
	ErrorMessage string `json:"error_message"`
	LineNumber   int    `json:"line_number"`
	OriginalLine string `json:"original_line"`
}

// maxOriginalLine cuts long lines quoted back in errors.
const maxOriginalLine = 256

func lineErrors(errs []*lp.LineError) []lineErrorJSON {
	out := make([]lineErrorJSON, len(errs))
	for i, e := range errs {
		text := e.Text
		if len(text) > maxOriginalLine {
			text = text[:maxOriginalLine] + "..."
		}
		out[i] = lineErrorJSON{ErrorMessage: e.Error(), LineNumber: e.Line, OriginalLine: text}
	}
	return out
}

func (h *Handler) write(w http.ResponseWriter, r *http.Request, p writeParams) {
	if err := storage.ValidateDatabaseName(p.db); err != nil {
		engineError(err).write(w)
		return
	}
	body, aerr := readBody(r, h.opts.MaxBodyBytes)
	if aerr != nil {
		aerr.write(w)
		return
	}
	defer bodyPool.Put(body)
	h.metrics.bodyBytes.Add(uint64(body.Len()))

	parser := h.parsers.Get().(*lp.Parser)
	res := parser.Parse(body.Bytes(), lp.Options{
		Precision: p.precision,
		Now:       h.opts.Now().UnixNano(),
		Schema:    schemaOf{h.engine, p.db},
		MaxErrors: h.opts.MaxLineErrors,
	})
	h.parsers.Put(parser)
	h.metrics.rejected.Add(uint64(res.ErrorCount))

	if res.ErrorCount > 0 && !p.acceptPartial {
		first := res.Errors[0]
		msg := fmt.Sprintf("failed to parse line protocol: %d of %d lines rejected, nothing was written; first error: %s", res.ErrorCount, res.Lines, first.Error())
		errs := lineErrors(res.Errors)
		if p.v3 {
			// InfluxDB 3's body: "data" is the first rejected line; the
			// others are in "errors".
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "line protocol parsing error", "data": errs[0],
				"errors": errs, "message": msg, "code": "invalid", "line": first.Line})
			return
		}
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: msg, line: first.Line, data: errs}).write(w)
		return
	}
	if len(res.Tables) > 0 {
		if err := h.engine.Write(r.Context(), p.db, res.Tables, storage.WriteOptions{NoSync: p.noSync}); err != nil {
			engineError(err).write(w)
			return
		}
		h.metrics.lines.Add(uint64(res.Rows))
	}
	if res.ErrorCount > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error": "partial write of line protocol occurred",
			"data":  lineErrors(res.Errors),
		})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// persist serves POST /api/v3/strata/persist[?compact=true]: persist the
// write buffer now (and compact every partition with several files). For
// benchmarks, backups and tests.
func (h *Handler) persist(w http.ResponseWriter, r *http.Request) {
	if err := h.engine.Persist(r.Context()); err != nil {
		engineError(err).write(w)
		return
	}
	out := map[string]any{"persisted": true}
	if c, _ := strconv.ParseBool(r.URL.Query().Get("compact")); c {
		st, err := h.engine.Compact(r.Context(), true)
		if err != nil {
			engineError(err).write(w)
			return
		}
		out["compacted_partitions"] = st.Partitions
		out["compacted_files"] = st.FilesIn
		out["files_after"] = st.FilesOut
		out["bytes_before"] = st.BytesIn
		out["bytes_after"] = st.BytesOut
	}
	writeJSON(w, http.StatusOK, out)
}
