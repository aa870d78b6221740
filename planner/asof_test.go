package planner_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// asofSide is a table an ASOF JOIN query reads, with the columns it joins
// and matches on.
type asofSide struct {
	name    string
	keys    []string // columns holding values another side's keys share
	matches []string // numeric columns to match on besides time
	show    []string // columns of the left side to select
}

var asofSides = []asofSide{
	{name: "cpu", keys: []string{"hostname"}, matches: []string{"usage_user", "usage_idle"}, show: []string{"hostname", "usage_system"}},
	{name: "hosts", keys: []string{"hostname"}, matches: []string{"cores", "memory_gb"}, show: []string{"hostname", "team"}},
	{name: "weather", keys: []string{"city", "station"}, matches: []string{"temp", "humidity"}, show: []string{"city", "condition"}},
}

// asofQuery is a random ASOF JOIN over the dataset. Only values that do not
// depend on which of several equally near right rows is taken are
// selected: the left row's columns, the right's key and match value.
func asofQuery(r *rand.Rand) string {
	a, b := pick(r, asofSides), pick(r, asofSides)
	var on []string
	var sel []string
	for _, c := range a.show {
		sel = append(sel, "a."+c)
	}
	sel = append(sel, "extract(epoch from a.time)")
	// DuckDB takes NULL for the greatest value in the inequality (a NULL
	// matches a NULL under >=) and lets NULL keys equal, where SQL's ON
	// condition is never true for a NULL: only rows without NULLs in the
	// columns compared are joined here (the NULL cases are in asof.slt).
	var aNotNull, bNotNull []string
	// Keys shared by name (hostname with hostname, city with city).
	for _, k := range a.keys {
		if slices.Contains(b.keys, k) && r.IntN(4) > 0 {
			on = append(on, fmt.Sprintf("a.%s = b.%s", k, k))
			sel = append(sel, "b."+k)
			aNotNull, bNotNull = append(aNotNull, k), append(bNotNull, k)
		}
	}
	op := pick(r, []string{">=", ">", "<=", "<"})
	var match, shown string
	if r.IntN(3) > 0 {
		shift := ""
		if r.IntN(2) == 0 {
			shift = fmt.Sprintf(" + interval '%d minutes'", r.IntN(30)-15)
		}
		match = fmt.Sprintf("a.time %s b.time%s", op, shift)
		shown = "extract(epoch from b.time)"
	} else {
		l, rc := pick(r, a.matches), pick(r, b.matches)
		match = fmt.Sprintf("a.%s %s b.%s", l, op, rc)
		shown = "b." + rc
		sel = append(sel, "a."+l)
		aNotNull, bNotNull = append(aNotNull, l), append(bNotNull, rc)
	}
	from, to := notNullRows(a.name, aNotNull), notNullRows(b.name, bNotNull)
	if r.IntN(2) == 0 { // either side of the inequality may come first
		match = flipMatch(match)
	}
	on = append(on, match)
	if r.IntN(2) == 0 {
		slices.Reverse(on)
	}
	join := pick(r, []string{"ASOF JOIN", "ASOF LEFT JOIN"})
	where := ""
	switch r.IntN(4) {
	case 0:
		where = fmt.Sprintf(" WHERE a.%s IS NOT NULL AND %s IS NOT NULL", a.show[1], shown) // a filter on each side
	case 1:
		where = fmt.Sprintf(" WHERE extract(epoch from a.time) < %d", 1451606400+r.IntN(2*86400))
	}
	if r.IntN(4) == 0 {
		return fmt.Sprintf("SELECT count(*), count(%s), sum(%s) FROM %s a %s %s b ON %s%s",
			shown, shown, from, join, to, strings.Join(on, " AND "), where)
	}
	sel = append(sel, shown)
	return fmt.Sprintf("SELECT %s FROM %s a %s %s b ON %s%s", strings.Join(sel, ", "), from, join, to, strings.Join(on, " AND "), where)
}

// notNullRows is a FROM item of table's rows without NULLs in cols.
func notNullRows(table string, cols []string) string {
	if len(cols) == 0 {
		return table
	}
	return fmt.Sprintf("(SELECT * FROM %s WHERE %s IS NOT NULL)", table, strings.Join(cols, " IS NOT NULL AND "))
}

// flipMatch writes "x op y" as "y op' x".
func flipMatch(m string) string {
	for _, p := range [][2]string{{" >= ", " <= "}, {" <= ", " >= "}, {" > ", " < "}, {" < ", " > "}} {
		if l, rest, ok := strings.Cut(m, p[0]); ok {
			if strings.Contains(rest, " + interval") {
				return m // b.time + interval on the left reads the same
			}
			return rest + p[1] + l
		}
	}
	return m
}

