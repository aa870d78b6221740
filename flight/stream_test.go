package flight

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// squareTable writes n rows v=0..n-1 to table sq of database db, so that
// a self cross join yields n*n rows.
func squareTable(t *testing.T, s *testServer, n int) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "sq v=%di %d\n", i, 1700000000000000000+int64(i)*1e9)
	}
	writeLP(t, s.engine, "db", b.String())
}

// TestLargeResultStreams streams 10M rows (a self cross join of 3163
// rows) to the Flight SQL client through a query whose memory limit is
// far below the result's 160 MB: batches leave as they are produced.
func TestLargeResultStreams(t *testing.T) {
	const n = 3163 // n*n = 10,004,569 rows
	s := startServer(t, func(srv *Server) { srv.MemLimit = 32 << 20 })
	squareTable(t, s, n)
	c := s.client(t)
	ctx := dbCtx("db")
	info, err := c.Execute(ctx, "SELECT a.v AS a, b.v AS b FROM sq a, sq b")
	require.NoError(t, err)
	r, err := c.DoGet(ctx, info.Endpoint[0].Ticket)
	require.NoError(t, err)
	defer r.Release()
	var rows, sumA, sumB int64
	batches := 0
	for r.Next() {
		rec := r.RecordBatch()
		rows += rec.NumRows()
		for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
			sumA += v
		}
		for _, v := range rec.Column(1).(*array.Int64).Int64Values() {
			sumB += v
		}
		batches++
	}
	require.NoError(t, r.Err())
	require.Equal(t, int64(n*n), rows)
	want := int64(n) * int64(n*(n-1)/2) // every value once per row of the other side
	require.Equal(t, want, sumA)
	require.Equal(t, want, sumB)
	require.Greater(t, batches, 100, "the result arrives in many batches")
}

// TestCancelStopsQuery cancels a client mid-stream: the server's query
// stops (its RPC ends with Canceled) and the server serves the next one.
func TestCancelStopsQuery(t *testing.T) {
	s := startServer(t, nil)
	squareTable(t, s, 3000)
	c := s.rawClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := c.DoGet(ctx, &flight.Ticket{Ticket: []byte(`{"database":"db","sql_query":"SELECT a.v, b.v FROM sq a, sq b"}`)})
	require.NoError(t, err)
	r, err := flight.NewRecordReader(stream)
	require.NoError(t, err)
	require.True(t, r.Next())
	require.Equal(t, int64(1), s.srv.ActiveQueries())
	cancel()
	for r.Next() {
	}
	require.Equal(t, codes.Canceled, status.Code(r.Err()))
	r.Release()
	// The server's side of the query ends too (9M rows are not produced
	// into the void): its count of streaming queries drops to zero.
	require.Eventually(t, func() bool { return s.srv.ActiveQueries() == 0 }, 10*time.Second, 5*time.Millisecond)

	done := make(chan error, 1)
	go func() {
		_, rows, err := doGetRows(context.Background(), c, `{"database":"db","sql_query":"SELECT count(*) FROM sq"}`)
		if err == nil && rows[0][0] != int64(3000) {
			err = fmt.Errorf("count %v", rows)
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("the server did not answer after a cancelled query")
	}
}

// TestLargeBatchesAreSliced: a batch larger than gRPC's default 4 MiB
// message limit reaches a client that keeps that default.
func TestLargeBatchesAreSliced(t *testing.T) {
	s := startServer(t, nil)
	var b strings.Builder
	pad := strings.Repeat("x", 400)
	for i := range 30000 {
		fmt.Fprintf(&b, "wide,k=%d s=\"%s%d\" %d\n", i%7, pad, i, 1700000000000000000+int64(i)*1e6)
	}
	writeLP(t, s.engine, "db", b.String())
	c := s.rawClient(t)
	stream, err := c.DoGet(context.Background(), &flight.Ticket{Ticket: []byte(`{"database":"db","sql_query":"SELECT k, s FROM wide"}`)})
	require.NoError(t, err)
	r, err := flight.NewRecordReader(stream)
	require.NoError(t, err)
	defer r.Release()
	var rows int64
	for r.Next() {
		rec := r.RecordBatch()
		require.Less(t, recordBytes(rec), int64(4<<20))
		rows += rec.NumRows()
	}
	require.NoError(t, r.Err())
	require.Equal(t, int64(30000), rows)
}
