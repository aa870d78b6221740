package planner_test

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner/slt"
)

var (
	diffQueries = flag.Int("diff-queries", 400, "random queries TestRandomQueriesMatchPostgres runs")
	diffSeed    = flag.Uint64("diff-seed", 20261121, "seed of TestRandomQueriesMatchPostgres's queries")
)

// TestRandomQueriesMatchPostgres generates random SELECTs over the corpus's
// dataset (filters with three-valued logic, grouping, aggregates, HAVING,
// arithmetic, CASE, COALESCE, string and time functions, windows, DISTINCT,
// LIMIT over a total order) and requires Strata's rows, over the write
// buffer and over persisted, compacted files, to equal PostgreSQL 15's
// (floats to 12 significant digits, rows compared as sorted sets). A
// query PostgreSQL refuses is regenerated; one Strata refuses or answers
// otherwise fails the test with the query. -diff-queries and -diff-seed
// run more or other queries.
func TestRandomQueriesMatchPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	server, err := slt.StartPostgres(ctx)
	if err != nil {
		if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
			t.Fatalf("PostgreSQL 15 is needed: %v", err)
		}
		t.Skipf("PostgreSQL 15 is not installed (%v); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure", err)
	}
	defer server.Stop()
	pg, err := slt.ConnectPostgres(ctx, server.DSN)
	require.NoError(t, err)
	defer pg.Close(ctx)
	script, err := os.ReadFile(filepath.Join(sltDir, "data", "postgres.sql"))
	require.NoError(t, err)
	require.NoError(t, pg.Exec(ctx, "SET TimeZone = 'UTC'; "+string(script)))

	buffered := openSLT(t)
	e := openSLTEngine(t)
	require.NoError(t, e.Persist(ctx))
	_, err = e.Compact(ctx, true)
	require.NoError(t, err)
	persisted := sltExec(e)

	rng := rand.New(rand.NewPCG(*diffSeed, 1))
	compared, refused := 0, 0
	for compared < *diffQueries {
		q := randomQuery(rng)
		want, err := pg.Query(ctx, q)
		if err != nil {
			refused++
			require.Less(t, refused, 20+*diffQueries, "PostgreSQL refuses most generated queries; last: %s: %v", q, err)
			continue
		}
		compared++
		for name, x := range map[string]*strataExec{"buffered": buffered, "persisted": persisted} {
			got, err := x.Query(ctx, q)
			require.NoError(t, err, "%s: %s", name, q)
			wantLines, gotLines := renderBoth(t, want, got, q)
			if !linesClose(wantLines, gotLines) {
				require.Equal(t, wantLines, gotLines, "%s: rows differ from PostgreSQL's for\n%s", name, q)
			}
		}
	}
	t.Logf("%d random queries equal on PostgreSQL 15 and Strata (%d that PostgreSQL refused regenerated)", compared, refused)
}

// renderBoth renders both results with the same column type letters
// (floats and numerics as R on both sides), rows sorted.
func renderBoth(t *testing.T, want, got *slt.Result, q string) ([]string, []string) {
	t.Helper()
	width := len(want.Columns)
	types := make([]byte, width)
	for j := range types {
		types[j] = 'T'
		for _, res := range []*slt.Result{want, got} {
			for _, row := range res.Rows {
				if j >= len(row) || row[j] == nil {
					continue
				}
				l := slt.TypeLetter(row[j])
				if l == 'R' || types[j] == 'T' || types[j] == 'I' && l != 'I' {
					types[j] = l
				}
				break
			}
		}
	}
	w, err := slt.Render(string(types), slt.RowSort, want)
	require.NoError(t, err, "PostgreSQL's rows of %s", q)
	g, err := slt.Render(string(types), slt.RowSort, got)
	require.NoError(t, err, "Strata's rows of %s", q)
	return w, g
}

// linesClose compares rendered rows, floats to 1e-10 relative: rendering
// rounds to 12 significant digits, and PostgreSQL's exact numeric
// (stddev of integers) and Strata's float8 can round to either side.
func linesClose(want, got []string) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		w, g := strings.Fields(want[i]), strings.Fields(got[i])
		if len(w) != len(g) {
			return false
		}
		for j := range w {
			if w[j] == g[j] {
				continue
			}
			a, errA := strconv.ParseFloat(w[j], 64)
			b, errB := strconv.ParseFloat(g[j], 64)
			if errA != nil || errB != nil || math.Abs(a-b) > 1e-10*math.Max(1, math.Abs(a)) {
				return false
			}
		}
	}
	return true
}

