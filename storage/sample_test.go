package storage

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScanSample: a block sample returns whole blocks (a buffered write
// is one), the same ones for the same seed, none at 0 and every row at 1,
// and never an overwritten row: a merge of overlapping sources is sampled
// after it deduplicates. The same holds once the rows are in a file.
func TestScanSample(t *testing.T) {
	e := openTest(t, t.TempDir())
	defer e.Close()
	const writes = 40
	for k := range writes {
		var rows []string
		for i := range 5 {
			rows = append(rows, fmt.Sprintf("%d host=h%d usage=%d", k*100+i, k%4, k))
		}
		write(t, e, "db", batchOf(t, "cpu", rows...))
	}
	// An overwrite of write 3's rows: they must come back new or not at all.
	write(t, e, "db", batchOf(t, "cpu", "300 host=h3 usage=99", "301 host=h3 usage=99"))
	every := scan(t, e, all("cpu"))
	require.Len(t, every, writes*5)
	latest := map[string]bool{}
	for _, r := range every {
		latest[r] = true
	}
	sampled := func(fraction float64, seed uint64) []string {
		req := all("cpu")
		req.Sample = &Sample{Fraction: fraction, Seed: seed}
		return scan(t, e, req)
	}
	// check returns how many of 20 seeds drew some rows but not all.
	check := func(stage string) (partial int) {
		t.Helper()
		require.Empty(t, sampled(0, 1), stage)
		require.Equal(t, every, sampled(1, 1), stage)
		for seed := range uint64(20) {
			rows := sampled(0.5, seed)
			require.Equal(t, rows, sampled(0.5, seed), "%s: seed %d twice", stage, seed)
			for _, r := range rows {
				require.True(t, latest[r], "%s: seed %d returned %q, not a current row", stage, seed, r)
			}
			if len(rows) > 0 && len(rows) < len(every) {
				partial++
			}
		}
		return partial
	}
	require.Equal(t, 20, check("buffer"), "41 blocks at 50%: every seed draws some")
	// In the buffer a write is a block: its rows come back all or none
	// (writes 0-2 and 4-39, whose rows no other write repeats).
	for seed := range uint64(20) {
		got := map[int]int{}
		for _, r := range sampled(0.5, seed) {
			var ts int
			_, err := fmt.Sscanf(strings.Fields(r)[0], "time=%d", &ts)
			require.NoError(t, err)
			got[ts/100]++
		}
		for k, n := range got {
			if k != 3 {
				require.Equal(t, 5, n, "seed %d: write %d in part", seed, k)
			}
		}
	}
	require.NoError(t, e.Persist(ctx))
	require.Equal(t, every, scan(t, e, all("cpu")))
	// One file of 200 rows is one page: all or nothing, by seed.
	require.Zero(t, check("file"))
	none := 0
	for seed := range uint64(20) {
		if len(sampled(0.5, seed)) == 0 {
			none++
		}
	}
	require.True(t, none > 0 && none < 20, "%d of 20 seeds drew nothing", none)
}
