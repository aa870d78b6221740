package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

type server struct {
	t      *testing.T
	engine *storage.Engine
	url    string
}

func newServer(t *testing.T, opts Options) *server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.Close()) })
	opts.Logger = logger
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Unix(1700000000, 0) }
	}
	mux := http.NewServeMux()
	NewHandler(e, opts).Register(mux)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return &server{t: t, engine: e, url: ts.URL}
}

func (s *server) do(method, path string, body []byte, header ...string) (int, string) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	require.NoError(s.t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp.StatusCode, string(data)
}

// rows returns a table's rows as "time col=value ...", sorted.
func (s *server) rows(db, table string) []string {
	s.t.Helper()
	snap, err := s.engine.Snapshot(storage.ScanRequest{Database: db, Table: table})
	if err != nil {
		return nil
	}
	defer snap.Release()
	r := snap.Reader(context.Background())
	defer r.Release()
	var out []string
	for r.Next() {
		rec := r.Record()
		for i := 0; i < int(rec.NumRows()); i++ {
			var parts []string
			for c, f := range rec.Schema().Fields() {
				col := rec.Column(c)
				if col.IsNull(i) {
					continue
				}
				switch a := col.(type) {
				case *array.Timestamp:
					parts = append(parts, time.Unix(0, int64(a.Value(i))).UTC().Format(time.RFC3339Nano))
				case *array.Dictionary:
					parts = append(parts, f.Name+"="+a.Dictionary().(*array.String).Value(a.GetValueIndex(i)))
				default:
					parts = append(parts, f.Name+"="+a.ValueStr(i))
				}
			}
			out = append(out, strings.Join(parts, " "))
		}
	}
	require.NoError(s.t, r.Err())
	sort.Strings(out)
	return out
}

func TestWriteV3(t *testing.T) {
	s := newServer(t, Options{})
	code, body := s.do("POST", "/api/v3/write_lp?db=mydb", []byte("cpu,host=a usage=1.5 1700000000\ncpu,host=b usage=2 1700000000000000000\n"))
	require.Equal(t, 204, code, body)
	require.Empty(t, body)
	require.Equal(t, []string{"2023-11-14T22:13:20Z host=a usage=1.5", "2023-11-14T22:13:20Z host=b usage=2"}, s.rows("mydb", "cpu"),
		"precision auto reads 1700000000 as seconds")

	code, _ = s.do("POST", "/api/v3/write_lp?db=mydb&precision=ms&no_sync=true", []byte("cpu,host=c usage=3 1700000000123\ncpu,host=d usage=4"))
	require.Equal(t, 204, code)
	require.Contains(t, s.rows("mydb", "cpu"), "2023-11-14T22:13:20.123Z host=c usage=3")
	require.Contains(t, s.rows("mydb", "cpu"), "2023-11-14T22:13:20Z host=d usage=4", "a line without timestamp gets the server's time")
}

