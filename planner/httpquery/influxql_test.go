package httpquery

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// influxData: host a at t0, t0+20s, t0+40s; host b at t0+10s; a mem point
// without tags. t0 = 1700000000 s = 2023-11-14T22:13:20Z.
const influxData = `cpu,host=a,region=east usage=1.5,n=1i 1700000000000000000
cpu,host=b,region=west usage=2.5 1700000010000000000
cpu,host=a,region=east usage=3.5,n=3i 1700000020000000000
cpu,host=a,region=east usage=5.5 1700000040000000000
mem used=10i 1700000000000000000
`

func influxGet(t *testing.T, base, path string, params ...string) (int, string) {
	t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Set(params[i], params[i+1])
	}
	resp, err := http.Get(base + path + "?" + v.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestInfluxQLSelect(t *testing.T) {
	base := serverWith(t, map[string]string{"db": influxData})
	const window = ` WHERE time >= 1700000000s AND time < 1700000080s`
	for _, tt := range []struct{ q, want string }{
		{`SELECT mean(usage) FROM cpu WHERE time >= 1700000000s AND time < 1700000060s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",2],["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:14:00Z",5.5]]}]`},
		{`SELECT mean(usage) FROM cpu` + window + ` GROUP BY time(20s), host fill(none)`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",1.5],["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:14:00Z",5.5]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",2.5]]}]`},
		{`SELECT mean(usage) FROM cpu` + window + ` GROUP BY time(20s), host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",1.5],["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:14:00Z",5.5],["2023-11-14T22:14:20Z",null]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",2.5],["2023-11-14T22:13:40Z",null],["2023-11-14T22:14:00Z",null],["2023-11-14T22:14:20Z",null]]}]`},
		{`SELECT mean(usage) FROM cpu` + window + ` GROUP BY time(20s), host fill(previous)`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",1.5],["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:14:00Z",5.5],["2023-11-14T22:14:20Z",5.5]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",2.5],["2023-11-14T22:13:40Z",2.5],["2023-11-14T22:14:00Z",2.5],["2023-11-14T22:14:20Z",2.5]]}]`},
		{`SELECT max(usage) FROM cpu WHERE time >= 1700000000s AND time < 1700000080s AND host = 'a' GROUP BY time(40s, 20s) fill(-1)`,
			`[{"name":"cpu","columns":["time","max"],"values":[["2023-11-14T22:13:00Z",1.5],["2023-11-14T22:13:40Z",5.5],["2023-11-14T22:14:20Z",-1]]}]`},
		{`SELECT mean(usage) FROM cpu WHERE time >= 1700000000s AND time <= 1700000040s AND host = 'a' GROUP BY time(10s) fill(linear)`,
			`[{"name":"cpu","columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",1.5],["2023-11-14T22:13:30Z",2.5],["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:13:50Z",4.5],["2023-11-14T22:14:00Z",5.5]]}]`},
		// Raw points: ORDER BY time DESC, LIMIT per series, nulls for fields a point lacks.
		{`SELECT usage, n FROM cpu WHERE host = 'a' ORDER BY time DESC LIMIT 2`,
			`[{"name":"cpu","columns":["time","usage","n"],"values":[["2023-11-14T22:14:00Z",5.5,null],["2023-11-14T22:13:40Z",3.5,3]]}]`},
		{`SELECT usage FROM cpu GROUP BY host LIMIT 1 OFFSET 1`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","usage"],"values":[["2023-11-14T22:13:40Z",3.5]]}]`},
		{`SELECT usage FROM cpu GROUP BY * SLIMIT 1 SOFFSET 1`,
			`[{"name":"cpu","tags":{"host":"b","region":"west"},"columns":["time","usage"],"values":[["2023-11-14T22:13:30Z",2.5]]}]`},
		{`SELECT n FROM cpu`, `[{"name":"cpu","columns":["time","n"],"values":[["2023-11-14T22:13:20Z",1],["2023-11-14T22:13:40Z",3]]}]`},
		// A selector alone keeps its point's time; other aggregates take the range's start.
		{`SELECT max(usage) FROM cpu`, `[{"name":"cpu","columns":["time","max"],"values":[["2023-11-14T22:14:00Z",5.5]]}]`},
		{`SELECT first(usage), count(usage) FROM cpu WHERE time > 1700000000s`,
			`[{"name":"cpu","columns":["time","first","count"],"values":[["2023-11-14T22:13:20.000000001Z",2.5,3]]}]`},
		{`SELECT count(usage), spread(usage), median(usage), sum(n) FROM cpu WHERE region !~ /^w/`,
			`[{"name":"cpu","columns":["time","count","spread","median","sum"],"values":[["1970-01-01T00:00:00Z",3,4,3.5,4]]}]`},
		// Names: mean_1 for a repeated name, an expression named by its outer call.
		{`SELECT mean(usage), mean(n), round(mean(usage) * 10) / 4 FROM cpu WHERE host = 'a'`,
			`[{"name":"cpu","columns":["time","mean","mean_1","round"],"values":[["1970-01-01T00:00:00Z",3.5,2,8.75]]}]`},
		{`SELECT n / 2 FROM cpu WHERE n = 3`, `[{"name":"cpu","columns":["time","n"],"values":[["2023-11-14T22:13:40Z",1.5]]}]`},
		// A tag a point lacks is the empty string.
		{`SELECT used FROM mem WHERE host = ''`, `[{"name":"mem","columns":["time","used"],"values":[["2023-11-14T22:13:20Z",10]]}]`},
		{`SELECT used FROM mem WHERE host != 'x'`, `[{"name":"mem","columns":["time","used"],"values":[["2023-11-14T22:13:20Z",10]]}]`},
		{`SELECT used FROM mem WHERE host = 'x'`, ``},
		// distinct(): a row per value, ascending, by window and series (no
		// rows for an empty window).
		{`SELECT distinct(n) FROM cpu`, `[{"name":"cpu","columns":["time","distinct"],"values":[["1970-01-01T00:00:00Z",1],["1970-01-01T00:00:00Z",3]]}]`},
		{`SELECT distinct(usage) AS u FROM cpu` + window + ` GROUP BY time(40s), host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","u"],"values":[["2023-11-14T22:13:20Z",1.5],["2023-11-14T22:13:20Z",3.5],["2023-11-14T22:14:00Z",5.5]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","u"],"values":[["2023-11-14T22:13:20Z",2.5]]}]`},
		// Subqueries: the outer query reads the subquery's rows, its GROUP BY
		// tags as tags; the outer time range bounds the subquery.
		{`SELECT sum(max) FROM (SELECT max(usage) FROM cpu GROUP BY host)`, `[{"name":"cpu","columns":["time","sum"],"values":[["1970-01-01T00:00:00Z",8]]}]`},
		{`SELECT mean(max) FROM (SELECT max(usage) FROM cpu GROUP BY time(20s), host) WHERE time >= 1700000000s AND time < 1700000040s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",2],["2023-11-14T22:13:40Z",3.5]]}]`},
		{`SELECT max FROM (SELECT max(usage) FROM cpu GROUP BY host) WHERE host = 'b'`, `[{"name":"cpu","columns":["time","max"],"values":[["2023-11-14T22:13:30Z",2.5]]}]`},
		{`SELECT count(u) FROM (SELECT usage AS u FROM cpu WHERE usage > 2)`, `[{"name":"cpu","columns":["time","count"],"values":[["1970-01-01T00:00:00Z",3]]}]`},
		// The outer range narrows the subquery's; the outer GROUP BY tags and
		// interval reach a subquery without them; a tag selected in it is a value.
		{`SELECT max FROM (SELECT max(usage) FROM cpu WHERE time >= 1700000000s) WHERE time < 1700000030s`,
			`[{"name":"cpu","columns":["time","max"],"values":[["2023-11-14T22:13:40Z",3.5]]}]`},
		{`SELECT max(m) FROM (SELECT mean(usage) AS m FROM cpu GROUP BY time(20s)) WHERE time >= 1700000000s AND time < 1700000060s GROUP BY host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","max"],"values":[["2023-11-14T22:14:00Z",5.5]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","max"],"values":[["2023-11-14T22:13:20Z",2.5]]}]`},
		{`SELECT mean(max) FROM (SELECT max(usage) FROM cpu) WHERE time >= 1700000000s AND time < 1700000040s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",2.5],["2023-11-14T22:13:40Z",3.5]]}]`},
		{`SELECT host FROM (SELECT max(usage), host FROM cpu)`, `[{"name":"cpu","columns":["time","host"],"values":[["2023-11-14T22:14:00Z","a"]]}]`},
		// top() and bottom(): each series' (and window's) n largest or
		// smallest values, at their own times, in time order.
		{`SELECT top(usage, 2) FROM cpu`, `[{"name":"cpu","columns":["time","top"],"values":[["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:14:00Z",5.5]]}]`},
		{`SELECT bottom(usage, 1) FROM cpu GROUP BY host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","bottom"],"values":[["2023-11-14T22:13:20Z",1.5]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","bottom"],"values":[["2023-11-14T22:13:30Z",2.5]]}]`},
		{`SELECT top(usage, 1) FROM cpu` + window + ` GROUP BY time(40s)`,
			`[{"name":"cpu","columns":["time","top"],"values":[["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:14:00Z",5.5]]}]`},
		// Selectors skip NULLs (n is missing at t0+40s).
		{`SELECT last(n) FROM cpu WHERE host = 'a'`, `[{"name":"cpu","columns":["time","last"],"values":[["2023-11-14T22:13:40Z",3]]}]`},
		{`SELECT last(n) FROM cpu WHERE host = 'a' AND time >= 1700000000s AND time < 1700000060s GROUP BY time(60s)`,
			`[{"name":"cpu","columns":["time","last"],"values":[["2023-11-14T22:13:00Z",3],["2023-11-14T22:14:00Z",null]]}]`},
		// count() fills an empty bucket with 0 under fill(null).
		{`SELECT count(usage) FROM cpu WHERE time >= 1700000000s AND time < 1700000080s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","count"],"values":[["2023-11-14T22:13:20Z",2],["2023-11-14T22:13:40Z",1],["2023-11-14T22:14:00Z",1],["2023-11-14T22:14:20Z",0]]}]`},
		// Division and modulo by zero give 0; round() rounds half away from zero.
		{`SELECT usage / 0, n % 0, round(usage) FROM cpu WHERE host = 'a' AND n = 1`,
			`[{"name":"cpu","columns":["time","usage","n","round"],"values":[["2023-11-14T22:13:20Z",0,0,2]]}]`},
		{`SELECT round(usage) FROM cpu WHERE host = 'b'`, `[{"name":"cpu","columns":["time","round"],"values":[["2023-11-14T22:13:30Z",3]]}]`},
		// Every measurement's columns, typed as the one that has them; SLIMIT counts series across measurements.
		{`SELECT * FROM cpu, mem WHERE time <= 1700000010s`,
			`[{"name":"cpu","columns":["time","host","n","region","usage","used"],"values":[["2023-11-14T22:13:20Z","a",1,"east",1.5,null],["2023-11-14T22:13:30Z","b",null,"west",2.5,null]]},
			  {"name":"mem","columns":["time","host","n","region","usage","used"],"values":[["2023-11-14T22:13:20Z",null,null,null,null,10]]}]`},
		// SLIMIT and SOFFSET count each measurement's series, as InfluxDB 1.x limits its tag sets.
		{`SELECT usage, used FROM cpu, mem GROUP BY host SLIMIT 2 SOFFSET 1`,
			`[{"name":"cpu","tags":{"host":"b"},"columns":["time","usage","used"],"values":[["2023-11-14T22:13:30Z",2.5,null]]}]`},
		{`SELECT usage, used FROM cpu, mem GROUP BY host SLIMIT 1`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","usage","used"],"values":[["2023-11-14T22:13:20Z",1.5,null],["2023-11-14T22:13:40Z",3.5,null],["2023-11-14T22:14:00Z",5.5,null]]},
			  {"name":"mem","tags":{"host":""},"columns":["time","usage","used"],"values":[["2023-11-14T22:13:20Z",null,10]]}]`},
		{`SELECT mean(usage) FROM /./ WHERE time >= 1700000000s AND time < 1700000040s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","mean"],"values":[["2023-11-14T22:13:20Z",2],["2023-11-14T22:13:40Z",3.5]]}]`},
		// A selector with other fields or tags: the selected point's values.
		{`SELECT max(usage), host, n FROM cpu`, `[{"name":"cpu","columns":["time","max","host","n"],"values":[["2023-11-14T22:14:00Z",5.5,"a",null]]}]`},
		{`SELECT first(usage), region FROM cpu GROUP BY host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","first","region"],"values":[["2023-11-14T22:13:20Z",1.5,"east"]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","first","region"],"values":[["2023-11-14T22:13:30Z",2.5,"west"]]}]`},
		{`SELECT max(usage), host FROM cpu WHERE time >= 1700000000s AND time < 1700000080s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","max","host"],"values":[["2023-11-14T22:13:20Z",2.5,"b"],["2023-11-14T22:13:40Z",3.5,"a"],["2023-11-14T22:14:00Z",5.5,"a"],["2023-11-14T22:14:20Z",null,null]]}]`},
		// percentile picks a point (InfluxQL's nearest rank: floor(n*p/100 + 0.5)), with its time.
		{`SELECT percentile(usage, 50) FROM cpu`, `[{"name":"cpu","columns":["time","percentile"],"values":[["2023-11-14T22:13:30Z",2.5]]}]`},
		{`SELECT percentile(usage, 60), host FROM cpu`, `[{"name":"cpu","columns":["time","percentile","host"],"values":[["2023-11-14T22:13:30Z",2.5,"b"]]}]`},
		{`SELECT percentile(usage, 10) FROM cpu`, ``},
		// tz(): times with the zone's offset; GROUP BY time's buckets on its clock.
		{`SELECT usage FROM cpu WHERE host = 'b' tz('America/Chicago')`,
			`[{"name":"cpu","columns":["time","usage"],"values":[["2023-11-14T16:13:30-06:00",2.5]]}]`},
		{`SELECT count(usage) FROM cpu WHERE time >= 1700000000s AND time < 1700000060s GROUP BY time(1h) tz('Asia/Kolkata')`,
			`[{"name":"cpu","columns":["time","count"],"values":[["2023-11-15T03:00:00+05:30",4]]}]`},
		{`SELECT count(usage) FROM cpu WHERE time >= 1700000000s AND time < 1700000060s GROUP BY time(1h) fill(none) tz('Asia/Kolkata')`,
			`[{"name":"cpu","columns":["time","count"],"values":[["2023-11-15T03:00:00+05:30",4]]}]`},
		// f(*) and f(/regex/): one column per field it reads, f_field.
		{`SELECT mean(*), count(/^u/) FROM cpu`, `[{"name":"cpu","columns":["time","mean_n","mean_usage","count_usage"],"values":[["1970-01-01T00:00:00Z",2,3.25,4]]}]`},
		{`SELECT max(*) AS top FROM cpu GROUP BY host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","top_n","top_usage"],"values":[["1970-01-01T00:00:00Z",3,5.5]]},
			  {"name":"cpu","tags":{"host":"b"},"columns":["time","top_n","top_usage"],"values":[["1970-01-01T00:00:00Z",null,2.5]]}]`},
		// From the second review: percentile's rank in floats, derivatives in DESC order, the extra
		// bucket after the range in DESC, none for cumulative_sum, /regex/ fields, math over *, casts.
		{`SELECT percentile(usage, 20) FROM cpu`, `[{"name":"cpu","columns":["time","percentile"],"values":[["2023-11-14T22:13:20Z",1.5]]}]`},
		{`SELECT derivative(usage) FROM cpu WHERE host = 'a' ORDER BY time DESC`,
			`[{"name":"cpu","columns":["time","derivative"],"values":[["2023-11-14T22:13:40Z",-0.1],["2023-11-14T22:13:20Z",-0.1]]}]`},
		{`SELECT non_negative_derivative(usage) FROM cpu WHERE host = 'a' ORDER BY time DESC`, ``},
		{`SELECT difference(max(usage)) FROM cpu WHERE time >= 1700000000s AND time < 1700000040s GROUP BY time(20s) ORDER BY time DESC`,
			`[{"name":"cpu","columns":["time","difference"],"values":[["2023-11-14T22:13:40Z",-2],["2023-11-14T22:13:20Z",-1]]}]`},
		{`SELECT cumulative_sum(max(usage)) FROM cpu WHERE time >= 1700000020s AND time < 1700000060s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","cumulative_sum"],"values":[["2023-11-14T22:13:40Z",3.5],["2023-11-14T22:14:00Z",9]]}]`},
		{`SELECT /^u/ FROM cpu WHERE host = 'b'`, `[{"name":"cpu","columns":["time","usage"],"values":[["2023-11-14T22:13:30Z",2.5]]}]`},
		{`SELECT ceil(*) FROM cpu WHERE n = 3`, `[{"name":"cpu","columns":["time","ceil_n","ceil_usage"],"values":[["2023-11-14T22:13:40Z",3,4]]}]`},
		{`SELECT usage::integer FROM cpu WHERE host = 'b'`, `[{"name":"cpu","columns":["time","usage"],"values":[["2023-11-14T22:13:30Z",2]]}]`},
		{`SELECT used FROM nosuch`, ``},
		{`SELECT host FROM cpu`, ``},       // tags alone: no points
		{`SELECT mean(host) FROM cpu`, ``}, // a tag is no field
		{`SELECT max(usage) FROM cpu WHERE time > 1800000000s`, ``},
		{`SELECT mean(usage) FROM cpu WHERE host = 'nowhere' AND time >= 1700000000s AND time < 1700000080s GROUP BY time(20s)`, ``},
		{`SELECT used FROM mem WHERE used = 'ten'`, ``},
		// Several measurements: a series each, a field one lacks counts nothing.
		{`SELECT count(usage), count(used) FROM /^(cpu|mem)$/`,
			`[{"name":"cpu","columns":["time","count","count_1"],"values":[["1970-01-01T00:00:00Z",4,0]]},{"name":"mem","columns":["time","count","count_1"],"values":[["1970-01-01T00:00:00Z",0,1]]}]`},
		{`SELECT * FROM cpu WHERE host = 'b'`,
			`[{"name":"cpu","columns":["time","host","n","region","usage"],"values":[["2023-11-14T22:13:30Z","b",null,"west",2.5]]}]`},
		{`SELECT * FROM cpu WHERE time = '2023-11-14T22:13:30Z' GROUP BY region`,
			`[{"name":"cpu","tags":{"region":"west"},"columns":["time","host","n","usage"],"values":[["2023-11-14T22:13:30Z","b",null,2.5]]}]`},
	} {
		code, body := influxGet(t, base, "/query", "db", "db", "q", tt.q)
		require.Equal(t, 200, code, tt.q)
		want := `{"results":[{"statement_id":0}]}`
		if tt.want != "" {
			want = `{"results":[{"statement_id":0,"series":` + tt.want + `}]}`
		}
		require.JSONEq(t, want, body, tt.q)
	}
	// Transformations over points or over GROUP BY time's aggregates,
	// per series, NULL values left out.
	for _, tt := range []struct{ q, want string }{
		{`SELECT derivative(usage) FROM cpu WHERE host = 'a'`,
			`[{"name":"cpu","columns":["time","derivative"],"values":[["2023-11-14T22:13:40Z",0.1],["2023-11-14T22:14:00Z",0.1]]}]`},
		{`SELECT non_negative_derivative(n, 10s) FROM cpu GROUP BY host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","non_negative_derivative"],"values":[["2023-11-14T22:13:40Z",1]]}]`},
		{`SELECT difference(usage) AS d FROM cpu GROUP BY host`,
			`[{"name":"cpu","tags":{"host":"a"},"columns":["time","d"],"values":[["2023-11-14T22:13:40Z",2],["2023-11-14T22:14:00Z",2]]}]`},
		{`SELECT elapsed(usage, 1s) FROM cpu WHERE host = 'a'`,
			`[{"name":"cpu","columns":["time","elapsed"],"values":[["2023-11-14T22:13:40Z",20],["2023-11-14T22:14:00Z",20]]}]`},
		{`SELECT cumulative_sum(usage) FROM cpu WHERE host = 'a'`,
			`[{"name":"cpu","columns":["time","cumulative_sum"],"values":[["2023-11-14T22:13:20Z",1.5],["2023-11-14T22:13:40Z",5],["2023-11-14T22:14:00Z",10.5]]}]`},
		{`SELECT moving_average(usage, 2) FROM cpu WHERE host = 'a'`,
			`[{"name":"cpu","columns":["time","moving_average"],"values":[["2023-11-14T22:13:40Z",2.5],["2023-11-14T22:14:00Z",4.5]]}]`},
		{`SELECT derivative(max(usage), 20s) FROM cpu WHERE time >= 1700000000s AND time < 1700000080s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","derivative"],"values":[["2023-11-14T22:13:40Z",1],["2023-11-14T22:14:00Z",2]]}]`},
		// Over GROUP BY time the unit is the interval, and the bucket before the range is read.
		{`SELECT derivative(max(usage)) FROM cpu WHERE time >= 1700000020s AND time < 1700000080s GROUP BY time(20s)`,
			`[{"name":"cpu","columns":["time","derivative"],"values":[["2023-11-14T22:13:40Z",1],["2023-11-14T22:14:00Z",2]]}]`},
		// With ORDER BY time DESC, in that order.
		{`SELECT difference(usage) FROM cpu WHERE host = 'a' ORDER BY time DESC`,
			`[{"name":"cpu","columns":["time","difference"],"values":[["2023-11-14T22:13:40Z",-2],["2023-11-14T22:13:20Z",-2]]}]`},
		{`SELECT non_negative_difference(count(usage)) FROM cpu WHERE time >= 1700000000s AND time < 1700000080s GROUP BY time(20s) fill(0)`,
			// The bucket before the range (count 0) is read, as InfluxDB reads it.
			`[{"name":"cpu","columns":["time","non_negative_difference"],"values":[["2023-11-14T22:13:20Z",2],["2023-11-14T22:14:00Z",0]]}]`},
	} {
		code, body := influxGet(t, base, "/query", "db", "db", "q", tt.q)
		require.Equal(t, 200, code, tt.q)
		require.JSONEq(t, `{"results":[{"statement_id":0,"series":`+tt.want+`}]}`, body, tt.q)
	}
	// The database may come from the statement (FROM db.rp.m, ON db).
	code, body := influxGet(t, base, "/query", "q", `SELECT used FROM "db".."mem"; SHOW MEASUREMENTS ON db`)
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"mem","columns":["time","used"],"values":[["2023-11-14T22:13:20Z",10]]}]},
		{"statement_id":1,"series":[{"name":"measurements","columns":["name"],"values":[["cpu"],["mem"]]}]}]}`, body)
	// Conditions on expressions of fields; *::field.
	code, body = influxGet(t, base, "/query", "db", "db", "q", `SELECT *::field FROM cpu WHERE usage * 2 > 6 AND usage < n * 10`)
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","n","usage"],"values":[["2023-11-14T22:13:40Z",3,3.5]]}]}]}`, body)
	// Parameters ($name), as InfluxDB 3 binds them: a JSON object of values.
	code, body = influxGet(t, base, "/query", "db", "db", "params", `{"h":"b","min":2}`, "q", `SELECT usage FROM cpu WHERE host = $h AND usage > $min`)
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","usage"],"values":[["2023-11-14T22:13:30Z",2.5]]}]}]}`, body)
	code, body = influxGet(t, base, "/api/v3/query_influxql", "db", "db", "params", `{"h":"b"}`, "q", `SELECT usage FROM cpu WHERE host = $h`)
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"iox::measurement":"cpu","time":"2023-11-14T22:13:30","usage":2.5}]`, body)
	code, body = influxGet(t, base, "/query", "db", "db", "q", `SELECT usage FROM cpu WHERE host = $h`)
	require.Equal(t, 200, code)
	require.Contains(t, body, "missing parameter $h")
	// After a failed statement, the rest are not executed.
	code, body = influxGet(t, base, "/query", "db", "db", "q", `SELECT bogus(usage) FROM cpu; SELECT used FROM mem`)
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"error":"undefined function bogus()"},{"statement_id":1,"error":"not executed"}]}`, body)
	// epoch=ms writes times as integers.
	code, body = influxGet(t, base, "/query", "db", "db", "epoch", "ms", "q", "SELECT used FROM mem")
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"mem","columns":["time","used"],"values":[[1700000000000,10]]}]}]}`, body)
	// Several statements, each with its result.
	code, body = influxGet(t, base, "/query", "db", "db", "q", "SELECT used FROM mem; SELECT used FROM nosuch")
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"mem","columns":["time","used"],"values":[["2023-11-14T22:13:20Z",10]]}]},{"statement_id":1}]}`, body)
}

