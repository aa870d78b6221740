package httpquery

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

func TestAppendTimeTextMatchesFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	vals := []int64{0, 1, -1, 1700000000000000000, 1700000000123000000, 1700000000000000001, math.MaxInt64, math.MinInt64}
	for range 10000 {
		vals = append(vals, r.Int64N(4e18)-2e18, r.Int64N(1e10)*1e9, r.Int64N(1e13)*1e6)
	}
	for _, ns := range vals {
		want := time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.999999999")
		require.Equal(t, want, string(appendTimeText(nil, ns)), ns)
	}
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
		require.Equal(t, string(want), string(appendJSONFloat(nil, f)), f)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		require.Equal(t, "null", string(appendJSONFloat(nil, f)))
	}
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "tab\t", "<html>&", "héllo", "\xff bad", "line\nbreak"} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendJSONString(nil, s)), s)
	}
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
