package ingest

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/metrics/metricstest"
)

// TestWriteMetrics: each endpoint's requests are counted by status class;
// lines stored and rejected and body bytes move by what was sent.
func TestWriteMetrics(t *testing.T) {
	reg := metrics.NewRegistry()
	s := newServer(t, Options{Metrics: reg})
	good := []byte("cpu,host=a usage=1 1700000000000000000\ncpu,host=b usage=2 1700000000000000000\n")
	partial := []byte("cpu,host=a usage=1 1700000000000000000\ncpu,host=b usage=\"x\" 1700000000000000000\nnot line protocol\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(good)
	require.NoError(t, zw.Close())

	code, _ := s.do("POST", "/api/v3/write_lp?db=m", good)
	require.Equal(t, 204, code)
	code, _ = s.do("POST", "/api/v3/write_lp?db=m", partial) // 1 stored, 2 rejected
	require.Equal(t, 400, code)
	code, _ = s.do("POST", "/api/v2/write?bucket=m", partial) // all or nothing: 0 stored, 2 rejected
	require.Equal(t, 400, code)
	code, _ = s.do("POST", "/write?db=m", gz.Bytes(), "Content-Encoding", "gzip")
	require.Equal(t, 204, code)
	code, _ = s.do("POST", "/write", good) // no db: refused before the body is read
	require.Equal(t, 400, code)

	sc := metricstest.Of(t, reg)
	for _, tt := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"strata_write_requests_total", []string{"endpoint", "v3", "status", "2xx"}, 1},
		{"strata_write_requests_total", []string{"endpoint", "v3", "status", "4xx"}, 1},
		{"strata_write_requests_total", []string{"endpoint", "v2", "status", "4xx"}, 1},
		{"strata_write_requests_total", []string{"endpoint", "v1", "status", "2xx"}, 1},
		{"strata_write_requests_total", []string{"endpoint", "v1", "status", "4xx"}, 1},
		{"strata_write_requests_total", []string{"endpoint", "v1", "status", "5xx"}, 0},
		{"strata_write_duration_seconds_count", []string{"endpoint", "v1"}, 2},
		{"strata_write_duration_seconds_count", []string{"endpoint", "v3"}, 2},
		{"strata_write_lines_total", nil, 2 + 1 + 2},
		{"strata_write_lines_rejected_total", nil, 2 + 2},
		{"strata_write_bytes_total", nil, float64(2*len(good) + 2*len(partial))},
	} {
		got, ok := sc.Value(tt.name, tt.labels...)
		require.True(t, ok, "%s %v missing", tt.name, tt.labels)
		require.Equal(t, tt.want, got, "%s %v", tt.name, tt.labels)
	}
}