func TestInfluxQLShow(t *testing.T) {
	base := serverWith(t, map[string]string{"db": influxData})
	for _, tt := range []struct{ q, want string }{
		{`SHOW MEASUREMENTS`, `[{"name":"measurements","columns":["name"],"values":[["cpu"],["mem"]]}]`},
		{`SHOW MEASUREMENTS WITH MEASUREMENT =~ /^m/`, `[{"name":"measurements","columns":["name"],"values":[["mem"]]}]`},
		{`SHOW TAG KEYS`, `[{"name":"cpu","columns":["tagKey"],"values":[["host"],["region"]]}]`},
		{`SHOW TAG VALUES WITH KEY = "host"`, `[{"name":"cpu","columns":["key","value"],"values":[["host","a"],["host","b"]]}]`},
		{`SHOW TAG VALUES FROM cpu WITH KEY IN (host, region) WHERE region = 'west'`, `[{"name":"cpu","columns":["key","value"],"values":[["host","b"],["region","west"]]}]`},
		{`SHOW FIELD KEYS`, `[{"name":"cpu","columns":["fieldKey","fieldType"],"values":[["n","integer"],["usage","float"]]},{"name":"mem","columns":["fieldKey","fieldType"],"values":[["used","integer"]]}]`},
		{`SHOW SERIES`, `[{"columns":["key"],"values":[["cpu,host=a,region=east"],["cpu,host=b,region=west"],["mem"]]}]`},
		{`SHOW SERIES FROM cpu WHERE host = 'b'`, `[{"columns":["key"],"values":[["cpu,host=b,region=west"]]}]`},
		{`SHOW DATABASES`, `[{"name":"databases","columns":["name"],"values":[["db"]]}]`},
		// Grafana's query builder with a tag filter.
		{`SHOW MEASUREMENTS WHERE "host" = 'b' LIMIT 100`, `[{"name":"measurements","columns":["name"],"values":[["cpu"]]}]`},
		{`SHOW MEASUREMENTS WITH MEASUREMENT =~ /m/ WHERE "host" = ''`, `[{"name":"measurements","columns":["name"],"values":[["mem"]]}]`},
		{`SHOW TAG KEYS WHERE "region" = 'west'`, `[{"name":"cpu","columns":["tagKey"],"values":[["host"],["region"]]}]`},
		// Cardinalities, exact; InfluxDB 1.x's estimates are one unnamed count.
		{`SHOW MEASUREMENT CARDINALITY`, `[{"columns":["cardinality estimation"],"values":[[2]]}]`},
		{`SHOW MEASUREMENT EXACT CARDINALITY`, `[{"columns":["count"],"values":[[2]]}]`},
		{`SHOW SERIES CARDINALITY`, `[{"columns":["cardinality estimation"],"values":[[3]]}]`},
		{`SHOW SERIES EXACT CARDINALITY`, `[{"name":"cpu","columns":["count"],"values":[[2]]},{"name":"mem","columns":["count"],"values":[[1]]}]`},
		{`SHOW SERIES CARDINALITY FROM cpu WHERE region = 'west'`, `[{"name":"cpu","columns":["count"],"values":[[1]]}]`},
		{`SHOW TAG KEY CARDINALITY FROM cpu`, `[{"name":"cpu","columns":["count"],"values":[[2]]}]`},
		{`SHOW FIELD KEY CARDINALITY`, `[{"name":"cpu","columns":["count"],"values":[[2]]},{"name":"mem","columns":["count"],"values":[[1]]}]`},
		{`SHOW TAG VALUES CARDINALITY WITH KEY = "host"`, `[{"name":"cpu","columns":["count"],"values":[[2]]}]`},
		{`SHOW TAG VALUES EXACT CARDINALITY WITH KEY IN (host, region) WHERE region = 'east'`, `[{"name":"cpu","columns":["count"],"values":[[2]]}]`},
		{`SHOW RETENTION POLICIES ON db`, `[{"columns":["name","duration","shardGroupDuration","replicaN","default"],"values":[["autogen","0s","168h0m0s",1,true]]}]`},
	} {
		code, body := influxGet(t, base, "/query", "db", "db", "q", tt.q)
		require.Equal(t, 200, code, tt.q)
		require.JSONEq(t, `{"results":[{"statement_id":0,"series":`+tt.want+`}]}`, body, tt.q)
	}
}

