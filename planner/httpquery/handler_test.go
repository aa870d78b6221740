package httpquery

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

func newServer(t *testing.T) string {
	return serverWith(t, map[string]string{"db": "cpu,host=a usage=1.5,n=1i 1700000000000000000\ncpu,host=b usage=2.5 1700000010000000000\ncpu,host=a usage=3.5,n=3i 1700000020000000000\n"})
}

// serverWith serves queries over an engine holding line protocol, by
// database.
func serverWith(t *testing.T, lines map[string]string) string {
	return serverWithLimit(t, lines, 0)
}

// serverWithLimit is serverWith with a query memory limit.
func serverWithLimit(t *testing.T, lines map[string]string, memLimit int64) string {
	t.Helper()
	base, _ := serverEngine(t, lines, memLimit)
	return base
}

// serverAndEngine is serverWith that also returns the engine.
func serverAndEngine(t *testing.T, lines map[string]string) (string, *storage.Engine) {
	t.Helper()
	return serverEngine(t, lines, 0)
}

func serverEngine(t *testing.T, lines map[string]string, memLimit int64) (string, *storage.Engine) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	for db, text := range lines {
		var p lp.Parser
		res := p.Parse([]byte(text), lp.Options{Precision: lp.Nanosecond})
		require.Empty(t, res.Errors)
		require.NoError(t, e.Write(context.Background(), db, res.Tables, storage.WriteOptions{}))
	}
	mux := http.NewServeMux()
	(&Handler{Planner: &planner.Planner{Engine: e, Activity: &planner.Activity{LogSize: 5}}, Logger: logger, MemLimit: memLimit}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, e
}

func get(t *testing.T, base, q, format string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + "/api/v3/query_sql?db=db&format=" + format + "&q=" + url.QueryEscape(q))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestFormats(t *testing.T) {
	base := newServer(t)
	q := "SELECT host, usage, n, time FROM cpu ORDER BY time"
	code, body := get(t, base, q, "json")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"host":"a","usage":1.5,"n":1,"time":"2023-11-14T22:13:20"},{"host":"b","usage":2.5,"time":"2023-11-14T22:13:30"},{"host":"a","usage":3.5,"n":3,"time":"2023-11-14T22:13:40"}]`, body)

	code, body = get(t, base, q, "jsonl")
	require.Equal(t, 200, code)
	require.Equal(t, 3, strings.Count(body, "\n"))

	code, body = get(t, base, q, "csv")
	require.Equal(t, 200, code)
	require.Equal(t, "host,usage,n,time\na,1.5,1,2023-11-14T22:13:20\nb,2.5,,2023-11-14T22:13:30\na,3.5,3,2023-11-14T22:13:40\n", body)

	code, body = get(t, base, "SELECT host, count(*) AS n FROM cpu GROUP BY host ORDER BY host", "pretty")
	require.Equal(t, 200, code)
	require.Equal(t, "+------+---+\n| host | n |\n+------+---+\n| a    | 2 |\n| b    | 1 |\n+------+---+\n", body)

	code, body = get(t, base, q, "parquet")
	require.Equal(t, 200, code)
	require.True(t, strings.HasPrefix(body, "PAR1") && strings.HasSuffix(body, "PAR1"), "a Parquet file")

	code, body = get(t, base, "SELECT * FROM cpu WHERE usage > 100", "json")
	require.Equal(t, 200, code)
	require.Equal(t, "[]", body)

	// A column of the NULL type (SELECT NULL, GROUP BY NULL) is NULL
	// throughout: left out in JSON, empty in CSV.
	nulls := "SELECT NULL AS x, count(*) AS n FROM cpu GROUP BY 1"
	code, body = get(t, base, nulls, "json")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"n":3}]`, body)
	code, body = get(t, base, nulls, "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "x,n\n,3\n", body)
}

// TestInfluxShapes: what InfluxDB 3's clients read from its writers.
// Whole floats stay floats (23.0), unnamed columns that share a name get
// distinct keys (no value lost to a duplicate key), fractions of a second
// come in three, six or nine digits, < > & are not escaped, and the media
// types are InfluxDB 3's.
func TestInfluxShapes(t *testing.T) {
	base := serverWith(t, map[string]string{"db": "m,h=<a&b> f=23,g=0.5 1700000000100000000\n"})
	code, body := get(t, base, "SELECT h, f, max(f), max(g), max(g) AS max_1, time FROM m GROUP BY h, f, time", "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"h":"<a&b>","f":23.0,"max":23.0,"max_2":0.5,"max_1":0.5,"time":"2023-11-14T22:13:20.100"}]`, body)
	code, body = get(t, base, "SELECT f, g FROM m", "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "f,g\n23.0,0.5\n", body)
	for format, want := range map[string]string{"json": "application/json", "jsonl": "application/jsonl", "csv": "text/csv"} {
		resp, err := http.Get(base + "/api/v3/query_sql?db=db&q=SELECT+1&format=" + format)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, want, resp.Header.Get("Content-Type"), format)
	}
}

func TestErrorsAndParams(t *testing.T) {
	base := newServer(t)
	code, body := get(t, base, "SELECT usge FROM cpu", "json")
	require.Equal(t, 400, code)
	require.JSONEq(t, `{"error":"column \"usge\" does not exist","code":"42703","hint":"did you mean \"usage\"?"}`, body)
	code, body = get(t, base, "SELECT * FROM nope", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, `"code":"42P01"`)
	code, body = get(t, base, "SELEC 1", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, `"code":"42601"`)
	code, body = get(t, base, "SELECT 1", "xml")
	require.Equal(t, 400, code)
	require.Contains(t, body, "unknown format")

	resp, err := http.Post(base+"/api/v3/query_sql", "application/json", bytes.NewReader([]byte(`{"db":"db","q":"SELECT host, usage FROM cpu WHERE usage > $1 AND host = $2","params":{"1":2,"2":"a"}}`)))
	require.NoError(t, err)
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, string(data))
	require.JSONEq(t, `[{"host":"a","usage":3.5}]`, string(data))

	resp, err = http.Post(base+"/api/v3/query_sql", "application/json", bytes.NewReader([]byte(`{"db":"db","q":"SELECT host, usage FROM cpu WHERE usage > $min AND host = $host","params":{"host":"a","min":2}}`)))
	require.NoError(t, err)
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, string(data))
	require.JSONEq(t, `[{"host":"a","usage":3.5}]`, string(data), "InfluxDB 3's $name parameters")

	code, body = get(t, base, "SELECT host FROM cpu WHERE host = $host", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, "no value for parameter $host")

	code, body = get(t, base, "SELECT 1/0", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, `"code":"22012"`)
}

func TestCSVQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "a,b": `"a,b"`, `say "hi"`: `"say ""hi"""`, "two\nlines": "\"two\nlines\"", " lead": `" lead"`, "": "",
	} {
		require.Equal(t, want, string(appendCSVField(nil, in)), in)
	}
}

func TestDatesAsDates(t *testing.T) {
	base := newServer(t)
	code, body := get(t, base, "SELECT time::date AS d, time FROM cpu ORDER BY time LIMIT 1", "json")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"d":"2023-11-14","time":"2023-11-14T22:13:20"}]`, body)
	code, body = get(t, base, "SELECT DATE '2016-02-29' AS d", "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "d\n2016-02-29\n", body)
}

// TestCSVFromWorkers reads a filtered scan of several partitions as CSV:
// the lines are encoded on the scan's workers (encodeWorkers) and must
// be the lines of the same rows encoded in order (ORDER BY goes through a
// sort and the one-goroutine encoder). No rows still give the header. A
// predicate failing before anything was sent is an error response; one
// failing in the last partition, after megabytes were sent, cuts the response, which the client
// sees as incomplete instead of a short result.
func TestCSVFromWorkers(t *testing.T) {
	// Two workers even on a one-core machine (GOMAXPROCS sizes scans).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	var lines strings.Builder
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 4; d++ { // four daily partitions: four splits
		for i := 0; i < 20000; i++ {
			at := base.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*4*time.Second)
			fmt.Fprintf(&lines, "w,host=h%d v=%g,k=%di,s=\"a,%d\" %d\n", (i*7+d)%23, float64((i*37+d*11)%1000)/10, i, i%5, at.UnixNano())
		}
	}
	var p lp.Parser
	res := p.Parse([]byte(lines.String()), lp.Options{Precision: lp.Nanosecond})
	require.Empty(t, res.Errors)
	require.NoError(t, e.Write(context.Background(), "db", res.Tables, storage.WriteOptions{}))
	mux := http.NewServeMux()
	(&Handler{Planner: &planner.Planner{Engine: e}, Logger: logger}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	sortedLines := func(body string) []string {
		ls := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
		sort.Strings(ls[1:])
		return ls
	}
	code, ordered := get(t, srv.URL, "SELECT host, v, k, s, time FROM w WHERE v > 90 ORDER BY time", "csv")
	require.Equal(t, 200, code, ordered)
	code, body := get(t, srv.URL, "SELECT host, v, k, s, time FROM w WHERE v > 90", "csv")
	require.Equal(t, 200, code, body)
	want, got := sortedLines(ordered), sortedLines(body)
	require.Greater(t, len(want), 5000)
	require.Equal(t, "host,v,k,s,time", got[0])
	require.True(t, slices.Equal(want, got), "%d lines, want %d", len(got), len(want))

	code, body = get(t, srv.URL, "SELECT host, v FROM w WHERE v > 1000", "csv")
	require.Equal(t, 200, code)
	require.Equal(t, "host,v\n", body)

	// JSON and JSON lines from the workers: the same objects as the ordered
	// (serial) answer; no rows are [] and nothing.
	objects := func(body, format string) []string {
		var rows []map[string]any
		if format == "json" {
			require.NoError(t, json.Unmarshal([]byte(body), &rows), body[:min(len(body), 200)])
		} else {
			for _, l := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
				var r map[string]any
				require.NoError(t, json.Unmarshal([]byte(l), &r), l)
				rows = append(rows, r)
			}
		}
		out := make([]string, len(rows))
		for i, r := range rows {
			b, err := json.Marshal(r)
			require.NoError(t, err)
			out[i] = string(b)
		}
		sort.Strings(out)
		return out
	}
	for _, format := range []string{"json", "jsonl"} {
		code, ordered := get(t, srv.URL, "SELECT host, v, k, s, time FROM w WHERE v > 90 ORDER BY time", format)
		require.Equal(t, 200, code)
		code, body := get(t, srv.URL, "SELECT host, v, k, s, time FROM w WHERE v > 90", format)
		require.Equal(t, 200, code)
		want, got := objects(ordered, format), objects(body, format)
		require.Greater(t, len(want), 5000)
		require.True(t, slices.Equal(want, got), "%s: %d objects, want %d", format, len(got), len(want))
	}
	code, body = get(t, srv.URL, "SELECT host, v FROM w WHERE v > 1000", "json")
	require.Equal(t, 200, code)
	require.Equal(t, "[]", body)
	code, body = get(t, srv.URL, "SELECT host, v FROM w WHERE v > 1000", "jsonl")
	require.Equal(t, 200, code)
	require.Equal(t, "", body)

	code, body = get(t, srv.URL, "SELECT host, v FROM w WHERE 1 / (k - 5) > 0", "csv")
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "division by zero")

	// A failure in a later batch, before the other formats wrote anything
	// (pretty writes at the end; JSON holds its first 256 KB): an error
	// response too, not a cut one.
	late := "SELECT host, v FROM w WHERE k < 3 AND 1 / (CASE WHEN time >= '2026-03-04' AND k = 2 THEN 0 ELSE 1 END) > 0"
	for _, format := range []string{"csv", "json", "jsonl", "pretty"} {
		code, body = get(t, srv.URL, late, format)
		require.Equal(t, 400, code, "%s: %s", format, body)
		require.JSONEq(t, `{"code":"22012","error":"division by zero"}`, body, format)
	}

	resp, err := http.Get(srv.URL + "/api/v3/query_sql?db=db&format=csv&q=" + url.QueryEscape("SELECT host, v, s FROM w WHERE 1 / (CASE WHEN time >= '2026-03-04' AND k = 19990 THEN 0 ELSE 1 END) > 0"))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	_, err = io.ReadAll(resp.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

// call sends one request and returns the status, the headers and the body.
func call(t *testing.T, method, url string, body []byte, headers ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	if body == nil {
		req.Body = http.NoBody
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(data)
}

// TestIntegerParams: integers in params keep every digit (JSON numbers are
// not float64s on the way): 2^53+1 in an int64 column, 2^64-2 in a uint64
// column, where a float64 would find 2^53 and 2^64-1.
func TestIntegerParams(t *testing.T) {
	base := serverWith(t, map[string]string{"big": "m i=9007199254740993i,u=18446744073709551615u,f=1.5 1700000000000000000\nm i=9007199254740992i,u=18446744073709551614u,f=2.5 1700000001000000000\n"})
	query := func(q, params string) string {
		t.Helper()
		code, _, body := call(t, "POST", base+"/api/v3/query_sql", []byte(`{"db":"big","q":"`+q+`","params":`+params+`}`), "Content-Type", "application/json")
		require.Equal(t, 200, code, body)
		return body
	}
	require.JSONEq(t, `[{"i":9007199254740993}]`, query("SELECT i FROM m WHERE i = $v", `{"v":9007199254740993}`))
	require.JSONEq(t, `[{"i":9007199254740993}]`, query("SELECT i FROM m WHERE i = $1", `[9007199254740993]`))
	require.JSONEq(t, `[{"u":18446744073709551614}]`, query("SELECT u FROM m WHERE u = $v", `{"v":18446744073709551614}`))
	require.JSONEq(t, `[{"u":18446744073709551615}]`, query("SELECT u FROM m WHERE u > $v", `{"v":18446744073709551614}`))
	require.JSONEq(t, `[{"x":18446744073709551614}]`, query("SELECT $v AS x", `{"v":18446744073709551614}`), "an unsigned parameter of its own")
	require.JSONEq(t, `[{"f":2.5}]`, query("SELECT f FROM m WHERE f > $v", `{"v":2.0}`), "2.0 is a float")
	require.JSONEq(t, `[{"f":2.5}]`, query("SELECT f FROM m WHERE f > $v", `{"v":15e-1}`))
	require.JSONEq(t, `[{"x":-42,"y":true,"s":"a"}]`, query("SELECT $x AS x, $y AS y, $s AS s", `{"x":-42,"y":true,"s":"a"}`))
}

// TestParamErrors: values that are not scalars are refused, naming the
// parameter as the query spells it.
func TestParamErrors(t *testing.T) {
	base := newServer(t)
	for _, tt := range []struct{ q, params, want string }{
		{"SELECT $v", `{"v":{"a":1}}`, "parameter $v: objects are not supported; use a string, number, boolean or null"},
		{"SELECT $v", `{"v":[1,2]}`, "parameter $v: arrays are not supported; use a string, number, boolean or null"},
		{"SELECT $1", `[{"a":1}]`, "parameter $1: objects are not supported"},
		{"SELECT $1, $2", `[1]`, "params has 1 values but the query has 2 parameters"},
		{"SELECT $v", `"x"`, "params must be a JSON object keyed by parameter name or position"},
		{"SELECT $v", `{"w":1}`, `no value for parameter $v (its parameters are $v; given but not used: "w")`},
	} {
		code, _, body := call(t, "POST", base+"/api/v3/query_sql", []byte(`{"db":"db","q":"`+tt.q+`","params":`+tt.params+`}`), "Content-Type", "application/json")
		require.Equal(t, 400, code, body)
		var e struct{ Error string }
		require.NoError(t, json.Unmarshal([]byte(body), &e))
		require.Contains(t, e.Error, tt.want, tt.params)
		require.NotContains(t, e.Error, "interface", "no Go types in messages")
	}
}

// TestPostBodies: a POST body is JSON whatever the Content-Type says (curl
// -d, fetch and http.client send form, text/plain or nothing), a real
// form is a form, gzip is inflated, and a body that is neither says what
// was expected.
func TestPostBodies(t *testing.T) {
	base := newServer(t)
	u := base + "/api/v3/query_sql"
	jsonBody := []byte(`{"db":"db","q":"SELECT count(*) AS n FROM cpu WHERE host = $h","params":{"h":"a"}}`)
	for _, ct := range []string{"application/json", "application/x-www-form-urlencoded", "text/plain;charset=UTF-8", ""} {
		code, _, body := call(t, "POST", u, jsonBody, "Content-Type", ct)
		require.Equal(t, 200, code, "%q: %s", ct, body)
		require.JSONEq(t, `[{"n":2}]`, body, ct)
	}
	form := url.Values{"db": {"db"}, "q": {"SELECT count(*) AS n FROM cpu WHERE host = $h"}, "params": {`{"h":"b"}`}, "format": {"csv"}}
	code, _, body := call(t, "POST", u, []byte(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, 200, code, body)
	require.Equal(t, "n\n1\n", body)

	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(jsonBody)
	zw.Close()
	code, _, body = call(t, "POST", u, zb.Bytes(), "Content-Type", "application/json", "Content-Encoding", "gzip")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"n":2}]`, body)

	code, _, body = call(t, "POST", u, jsonBody, "Content-Encoding", "br")
	require.Equal(t, 415, code, body)
	require.Contains(t, body, `Content-Encoding \"br\" is not supported`)
	code, _, body = call(t, "POST", u, []byte("not gzip"), "Content-Encoding", "gzip")
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "not valid gzip")

	big := bytes.Repeat([]byte(" "), maxBodyBytes+10) // 16 MiB of spaces inflates from a few KiB
	zb.Reset()
	zw = gzip.NewWriter(&zb)
	zw.Write(big)
	zw.Close()
	code, _, body = call(t, "POST", u, zb.Bytes(), "Content-Encoding", "gzip")
	require.Equal(t, 413, code, body)
	require.Contains(t, body, "after decompression")

	code, _, body = call(t, "POST", u, []byte("SELECT 1"), "Content-Type", "text/plain")
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "the request body must be JSON like {")
	require.Contains(t, body, "Content-Type: text/plain")

	// The URL's parameters still serve a POST without a body, and with one
	// the body's fields win.
	code, _, body = call(t, "POST", u+"?db=db&format=csv&q="+url.QueryEscape("SELECT 1 AS one"), nil)
	require.Equal(t, 200, code, body)
	require.Equal(t, "one\n1\n", body)
	code, _, body = call(t, "POST", u+"?db=nope&format=csv", []byte(`{"db":"db","q":"SELECT 2 AS two"}`))
	require.Equal(t, 200, code, body)
	require.Equal(t, "two\n2\n", body)
}

