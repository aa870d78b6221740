package exec

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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

// eachBatch reads op to its end, handing fn every batch that has rows (a
// batch is valid only during its call, as Next's is until the next one).
func eachBatch(ctx context.Context, op Operator, fn func(rec arrow.Record) error) error {
	for {
		rec, err := op.Next(ctx)
		if err != nil || rec == nil {
			return err
		}
		if rec.NumRows() == 0 {
			continue
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// Ctx is what expressions need besides their input: the allocator, the
// session's time zone and the statement's clock (now() is fixed per
// statement, as in PostgreSQL).
type Ctx struct {
	Mem      memory.Allocator
	Location *time.Location
	Now      time.Time
	// MemLimit bounds the bytes the query's blocking operators (sort, hash
	// join build side, window, aggregation state) may hold; 0 means
	// DefaultMemLimit.
	MemLimit int64
	// Signal cancels the statement of PostgreSQL backend pid, or closes
	// its connection (terminate), for pg_cancel_backend and
	// pg_terminate_backend; false: no such backend. nil: none to signal.
	Signal func(pid int64, terminate bool) bool
	// DataFusion asks for InfluxDB 3's (DataFusion's) semantics where they
	// differ from PostgreSQL's, for its clients: date_bin takes strides
	// of months.
	DataFusion bool
	// Context is the statement's: it stops work begun outside an
	// operator's Next, which has its own (subqueries an expression runs per
	// row, and those the planner runs). nil: never stopped.
	Context context.Context
	used    atomic.Int64
	// shared holds the results several operators read (Shared), by id.
	sharedMu sync.Mutex
	shared   map[int]*SharedResult
	// utc is this context with Location UTC (InUTC), made once.
	utcOnce sync.Once
	utc     *Ctx
}

// InUTC is c with Location UTC: functions of timestamps without time zone,
// held as their readings in UTC, read and step them there (Call.UTC,
// Arith.UTC).
func (c *Ctx) InUTC() *Ctx {
	if c.Location == time.UTC || c.Location == nil {
		return c
	}
	c.utcOnce.Do(func() {
		c.utc = &Ctx{Mem: c.Mem, Location: time.UTC, Now: c.Now, MemLimit: c.MemLimit, Signal: c.Signal,
			DataFusion: c.DataFusion, Context: c.Context}
	})
	return c.utc
}

// Stmt is the statement's context (Context, or one never stopped).
func (c *Ctx) Stmt() context.Context {
	if c.Context != nil {
		return c.Context
	}
	return context.Background()
}

// DefaultMemLimit is the per-query memory limit when none is set.
const DefaultMemLimit = 1 << 30

// ErrMemoryLimit is returned (wrapped) when a query passes its memory limit.
var ErrMemoryLimit = errors.New("query memory limit exceeded")

// NewCtx returns a context using the default allocator, UTC and the current
// time.
func NewCtx() *Ctx {
	return &Ctx{Mem: memory.DefaultAllocator, Location: time.UTC, Now: time.Now()}
}

// Reserve accounts n more bytes held by an operator of the query and fails
// once the query holds more than its limit.
func (c *Ctx) Reserve(n int64) error {
	limit := c.MemLimit
	if limit <= 0 {
		limit = DefaultMemLimit
	}
	if used := c.used.Add(n); used > limit {
		return fmt.Errorf("%w: the query holds %d MiB for sorting, joining, windows, grouping, gap filling or subquery results and its limit is %d MiB; add conditions on time or tags to read fewer rows, or raise --query-memory-limit", ErrMemoryLimit, used>>20, limit>>20)
	}
	return nil
}

// Used reports the bytes reserved so far.
func (c *Ctx) Used() int64 { return c.used.Load() }

// RecordSize estimates the bytes rec's rows take (recordSize).
func RecordSize(rec arrow.Record) int64 { return recordSize(rec) }

// recordSize estimates the bytes a record's rows take: fixed-width columns
// (and tag codes) by rows times width, others by their buffers. A slice of
// a larger batch (a scan's rows of one series in a page, sorted rows passed
// on) counts its own rows, not the buffers it shares.
func recordSize(rec arrow.Record) int64 {
	var n int64
	for _, col := range rec.Columns() {
		rows := int64(col.Len())
		dt := col.DataType()
		if d, ok := dt.(*arrow.DictionaryType); ok {
			dt = d.IndexType
		}
		if fw, ok := dt.(arrow.FixedWidthDataType); ok {
			n += (rows*int64(fw.BitWidth()) + 7) / 8
			if col.NullN() > 0 {
				n += (rows + 7) / 8
			}
			continue
		}
		for _, b := range col.Data().Buffers() {
			if b != nil {
				n += int64(b.Len())
			}
		}
	}
	return n
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
