package ingest

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// BenchmarkWriteV3 is the write path of one request, in process: body,
// parse, WAL append (no_sync: no fsync wait, so the CPU cost shows), write
// buffer, answer. 1,000 TSBS-like lines a request.
func BenchmarkWriteV3(b *testing.B) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: b.TempDir(), Logger: logger})
	require.NoError(b, err)
	defer e.Close()
	mux := http.NewServeMux()
	NewHandler(e, Options{Logger: logger}).Register(mux)
	var body bytes.Buffer
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&body, "cpu,hostname=host_%d,region=eu-west-1,datacenter=eu-west-1a,rack=%d,os=Ubuntu16.04LTS usage_user=%di,usage_system=%di,usage_idle=%di,usage_nice=%di 1700000000%09d\n",
			i%100, i%10, i%97, i%89, i%83, i%79, i)
	}
	b.SetBytes(int64(body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v3/write_lp?db=bench&no_sync=true", bytes.NewReader(body.Bytes()))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			b.Fatalf("write: %d %s", rec.Code, rec.Body)
		}
	}
}
