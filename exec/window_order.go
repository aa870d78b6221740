package exec

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// winOrder is the rows of a window's input sorted by its PARTITION BY then
// its ORDER BY keys, stably (ties keep their input order), with where its
// partitions and peer groups (rows with equal ORDER BY values) begin and
// end. Rows are numbered across the input's records, in input order.
type winOrder struct {
	part, ord [][]arrow.Array // the keys' values, [key][record]: to know the same window again
	keys      []SortKey
	// perm[k] is the row at sorted position k.
	perm []int32
	// partStart holds each partition's first sorted position, then n.
	partStart []int32
	// brk[k] says whether sorted position k starts a partition (newPart)
	// or a peer group (newPeer); with no ORDER BY a partition is one
	// group.
	brk []uint8
	// rangeKey is the first ORDER BY key's values (RANGE offset frames),
	// made when a frame first needs them.
	rangeKey *winCol
}

// winOrders are the sorts made for a window's functions so far.
type winOrders []*winOrder

func (os *winOrders) release() {
	for _, o := range *os {
		releaseAll(o.part)
		releaseAll(o.ord)
	}
	*os = nil
}

// get returns the sort of n rows by partition keys part and ORDER BY keys
// ord (values [key][record]) as keys direct, made once for every function
// whose keys have the same values and directions. It takes part and ord
// over: they are kept with the sort or released.
func (os *winOrders) get(part, ord [][]arrow.Array, keys []SortKey, n int) (*winOrder, error) {
	for _, o := range *os {
		if o.same(part, ord, keys) {
			releaseAll(part)
			releaseAll(ord)
			return o, nil
		}
	}
	o, err := sortWindow(part, ord, keys, n)
	if err != nil {
		releaseAll(part)
		releaseAll(ord)
		return nil, err
	}
	*os = append(*os, o)
	return o, nil
}

// same reports whether keys with these values and directions sort as o.
// Values are the same when the arrays are (a column's) or hold the same
// values (array.Equal); a volatile key such as random() differs, as it
// would sort differently.
func (o *winOrder) same(part, ord [][]arrow.Array, keys []SortKey) bool {
	if len(keys) != len(o.keys) || !sameValues(part, o.part) || !sameValues(ord, o.ord) {
		return false
	}
	for i, k := range keys {
		if k.Desc != o.keys[i].Desc || k.NullsFirst != o.keys[i].NullsFirst {
			return false
		}
	}
	return true
}

func sameValues(a, b [][]arrow.Array) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for r := range a[i] {
			if a[i][r] != b[i][r] && !array.Equal(a[i][r], b[i][r]) {
				return false
			}
		}
	}
	return true
}

// sortWindow sorts n rows by their partition keys (ascending, NULLs last)
// then ORDER BY keys, as compareFunc orders them. Each key becomes one or
// more words per row whose unsigned order is the key's order and whose
// equality is the key's (a NULL flag word first when the key has NULLs),
// and a stable LSD radix sort orders the rows by the words, least
// significant first.
func sortWindow(part, ord [][]arrow.Array, keys []SortKey, n int) (*winOrder, error) {
	o := &winOrder{part: part, ord: ord, keys: keys}
	var partWords, ordWords []keyWord
	for _, vals := range part {
		ws, err := keyWords(vals, n, false, false)
		if err != nil {
			return nil, err
		}
		partWords = append(partWords, ws...)
	}
	for i, vals := range ord {
		ws, err := keyWords(vals, n, keys[i].Desc, keys[i].NullsFirst)
		if err != nil {
			return nil, err
		}
		ordWords = append(ordWords, ws...)
	}
	o.perm = make([]int32, n)
	for i := range o.perm {
		o.perm[i] = int32(i)
	}
	all := append(slices.Clip(partWords), ordWords...)
	if n > 1 {
		var s radixSorter
		for w := len(all) - 1; w >= 0; w-- {
			if all[w].w32 != nil {
				o.perm = radixSort(&s, o.perm, all[w].w32)
			} else {
				o.perm = radixSort(&s, o.perm, all[w].w64)
			}
		}
	}
	o.bounds(partWords, ordWords, len(keys) > 0)
	return o, nil
}

// keyWord is a word per row of a sort key: 32 bits where they hold it
// (ranks, flags), else 64.
type keyWord struct {
	w32 []uint32
	w64 []uint64
}

const (
	newPart = 1 << iota // a sorted position starts a partition
	newPeer             // it starts a peer group
)

// bounds finds the partitions and peer groups of the sorted rows: a row
// starts one where a word differs from the row before.
func (o *winOrder) bounds(partWords, ordWords []keyWord, ordered bool) {
	n := len(o.perm)
	o.brk = make([]uint8, n)
	mark := func(ws []keyWord, what uint8) {
		for _, w := range ws {
			if w.w32 != nil {
				markChanges(o.brk, o.perm, w.w32, what)
			} else {
				markChanges(o.brk, o.perm, w.w64, what)
			}
		}
	}
	mark(partWords, newPart)
	if ordered {
		mark(ordWords, newPeer)
	}
	o.partStart = make([]int32, 0, 16)
	for k, b := range o.brk {
		if k == 0 || b&newPart != 0 {
			o.brk[k] = newPart | newPeer
			o.partStart = append(o.partStart, int32(k))
		} else if b != 0 {
			o.brk[k] = newPeer
		}
	}
	o.partStart = append(o.partStart, int32(n))
}

