package exec

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// dealer hands records to workers as a parallel scan's Consume does: worker
// w gets records w, w+workers, ..., each worker in its own goroutine.
type dealer struct {
	*Values
	recs    []arrow.Record
	workers int
}

func (d *dealer) Workers() int { return d.workers }

func (d *dealer) Consume(ctx context.Context, fn func(w int, rec arrow.Record, sel []int32) error) error {
	var wg sync.WaitGroup
	errs := make([]error, d.workers)
	for w := range d.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(d.recs); i += d.workers {
				if err := fn(w, d.recs[i], nil); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestPartialAggregatesMatchSerial: grouping per worker and merging gives
// what one goroutine computes, for every mergeable aggregate, keys of every
// kind (tags, text, integers, floats, booleans, NULLs, none), groups that
// only some workers see, and workers that see nothing.
func TestPartialAggregatesMatchSerial(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var recs []arrow.Record
	for b := 0; b < 9; b++ {
		n := 50 + rng.Intn(200)
		cols := []col{
			{"time", TypeTimestamptz, nil}, {"host", TypeTag, nil}, {"name", TypeText, nil},
			{"k", TypeInt, nil}, {"f", TypeFloat, nil}, {"ok", TypeBool, nil}, {"n", TypeInt, nil},
		}
		for i := 0; i < n; i++ {
			maybe := func(v any) any {
				if rng.Intn(10) == 0 {
					return nil
				}
				return v
			}
			cols[0].vals = append(cols[0].vals, rng.Intn(1_000_000))
			cols[1].vals = append(cols[1].vals, maybe("h"+strconv.Itoa(rng.Intn(7+b))))
			cols[2].vals = append(cols[2].vals, maybe("n"+strconv.Itoa(rng.Intn(3))))
			cols[3].vals = append(cols[3].vals, maybe(rng.Intn(5)*b))
			cols[4].vals = append(cols[4].vals, maybe(float64(rng.Intn(1000))/8))
			cols[5].vals = append(cols[5].vals, maybe(rng.Intn(2) == 0))
			cols[6].vals = append(cols[6].vals, maybe(rng.Intn(1000)-500))
		}
		recs = append(recs, recordOf(t, cols...))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	ref := func(name string) *Column { return colRef(recs[0], name) }
	aggs := []Agg{
		{Func: AggCountStar}, {Func: AggCount, Arg: ref("f")}, {Func: AggSum, Arg: ref("n")}, {Func: AggSum, Arg: ref("f")},
		{Func: AggAvg, Arg: ref("n")}, {Func: AggMin, Arg: ref("f")}, {Func: AggMax, Arg: ref("n")}, {Func: AggMax, Arg: ref("name")},
		{Func: AggMin, Arg: ref("ok")}, {Func: AggFirst, Arg: ref("f"), Time: ref("time")}, {Func: AggLast, Arg: ref("n"), Time: ref("time")},
		{Func: AggStddevSamp, Arg: ref("f")}, {Func: AggVarPop, Arg: ref("n")}, {Func: AggBoolAnd, Arg: ref("ok")},
		{Func: AggBoolOr, Arg: ref("ok")}, {Func: AggCount, Arg: ref("n"), Filter: &Compare{Op: Gt, L: ref("n"), R: &Literal{V: int64(0), DT: TypeInt}}},
		{Func: AggCorr, Arg: ref("f"), Time: ref("n")}, {Func: AggRegrSlope, Arg: ref("n"), Time: ref("f")},
		{Func: AggRegrIntercept, Arg: ref("n"), Time: ref("f")}, {Func: AggCovarSamp, Arg: ref("f"), Time: ref("n")},
		{Func: AggRegrCount, Arg: ref("f"), Time: ref("n")}, {Func: AggRegrSXY, Arg: ref("f"), Time: ref("n")},
	}
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "o", "p", "q", "r", "s", "t", "u", "v", "w"}
	for _, keys := range [][]string{{"host"}, {"name", "k"}, {"f"}, {"ok", "host", "name"}, {"k", "n", "ok", "host", "name"}, nil} {
		for _, workers := range []int{1, 2, 3, 12} {
			var keyExprs []Expr
			for _, k := range keys {
				keyExprs = append(keyExprs, ref(k))
			}
			colNames := append(append([]string(nil), keys...), names...)
			reserved := map[bool]int64{}
			run := func(perSplit bool) []string {
				c := NewCtx()
				h, err := NewHashAggregate(c, &dealer{Values: NewValues(recs[0].Schema(), recs...), recs: recs, workers: workers}, keyExprs, aggs, colNames)
				require.NoError(t, err)
				h.PerSplit = perSplit
				out := rows(t, h)
				if perSplit {
					require.Equal(t, min(workers, len(recs)), h.workers, "every worker's state was merged")
				}
				reserved[perSplit] = c.Used()
				h.Close()
				sort.Strings(out)
				return out
			}
			serial, partial := run(false), run(true)
			require.Equal(t, reserved[false], reserved[true], "merged workers' reservations are returned")
			require.Equal(t, len(serial), len(partial), "keys %v, %d workers", keys, workers)
			for i := range serial {
				requireRowsClose(t, serial[i], partial[i], fmt.Sprintf("keys %v, %d workers", keys, workers))
			}
		}
	}
}

// requireRowsClose compares two rendered rows, floats to 1e-9 relative
// (the merged sums add in another order).
func requireRowsClose(t *testing.T, want, got, msg string) {
	t.Helper()
	w, g := strings.Split(want, "|"), strings.Split(got, "|")
	require.Equal(t, len(w), len(g), msg)
	for i := range w {
		if w[i] == g[i] {
			continue
		}
		a, errA := strconv.ParseFloat(w[i], 64)
		b, errB := strconv.ParseFloat(g[i], 64)
		require.True(t, errA == nil && errB == nil && math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)),
			"%s: column %d: serial %s, partial %s\n  %s\n  %s", msg, i, w[i], g[i], want, got)
	}
}
