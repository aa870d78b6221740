package wal

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkAppendWait measures durable throughput: writers goroutines each
// Append a payload and Wait for it, b.N records in all, fsync on. MB/s comes
// from SetBytes; fsyncs/s and records/fsync show how well commits group.
func BenchmarkAppendWait(b *testing.B) {
	for _, size := range []int{64 << 10, 500_000, 1 << 20} {
		for _, writers := range []int{1, 4, 16} {
			b.Run(fmt.Sprintf("payload=%d/writers=%d", size, writers), func(b *testing.B) {
				benchAppendWait(b, size, writers)
			})
		}
	}
}

func benchAppendWait(b *testing.B, size, writers int) {
	l := openLog(b, b.TempDir(), Options{})
	payload := make([]byte, size)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range payload {
		payload[i] = byte(rng.Uint32())
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	before := l.Stats()
	for range writers {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				tk, err := l.Append(payload)
				if err == nil {
					err = tk.Wait()
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	fsyncs := float64(l.Stats().Fsyncs - before.Fsyncs)
	b.ReportMetric(fsyncs/b.Elapsed().Seconds(), "fsyncs/s")
	b.ReportMetric(float64(b.N)/max(fsyncs, 1), "records/fsync")
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAppend measures Append alone, the part the engine runs under its
// lock (no Wait: the no_sync path). The syncer still writes and fsyncs in the
// background, so this is bounded by the disk once MaxPendingBytes fills.
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("payload=%d", size), func(b *testing.B) {
			l := openLog(b, b.TempDir(), Options{})
			payload := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Append(payload); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
