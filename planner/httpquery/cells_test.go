package httpquery

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

func TestAppendTimeTextMatchesFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []int64{0, 1, -1, 1700000000000000000, 1700000000123000000, 1700000000000000001, math.MaxInt64 - 1, math.MinInt64 + 1}
	for range 10000 {
		vals = append(vals, r.Int64N(4e18)-2e18, r.Int64N(1e10)*1e9, r.Int64N(1e13)*1e6)
	}
	for _, ns := range vals {
		// The fraction in three, six or nine digits, as Arrow writes it.
		t0 := time.Unix(0, ns).UTC()
		layout := "2006-01-02T15:04:05.000000000"
		switch {
		case t0.Nanosecond() == 0:
			layout = "2006-01-02T15:04:05"
		case t0.Nanosecond()%1e6 == 0:
			layout = "2006-01-02T15:04:05.000"
		case t0.Nanosecond()%1e3 == 0:
			layout = "2006-01-02T15:04:05.000000"
		}
		require.Equal(t, t0.Format(layout), string(appendTimeText(nil, ns)), ns)
	}
	// The int64's ends are 'infinity' and '-infinity', as PostgreSQL
	// writes them.
	require.Equal(t, "infinity", string(appendTimeText(nil, math.MaxInt64)))
	require.Equal(t, "-infinity", string(appendTimeText(nil, math.MinInt64)))
	require.Equal(t, "2023-11-14T22:13:20.100", string(appendTimeText(nil, 1700000000100000000)))
	require.Equal(t, "2023-11-14T22:13:20.000001", string(appendTimeText(nil, 1700000000000001000)))
}

func TestJSONAppendersMatchEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	floats := []float64{0, -0.0, 1, 1.5, 1e-7, 1.2345e-9, 1e20, 1e21, 123456789e30, -3.25e-300, math.MaxFloat64, math.SmallestNonzeroFloat64}
	for range 10000 {
		floats = append(floats, r.NormFloat64()*math.Pow(10, float64(r.IntN(60)-30)))
	}
	for _, f := range floats {
		want, err := json.Marshal(f)
		require.NoError(t, err)
		if !strings.ContainsAny(string(want), ".e") {
			want = append(want, ".0"...) // a whole float stays a float, as Arrow writes it
		}
		require.Equal(t, string(want), string(appendJSONFloat(nil, f)), f)
	}
	require.Equal(t, "23.0", string(appendJSONFloat(nil, 23)))
	require.Equal(t, "-0.0", string(appendJSONFloat(nil, math.Copysign(0, -1))))
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		require.Equal(t, "null", string(appendJSONFloat(nil, f)))
	}
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\t", "<html>&", "héllo", "\xff bad", "line\nbreak"} {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // <, > and & as they are, as Arrow writes them
		require.NoError(t, enc.Encode(s))
		require.Equal(t, strings.TrimSuffix(b.String(), "\n"), string(appendJSONString(nil, s)), s)
	}
	require.Equal(t, `"<html>&"`, string(appendJSONString(nil, "<html>&")))
}

func TestDictionaryColumns(t *testing.T) {
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
	for _, v := range []string{"a,b", "plain", "", "a,b"} {
		require.NoError(t, b.AppendString(v))
	}
	b.AppendNull()
	d := b.NewArray()
	csv := textColumn(d, appendCSVField)
	js := jsonColumn(d)
	var gotCSV, gotJSON []string
	for i := 0; i < d.Len(); i++ {
		if d.IsNull(i) {
			continue
		}
		gotCSV = append(gotCSV, string(csv(nil, i)))
		gotJSON = append(gotJSON, string(js(nil, i)))
	}
	require.Equal(t, []string{`"a,b"`, "plain", "", `"a,b"`}, gotCSV)
	require.Equal(t, []string{`"a,b"`, `"plain"`, `""`, `"a,b"`}, gotJSON)
}

// TestCSVRowsMatchCells checks csvWriter.rows, which writes adjacent tags
// without NULLs as one run (exec.TagRows) and reads validity bitmaps
// directly, against the line built one cell at a time: tags in series
// runs, changing every row, needing quotes, with NULLs between them, a
// tag first and last, sliced records, all rows and selections.
func TestCSVRowsMatchCells(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	const n = 200
	tag := func(val func(i int) (string, bool)) arrow.Array {
		b := array.NewDictionaryBuilder(mem, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
		defer b.Release()
		for i := 0; i < n; i++ {
			if v, ok := val(i); ok {
				require.NoError(t, b.AppendString(v))
			} else {
				b.AppendNull()
			}
		}
		return b.NewArray()
	}
	ints := array.NewInt64Builder(mem)
	for i := 0; i < n; i++ {
		if i%9 == 4 {
			ints.AppendNull()
		} else {
			ints.Append(int64(i * 7))
		}
	}
	arrs := []arrow.Array{
		tag(func(i int) (string, bool) { return fmt.Sprintf("host_%d", i/10), true }),
		tag(func(i int) (string, bool) { return []string{"eu,west", `say "hi"`, " lead"}[i/10%3], true }),
		tag(func(i int) (string, bool) { return fmt.Sprint(i % 4), true }),
		ints.NewArray(),
		tag(func(i int) (string, bool) { return "a", true }),
		tag(func(i int) (string, bool) { return "b", i%5 != 0 }), // NULLs: not grouped
		tag(func(i int) (string, bool) { return fmt.Sprintf("c%d", i/30), true }),
		tag(func(i int) (string, bool) { return fmt.Sprintf("d%d", i/50), true }),
	}
	ints.Release()
	fields := make([]arrow.Field, len(arrs))
	for j, a := range arrs {
		fields[j] = arrow.Field{Name: fmt.Sprint("c", j), Type: a.DataType(), Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	whole := array.NewRecord(schema, arrs, n)
	for _, a := range arrs {
		a.Release()
	}
	defer whole.Release()
	sliced := whole.NewSlice(13, 170)
	defer sliced.Release()
	for _, rec := range []arrow.Record{whole, sliced} {
		var want []byte
		cells := make([]cellAppender, rec.NumCols())
		for j, a := range rec.Columns() {
			cells[j] = textColumn(a, appendCSVField)
		}
		var all, some []int32
		for i := 0; i < int(rec.NumRows()); i++ {
			all = append(all, int32(i))
			if i%3 != 1 {
				some = append(some, int32(i))
			}
		}
		for _, sel := range [][]int32{nil, some} {
			idx := all
			if sel != nil {
				idx = sel
			}
			want = want[:0]
			for _, i := range idx {
				for j, a := range rec.Columns() {
					if j > 0 {
						want = append(want, ',')
					}
					if !a.IsNull(int(i)) {
						want = cells[j](want, int(i))
					}
				}
				want = append(want, '\n')
			}
			var c csvWriter
			require.Equal(t, string(want), string(c.rows(nil, schema, rec, sel)), "rows %d, selected %v", rec.NumRows(), sel != nil)
		}
	}
}
