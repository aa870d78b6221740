package planner_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/planner/slt"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

const sltDir = "../testdata/slt"

// strataExec runs sqllogictest records on Strata: sql → planner → exec.
type strataExec struct {
	p    *planner.Planner
	sess *planner.Session
	// twice: each SELECT is planned once and its plan run twice, the
	// second run's rows answering (as a prepared statement's kept plan
	// runs again); planned and reusable count those plans.
	twice             bool
	planned, reusable int
}

func (s *strataExec) Exec(ctx context.Context, q string) error {
	if stmts, err := sql.Parse(q); err == nil && len(stmts) == 1 && stmts[0].Kind == sql.Set && stmts[0].Name == "timezone" && len(stmts[0].Values) == 1 {
		// SET TIME ZONE 'zone' (a session setting, which pgwire keeps):
		// the session's zone for the records after it.
		loc, err := time.LoadLocation(stmts[0].Values[0])
		if err != nil {
			return err
		}
		sess := *s.sess
		sess.Location = loc
		s.sess = &sess
		return nil
	}
	_, err := s.Query(ctx, q)
	return err
}

func (s *strataExec) Query(ctx context.Context, q string) (*slt.Result, error) {
	query, op, err := s.open(ctx, q)
	if err != nil {
		return nil, err
	}
	recs, err := exec.Collect(ctx, op)
	if err != nil {
		return nil, planner.AsError(err)
	}
	res := &slt.Result{}
	for _, c := range query.Cols {
		res.Columns = append(res.Columns, slt.Column{Name: c.Name, Type: exec.SQLTypeName(c.Type)})
	}
	for _, rec := range recs {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = goValue(rec.Column(c), i)
				if t, ok := row[c].(time.Time); ok {
					switch query.Cols[c].PGType {
					case 1082:
						// A date is held as its midnight in the session's zone.
						y, m, d := t.In(s.sess.Location).Date()
						row[c] = slt.Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
					case 1114:
						row[c] = slt.Timestamp(t)
					}
				}
			}
			res.Rows = append(res.Rows, row)
		}
		rec.Release()
	}
	return res, nil
}

func (s *strataExec) open(ctx context.Context, q string) (*planner.Query, exec.Operator, error) {
	if !s.twice {
		return s.p.QueryText(ctx, s.sess, q, nil)
	}
	stmts, err := sql.Parse(q)
	if err != nil {
		return nil, nil, err
	}
	if len(stmts) != 1 || stmts[0].Kind != sql.Select {
		return s.p.QueryText(ctx, s.sess, q, nil)
	}
	query, err := s.p.PlanQuery(ctx, s.sess, stmts[0], nil)
	if err != nil {
		return nil, nil, err
	}
	s.planned++
	if query.Reusable {
		s.reusable++
	}
	op, _, err := s.p.Open(s.sess, query)
	if err != nil {
		return nil, nil, err
	}
	recs, err := exec.Collect(ctx, op)
	for _, r := range recs {
		r.Release()
	}
	if err != nil {
		return nil, nil, err
	}
	op, _, err = s.p.Open(s.sess, query)
	return query, op, err
}

// goValue converts a result value to the runner's Go types.
func goValue(a arrow.Array, i int) any {
	if a.IsNull(i) || a.DataType().ID() == arrow.NULL {
		return nil // a Null array has no validity bitmap
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.Dictionary:
		s, _ := exec.FormatValue(a, i, time.UTC)
		return s
	case *array.Timestamp:
		return time.Unix(0, int64(a.Value(i))).UTC()
	case *array.MonthDayNanoInterval:
		v := a.Value(i)
		return slt.Interval{Months: v.Months, Days: v.Days, Micros: v.Nanoseconds / 1000}
	}
	s, _ := exec.FormatValue(a, i, time.UTC)
	return s
}

// loadDataset writes the corpus's line-protocol files into database "slt".
func loadDataset(t testing.TB, e *storage.Engine) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(sltDir, "data", "*.lp"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var p lp.Parser
		res := p.Parse(data, lp.Options{Precision: lp.Nanosecond})
		require.Zero(t, res.ErrorCount, "%s: %v", f, res.Errors)
		require.NoError(t, e.Write(context.Background(), "slt", res.Tables, storage.WriteOptions{NoSync: true}))
	}
}

// openSLTEngine opens an engine holding the corpus's dataset (in its write
// buffer), closed when the test ends.
func openSLTEngine(t testing.TB) *storage.Engine {
	t.Helper()
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	loadDataset(t, e)
	return e
}

