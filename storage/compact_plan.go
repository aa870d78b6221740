package storage

import (
	"cmp"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

// compactPlan is one compaction of a partition: files (in Order) merged
// into one file or, with cut (a partition too large to merge at once),
// into files of about maxRows rows each over disjoint spans of time.
type compactPlan struct {
	files   []*FileMeta
	cut     bool
	maxRows int64
}

// spans returns the time ranges of the outputs cut at cuts (sorted):
// [.., cuts[0]), [cuts[0], cuts[1]), .., [cuts[n-1], ..).
func spans(cuts []int64) []TimeRange {
	out := make([]TimeRange, 0, len(cuts)+1)
	lo := allTime.Min
	for _, c := range cuts {
		out = append(out, TimeRange{Min: lo, Max: c})
		lo = c
	}
	return append(out, TimeRange{Min: lo, Max: allTime.Max})
}

// planLarge plans the compaction of a partition of files (in Order) over
// maxRows rows, which cannot be merged in memory at once. The files fall
// into clusters whose time spans meet one another; a cluster of one file
// of at least maxRows/2 rows is done: nothing overlaps it and it is too
// large to join another. Each run of consecutive clusters not done that
// holds two or more files is one plan, whose output is cut by time into
// files of about maxRows rows (cutTimes). The outputs thus overlap neither
// each other nor the partition's other files, so queries read every file
// of the partition as it is instead of merging where files meet; a run of
// files persisted one after the other (each overlapping the next at its
// edge) becomes files of disjoint hours.
func planLarge(files []*FileMeta, maxRows int64) []compactPlan {
	var plans []compactPlan
	var run []*FileMeta // the clusters not done since the last done one
	flush := func() {
		if len(run) >= 2 {
			in := map[*FileMeta]bool{}
			for _, f := range run {
				in[f] = true
			}
			p := compactPlan{cut: true, maxRows: maxRows}
			for _, f := range files { // back in Order: later files win
				if in[f] {
					p.files = append(p.files, f)
				}
			}
			plans = append(plans, p)
		}
		run = run[:0]
	}
	for _, c := range timeClusters(files) {
		if len(c) == 1 && 2*c[0].Rows >= maxRows {
			flush()
		} else {
			run = append(run, c...)
		}
	}
	flush()
	return plans
}

// timeClusters splits a partition's files into clusters whose time spans
// meet one another, one after the other (every version of a row lies in
// one cluster), in time order; each cluster keeps the files' own order
// (Order: later files win).
func timeClusters(files []*FileMeta) [][]*FileMeta {
	byTime := slices.Clone(files)
	slices.SortStableFunc(byTime, func(a, b *FileMeta) int { return cmp.Compare(a.MinTime, b.MinTime) })
	var out [][]*FileMeta
	for i := 0; i < len(byTime); {
		j, end := i+1, byTime[i].MaxTime
		for j < len(byTime) && byTime[j].MinTime <= end {
			end = max(end, byTime[j].MaxTime)
			j++
		}
		in := map[*FileMeta]bool{}
		for _, f := range byTime[i:j] {
			in[f] = true
		}
		out = append(out, slices.DeleteFunc(slices.Clone(files), func(f *FileMeta) bool { return !in[f] }))
		i = j
	}
	return out
}

// filesByDay groups a table's files (in Order) by partition: the days in
// the order their first file comes, and each day's files in Order.
func filesByDay(files []*FileMeta) ([]int64, map[int64][]*FileMeta) {
	byDay := map[int64][]*FileMeta{}
	var days []int64
	for _, f := range files {
		if byDay[f.Day] == nil {
			days = append(days, f.Day)
		}
		byDay[f.Day] = append(byDay[f.Day], f)
	}
	return days, byDay
}

// histBuckets is the number of buckets of a timeHistogram: a day's
// partition is counted in 21-second steps.
const histBuckets = 4096

// timeHistogram counts rows by time in buckets of equal width from lo.
type timeHistogram struct {
	lo, width int64
	counts    []int64
}

// newTimeHistogram covers the closed span [lo, hi].
func newTimeHistogram(lo, hi int64) *timeHistogram {
	span := uint64(hi-lo) + 1 // hi >= lo; wraps only for the whole int64 range
	width := int64(1)
	if span == 0 || span > histBuckets {
		width = int64(min(span/histBuckets+1, math.MaxInt64))
		if span == 0 {
			width = int64(math.MaxUint64/histBuckets + 1)
		}
	}
	return &timeHistogram{lo: lo, width: width, counts: make([]int64, histBuckets)}
}

// add counts times. Times outside the span (a file whose statistics are
// wrong) count in the last bucket.
func (h *timeHistogram) add(times []arrow.Timestamp) {
	last := uint64(len(h.counts) - 1)
	for _, t := range times {
		h.counts[min(uint64(int64(t)-h.lo)/uint64(h.width), last)]++
	}
}

// start returns the time bucket b starts at.
func (h *timeHistogram) start(b int) int64 { return h.lo + int64(b)*h.width }

// cutTimes returns the times at which to cut the merge of files, whose
// rows by time h counts, into outputs of about maxRows rows each: none when
// they hold no more than maxRows. A cut is made where a bucket starts, or
// moved onto the first time of a file when that is within an eighth of
// maxRows rows of it, so that the file before (meeting that file at most
// at an edge) ends up in one output instead of being read for two.
func cutTimes(files []*FileMeta, h *timeHistogram, maxRows int64) []int64 {
	var total, hi int64 = 0, math.MinInt64
	for _, f := range files {
		hi = max(hi, f.MaxTime)
	}
	cum := make([]int64, len(h.counts)+1) // cum[b]: rows before bucket b
	for b, c := range h.counts {
		cum[b+1] = cum[b] + c
	}
	total = cum[len(h.counts)]
	n := (total + maxRows - 1) / maxRows
	if n <= 1 {
		return nil
	}
	// rowsBefore estimates the rows before t: those of the buckets before
	// t's, and of t's bucket in proportion.
	rowsBefore := func(t int64) float64 {
		b := uint64(t-h.lo) / uint64(h.width)
		if b >= uint64(len(h.counts)) {
			return float64(total)
		}
		part := float64(uint64(t-h.lo)%uint64(h.width)) / float64(h.width)
		return float64(cum[b]) + part*float64(h.counts[b])
	}
	var cuts []int64
	for k := int64(1); k < n; k++ {
		target := total * k / n
		b, _ := slices.BinarySearch(cum, target) // the first bucket start with target rows before it
		cut, best := h.start(b), float64(maxRows)/8
		for _, f := range files {
			d := math.Abs(rowsBefore(f.MinTime) - float64(target))
			if f.MinTime > h.lo && d <= best {
				cut, best = f.MinTime, d
			}
		}
		if cut > h.lo && cut <= hi && (len(cuts) == 0 || cut > cuts[len(cuts)-1]) {
			cuts = append(cuts, cut)
		}
	}
	return cuts
}
