package planner

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// opStats are one operator's actuals for EXPLAIN ANALYZE.
type opStats struct {
	rows    int64
	batches int64
	elapsed time.Duration // inclusive of children, as PostgreSQL reports
	note    func() string // what the operator says it did, if anything
}

// analyzeNoter is an operator with something to add to its EXPLAIN ANALYZE
// line once it has run ("" for nothing).
type analyzeNoter interface{ AnalyzeNote() string }

// timed wraps an operator to count its rows and time its Next calls.
type timed struct {
	op    exec.Operator
	stats *opStats
}

func (t *timed) Schema() *arrow.Schema { return t.op.Schema() }
func (t *timed) Close()                { t.op.Close() }

func (t *timed) Next(ctx context.Context) (arrow.Record, error) {
	start := time.Now()
	rec, err := t.op.Next(ctx)
	t.stats.elapsed += time.Since(start)
	if rec != nil {
		t.stats.rows += rec.NumRows()
		t.stats.batches++
	}
	return rec, err
}

// Workers is the wrapped operator's worker count, 0 if it has none.
func (t *timed) Workers() int {
	if c, ok := t.op.(exec.Consumer); ok {
		return c.Workers()
	}
	return 0
}

// Consume passes the wrapped operator's batches to fn, counting them;
// the time is the whole consumption's.
func (t *timed) Consume(ctx context.Context, fn func(w int, rec arrow.Record, sel []int32) error) error {
	c, ok := t.op.(exec.Consumer)
	if !ok {
		return fmt.Errorf("EXPLAIN ANALYZE: %T hands out no batches to workers", t.op)
	}
	var mu sync.Mutex
	start := time.Now()
	err := c.Consume(ctx, func(w int, rec arrow.Record, sel []int32) error {
		rows := rec.NumRows()
		if sel != nil {
			rows = int64(len(sel))
		}
		mu.Lock()
		t.stats.rows += rows
		t.stats.batches++
		mu.Unlock()
		return fn(w, rec, sel)
	})
	t.stats.elapsed += time.Since(start)
	return err
}

// buildAnalyzed builds the plan with every operator instrumented.
func buildAnalyzed(c *exec.Ctx, engine *storage.Engine, n Node, stats map[Node]*opStats) (exec.Operator, error) {
	var op exec.Operator
	var err error
	if len(n.Children()) == 0 {
		op, err = Build(c, engine, n)
	} else {
		op, err = buildWith(c, engine, n, func(child Node) (exec.Operator, error) {
			return buildAnalyzed(c, engine, child, stats)
		})
	}
	if err != nil {
		return nil, err
	}
	st := &opStats{}
	if nt, ok := op.(analyzeNoter); ok {
		st.note = nt.AnalyzeNote
	}
	stats[n] = st
	return &timed{op: op, stats: st}, nil
}

// explainAnalyze runs the query to completion and renders the plan with
// each operator's actual rows, batches and time.
func (p *Planner) explainAnalyze(ctx context.Context, sess *Session, q *Query) ([]string, error) {
	stats := map[Node]*opStats{}
	start := time.Now()
	op, err := buildAnalyzed(p.execCtx(ctx, sess), p.Engine, q.Plan, stats)
	if err != nil {
		return nil, err
	}
	recs, err := exec.Collect(ctx, op)
	if err != nil {
		return nil, AsError(err)
	}
	for _, r := range recs {
		r.Release()
	}
	total := time.Since(start)
	var lines []string
	var walk func(n Node, depth int)
	walk = func(n Node, depth int) {
		st := stats[n]
		line := strings.Repeat("  ", depth) + n.Describe()
		if st != nil {
			line += fmt.Sprintf(" (actual rows=%d batches=%d time=%.3f ms", st.rows, st.batches, float64(st.elapsed.Microseconds())/1000)
			if st.note != nil {
				if note := st.note(); note != "" {
					line += ", " + note
				}
			}
			line += ")"
		}
		lines = append(lines, line)
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(q.Plan, 0)
	lines = append(lines, fmt.Sprintf("Execution Time: %.3f ms", float64(total.Microseconds())/1000))
	return lines, nil
}