// genTable is a table of the dataset with the columns queries use.
type genTable struct {
	name              string
	keys, texts       []string // tag-like and other text columns
	ints, floats      []string
	bools             []string
	order             string // a total order of its rows
	timeLo, timeHi    string
	likePrefix        []string
	textValues        []string
	intLo, intHi      int
	floatLo, floatHi  float64
	partition, series string
}

var genTables = []genTable{
	{
		name: "cpu", keys: []string{"hostname", "region", "datacenter", "os"}, texts: []string{"rack", "arch", "service_environment"},
		ints: []string{"usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait"}, order: "hostname, time",
		timeLo: "2016-01-01 00:00:00+00", timeHi: "2016-01-02 00:00:00+00", likePrefix: []string{"host_", "us-", "eu"},
		textValues: []string{"host_0", "host_1", "host_3", "us-west-1", "eu-central-1", "Ubuntu16.04LTS"}, intLo: 0, intHi: 100,
		partition: "hostname",
	},
	{
		name: "weather", keys: []string{"city", "station", "condition"}, ints: []string{"humidity"}, floats: []string{"temp", "pressure"},
		bools: []string{"raining"}, order: "city, station, time", timeLo: "2016-01-01 00:00:00+00", timeHi: "2016-01-05 00:00:00+00",
		likePrefix: []string{"O", "s", "L"}, textValues: []string{"Oslo", "Lima", "s1", "s2", "sunny", "snow"}, intLo: 30, intHi: 90,
		floatLo: -10, floatHi: 30, partition: "city",
	},
}

// randomQuery is one query of a random shape.
func randomQuery(r *rand.Rand) string {
	t := genTables[r.IntN(len(genTables))]
	switch r.IntN(9) {
	case 0, 1:
		return aggregateQuery(r, t)
	case 2:
		return projectionQuery(r, t)
	case 3:
		return windowQuery(r, t)
	case 4:
		return joinQuery(r)
	case 5:
		return subqueryQuery(r, t)
	case 6:
		return setQuery(r, t)
	case 7:
		return orderedQuery(r, t)
	}
	return distinctQuery(r, t)
}

// joinQuery joins cpu with hosts (hosts has a host cpu lacks and cpu
// hosts it lacks), inner or outer, with a grouping on top or not.
func joinQuery(r *rand.Rand) string {
	cpu := genTables[0]
	kind := pick(r, []string{"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"})
	cond := "c.hostname = h.hostname"
	if r.IntN(3) == 0 {
		cond += fmt.Sprintf(" AND c.%s > h.cores * %d", pick(r, cpu.ints), 1+r.IntN(5))
	}
	filter := ""
	if r.IntN(2) == 0 {
		filter = fmt.Sprintf(" WHERE h.team %s OR c.%s > %d", pick(r, []string{"= 'web'", "IS NULL", "<> 'db'"}), pick(r, cpu.ints), r.IntN(100))
	}
	if r.IntN(2) == 0 {
		return fmt.Sprintf("SELECT h.team, c.hostname, count(*), count(c.time), sum(c.%s), max(h.memory_gb) FROM cpu c %s hosts h ON %s%s GROUP BY 1, 2",
			pick(r, cpu.ints), kind, cond, filter)
	}
	return fmt.Sprintf("SELECT c.time, c.hostname, h.hostname, h.owner, c.%s, h.cores FROM cpu c %s hosts h ON %s%s",
		pick(r, cpu.ints), kind, cond, filter)
}

// subqueryQuery uses IN, NOT IN, EXISTS (correlated or not), scalar and
// derived-table subqueries.
func subqueryQuery(r *rand.Rand, t genTable) string {
	col := pick(r, t.ints)
	switch r.IntN(6) {
	case 0:
		return fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s IN (SELECT %s FROM %s WHERE %s)", t.partition, col, t.name, t.partition, t.partition, t.name, predicate(r, t, 1))
	case 1:
		return fmt.Sprintf("SELECT %s, count(*) FROM %s WHERE %s NOT IN (SELECT %s FROM %s WHERE %s AND %s IS NOT NULL) GROUP BY 1", t.partition, t.name, t.partition, t.partition, t.name, predicate(r, t, 1), t.partition)
	case 2:
		return fmt.Sprintf("SELECT %s, %s FROM %s a WHERE %sEXISTS (SELECT 1 FROM %s b WHERE b.%s = a.%s AND b.%s > a.%s + %d)", t.partition, col, t.name, pick(r, []string{"", "NOT "}), t.name, t.partition, t.partition, col, col, r.IntN(30))
	case 3:
		return fmt.Sprintf("SELECT %s, %s, (SELECT max(%s) FROM %s) - %s FROM %s%s", t.partition, col, col, t.name, col, t.name, where(r, t))
	case 4:
		return fmt.Sprintf("SELECT k, avg(v), count(*) FROM (SELECT %s AS k, %s AS v FROM %s%s) s GROUP BY k HAVING avg(v) > %d", t.partition, scalar(r, t), t.name, where(r, t), t.intLo+r.IntN(t.intHi-t.intLo))
	}
	return fmt.Sprintf("WITH s AS (SELECT %s AS k, %s AS v FROM %s%s) SELECT k, sum(v), min(v) FROM s GROUP BY k", t.partition, col, t.name, where(r, t))
}

