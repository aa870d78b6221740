package httpquery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/ingest"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/planner/influxql"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// influxQLV1 serves InfluxDB 1.x's /query: InfluxQL statements (q, GET or
// POST form) over db, answered as {"results": [{"statement_id": 0,
// "series": [{"name", "tags", "columns", "values"}]}]}; epoch=ns|u|µ|ms|s|m|h
// writes times as integers in that unit instead of RFC 3339 strings.
func (h *Handler) influxQLV1(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log().Error("panic serving an InfluxQL query; this is a bug", "panic", p, "stack", string(debug.Stack()))
			writeV1(w, http.StatusInternalServerError, map[string]any{"error": fmt.Sprintf("internal error: %v", p)})
		}
	}()
	q := r.FormValue("q")
	db := r.FormValue("db")
	epoch := r.FormValue("epoch")
	if _, ok := epochUnits[epoch]; !ok && epoch != "" {
		writeV1(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("invalid epoch %q: use ns, u, ms, s, m or h", epoch)})
		return
	}
	if strings.TrimSpace(q) == "" {
		writeV1(w, http.StatusBadRequest, map[string]any{"error": "missing required parameter \"q\""})
		return
	}
	stmts, err := influxql.Parse(q)
	if err != nil {
		writeV1(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	now := time.Now()
	results := make([]map[string]any, 0, len(stmts))
	failed := false
	for i, st := range stmts {
		var res map[string]any
		var err error
		if failed {
			// InfluxDB runs no statement after a failed one, and says so.
			err = errors.New("not executed")
		} else {
			sdb := db
			if d := influxql.StatementDatabase(st); d != "" {
				sdb = d // SHOW ... ON db, FROM db.rp.m
			}
			res, err = h.runV1(r.Context(), sdb, st, epoch, now)
		}
		if err != nil {
			res = map[string]any{"error": err.Error()}
			failed = true
		}
		res["statement_id"] = i
		results = append(results, res)
	}
	writeV1(w, http.StatusOK, map[string]any{"results": results})
}

func writeV1(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

// runV1 runs one statement for /query.
func (h *Handler) runV1(ctx context.Context, db string, st influxql.Statement, epoch string, now time.Time) (map[string]any, error) {
	if ds, ok := st.(*influxql.DatabaseStatement); ok {
		return h.databaseStatement(ctx, ds)
	}
	if db == "" {
		return nil, errors.New("database name required: pass db=<database>")
	}
	if !slices.ContainsFunc(h.Planner.Engine.Databases(), func(d storage.DatabaseInfo) bool { return d.Name == db }) {
		return nil, fmt.Errorf("database not found: %s", db)
	}
	q, err := influxql.Translate(st, db, influxql.EngineCatalog{Engine: h.Planner.Engine}, now)
	if err != nil || q == nil {
		return map[string]any{}, err
	}
	series, err := h.collectSeries(ctx, db, q, epoch, now)
	if err != nil {
		return nil, err
	}
	res := map[string]any{}
	if len(series) > 0 {
		res["series"] = series
	}
	return res, nil
}

// databaseStatement runs SHOW DATABASES, CREATE DATABASE, DROP DATABASE and
// SHOW RETENTION POLICIES, what writers (tsbs_load_influx, Telegraf, the v1
// client libraries) and Grafana send.
func (h *Handler) databaseStatement(ctx context.Context, st *influxql.DatabaseStatement) (map[string]any, error) {
	e := h.Planner.Engine
	switch st.Verb {
	case "show databases":
		values := [][]string{}
		for _, d := range e.Databases() {
			values = append(values, []string{d.Name})
		}
		return map[string]any{"series": []map[string]any{{"name": "databases", "columns": []string{"name"}, "values": values}}}, nil
	case "show retention policies":
		// One policy per database, as InfluxDB 3 presents it: autogen,
		// holding the database's retention.
		for _, d := range e.Databases() {
			if d.Name == st.Name || st.Name == "" {
				dur := "0s"
				if d.Retention > 0 {
					dur = d.Retention.String()
				}
				return map[string]any{"series": []map[string]any{{
					"columns": []string{"name", "duration", "shardGroupDuration", "replicaN", "default"},
					"values":  [][]any{{"autogen", dur, "168h0m0s", 1, true}},
				}}}, nil
			}
		}
		return nil, fmt.Errorf("database not found: %s", st.Name)
	case "create database":
		retention, err := createOptions(st.Words)
		if err != nil {
			return nil, err
		}
		err = e.CreateDatabase(ctx, st.Name, retention)
		var se *storage.Error
		if errors.As(err, &se) && se.Code == storage.CodeAlreadyExists {
			err = nil // InfluxQL's CREATE DATABASE is idempotent
		}
		return map[string]any{}, err
	case "drop database":
		err := e.DropDatabase(ctx, st.Name)
		var se *storage.Error
		if errors.As(err, &se) && se.Code == storage.CodeNotFound {
			err = nil // as InfluxDB 1.x: dropping a missing database succeeds
		}
		return map[string]any{}, err
	}
	return nil, fmt.Errorf("unknown statement %s", st.Verb)
}

// createOptions reads CREATE DATABASE's WITH clause: DURATION sets the
// retention; REPLICATION, SHARD DURATION and NAME are accepted and ignored.
func createOptions(words []string) (time.Duration, error) {
	if len(words) == 0 {
		return 0, nil
	}
	if !strings.EqualFold(words[0], "WITH") {
		return 0, fmt.Errorf("expected WITH after the database name, got %q", words[0])
	}
	var retention time.Duration
	for i := 1; i < len(words); i++ {
		kw := strings.ToUpper(words[i])
		if kw == "SHARD" && i+1 < len(words) && strings.EqualFold(words[i+1], "DURATION") {
			i++
			kw = "SHARD DURATION"
		}
		if i+1 >= len(words) {
			return 0, fmt.Errorf("%s needs a value", kw)
		}
		val := words[i+1]
		i++
		switch kw {
		case "DURATION":
			d, err := ingest.ParseRetention(val)
			if err != nil {
				return 0, err
			}
			retention = d
		case "REPLICATION", "SHARD DURATION", "NAME":
		default:
			return 0, fmt.Errorf("unknown CREATE DATABASE option %q", words[i-1])
		}
	}
	return retention, nil
}

// epochUnits are /query's epoch units in nanoseconds.
var epochUnits = map[string]int64{"ns": 1, "n": 1, "u": 1e3, "µ": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}

// collectSeries runs a translated statement and groups its rows into
// InfluxDB 1.x series: one per measurement and tag values.
func (h *Handler) collectSeries(ctx context.Context, db string, q *influxql.Query, epoch string, now time.Time) ([]map[string]any, error) {
	stmts, err := sql.Parse(q.SQL)
	if err != nil {
		return nil, fmt.Errorf("translating InfluxQL to SQL failed, this is a bug: %v (SQL: %s)", err, q.SQL)
	}
	sess := &planner.Session{Database: db, Location: time.UTC, Now: now, MemLimit: h.MemLimit}
	pq, op, err := h.Planner.Run(ctx, sess, stmts[0], nil)
	if err != nil {
		return nil, errors.New(planner.AsError(err).Msg)
	}
	defer op.Close()
	first := 1 // the measurement
	if q.Time {
		first++
	}
	nTags := len(q.Tags)
	columns := []string{}
	if q.Time {
		columns = append(columns, "time")
	}
	for _, c := range pq.Cols[first+nTags:] {
		columns = append(columns, c.Name)
	}
	var out []map[string]any
	var cur map[string]any
	var curKey []string
	var values [][]any
	flush := func() {
		if cur != nil {
			cur["values"] = values
			out = append(out, cur)
		}
	}
	for {
		rec, err := op.Next(ctx)
		if err != nil {
			return nil, errors.New(planner.AsError(err).Msg)
		}
		if rec == nil {
			break
		}
		cols := rec.Columns()
		for i := 0; i < int(rec.NumRows()); i++ {
			key := make([]string, 1+nTags)
			key[0], _ = cellValue(cols[0], i, "").(string)
			for t := 0; t < nTags; t++ {
				key[1+t], _ = cellValue(cols[first+t], i, "").(string)
			}
			if cur == nil || !slices.Equal(key, curKey) {
				flush()
				cur = map[string]any{"columns": columns}
				if key[0] != "" {
					cur["name"] = key[0]
				}
				if nTags > 0 {
					tags := map[string]string{}
					for t, name := range q.Tags {
						tags[name] = key[1+t]
					}
					cur["tags"] = tags
				}
				curKey, values = key, nil
			}
			row := make([]any, 0, len(columns))
			if q.Time {
				row = append(row, cellValue(cols[1], i, epoch))
			}
			for c := first + nTags; c < len(cols); c++ {
				row = append(row, cellValue(cols[c], i, epoch))
			}
			values = append(values, row)
		}
		rec.Release()
	}
	flush()
	return out, nil
}

// cellValue is row i of a as InfluxDB 1.x writes it in JSON: times as RFC
// 3339 in UTC (or integers in the epoch unit), NaN and infinities as null.
func cellValue(a arrow.Array, i int, epoch string) any {
	if exec.IsNullAt(a, i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Dictionary:
		return cellValue(a.Dictionary(), a.GetValueIndex(i), epoch)
	case *array.Timestamp:
		ns := int64(a.Value(i))
		if unit, ok := epochUnits[epoch]; ok {
			return ns / unit
		}
		return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
	case *array.Float64:
		f := a.Value(i)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	case *array.Int64:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	}
	s, _ := exec.FormatValue(a, i, time.UTC)
	return s
}

// influxQLSQL translates /api/v3/query_influxql's one statement to SQL.
func (h *Handler) influxQLSQL(db, q string, now time.Time) (string, *httpError) {
	text, err := influxql.SQL(q, db, h.Planner.Engine, now)
	if err != nil {
		return "", badRequest("%v", err)
	}
	return text, nil
}
