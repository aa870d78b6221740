package flight

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// Server is the Flight SQL service over one planner.
type Server struct {
	flightsql.BaseServer

	Planner *planner.Planner
	Logger  *slog.Logger
	// MemLimit bounds each query's memory (0: the engine's default).
	MemLimit int64
	// Tokens are the accepted bearer tokens; none: no authentication.
	Tokens []string
	// Version is reported in SqlInfo (FLIGHT_SQL_SERVER_VERSION).
	Version string
	// MaxPrepared bounds the open prepared statements (0: 10000); the
	// least recently used one is closed to make room.
	MaxPrepared int
	// Queries counts the queries run (nil: not counted).
	Queries *metrics.Queries

	prepared preparedTable
	mem      memory.Allocator
	active   atomic.Int64 // queries streaming now
}

// ActiveQueries is the number of queries streaming results now.
func (s *Server) ActiveQueries() int64 { return s.active.Load() }

// GRPCServer returns a gRPC server with the Flight service registered and
// token auth (when Tokens is set) in front of it. opts are added (TLS
// credentials, say).
func (s *Server) GRPCServer(opts ...grpc.ServerOption) *grpc.Server {
	s.init()
	opts = append(opts,
		grpc.ChainUnaryInterceptor(s.unaryAuth),
		grpc.ChainStreamInterceptor(s.streamAuth),
		// Parameters bound to a prepared statement and INSERT batches come
		// in DoPut messages; results go out in batches of their own size.
		grpc.MaxRecvMsgSize(64<<20),
	)
	g := grpc.NewServer(opts...)
	flight.RegisterFlightServiceServer(g, &service{FlightServer: flightsql.NewFlightServerWithAllocator(s, s.mem), s: s})
	return g
}

func (s *Server) init() {
	s.mem = memory.DefaultAllocator
	s.BaseServer.Alloc = s.mem
	s.prepared.max = s.MaxPrepared
	if s.prepared.max <= 0 {
		s.prepared.max = 10000
	}
	s.registerSQLInfo()
}

func (s *Server) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// databaseHeaders are the metadata keys a request names its database with,
// in the order InfluxDB 3 looks at them.
var databaseHeaders = []string{"database", "bucket", "bucket-name", "iox-namespace-name"}

// requestDatabase reads the database of a request from its metadata; ""
// when none is named.
func requestDatabase(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, h := range databaseHeaders {
		if v := md.Get(h); len(v) > 0 && strings.TrimSpace(v[0]) != "" {
			return strings.TrimSpace(v[0])
		}
	}
	return ""
}

// needDatabase is requestDatabase for commands that cannot run without one.
func needDatabase(ctx context.Context) (string, error) {
	db := requestDatabase(ctx)
	if db == "" {
		return "", status.Error(codes.InvalidArgument, "no database: name it in the gRPC metadata header \"database\" (InfluxDB 3 clients: the database option)")
	}
	return db, nil
}

// checkDatabase refuses a query of a database that does not exist with
// NotFound, as InfluxDB 3 answers (not "relation does not exist"); an
// INSERT may name a new one, which it creates.
func (s *Server) checkDatabase(db string) error {
	var names []string
	for _, d := range s.Planner.Engine.Databases() {
		if d.Name == db {
			return nil
		}
		names = append(names, d.Name)
	}
	msg := fmt.Sprintf("database not found: %s", db)
	if c := storage.ClosestName(db, names); c != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	return status.Error(codes.NotFound, msg)
}

// session is the planning session of one request.
func (s *Server) session(db string) *planner.Session {
	return &planner.Session{Database: db, Location: time.UTC, Now: time.Now(), MemLimit: s.MemLimit, User: "strata", Influx: true}
}