// setQuery combines two filtered selections.
func setQuery(r *rand.Rand, t genTable) string {
	op := pick(r, []string{"UNION", "UNION ALL", "INTERSECT", "EXCEPT"})
	cols := fmt.Sprintf("%s, %s", t.partition, pick(r, t.ints))
	return fmt.Sprintf("SELECT %s FROM %s WHERE %s %s SELECT %s FROM %s WHERE %s", cols, t.name, predicate(r, t, 1), op, cols, t.name, predicate(r, t, 1))
}

// orderedQuery is a top-k: ORDER BY with NULLS FIRST/LAST, then the total
// order, LIMIT and OFFSET; string and cast expressions; DISTINCT ON.
func orderedQuery(r *rand.Rand, t genTable) string {
	if r.IntN(4) == 0 {
		tie := "" // time is unique within a host's rows, not a city's
		if t.name == "weather" {
			tie = ", station"
		}
		return fmt.Sprintf("SELECT DISTINCT ON (%s) %s, time, %s FROM %s%s ORDER BY %s, time DESC%s", t.partition, t.partition, pick(r, numericColumns(t)), t.name, where(r, t), t.partition, tie)
	}
	key := pick(r, append(append([]string(nil), t.keys...), numericColumns(t)...))
	str := pick(r, []string{
		fmt.Sprintf("substr(%s, 2, 3)", t.partition), fmt.Sprintf("replace(%s, 'o', '0')", t.partition),
		fmt.Sprintf("%s || '-' || coalesce(%s::text, '?')", t.partition, pick(r, t.ints)), fmt.Sprintf("lower(%s)", t.partition),
		fmt.Sprintf("split_part(%s, '_', 2)", t.partition), fmt.Sprintf("round(%s::numeric / 3, 1)", pick(r, t.ints)),
		fmt.Sprintf("(%s / 2)::int", pick(r, numericColumns(t))), fmt.Sprintf("%s ~ '^[a-m]'", t.partition),
		"date_bin('15 minutes', time, TIMESTAMPTZ '2000-01-01 00:00:00+00')", "time + interval '90 minutes'",
	})
	return fmt.Sprintf("SELECT %s, %s, time FROM %s%s ORDER BY %s %s NULLS %s, %s LIMIT %d OFFSET %d",
		key, str, t.name, where(r, t), key, pick(r, []string{"ASC", "DESC"}), pick(r, []string{"FIRST", "LAST"}), t.order, 1+r.IntN(30), r.IntN(10))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func numericColumns(t genTable) []string {
	return append(append([]string(nil), t.ints...), t.floats...)
}

// predicate is a random condition, three-valued where columns are NULL.
func predicate(r *rand.Rand, t genTable, depth int) string {
	if depth > 0 && r.IntN(3) == 0 {
		op := pick(r, []string{"AND", "OR"})
		p := fmt.Sprintf("(%s %s %s)", predicate(r, t, depth-1), op, predicate(r, t, depth-1))
		if r.IntN(4) == 0 {
			p = "NOT " + p
		}
		return p
	}
	switch r.IntN(10) {
	case 0:
		return fmt.Sprintf("%s %s %d", pick(r, t.ints), pick(r, []string{"=", "<>", "<", "<=", ">", ">="}), t.intLo+r.IntN(t.intHi-t.intLo+1))
	case 1:
		if len(t.floats) > 0 {
			return fmt.Sprintf("%s %s %.1f", pick(r, t.floats), pick(r, []string{"<", ">=", "<>"}), t.floatLo+r.Float64()*(t.floatHi-t.floatLo))
		}
		return fmt.Sprintf("%s BETWEEN %d AND %d", pick(r, t.ints), t.intLo+r.IntN(30), t.intLo+30+r.IntN(40))
	case 2:
		return fmt.Sprintf("%s %s '%s'", pick(r, t.keys), pick(r, []string{"=", "<>", "<", ">="}), pick(r, t.textValues))
	case 3:
		return fmt.Sprintf("%s IN ('%s', '%s')", pick(r, t.keys), pick(r, t.textValues), pick(r, t.textValues))
	case 4:
		return fmt.Sprintf("%s IS %sNULL", pick(r, append(append([]string(nil), t.keys...), numericColumns(t)...)), pick(r, []string{"", "NOT "}))
	case 5:
		return fmt.Sprintf("%s LIKE '%s%%'", pick(r, t.keys), pick(r, t.likePrefix))
	case 6:
		return fmt.Sprintf("time %s '%s'", pick(r, []string{">=", "<"}), randomTime(r, t))
	case 8:
		return pick(r, []string{"time < '2000-01-01 00:00:00+00'", "false", "NULL::boolean", "1 = 1"}) // none, all, unknown
	case 7:
		if len(t.bools) > 0 {
			return pick(r, []string{"raining", "NOT raining", "raining IS NOT TRUE"})
		}
		return fmt.Sprintf("%s %% 3 = %d", pick(r, t.ints), r.IntN(3))
	}
	return fmt.Sprintf("%s + %s > %d", pick(r, t.ints), pick(r, numericColumns(t)), t.intLo+r.IntN(t.intHi))
}

func randomTime(r *rand.Rand, t genTable) string {
	lo, _ := time.Parse("2006-01-02 15:04:05-07", t.timeLo)
	hi, _ := time.Parse("2006-01-02 15:04:05-07", t.timeHi)
	at := lo.Add(time.Duration(r.Int64N(int64(hi.Sub(lo)))).Truncate(time.Minute))
	return at.UTC().Format("2006-01-02 15:04:05") + "+00"
}

// scalar is a random expression of a row, of numeric, text or time type.
func scalar(r *rand.Rand, t genTable) string {
	n := numericColumns(t)
	switch r.IntN(12) {
	case 0:
		return fmt.Sprintf("%s %s %s", pick(r, n), pick(r, []string{"+", "-", "*"}), pick(r, n))
	case 1:
		return fmt.Sprintf("%s / %d", pick(r, t.ints), 1+r.IntN(7))
	case 2:
		return fmt.Sprintf("abs(%s - %d)", pick(r, n), t.intLo+r.IntN(t.intHi-t.intLo+1))
	case 3:
		return fmt.Sprintf("CASE WHEN %s THEN %s ELSE %d END", predicate(r, t, 0), pick(r, t.ints), r.IntN(10))
	case 4:
		return fmt.Sprintf("coalesce(%s, %d)", pick(r, n), r.IntN(5))
	case 5:
		return fmt.Sprintf("upper(%s)", pick(r, t.keys))
	case 6:
		return fmt.Sprintf("length(coalesce(%s, ''))", pick(r, append(append([]string(nil), t.keys...), t.texts...)))
	case 7:
		return fmt.Sprintf("date_trunc('%s', time)", pick(r, []string{"hour", "day", "minute"}))
	case 8:
		return fmt.Sprintf("extract(%s FROM time)", pick(r, []string{"hour", "minute", "dow", "day"}))
	case 9:
		return fmt.Sprintf("%s::float8 / 4", pick(r, t.ints))
	case 10:
		return fmt.Sprintf("(%s) * 2 - nullif(%s, %d)", numericScalar(r, t), pick(r, t.ints), t.intLo+r.IntN(10))
	}
	return fmt.Sprintf("greatest(%s, %d)", pick(r, t.ints), t.intLo+r.IntN(t.intHi-t.intLo+1))
}

// numericScalar is a random numeric expression of a row.
func numericScalar(r *rand.Rand, t genTable) string {
	n := numericColumns(t)
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s %s %s", pick(r, n), pick(r, []string{"+", "-", "*"}), pick(r, n))
	case 1:
		return fmt.Sprintf("CASE WHEN %s THEN %s END", predicate(r, t, 1), pick(r, n))
	case 2:
		return fmt.Sprintf("coalesce(%s, %s, %d)", pick(r, n), pick(r, n), r.IntN(9))
	}
	return fmt.Sprintf("%s %% %d", pick(r, t.ints), 2+r.IntN(5))
}

