package pqfile

import (
	"fmt"
	"math/rand/v2"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// tsbs describes a deterministic TSBS cpu-like table: series × points rows,
// sorted by the tag columns then time, one point per series every step.
type tsbs struct {
	series, points int
	start, step    int64
	recRows        int // rows per record
}

var tsbsTags = []string{"hostname", "region", "datacenter", "rack", "os", "arch", "team", "service", "service_version", "service_environment"}

var tsbsFields = []string{"usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait", "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"}

// benchStart is 2024-01-01T00:00:00Z in nanoseconds.
const benchStart = int64(1704067200) * 1e9

func tsbsSchema() *arrow.Schema {
	fields := make([]arrow.Field, 0, 1+len(tsbsTags)+len(tsbsFields))
	for _, t := range tsbsTags {
		fields = append(fields, arrow.Field{Name: t, Type: tagArrowType, Nullable: true})
	}
	fields = append(fields, arrow.Field{Name: TimeColumn, Type: timeArrowType})
	for _, f := range tsbsFields {
		fields = append(fields, arrow.Field{Name: f, Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// tagValue is the value of tag t of series s; hostnames are zero padded so
// that the series sort by hostname in series order.
func tagValue(t, s int) string {
	if t == 0 {
		return fmt.Sprintf("host_%04d", s)
	}
	return fmt.Sprintf("%s_%d", tsbsTags[t], s%(t+2))
}

// records builds the table as records of recRows rows.
func (g tsbs) records(mem memory.Allocator) []arrow.Record {
	schema := tsbsSchema()
	rnd := rand.New(rand.NewPCG(1, 2))
	total := g.series * g.points
	var recs []arrow.Record
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	// Fields are random walks clamped to 0..100 with normal steps, like
	// TSBS's cpu data (rows are series-major, so one walk per series).
	walk := make([]float64, len(tsbsFields))
	for row := 0; row < total; row++ {
		s, p := row/g.points, row%g.points
		if p == 0 {
			for f := range walk {
				walk[f] = float64(rnd.IntN(101))
			}
		}
		for t := range tsbsTags {
			if err := b.Field(t).(*array.BinaryDictionaryBuilder).AppendString(tagValue(t, s)); err != nil {
				panic(err)
			}
		}
		b.Field(len(tsbsTags)).(*array.TimestampBuilder).Append(arrow.Timestamp(g.start + int64(p)*g.step))
		for f := range tsbsFields {
			walk[f] = min(100, max(0, walk[f]+rnd.NormFloat64()))
			b.Field(len(tsbsTags) + 1 + f).(*array.Int64Builder).Append(int64(walk[f]))
		}
		if (row+1)%g.recRows == 0 || row+1 == total {
			recs = append(recs, b.NewRecordBatch())
		}
	}
	return recs
}

func releaseAll(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
