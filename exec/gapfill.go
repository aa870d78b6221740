package exec

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// GapFillColumn is a locf() or interpolate() output over column Source of
// the gap-filled rows.
//
// As TimescaleDB's: rows the input has keep their value, NULL included;
// locf carries the last value (a NULL too) into the filled rows, or with
// TreatNullAsMissing the last non-NULL value into every NULL; Prev (nil:
// none) stands before a series' first row. interpolate fills a filled
// row from the nearest rows the input has on either side, NULL when one
// of them is missing or NULL.
type GapFillColumn struct {
	Interpolate        bool
	Source             int
	DT                 arrow.DataType
	Prev               any
	TreatNullAsMissing bool
}

// GapFillSpec describes time_bucket_gapfill: the bucket column of the
// (aggregated) input, the bucket width and origin, the [Start, End) range
// whose every bucket must appear, and the key columns that identify a
// series (each series is filled on its own).
type GapFillSpec struct {
	Bucket int
	Width  int64 // ns
	Origin int64
	// Floor, when set, is the bucket of a time instead of Width and
	// Origin (buckets of months, or on a time zone's wall clock: of
	// unequal lengths), and MaxWidth bounds a bucket's length: the bucket
	// after b is Floor(b + MaxWidth).
	Floor      func(int64) (int64, error)
	MaxWidth   int64
	Start, End int64
	// NullsAreGaps: locf and interpolate also fill the NULL values of rows
	// the input has, as InfluxDB 3's date_bin_gapfill does (TimescaleDB's
	// fill only the rows added for missing buckets).
	NullsAreGaps bool
	SeriesKeys   []int
	Columns      []GapFillColumn
}

// GapFill adds a row for every missing bucket of every series (key columns
// copied, other columns NULL) and appends the locf/interpolate columns.
// Rows come out per series in bucket order.
type GapFill struct {
	c        *Ctx
	child    Operator
	spec     GapFillSpec
	schema   *arrow.Schema
	done     bool
	cur      arrow.Record
	reserved int64 // bytes accounted to the query (Ctx.Reserve)
}

// gapRowBytes estimates what one row of the fill holds while it is built
// (its values boxed, one slice of them per row): what it reserves of the
// query's memory, so a fill over years of minutes fails with the memory
// limit's error instead of taking gigabytes.
func gapRowBytes(cols int) int64 { return int64(cols)*24 + 48 }

// NewGapFill fills child's gaps; names name the appended columns; c
// accounts the rows it builds (nil: not accounted).
func NewGapFill(c *Ctx, child Operator, spec GapFillSpec, names []string) *GapFill {
	fields := append([]arrow.Field(nil), child.Schema().Fields()...)
	for i, f := range fields {
		if IsText(f.Type) {
			fields[i].Type = TypeText // rows are rebuilt: tags become plain text
		}
	}
	for i, c := range spec.Columns {
		fields = append(fields, arrow.Field{Name: names[i], Type: c.DT, Nullable: true})
	}
	return &GapFill{c: c, child: child, spec: spec, schema: arrow.NewSchema(fields, nil)}
}

func (g *GapFill) Schema() *arrow.Schema { return g.schema }

func (g *GapFill) bucket(t int64) (int64, error) {
	if g.spec.Floor != nil {
		return g.spec.Floor(t)
	}
	d := t - g.spec.Origin
	q := d / g.spec.Width
	if d%g.spec.Width < 0 {
		q--
	}
	return g.spec.Origin + q*g.spec.Width, nil
}

// MaxBucketWidth bounds the length of a bucket of width iv on any zone's
// wall clock: months of 31 days (and a day more, so that b + it leaves a
// month bucket starting on b), days of 25 hours (a daylight-saving change),
// the time as it is. GapFillSpec.MaxWidth for buckets stepped with Floor.
func MaxBucketWidth(iv arrow.MonthDayNanoInterval) int64 {
	w := int64(iv.Months)*31*nanosPerDay + int64(iv.Days)*25*3600e9 + iv.Nanoseconds
	if iv.Months != 0 {
		w += nanosPerDay
	}
	return w
}