// markChanges sets what in brk where a row's word differs from the one's
// before it.
func markChanges[W uint32 | uint64](brk []uint8, perm []int32, w []W, what uint8) {
	for k := 1; k < len(perm); k++ {
		if w[perm[k]] != w[perm[k-1]] {
			brk[k] |= what
		}
	}
}

// peers walks the peer groups of the partition at sorted positions [ps,
// pe), a position at a time in order.
type peers struct {
	brk        []uint8 // the partition's
	start, end int     // the group's bounds within the partition
}

func (o *winOrder) peers(ps, pe int) peers { return peers{brk: o.brk[ps:pe]} }

// at returns the bounds (within the partition) of the peer group of
// position i, which is not before the last one asked for.
func (p *peers) at(i int) (int, int) {
	if i >= p.end {
		p.start = i
		e := i + 1
		for e < len(p.brk) && p.brk[e] == 0 {
			e++
		}
		p.end = e
	}
	return p.start, p.end
}

// rangeCol is the first ORDER BY key's values, for RANGE offset frames.
func (o *winOrder) rangeCol(n int) *winCol {
	if o.rangeKey == nil {
		if len(o.ord) == 0 {
			o.rangeKey = &winCol{kind: kindNone, valid: newBitmap(n)}
		} else {
			o.rangeKey = newWinCol(o.ord[0], n)
		}
	}
	return o.rangeKey
}

// keyWords turns one sort key's values (one array per record, n rows in
// all) into words: a flag word when there are NULLs (ordering them first or
// last), then one or two value words, each inverted for desc. NULL rows'
// value words are 0, so NULLs are peers.
func keyWords(vals []arrow.Array, n int, desc, nullsFirst bool) ([]keyWord, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	var words []keyWord
	switch vals[0].DataType().ID() {
	case arrow.INT64:
		w := make([]uint64, 0, n)
		for _, a := range vals {
			for _, v := range a.(*array.Int64).Int64Values() {
				w = append(w, signedWord(v))
			}
		}
		words = []keyWord{{w64: w}}
	case arrow.TIMESTAMP:
		w := make([]uint64, 0, n)
		for _, a := range vals {
			for _, v := range timestampValues(a.(*array.Timestamp)) {
				w = append(w, signedWord(v))
			}
		}
		words = []keyWord{{w64: w}}
	case arrow.UINT64:
		w := make([]uint64, 0, n)
		for _, a := range vals {
			w = append(w, a.(*array.Uint64).Uint64Values()...)
		}
		words = []keyWord{{w64: w}}
	case arrow.FLOAT64:
		w := make([]uint64, 0, n)
		for _, a := range vals {
			for _, v := range a.(*array.Float64).Float64Values() {
				w = append(w, floatWord(v))
			}
		}
		words = []keyWord{{w64: w}}
	case arrow.BOOL:
		w := make([]uint32, n)
		at := 0
		for _, a := range vals {
			b := a.(*array.Boolean)
			for i := 0; i < b.Len(); i++ {
				if b.Value(i) {
					w[at+i] = 1
				}
			}
			at += b.Len()
		}
		words = []keyWord{{w32: w}}
	case arrow.INTERVAL_MONTH_DAY_NANO:
		days, nanos := make([]uint64, n), make([]uint64, n)
		at := 0
		for _, a := range vals {
			for i, v := range a.(*array.MonthDayNanoInterval).MonthDayNanoIntervalValues() {
				d, ns := intervalSpan(v)
				days[at+i], nanos[at+i] = signedWord(d), uint64(ns)
			}
			at += a.Len()
		}
		words = []keyWord{{w64: days}, {w64: nanos}}
	case arrow.DICTIONARY:
		words = []keyWord{{w32: dictRanks(vals, n)}}
	case arrow.STRING:
		words = []keyWord{{w32: textRanks(vals, n)}}
	case arrow.NULL:
		return nil, nil
	default:
		return nil, fmt.Errorf("cannot sort by %v values", vals[0].DataType())
	}
	hasNulls := false
	for _, v := range vals {
		hasNulls = hasNulls || v.NullN() > 0
	}
	if desc {
		for _, w := range words {
			for i := range w.w32 {
				w.w32[i] = ^w.w32[i]
			}
			for i := range w.w64 {
				w.w64[i] = ^w.w64[i]
			}
		}
	}
	if !hasNulls {
		return words, nil
	}
	// NULL rows: value words 0, and a flag word before them.
	flag := make([]uint32, n)
	nullFlag, valueFlag := uint32(1), uint32(0)
	if nullsFirst {
		nullFlag, valueFlag = 0, 1
	}
	at := 0
	for _, a := range vals {
		for i := 0; i < a.Len(); i++ {
			if a.IsNull(i) {
				flag[at+i] = nullFlag
				for _, w := range words {
					if w.w32 != nil {
						w.w32[at+i] = 0
					} else {
						w.w64[at+i] = 0
					}
				}
			} else {
				flag[at+i] = valueFlag
			}
		}
		at += a.Len()
	}
	return append([]keyWord{{w32: flag}}, words...), nil
}

