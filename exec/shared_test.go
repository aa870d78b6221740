package exec

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// failing is an operator whose first Next fails.
type failing struct{ schema *arrow.Schema }

func (f *failing) Schema() *arrow.Schema { return f.schema }
func (f *failing) Next(context.Context) (arrow.Record, error) {
	return nil, errors.New("boom")
}
func (f *failing) Close() {}

// TestSharedReader: readers of one shared subplan see the same rows from a
// single run; the rows (and their reserved bytes) go with the last reader;
// an error reaches every reader; no Arrow buffer leaks.
func TestSharedReader(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: TypeInt, Nullable: true}}, nil)
	batch := func(xs ...int64) arrow.Record {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).AppendValues(xs, nil)
		return b.NewRecord()
	}
	r1, r2 := batch(1, 2), batch(3)
	defer r1.Release()
	defer r2.Release()
	c := &Ctx{Mem: mem, Location: time.UTC}
	builds := 0
	child := func() (Operator, error) { builds++; return NewValues(schema, r1, r2), nil }

	a, err := c.SharedReader(1, child)
	require.NoError(t, err)
	b, err := c.SharedReader(1, child)
	require.NoError(t, err)
	require.Equal(t, 1, builds, "the second reader builds nothing")
	require.True(t, a.Schema().Equal(schema))
	require.Equal(t, []string{"1", "2", "3"}, rows(t, a)) // rows closes its operator
	require.Greater(t, c.Used(), int64(0), "the kept rows count against the memory limit while b reads")
	require.Equal(t, []string{"1", "2", "3"}, rows(t, b))
	require.Zero(t, c.Used(), "the last reader's Close frees them")

	// A reader after the last one closed runs the subplan again.
	d, err := c.SharedReader(1, child)
	require.NoError(t, err)
	require.Equal(t, 2, builds)
	require.Equal(t, []string{"1", "2", "3"}, rows(t, d))

	// Another id is another result; a failure reaches each reader.
	fail := func() (Operator, error) { return &failing{schema: schema}, nil }
	e1, err := c.SharedReader(2, fail)
	require.NoError(t, err)
	e2, err := c.SharedReader(2, fail)
	require.NoError(t, err)
	_, err = e1.Next(bg)
	require.EqualError(t, err, "boom")
	_, err = e2.Next(bg)
	require.EqualError(t, err, "boom")
	e1.Close()
	e2.Close()

	// Readers closed before any row was read close the subplan too.
	f, err := c.SharedReader(3, child)
	require.NoError(t, err)
	f.Close()
	require.Zero(t, c.Used())
}

// TestSharedReaderNested: building a shared subplan that itself reads
// another shared subplan (WITH b AS (... FROM a) naming a and b twice)
// does not wait on the lock its caller holds; it deadlocked.
func TestSharedReaderNested(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: TypeInt, Nullable: true}}, nil)
	c := &Ctx{Mem: memory.DefaultAllocator, Location: time.UTC}
	done := make(chan error, 1)
	go func() {
		inner := func() (Operator, error) { return &failing{schema: schema}, nil }
		outer, err := c.SharedReader(1, func() (Operator, error) {
			return c.SharedReader(2, inner) // b's plan reads a
		})
		if err == nil {
			var again Operator
			again, err = c.SharedReader(2, inner) // a read a second time
			if err == nil {
				again.Close()
			}
			outer.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("SharedReader deadlocked building a shared subplan that reads another one")
	}
}
