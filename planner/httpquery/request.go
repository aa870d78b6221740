package httpquery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/stratadb/strata/planner"
)

// maxBodyBytes bounds a query request's body after decompression.
const maxBodyBytes = 16 << 20

// request is one query: from the URL, from a POST body, or both (the
// body's fields win).
type request struct {
	DB     string          `json:"db"`
	Q      string          `json:"q"`
	Format string          `json:"format"`
	Params json.RawMessage `json:"params"`
}

// httpError is a request refused before it runs: its status, the error
// body and, for 405, the methods that are allowed.
type httpError struct {
	status int
	err    *planner.Error
	allow  string
}

func badRequest(format string, args ...any) *httpError {
	return &httpError{status: http.StatusBadRequest, err: &planner.Error{Code: planner.CodeSyntax, Msg: fmt.Sprintf(format, args...)}}
}

// bodyExample is what a POST body looks like, for error messages.
const bodyExample = `{"db": "mydb", "q": "SELECT ...", "format": "json", "params": {"host": "a"}}`

// readQuery reads a request and checks it names a database, a query and
// a format it can be answered in.
func readQuery(r *http.Request) (req request, format string, herr *httpError) {
	if req, herr = readRequest(r); herr != nil {
		return req, "", herr
	}
	if herr = checkRequest(req); herr != nil {
		return req, "", herr
	}
	format, herr = resultFormat(req.Format, r.Header.Get("Accept"))
	return req, format, herr
}

// readRequest reads db, q, format and params from the URL (params as a
// JSON string, as InfluxDB 3 takes it on GET) and, for POST, from the
// body. As InfluxDB 3 does, a body is read as JSON whatever its
// Content-Type says (curl -d sends application/x-www-form-urlencoded,
// fetch text/plain, some clients nothing); a body that is a form
// (db=mydb&q=...) with the form Content-Type is read as a form.
func readRequest(r *http.Request) (request, *httpError) {
	q := r.URL.Query()
	req := request{DB: q.Get("db"), Q: q.Get("q"), Format: q.Get("format")}
	if p := q.Get("params"); p != "" {
		req.Params = json.RawMessage(p)
	}
	if r.Method != http.MethodPost {
		return req, nil
	}
	body, herr := readBody(r)
	if herr != nil {
		return req, herr
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return req, nil
	}
	var b request
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" && body[0] != '{' {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return req, badRequest("the form body cannot be read (%v): send db=mydb&q=SELECT... or a JSON body like %s", err, bodyExample)
		}
		b = request{DB: form.Get("db"), Q: form.Get("q"), Format: form.Get("format")}
		if p := form.Get("params"); p != "" {
			b.Params = json.RawMessage(p)
		}
	} else if err := json.Unmarshal(body, &b); err != nil {
		shown := ct
		if shown == "" {
			shown = "none"
		}
		return req, badRequest("the request body must be JSON like %s (Content-Type: %s): %v", bodyExample, shown, err)
	}
	if b.DB != "" {
		req.DB = b.DB
	}
	if b.Q != "" {
		req.Q = b.Q
	}
	if b.Format != "" {
		req.Format = b.Format
	}
	if len(b.Params) > 0 {
		req.Params = b.Params
	}
	return req, nil
}

// readBody reads the whole body, inflating it as the write endpoints do:
// Content-Encoding gzip or identity (or none), anything else 415; at most
// maxBodyBytes after decompression, 413 beyond.
func readBody(r *http.Request) ([]byte, *httpError) {
	var src io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, badRequest("the request body is not valid gzip (Content-Encoding: gzip): %v", err)
		}
		defer zr.Close()
		src = zr
	default:
		return nil, &httpError{status: http.StatusUnsupportedMediaType, err: &planner.Error{Code: planner.CodeSyntax,
			Msg: fmt.Sprintf("Content-Encoding %q is not supported; send the body as gzip or uncompressed", enc)}}
	}
	body, err := io.ReadAll(io.LimitReader(src, maxBodyBytes+1))
	switch {
	case err != nil && errors.Is(err, gzip.ErrChecksum), err != nil && errors.Is(err, gzip.ErrHeader):
		return nil, badRequest("the request body is not valid gzip (Content-Encoding: gzip): %v", err)
	case err != nil:
		return nil, badRequest("reading the request body: %v", err)
	case len(body) > maxBodyBytes:
		return nil, &httpError{status: http.StatusRequestEntityTooLarge, err: &planner.Error{Code: "54000",
			Msg: fmt.Sprintf("the request body is over the limit of %d MiB (after decompression); send a shorter query", maxBodyBytes>>20)}}
	}
	return body, nil
}

// formatNames maps the values of format to the encoders' names.
var formatNames = map[string]string{
	"json": "json", "jsonl": "jsonl", "json_lines": "jsonl", "csv": "csv", "pretty": "pretty", "parquet": "parquet",
}

// acceptFormats maps the media types of an Accept header to formats, as
// InfluxDB 3 picks a format when the request names none.
var acceptFormats = map[string]string{
	"application/json": "json", "application/jsonl": "jsonl", "application/x-ndjson": "jsonl",
	"text/csv": "csv", "text/plain": "pretty", "application/vnd.apache.parquet": "parquet",
	"*/*": "json", "application/*": "json", "text/html": "json", // browsers: JSON
}

// resultFormat picks the format: the format parameter if given, else the
// first media type of the Accept header that names one (none or */*:
// JSON).
func resultFormat(param, accept string) (string, *httpError) {
	if param != "" {
		if f, ok := formatNames[strings.ToLower(param)]; ok {
			return f, nil
		}
		return "", badRequest("unknown format %q: use json, jsonl, csv, pretty or parquet", param)
	}
	if strings.TrimSpace(accept) == "" {
		return "json", nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if f, ok := acceptFormats[mt]; ok {
			return f, nil
		}
	}
	return "", badRequest("the Accept header %q names no format Strata answers in: accept application/json, application/jsonl, text/csv, text/plain (a table) or application/vnd.apache.parquet, or give the format parameter (format=csv)", accept)
}
