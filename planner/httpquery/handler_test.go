package httpquery

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/storage"
)

func newServer(t *testing.T) string {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	var p lp.Parser
	res := p.Parse([]byte("cpu,host=a usage=1.5,n=1i 1700000000000000000\ncpu,host=b usage=2.5 1700000010000000000\ncpu,host=a usage=3.5,n=3i 1700000020000000000\n"), lp.Options{Precision: lp.Nanosecond})
	require.NoError(t, e.Write(context.Background(), "db", res.Tables, storage.WriteOptions{}))
	mux := http.NewServeMux()
	(&Handler{Planner: &planner.Planner{Engine: e}, Logger: logger}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
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
