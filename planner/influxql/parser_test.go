package influxql

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/sql"
)

func TestParseSelect(t *testing.T) {
	_, err := Parse(`SELECT mean("value") AS m, max(v)::field FROM "db"."autogen"."cpu" WHERE ("host" =~ /^a\/b$/) AND time >= now() - 1h30m GROUP BY time(5m, -1m), "host" fill(previous) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 1 tz('UTC');`)
	require.Error(t, err, "a call takes no ::type")
	sts, err := Parse(`SELECT mean("value") AS m, max(v) FROM "db"."autogen"."cpu" WHERE ("host" =~ /^a\/b$/) AND time >= now() - 1h30m GROUP BY time(5m, -1m), "host" fill(previous) ORDER BY time DESC LIMIT 10 OFFSET 2 SLIMIT 3 SOFFSET 1 tz('UTC');`)
	require.NoError(t, err)
	require.Len(t, sts, 1)
	st := sts[0].(*SelectStatement)
	require.Equal(t, []Field{
		{Expr: &Call{Name: "mean", Args: []Expr{&VarRef{Name: "value"}}}, Alias: "m"},
		{Expr: &Call{Name: "max", Args: []Expr{&VarRef{Name: "v"}}}},
	}, st.Fields)
	require.Equal(t, []Source{{Database: "db", RetentionPolicy: "autogen", Name: "cpu"}}, st.Sources)
	require.Equal(t, &BinaryExpr{Op: "AND",
		L: &ParenExpr{X: &BinaryExpr{Op: "=~", L: &VarRef{Name: "host"}, R: &RegexLit{Pattern: "^a/b$"}}},
		R: &BinaryExpr{Op: ">=", L: &VarRef{Name: "time"}, R: &BinaryExpr{Op: "-", L: &NowCall{}, R: &DurationLit{Nanos: int64(90 * time.Minute)}}},
	}, st.Where)
	require.Equal(t, int64(5*time.Minute), st.Interval)
	require.Equal(t, -int64(time.Minute), st.TimeOffset)
	require.Equal(t, []string{"host"}, st.Dimensions)
	require.Equal(t, Fill{Mode: "previous"}, st.Fill)
	require.True(t, st.Descending)
	require.Equal(t, [4]int64{10, 2, 3, 1}, [4]int64{st.Limit, st.Offset, st.SLimit, st.SOffset})
	require.Equal(t, "UTC", st.Location)
}

func TestParseExpressions(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Expr
	}{
		{"a + b * 2", &BinaryExpr{Op: "+", L: &VarRef{Name: "a"}, R: &BinaryExpr{Op: "*", L: &VarRef{Name: "b"}, R: &NumberLit{Val: 2, IsInt: true, Int: 2}}}},
		{"a / b / 2.5", &BinaryExpr{Op: "/", L: &BinaryExpr{Op: "/", L: &VarRef{Name: "a"}, R: &VarRef{Name: "b"}}, R: &NumberLit{Val: 2.5}}},
		{"-a", &BinaryExpr{Op: "*", L: &NumberLit{Val: -1, IsInt: true, Int: -1}, R: &VarRef{Name: "a"}}},
		{"-1.5e3", &NumberLit{Val: -1500}},
		{`"my field"::integer`, &VarRef{Name: "my field", Type: "integer"}},
		{"count(distinct(x))", &Call{Name: "count", Args: []Expr{&Call{Name: "distinct", Args: []Expr{&VarRef{Name: "x"}}}}}},
		{"percentile(x, 95)", &Call{Name: "percentile", Args: []Expr{&VarRef{Name: "x"}, &NumberLit{Val: 95, IsInt: true, Int: 95}}}},
		{`'it\'s'`, &StringLit{Val: "it's"}},
		{"a > 1 OR b < 2 AND c = 'x'", &BinaryExpr{Op: "OR", L: &BinaryExpr{Op: ">", L: &VarRef{Name: "a"}, R: &NumberLit{Val: 1, IsInt: true, Int: 1}},
			R: &BinaryExpr{Op: "AND", L: &BinaryExpr{Op: "<", L: &VarRef{Name: "b"}, R: &NumberLit{Val: 2, IsInt: true, Int: 2}}, R: &BinaryExpr{Op: "=", L: &VarRef{Name: "c"}, R: &StringLit{Val: "x"}}}}},
		{"time > 1700000000000ms", &BinaryExpr{Op: ">", L: &VarRef{Name: "time"}, R: &DurationLit{Nanos: 1700000000000 * 1e6}}},
		{"host !~ /a|b/", &BinaryExpr{Op: "!~", L: &VarRef{Name: "host"}, R: &RegexLit{Pattern: "a|b"}}},
	} {
		sts, err := Parse("SELECT " + tt.in + " FROM m")
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, sts[0].(*SelectStatement).Fields[0].Expr, tt.in)
	}
}

