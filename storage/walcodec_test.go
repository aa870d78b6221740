package storage

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWALRecordRoundTrip(t *testing.T) {
	batches := []*TableBatch{
		batchOf(t, "cpu", "10 host=a,rack=r1 usage=1.5,n=-3i,msg=\"hi\",ok=true", "-20 host=b n=7i", "30 - usage=-0.25,ok=false"),
		batchOf(t, "mem", "5 host=a free=1i"),
		{Table: "empty"},
	}
	rec := encodeWrite(nil, "db/rp", batches)
	db, got, err := decodeWrite(rec)
	require.NoError(t, err)
	require.Equal(t, "db/rp", db)
	require.Len(t, got, 3)
	for i := range batches {
		require.Equal(t, rowsOf(t, batches[i].toRecord()), rowsOf(t, got[i].toRecord()))
	}
	for cut := 0; cut < len(rec); cut++ {
		_, _, err := decodeWrite(rec[:cut])
		require.Error(t, err, "a record cut at %d bytes is rejected", cut)
	}
}

// FuzzDecodeWrite: any bytes decode to valid batches or to an error, never a
// panic or an oversized allocation; valid records re-encode identically.
func FuzzDecodeWrite(f *testing.F) {
	b := &TableBatch{Table: "cpu", Rows: 2, Time: []int64{1, 2},
		Tags:   []TagColumn{{Name: "host", Dict: []string{"a"}, Codes: []int32{0, -1}}},
		Fields: []FieldColumn{{Name: "v", Type: TypeInt, Ints: []int64{5, 6}}, {Name: "s", Type: TypeString, Offsets: []int32{0, 1, 3}, Data: []byte("xyz")}}}
	f.Add(encodeWrite(nil, "db", []*TableBatch{b}))
	f.Add([]byte{1, 2, 'd', 'b', 1, 3, 'c', 'p', 'u', 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		db, batches, err := decodeWrite(data)
		if err != nil {
			return
		}
		again := encodeWrite(nil, db, batches)
		db2, batches2, err := decodeWrite(again)
		require.NoError(t, err)
		require.Equal(t, db, db2)
		require.Equal(t, len(batches), len(batches2))
		require.Equal(t, again, encodeWrite(nil, db2, batches2))
	})
}