// sltExec runs statements on e as the corpus expects (database slt, UTC).
func sltExec(e *storage.Engine) *strataExec {
	return &strataExec{p: &planner.Planner{Engine: e}, sess: &planner.Session{Database: "slt", Location: time.UTC, Now: time.Now()}}
}

func openSLT(t testing.TB) *strataExec { return sltExec(openSLTEngine(t)) }

// sltFiles lists the corpus files, sorted.
func sltFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(sltDir, "*.slt"))
	require.NoError(t, err)
	sort.Strings(files)
	return files
}

// knownFailures reads the file:line keys of knownFailuresFile.
func knownFailures(t testing.TB) map[string]bool {
	data, err := os.ReadFile(knownFailuresFile)
	require.NoError(t, err)
	known := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			known[strings.Fields(line)[0]] = true
		}
	}
	return known
}

// TestSQLLogicSurvey runs every corpus file on Strata and prints how many
// records pass (a development aid; the ratchet is TestSQLLogic).
// STRATA_SLT_CORPUS names another copy of the corpus and STRATA_SLT_TZ a
// session zone: a copy rewritten on PostgreSQL in that zone
// (STRATA_SLT_TZ=America/New_York STRATA_SLT_CORPUS=/tmp/c go test
// ./planner/slt -run TestCorpusPostgres -args -rewrite) surveys the
// engine outside UTC.
func TestSQLLogicSurvey(t *testing.T) {
	if os.Getenv("STRATA_SLT_SURVEY") == "" {
		t.Skip("set STRATA_SLT_SURVEY=1")
	}
	x := openSLT(t)
	if tz := os.Getenv("STRATA_SLT_TZ"); tz != "" {
		loc, err := time.LoadLocation(tz)
		require.NoError(t, err)
		x.sess.Location = loc
	}
	files := sltFiles(t)
	if d := os.Getenv("STRATA_SLT_CORPUS"); d != "" {
		var err error
		files, err = filepath.Glob(filepath.Join(d, "*.slt"))
		require.NoError(t, err)
		sort.Strings(files)
	}
	total, failed := 0, 0
	for _, f := range files {
		rep, err := slt.RunFile(context.Background(), x, f, slt.Options{Engine: "strata"})
		require.NoError(t, err)
		n := rep.Queries + rep.Statements
		total += n
		failed += len(rep.Failures)
		fmt.Printf("%-28s %3d/%3d pass\n", filepath.Base(f), n-len(rep.Failures), n)
		if os.Getenv("STRATA_SLT_SURVEY") == "v" {
			for _, fl := range rep.Failures {
				fmt.Println("   ", fl.Error())
			}
		}
	}
	fmt.Printf("TOTAL %d/%d pass\n", total-failed, total)
}

var updateKnown = flag.Bool("update", false, "rewrite testdata/slt/strata_known_failures.txt from this run")

// knownFailuresFile lists the corpus records Strata does not pass yet, one
// "file:line  reason" per line. TestSQLLogic fails on any other failure (a
// regression) and on a listed record that now passes (update the list with
// -update), so the list only ever shrinks honestly.
const knownFailuresFile = sltDir + "/strata_known_failures.txt"

func TestSQLLogic(t *testing.T) {
	x := openSLT(t)
	files := sltFiles(t)
	failing := map[string]string{}
	var order []string
	ran := 0
	for _, f := range files {
		rep, err := slt.RunFile(context.Background(), x, f, slt.Options{Engine: "strata"})
		require.NoError(t, err)
		ran += rep.Queries + rep.Statements
		for _, fl := range rep.Failures {
			key := fmt.Sprintf("%s:%d", filepath.Base(fl.File), fl.Line)
			msg := strings.SplitN(fl.Message, "\n", 2)[0]
			failing[key] = msg
			order = append(order, key)
		}
	}
	t.Logf("%d of %d corpus records pass on Strata", ran-len(failing), ran)
	if *updateKnown {
		var b strings.Builder
		b.WriteString("# Corpus records Strata does not pass yet (file:line  first line of the failure).\n")
		b.WriteString("# Generated by: go test ./planner -run TestSQLLogic -args -update\n")
		for _, k := range order {
			fmt.Fprintf(&b, "%s  %s\n", k, failing[k])
		}
		require.NoError(t, os.WriteFile(knownFailuresFile, []byte(b.String()), 0o644))
		return
	}
	known := knownFailures(t)
	var regressions, fixed []string
	for _, k := range order {
		if !known[k] {
			regressions = append(regressions, k+"  "+failing[k])
		}
	}
	for k := range known {
		if _, still := failing[k]; !still {
			fixed = append(fixed, k)
		}
	}
	sort.Strings(fixed)
	require.Empty(t, regressions, "corpus records that used to pass fail now")
	require.Empty(t, fixed, "these records pass now: remove them from %s (go test ./planner -run TestSQLLogic -args -update)", knownFailuresFile)
}

