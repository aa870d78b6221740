package tsbsq

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
)

// Query is one generated query instance.
type Query struct {
	Type string
	// SQL is the query text as TSBS's TimescaleDB runner sends it (no
	// trailing semicolon).
	SQL string
	// Ordered says the query's ORDER BY fixes the order of every result
	// row; when false (high-cpu-*) results compare as multisets.
	Ordered bool
}

// Types lists the 15 devops query types of the benchmark, in TSBS's order.
// (TSBS's 16th type, cpu-max-all-32-24, is available but not in this list.)
var Types = []string{
	"single-groupby-1-1-1", "single-groupby-1-1-12", "single-groupby-1-8-1",
	"single-groupby-5-1-1", "single-groupby-5-1-12", "single-groupby-5-8-1",
	"cpu-max-all-1", "cpu-max-all-8",
	"double-groupby-1", "double-groupby-5", "double-groupby-all",
	"high-cpu-1", "high-cpu-all",
	"groupby-orderby-limit", "lastpoint",
}

var specs = map[string]func(g *gen) Query{
	"single-groupby-1-1-1":  singleGroupBy(1, 1, 1),
	"single-groupby-1-1-12": singleGroupBy(1, 1, 12),
	"single-groupby-1-8-1":  singleGroupBy(1, 8, 1),
	"single-groupby-5-1-1":  singleGroupBy(5, 1, 1),
	"single-groupby-5-1-12": singleGroupBy(5, 1, 12),
	"single-groupby-5-8-1":  singleGroupBy(5, 8, 1),
	"cpu-max-all-1":         maxAll(1, 8*time.Hour),
	"cpu-max-all-8":         maxAll(8, 8*time.Hour),
	"cpu-max-all-32-24":     maxAll(32, 24*time.Hour),
	"double-groupby-1":      doubleGroupBy(1),
	"double-groupby-5":      doubleGroupBy(5),
	"double-groupby-all":    doubleGroupBy(len(tsbs.FieldKeys)),
	"high-cpu-1":            highCPU(1),
	"high-cpu-all":          highCPU(0),
	"groupby-orderby-limit": groupByOrderByLimit,
	"lastpoint":             lastPoint,
}

// Known reports whether name is a query type this package generates.
func Known(name string) bool {
	_, ok := specs[name]
	return ok
}

// Config is the data set the queries run on.
type Config struct {
	// Scale is the number of hosts (host_0 .. host_{Scale-1}).
	Scale int
	// Start and End bound the data's time range [Start, End).
	Start, End time.Time
	// Seed drives the windows and host choices.
	Seed uint64
}

// Generate returns n instances of the query type name.
func Generate(cfg Config, name string, n int) ([]Query, error) {
	f, ok := specs[name]
	if !ok {
		return nil, fmt.Errorf("tsbsq: unknown query type %q", name)
	}
	if cfg.Scale <= 0 {
		return nil, fmt.Errorf("tsbsq: scale %d: need at least one host", cfg.Scale)
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	g := &gen{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, h.Sum64()))}
	qs := make([]Query, 0, n)
	for range n {
		q := f(g)
		if g.err != nil {
			return nil, fmt.Errorf("tsbsq: %s: %w", name, g.err)
		}
		q.Type = name
		qs = append(qs, q)
	}
	return qs, nil
}

// gen is the random state of one type's instances.
type gen struct {
	cfg Config
	rng *rand.Rand
	err error
}

// window returns a random [s, s+d) inside the data's range.
func (g *gen) window(d time.Duration) (time.Time, time.Time) {
	span := g.cfg.End.Sub(g.cfg.Start) - d
	if span < 0 {
		if g.err == nil {
			g.err = fmt.Errorf("window %s does not fit in the data's range %s..%s", d, g.cfg.Start.Format(time.RFC3339), g.cfg.End.Format(time.RFC3339))
		}
		return g.cfg.Start, g.cfg.Start.Add(d)
	}
	if span == 0 {
		return g.cfg.Start, g.cfg.End
	}
	s := g.cfg.Start.Add(time.Duration(g.rng.Int64N(int64(span))))
	return s, s.Add(d)
}

