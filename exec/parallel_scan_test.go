package exec

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// multiSplitEngine holds table m with rows on three days, persisted (one
// file, one split, per day) and one more day still in the write buffer.
func multiSplitEngine(t *testing.T) *storage.Engine {
	t.Helper()
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	const day = int64(86400e9)
	write := func(d int64) {
		b := &storage.TableBatch{Table: "m", Rows: 100}
		vals := make([]float64, 100)
		for i := range 100 {
			b.Time = append(b.Time, d*day+int64(i)*1e9)
			vals[i] = float64(i)
		}
		b.Fields = []storage.FieldColumn{{Name: "v", Type: storage.TypeFloat, Floats: vals}}
		require.NoError(t, e.Write(context.Background(), "db", []*storage.TableBatch{b}, storage.WriteOptions{}))
	}
	for d := int64(0); d < 3; d++ {
		write(d)
	}
	require.NoError(t, e.Persist(context.Background()))
	write(3)
	return e
}

// panicky is an expression that panics: a stand-in for a bug in an
// expression or aggregate evaluated by the scan's workers.
type panicky struct{}

func (panicky) Type() arrow.DataType                         { return TypeBool }
func (panicky) String() string                               { return "panicky()" }
func (panicky) Eval(*Ctx, arrow.Record) (arrow.Array, error) { panic("boom") }

// TestWorkerPanicIsAnError: a panic in a scan worker (the predicate run by
// Next's workers, or a Consume callback) fails the query with an error
// instead of crashing the process.
func TestWorkerPanicIsAnError(t *testing.T) {
	e := multiSplitEngine(t)
	req := storage.ScanRequest{Database: "db", Table: "m"}

	ps, err := NewParallelScan(NewCtx(), e, req, panicky{}, 2)
	require.NoError(t, err)
	_, err = Collect(context.Background(), ps)
	require.ErrorContains(t, err, "internal error in a query worker")
	require.ErrorContains(t, err, "boom")
	require.ErrorIs(t, err, ErrInternal, "reported as an internal error (XX000) whatever the panic says")

	ps, err = NewParallelScan(NewCtx(), e, req, nil, 2)
	require.NoError(t, err)
	defer ps.Close()
	var seen atomic.Int64
	err = ps.Consume(context.Background(), func(w int, rec arrow.Record, _ []int32) error {
		if seen.Add(1) == 2 {
			panic("boom in consume")
		}
		return nil
	})
	require.ErrorContains(t, err, "boom in consume")
}

// TestConsumeReadsEverySplit: Consume hands every row of every split
// (files and the write buffer) to the workers, each batch once.
func TestConsumeReadsEverySplit(t *testing.T) {
	e := multiSplitEngine(t)
	ps, err := NewParallelScan(NewCtx(), e, storage.ScanRequest{Database: "db", Table: "m"}, nil, 2)
	require.NoError(t, err)
	defer ps.Close()
	var rows atomic.Int64
	var workers [2]atomic.Int64
	require.NoError(t, ps.Consume(context.Background(), func(w int, rec arrow.Record, _ []int32) error {
		rows.Add(rec.NumRows())
		workers[w].Add(1)
		return nil
	}))
	require.Equal(t, int64(400), rows.Load())
	rec, err := ps.Next(context.Background())
	require.NoError(t, err)
	require.Nil(t, rec, "the scan is used up")
}

// TestSelectRows: a selecting scan returns scattered kept rows as the
// whole batch with their indexes, a run of them as a slice without
// indexes; the rows are those Next would gather.
func TestSelectRows(t *testing.T) {
	e := multiSplitEngine(t)
	req := storage.ScanRequest{Database: "db", Table: "m"}
	v := &Column{Index: 1, Name: "v", DT: TypeFloat}
	third, err := NewArith(Mod, &Cast{X: v, To: TypeInt}, &Literal{V: int64(3), DT: TypeInt})
	require.NoError(t, err)
	for _, tc := range []struct {
		pred   Expr
		sparse bool
	}{
		{&Compare{Op: Eq, L: third, R: &Literal{V: int64(0), DT: TypeInt}}, true}, // every third row
		{&Compare{Op: Lt, L: v, R: &Literal{V: 10.0, DT: TypeFloat}}, false},      // the first ten of a day
	} {
		want := map[float64]int{}
		ps, err := NewParallelScan(NewCtx(), e, req, tc.pred, 2)
		require.NoError(t, err)
		recs, err := Collect(context.Background(), ps)
		require.NoError(t, err)
		for _, rec := range recs {
			for _, x := range rec.Column(1).(*array.Float64).Float64Values() {
				want[x]++
			}
			rec.Release()
		}
		ps, err = NewParallelScan(NewCtx(), e, req, tc.pred, 2)
		require.NoError(t, err)
		require.True(t, ps.SelectRows())
		got := map[float64]int{}
		sawIndexes := false
		for {
			rec, sel, err := ps.NextSelected(context.Background())
			require.NoError(t, err)
			if rec == nil {
				break
			}
			vals := rec.Column(1).(*array.Float64).Float64Values()
			if sel == nil {
				for _, x := range vals {
					got[x]++
				}
				continue
			}
			sawIndexes = true
			for _, i := range sel {
				got[vals[i]]++
			}
		}
		ps.Close()
		require.Equal(t, want, got)
		require.Equal(t, tc.sparse, sawIndexes, "scattered rows come with indexes, a run as a slice")
	}
}

// TestScanCancelledIsNotTheEnd: when the context the workers started
// with ends before they read every split, Next says so (the context's
// error), whatever context it is called with, instead of ending the
// result early as if it were complete.
func TestScanCancelledIsNotTheEnd(t *testing.T) {
	e := multiSplitEngine(t)
	ps, err := NewParallelScan(NewCtx(), e, storage.ScanRequest{Database: "db", Table: "m"}, nil, 1)
	require.NoError(t, err)
	defer ps.Close()
	first, cancel := context.WithCancel(context.Background())
	rec, err := ps.Next(first)
	require.NoError(t, err)
	rows := rec.NumRows()
	cancel()
	for {
		rec, err := ps.Next(context.Background())
		if err != nil {
			require.ErrorIs(t, err, context.Canceled)
			break
		}
		require.NotNil(t, rec, "the scan ended after %d of 400 rows without an error", rows)
		rows += rec.NumRows()
		require.Less(t, rows, int64(400), "every row read: the workers outran the cancel (retry)")
	}
}