func TestParseShow(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Statement
	}{
		{"SHOW DATABASES", &DatabaseStatement{Verb: "show databases"}},
		{`show retention policies on "telegraf"`, &DatabaseStatement{Verb: "show retention policies", Name: "telegraf"}},
		{`CREATE DATABASE "a b" WITH DURATION 1d`, &DatabaseStatement{Verb: "create database", Name: "a b", Words: []string{"WITH", "DURATION", "1d"}}},
		{"SHOW MEASUREMENTS WITH MEASUREMENT =~ /cp.*/ LIMIT 5", &ShowStatement{What: "measurements", Measurement: &Source{Regex: &RegexLit{Pattern: "cp.*"}}, Limit: 5}},
		{`SHOW TAG KEYS FROM "cpu"`, &ShowStatement{What: "tag keys", Sources: []Source{{Name: "cpu"}}}},
		{`SHOW TAG VALUES FROM cpu WITH KEY IN ("a", b) WHERE x = 'y'`, &ShowStatement{What: "tag values", Sources: []Source{{Name: "cpu"}}, KeyOp: "IN", Keys: []string{"a", "b"},
			Where: &BinaryExpr{Op: "=", L: &VarRef{Name: "x"}, R: &StringLit{Val: "y"}}}},
		{`SHOW TAG VALUES WITH KEY =~ /^h/`, &ShowStatement{What: "tag values", KeyOp: "=~", KeyRegex: "^h"}},
		{`SHOW SERIES EXACT CARDINALITY ON db FROM cpu`, &ShowStatement{What: "series", Cardinality: true, Exact: true, Database: "db", Sources: []Source{{Name: "cpu"}}}},
		{`SHOW TAG VALUES CARDINALITY WITH KEY = "host"`, &ShowStatement{What: "tag values", Cardinality: true, KeyOp: "=", Keys: []string{"host"}}},
		{`show measurement cardinality`, &ShowStatement{What: "measurement", Cardinality: true}},
		{`SHOW FIELD KEYS FROM /^c/`, &ShowStatement{What: "field keys", Sources: []Source{{Regex: &RegexLit{Pattern: "^c"}}}}},
		{`SHOW SERIES ON db FROM cpu LIMIT 1 OFFSET 2`, &ShowStatement{What: "series", Database: "db", Sources: []Source{{Name: "cpu"}}, Limit: 1, Offset: 2}},
		{`SELECT *::field FROM "db".."m"`, &SelectStatement{Fields: []Field{{Expr: &Wildcard{Type: "field"}}}, Sources: []Source{{Database: "db", Name: "m"}}}},
	} {
		sts, err := Parse(tt.in)
		require.NoError(t, err, tt.in)
		require.Equal(t, []Statement{tt.want}, sts, tt.in)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"SELEC x FROM m", `found "SELEC", expected SELECT, SHOW, DELETE, CREATE DATABASE or DROP DATABASE at line 1, char 1`},
		{"SELECT x FROM m WHERE", "found end of query, expected an expression"},
		{"SELECT x\nFROM m WHERE a = 'open", "unterminated string at line 2"},
		{"SELECT x FROM m GROUP BY time(5)", "expected an interval like time(5m)"},
		{"SELECT x FROM m GROUP BY time(5x)", "invalid number"},
		{"SELECT x FROM m fill(maybe)", "null, none, previous, linear or a number in fill()"},
		{"SELECT x FROM m ORDER BY host", "only ORDER BY time"},
		{"SELECT x FROM m LIMIT -1", "a non-negative integer after LIMIT"},
		{"SELECT x FROM m WHERE a =~ 'x'", "expected a regular expression"},
		{"SELECT x FROM m WHERE a =~ /open", "unterminated regular expression"},
		{"SELECT x FROM (SELECT y FROM m), n", "a subquery must be the only source of FROM"},
		{"SHOW TAG KEYS FROM (SELECT y FROM m)", "SHOW ... FROM a subquery is not supported"},
		{"SELECT x FROM m, (SELECT y FROM m)", "a subquery must be the only source of FROM"},
		{"SELECT x FROM (SELECT y FROM m", "expected )"},
		{"SELECT x INTO y FROM m", "SELECT ... INTO is not supported"},
		{"SELECT x FROM m; SHOW BANANAS", "after SHOW"},
		{"SELECT x FROM m extra", `found "extra", expected ; or the end of the query`},
		{"SELECT x FROM m GROUP BY time(99999999999999999h)", "out of range"},
	} {
		_, err := Parse(tt.in)
		require.ErrorContains(t, err, tt.want, tt.in)
		var se *SyntaxError
		require.ErrorAs(t, err, &se, tt.in)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`SELECT mean("value") FROM "cpu" WHERE ("host" =~ /^a$/) AND time >= now() - 1h GROUP BY time(5m), "host" fill(null)`,
		"SHOW TAG VALUES FROM cpu WITH KEY = \"host\"", "SELECT * FROM /c.*/ LIMIT 1", "SELECT a/b FROM m", "SHOW FIELD KEYS",
		"SELECT x FROM m WHERE t = '\\'", "-- c\nSELECT /* x */ y FROM m", "SELECT 1h30m FROM m",
		"SHOW SERIES EXACT CARDINALITY FROM cpu WHERE host = 'a'", "SELECT top(v, 3) FROM m GROUP BY time(1m)", "SELECT distinct(v) FROM m",
		"SELECT sum(max) FROM (SELECT max(v) FROM m GROUP BY time(1m), h) WHERE time > now() - 1h GROUP BY time(5m)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		sts, err := Parse(q)
		if err != nil {
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			return
		}
		cat := fakeCatalog{}
		for _, st := range sts {
			if _, ok := st.(*DatabaseStatement); ok {
				continue
			}
			// Translation refuses or gives SQL that parses.
			q, err := Translate(st, "db", cat, time.Unix(1700000000, 0))
			if err == nil && q != nil {
				_, err := sql.Parse(q.SQL)
				require.NoError(t, err, "%s\n=> %s", q, q.SQL)
			}
		}
	})
}

// fakeCatalog is one measurement m with a tag host and fields v (float)
// and s (string).
type fakeCatalog struct{}

func (fakeCatalog) Measurements(string) []string { return []string{"m"} }
func (fakeCatalog) Columns(_, m string) []Column {
	if m != "m" {
		return nil
	}
	return []Column{{"time", KindTime}, {"host", KindTag}, {"v", KindFloat}, {"s", KindString}}
}
func (fakeCatalog) TimeBounds(string, string) (int64, int64, bool) { return 0, 1e9, true }

func TestParseDelete(t *testing.T) {
	st, err := Parse("DELETE FROM cpu, /^m/ WHERE host = 'a' AND time < now() - 1d")
	require.NoError(t, err)
	d, ok := st[0].(*DeleteStatement)
	require.True(t, ok)
	require.Len(t, d.Sources, 2)
	require.NotNil(t, d.Where)
	st, err = Parse("DELETE WHERE time < '2020-01-01T00:00:00Z'")
	require.NoError(t, err)
	require.Nil(t, st[0].(*DeleteStatement).Sources)
	_, err = Parse("DELETE")
	require.ErrorContains(t, err, "expected FROM or WHERE")
}
