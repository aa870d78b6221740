package ingest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/stratadb/strata/storage"
)

// databaseRequest is the body of POST/PUT /api/v3/configure/database, as
// InfluxDB 3 takes it.
type databaseRequest struct {
	DB              string  `json:"db"`
	RetentionPeriod *string `json:"retention_period"`
}

func decodeDatabaseRequest(r *http.Request) (databaseRequest, *apiError) {
	var req databaseRequest
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&req); err != nil {
		return req, &apiError{status: http.StatusBadRequest, code: "invalid", msg: fmt.Sprintf(`body must be JSON like {"db": "mydb", "retention_period": "15d"}: %v`, err)}
	}
	if req.DB == "" {
		return req, &apiError{status: http.StatusBadRequest, code: "invalid", msg: `missing "db" in the request body`}
	}
	return req, nil
}

// listDatabases serves GET /api/v3/configure/database.
func (h *Handler) listDatabases(w http.ResponseWriter, r *http.Request) {
	type dbJSON struct {
		Name            string `json:"iox::database"`
		RetentionPeriod string `json:"retention_period"`
	}
	out := []dbJSON{}
	for _, db := range h.engine.Databases() {
		out = append(out, dbJSON{Name: db.Name, RetentionPeriod: FormatRetention(db.Retention)})
	}
	writeJSON(w, http.StatusOK, out)
}

// createDatabase serves POST /api/v3/configure/database.
func (h *Handler) createDatabase(w http.ResponseWriter, r *http.Request) {
	req, aerr := decodeDatabaseRequest(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	var retention string
	if req.RetentionPeriod != nil {
		retention = *req.RetentionPeriod
	}
	d, err := ParseRetention(retention)
	if err != nil {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: err.Error()}).write(w)
		return
	}
	if err := h.engine.CreateDatabase(r.Context(), req.DB, d); err != nil {
		engineError(err).write(w)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// updateDatabase serves PUT /api/v3/configure/database: set the retention.
func (h *Handler) updateDatabase(w http.ResponseWriter, r *http.Request) {
	req, aerr := decodeDatabaseRequest(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	if req.RetentionPeriod == nil {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: `missing "retention_period" in the request body (use "none" to keep data for ever)`}).write(w)
		return
	}
	d, err := ParseRetention(*req.RetentionPeriod)
	if err != nil {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: err.Error()}).write(w)
		return
	}
	if err := h.engine.SetRetention(r.Context(), req.DB, d); err != nil {
		engineError(err).write(w)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// deleteDatabase serves DELETE /api/v3/configure/database?db=.
func (h *Handler) deleteDatabase(w http.ResponseWriter, r *http.Request) {
	db := r.URL.Query().Get("db")
	if db == "" {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: "missing query parameter 'db'"}).write(w)
		return
	}
	if err := h.engine.DropDatabase(r.Context(), db); err != nil {
		engineError(err).write(w)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// deleteTable serves DELETE /api/v3/configure/table?db=&table=: the table,
// its files and buffered rows are deleted, as DROP TABLE does.
func (h *Handler) deleteTable(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, p := range []string{"db", "table"} {
		if q.Get(p) == "" {
			(&apiError{status: http.StatusBadRequest, code: "invalid", msg: fmt.Sprintf("missing query parameter '%s'", p)}).write(w)
			return
		}
	}
	if err := h.engine.DropTable(r.Context(), q.Get("db"), q.Get("table")); err != nil {
		engineError(err).write(w)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// tableRequest is the body of POST /api/v3/configure/table, as InfluxDB 3
// takes it: the tags, the fields with their types, and (InfluxDB 3
// Enterprise's) a retention period of the table's own.
type tableRequest struct {
	DB     string   `json:"db"`
	Table  string   `json:"table"`
	Tags   []string `json:"tags"`
	Fields []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"fields"`
	RetentionPeriod string `json:"retention_period"`
}

// fieldTypes are InfluxDB 3's names of field types.
var fieldTypes = map[string]storage.ColumnType{"utf8": storage.TypeString, "int64": storage.TypeInt, "uint64": storage.TypeUint,
	"float64": storage.TypeFloat, "bool": storage.TypeBool}

// createTable serves POST /api/v3/configure/table: an empty table with
// these tags and fields, against which writes are then checked (SQL's
// CREATE TABLE), and the retention period that replaces its database's
// for it (none: the database's).
func (h *Handler) createTable(w http.ResponseWriter, r *http.Request) {
	var req tableRequest
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&req); err != nil {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: fmt.Sprintf(`body must be JSON like {"db": "mydb", "table": "cpu", "tags": ["host"], "fields": [{"name": "usage", "type": "float64"}]}: %v`, err)}).write(w)
		return
	}
	switch {
	case req.DB == "":
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: `missing "db" in the request body`}).write(w)
		return
	case req.Table == "":
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: `missing "table" in the request body`}).write(w)
		return
	}
	cols := []storage.ColumnMeta{{Name: storage.TimeColumn, Type: storage.TypeTime}}
	for _, t := range req.Tags {
		cols = append(cols, storage.ColumnMeta{Name: t, Type: storage.TypeTag})
	}
	for _, f := range req.Fields {
		typ, ok := fieldTypes[f.Type]
		if !ok {
			(&apiError{status: http.StatusBadRequest, code: "invalid", msg: fmt.Sprintf("field %q: type %q is not one of utf8, int64, uint64, float64, bool", f.Name, f.Type)}).write(w)
			return
		}
		cols = append(cols, storage.ColumnMeta{Name: f.Name, Type: typ})
	}
	retention, err := ParseRetention(req.RetentionPeriod)
	if err == nil {
		err = storage.CheckRetention(retention)
	}
	if err != nil {
		(&apiError{status: http.StatusBadRequest, code: "invalid", msg: "retention_period: " + err.Error()}).write(w)
		return
	}
	if err := h.engine.CreateTable(r.Context(), req.DB, req.Table, cols); err != nil {
		engineError(err).write(w)
		return
	}
	if retention > 0 {
		if err := h.engine.SetTableRetention(r.Context(), req.DB, req.Table, retention); err != nil {
			engineError(err).write(w) // the table stays, with its database's retention
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