// signedWord orders int64s as unsigned words.
func signedWord(v int64) uint64 { return uint64(v) ^ 1<<63 }

// floatWord orders floats as cmpFloat does: -0 is 0, every NaN is one value
// above +Inf.
func floatWord(v float64) uint64 {
	switch {
	case v == 0:
		v = 0
	case v != v:
		v = math.NaN()
	}
	b := math.Float64bits(v)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// dictRanks is each tag row's rank among all the records' dictionary
// strings (sorted once; codes map to ranks), as dictRankCmp orders them.
func dictRanks(vals []arrow.Array, n int) []uint32 {
	seen := dictionaryRanks(vals)
	out := make([]uint32, 0, n)
	var ranks []uint32
	for _, v := range vals {
		da := v.(*array.Dictionary)
		d := da.Dictionary().(*array.String)
		ranks = ranks[:0]
		for i := 0; i < d.Len(); i++ {
			ranks = append(ranks, seen[d.Value(i)])
		}
		codes := da.Indices().(*array.Int32).Int32Values()
		if da.NullN() == 0 {
			for _, c := range codes {
				out = append(out, ranks[c])
			}
			continue
		}
		for i, c := range codes {
			if da.IsNull(i) {
				out = append(out, 0) // a NULL's code may index nothing
				continue
			}
			out = append(out, ranks[c])
		}
	}
	return out
}

// textRanks is each text row's rank among the distinct values (sorted by
// their bytes, as cmp.Compare orders strings).
func textRanks(vals []arrow.Array, n int) []uint32 {
	strs := make([]string, 0, n)
	for _, v := range vals {
		s := v.(*array.String)
		for i := 0; i < s.Len(); i++ {
			strs = append(strs, s.Value(i))
		}
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return strings.Compare(strs[a], strs[b]) })
	out := make([]uint32, n)
	rank := uint32(0)
	for k, i := range idx {
		if k > 0 && strs[i] != strs[idx[k-1]] {
			rank++
		}
		out[i] = rank
	}
	return out
}

// radixSorter sorts row numbers stably by a word per row, a byte at a time
// (bytes that are the same in every word are skipped). Its buffers serve
// every key of one sort.
type radixSorter struct {
	tmp      []int32
	ws, wtmp []uint64
}

// radixSort orders perm stably by w[perm[k]]; it returns the sorted rows,
// in perm or in the sorter's other buffer (which then keeps perm's).
func radixSort[W uint32 | uint64](s *radixSorter, perm []int32, w []W) []int32 {
	n := len(perm)
	or, and := W(0), ^W(0)
	sorted := true
	prev := W(0)
	for _, r := range perm {
		v := w[r]
		or |= v
		and &= v
		sorted = sorted && v >= prev
		prev = v
	}
	if sorted {
		return perm
	}
	varying := uint64(or ^ and)
	var shifts []uint
	for shift := uint(0); shift < 64; shift += 8 {
		if (varying>>shift)&0xff != 0 {
			shifts = append(shifts, shift)
		}
	}
	if s.tmp == nil {
		s.tmp = make([]int32, n)
	}
	tmp := s.tmp
	if len(shifts) == 1 {
		// One byte varies: count it and place each row, reading its word.
		shift := shifts[0]
		var count [256]int
		for _, v := range w {
			count[(uint64(v)>>shift)&0xff]++
		}
		prefix(&count)
		for _, r := range perm {
			d := (uint64(w[r]) >> shift) & 0xff
			tmp[count[d]] = r
			count[d]++
		}
		s.tmp = perm
		return tmp
	}
	// Several bytes: the words move with the rows, read in order.
	if s.ws == nil {
		s.ws, s.wtmp = make([]uint64, n), make([]uint64, n)
	}
	ws, wtmp := s.ws, s.wtmp
	for k, r := range perm {
		ws[k] = uint64(w[r])
	}
	for _, shift := range shifts {
		var count [256]int
		for _, v := range ws {
			count[(v>>shift)&0xff]++
		}
		prefix(&count)
		for k, v := range ws {
			d := (v >> shift) & 0xff
			at := count[d]
			count[d]++
			wtmp[at] = v
			tmp[at] = perm[k]
		}
		ws, wtmp = wtmp, ws
		perm, tmp = tmp, perm
	}
	s.tmp, s.ws, s.wtmp = tmp, ws, wtmp
	return perm
}

// prefix turns counts into the first position of each byte's rows.
func prefix(count *[256]int) {
	pos := 0
	for d, c := range count {
		count[d] = pos
		pos += c
	}
}
