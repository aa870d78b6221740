package storage

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

func tableSchema(cols ...ColumnMeta) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: ArrowType(c.Type), Nullable: c.Type != TypeTime}
	}
	return arrow.NewSchema(fields, nil)
}

func TestMergeDedup(t *testing.T) {
	schema := tableSchema(ColumnMeta{Name: "time", Type: TypeTime}, ColumnMeta{Name: "host", Type: TypeTag}, ColumnMeta{Name: "region", Type: TypeTag},
		ColumnMeta{Name: "usage", Type: TypeFloat}, ColumnMeta{Name: "n", Type: TypeInt}, ColumnMeta{Name: "msg", Type: TypeString}, ColumnMeta{Name: "ok", Type: TypeBool})
	tests := []struct {
		name    string
		batches [][]string
		want    []string
	}{
		{
			name:    "sorts by tags then time",
			batches: [][]string{{"20 host=b usage=1", "10 host=b usage=2", "30 host=a usage=3", "5 host=a,region=x usage=4"}},
			want:    []string{"time=30 host=a usage=3", "time=5 host=a region=x usage=4", "time=10 host=b usage=2", "time=20 host=b usage=1"},
		},
		{
			name:    "later write wins per field",
			batches: [][]string{{"10 host=a usage=1,n=5i"}, {"10 host=a usage=2,msg=\"hi\""}, {"10 host=a ok=true"}},
			want:    []string{"time=10 host=a usage=2 n=5 msg=hi ok=true"},
		},
		{
			name:    "duplicates inside one write: last row wins",
			batches: [][]string{{"10 host=a usage=1", "10 host=a usage=7", "10 host=b usage=3"}},
			want:    []string{"time=10 host=a usage=7", "time=10 host=b usage=3"},
		},
		{
			name:    "null tag is its own series and sorts first",
			batches: [][]string{{"10 host=a usage=1", "10 - usage=2", "10 region=x usage=3"}},
			want:    []string{"time=10 usage=2", "time=10 region=x usage=3", "time=10 host=a usage=1"},
		},
		{
			name:    "different dictionaries are unified",
			batches: [][]string{{"1 host=z n=1i", "1 host=y n=2i"}, {"1 host=y n=3i", "2 host=x n=4i"}},
			want:    []string{"time=2 host=x n=4", "time=1 host=y n=3", "time=1 host=z n=1"},
		},
		{
			name:    "series without tags",
			batches: [][]string{{"3 - usage=1", "1 - usage=2", "3 - n=4i"}},
			want:    []string{"time=1 usage=2", "time=3 usage=1 n=4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recs []arrow.Record
			for _, rows := range tt.batches {
				recs = append(recs, batchOf(t, "cpu", rows...).toRecord())
			}
			for _, chunk := range []int{1, 2, 1000} {
				out, err := mergeDedup(schema, recs, chunk, allTime)
				require.NoError(t, err)
				require.Equal(t, tt.want, rowsOf(t, out...), "chunk %d", chunk)
				for _, r := range out {
					require.LessOrEqual(t, int(r.NumRows()), chunk)
					r.Release()
				}
			}
		})
	}
}

func TestMergeRejectsTypeMismatch(t *testing.T) {
	schema := tableSchema(ColumnMeta{Name: "time", Type: TypeTime}, ColumnMeta{Name: "usage", Type: TypeInt})
	rec := batchOf(t, "cpu", "1 - usage=1.5").toRecord()
	_, err := mergeDedup(schema, []arrow.Record{rec}, 10, allTime)
	require.ErrorContains(t, err, `column "usage" is float64, want int64`)
}

// tsbsBatch builds a TSBS-like cpu batch: hosts series × steps rows, time
// major, 10 tags and 10 int fields.
func tsbsBatch(hosts, steps int, t0 int64) *TableBatch {
	n := hosts * steps
	b := &TableBatch{Table: "cpu", Rows: n, Time: make([]int64, n)}
	tagNames := []string{"hostname", "region", "datacenter", "rack", "os", "arch", "team", "service", "service_version", "service_environment"}
	for k, name := range tagNames {
		tc := TagColumn{Name: name, Codes: make([]int32, n)}
		for h := 0; h < hosts; h++ {
			tc.Dict = append(tc.Dict, fmt.Sprintf("%s_%d", name, h*(k+1)%(hosts/(k+1)+1)))
		}
		for i := range tc.Codes {
			tc.Codes[i] = int32(i % hosts)
		}
		b.Tags = append(b.Tags, tc)
	}
	for i := range b.Time {
		b.Time[i] = t0 + int64(i/hosts)*10e9
	}
	for f := 0; f < 10; f++ {
		fc := FieldColumn{Name: fmt.Sprintf("usage_%d", f), Type: TypeInt, Ints: make([]int64, n)}
		for i := range fc.Ints {
			fc.Ints[i] = int64((i*7 + f*13) % 101)
		}
		b.Fields = append(b.Fields, fc)
	}
	return b
}

func BenchmarkMergeDedupTSBS(b *testing.B) {
	var recs []arrow.Record
	var cols []ColumnMeta
	for i := 0; i < 100; i++ { // 100 writes of 10k rows = 1M rows
		batch := tsbsBatch(100, 100, int64(i)*100*10e9)
		recs = append(recs, batch.toRecord())
		if i == 0 {
			cols = append(cols, ColumnMeta{Name: "time", Type: TypeTime})
			for _, t := range batch.Tags {
				cols = append(cols, ColumnMeta{Name: t.Name, Type: TypeTag})
			}
			for _, f := range batch.Fields {
				cols = append(cols, ColumnMeta{Name: f.Name, Type: TypeInt})
			}
		}
	}
	schema := tableSchema(cols...)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := mergeDedup(schema, recs, persistChunkRows, allTime)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range out {
			r.Release()
		}
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "rows/s")
}