// next is the start of the bucket after b.
func (g *GapFill) next(b int64) (int64, error) {
	if g.spec.Floor == nil {
		return b + g.spec.Width, nil
	}
	// b + MaxWidth may still fall in b's bucket where a zone's clock turns
	// back (01:00 to 02:00 twice): step further.
	for k := int64(1); k <= 4; k++ {
		n, err := g.spec.Floor(b + k*g.spec.MaxWidth)
		if err != nil || n > b {
			return n, err
		}
	}
	return 0, fmt.Errorf("gapfill: no bucket after %s", time.Unix(0, b).UTC())
}

func (g *GapFill) Next(ctx context.Context) (arrow.Record, error) {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	if g.done {
		return nil, nil
	}
	g.done = true
	in := g.child.Schema()
	// Read every input row as values.
	type series struct {
		keys []any
		rows map[int64][]any
	}
	var order []string
	all := map[string]*series{}
	for {
		rec, err := g.child.Next(ctx)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		getters := make([]func(int) any, rec.NumCols())
		for c := range getters {
			get, err := nullableGetter(rec.Column(c))
			if err != nil {
				return nil, err
			}
			getters[c] = get
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = getters[c](i)
			}
			b, ok := row[g.spec.Bucket].(Timestamp)
			if !ok {
				continue // a NULL bucket (NULL time) is not filled
			}
			keys := make([]any, len(g.spec.SeriesKeys))
			var sk strings.Builder
			for k, c := range g.spec.SeriesKeys {
				keys[k] = row[c]
				fmt.Fprintf(&sk, "%T:%v\x00", row[c], row[c])
			}
			s := all[sk.String()]
			if s == nil {
				s = &series{keys: keys, rows: map[int64][]any{}}
				all[sk.String()] = s
				order = append(order, sk.String())
			}
			s.rows[int64(b)] = row
		}
	}
	if len(order) == 0 && len(g.spec.SeriesKeys) == 0 {
		// No rows and no series keys: the one series is all gaps.
		all[""] = &series{rows: map[int64][]any{}}
		order = append(order, "")
	}
	if g.spec.Width <= 0 && g.spec.Floor == nil {
		return nil, fmt.Errorf("gapfill: the bucket width must be positive")
	}
	first, err := g.bucket(g.spec.Start)
	if err != nil {
		return nil, err
	}
	last, err := g.bucket(g.spec.End - 1)
	if err != nil {
		return nil, err
	}
	// The buckets of the range, each series' rows filled to them.
	var buckets []int64
	for b := first; b <= last; {
		if len(buckets) == 10_000_000 {
			return nil, fmt.Errorf("gapfill would create more than 10 million buckets; narrow the time range or widen the buckets")
		}
		buckets = append(buckets, b)
		if b, err = g.next(b); err != nil {
			return nil, err
		}
	}
	builders := make([]array.Builder, g.schema.NumFields())
	for i, f := range g.schema.Fields() {
		builders[i] = array.NewBuilder(memory.DefaultAllocator, f.Type)
		defer builders[i].Release()
	}
	n := 0
	for _, key := range order {
		s := all[key]
		var out [][]any
		var times []int64
		var filled []bool // rows added for missing buckets
		// Buckets outside the range (an explicit start or finish narrower
		// than the data) pass through unfilled, in time order.
		var before, after []int64
		for b := range s.rows {
			switch {
			case b < first:
				before = append(before, b)
			case b > last:
				after = append(after, b)
			}
		}
		slices.Sort(before)
		slices.Sort(after)
		for _, b := range before {
			out, times, filled = append(out, s.rows[b]), append(times, b), append(filled, false)
		}
		if err := g.reserve(int64(len(buckets)) * gapRowBytes(in.NumFields()+len(g.spec.Columns))); err != nil {
			return nil, err
		}
		for _, b := range buckets {
			row := s.rows[b]
			filled = append(filled, row == nil)
			if row == nil {
				row = make([]any, in.NumFields())
				for k, c := range g.spec.SeriesKeys {
					row[c] = s.keys[k]
				}
				row[g.spec.Bucket] = Timestamp(b)
			}
			out = append(out, row)
			times = append(times, b)
		}
		for _, b := range after {
			out, times, filled = append(out, s.rows[b]), append(times, b), append(filled, false)
		}
		extra := make([][]any, len(g.spec.Columns))
		for k, col := range g.spec.Columns {
			extra[k] = fillColumn(out, times, filled, col, g.spec.NullsAreGaps)
		}
		for r, row := range out {
			for c, v := range row {
				appendValue(builders[c], v)
			}
			for k := range g.spec.Columns {
				appendValue(builders[in.NumFields()+k], extra[k][r])
			}
			n++
		}
	}
	cols := make([]arrow.Array, len(builders))
	for i, b := range builders {
		cols[i] = b.NewArray()
	}
	g.cur = array.NewRecord(g.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	if n == 0 {
		return nil, nil
	}
	return g.cur, nil
}