// TestGetParams: on GET, params is a JSON string in the URL (InfluxDB 3).
func TestGetParams(t *testing.T) {
	base := newServer(t)
	q := url.Values{"db": {"db"}, "q": {"SELECT usage FROM cpu WHERE host = $h AND n = $n"}, "params": {`{"h":"a","n":3}`}}
	code, _, body := call(t, "GET", base+"/api/v3/query_sql?"+q.Encode(), nil)
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"usage":3.5}]`, body)
	q.Set("params", `{"h":`)
	code, _, body = call(t, "GET", base+"/api/v3/query_sql?"+q.Encode(), nil)
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "params must be a JSON object")
}

// TestAcceptHeader: without format, the Accept header picks one as
// InfluxDB 3 does; format wins over it; json_lines is jsonl.
func TestAcceptHeader(t *testing.T) {
	base := newServer(t)
	u := base + "/api/v3/query_sql?db=db&q=" + url.QueryEscape("SELECT host, count(*) AS n FROM cpu GROUP BY host ORDER BY host")
	for accept, want := range map[string]string{
		"":                    `[{"host":"a","n":2},{"host":"b","n":1}]`,
		"*/*":                 `[{"host":"a","n":2},{"host":"b","n":1}]`,
		"application/json":    `[{"host":"a","n":2},{"host":"b","n":1}]`,
		"application/jsonl":   "{\"host\":\"a\",\"n\":2}\n{\"host\":\"b\",\"n\":1}\n",
		"text/csv":            "host,n\na,2\nb,1\n",
		"text/csv; q=0.9":     "host,n\na,2\nb,1\n",
		"image/png, text/csv": "host,n\na,2\nb,1\n",
		"text/plain":          "+------+---+\n| host | n |\n+------+---+\n| a    | 2 |\n| b    | 1 |\n+------+---+\n",
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": `[{"host":"a","n":2},{"host":"b","n":1}]`,
	} {
		code, _, body := call(t, "GET", u, nil, "Accept", accept)
		require.Equal(t, 200, code, "%q: %s", accept, body)
		require.Equal(t, want, body, accept)
	}
	code, h, body := call(t, "GET", u, nil, "Accept", "application/vnd.apache.parquet")
	require.Equal(t, 200, code)
	require.Equal(t, "application/vnd.apache.parquet", h.Get("Content-Type"))
	require.True(t, strings.HasPrefix(body, "PAR1"))

	code, _, body = call(t, "GET", u, nil, "Accept", "application/xml")
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "names no format")
	code, _, body = call(t, "GET", u+"&format=csv", nil, "Accept", "application/xml")
	require.Equal(t, 200, code, body)
	require.Equal(t, "host,n\na,2\nb,1\n", body)
	code, _, body = call(t, "GET", u+"&format=json_lines", nil)
	require.Equal(t, 200, code, body)
	require.Equal(t, "{\"host\":\"a\",\"n\":2}\n{\"host\":\"b\",\"n\":1}\n", body)
}

// TestUnknownDatabase: a query of a database that does not exist is 404,
// with the names there are; an INSERT creates the database, and only POST
// may run it.
func TestUnknownDatabase(t *testing.T) {
	base := newServer(t)
	code, _, body := call(t, "GET", base+"/api/v3/query_sql?db=nosuchdb&q="+url.QueryEscape("SELECT * FROM m"), nil)
	require.Equal(t, 404, code, body)
	require.JSONEq(t, `{"error":"database not found: nosuchdb","code":"3D000","hint":"the databases are db"}`, body)
	code, _, body = call(t, "GET", base+"/api/v3/query_sql?db=dbb&q="+url.QueryEscape("SELECT 1"), nil)
	require.Equal(t, 404, code, body)
	require.Contains(t, body, `"hint":"did you mean \"db\"?"`)

	const insert = "INSERT INTO m (time, v) VALUES ('2024-01-01', 1)"
	refusedOnGet(t, base, "fresh", insert, "send it with POST")
	code, _, body = call(t, "GET", base+"/api/v3/query_sql?db=fresh&q=SELECT+1", nil)
	require.Equal(t, 404, code, "the refused INSERT created nothing: %s", body)
	code, body = post(t, base, "fresh", insert)
	require.Equal(t, 200, code, body)
	code, _, body = call(t, "GET", base+"/api/v3/query_sql?db=fresh&q=SELECT+v+FROM+m", nil)
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"v":1}]`, body)
}

