package ingest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stratadb/strata/storage"
)

// influxQL serves the InfluxQL statements that writers send before writing
// (tsbs_load_influx, Telegraf, the v1 client libraries): SHOW DATABASES,
// CREATE DATABASE name [WITH DURATION d ...] and DROP DATABASE name, answered
// in InfluxDB 1.x's JSON. Queries go to SQL (/api/v3/query_sql).
func (h *Handler) influxQL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if q == "" && r.Method == http.MethodPost {
		q = r.PostFormValue("q")
	}
	stmts, err := splitStatements(q)
	if err == nil && len(stmts) == 0 {
		err = errors.New("missing query: pass q=<InfluxQL statement>")
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	results := make([]map[string]any, 0, len(stmts))
	for i, stmt := range stmts {
		res, err := h.runInfluxQL(r, stmt)
		if err != nil {
			var pe *parseError
			if errors.As(err, &pe) {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
				return
			}
			res = map[string]any{"error": err.Error()}
		}
		res["statement_id"] = i
		results = append(results, res)
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

func (h *Handler) runInfluxQL(r *http.Request, stmt []string) (map[string]any, error) {
	words := strings.ToUpper(strings.Join(firstN(stmt, 2), " "))
	switch {
	case words == "SHOW DATABASES" && len(stmt) == 2:
		values := [][]string{}
		for _, db := range h.engine.Databases() {
			values = append(values, []string{db.Name})
		}
		return map[string]any{"series": []map[string]any{{"name": "databases", "columns": []string{"name"}, "values": values}}}, nil
	case words == "CREATE DATABASE" && len(stmt) >= 3:
		retention, err := createOptions(stmt[3:])
		if err != nil {
			return nil, err
		}
		err = h.engine.CreateDatabase(r.Context(), stmt[2], retention)
		var se *storage.Error
		if errors.As(err, &se) && se.Code == storage.CodeAlreadyExists {
			err = nil // InfluxQL's CREATE DATABASE is idempotent
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	case words == "DROP DATABASE" && len(stmt) == 3:
		err := h.engine.DropDatabase(r.Context(), stmt[2])
		var se *storage.Error
		if errors.As(err, &se) && se.Code == storage.CodeNotFound {
			err = nil // as InfluxDB 1.x: dropping a missing database succeeds
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}
	return nil, &parseError{msg: fmt.Sprintf("statement %q is not supported on /query: it serves SHOW DATABASES, CREATE DATABASE and DROP DATABASE; query data with SQL on /api/v3/query_sql", strings.Join(stmt, " "))}
}

func firstN(s []string, n int) []string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

// createOptions reads CREATE DATABASE's WITH clause: DURATION sets the
// retention; REPLICATION, SHARD DURATION and NAME are accepted and ignored.
func createOptions(words []string) (time.Duration, error) {
	if len(words) == 0 {
		return 0, nil
	}
	if !strings.EqualFold(words[0], "WITH") {
		return 0, &parseError{msg: fmt.Sprintf("expected WITH after the database name, got %q", words[0])}
	}
	var retention time.Duration
	for i := 1; i < len(words); i++ {
		kw := strings.ToUpper(words[i])
		if kw == "SHARD" && i+1 < len(words) && strings.EqualFold(words[i+1], "DURATION") {
			i++
			kw = "SHARD DURATION"
		}
		if i+1 >= len(words) {
			return 0, &parseError{msg: fmt.Sprintf("%s needs a value", kw)}
		}
		val := words[i+1]
		i++
		switch kw {
		case "DURATION":
			d, err := ParseRetention(val)
			if err != nil {
				return 0, &parseError{msg: err.Error()}
			}
			retention = d
		case "REPLICATION", "SHARD DURATION", "NAME":
		default:
			return 0, &parseError{msg: fmt.Sprintf("unknown CREATE DATABASE option %q", words[i-1])}
		}
	}
	return retention, nil
}

// splitStatements splits InfluxQL text into statements of words. Words are
// bare (letters, digits, _, -, ., /) or double-quoted identifiers with \"
// escapes; ';' ends a statement.
func splitStatements(q string) ([][]string, error) {
	var stmts [][]string
	var cur []string
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == ';':
			if len(cur) > 0 {
				stmts = append(stmts, cur)
				cur = nil
			}
			i++
		case c == '"' || c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(q) && q[j] != c; j++ {
				if q[j] == '\\' && j+1 < len(q) {
					j++
				}
				b.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, &parseError{msg: fmt.Sprintf("unterminated quoted identifier at offset %d", i)}
			}
			cur = append(cur, b.String())
			i = j + 1
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\n\r;\"'", rune(q[j])) {
				j++
			}
			cur = append(cur, q[i:j])
			i = j
		}
	}
	if len(cur) > 0 {
		stmts = append(stmts, cur)
	}
	return stmts, nil
}