func TestPartialWrite(t *testing.T) {
	s := newServer(t, Options{})
	lp := "cpu,host=a usage=1 1\ncpu,host=a usage=oops 2\n\ncpu,host=b usage=2 3\ncpu,host=b usage=3i 4\n"
	code, body := s.do("POST", "/api/v3/write_lp?db=db&precision=ns", []byte(lp))
	require.Equal(t, 400, code)
	var got struct {
		Error string `json:"error"`
		Data  []struct {
			Message string `json:"error_message"`
			Line    int    `json:"line_number"`
			Orig    string `json:"original_line"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got), body)
	require.Equal(t, "partial write of line protocol occurred", got.Error)
	require.Len(t, got.Data, 2)
	require.Equal(t, 2, got.Data[0].Line)
	require.Equal(t, "cpu,host=a usage=oops 2", got.Data[0].Orig)
	require.Contains(t, got.Data[0].Message, "line 2, column 18")
	require.Equal(t, 5, got.Data[1].Line)
	require.Contains(t, got.Data[1].Message, "invalid column type for column 'usage', expected float, got integer")
	require.Equal(t, []string{"1970-01-01T00:00:00.000000001Z host=a usage=1", "1970-01-01T00:00:00.000000003Z host=b usage=2"}, s.rows("db", "cpu"),
		"the valid lines are stored")

	// A later request conflicting with the stored type is rejected per line too.
	code, body = s.do("POST", "/api/v3/write_lp?db=db", []byte("cpu,host=c usage=true 5"))
	require.Equal(t, 400, code)
	require.Contains(t, body, "expected float, got boolean")
}

func TestAllOrNothing(t *testing.T) {
	s := newServer(t, Options{})
	lp := []byte("cpu,host=a usage=1 1\ncpu,host=a usage= 2\n")
	for _, path := range []string{"/api/v3/write_lp?db=db&accept_partial=false", "/api/v2/write?bucket=db&org=x", "/write?db=db"} {
		code, body := s.do("POST", path, lp)
		require.Equal(t, 400, code, path)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		require.Equal(t, "invalid", got["code"], path)
		require.Contains(t, got["message"], "line 2, column", path)
		require.Contains(t, got["message"], "nothing was written", path)
		require.EqualValues(t, 2, got["line"], path)
	}
	require.Empty(t, s.rows("db", "cpu"))

	// v3 answers as InfluxDB 3 does: the first rejected line in "data".
	code, body := s.do("POST", "/api/v3/write_lp?db=db&accept_partial=false", lp)
	require.Equal(t, 400, code)
	var v3 struct {
		Error string
		Data  lineErrorJSON
	}
	require.NoError(t, json.Unmarshal([]byte(body), &v3), body)
	require.Equal(t, "line protocol parsing error", v3.Error)
	require.Equal(t, 2, v3.Data.LineNumber)
	require.Equal(t, "cpu,host=a usage= 2", v3.Data.OriginalLine)
	require.Contains(t, v3.Data.ErrorMessage, "line 2, column")
}

func TestV1AndV2Names(t *testing.T) {
	s := newServer(t, Options{})
	code, _ := s.do("POST", "/api/v2/write?bucket=b2&org=o", []byte("m v=1 1"))
	require.Equal(t, 204, code)
	code, _ = s.do("POST", "/write?db=d1&rp=autogen", []byte("m v=1 1"))
	require.Equal(t, 204, code)
	code, _ = s.do("POST", "/write?db=d1&rp=week&precision=s", []byte("m v=1 1"))
	require.Equal(t, 204, code)
	var names []string
	for _, db := range s.engine.Databases() {
		names = append(names, db.Name)
	}
	require.Equal(t, []string{"b2", "d1", "d1/week"}, names)
	require.Equal(t, []string{"1970-01-01T00:00:01Z v=1"}, s.rows("d1/week", "m"))

	for _, path := range []string{"/api/v3/write_lp", "/api/v2/write", "/write"} {
		code, body := s.do("POST", path, []byte("m v=1"))
		require.Equal(t, 400, code, path)
		require.Contains(t, body, "missing query parameter", path)
	}
	code, body := s.do("POST", "/write?db=x&precision=fortnight", []byte("m v=1"))
	require.Equal(t, 400, code)
	require.Contains(t, body, "fortnight")
	code, _ = s.do("GET", "/api/v3/write_lp?db=x", nil)
	require.Equal(t, 405, code)
}

func gzipped(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

func TestBodyEncodingAndLimit(t *testing.T) {
	s := newServer(t, Options{MaxBodyBytes: 1000})
	code, body := s.do("POST", "/api/v3/write_lp?db=db", gzipped(t, []byte("m v=1 1\n")), "Content-Encoding", "gzip")
	require.Equal(t, 204, code, body)
	code, _ = s.do("POST", "/api/v3/write_lp?db=db", []byte("m v=2 2\n"), "Content-Encoding", "identity")
	require.Equal(t, 204, code)
	code, body = s.do("POST", "/api/v3/write_lp?db=db", []byte("m v=1 1\n"), "Content-Encoding", "br")
	require.Equal(t, 415, code)
	require.Contains(t, body, `Content-Encoding \"br\" is not supported`)
	code, body = s.do("POST", "/api/v3/write_lp?db=db", []byte("not gzip"), "Content-Encoding", "gzip")
	require.Equal(t, 400, code)
	require.Contains(t, body, "not valid gzip")

	big := bytes.Repeat([]byte("m v=3 3\n"), 200) // 1600 bytes
	code, body = s.do("POST", "/api/v3/write_lp?db=db", big)
	require.Equal(t, 413, code)
	require.Contains(t, body, "over the limit of 1000 bytes")
	code, _ = s.do("POST", "/api/v3/write_lp?db=db", gzipped(t, big), "Content-Encoding", "gzip")
	require.Equal(t, 413, code, "the limit applies after decompression")
	require.Len(t, s.rows("db", "m"), 2)
}

func TestConfigureDatabase(t *testing.T) {
	s := newServer(t, Options{})
	code, body := s.do("POST", "/api/v3/configure/database", []byte(`{"db":"metrics","retention_period":"15d"}`))
	require.Equal(t, 200, code, body)
	code, body = s.do("POST", "/api/v3/configure/database", []byte(`{"db":"metrics"}`))
	require.Equal(t, 409, code)
	require.Contains(t, body, "already exists")
	code, body = s.do("GET", "/api/v3/configure/database", nil)
	require.Equal(t, 200, code)
	require.JSONEq(t, `[{"iox::database":"metrics","retention_period":"15d"}]`, body)
	code, _ = s.do("PUT", "/api/v3/configure/database", []byte(`{"db":"metrics","retention_period":"2w"}`))
	require.Equal(t, 200, code)
	require.Equal(t, 14*24*time.Hour, s.engine.Databases()[0].Retention)
	code, body = s.do("PUT", "/api/v3/configure/database", []byte(`{"db":"metrics","retention_period":"5m"}`))
	require.Equal(t, 400, code)
	require.Contains(t, body, "minimum of 1h")
	code, body = s.do("PUT", "/api/v3/configure/database", []byte(`{"db":"nope","retention_period":"1d"}`))
	require.Equal(t, 404, code)
	require.Contains(t, body, `database \"nope\" does not exist`)
	code, _ = s.do("DELETE", "/api/v3/configure/database?db=metrics", nil)
	require.Equal(t, 200, code)
	require.Empty(t, s.engine.Databases())
	code, body = s.do("POST", "/api/v3/configure/database", []byte(`{"retention_period":"1d"}`))
	require.Equal(t, 400, code)
	require.Contains(t, body, `missing \"db\"`)
}

// TestConfigureTable: POST /api/v3/configure/table creates a table with
// its tags and typed fields, which writes are then checked against;
// DELETE deletes one table of a database (InfluxDB 3's table delete); the
// others stay.
func TestConfigureTable(t *testing.T) {
	s := newServer(t, Options{})
	code, body := s.do("POST", "/api/v3/configure/table", []byte(`{"db":"made","table":"m","tags":["host","region"],"fields":[{"name":"v","type":"float64"},{"name":"n","type":"uint64"},{"name":"s","type":"utf8"}]}`))
	require.Equal(t, 200, code, body)
	cols, err := s.engine.TableSchema("made", "m")
	require.NoError(t, err)
	require.Equal(t, []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime, Num: 1}, {Name: "host", Type: storage.TypeTag, Num: 2},
		{Name: "region", Type: storage.TypeTag, Num: 3}, {Name: "v", Type: storage.TypeFloat, Num: 4}, {Name: "n", Type: storage.TypeUint, Num: 5},
		{Name: "s", Type: storage.TypeString, Num: 6}}, cols)
	code, body = s.do("POST", "/api/v3/write_lp?db=made", []byte("m,host=a v=1i 10\n"))
	require.Equal(t, 400, code, "v is a float64: %s", body)
	code, body = s.do("POST", "/api/v3/configure/table", []byte(`{"db":"made","table":"m","tags":["host"]}`))
	require.Equal(t, 409, code, body)
	code, body = s.do("POST", "/api/v3/configure/table", []byte(`{"db":"made","table":"x","tags":[],"fields":[{"name":"v","type":"decimal"}]}`))
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "utf8, int64, uint64, float64, bool")
	code, body = s.do("POST", "/api/v3/configure/table", []byte(`{"db":"made","tags":["host"]}`))
	require.Equal(t, 400, code, body)

	// InfluxDB 3 Enterprise's retention_period: the table's own, checked
	// before anything is created.
	code, body = s.do("POST", "/api/v3/configure/table", []byte(`{"db":"made","table":"short","tags":["host"],"retention_period":"7d"}`))
	require.Equal(t, 200, code, body)
	own, dbPeriod, err := s.engine.TableRetention("made", "short")
	require.NoError(t, err)
	require.Equal(t, [2]time.Duration{7 * 24 * time.Hour, 0}, [2]time.Duration{own, dbPeriod})
	for _, bad := range []string{"30m", "7x", "-1d"} {
		code, body = s.do("POST", "/api/v3/configure/table", []byte(`{"db":"made","table":"bad","tags":["host"],"retention_period":"`+bad+`"}`))
		require.Equal(t, 400, code, body)
		require.Contains(t, body, "retention_period", bad)
	}
	_, err = s.engine.TableSchema("made", "bad")
	require.Error(t, err, "a refused period creates no table")

	code, body = s.do("POST", "/api/v3/write_lp?db=db", []byte("cpu,host=a usage=1 10\ndisk,host=a free=2i 10\n"))
	require.Equal(t, 204, code, body)
	code, body = s.do("DELETE", "/api/v3/configure/table?db=db&table=cpu", nil)
	require.Equal(t, 200, code, body)
	_, err = s.engine.TableSchema("db", "cpu")
	require.Error(t, err)
	require.Len(t, s.rows("db", "disk"), 1)
	code, body = s.do("DELETE", "/api/v3/configure/table?db=db&table=dsk", nil)
	require.Equal(t, 404, code)
	require.Contains(t, body, `table \"dsk\" does not exist in database \"db\"`)
	require.Contains(t, body, `disk`, "the closest name")
	code, body = s.do("DELETE", "/api/v3/configure/table?db=db", nil)
	require.Equal(t, 400, code)
	require.Contains(t, body, "missing query parameter 'table'")
}

