package metrics

import "time"

// Queries are the metrics of one query interface (http, pg, flight): the
// strata_queries_total, strata_query_duration_seconds and
// strata_query_rows_returned_total series labelled with it.
type Queries struct {
	ok, failed *Counter
	duration   *Histogram
	rows       *Counter
}

// NewQueries registers the query metrics of interface iface in r.
func NewQueries(r *Registry, iface string) *Queries {
	const total = "strata_queries_total"
	const totalHelp = "SQL statements run, by interface (http, pg, flight) and outcome (ok, error)."
	l := L("interface", iface)
	return &Queries{
		ok:       r.Counter(total, totalHelp, l, L("outcome", "ok")),
		failed:   r.Counter(total, totalHelp, l, L("outcome", "error")),
		duration: r.Histogram("strata_query_duration_seconds", "Time from receiving a statement to sending the end of its result, by interface.", LatencyBuckets, l),
		rows:     r.Counter("strata_query_rows_returned_total", "Result rows sent to clients, by interface.", l),
	}
}

// Done records a statement that started at start, sent rows rows and
// failed or not. A nil q records nothing (a server made without metrics).
func (q *Queries) Done(start time.Time, rows int64, failed bool) {
	if q == nil {
		return
	}
	q.duration.Since(start)
	if failed {
		q.failed.Inc()
	} else {
		q.ok.Inc()
	}
	if rows > 0 {
		q.rows.Add(uint64(rows))
	}
}
