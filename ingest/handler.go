package ingest

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/storage"
)

// Version is reported by /ping and in X-Influxdb-Version.
var Version = "0.1.0"

// Options configure a Handler.
type Options struct {
	// MaxBodyBytes limits a write body after decompression (default 10 MiB,
	// as InfluxDB 3).
	MaxBodyBytes int64
	// MaxLineErrors bounds the rejected lines listed in a partial-write
	// answer (default 100); the count covers them all.
	MaxLineErrors int
	Logger        *slog.Logger
	// Now is the clock for lines without a timestamp (tests set it).
	Now func() time.Time
	// Metrics receives the write API's counters (nil: kept privately).
	Metrics *metrics.Registry
}

// Handler serves the write API.
type Handler struct {
	engine  *storage.Engine
	opts    Options
	log     *slog.Logger
	parsers sync.Pool
	metrics *writeMetrics
}

// NewHandler returns a handler writing to engine.
func NewHandler(engine *storage.Engine, opts Options) *Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 10 << 20
	}
	if opts.MaxLineErrors <= 0 {
		opts.MaxLineErrors = 100
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	h := &Handler{engine: engine, opts: opts, log: opts.Logger, metrics: newWriteMetrics(opts.Metrics)}
	h.parsers.New = func() any { return new(lp.Parser) }
	return h
}

// Register adds the handler's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("POST /api/v3/write_lp", h.metrics.counted(endpointV3, h.recover(h.writeV3)))
	mux.Handle("POST /api/v2/write", h.metrics.counted(endpointV2, h.recover(h.writeV2)))
	mux.Handle("POST /write", h.metrics.counted(endpointV1, h.recover(h.writeV1)))
	mux.Handle("GET /api/v3/configure/database", h.recover(h.listDatabases))
	mux.Handle("POST /api/v3/configure/database", h.recover(h.createDatabase))
	mux.Handle("PUT /api/v3/configure/database", h.recover(h.updateDatabase))
	mux.Handle("DELETE /api/v3/configure/database", h.recover(h.deleteDatabase))
	mux.Handle("POST /api/v3/configure/table", h.recover(h.createTable))
	mux.Handle("DELETE /api/v3/configure/table", h.recover(h.deleteTable))
	mux.Handle("POST /api/v3/strata/persist", h.recover(h.persist))
	mux.HandleFunc("GET /ping", h.servePing) // and HEAD
	mux.HandleFunc("POST /ping", h.servePing)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "OK")
	})
}

// recover answers a panicking request with 500 and keeps the server up.
func (h *Handler) recover(fn http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				h.log.Error("panic serving request; this is a bug", "method", r.Method, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
				(&apiError{status: http.StatusInternalServerError, code: "internal error", msg: fmt.Sprintf("internal error: %v", p)}).write(w)
			}
		}()
		fn(w, r)
	})
}