// TestPrettyMemoryLimit: format=pretty holds the whole result to align it;
// what it holds counts against the query's memory limit, and a result past
// it is the memory-limit error (53200), not a server growing without end.
// Within the limit, wide (non-ASCII) cells still align.
func TestPrettyMemoryLimit(t *testing.T) {
	base := serverWithLimit(t, map[string]string{"db": "cpu,host=zürich n=1i 1\ncpu,host=b n=22i 2\n"}, 1<<20)
	code, body := get(t, base, "SELECT host, n FROM cpu ORDER BY time", "pretty")
	require.Equal(t, 200, code, body)
	require.Equal(t, "+--------+----+\n| host   | n  |\n+--------+----+\n| zürich | 1  |\n| b      | 22 |\n+--------+----+\n", body)

	q := "SELECT g, 'some text to fill the table' AS s FROM generate_series(1, 200000) g"
	code, body = get(t, base, q, "csv")
	require.Equal(t, 200, code, "the same result streams as CSV")
	require.Greater(t, len(body), 4<<20)
	code, body = get(t, base, q, "pretty")
	require.Equal(t, 400, code, body[:min(len(body), 300)])
	var e struct{ Error, Code string }
	require.NoError(t, json.Unmarshal([]byte(body), &e), body)
	require.Equal(t, "53200", e.Code)
	require.Contains(t, e.Error, "query memory limit exceeded: format=pretty holds the whole result")
	require.Contains(t, e.Error, "limit of 1 MiB")
	require.Contains(t, e.Error, "--format csv")
}

