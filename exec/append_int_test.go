package exec

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppendIntMatchesStrconv(t *testing.T) {
	for _, v := range []int64{0, 1, 9, 10, 42, 99, 100, 101, 999, -1, -9, -10, -99, -100,
		math.MaxInt64, math.MinInt64, 1 << 53, -(1 << 53)} {
		require.Equal(t, strconv.FormatInt(v, 10), string(AppendInt(nil, v)), "value %d", v)
		require.Equal(t, "x,"+strconv.FormatInt(v, 10), string(AppendInt([]byte("x,"), v)), "value %d after a prefix", v)
	}
}

// BenchmarkAppendInt formats TSBS-like readings (0..100) as the result
// encoders do, against strconv.AppendInt in the same run.
func BenchmarkAppendInt(b *testing.B) {
	vals := make([]int64, 4096)
	for i := range vals {
		vals[i] = int64(i*37) % 101
	}
	for _, bc := range []struct {
		name string
		f    func([]byte, int64) []byte
	}{
		{"strconv", func(d []byte, v int64) []byte { return strconv.AppendInt(d, v, 10) }},
		{"exec", AppendInt},
	} {
		b.Run(bc.name, func(b *testing.B) {
			buf := make([]byte, 0, 4*len(vals))
			for n := 0; n < b.N; n++ {
				buf = buf[:0]
				for _, v := range vals {
					buf = bc.f(buf, v)
				}
			}
		})
	}
}