// TestSQLLogicPersisted runs the corpus over the dataset persisted to
// Parquet and compacted, twice: the first pass reads and caches the pages,
// the second answers from the page cache (views of cached pages). Every
// record that passes over the write buffer (TestSQLLogic) must pass here.
func TestSQLLogicPersisted(t *testing.T) {
	e := openSLTEngine(t)
	require.NoError(t, e.Persist(context.Background()))
	_, err := e.Compact(context.Background(), true)
	require.NoError(t, err)
	x := sltExec(e)
	files := sltFiles(t)
	known := knownFailures(t)
	for pass := range 2 {
		for _, f := range files {
			rep, err := slt.RunFile(context.Background(), x, f, slt.Options{Engine: "strata"})
			require.NoError(t, err)
			for _, fl := range rep.Failures {
				key := fmt.Sprintf("%s:%d", filepath.Base(fl.File), fl.Line)
				if !known[key] {
					t.Errorf("pass %d: %s: %s", pass+1, key, strings.SplitN(fl.Message, "\n", 2)[0])
				}
			}
		}
	}
	st := e.PageCacheStats()
	require.Positive(t, st.Hits, "the second pass reads cached pages")
}

// TestSQLLogicPlansRunTwice runs the corpus with every SELECT's plan built
// and run twice (a prepared statement's kept plan runs at every Bind): a
// plan that an execution changes, or that holds state from one, fails the
// second run. Every record that passes in TestSQLLogic must pass here.
func TestSQLLogicPlansRunTwice(t *testing.T) {
	x := openSLT(t)
	x.twice = true
	known := knownFailures(t)
	for _, f := range sltFiles(t) {
		rep, err := slt.RunFile(context.Background(), x, f, slt.Options{Engine: "strata"})
		require.NoError(t, err)
		for _, fl := range rep.Failures {
			key := fmt.Sprintf("%s:%d", filepath.Base(fl.File), fl.Line)
			if !known[key] {
				t.Errorf("%s: %s", key, strings.SplitN(fl.Message, "\n", 2)[0])
			}
		}
	}
	t.Logf("%d plans run twice, %d of them reusable", x.planned, x.reusable)
	require.Greater(t, x.reusable, x.planned/2, "most corpus queries read only tables")
}

// TestDateArithmeticAcrossDST: dates are midnights in the session's zone,
// so a day is 23 or 25 hours around a daylight-saving change; date +
// integer and date - date still count calendar days, as in PostgreSQL.
func TestDateArithmeticAcrossDST(t *testing.T) {
	x := openSLT(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	x.sess = &planner.Session{Database: "slt", Location: berlin, Now: time.Now()}
	res, err := x.Query(context.Background(), "SELECT DATE '2024-03-30' + 2, DATE '2024-04-01' - DATE '2024-03-30', "+
		"DATE '2024-10-28' - 2, DATE '2024-10-28' - DATE '2024-10-26'")
	require.NoError(t, err)
	require.Len(t, res.Rows, 1)
	// The runner gives a date as its calendar day (Query reads the
	// midnight in the session's zone).
	var got []string
	for _, v := range res.Rows[0] {
		switch v := v.(type) {
		case slt.Date:
			got = append(got, time.Time(v).UTC().Format(time.DateOnly))
		default:
			got = append(got, fmt.Sprint(v))
		}
	}
	require.Equal(t, []string{"2024-04-01", "2", "2024-10-26", "2"}, got)
}

// TestNestedDateArithmetic: date arithmetic nested 40 deep plans in time
// linear in its depth (typing it re-bound every level, which took 20 s at
// 14 levels) and computes what PostgreSQL does: each d - (...) is 0 days,
// each d + 0 is d.
func TestNestedDateArithmetic(t *testing.T) {
	x := openSLT(t)
	expr := "DATE '2020-01-01'"
	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			expr = "DATE '2020-01-01' - (" + expr + ")"
		} else {
			expr = "DATE '2020-01-01' + (" + expr + ")"
		}
	}
	res, err := x.Query(context.Background(), "SELECT "+expr+", pg_typeof("+expr+")::text")
	require.NoError(t, err)
	require.Len(t, res.Rows, 1)
	require.Equal(t, "date", res.Rows[0][1])
	d, ok := res.Rows[0][0].(slt.Date)
	require.True(t, ok, "%T", res.Rows[0][0])
	require.Equal(t, "2020-01-01", time.Time(d).UTC().Format(time.DateOnly))
}
