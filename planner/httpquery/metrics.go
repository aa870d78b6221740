package httpquery

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// queryWriter is the response of one query: it records the status and
// counts the result rows handed to the encoder (a batch at a time; the
// scan's workers add concurrently).
type queryWriter struct {
	http.ResponseWriter
	status int
	rows   atomic.Int64
}

func (w *queryWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *queryWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *queryWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
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
