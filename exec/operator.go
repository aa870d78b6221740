package exec

import (
	"context"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Operator is a pull-based stream of record batches with a fixed schema.
type Operator interface {
	Schema() *arrow.Schema
	// Next returns the next batch, or nil at the end of the stream. The
	// batch is valid until the next call to Next or Close.
	Next(ctx context.Context) (arrow.Record, error)
	// Close releases the operator's resources and its children's.
	Close()
}

// Ctx is what expressions need besides their input: the allocator, the
// session's time zone and the statement's clock (now() is fixed per
// statement, as in PostgreSQL).
type Ctx struct {
	Mem      memory.Allocator
	Location *time.Location
	Now      time.Time
}

// NewCtx returns a context using the default allocator, UTC and the current
// time.
func NewCtx() *Ctx {
	return &Ctx{Mem: memory.DefaultAllocator, Location: time.UTC, Now: time.Now()}
}

// BatchRows is the number of rows operators aim for in the batches they
// build themselves.
const BatchRows = 64 << 10

// Collect drains an operator into records the caller releases, and closes
// it.
func Collect(ctx context.Context, op Operator) ([]arrow.Record, error) {
	defer op.Close()
	var out []arrow.Record
	for {
		rec, err := op.Next(ctx)
		if err != nil {
			for _, r := range out {
				r.Release()
			}
			return nil, err
		}
		if rec == nil {
			return out, nil
		}
		rec.Retain()
		out = append(out, rec)
	}
}