// fillColumn computes locf or interpolate over one series' rows (filled:
// the rows added for missing buckets; nullsAreGaps: NULL values are filled
// too).
func fillColumn(rows [][]any, times []int64, filled []bool, col GapFillColumn, nullsAreGaps bool) []any {
	out := make([]any, len(rows))
	// has[i]: row i has a value of its own, which stays and fills others.
	has := make([]bool, len(rows))
	for i, r := range rows {
		has[i] = !filled[i] && (r[col.Source] != nil || !(nullsAreGaps || col.TreatNullAsMissing && !col.Interpolate))
	}
	if !col.Interpolate {
		last := col.Prev
		for i, r := range rows {
			if has[i] {
				last = r[col.Source]
			}
			out[i] = last
		}
		return out
	}
	// next[i]: the first row from i on that has a value (-1: none).
	next := make([]int, len(rows)+1)
	next[len(rows)] = -1
	for i := len(rows) - 1; i >= 0; i-- {
		next[i] = next[i+1]
		if has[i] {
			next[i] = i
		}
	}
	p := -1 // the last row before i that has a value
	for i, r := range rows {
		if has[i] {
			out[i] = r[col.Source]
			p = i
			continue
		}
		nx := next[i]
		if p < 0 || nx < 0 || rows[p][col.Source] == nil || rows[nx][col.Source] == nil {
			continue
		}
		out[i] = interpolate(rows[p][col.Source], rows[nx][col.Source], times[p], times[i], times[nx])
	}
	return out
}

// interpolate is the value at x on the line through (x0, y0) and (x1, y1),
// computed as TimescaleDB does: (y0*(x1-x) + y1*(x-x0)) / (x1-x0), exactly
// for integers (rounded half away from zero; the result lies between y0
// and y1, so it fits) and in float8 for floats.
func interpolate(y0, y1 any, x0, x, x1 int64) any {
	if a, ok := y0.(int64); ok {
		b := y1.(int64)
		num := new(big.Int).Mul(big.NewInt(a), big.NewInt(x1-x))
		num.Add(num, new(big.Int).Mul(big.NewInt(b), big.NewInt(x-x0)))
		den := big.NewInt(x1 - x0)
		q, r := new(big.Int).QuoRem(num, den, new(big.Int))
		if r.Sign() != 0 && new(big.Int).Abs(new(big.Int).Lsh(r, 1)).Cmp(den) >= 0 {
			q.Add(q, big.NewInt(int64(num.Sign())))
		}
		return q.Int64()
	}
	a, b := toFloat(y0), toFloat(y1)
	return (a*float64(x1-x) + b*float64(x-x0)) / float64(x1-x0)
}

// reserve accounts n more bytes to the query.
func (g *GapFill) reserve(n int64) error {
	if g.c == nil {
		return nil
	}
	g.reserved += n
	return g.c.Reserve(n)
}

func (g *GapFill) Close() {
	if g.c != nil && g.reserved != 0 {
		g.c.Reserve(-g.reserved)
		g.reserved = 0
	}
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	g.child.Close()
}
