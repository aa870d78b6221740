package exec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// TestTopKMatchesFullSort: a sort with a limit gives exactly the first rows
// of the stable full sort (ties in arrival order) for limits from none to
// more than the input, over many records with their own dictionaries,
// NULLs in every key and many ties, so compaction by count and by records,
// and the bound that turns rows away, all run.
func TestTopKMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	tags := []any{"a", "b", "c", "d", "e", nil}
	var recs []arrow.Record
	seq := 0
	for r := 0; r < 40; r++ {
		n := 1 + rng.IntN(6000)
		if r%7 == 3 {
			n = 1 // tiny batches keep records alive for few rows
		}
		k1, tag, f, id := make([]any, n), make([]any, n), make([]any, n), make([]any, n)
		for i := range n {
			if rng.IntN(20) > 0 {
				k1[i] = rng.IntN(10)
			}
			tag[i] = tags[rng.IntN(len(tags))]
			if rng.IntN(10) > 0 {
				f[i] = float64(rng.IntN(1000)) / 4
			}
			id[i] = seq
			seq++
		}
		recs = append(recs, recordOf(t, col{"k1", TypeInt, k1}, col{"tag", TypeTag, tag}, col{"f", TypeFloat, f}, col{"id", TypeInt, id}))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	schema := recs[0].Schema()
	k1, tag, f := colRef(recs[0], "k1"), colRef(recs[0], "tag"), colRef(recs[0], "f")
	keySets := map[string][]SortKey{
		"k1":              {{Expr: k1}},
		"f desc":          {{Expr: f, Desc: true, NullsFirst: true}},
		"tag, k1 desc":    {{Expr: tag}, {Expr: k1, Desc: true, NullsFirst: false}},
		"k1 desc, tag, f": {{Expr: k1, Desc: true, NullsFirst: true}, {Expr: tag, NullsFirst: true}, {Expr: f}},
		"tag desc (ties)": {{Expr: tag, Desc: true}},
	}
	c := NewCtx()
	for name, keys := range keySets {
		all := append([]string{}, rows(t, NewSort(c, NewValues(schema, recs...), keys, -1))...)
		require.Len(t, all, seq)
		for _, limit := range []int{0, 1, 3, 100, 2999, 50000, seq - 1, seq, 10 * seq} {
			t.Run(fmt.Sprintf("%s limit %d", name, limit), func(t *testing.T) {
				got := rows(t, NewSort(c, NewValues(schema, recs...), keys, int64(limit)))
				require.Equal(t, all[:min(limit, seq)], append([]string{}, got...))
			})
		}
	}
}

// TestTopKHoldsLittle: a top-k over many batches holds rows in proportion
// to its limit, not to its input.
func TestTopKHoldsLittle(t *testing.T) {
	var recs []arrow.Record
	for r := 0; r < 64; r++ {
		v := make([]any, 4096)
		for i := range v {
			v[i] = r*4096 + i
		}
		recs = append(recs, recordOf(t, col{"v", TypeInt, v}))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	c := NewCtx()
	s := NewSort(c, NewValues(recs[0].Schema(), recs...), []SortKey{{Expr: colRef(recs[0], "v"), Desc: true}}, 10)
	got := rows(t, s)
	require.Equal(t, []string{"262143", "262142", "262141", "262140", "262139", "262138", "262137", "262136", "262135", "262134"}, got)
	require.Less(t, c.Used(), int64(20*4096*8), "a rising input admits every batch, but compaction keeps the held rows near the limit")
}

// BenchmarkTopK: the first 100 of 864,000 rows by two keys (a tag, then a
// float descending), as ORDER BY hostname, usage_user DESC LIMIT 100.
func BenchmarkTopK(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var recs []arrow.Record
	for r := 0; r < 108; r++ {
		host, f := make([]any, 8000), make([]any, 8000)
		for i := range host {
			host[i] = fmt.Sprintf("host_%d", rng.IntN(100))
			f[i] = rng.Float64() * 100
		}
		recs = append(recs, recordOf(b, col{"hostname", TypeTag, host}, col{"usage_user", TypeFloat, f}))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	keys := []SortKey{{Expr: colRef(recs[0], "hostname")}, {Expr: colRef(recs[0], "usage_user"), Desc: true, NullsFirst: true}}
	for _, limit := range []int64{100, -1} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) {
			for b.Loop() {
				recs, err := Collect(bg, NewSort(NewCtx(), NewValues(recs[0].Schema(), recs...), keys, limit))
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range recs {
					r.Release()
				}
			}
		})
	}
}