// TestInfluxQLIntegral: integral() as InfluxDB 1.x computes it. Series x:
// 0 at t0, 10 at +10s, 10 at +20s, 40 at +50s; in pi, series y: 2 at t0 and
// +30s, z: 1 at t0 (integers). Without GROUP BY time the trapezoids are 50 + 100 + 750.
// With 20-second windows [0,20) [20,40) [40,60): the trapezoid from +20s to
// +50s is cut at +40s (value 30 there): 150, 400 (the +20s..+40s part),
// 350 (the rest). With 10-second windows the cut at +30s (value 20) leaves
// 150 in [20,30) and gives the rest, 600, to [50,60), across the empty
// windows, as 1.x does (1.x then drops that last window because its only
// point lies at its start; Strata keeps it).
func TestInfluxQLIntegral(t *testing.T) {
	const data = `pw,dev=x p=0 1700000000000000000
pw,dev=x p=10 1700000010000000000
pw,dev=x p=10 1700000020000000000
pw,dev=x p=40 1700000050000000000
pi,dev=y p=2i,q=1 1700000000000000000
pi,dev=y p=2i 1700000030000000000
pi,dev=z p=1i 1700000000000000000
`
	base := serverWith(t, map[string]string{"db": data})
	const window = ` WHERE time >= 1700000000s AND time < 1700000060s`
	for _, tt := range []struct{ q, want string }{
		{`SELECT integral(p) FROM pw WHERE dev = 'x'`,
			`[{"name":"pw","columns":["time","integral"],"values":[["1970-01-01T00:00:00Z",900]]}]`},
		{`SELECT integral(p, 1m) AS energy FROM pw` + window + ` GROUP BY dev`,
			`[{"name":"pw","tags":{"dev":"x"},"columns":["time","energy"],"values":[["2023-11-14T22:13:20Z",15]]}]`},
		// Integers; a series of one point has no area.
		{`SELECT integral(p) FROM pi` + window + ` GROUP BY dev`,
			`[{"name":"pi","tags":{"dev":"y"},"columns":["time","integral"],"values":[["2023-11-14T22:13:20Z",60]]},
			  {"name":"pi","tags":{"dev":"z"},"columns":["time","integral"],"values":[["2023-11-14T22:13:20Z",0]]}]`},
		{`SELECT integral(p) FROM pw` + window + ` AND dev = 'x' GROUP BY time(20s)`,
			`[{"name":"pw","columns":["time","integral"],"values":[["2023-11-14T22:13:20Z",150],["2023-11-14T22:13:40Z",400],["2023-11-14T22:14:00Z",350]]}]`},
		{`SELECT integral(p) FROM pw` + window + ` AND dev = 'x' GROUP BY time(20s) ORDER BY time DESC`,
			`[{"name":"pw","columns":["time","integral"],"values":[["2023-11-14T22:14:00Z",350],["2023-11-14T22:13:40Z",400],["2023-11-14T22:13:20Z",150]]}]`},
		{`SELECT integral(p) FROM pw` + window + ` AND dev = 'x' GROUP BY time(10s) fill(0)`,
			`[{"name":"pw","columns":["time","integral"],"values":[["2023-11-14T22:13:20Z",50],["2023-11-14T22:13:30Z",100],["2023-11-14T22:13:40Z",150],["2023-11-14T22:13:50Z",0],["2023-11-14T22:14:00Z",0],["2023-11-14T22:14:10Z",600]]}]`},
		// The WHERE picks the points before the trapezoids are formed.
		{`SELECT integral(p) FROM pw WHERE dev = 'x' AND p > 5`,
			`[{"name":"pw","columns":["time","integral"],"values":[["1970-01-01T00:00:00Z",850]]}]`},
		{`SELECT integral(p) FROM pi` + window + ` AND dev = 'y' GROUP BY time(20s) fill(none)`,
			`[{"name":"pi","columns":["time","integral"],"values":[["2023-11-14T22:13:20Z",40],["2023-11-14T22:13:40Z",20]]}]`},
	} {
		code, body := influxGet(t, base, "/query", "db", "db", "q", tt.q)
		require.Equal(t, 200, code, tt.q)
		require.JSONEq(t, `{"results":[{"statement_id":0,"series":`+tt.want+`}]}`, body, tt.q)
	}

	// tz(): a day where clocks change lasts 23 (or 25) hours; v = 1 every
	// hour, so each day's integral in hours is its length (the last day
	// holds two hours of points).
	var lp strings.Builder
	for ts := int64(1458864000); ts <= 1459296000; ts += 3600 { // 2016-03-25T00Z .. 03-30T00Z
		fmt.Fprintf(&lp, "dst v=1 %d000000000\n", ts)
	}
	base = serverWith(t, map[string]string{"db": lp.String()})
	code, body := influxGet(t, base, "/query", "db", "db", "epoch", "s", "q",
		`SELECT integral(v, 1h) FROM dst WHERE time >= '2016-03-25T00:00:00Z' AND time <= '2016-03-30T00:00:00Z' GROUP BY time(1d) tz('Europe/Oslo')`)
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"dst","columns":["time","integral"],"values":[
		[1458860400,23],[1458946800,24],[1459033200,23],[1459116000,24],[1459202400,24],[1459288800,2]]}]}]}`, body)
}

func TestInfluxQLErrors(t *testing.T) {
	base := serverWith(t, map[string]string{"db": influxData})
	code, body := influxGet(t, base, "/query", "db", "db", "q", "SELEC usage FROM cpu")
	require.Equal(t, 400, code)
	require.JSONEq(t, `{"error":"error parsing query: found \"SELEC\", expected SELECT, SHOW, DELETE, CREATE DATABASE or DROP DATABASE at line 1, char 1"}`, body)
	code, _ = influxGet(t, base, "/query", "db", "db")
	require.Equal(t, 400, code)
	code, _ = influxGet(t, base, "/query", "db", "db", "epoch", "days", "q", "SHOW DATABASES")
	require.Equal(t, 400, code)
	for _, tt := range []struct{ db, q, want string }{
		{"", "SELECT usage FROM cpu", "database name required"},
		{"nosuch", "SELECT usage FROM cpu", "database not found: nosuch"},
		{"db", "SELECT mean(usage), host FROM cpu", "mixing aggregate and non-aggregate queries is not supported"},
		{"db", "SELECT usage FROM cpu GROUP BY time(1m)", "GROUP BY time() needs an aggregate"},
		{"db", "SELECT derivative(mean(usage), 1s) FROM cpu", "derivative aggregate requires a GROUP BY interval"},
		{"db", "SELECT derivative(usage) FROM cpu GROUP BY time(1m)", "aggregate function required inside the call to derivative"},
		{"db", "SELECT derivative(usage), n FROM cpu", "must be the only item of the SELECT list"},
		{"db", "SELECT moving_average(usage) FROM cpu", "invalid number of arguments for moving_average"},
		{"db", "SELECT top(usage, host, 2) FROM cpu", "top() with a tag argument is not supported: GROUP BY the tag instead"},
		{"db", "SELECT top(usage, host, region, 2) FROM cpu", "top() with a tag argument is not supported"},
		{"db", "SELECT usage, derivative(usage) FROM cpu", "must be the only item of the SELECT list"},
		{"db", "SELECT top(usage, 0) FROM cpu", "limit (0) in top function must be at least 1"},
		{"db", "SELECT bottom(usage, 1), n FROM cpu", "must be the only item of the SELECT list"},
		{"db", "SELECT sample(usage, 2) FROM cpu", "sample() is not supported by Strata's InfluxQL: use SQL"},
		{"db", "SELECT integral(usage), n FROM cpu", "integral() must be the only item of the SELECT list"},
		{"db", "SELECT integral(*) FROM cpu", "integral() of * or of a regular expression is not supported"},
		{"db", "SELECT integral(usage, 5) FROM cpu", "invalid second argument for integral(): expected a duration like 1h"},
		{"db", "SELECT integral(mean(usage)) FROM cpu GROUP BY time(1m)", "expected field argument in integral()"},
		{"db", "SHOW MEASUREMENT CARDINALITY WHERE host = 'a'", "SHOW MEASUREMENT CARDINALITY ... WHERE is not supported"},
		{"db", "SELECT sum(x) FROM (SELECT usage AS x FROM cpu, mem)", "a subquery over several measurements (cpu, mem) is not supported"},
		{"db", "SELECT bogus(usage) FROM cpu", "undefined function bogus()"},
		{"db", "SELECT distinct(usage), n FROM cpu", "aggregate function distinct() cannot be combined with other functions or fields"},
		{"db", "SELECT usage FROM cpu WHERE host =~ /(/", "invalid regular expression"},
		{"db", "SELECT usage FROM cpu WHERE time > 'yesterday'", "invalid time"},
		{"db", "SELECT usage FROM cpu tz('Mars/Base')", "unknown time zone"},
		{"db", "SELECT usage FROM other.autogen.cpu", "database not found: other"}, // the qualifier names the database
		{"db", "SELECT usage FROM db.autogen.cpu, other..mem", "is in database"},
	} {
		code, body := influxGet(t, base, "/query", "db", tt.db, "q", tt.q)
		require.Equal(t, 200, code, tt.q)
		require.Contains(t, body, tt.want, tt.q)
		require.Contains(t, body, `"statement_id":0`, tt.q)
	}
}

// TestInfluxQLV3 checks /api/v3/query_influxql: InfluxDB 3's rows, with the
// measurement in iox::measurement, in every format query_sql writes.
func TestInfluxQLV3(t *testing.T) {
	base := serverWith(t, map[string]string{"db": influxData})
	code, body := influxGet(t, base, "/api/v3/query_influxql", "db", "db", "q", "SELECT last(usage) FROM cpu GROUP BY host")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"iox::measurement":"cpu","time":"2023-11-14T22:14:00","host":"a","last":5.5},{"iox::measurement":"cpu","time":"2023-11-14T22:13:30","host":"b","last":2.5}]`, body)
	code, body = influxGet(t, base, "/api/v3/query_influxql", "db", "db", "format", "csv", "q", "SHOW MEASUREMENTS")
	require.Equal(t, 200, code, body)
	require.Equal(t, "iox::measurement,name\nmeasurements,cpu\nmeasurements,mem\n", body)
	code, body = influxGet(t, base, "/api/v3/query_influxql", "db", "db", "format", "jsonl", "q", "SHOW DATABASES")
	require.Equal(t, 200, code, body)
	require.Equal(t, "{\"iox::database\":\"db\"}\n", body)
	code, body = influxGet(t, base, "/api/v3/query_influxql", "db", "db", "q", "SELECT used FROM nosuch")
	require.Equal(t, 200, code, body)
	require.Equal(t, "[]", strings.TrimSpace(body))
	code, body = influxGet(t, base, "/api/v3/query_influxql", "db", "db", "q", "SELECT used FROM mem; SHOW DATABASES")
	require.Equal(t, 400, code)
	require.Contains(t, body, "expected one InfluxQL statement, got 2")
	code, body = influxGet(t, base, "/api/v3/query_influxql", "db", "nosuch", "q", "SELECT used FROM mem")
	require.Equal(t, 404, code)
	require.Contains(t, body, "database not found: nosuch")
}

