package pgwire

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

// testLP is the data every test sees in database "db".
const testLP = `cpu,host=a,region=eu usage=1.5,n=1i,ok=true 1700000000000000000
cpu,host=b,region=us usage=2.5,ok=false 1700000010000000000
cpu,host=a,region=eu usage=3.5,n=3i,ok=true 1700000020000000000
`

type testServer struct {
	addr   string
	engine *storage.Engine
	srv    *Server
}

// startServer runs a Server on a loopback port over a fresh engine holding
// testLP plus extra line protocol.
func startServer(t testing.TB, extra ...string) *testServer {
	t.Helper()
	return startServerWith(t, nil, extra...)
}

// startServerWith is startServer with configure applied to the Server
// before it serves (authentication, TLS).
func startServerWith(t testing.TB, configure func(*Server), extra ...string) *testServer {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	for _, text := range append([]string{testLP}, extra...) {
		var p lp.Parser
		res := p.Parse([]byte(text), lp.Options{Precision: lp.Nanosecond})
		require.Empty(t, res.Errors)
		require.NoError(t, e.Write(context.Background(), "db", res.Tables, storage.WriteOptions{}))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &Server{Planner: &planner.Planner{Engine: e, Activity: &planner.Activity{}}, Logger: logger}
	if configure != nil {
		configure(srv)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		e.Close()
	})
	return &testServer{addr: ln.Addr().String(), engine: e, srv: srv}
}

func (s *testServer) dsn(db string) string {
	return "postgres://strata@" + s.addr + "/" + db
}