// TestStarByName: SELECT * over a stored table lists its columns by name,
// as InfluxDB 3 does; named columns and derived tables keep their order.
func TestStarByName(t *testing.T) {
	base := newServer(t)
	code, body := get(t, base, "SELECT * FROM cpu ORDER BY time LIMIT 1", "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "host,n,time,usage\na,1,2023-11-14T22:13:20,1.5\n", body)
	code, body = get(t, base, "SELECT *, usage AS u FROM (SELECT usage, host FROM cpu) s ORDER BY usage LIMIT 1", "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "usage,host,u\n1.5,a,1.5\n", body)
}

// TestInfluxCatalog: the HTTP API's information_schema is InfluxDB 3's:
// tables in catalog public, schema iox (which its clients filter on), with
// DataFusion's columns and Arrow's type names, columns by name from 0.
func TestInfluxCatalog(t *testing.T) {
	base := serverWith(t, map[string]string{"db": "m,tag=x s=\"a\",b=true,u=3u,f=1,i=2i 1700000000000000000\ncpu,host=a usage=1.5 1700000000000000000\n"})
	for _, c := range []struct{ q, want string }{
		{"SELECT table_name FROM information_schema.tables WHERE table_schema = 'iox' ORDER BY table_name", "table_name\ncpu\nm\n"},
		{"SHOW TABLES", "table_catalog,table_schema,table_name,table_type\n" +
			"public,information_schema,columns,VIEW\npublic,information_schema,schemata,VIEW\n" +
			"public,information_schema,tables,VIEW\npublic,information_schema,views,VIEW\n" +
			"public,iox,cpu,BASE TABLE\npublic,iox,m,BASE TABLE\npublic,system,queries,BASE TABLE\n"},
		{"SHOW COLUMNS IN m", "table_catalog,table_schema,table_name,column_name,data_type,is_nullable\n" +
			"public,iox,m,b,Boolean,YES\npublic,iox,m,f,Float64,YES\npublic,iox,m,i,Int64,YES\n" +
			"public,iox,m,s,Utf8,YES\npublic,iox,m,tag,\"Dictionary(Int32, Utf8)\",YES\n" +
			"public,iox,m,time,\"Timestamp(Nanosecond, None)\",NO\npublic,iox,m,u,UInt64,YES\n"},
		{"SELECT * FROM information_schema.columns WHERE table_name = 'm' AND column_name IN ('f', 's', 'time') ORDER BY 5",
			"table_catalog,table_schema,table_name,column_name,ordinal_position,column_default,is_nullable,data_type," +
				"character_maximum_length,character_octet_length,numeric_precision,numeric_precision_radix,numeric_scale,datetime_precision,interval_type\n" +
				"public,iox,m,f,1,,YES,Float64,,,24,2,,,\npublic,iox,m,s,3,,YES,Utf8,,2147483647,,,,,\n" +
				"public,iox,m,time,5,,NO,\"Timestamp(Nanosecond, None)\",,,,,,,\n"},
		{"SELECT * FROM information_schema.schemata", "catalog_name,schema_name,schema_owner,default_character_set_catalog,default_character_set_schema,default_character_set_name,sql_path\npublic,iox,,,,,\npublic,system,,,,,\n"},
		{"SELECT * FROM information_schema.views ORDER BY table_name", "table_catalog,table_schema,table_name,definition\npublic,iox,cpu,\npublic,iox,m,\n"},
		{"SELECT count(*) FROM public.iox.cpu", "count\n1\n"},
	} {
		code, body := get(t, base, c.q, "csv")
		require.Equal(t, 200, code, "%s: %s", c.q, body)
		require.Equal(t, c.want, body, c.q)
	}
	code, body := get(t, base, "SELECT * FROM information_schema.df_settings", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, `relation \"information_schema.df_settings\" does not exist`)
	require.Contains(t, body, "information_schema has tables, views, columns and schemata")
	code, body = get(t, base, "SELECT count(*) FROM other.iox.cpu", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, "cross-database references are not implemented")
}

// TestTzOffsets: InfluxDB 3's tz(x, zone) as a result column is written
// with the zone's UTC offset (its clients read a bare reading as UTC), in
// every format, and as the instant of that zone in Parquet; inside other
// expressions it is the reading (date_trunc's day there).
func TestTzOffsets(t *testing.T) {
	base := newServer(t) // first row at 2023-11-14T22:13:20Z
	for _, c := range []struct{ q, format, want string }{
		{"SELECT tz(time, 'Europe/Brussels') AS t, tz(time) AS u FROM cpu ORDER BY time LIMIT 1", "json",
			`[{"t":"2023-11-14T23:13:20+01:00","u":"2023-11-14T22:13:20Z"}]`},
		{"SELECT tz(time, 'Asia/Kolkata') AS t FROM cpu ORDER BY time LIMIT 1", "csv", "t\n2023-11-15T03:43:20+05:30\n"},
		{"SELECT tz(time, 'America/New_York') AS t FROM cpu ORDER BY time LIMIT 1", "jsonl", `{"t":"2023-11-14T17:13:20-05:00"}` + "\n"},
		{"SELECT tz(time + interval '0.25 second', 'UTC-3') AS t FROM cpu ORDER BY time LIMIT 1", "csv", "t\n2023-11-15T01:13:20.250+03:00\n"},
		// The blog's example: a summer instant, and its reading in UTC.
		{"SELECT tz('2024-04-01T00:00:20', 'Europe/Brussels') AS t", "json", `[{"t":"2024-04-01T02:00:20+02:00"}]`},
		{"SELECT date_trunc('day', tz(time, 'Asia/Tokyo')) AS d, tz(time, 'Asia/Tokyo') < '2023-11-15T08:00:00' AS b FROM cpu ORDER BY time LIMIT 1", "csv",
			"d,b\n2023-11-15T00:00:00+09:00,true\n"},
		// The hour Berlin's clocks repeat: two instants, two offsets.
		{"SELECT tz(TIMESTAMPTZ '2024-10-27T00:30:00Z', 'Europe/Berlin') AS a, tz(TIMESTAMPTZ '2024-10-27T01:30:00Z', 'Europe/Berlin') AS b", "csv",
			"a,b\n2024-10-27T02:30:00+02:00,2024-10-27T02:30:00+01:00\n"},
		// Zones as the executor reads them: CET is a fixed +01 (an
		// abbreviation), names in any case, ISO offsets east of UTC.
		{"SELECT tz(TIMESTAMPTZ '2024-07-01T12:00:00Z', 'CET') AS a, tz(TIMESTAMPTZ '2024-07-01T12:00:00Z', 'europe/berlin') AS b, tz(TIMESTAMPTZ '2024-07-01T12:00:00Z', '+05:30') AS c", "csv",
			"a,b,c\n2024-07-01T13:00:00+01:00,2024-07-01T14:00:00+02:00,2024-07-01T17:30:00+05:30\n"},
		// A timestamp without time zone is an instant in UTC to tz(), as
		// Arrow's are.
		{"SELECT tz(TIMESTAMP '2024-07-01 12:00:00', 'America/New_York') AS t", "csv", "t\n2024-07-01T08:00:00-04:00\n"},
		// AT TIME ZONE keeps PostgreSQL's meaning: a reading, written bare.
		{"SELECT time AT TIME ZONE 'Asia/Tokyo' AS t FROM cpu ORDER BY time LIMIT 1", "csv", "t\n2023-11-15T07:13:20\n"},
	} {
		code, body := get(t, base, c.q, c.format)
		require.Equal(t, 200, code, "%s: %s", c.q, body)
		require.Equal(t, c.want, body, c.q)
	}
	code, _, body := call(t, "GET", base+"/api/v3/query_sql?db=db&format=parquet&q="+url.QueryEscape("SELECT tz(time, 'Europe/Brussels') AS t FROM cpu ORDER BY time"), nil)
	require.Equal(t, 200, code, body)
	rd, err := file.NewParquetReader(bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	require.NoError(t, err)
	tbl, err := fr.ReadTable(context.Background())
	require.NoError(t, err)
	defer tbl.Release()
	require.Equal(t, "timestamp[ns, tz=Europe/Brussels]", tbl.Schema().Field(0).Type.String())
	col := tbl.Column(0).Data().Chunk(0).(*array.Timestamp)
	require.Equal(t, []arrow.Timestamp{1700000000e9, 1700000010e9, 1700000020e9}, col.Values(), "the instants")
}

// TestSystemQueries: system.queries logs the database's latest queries
// (here the last 5) as InfluxDB 3 does: kind, text, phase and timings,
// the asking one running; other databases' queries are not shown.
func TestSystemQueries(t *testing.T) {
	base := serverWith(t, map[string]string{"db": "cpu,host=a usage=1.5 1700000000000000000\n", "other": "m v=1 1\n"})
	code, _ := get(t, base, "SELECT count(*) FROM cpu", "json")
	require.Equal(t, 200, code)
	code, _ = get(t, base, "SELECT nope FROM cpu", "json")
	require.Equal(t, 400, code)
	resp, err := http.Get(base + "/api/v3/query_influxql?db=db&q=" + url.QueryEscape("SELECT count(usage) FROM cpu"))
	require.NoError(t, err)
	resp.Body.Close()
	resp, err = http.Get(base + "/api/v3/query_sql?db=other&q=" + url.QueryEscape("SELECT 1"))
	require.NoError(t, err)
	resp.Body.Close()
	q := "SELECT phase, query_type, query_text, plan_duration IS NOT NULL AS p, execute_duration IS NOT NULL AS e, end2end_duration IS NOT NULL AS t, success, running, cancelled FROM system.queries ORDER BY issue_time"
	code, body := get(t, base, q, "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "phase,query_type,query_text,p,e,t,success,running,cancelled\n"+
		"success,sql,SELECT count(*) FROM cpu,true,true,true,true,false,false\n"+
		"fail,sql,SELECT nope FROM cpu,false,false,true,false,false,false\n"+
		"success,influxql,SELECT count(usage) FROM cpu,true,true,true,true,false,false\n"+
		"received,sql,\""+q+"\",false,false,false,false,true,false\n", body)
	// The log keeps the latest 5 (of every database): the oldest went.
	code, body = get(t, base, "SELECT count(*) AS n, min(id) AS first FROM system.queries", "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "n,first\n4,2\n", body)
	code, body = get(t, base, "SELECT * FROM system.nope", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, "the system schema has queries")
	// Only the PostgreSQL endpoint's sessions signal its backends.
	code, body = get(t, base, "SELECT pg_cancel_backend(1) AS c", "csv")
	require.Equal(t, 200, code, body)
	require.Equal(t, "c\nfalse\n", body)
}

// TestDateBinMonthsHTTP: InfluxDB 3's date_bin takes strides of months (as
// DataFusion's does; PostgreSQL's, on the PostgreSQL endpoint, refuses
// them), and date_bin_gapfill fills months, which InfluxDB 3 refuses.
func TestDateBinMonthsHTTP(t *testing.T) {
	base := serverWith(t, map[string]string{"db": "m v=1 1704067200000000000\nm v=2 1706745600000000000\nm v=4 1711929600000000000\n"})
	for _, c := range []struct{ q, want string }{
		{"SELECT date_bin(INTERVAL '1 month', time) AS b, sum(v) AS s FROM m GROUP BY b ORDER BY b", "b,s\n2024-01-01T00:00:00,1.0\n2024-02-01T00:00:00,2.0\n2024-04-01T00:00:00,4.0\n"},
		{"SELECT date_bin(INTERVAL '2 months', TIMESTAMP '2024-03-30T10:00:00', TIMESTAMP '2023-01-31T00:00:00') AS b", "b\n2024-01-31T00:00:00\n"},
		{"SELECT date_bin_gapfill(INTERVAL '1 month', time) AS b, locf(sum(v)) AS s FROM m WHERE time >= '2024-01-01' AND time < '2024-05-01' GROUP BY b ORDER BY b",
			"b,s\n2024-01-01T00:00:00,1.0\n2024-02-01T00:00:00,2.0\n2024-03-01T00:00:00,2.0\n2024-04-01T00:00:00,4.0\n"},
	} {
		code, body := get(t, base, c.q, "csv")
		require.Equal(t, 200, code, "%s: %s", c.q, body)
		require.Equal(t, c.want, body, c.q)
	}
	code, body := get(t, base, "SELECT date_bin(INTERVAL '1 month 1 day', time) FROM m", "json")
	require.Equal(t, 400, code)
	require.Contains(t, body, `"code":"22023"`)
	require.Contains(t, body, "a stride of months cannot be combined with days or time")
}

// TestTimescaleViewsInIox: InfluxDB 3's clients see the tables in schema
// iox, in TimescaleDB's views too, and names qualified by it resolve (to
// the table: its size is its files', not 0).
func TestTimescaleViewsInIox(t *testing.T) {
	base, e := serverAndEngine(t, map[string]string{"db": "cpu,host=a usage=1.5 1700000000000000000\nmem,host=a free=1i 1700000000000000000\n"})
	require.NoError(t, e.Persist(context.Background()))
	code, body := get(t, base, `SELECT hypertable_schema, hypertable_name, hypertable_size(format('%I.%I', hypertable_schema, hypertable_name)::regclass) = pg_table_size(hypertable_name::regclass) AS sized, hypertable_size(format('%I.%I', hypertable_schema, hypertable_name)::regclass) > 0 AS stored, (SELECT count(*) FROM show_chunks('iox.cpu')) AS chunks FROM timescaledb_information.hypertables ORDER BY 2`, "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"hypertable_schema":"iox","hypertable_name":"cpu","sized":true,"stored":true,"chunks":1},{"hypertable_schema":"iox","hypertable_name":"mem","sized":true,"stored":true,"chunks":1}]`, body)
}

// refusedOnGet requires that statement q on database db is refused on GET
// (405, Allow: POST) with a message containing what.
func refusedOnGet(t *testing.T, base, db, q, what string) {
	t.Helper()
	code, h, body := call(t, "GET", base+"/api/v3/query_sql?"+url.Values{"db": {db}, "q": {q}}.Encode(), nil)
	require.Equal(t, 405, code, body)
	require.Equal(t, "POST", h.Get("Allow"))
	require.Contains(t, body, what)
}

// post runs statement q on database db with POST; it answers JSON.
func post(t *testing.T, base, db, q string) (int, string) {
	t.Helper()
	code, _, body := call(t, "POST", base+"/api/v3/query_sql?"+url.Values{"db": {db}, "q": {q}}.Encode(), nil)
	return code, body
}

// TestDropChunksNeedsPost: drop_chunks deletes data, so a GET (which a
// crawler or a prefetching browser may send) is refused, as INSERT is.
func TestDropChunksNeedsPost(t *testing.T) {
	base := newServer(t)
	const drop = "SELECT * FROM drop_chunks('cpu', older_than => now())"
	refusedOnGet(t, base, "db", drop, "drop_chunks deletes data")
	code, body := get(t, base, "SELECT count(*) AS n FROM cpu", "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"n":3}]`, body, "nothing dropped")
	code, body = post(t, base, "db", drop)
	require.Equal(t, 200, code, body)
	require.Contains(t, body, "_timescaledb_internal._hyper_")
	code, body = get(t, base, "SELECT count(*) AS n FROM cpu", "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"n":0}]`, body)

	// The retention policy functions change the catalog: POST only too.
	refusedOnGet(t, base, "db", "SELECT add_retention_policy('cpu', INTERVAL '1 day')", "add_retention_policy changes data")
	refusedOnGet(t, base, "db", "SELECT 1 FROM remove_retention_policy('cpu', true)", "remove_retention_policy changes data")
	code, body = get(t, base, "SELECT count(*) AS n FROM timescaledb_information.jobs", "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"n":0}]`, body, "no policy added")
	code, body = post(t, base, "db", "SELECT add_retention_policy('cpu', INTERVAL '1 day') AS job")
	require.Equal(t, 200, code, body)
	require.Equal(t, fmt.Sprintf(`[{"job":%d}]`, planner.TableOID("db", "cpu")), body)
}

// TestDeleteNeedsPost: DELETE, UPDATE and the DDL statements are refused
// on GET, as INSERT is; on POST DELETE and UPDATE answer the rows they
// removed or changed.
func TestDeleteNeedsPost(t *testing.T) {
	base := newServer(t)
	const del = "DELETE FROM cpu WHERE host = 'a'"
	refusedOnGet(t, base, "db", del, "DELETE deletes data")
	code, body := get(t, base, "SELECT count(*) AS n FROM cpu", "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"n":3}]`, body, "nothing deleted")
	code, body = post(t, base, "db", del)
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"count":2}]`, body)
	code, body = get(t, base, "SELECT count(*) AS n FROM cpu", "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"n":1}]`, body)

	const up = "UPDATE cpu SET usage = 7"
	refusedOnGet(t, base, "db", up, "UPDATE changes data")
	code, body = post(t, base, "db", up)
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"count":1}]`, body)
	code, body = get(t, base, "SELECT usage FROM cpu", "json")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"usage":7.0}]`, body)

	for q, what := range map[string]string{"TRUNCATE cpu": "TRUNCATE deletes data", "DROP TABLE cpu": "DROP TABLE deletes data",
		"CREATE TABLE t (time timestamptz)": "CREATE TABLE creates a table"} {
		refusedOnGet(t, base, "db", q, what)
	}
	code, body = get(t, base, "SELECT count(*) AS n FROM cpu", "json")
	require.Equal(t, `[{"n":1}]`, body, "nothing deleted")
	refusedOnGet(t, base, "db", "CREATE TABLE copy AS SELECT * FROM cpu", "CREATE TABLE creates a table")
	refusedOnGet(t, base, "db", "CREATE MATERIALIZED VIEW v AS SELECT time, host FROM cpu", "CREATE MATERIALIZED VIEW changes data")
	refusedOnGet(t, base, "db", "CALL refresh_continuous_aggregate('v', NULL, NULL)", "refresh_continuous_aggregate changes data")
	code, body = post(t, base, "db", "CREATE TABLE copy AS SELECT * FROM cpu")
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"count":1}]`, body, "CREATE TABLE ... AS answers the rows it wrote")
	code, body = post(t, base, "db", "DROP TABLE cpu")
	require.Equal(t, 200, code, body)
	code, body = get(t, base, "SELECT count(*) FROM cpu", "json")
	require.Equal(t, 400, code, body)
	require.Contains(t, body, `relation \"cpu\" does not exist`)

	// CREATE and DROP DATABASE, POST only, whatever database db names.
	refusedOnGet(t, base, "x", "CREATE DATABASE made", "CREATE DATABASE creates a database")
	code, body = post(t, base, "x", "CREATE DATABASE made")
	require.Equal(t, 200, code, body)
	code, body = post(t, base, "x", "DROP DATABASE made")
	require.Equal(t, 200, code, body)

	// CREATE TABLE may name a new database, as INSERT may.
	code, body = post(t, base, "newdb", "CREATE TABLE t (time timestamptz, v bigint)")
	require.Equal(t, 200, code, body)
	code, _, body = call(t, "GET", base+"/api/v3/query_sql?"+url.Values{"db": {"newdb"}, "q": {"SELECT count(*) AS n FROM t"}, "format": {"json"}}.Encode(), nil)
	require.Equal(t, 200, code, body)
	require.Equal(t, `[{"n":0}]`, body)
}
