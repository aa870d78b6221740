package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// serveAPI serves the HTTP API over a fresh engine in this process.
func serveAPI(t *testing.T) string {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	srv := httptest.NewServer(httpAPI(e, apiOptions{logger: logger}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func request(t *testing.T, method, url, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(data)
}

// TestRefusalsAreJSON: a wrong method or an unknown path is answered in
// JSON like the API's other errors, with Allow on 405.
func TestRefusalsAreJSON(t *testing.T) {
	base := serveAPI(t)
	for _, tt := range []struct{ method, path, allow, body string }{
		{"PUT", "/api/v3/query_sql", "GET, HEAD, POST", `{"error":"method PUT is not allowed on /api/v3/query_sql: use GET, HEAD or POST"}`},
		{"DELETE", "/api/v3/query_sql", "GET, HEAD, POST", `{"error":"method DELETE is not allowed on /api/v3/query_sql: use GET, HEAD or POST"}`},
		{"GET", "/api/v3/write_lp", "POST", `{"error":"method GET is not allowed on /api/v3/write_lp: use POST"}`},
		{"GET", "/api/v3/nothing", "", `{"error":"no endpoint at /api/v3/nothing: Strata serves ` + endpoints + `"}`},
	} {
		code, h, body := request(t, tt.method, base+tt.path, "")
		if tt.allow != "" {
			require.Equal(t, 405, code, body)
		} else {
			require.Equal(t, 404, code, body)
		}
		require.Equal(t, tt.allow, h.Get("Allow"))
		require.Equal(t, "application/json; charset=utf-8", h.Get("Content-Type"))
		require.JSONEq(t, tt.body, body)
	}
	code, _, body := request(t, "POST", base+"/api/v3/write_lp?db=a", "m v=1 1700000000000000000\n")
	require.Equal(t, 204, code, body)
	code, _, body = request(t, "GET", base+"/api/v3/query_sql?db=a&q=SELECT+v+FROM+m", "")
	require.Equal(t, 200, code, body)
	require.JSONEq(t, `[{"v":1}]`, body)
}

// TestCORS: a browser's preflight is answered before the token check, and
// responses allow any origin, as InfluxDB 3's do; the token is still
// required on the request itself.
func TestCORS(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: t.TempDir(), Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	srv := httptest.NewServer(withCORS(requireToken(httpAPI(e, apiOptions{logger: logger}), []string{"secret"}, nil)))
	t.Cleanup(srv.Close)

	req, err := http.NewRequest("OPTIONS", srv.URL+"/api/v3/query_sql", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://dashboard.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 204, resp.StatusCode)
	require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Headers"))

	code, h, _ := request(t, "GET", srv.URL+"/api/v3/query_sql?db=x&q=SELECT+1", "")
	require.Equal(t, 401, code, "the request itself needs the token")
	require.Equal(t, "*", h.Get("Access-Control-Allow-Origin"))

	req, err = http.NewRequest("GET", srv.URL+"/api/v3/query_sql?db=_internal&q=SELECT+1+AS+x", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer secret")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
	require.NotEqual(t, 401, resp.StatusCode)
}
