package exec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// TestDistinctOnHashMatchesSort: DISTINCT ON in one pass gives the rows of
// DISTINCT ON over a stable full sort (the first row of each key in the
// whole ORDER BY, ties to the first that came), over many records with their
// own dictionaries, NULLs in keys and order, and ties, with the kept rows
// gathered into one record every few batches.
func TestDistinctOnHashMatchesSort(t *testing.T) {
	defer func(n int) { distinctOnCompactRows = n }(distinctOnCompactRows)
	rng := rand.New(rand.NewPCG(5, 17))
	tags := []any{"a", "b", "c", "d", "e", nil}
	var recs []arrow.Record
	seq := 0
	for r := 0; r < 40; r++ {
		n := 1 + rng.IntN(3000)
		if r%7 == 3 {
			n = 1
		}
		k, tag, f, ts, id := make([]any, n), make([]any, n), make([]any, n), make([]any, n), make([]any, n)
		for i := range n {
			if rng.IntN(20) > 0 {
				k[i] = rng.IntN(300)
			}
			tag[i] = tags[rng.IntN(len(tags))]
			if rng.IntN(10) > 0 {
				f[i] = float64(rng.IntN(1000)) / 4
			}
			ts[i] = rng.IntN(50) * 1e9
			id[i] = seq
			seq++
		}
		recs = append(recs, recordOf(t, col{"k", TypeInt, k}, col{"tag", TypeTag, tag}, col{"f", TypeFloat, f}, col{"ts", TypeTimestamptz, ts}, col{"id", TypeInt, id}))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	schema := recs[0].Schema()
	k, tag, f, ts := colRef(recs[0], "k"), colRef(recs[0], "tag"), colRef(recs[0], "f"), colRef(recs[0], "ts")
	cases := []struct {
		name  string
		keys  []Expr
		order []SortKey
	}{
		{"k; ts desc", []Expr{k}, []SortKey{{Expr: k}, {Expr: ts, Desc: true, NullsFirst: true}}},
		{"tag; f, ts", []Expr{tag}, []SortKey{{Expr: tag}, {Expr: f}, {Expr: ts}}},
		{"tag desc, k; f desc nulls last", []Expr{tag, k}, []SortKey{{Expr: tag, Desc: true, NullsFirst: true}, {Expr: k}, {Expr: f, Desc: true}}},
		{"k (ties)", []Expr{k}, []SortKey{{Expr: k, NullsFirst: true}}},
	}
	for _, compactAt := range []int{1 << 16, 500, 1} {
		distinctOnCompactRows = compactAt
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s compact at %d", tc.name, compactAt), func(t *testing.T) {
				rc := NewCtx()
				want := rows(t, NewDistinctOn(rc, NewSort(rc, NewValues(schema, recs...), tc.order, -1), tc.keys))
				c := NewCtx()
				got := rows(t, NewDistinctOnHash(c, NewValues(schema, recs...), tc.keys, tc.order))
				require.Equal(t, want, got)
				require.Zero(t, c.Used(), "every reservation returned at Close")
			})
		}
	}
}

// TestDistinctOnHashHoldsLittle: the newest row of each of 100 series over
// 256 batches holds rows in proportion to the series, not to the input
// (lastpoint over a large table failed the memory limit before).
func TestDistinctOnHashHoldsLittle(t *testing.T) {
	var recs []arrow.Record
	for r := 0; r < 256; r++ {
		host, ts, v := make([]any, 4096), make([]any, 4096), make([]any, 4096)
		for i := range host {
			host[i] = fmt.Sprintf("host_%d", i%100)
			ts[i] = (r*4096 + i) * 1e9
			v[i] = r*4096 + i
		}
		recs = append(recs, recordOf(t, col{"hostname", TypeTag, host}, col{"time", TypeTimestamptz, ts}, col{"v", TypeInt, v}))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	c := NewCtx()
	c.MemLimit = 8 << 20 // the input is ~8.4 MB
	host, ts := colRef(recs[0], "hostname"), colRef(recs[0], "time")
	d := NewDistinctOnHash(c, NewValues(recs[0].Schema(), recs...), []Expr{host}, []SortKey{{Expr: host}, {Expr: ts, Desc: true, NullsFirst: true}})
	defer d.Close()
	rec, err := d.Next(bg)
	require.NoError(t, err)
	require.EqualValues(t, 100, rec.NumRows())
	require.Less(t, c.Used(), int64(2<<20), "held: the kept rows and at most a few batches")
	require.EqualValues(t, 256*4096-96, rec.Column(2).(interface{ Value(int) int64 }).Value(0), "host_0's newest row")
}
