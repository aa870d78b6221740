package ingest

import (
	"fmt"
	"net/http"
	"time"

	"github.com/stratadb/strata/metrics"
)

// Write endpoints, as the endpoint label names them.
const (
	endpointV1 = iota // POST /write
	endpointV2        // POST /api/v2/write
	endpointV3        // POST /api/v3/write_lp
)

var endpointNames = [...]string{endpointV1: "v1", endpointV2: "v2", endpointV3: "v3"}

// writeMetrics are the write API's counters: per request and per body,
// never per line.
type writeMetrics struct {
	reg       *metrics.Registry
	requests  [len(endpointNames)][6]*metrics.Counter // by endpoint, status/100
	duration  [len(endpointNames)]*metrics.Histogram
	lines     *metrics.Counter
	rejected  *metrics.Counter
	bodyBytes *metrics.Counter
}

const (
	requestsName = "strata_write_requests_total"
	requestsHelp = "Write requests, by endpoint (v1 /write, v2 /api/v2/write, v3 /api/v3/write_lp) and status class."
)

func newWriteMetrics(reg *metrics.Registry) *writeMetrics {
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	m := &writeMetrics{
		reg:       reg,
		lines:     reg.Counter("strata_write_lines_total", "Line-protocol lines stored."),
		rejected:  reg.Counter("strata_write_lines_rejected_total", "Line-protocol lines rejected as invalid (with accept_partial=false, v1 and v2 the valid lines of such a request are not stored and not counted)."),
		bodyBytes: reg.Counter("strata_write_bytes_total", "Line-protocol bytes received in write request bodies, after gzip decompression."),
	}
	for ep, name := range endpointNames {
		for _, class := range []int{2, 4, 5} {
			m.requests[ep][class] = reg.Counter(requestsName, requestsHelp, metrics.L("endpoint", name), metrics.L("status", fmt.Sprintf("%dxx", class)))
		}
		m.duration[ep] = reg.Histogram("strata_write_duration_seconds", "Time to answer a write request (reading, parsing, WAL fsync), by endpoint.", metrics.LatencyBuckets, metrics.L("endpoint", name))
	}
	return m
}

// counted wraps an endpoint's handler to count its requests by status and
// time them. It goes outside recover, so a panic counts as the 500 it is
// answered with.
func (m *writeMetrics) counted(ep int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &metrics.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		m.duration[ep].Since(start)
		status := sw.Status()
		if status == 0 {
			status = http.StatusOK
		}
		class := status / 100
		var c *metrics.Counter
		if class < len(m.requests[ep]) {
			c = m.requests[ep][class]
		}
		if c == nil { // 1xx, 3xx: never answered today
			c = m.reg.Counter(requestsName, requestsHelp, metrics.L("endpoint", endpointNames[ep]), metrics.L("status", fmt.Sprintf("%dxx", class)))
		}
		c.Inc()
	})
}
