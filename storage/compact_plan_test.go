package storage

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

func TestPlanLarge(t *testing.T) {
	f := func(id uint64, lo, hi, rows int64) *FileMeta {
		return &FileMeta{ID: id, Order: id, MinTime: lo, MaxTime: hi, Rows: rows}
	}
	ids := func(plans []compactPlan) [][]uint64 {
		var out [][]uint64
		for _, p := range plans {
			var ids []uint64
			for _, f := range p.files {
				ids = append(ids, f.ID)
			}
			require.True(t, p.cut)
			require.Equal(t, int64(100), p.maxRows)
			out = append(out, ids)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		files []*FileMeta
		want  [][]uint64
	}{
		{"persisted one after another, meeting at the edges",
			[]*FileMeta{f(1, 0, 10, 40), f(2, 10, 20, 40), f(3, 19, 30, 40), f(4, 30, 40, 40)},
			[][]uint64{{1, 2, 3, 4}}},
		{"done files stay; the overlapping ones between them merge",
			[]*FileMeta{f(1, 0, 10, 60), f(2, 11, 20, 20), f(3, 15, 25, 20), f(4, 26, 40, 80), f(5, 41, 50, 10)},
			[][]uint64{{2, 3}}},
		{"small disjoint files join",
			[]*FileMeta{f(1, 0, 10, 10), f(2, 11, 20, 10), f(3, 21, 30, 90)},
			[][]uint64{{1, 2}}},
		{"a file overlapping a done one undoes it",
			[]*FileMeta{f(1, 0, 10, 90), f(2, 11, 20, 90), f(3, 20, 20, 1)},
			[][]uint64{{2, 3}}},
		{"every file done",
			[]*FileMeta{f(1, 0, 10, 60), f(2, 11, 20, 70), f(3, 21, 30, 80)},
			nil},
		{"outputs keep the files' Order, not their time order",
			[]*FileMeta{f(1, 20, 30, 40), f(2, 10, 20, 40), f(3, 0, 10, 40)},
			[][]uint64{{1, 2, 3}}},
		{"a file spanning the others joins them all",
			[]*FileMeta{f(1, 0, 10, 60), f(2, 11, 20, 60), f(3, 5, 15, 1), f(4, 30, 40, 60)},
			[][]uint64{{1, 2, 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, ids(planLarge(tc.files, 100)))
		})
	}
}

func TestCutTimes(t *testing.T) {
	times := func(lo, hi, step int64) []arrow.Timestamp {
		var out []arrow.Timestamp
		for ts := lo; ts <= hi; ts += step {
			out = append(out, arrow.Timestamp(ts))
		}
		return out
	}
	// One row per nanosecond over [0, 4095]: five outputs of about 819
	// rows; the first cut moves onto file 2's first time, 19 rows away.
	h := newTimeHistogram(0, 4095)
	h.add(times(0, 4095, 1))
	files := []*FileMeta{{MinTime: 0, MaxTime: 900}, {MinTime: 800, MaxTime: 4095}}
	require.Equal(t, []int64{800, 1638, 2457, 3276}, cutTimes(files, h, 1000))
	// Within the bound: no cut.
	require.Nil(t, cutTimes(files, h, 4096))

	// Rows crowded at the end of a long span: the cuts follow the rows
	// counted, not the span (buckets of 244,141 ns here).
	h = newTimeHistogram(0, 1e9-1)
	h.add(times(9e8, 1e9-1, 1e5)) // 1,000 rows in the last tenth
	cuts := cutTimes([]*FileMeta{{MinTime: 0, MaxTime: 1e9 - 1}}, h, 400)
	require.Len(t, cuts, 2)
	for i, want := range []float64{9e8 + 1e8/3, 9e8 + 2e8/3} {
		require.InDelta(t, want, float64(cuts[i]), 3e5, "cut %d", i)
	}

	// Every row at one time cannot be cut: one output.
	h = newTimeHistogram(5, 5)
	h.add(times(5, 5, 1))
	h.counts[0] = 1000
	require.Nil(t, cutTimes([]*FileMeta{{MinTime: 5, MaxTime: 5}}, h, 100))

	// The whole int64 range: buckets do not overflow.
	h = newTimeHistogram(allTime.Min, allTime.Max)
	h.add([]arrow.Timestamp{arrow.Timestamp(allTime.Min), 0, arrow.Timestamp(allTime.Max)})
	require.Equal(t, int64(1), h.counts[0])
	require.Equal(t, int64(1), h.counts[histBuckets/2])
	require.Equal(t, int64(1), h.counts[histBuckets-1])
}
