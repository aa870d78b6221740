package httpquery

import (
	"context"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/planner"
)

// queryWriter is the response of one query: it records the status and
// counts the result rows handed to the encoder (a batch at a time; the
// scan's workers add concurrently).
type queryWriter struct {
	metrics.StatusWriter
	rows atomic.Int64
	// entry is the query's line in the query log (system.queries).
	entry *planner.QueryEntry
}

// count adds a batch's rows.
func (w *queryWriter) count(rec arrow.Record) {
	if rec != nil {
		w.rows.Add(rec.NumRows())
	}
}

// countedConsumer counts the rows of the batches a parallel scan's workers
// hand out: the selected ones where a selection is given.
type countedConsumer struct {
	exec.Consumer
	rows *atomic.Int64
}

func (c countedConsumer) Consume(ctx context.Context, fn func(w int, rec arrow.Record, sel []int32) error) error {
	return c.Consumer.Consume(ctx, func(w int, rec arrow.Record, sel []int32) error {
		if sel != nil {
			c.rows.Add(int64(len(sel)))
		} else {
			c.rows.Add(rec.NumRows())
		}
		return fn(w, rec, sel)
	})
}
