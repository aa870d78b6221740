package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"

	"github.com/stratadb/strata/flight"
	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/pgwire"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

func serve(args []string) error {
	fs := newFlags("serve", "strata serve [flags]")
	dataDir := fs.String("data-dir", "./strata-data", "directory of the WAL, the catalog and the Parquet files")
	httpAddr := fs.String("http-addr", "127.0.0.1:8181", "address of the HTTP API (line-protocol writes, queries) and of Arrow Flight SQL (gRPC) on the same port")
	tokens := fs.String("token", "", "bearer tokens (comma-separated) the HTTP API and Flight require; empty: no authentication")
	disableAuthz := fs.String("disable-authz", "", "resources served without a token when --token is set: metrics (health and ping always are)")
	tlsCert := fs.String("tls-cert", "", "PEM certificate (chain) for TLS on the HTTP/Flight port; with --tls-key")
	tlsKey := fs.String("tls-key", "", "PEM private key of --tls-cert")
	pgAddr := fs.String("pg-addr", "127.0.0.1:5432", "address of the PostgreSQL wire endpoint (psql, pgx, JDBC, ...; empty: off)")
	pgAuth := fs.String("pg-auth", "trust", "PostgreSQL endpoint authentication: trust, password, md5 or scram-sha-256")
	pgUsers := fs.String("pg-users", "", "users of the PostgreSQL endpoint as user:password,... (needed unless --pg-auth trust)")
	pgCert := fs.String("pg-tls-cert", "", "PEM certificate (chain) for TLS on the PostgreSQL endpoint; with --pg-tls-key")
	pgKey := fs.String("pg-tls-key", "", "PEM private key of --pg-tls-cert")
	maxBody := byteSize(10 << 20)
	fs.Var(&maxBody, "max-body-bytes", "largest write request body, after decompression (e.g. 10MiB)")
	flushBytes := byteSize(128 << 20)
	fs.Var(&flushBytes, "flush-bytes", "persist the write buffer to Parquet when it holds this much (e.g. 128MiB)")
	flushAge := fs.Duration("flush-age", 10*time.Minute, "persist the write buffer when its oldest write is this old")
	maxBuffer := byteSize(0)
	fs.Var(&maxBuffer, "max-buffer-bytes", "writes wait while the write buffer holds more than this (default 2 × flush-bytes)")
	queryMem := byteSize(1 << 30)
	fs.Var(&queryMem, "query-memory-limit", "memory one query may hold for sorting, joins, windows and grouping (e.g. 1GiB)")
	var pageCache autoSize
	fs.Var(&pageCache, "page-cache-size", "decoded Parquet pages kept in memory for later queries (e.g. 512MiB; 0: no cache; default a quarter of memory, at most 1GiB)")
	queryLogSize := fs.Int("query-log-size", planner.DefaultQueryLogSize, "queries system.queries keeps (the latest, of every endpoint)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	users, err := parseUsers(*pgAuth, *pgUsers)
	if err != nil {
		return err
	}
	pgTLS, err := loadTLS(*pgCert, *pgKey, "--pg-tls-cert", "--pg-tls-key")
	if err != nil {
		return err
	}
	httpTLS, err := loadTLS(*tlsCert, *tlsKey, "--tls-cert", "--tls-key")
	if err != nil {
		return err
	}
	if httpTLS != nil {
		httpTLS.NextProtos = []string{"h2", "http/1.1"}
	}
	tokenList := parseTokens(*tokens)
	openPaths, err := parseDisableAuthz(*disableAuthz)
	if err != nil {
		return err
	}

	start := time.Now()
	engine, err := storage.Open(storage.Options{
		DataDir:        *dataDir,
		FlushBytes:     int64(flushBytes),
		FlushAge:       *flushAge,
		MaxBufferBytes: int64(maxBuffer),
		PageCacheBytes: pageCache.pageCacheOption(),
		Logger:         logger,
	})
	if err != nil {
		return err
	}
	reg := newMetrics(engine)
	// One planner for every endpoint: they share its register of
	// connections and queries (pg_stat_activity, system.queries).
	pl := &planner.Planner{Engine: engine, Activity: &planner.Activity{LogSize: *queryLogSize}}
	api := httpAPI(engine, apiOptions{maxBodyBytes: int64(maxBody), queryMem: int64(queryMem), logger: logger, metrics: reg, planner: pl})

	flightSrv := &flight.Server{Planner: pl, Logger: logger, MemLimit: int64(queryMem), Tokens: tokenList, Version: version,
		Queries: metrics.NewQueries(reg, "flight")}

	ln, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		engine.Close()
		return fmt.Errorf("listen on --http-addr %s: %w (is another server running there? pick another address with --http-addr)", *httpAddr, err)
	}
	if len(tokenList) == 0 && !isLoopback(ln.Addr()) {
		logger.Warn("the HTTP API and Flight accept requests without a token on a non-loopback address; set --token", "http", ln.Addr().String())
	}
	var pgSrv *pgwire.Server
	var pgLn net.Listener
	if *pgAddr != "" {
		pgLn, err = net.Listen("tcp", *pgAddr)
		if err != nil {
			ln.Close()
			engine.Close()
			return fmt.Errorf("listen on --pg-addr %s: %w (is PostgreSQL or another server running there? pick another address with --pg-addr, or turn the endpoint off with --pg-addr '')", *pgAddr, err)
		}
		pgSrv = &pgwire.Server{Planner: pl, Logger: logger, MemLimit: int64(queryMem), Auth: *pgAuth, Users: users, TLS: pgTLS}
		watchPG(reg, pgSrv)
		if *pgAuth == pgwire.AuthTrust && !isLoopback(pgLn.Addr()) {
			logger.Warn("the PostgreSQL endpoint accepts any user without a password on a non-loopback address; set --pg-auth scram-sha-256 and --pg-users", "pg", pgLn.Addr().String())
		}
	}
	grpcSrv := flightSrv.GRPCServer()
	handler := withCORS(requireToken(api, tokenList, openPaths))
	if httpTLS != nil {
		handler = grpcOrHTTP(grpcSrv, handler)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn), TLSConfig: httpTLS}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	policies, stopPolicies := context.WithCancel(ctx)
	defer stopPolicies()
	policiesDone := make(chan struct{})
	go func() { // continuous aggregates' refresh policies
		defer close(policiesDone)
		pl.RunPolicies(policies, policyCheck, logger)
	}()
	serveErr := make(chan error, 3)
	if httpTLS != nil {
		go func() { serveErr <- srv.ServeTLS(ln, "", "") }()
	} else {
		split := splitPort(ln)
		go split.run()
		go func() { serveErr <- srv.Serve(split.http) }()
		go func() {
			if err := grpcSrv.Serve(split.grpc); err != nil {
				serveErr <- fmt.Errorf("flight (gRPC): %w", err)
			}
		}()
	}
	pgShown := "off"
	if pgSrv != nil {
		pgShown = pgLn.Addr().String()
		go func() {
			if err := pgSrv.Serve(pgLn); err != nil {
				serveErr <- fmt.Errorf("postgres wire endpoint: %w", err)
			}
		}()
	}
	logger.Info("strata is serving", "http", ln.Addr().String(), "flight", ln.Addr().String(), "tls", httpTLS != nil, "auth", len(tokenList) > 0, "pg", pgShown, "data_dir", *dataDir, "startup", time.Since(start).Round(time.Millisecond))

	select {
	case err = <-serveErr:
	case <-ctx.Done():
		logger.Info("shutting down: finishing requests and persisting the write buffer")
	}
	stopPolicies()
	<-policiesDone // a refresh under way ends before the engine closes
	shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if pgSrv != nil {
		_ = pgSrv.Close()
	}
	stopGRPC(shutdownCtx, grpcSrv)
	if serr := srv.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	ln.Close()
	if cerr := engine.Close(); cerr != nil && err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err == nil {
		logger.Info("stopped")
	}
	return err
}

