package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/stratadb/strata/ingest"
	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/planner/httpquery"
	"github.com/stratadb/strata/storage"
)

// apiOptions are what the HTTP API's handlers are made with.
type apiOptions struct {
	maxBodyBytes int64
	queryMem     int64
	logger       *slog.Logger
	// metrics is served on /metrics and receives the write and query
	// counters (nil: a registry of the API's own).
	metrics *metrics.Registry
	// planner runs the queries (nil: one of the API's own).
	planner *planner.Planner
}

// httpAPI routes the HTTP API (writes, queries, databases, /ping,
// /health, /metrics); what no route serves gets a JSON error
// (apiRefusals).
func httpAPI(engine *storage.Engine, opts apiOptions) http.Handler {
	if opts.metrics == nil {
		opts.metrics = metrics.NewRegistry()
	}
	if opts.planner == nil {
		opts.planner = &planner.Planner{Engine: engine, Activity: &planner.Activity{}}
	}
	mux := http.NewServeMux()
	ingest.NewHandler(engine, ingest.Options{MaxBodyBytes: opts.maxBodyBytes, Logger: opts.logger, Metrics: opts.metrics}).Register(mux)
	(&httpquery.Handler{Planner: opts.planner, Logger: opts.logger, MemLimit: opts.queryMem,
		Queries: metrics.NewQueries(opts.metrics, "http")}).Register(mux)
	mux.Handle("GET /metrics", opts.metrics.Handler())
	return apiRefusals(mux)
}

// endpoints lists the API's paths for the 404 message.
const endpoints = "/api/v3/query_sql, /api/v3/query_influxql, /api/v3/write_lp, /api/v2/write, /write, /query, /api/v3/configure/database, /ping, /health and /metrics"

// apiRefusals answers the requests mux has no route for as the API's
// other errors are answered, {"error": message} in JSON, instead of Go's
// plain text: an unknown path is 404 naming the endpoints there are, a
// method the path does not serve 405 with the Allow header and the methods
// in the message.
func apiRefusals(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// The mux's own answer: 404, or 405 with Allow set.
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		var msg string
		switch probe.status {
		case http.StatusMethodNotAllowed:
			allow := probe.header.Get("Allow")
			w.Header().Set("Allow", allow)
			methods := allow
			if i := strings.LastIndex(allow, ", "); i >= 0 {
				methods = allow[:i] + " or " + allow[i+2:]
			}
			msg = fmt.Sprintf("method %s is not allowed on %s: use %s", r.Method, r.URL.Path, methods)
		case http.StatusNotFound:
			msg = fmt.Sprintf("no endpoint at %s: Strata serves %s", r.URL.Path, endpoints)
		default:
			mux.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(probe.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
	})
}

// statusProbe records the status and headers a handler answers with and
// drops its body.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header { return p.header }

func (p *statusProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

func (p *statusProbe) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}