// hosts returns the IN list of n distinct random hosts: 'host_3','host_9'.
func (g *gen) hosts(n int) string {
	if n > g.cfg.Scale {
		if g.err == nil {
			g.err = fmt.Errorf("%d hosts asked of a data set of %d", n, g.cfg.Scale)
		}
		n = g.cfg.Scale
	}
	perm := g.rng.Perm(g.cfg.Scale)[:n]
	var b strings.Builder
	for i, h := range perm {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("'host_")
		b.WriteString(strconv.Itoa(h))
		b.WriteByte('\'')
	}
	return b.String()
}

// literal formats t as TSBS does: microseconds, trailing zeros trimmed.
func literal(t time.Time) string {
	return "'" + t.UTC().Format("2006-01-02 15:04:05.999999 -0700") + "'"
}

// selectList joins f(metric) for the first n metrics with ", ".
func selectList(n int, f func(m string) string) string {
	parts := make([]string, n)
	for i, m := range tsbs.FieldKeys[:n] {
		parts[i] = f(m)
	}
	return strings.Join(parts, ", ")
}

func singleGroupBy(metrics, hosts, hours int) func(g *gen) Query {
	return func(g *gen) Query {
		s, e := g.window(time.Duration(hours) * time.Hour)
		sel := selectList(metrics, func(m string) string { return "max(" + m + ") as max_" + m })
		return Query{Ordered: true, SQL: fmt.Sprintf(`SELECT time_bucket('60 seconds', time) AS minute,
        %s
        FROM cpu
        WHERE hostname IN (%s) AND time >= %s AND time < %s
        GROUP BY minute ORDER BY minute ASC`, sel, g.hosts(hosts), literal(s), literal(e))}
	}
}

func maxAll(hosts int, d time.Duration) func(g *gen) Query {
	return func(g *gen) Query {
		s, e := g.window(d)
		sel := selectList(len(tsbs.FieldKeys), func(m string) string { return "max(" + m + ") as max_" + m })
		return Query{Ordered: true, SQL: fmt.Sprintf(`SELECT time_bucket('3600 seconds', time) AS hour,
        %s
        FROM cpu
        WHERE hostname IN (%s) AND time >= %s AND time < %s
        GROUP BY hour ORDER BY hour`, sel, g.hosts(hosts), literal(s), literal(e))}
	}
}

func doubleGroupBy(metrics int) func(g *gen) Query {
	return func(g *gen) Query {
		s, e := g.window(12 * time.Hour)
		sel := selectList(metrics, func(m string) string { return "avg(" + m + ") as mean_" + m })
		outer := selectList(metrics, func(m string) string { return "mean_" + m })
		return Query{Ordered: true, SQL: fmt.Sprintf(`
        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          %s
          FROM cpu
          WHERE time >= %s AND time < %s
          GROUP BY 1, 2
        )
        SELECT hour, hostname, %s
        FROM cpu_avg
        
        ORDER BY hour, hostname`, sel, literal(s), literal(e), outer)}
	}
}

// highCPU with hosts 0 means every host.
func highCPU(hosts int) func(g *gen) Query {
	return func(g *gen) Query {
		s, e := g.window(12 * time.Hour)
		where := " "
		if hosts > 0 {
			where = " AND hostname IN (" + g.hosts(hosts) + ")"
		}
		return Query{SQL: fmt.Sprintf(`SELECT * FROM cpu WHERE usage_user > 90.0 and time >= %s AND time < %s%s`, literal(s), literal(e), where)}
	}
}

func groupByOrderByLimit(g *gen) Query {
	_, e := g.window(time.Hour)
	return Query{Ordered: true, SQL: fmt.Sprintf(`SELECT time_bucket('60 seconds', time) AS minute, max(usage_user)
        FROM cpu
        WHERE time < %s
        GROUP BY minute
        ORDER BY minute DESC
        LIMIT 5`, literal(e))}
}

func lastPoint(*gen) Query {
	return Query{Ordered: true, SQL: `SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC`}
}
