package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTagRowsRowsMatchesRow: the runs Rows builds for a list of rows equal
// Row's one by one, for runs of every length and selections that skip rows.
func TestTagRowsRowsMatchesRow(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	dict := func(words ...string) ([]int32, []byte) {
		var offs []int32
		var data []byte
		for _, w := range words {
			offs = append(offs, int32(len(data)))
			data = append(data, w...)
		}
		return append(offs, int32(len(data))), data
	}
	o1, d1 := dict("host_1", "host_22", "h3")
	o2, d2 := dict("eu", "us-west")
	const n = 2000
	c1, c2 := make([]int32, n), make([]int32, n)
	for i := range n {
		c1[i], c2[i] = int32(i/50%3), int32(i/7%2)
		if r.IntN(10) == 0 {
			c2[i] = int32(r.IntN(2))
		}
	}
	for _, keep := range []int{1, 2, 10} {
		var idx []int32
		for i := range n {
			if r.IntN(keep) == 0 {
				idx = append(idx, int32(i))
			}
		}
		rows := NewTagRows("|")
		rows.Add(c1, o1, d1)
		rows.Add(c2, o2, d2)
		one := NewTagRows("|")
		one.Add(c1, o1, d1)
		one.Add(c2, o2, d2)
		for at := 0; at < len(idx); at += 256 {
			chunk := idx[at:min(at+256, len(idx))]
			got := rows.Rows(chunk)
			require.Len(t, got, len(chunk))
			for k, i := range chunk {
				require.Equal(t, string(one.Row(i)), string(got[k]), "row %d", i)
			}
		}
	}
	require.Empty(t, NewTagRows("").Rows(nil))
}

// BenchmarkTagRows: the runs of 8,192 rows of ten tag columns in chunks of
// 256 (series of 50 rows, every other row selected), measured and copied as
// pgwire does: Row per row twice against Rows once per chunk.
func BenchmarkTagRows(b *testing.B) {
	const n, cols = 8192, 10
	build := func() *TagRows {
		t := NewTagRows("")
		for k := range cols {
			codes := make([]int32, n)
			for i := range codes {
				codes[i] = int32(i / 50 % 4)
			}
			offs := []int32{0, 8, 16, 24, 32}
			t.Add(codes, offs, []byte("value-0avalue-1bvalue-2cvalue-3d")[:32])
			_ = k
		}
		return t
	}
	var idx []int32
	for i := 0; i < n; i += 2 {
		idx = append(idx, int32(i))
	}
	b.Run("row-twice", func(b *testing.B) {
		t := build()
		total := 0
		for range b.N {
			for at := 0; at < len(idx); at += 256 {
				chunk := idx[at:min(at+256, len(idx))]
				t.Reset()
				for _, i := range chunk {
					total += len(t.Row(i))
				}
				t.Reset()
				for _, i := range chunk {
					total += len(t.Row(i))
				}
			}
		}
		_ = total
	})
	b.Run("rows-once", func(b *testing.B) {
		t := build()
		total := 0
		for range b.N {
			for at := 0; at < len(idx); at += 256 {
				runs := t.Rows(idx[at:min(at+256, len(idx))])
				for _, run := range runs {
					total += len(run)
				}
				for _, run := range runs {
					total += len(run)
				}
			}
		}
		_ = total
	})
}