// TestInfluxQLDatabases: the statements writers send before writing.
func TestInfluxQLDatabases(t *testing.T) {
	base := serverWith(t, nil)
	code, body := influxGet(t, base, "/query", "q", "show databases")
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[]}]}]}`, body)
	code, body = influxGet(t, base, "/query", "consistency", "all", "q", "CREATE DATABASE benchmark WITH REPLICATION 1")
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0}]}`, body)
	code, _ = influxGet(t, base, "/query", "q", "CREATE DATABASE benchmark")
	require.Equal(t, 200, code, "CREATE DATABASE is idempotent")
	resp, err := http.Post(base+"/query?q="+url.QueryEscape(`CREATE DATABASE "tele graf" WITH DURATION 15d NAME autogen`), "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	// A POST form, as the v1 clients send it.
	resp, err = http.PostForm(base+"/query", url.Values{"q": {"SHOW DATABASES; SHOW RETENTION POLICIES ON \"tele graf\""}})
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[["benchmark"],["tele graf"]]}]},
		{"statement_id":1,"series":[{"columns":["name","duration","shardGroupDuration","replicaN","default"],"values":[["autogen","360h0m0s","168h0m0s",1,true]]}]}]}`, string(data))
	code, _ = influxGet(t, base, "/query", "q", "drop database benchmark")
	require.Equal(t, 200, code)
	code, _ = influxGet(t, base, "/query", "q", "drop database benchmark")
	require.Equal(t, 200, code, "dropping a missing database succeeds, as in InfluxDB 1.x")
	code, body = influxGet(t, base, "/query", "q", "SHOW DATABASES")
	require.Equal(t, 200, code)
	require.JSONEq(t, `{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[["tele graf"]]}]}]}`, body)
	code, body = influxGet(t, base, "/query", "q", "CREATE DATABASE x WITH DURATION forever")
	require.Equal(t, 200, code)
	require.Contains(t, body, "invalid duration")
}

// TestInfluxQLDelete: InfluxDB 1.x's DELETE on /query, POST only: by tag
// and time, over a regex of measurements or every measurement; a field in
// the condition is InfluxDB's error.
func TestInfluxQLDelete(t *testing.T) {
	base := serverWith(t, map[string]string{"db": influxData})
	post := func(q string) (int, string) {
		t.Helper()
		resp, err := http.PostForm(base+"/query", url.Values{"db": {"db"}, "q": {q}})
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	code, body := influxGet(t, base, "/query", "db", "db", "q", "DELETE FROM cpu WHERE host = 'a'")
	require.Equal(t, 405, code, body)
	require.Contains(t, body, "send it with POST")

	code, body = post("DELETE FROM cpu WHERE host = 'a' AND time < '2023-11-14T22:13:30Z'")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `{"results":[{"statement_id":0}]}`, body)
	code, body = post("SELECT count(usage) FROM cpu GROUP BY host")
	require.Equal(t, 200, code, body)
	require.Contains(t, body, `"tags":{"host":"a"},"columns":["time","count"],"values":[["1970-01-01T00:00:00Z",2]]`)

	code, body = post("DELETE FROM cpu WHERE usage > 1")
	require.Equal(t, 200, code, body)
	require.Contains(t, body, "fields not supported in WHERE clause during deletion")

	code, body = post("DELETE FROM /^c/ WHERE region = 'west'; DELETE WHERE time < '2023-11-14T22:13:25Z'")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `{"results":[{"statement_id":0},{"statement_id":1}]}`, body)
	code, body = post("SELECT count(usage) FROM cpu; SELECT count(used) FROM mem")
	require.Equal(t, 200, code, body)
	require.Contains(t, body, `"values":[["1970-01-01T00:00:00Z",2]]`, "host a's two later rows")
	require.NotContains(t, body, `"name":"mem"`, "mem's one row, at t0, went with DELETE WHERE time < ...")
}
