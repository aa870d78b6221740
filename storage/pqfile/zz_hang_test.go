package pqfile

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestZZHang(t *testing.T) {
	recs := mixedRecords(memory.DefaultAllocator, 60, 60, 0, 1)
	var buf bytes.Buffer
	Write(&buf, mixedSchema(), recs, WriteOptions{RowGroupRows: 30, PageRows: 8})
	valid := buf.Bytes()
	rnd := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 200000; iter++ {
		data := bytes.Clone(valid)
		for k := 0; k < 1+rnd.IntN(4); k++ {
			data[rnd.IntN(len(data))] = byte(rnd.IntN(256))
		}
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				os.WriteFile("/tmp/hang.bin", data, 0o644)
				panic("hang")
			}
		}()
		file, err := Open(bytes.NewReader(data), int64(len(data)))
		if err == nil {
			for _, opts := range []ReadOptions{{BatchRows: 16}, {MinTime: 10, MaxTime: 40, Tags: []TagFilter{{Column: "host", Values: []string{"host-00"}}}}} {
				r := file.NewReader(context.Background(), opts)
				for r.Next() {
				}
				r.Release()
			}
		}
		close(done)
	}
}
