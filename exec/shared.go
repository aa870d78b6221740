package exec

import (
	"context"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// SharedResult is the result of a subplan several operators of one query
// read, computed once: a WITH query named more than once, as PostgreSQL
// materializes it. The first reader to ask for a row runs the subplan to
// its end and keeps its batches; every reader then goes through them. The
// batches go when the last reader closes.
type SharedResult struct {
	c      *Ctx
	id     int
	schema *arrow.Schema
	mu     sync.Mutex
	child  Operator // nil once run (or closed)
	recs   []arrow.Record
	held   int64 // bytes reserved against the query's memory limit
	err    error
	filled bool
	open   int // readers not yet closed
}

// SharedReader returns an operator reading the result of subplan id in
// this execution from its start, making the result with newChild when no
// reader holds it (the operators a later call would build are never
// built). newChild runs without the lock: the subplan may itself read
// other shared results (a WITH query reading another one read twice).
func (c *Ctx) SharedReader(id int, newChild func() (Operator, error)) (Operator, error) {
	c.sharedMu.Lock()
	s, ok := c.shared[id]
	c.sharedMu.Unlock()
	if !ok {
		child, err := newChild()
		if err != nil {
			return nil, err
		}
		c.sharedMu.Lock()
		if s, ok = c.shared[id]; ok {
			c.sharedMu.Unlock()
			child.Close() // another reader made it meanwhile
		} else {
			s = &SharedResult{c: c, id: id, child: child, schema: child.Schema()}
			if c.shared == nil {
				c.shared = map[int]*SharedResult{}
			}
			c.shared[id] = s
			c.sharedMu.Unlock()
		}
	}
	s.mu.Lock()
	s.open++
	s.mu.Unlock()
	return &sharedReader{s: s}, nil
}

// fill runs the subplan to its end once, and closes it after letting go of
// the lock (closing may release other shared results).
func (s *SharedResult) fill(ctx context.Context) error {
	s.mu.Lock()
	if s.filled {
		err := s.err
		s.mu.Unlock()
		return err
	}
	s.filled = true
	for {
		rec, err := s.child.Next(ctx)
		if err != nil {
			s.err = err
			break
		}
		if rec == nil {
			break
		}
		n := recordSize(rec)
		if err := s.c.Reserve(n); err != nil {
			s.err = err
			break
		}
		s.held += n
		rec.Retain()
		s.recs = append(s.recs, rec)
	}
	child, err := s.child, s.err
	s.child = nil
	s.mu.Unlock()
	child.Close()
	return err
}

// release ends a reader; the last one frees the rows, and a later reader
// in the same execution computes them again.
// A subplan never run is closed after the locks are let go: it may read
// other shared results, whose release takes them.
func (s *SharedResult) release() {
	s.c.sharedMu.Lock()
	s.mu.Lock()
	s.open--
	if s.open > 0 {
		s.mu.Unlock()
		s.c.sharedMu.Unlock()
		return
	}
	delete(s.c.shared, s.id)
	for _, r := range s.recs {
		r.Release()
	}
	s.recs = nil
	_ = s.c.Reserve(-s.held)
	s.held = 0
	child := s.child
	s.child = nil
	s.mu.Unlock()
	s.c.sharedMu.Unlock()
	if child != nil {
		child.Close()
	}
}

type sharedReader struct {
	s      *SharedResult
	next   int
	closed bool
}

func (r *sharedReader) Schema() *arrow.Schema { return r.s.schema }

func (r *sharedReader) Next(ctx context.Context) (arrow.Record, error) {
	if err := r.s.fill(ctx); err != nil {
		return nil, err
	}
	if r.next >= len(r.s.recs) {
		return nil, nil
	}
	rec := r.s.recs[r.next]
	r.next++
	return rec, nil
}

func (r *sharedReader) Close() {
	if !r.closed {
		r.closed = true
		r.s.release()
	}
}
