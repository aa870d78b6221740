package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// lineCutter cuts a line-protocol stream into batches of a fixed number of
// lines, reading straight into the batch buffers: only the part of the last
// read past the batch's final line is copied (into the next batch).
type lineCutter struct {
	r     io.Reader
	lines int
	carry []byte
	eof   bool
}

// cutterReadSize bounds one read, and so the bytes carried to the next batch.
const cutterReadSize = 1 << 20

// next fills buf (reusing its memory) with the next batch of up to c.lines
// whole lines and returns it with its line count. A last line without '\n'
// counts as a line. At the end of the input it returns io.EOF and no lines.
func (c *lineCutter) next(buf []byte) ([]byte, int, error) {
	buf = append(buf[:0], c.carry...)
	c.carry = c.carry[:0]
	scanned, n := 0, 0
	for {
		for n < c.lines {
			i := bytes.IndexByte(buf[scanned:], '\n')
			if i < 0 {
				scanned = len(buf)
				break
			}
			scanned += i + 1
			n++
		}
		if n == c.lines {
			c.carry = append(c.carry, buf[scanned:]...)
			return buf[:scanned], n, nil
		}
		if c.eof {
			if len(buf) > 0 && buf[len(buf)-1] != '\n' {
				n++
			}
			if n == 0 {
				return buf[:0], 0, io.EOF
			}
			return buf, n, nil
		}
		if cap(buf)-len(buf) < cutterReadSize {
			buf = append(buf[:cap(buf)], make([]byte, cutterReadSize)...)[:len(buf)]
		}
		m, err := c.r.Read(buf[len(buf) : len(buf)+cutterReadSize])
		buf = buf[:len(buf)+m]
		switch {
		case err == io.EOF:
			c.eof = true
		case err != nil:
			return buf[:0], 0, fmt.Errorf("read input: %w", err)
		}
	}
}

// benchLoader posts batches of line protocol to a /write endpoint the way
// tsbs_load_influx does: one reader, a channel of capacity workers, workers
// taking the next batch, keep-alive connections, optional gzip, 204 expected.
type benchLoader struct {
	endpoint  string // …/write?consistency=all&db=NAME
	workers   int
	batchSize int
	gzip      bool
	backoff   time.Duration
	client    *http.Client
	onBatch   func(lines, bytes int)

	rows    atomic.Int64
	bytes   atomic.Int64
	batches atomic.Int64
	retries atomic.Int64
}

func newBenchLoader(base, db string, workers, batchSize int, useGzip bool, backoff time.Duration) *benchLoader {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        workers,
		MaxIdleConnsPerHost: workers,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		WriteBufferSize:     64 << 10,
	}
	q := "consistency=all&db=" + url.QueryEscape(db)
	return &benchLoader{
		endpoint:  strings.TrimRight(base, "/") + "/write?" + q,
		workers:   max(1, workers),
		batchSize: max(1, batchSize),
		gzip:      useGzip,
		backoff:   backoff,
		client:    &http.Client{Transport: tr},
		onBatch:   func(int, int) {},
	}
}

type benchBatch struct {
	data  []byte
	lines int
	first int64 // 1-based line number of the batch's first line
}

// load streams in to the server and returns the first error: a read error, a
// transport error or an answer other than 204 (backpressure answers are
// retried after the backoff, as tsbs_load_influx does).
func (l *benchLoader) load(ctx context.Context, in io.Reader) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan benchBatch, l.workers)
	free := make(chan []byte, l.workers+2)
	var wg sync.WaitGroup
	for range l.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := loadWorker{l: l}
			for b := range batches {
				if err := w.send(ctx, b); err != nil {
					cancel(err)
					continue // drain so the reader never blocks
				}
				select {
				case free <- b.data:
				default:
				}
			}
		}()
	}
	readErr := l.cut(ctx, in, batches, free)
	close(batches)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return readErr
}

func (l *benchLoader) cut(ctx context.Context, in io.Reader, batches chan<- benchBatch, free <-chan []byte) error {
	c := lineCutter{r: in, lines: l.batchSize}
	line := int64(1)
	for ctx.Err() == nil {
		var buf []byte
		select {
		case buf = <-free:
		default:
		}
		data, n, err := c.next(buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case batches <- benchBatch{data: data, lines: n, first: line}:
		case <-ctx.Done():
			return nil
		}
		line += int64(n)
	}
	return nil
}

// loadWorker is one worker's reusable state.
type loadWorker struct {
	l    *benchLoader
	zbuf bytes.Buffer
	zw   *gzip.Writer
}

// backpressure lists the error texts on which tsbs_load_influx waits and
// retries instead of failing.
var backpressure = []string{
	"engine: cache maximum memory size exceeded",
	"write failed: hinted handoff queue not empty",
	"cache-max-memory-size exceeded",
	"timeout",
	"can not exceed max connections of 500",
}

func (w *loadWorker) send(ctx context.Context, b benchBatch) error {
	body := b.data
	if w.l.gzip {
		w.zbuf.Reset()
		if w.zw == nil {
			w.zw, _ = gzip.NewWriterLevel(&w.zbuf, 6) // level 6 is valid
		} else {
			w.zw.Reset(&w.zbuf)
		}
		w.zw.Write(body) // a bytes.Buffer never fails
		w.zw.Close()
		body = w.zbuf.Bytes()
	}
	for {
		status, msg, err := w.post(ctx, body)
		if err != nil {
			return fmt.Errorf("lines %d-%d: %w", b.first, b.first+int64(b.lines)-1, err)
		}
		if status == http.StatusNoContent {
			break
		}
		if status == http.StatusInternalServerError && isBackpressure(msg) {
			w.l.retries.Add(1)
			select {
			case <-time.After(w.l.backoff):
				continue
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		return fmt.Errorf("lines %d-%d: server answered %d (want 204): %s", b.first, b.first+int64(b.lines)-1, status, msg)
	}
	w.l.rows.Add(int64(b.lines))
	w.l.bytes.Add(int64(len(b.data)))
	w.l.batches.Add(1)
	w.l.onBatch(b.lines, len(b.data))
	return nil
}

func isBackpressure(msg string) bool {
	for _, s := range backpressure {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// post sends one body and returns the status and, unless it is 204, the
// start of the answer.
func (w *loadWorker) post(ctx context.Context, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.l.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, "", fmt.Errorf("build request for %s: %w", w.l.endpoint, err)
	}
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("User-Agent", "strata-bench")
	if w.l.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := w.l.client.Do(req)
	if err != nil {
		if cause := context.Cause(ctx); cause != nil && errors.Is(err, context.Canceled) {
			return 0, "", cause
		}
		return 0, "", fmt.Errorf("post to %s: %w", w.l.endpoint, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	io.Copy(io.Discard, resp.Body) // finish the body so the connection is reused
	if resp.StatusCode == http.StatusNoContent {
		return resp.StatusCode, "", nil
	}
	return resp.StatusCode, string(bytes.TrimSpace(answer)), nil
}
