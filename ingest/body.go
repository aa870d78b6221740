package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// bodyPool recycles request body buffers; the parser copies what it keeps.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// gzipPool recycles gzip readers (klauspost's: about twice the speed of
// compress/gzip at inflating line protocol).
var gzipPool sync.Pool

// errBodyTooLarge is returned when a body passes the limit.
var errBodyTooLarge = errors.New("request body too large")

// readBody reads the whole request body, inflating it if needed, up to limit
// bytes after decompression. The buffer goes back to bodyPool when done.
func readBody(r *http.Request, limit int64) (*bytes.Buffer, *apiError) {
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	var src io.Reader = r.Body
	switch enc {
	case "", "identity":
	case "gzip":
		zr, _ := gzipPool.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(r.Body)
		} else {
			err = zr.Reset(r.Body)
		}
		if err != nil {
			return nil, &apiError{status: http.StatusBadRequest, code: "invalid", msg: fmt.Sprintf("request body is not valid gzip: %v", err)}
		}
		defer gzipPool.Put(zr)
		src = zr
	default:
		return nil, &apiError{status: http.StatusUnsupportedMediaType, code: "invalid",
			msg: fmt.Sprintf("Content-Encoding %q is not supported; send gzip or identity", enc)}
	}
	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	if r.ContentLength > 0 && r.ContentLength <= limit && enc != "gzip" {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(src, limit+1))
	if err == nil && n > limit {
		err = errBodyTooLarge
	}
	if err != nil {
		bodyPool.Put(buf)
		if errors.Is(err, errBodyTooLarge) {
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: "request too large",
				msg: fmt.Sprintf("request body is over the limit of %d bytes (after decompression); split the write into smaller batches or raise --max-body-bytes", limit)}
		}
		return nil, &apiError{status: http.StatusBadRequest, code: "invalid", msg: fmt.Sprintf("reading request body: %v", err)}
	}
	return buf, nil
}