// aggregate is a random aggregate call.
func aggregate(r *rand.Rand, t genTable) string {
	n := numericColumns(t)
	switch r.IntN(10) {
	case 0:
		return "count(*)"
	case 1:
		return fmt.Sprintf("count(%s)", pick(r, append(append([]string(nil), t.keys...), n...)))
	case 2:
		return fmt.Sprintf("count(DISTINCT %s)", pick(r, t.keys))
	case 3:
		return fmt.Sprintf("sum(%s)", pick(r, t.ints))
	case 4:
		return fmt.Sprintf("avg(%s)", pick(r, n))
	case 5:
		return fmt.Sprintf("min(%s)", pick(r, append(append([]string(nil), t.keys...), n...)))
	case 6:
		return fmt.Sprintf("max(%s)", pick(r, append(append([]string(nil), t.keys...), n...)))
	case 7:
		return fmt.Sprintf("stddev(%s)", pick(r, n))
	case 8:
		return fmt.Sprintf("sum(%s) FILTER (WHERE %s)", pick(r, t.ints), predicate(r, t, 0))
	}
	return fmt.Sprintf("max(%s) - min(%s)", pick(r, n), pick(r, n))
}

func where(r *rand.Rand, t genTable) string {
	if r.IntN(4) == 0 {
		return ""
	}
	return " WHERE " + predicate(r, t, 2)
}

