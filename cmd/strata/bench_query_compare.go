package main

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// resultSet is a query result with every cell in a normal form (see
// normText), so results of different engines compare as text except for
// the last digits of floating-point numbers.
type resultSet struct {
	cols []string
	rows [][]string
}

// nullCell is the normal form of NULL.
const nullCell = "NULL"

// timeLayouts are the timestamp forms the engines answer with: Strata's CSV
// (UTC, no zone), DuckDB's JSON ("+00"), and RFC 3339.
var timeLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
}

// normText puts a text cell in normal form: a timestamp becomes RFC 3339
// in UTC with nanoseconds, a number goes through normNum, anything else
// stays as it is.
func normText(s string) string {
	if len(s) >= 19 && s[4] == '-' && s[7] == '-' {
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return normTime(t)
			}
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return normNum(f)
	}
	return s
}

func normTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// normNum writes integral values as integers and others with 15
// significant digits, so 58, 58.0 and 5.8e1 agree.
func normNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', 15, 64)
}

// normAny is normText for a decoded value (pgx's, or JSON's).
func normAny(v any) string {
	switch v := v.(type) {
	case nil:
		return nullCell
	case string:
		return normText(v)
	case time.Time:
		return normTime(v)
	case float64:
		return normNum(v)
	case float32:
		return normNum(float64(v))
	case int64:
		return strconv.FormatInt(v, 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case bool:
		return strconv.FormatBool(v)
	case pgtype.Numeric:
		f, err := v.Float64Value()
		if err == nil && !f.Valid {
			return nullCell
		}
		if err == nil {
			return normNum(f.Float64)
		}
	}
	return fmt.Sprint(v)
}

// cellsEqual compares two normal-form cells; numbers may differ in the
// last bits (sums added in another order).
func cellsEqual(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}

// compareResults returns "" when got has want's rows, else a description
// of the first difference. When both have the same set of column names,
// got's columns are matched by name (SELECT * lists them in each engine's
// own order); otherwise by position (an unnamed max(x) is "max" in
// PostgreSQL and "max(x)" elsewhere). Unordered results compare as
// multisets.
func compareResults(want, got *resultSet, ordered bool) string {
	if len(want.cols) != len(got.cols) {
		return fmt.Sprintf("columns differ: strata %v, other %v", want.cols, got.cols)
	}
	perm := columnOrder(want.cols, got.cols)
	grows := make([][]string, len(got.rows))
	for i, r := range got.rows {
		row := make([]string, len(perm))
		for j, k := range perm {
			row[j] = r[k]
		}
		grows[i] = row
	}
	wrows := want.rows
	if !ordered {
		wrows = sortedRows(wrows)
		grows = sortedRows(grows)
	}
	if len(wrows) != len(grows) {
		return fmt.Sprintf("strata has %d rows, the other %d (first rows: strata %s, other %s)", len(wrows), len(grows), firstRow(wrows), firstRow(grows))
	}
	for i := range wrows {
		for j := range wrows[i] {
			if !cellsEqual(wrows[i][j], grows[i][j]) {
				return fmt.Sprintf("row %d column %s: strata %s, other %s (rows: strata %v, other %v)", i+1, want.cols[j], wrows[i][j], grows[i][j], wrows[i], grows[i])
			}
		}
	}
	return ""
}

// columnOrder maps want's column positions to got's: by name when the
// names are the same set, else the identity.
func columnOrder(want, got []string) []int {
	perm := make([]int, len(want))
	for i := range perm {
		perm[i] = i
	}
	a, b := slices.Clone(want), slices.Clone(got)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) || len(slices.Compact(a)) != len(want) {
		return perm
	}
	for i, name := range want {
		perm[i] = slices.Index(got, name)
	}
	return perm
}

func sortedRows(rows [][]string) [][]string {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

func firstRow(rows [][]string) string {
	if len(rows) == 0 {
		return "(none)"
	}
	return "[" + strings.Join(rows[0], " ") + "]"
}