// policyCheck is how often the server looks for continuous aggregate
// refresh policies that are due.
const policyCheck = 10 * time.Second

// parseUsers reads --pg-users ("alice:secret,bob:pw") and checks it fits
// --pg-auth.
func parseUsers(auth, list string) (map[string]string, error) {
	switch auth {
	case pgwire.AuthTrust, pgwire.AuthPassword, pgwire.AuthMD5, pgwire.AuthSCRAM:
	default:
		return nil, fmt.Errorf("--pg-auth %q: use trust, password, md5 or scram-sha-256", auth)
	}
	users := map[string]string{}
	for _, entry := range strings.Split(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, password, ok := strings.Cut(entry, ":")
		if !ok || name == "" || password == "" {
			return nil, fmt.Errorf("--pg-users: %q is not user:password", entry)
		}
		users[name] = password
	}
	if auth != pgwire.AuthTrust && len(users) == 0 {
		return nil, fmt.Errorf("--pg-auth %s needs users: add --pg-users user:password (or STRATA_PG_USERS)", auth)
	}
	return users, nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// loadTLS reads an endpoint's certificate; both flags or neither.
func loadTLS(cert, key, certFlag, keyFlag string) (*tls.Config, error) {
	if cert == "" && key == "" {
		return nil, nil
	}
	if cert == "" || key == "" {
		return nil, fmt.Errorf("%s and %s go together", certFlag, keyFlag)
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", certFlag, keyFlag, err)
	}
	// ALPN "postgresql" is what libpq 17 and node-postgres offer.
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12, NextProtos: []string{"postgresql"}}, nil
}

// grpcOrHTTP hands gRPC requests (HTTP/2, content-type application/grpc) to
// the gRPC server and the rest to the HTTP API: the TLS path, where both
// arrive on the HTTP server after ALPN.
func grpcOrHTTP(g *grpc.Server, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
			g.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// stopGRPC lets running Flight calls finish until ctx ends, then cuts them.
func stopGRPC(ctx context.Context, g *grpc.Server) {
	done := make(chan struct{})
	go func() {
		g.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		g.Stop()
	}
}

// autoSize is a byte size flag whose default is computed elsewhere.
type autoSize struct {
	n   int64
	set bool
}

func (a *autoSize) String() string {
	if a == nil || !a.set {
		return ""
	}
	return strconv.FormatInt(a.n, 10)
}

func (a *autoSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	a.n, a.set = n, true
	return nil
}

// pageCacheOption maps --page-cache-size to storage.Options.PageCacheBytes:
// unset is storage's default (0), 0 turns the cache off (-1).
func (a autoSize) pageCacheOption() int64 {
	switch {
	case !a.set:
		return 0
	case a.n == 0:
		return -1
	}
	return a.n
}