// TestAsofJoinMatchesDuckDB runs random ASOF JOINs (inner and left; >=, >,
// <=, <; on times, times shifted by an interval, integers and floats, with
// and without equality keys, filters on either side after the join,
// counts and sums) on Strata, over the write buffer and over persisted
// files, and on DuckDB over the same rows (the dataset's SQL), and
// requires the same rows. PostgreSQL has no ASOF JOIN; DuckDB's is the
// one Strata's follows.
func TestAsofJoinMatchesDuckDB(t *testing.T) {
	duckdbDir := filepath.Join("..", "testdata", "duckdb")
	if _, err := os.Stat(filepath.Join(duckdbDir, "node_modules", "@duckdb", "node-api")); err != nil {
		if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
			t.Fatal("@duckdb/node-api is not installed: run `npm ci` in testdata/duckdb (make test does)")
		}
		t.Skip("@duckdb/node-api is not installed (run `npm ci` in testdata/duckdb); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure")
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(*diffSeed, 7))
	queries := make([]string, 150)
	for i := range queries {
		queries[i] = asofQuery(rng)
	}
	// A few fixed ones: a key only one side has, NULL match values, ties.
	queries = append(queries,
		"SELECT a.hostname, extract(epoch from a.time), b.hostname FROM cpu a ASOF LEFT JOIN hosts b ON a.hostname = b.hostname AND a.time >= b.time",
		"SELECT a.city, a.station, extract(epoch from a.time), b.temp FROM weather a ASOF LEFT JOIN (SELECT * FROM weather WHERE temp IS NOT NULL) b ON a.city = b.city AND a.time > b.time",
		"SELECT count(*), count(b.time) FROM cpu a ASOF JOIN weather b ON a.time <= b.time",
	)

	setup, err := filepath.Abs(filepath.Join(sltDir, "data", "postgres.sql"))
	require.NoError(t, err)
	script, err := filepath.Abs(filepath.Join(duckdbDir, "query.mjs"))
	require.NoError(t, err)
	cmd := exec.Command("node", script, setup)
	cmd.Stdin = strings.NewReader(strings.Join(queries, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node: %s", stderr.String())
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	var duck [][]string
	for sc.Scan() {
		var res struct {
			Rows  [][]*string `json:"rows"`
			Error string      `json:"error"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &res))
		require.Empty(t, res.Error, "DuckDB refused %s", queries[len(duck)])
		lines := make([]string, len(res.Rows))
		for i, row := range res.Rows {
			vals := make([]any, len(row))
			for j, v := range row {
				if v != nil {
					vals[j] = *v
				}
			}
			lines[i] = asofLine(vals)
		}
		slices.Sort(lines)
		duck = append(duck, lines)
	}
	require.Len(t, duck, len(queries))

	buffered := openSLT(t)
	e := openSLTEngine(t)
	require.NoError(t, e.Persist(ctx))
	persisted := sltExec(e)
	rows := 0
	for i, q := range queries {
		for name, x := range map[string]*strataExec{"buffered": buffered, "persisted": persisted} {
			res, err := x.Query(ctx, q)
			require.NoError(t, err, "%s: %s", name, q)
			lines := make([]string, len(res.Rows))
			for k, row := range res.Rows {
				lines[k] = asofLine(row)
			}
			slices.Sort(lines)
			require.Equal(t, duck[i], lines, "%s: rows differ from DuckDB's for\n%s", name, q)
		}
		rows += len(duck[i])
	}
	t.Logf("%d ASOF JOIN queries (%d rows) equal on DuckDB and Strata", len(queries), rows)
}

// asofLine renders a row: numbers to 12 significant digits (DuckDB's
// epoch is a double, Strata's too; integers print alike), NULL as NULL.
func asofLine(row []any) string {
	parts := make([]string, len(row))
	for i, v := range row {
		s := fmt.Sprint(v)
		switch v := v.(type) {
		case nil:
			s = "NULL"
		case string:
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				s = strconv.FormatFloat(f, 'g', 12, 64)
			}
		case float64:
			s = strconv.FormatFloat(v, 'g', 12, 64)
		case int64:
			s = strconv.FormatFloat(float64(v), 'g', 12, 64)
		}
		parts[i] = s
	}
	return strings.Join(parts, " | ")
}
