package pqfile

import (
	"bytes"
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FuzzOpenRead opens and reads arbitrary bytes: a corrupt file must yield an
// error, never a panic, and leak no Arrow memory.
func FuzzOpenRead(f *testing.F) {
	recs := mixedRecords(memory.DefaultAllocator, 60, 60, 0, 1)
	var buf bytes.Buffer
	if _, err := Write(&buf, mixedSchema(), recs, WriteOptions{RowGroupRows: 30, PageRows: 8}); err != nil {
		f.Fatal(err)
	}
	releaseAll(recs)
	valid := buf.Bytes()
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte("PAR1PAR1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		file, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, opts := range []ReadOptions{
			{Alloc: mem, BatchRows: 16},
			{Alloc: mem, MinTime: 10, MaxTime: 40, Tags: []TagFilter{{Column: "host", Values: []string{"host-00"}}}},
		} {
			r := file.NewReader(context.Background(), opts)
			for r.Next() {
				if err := array.ValidateRecordFull(r.Record()); err != nil {
					t.Fatalf("invalid record: %v", err)
				}
			}
			r.Release()
		}
	})
}
