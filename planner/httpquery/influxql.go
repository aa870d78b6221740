package httpquery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
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
	var params map[string]any
	if err == nil {
		params, err = influxParams(json.RawMessage(r.FormValue("params")))
	}
	if err != nil {
		writeV1(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	if r.Method != http.MethodPost && slices.ContainsFunc(stmts, func(st influxql.Statement) bool { _, ok := st.(*influxql.DeleteStatement); return ok }) {
		w.Header().Set("Allow", http.MethodPost)
		writeV1(w, http.StatusMethodNotAllowed, map[string]any{"error": "DELETE deletes data, which a GET request must not do: send it with POST"})
		return
	}
	now := time.Now()
	results := make([]map[string]any, 0, len(stmts))
	failed := false
	entry := h.Planner.Activity.Begin(db, "influxql", q, 0)
	var firstErr error
	defer func() { entry.End(r.Context(), firstErr) }()
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
			if err = influxql.Bind(st, params); err == nil {
				res, err = h.runV1(r.Context(), sdb, st, epoch, now)
			}
		}
		if err != nil {
			res = map[string]any{"error": err.Error()}
			if !failed {
				firstErr = err
			}
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
	if ds, ok := st.(*influxql.DeleteStatement); ok {
		return map[string]any{}, h.deleteV1(ctx, db, ds, now)
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
	if series != nil {
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

// collectSeries runs a translated statement and writes its rows as
// InfluxDB 1.x series, one per measurement and tag values: the JSON of the
// "series" array (nil: no rows), appended value by value without boxing
// (cellAppender), as the other encoders write.
func (h *Handler) collectSeries(ctx context.Context, db string, q *influxql.Query, epoch string, now time.Time) (json.RawMessage, error) {
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
	// The header of every series: its columns.
	columns := []byte(`"columns":[`)
	if q.Time {
		columns = append(columns, `"time"`...)
	}
	for i, c := range pq.Cols[first+nTags:] {
		if i > 0 || q.Time {
			columns = append(columns, ',')
		}
		columns = appendJSONString(columns, c.Name)
	}
	columns = append(columns, ']')
	unit, byEpoch := epochUnits[epoch]
	loc := time.UTC
	if q.Location != nil {
		loc = q.Location // tz(): times with the zone's offset
	}
	var out []byte
	var key []string // the current series: measurement, tag values
	rowKey := make([]string, 1+nTags)
	for {
		rec, err := op.Next(ctx)
		if err != nil {
			return nil, errors.New(planner.AsError(err).Msg)
		}
		if rec == nil {
			break
		}
		cols := rec.Columns()
		apps := make([]cellAppender, len(cols))
		for c := first + nTags; c < len(cols); c++ {
			apps[c] = jsonColumn(cols[c])
			if f, ok := cols[c].(*array.Float64); ok {
				// InfluxDB 1.x writes a whole float bare (23, not 23.0).
				apps[c] = func(dst []byte, i int) []byte {
					if v := f.Value(i); !math.IsNaN(v) && !math.IsInf(v, 0) {
						return exec.AppendFloat(dst, v)
					}
					return append(dst, "null"...)
				}
			}
		}
		var times []arrow.Timestamp
		if q.Time {
			times = cols[1].(*array.Timestamp).Values()
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			rowKey[0] = stringAt(cols[0], i)
			for t := 0; t < nTags; t++ {
				rowKey[1+t] = stringAt(cols[first+t], i)
			}
			if key == nil || !slices.Equal(rowKey, key) {
				if key != nil {
					out = append(out, "]},"...)
				} else {
					out = append(out, '[')
				}
				key = make([]string, len(rowKey))
				for k, v := range rowKey {
					key[k] = strings.Clone(v) // the batch's strings go with it
				}
				out = append(out, '{')
				if key[0] != "" {
					out = append(appendJSONString(append(out, `"name":`...), key[0]), ',')
				}
				if nTags > 0 {
					out = append(out, `"tags":{`...)
					for t, name := range q.Tags {
						if t > 0 {
							out = append(out, ',')
						}
						out = appendJSONString(append(appendJSONString(out, name), ':'), key[1+t])
					}
					out = append(out, "},"...)
				}
				out = append(append(out, columns...), `,"values":[`...)
			} else {
				out = append(out, ',')
			}
			out = append(out, '[')
			if q.Time {
				switch ns := int64(times[i]); {
				case exec.IsNullAt(cols[1], i):
					out = append(out, "null"...)
				case byEpoch:
					out = strconv.AppendInt(out, ns/unit, 10)
				default:
					out = append(time.Unix(0, ns).In(loc).AppendFormat(append(out, '"'), time.RFC3339Nano), '"')
				}
			}
			for c := first + nTags; c < len(cols); c++ {
				if c > first+nTags || q.Time {
					out = append(out, ',')
				}
				if exec.IsNullAt(cols[c], i) {
					out = append(out, "null"...)
				} else {
					out = apps[c](out, i)
				}
			}
			out = append(out, ']')
		}
	}
	if key == nil {
		return nil, nil
	}
	return append(out, "]}]"...), nil
}

// stringAt is row i of a string or dictionary-of-strings column ("" for
// NULL and other types), without copying it.
func stringAt(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		if d, ok := a.Dictionary().(*array.String); ok {
			return d.Value(a.GetValueIndex(i))
		}
	}
	return ""
}

// influxQLSQL translates /api/v3/query_influxql's one statement to SQL.
func (h *Handler) influxQLSQL(db, q string, rawParams json.RawMessage, now time.Time) (string, *httpError) {
	params, err := influxParams(rawParams)
	if err != nil {
		return "", badRequest("%v", err)
	}
	tq, err := influxql.SQL(q, db, params, h.Planner.Engine, now)
	if err != nil {
		return "", badRequest("%v", err)
	}
	return tq.SQL, nil
}

// influxParams reads InfluxQL's params, a JSON object of values by name
// ($host: {"host": "a"}); numbers stay json.Number.
func influxParams(raw json.RawMessage) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var params map[string]any
	if err := dec.Decode(&params); err != nil {
		return nil, fmt.Errorf(`params must be a JSON object of values by name, like {"host": "a"}: %v`, err)
	}
	return params, nil
}

// deleteV1 runs InfluxQL's DELETE as SQL DELETEs, one per measurement.
func (h *Handler) deleteV1(ctx context.Context, db string, st *influxql.DeleteStatement, now time.Time) error {
	deletes, err := influxql.DeleteSQL(st, db, influxql.EngineCatalog{Engine: h.Planner.Engine}, now)
	if err != nil {
		return err
	}
	sess := &planner.Session{Database: db, Location: time.UTC, Now: now, MemLimit: h.MemLimit}
	for _, q := range deletes {
		stmts, err := sql.Parse(q)
		if err != nil {
			return err
		}
		if _, err := h.Planner.Delete(ctx, sess, stmts[0], nil); err != nil {
			return err
		}
	}
	return nil
}
