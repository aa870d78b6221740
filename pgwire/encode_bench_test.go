package pgwire

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
)

// tsbsRows is a TSBS cpu-shaped result: ten tags, time and ten float
// fields (high-cpu-all's SELECT *), in batches of 8,192 rows, a series
// (the same tags) every 1,000 rows as in files sorted by series.
func tsbsRows(t testing.TB, batches int) (*arrow.Schema, []arrow.Record, []planner.Column) {
	mem := memory.DefaultAllocator
	var fields []arrow.Field
	var cols []planner.Column
	for j := 0; j < 10; j++ {
		fields = append(fields, arrow.Field{Name: "tag" + strconv.Itoa(j), Type: exec.TypeTag, Nullable: true})
	}
	fields = append(fields, arrow.Field{Name: "time", Type: exec.TypeTimestamptz})
	for j := 0; j < 10; j++ {
		fields = append(fields, arrow.Field{Name: "usage" + strconv.Itoa(j), Type: arrow.PrimitiveTypes.Float64, Nullable: true})
	}
	for _, f := range fields {
		cols = append(cols, planner.Column{Name: f.Name, Type: f.Type})
	}
	schema := arrow.NewSchema(fields, nil)
	const n = 8192
	var recs []arrow.Record
	for b := 0; b < batches; b++ {
		rb := array.NewRecordBuilder(mem, schema)
		for j := 0; j < 10; j++ {
			db := rb.Field(j).(*array.BinaryDictionaryBuilder)
			for i := 0; i < n; i++ {
				if j == 9 && i%97 == 0 {
					db.AppendNull()
					continue
				}
				series := (b*n + i) / 1000 // files are sorted by series
				require.NoError(t, db.AppendString("value_"+strconv.Itoa(j)+"_"+strconv.Itoa(series%(10+j*3))))
			}
		}
		tb := rb.Field(10).(*array.TimestampBuilder)
		for i := 0; i < n; i++ {
			tb.Append(arrow.Timestamp(1451606400000000000 + int64(b*n+i)*10_000_000_000))
		}
		for j := 11; j < 21; j++ {
			fb := rb.Field(j).(*array.Float64Builder)
			for i := 0; i < n; i++ {
				fb.Append(float64((i*31+j*7)%10000) / 100)
			}
		}
		recs = append(recs, rb.NewRecord())
		rb.Release()
	}
	return schema, recs, cols
}

// tenth hands out recs with about every tenth row selected, as a filtered
// scan does (exec.Selector): high-cpu-all keeps 9% of the rows it reads.
type tenth struct {
	*exec.Values
	sel []int32
}

func (t *tenth) SelectRows() bool { return true }

func (t *tenth) NextSelected(ctx context.Context) (arrow.Record, []int32, error) {
	rec, err := t.Next(ctx)
	if rec == nil || err != nil {
		return rec, nil, err
	}
	t.sel = t.sel[:0]
	for i := int32(0); i < int32(rec.NumRows()); i++ {
		if (uint32(i)*2654435761)>>7%10 == 0 {
			t.sel = append(t.sel, i)
		}
	}
	return rec, t.sel, nil
}

// streamTo runs stream over recs into w as a connection would; with
// selected, about a tenth of the rows are sent.
func streamTo(t testing.TB, w io.Writer, schema *arrow.Schema, recs []arrow.Record, cols []planner.Column, format int16, limit int64, selected bool) int64 {
	c := &conn{sess: newSession("u", "db", 0)}
	c.out.w = w
	c.be = pgproto3.NewBackend(bytes.NewReader(nil), &c.out)
	formats := make([]int16, len(cols))
	for j := range formats {
		formats[j] = format
	}
	p := &portal{op: exec.NewValues(schema, recs...), cols: cols, formats: formats}
	if selected {
		p.op, p.selecting = &tenth{Values: p.op.(*exec.Values)}, true
	}
	defer p.close()
	var total int64
	for {
		n, more, err := c.stream(context.Background(), p, formats, limit)
		require.NoError(t, err)
		total += n
		if !more {
			break
		}
	}
	require.NoError(t, c.out.send())
	return total
}

// BenchmarkStreamRows encodes rows of TSBS's cpu table (high-cpu-all's
// result shape) as DataRows, in pgx's binary formats and psql's text: all
// 40,960 rows of five batches, and a tenth of 409,600 rows picked by a
// selection as a filtered scan hands them over. It reports rows/s and MB/s
// of wire bytes; the client is io.Discard.
func BenchmarkStreamRows(b *testing.B) {
	b.Run("all", func(b *testing.B) { benchStream(b, 5, false) })
	b.Run("tenth", func(b *testing.B) { benchStream(b, 50, true) })
}

func benchStream(b *testing.B, batches int, selected bool) {
	schema, recs, cols := tsbsRows(b, batches)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, f := range []struct {
		name   string
		format int16
	}{{"binary", 1}, {"text", 0}} {
		b.Run(f.name, func(b *testing.B) {
			var cw countWriter
			streamTo(b, &cw, schema, recs, cols, f.format, 0, selected)
			b.SetBytes(cw.n)
			b.ResetTimer()
			start := time.Now()
			var rows int64
			for i := 0; i < b.N; i++ {
				rows += streamTo(b, io.Discard, schema, recs, cols, f.format, 0, selected)
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
		})
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