func aggregateQuery(r *rand.Rand, t genTable) string {
	var keys []string
	for i := r.IntN(3); i > 0; i-- {
		switch r.IntN(3) {
		case 0:
			keys = append(keys, pick(r, t.keys))
		case 1:
			keys = append(keys, fmt.Sprintf("date_trunc('%s', time)", pick(r, []string{"hour", "day"})))
		default:
			keys = append(keys, fmt.Sprintf("%s / 10", pick(r, t.ints)))
		}
	}
	outs := append([]string(nil), keys...)
	for i := 1 + r.IntN(3); i > 0; i-- {
		outs = append(outs, aggregate(r, t))
	}
	q := "SELECT " + strings.Join(outs, ", ") + " FROM " + t.name + where(r, t)
	if len(keys) > 0 {
		ords := make([]string, len(keys))
		for i := range keys {
			ords[i] = fmt.Sprint(i + 1)
		}
		q += " GROUP BY " + strings.Join(ords, ", ")
		if r.IntN(3) == 0 {
			q += fmt.Sprintf(" HAVING count(*) > %d", r.IntN(20))
		}
	}
	return q
}

func projectionQuery(r *rand.Rand, t genTable) string {
	outs := []string{"time", pick(r, t.keys)}
	for i := 1 + r.IntN(3); i > 0; i-- {
		outs = append(outs, scalar(r, t))
	}
	q := "SELECT " + strings.Join(outs, ", ") + " FROM " + t.name + where(r, t)
	if r.IntN(2) == 0 {
		q += fmt.Sprintf(" ORDER BY %s LIMIT %d", t.order, 1+r.IntN(50))
	}
	return q
}

func windowQuery(r *rand.Rand, t genTable) string {
	col := pick(r, numericColumns(t))
	fn := pick(r, []string{
		"row_number() OVER w", "rank() OVER (PARTITION BY %[1]s ORDER BY %[2]s)", "lag(%[2]s) OVER w",
		"sum(%[2]s) OVER w", "avg(%[2]s) OVER (PARTITION BY %[1]s)", "max(%[2]s) OVER (PARTITION BY %[1]s ORDER BY %[3]s ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
		"first_value(%[2]s) OVER w", "count(*) OVER (PARTITION BY %[1]s)",
	})
	within := strings.TrimPrefix(t.order, t.partition+", ") // a total order within a partition
	if strings.Contains(fn, "%") {
		fn = fmt.Sprintf(fn, t.partition, col, within)
	}
	return fmt.Sprintf("SELECT %s, time, %s, %s FROM %s%s WINDOW w AS (PARTITION BY %s ORDER BY %s)",
		t.order[:strings.Index(t.order, ",")], col, fn, t.name, where(r, t), t.partition, strings.TrimPrefix(t.order, t.partition+", "))
}

func distinctQuery(r *rand.Rand, t genTable) string {
	cols := []string{pick(r, t.keys)}
	if r.IntN(2) == 0 {
		cols = append(cols, scalar(r, t))
	}
	sort.Strings(cols)
	return "SELECT DISTINCT " + strings.Join(cols, ", ") + " FROM " + t.name + where(r, t)
}
