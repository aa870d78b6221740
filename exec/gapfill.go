package exec

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// GapFillColumn is a locf() or interpolate() output over column Source of
// the gap-filled rows.
type GapFillColumn struct {
	Interpolate bool
	Source      int
	DT          arrow.DataType
}

// GapFillSpec describes time_bucket_gapfill: the bucket column of the
// (aggregated) input, the bucket width and origin, the [Start, End) range
// whose every bucket must appear, and the key columns that identify a
// series (each series is filled on its own).
type GapFillSpec struct {
	Bucket     int
	Width      int64 // ns
	Origin     int64
	Start, End int64
	SeriesKeys []int
	Columns    []GapFillColumn
}

// GapFill adds a row for every missing bucket of every series (key columns
// copied, other columns NULL) and appends the locf/interpolate columns.
// Rows come out per series in bucket order.
type GapFill struct {
	child  Operator
	spec   GapFillSpec
	schema *arrow.Schema
	done   bool
	cur    arrow.Record
}

// NewGapFill fills child's gaps; names name the appended columns.
func NewGapFill(child Operator, spec GapFillSpec, names []string) *GapFill {
	fields := append([]arrow.Field(nil), child.Schema().Fields()...)
	for i, f := range fields {
		if IsText(f.Type) {
			fields[i].Type = TypeText // rows are rebuilt: tags become plain text
		}
	}
	for i, c := range spec.Columns {
		fields = append(fields, arrow.Field{Name: names[i], Type: c.DT, Nullable: true})
	}
	return &GapFill{child: child, spec: spec, schema: arrow.NewSchema(fields, nil)}
}

func (g *GapFill) Schema() *arrow.Schema { return g.schema }

func (g *GapFill) bucket(t int64) int64 {
	d := t - g.spec.Origin
	q := d / g.spec.Width
	if d%g.spec.Width < 0 {
		q--
	}
	return g.spec.Origin + q*g.spec.Width
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
			a := rec.Column(c)
			get, err := valueGetter(a)
			if err != nil {
				return nil, err
			}
			getters[c] = func(i int) any {
				if a.IsNull(i) {
					return nil
				}
				return get(i)
			}
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
	if g.spec.Width <= 0 {
		return nil, fmt.Errorf("gapfill: the bucket width must be positive")
	}
	first, last := g.bucket(g.spec.Start), g.bucket(g.spec.End-1)
	if (last-first)/g.spec.Width > 10_000_000 {
		return nil, fmt.Errorf("gapfill would create more than 10 million buckets; narrow the time range or widen the buckets")
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
			out, times = append(out, s.rows[b]), append(times, b)
		}
		for b := first; b <= last; b += g.spec.Width {
			row := s.rows[b]
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
			out, times = append(out, s.rows[b]), append(times, b)
		}
		extra := make([][]any, len(g.spec.Columns))
		for k, col := range g.spec.Columns {
			extra[k] = fillColumn(out, times, col)
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

// fillColumn computes locf or interpolate over one series' rows.
func fillColumn(rows [][]any, times []int64, col GapFillColumn) []any {
	out := make([]any, len(rows))
	if !col.Interpolate {
		var last any
		for i, r := range rows {
			if v := r[col.Source]; v != nil {
				last = v
			}
			out[i] = last
		}
		return out
	}
	for i, r := range rows {
		if v := r[col.Source]; v != nil {
			out[i] = v
			continue
		}
		p, nx := -1, -1
		for j := i - 1; j >= 0; j-- {
			if rows[j][col.Source] != nil {
				p = j
				break
			}
		}
		for j := i + 1; j < len(rows); j++ {
			if rows[j][col.Source] != nil {
				nx = j
				break
			}
		}
		if p < 0 || nx < 0 {
			continue
		}
		a, b := toFloat(rows[p][col.Source]), toFloat(rows[nx][col.Source])
		f := a + (b-a)*float64(times[i]-times[p])/float64(times[nx]-times[p])
		if col.DT.ID() == arrow.INT64 {
			out[i] = int64(math.Round(f))
		} else {
			out[i] = f
		}
	}
	return out
}

func (g *GapFill) Close() {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	g.child.Close()
}