// TestWriteToViewRefused: a materialized view's table takes no
// line-protocol write (400, saying what to do), and nothing is stored.
func TestWriteToViewRefused(t *testing.T) {
	s := newServer(t, Options{})
	require.NoError(t, s.engine.CreateView(context.Background(), "db", "cpu_1h", []storage.ColumnMeta{{Name: "time", Type: storage.TypeTime}, {Name: "host", Type: storage.TypeTag}},
		storage.ViewDef{Query: "SELECT time_bucket('1 hour', time) AS time, host FROM cpu GROUP BY 1, 2", Columns: []string{"time", "host"}, Time: "time"}))
	code, body := s.do("POST", "/api/v3/write_lp?db=db", []byte("cpu_1h,host=a v=1 10\n"))
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "materialized view")
	require.Contains(t, body, "REFRESH MATERIALIZED VIEW cpu_1h")
	require.Empty(t, s.rows("db", "cpu_1h"))
}

func TestPingHealthPersist(t *testing.T) {
	s := newServer(t, Options{})
	for _, method := range []string{"GET", "POST", "HEAD"} {
		resp, err := http.DefaultClient.Do(mustRequest(t, method, s.url+"/ping"))
		require.NoError(t, err)
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, method)
		require.Equal(t, Version, resp.Header.Get("X-Influxdb-Version"), method)
		require.Equal(t, "strata", resp.Header.Get("X-Influxdb-Build"), method)
		if method == "HEAD" {
			require.Empty(t, data)
			continue
		}
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		var p pingBody
		require.NoError(t, json.Unmarshal(data, &p), string(data))
		require.Equal(t, Version, p.Version)
		require.Equal(t, "Strata", p.ProductName)
		require.NotEmpty(t, p.Revision)
		require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, p.ProcessID)
	}
	code, body := s.do("GET", "/health", nil)
	require.Equal(t, 200, code)
	require.Equal(t, "OK\n", body)
	code, _ = s.do("POST", "/api/v3/write_lp?db=db&precision=ns", []byte("m,t=a v=1 1\n"))
	require.Equal(t, 204, code)
	code, _ = s.do("POST", "/api/v3/strata/persist", nil)
	require.Equal(t, 200, code)
	code, _ = s.do("POST", "/api/v3/write_lp?db=db&precision=ns", []byte("m,t=a v=2 1\n"))
	require.Equal(t, 204, code)
	code, body = s.do("POST", "/api/v3/strata/persist?compact=true", nil)
	require.Equal(t, 200, code)
	require.Contains(t, body, `"compacted_files":2`)
	require.Equal(t, []string{"1970-01-01T00:00:00.000000001Z t=a v=2"}, s.rows("db", "m"))
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	return req
}

func TestParseRetention(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"15d", 15 * 24 * time.Hour, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"2w", 14 * 24 * time.Hour, ""},
		{"1mo", 30 * 24 * time.Hour, ""},
		{"1y", 365 * 24 * time.Hour, ""},
		{"INF", 0, ""},
		{"none", 0, ""},
		{"", 0, ""},
		{"10", 0, "unknown unit"},
		{"d", 0, "expected a number"},
		{"5 fortnights", 0, "unknown unit"},
	} {
		got, err := ParseRetention(tt.in)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
	require.Equal(t, "15d", FormatRetention(15*24*time.Hour))
	require.Equal(t, "2w", FormatRetention(14*24*time.Hour))
	require.Equal(t, "infinite", FormatRetention(0))
}
