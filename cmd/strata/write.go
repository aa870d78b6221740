package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
)

// writeCmd bulk-loads a line-protocol file into a running server, in
// batches sent by several workers, showing progress on a terminal.
func writeCmd(args []string) error {
	fs := newFlags("write", "strata write --db NAME [flags] FILE|-")
	db := fs.String("db", "", "database to write to (created on first write)")
	fs.StringVar(db, "database", "", "the same as --db")
	srv := serverFlags(fs)
	precision := fs.String("precision", "auto", "timestamp unit: auto, ns, us, ms or s")
	batchBytes := byteSize(4 << 20)
	fs.Var(&batchBytes, "batch-bytes", "size of each write request (split at line ends)")
	workers := fs.Int("workers", 2, "concurrent write requests")
	useGzip := fs.Bool("gzip", false, "gzip request bodies")
	noSync := fs.Bool("no-sync", false, "acknowledge writes before they are fsynced (faster, may lose the last second on a crash)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return errors.New("write: --db is required: name the database to load into")
	}
	if fs.NArg() != 1 {
		return errors.New("write: give one input: a line-protocol file, or - for standard input")
	}
	in, name, err := openInput(fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()

	q := url.Values{"db": {*db}, "precision": {*precision}}
	if *noSync {
		q.Set("no_sync", "true")
	}
	endpoint := srv.url("/api/v3/write_lp?" + q.Encode())
	l := &loader{endpoint: endpoint, gzip: *useGzip, client: &http.Client{}, srv: srv}
	prog := newProgress(os.Stderr, name)
	l.onBatch = prog.add

	batches := make(chan lpBatch, *workers)
	var wg sync.WaitGroup
	for i := 0; i < max(1, *workers); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				l.send(b)
			}
		}()
	}
	readErr := splitBatches(in, int(batchBytes), batches)
	close(batches)
	wg.Wait()
	prog.finish()
	if readErr != nil {
		return fmt.Errorf("write: reading %s: %w", name, readErr)
	}
	if n := l.failedRequests.Load(); n > 0 {
		return fmt.Errorf("write: %d requests failed; see the errors above", n)
	}
	if n := l.rejected.Load(); n > 0 {
		return fmt.Errorf("write: %d lines were rejected; see the errors above (every other line was stored)", n)
	}
	return nil
}

func openInput(arg string) (io.ReadCloser, string, error) {
	if arg == "-" {
		return io.NopCloser(os.Stdin), "standard input", nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, "", fmt.Errorf("write: %w", err)
	}
	return f, arg, nil
}

// lpBatch is a run of whole lines; firstLine is the 1-based number of its
// first line in the input.
type lpBatch struct {
	data      []byte
	firstLine int
	lines     int
}

// splitBatches cuts the input at line ends into batches of about size bytes.
func splitBatches(in io.Reader, size int, out chan<- lpBatch) error {
	r := bufio.NewReaderSize(in, 1<<20)
	line := 1
	for {
		buf := make([]byte, 0, size+64<<10)
		for len(buf) < size {
			chunk, err := r.ReadSlice('\n')
			buf = append(buf, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				if len(buf) > 0 {
					n := bytes.Count(buf, []byte{'\n'})
					if buf[len(buf)-1] != '\n' {
						n++ // a last line without its newline
					}
					out <- lpBatch{data: buf, firstLine: line, lines: n}
				}
				return nil
			}
			if err != nil {
				return err
			}
		}
		n := bytes.Count(buf, []byte{'\n'})
		out <- lpBatch{data: buf, firstLine: line, lines: n}
		line += n
	}
}

// loader sends batches and reports rejected lines with their line numbers in
// the whole input.
type loader struct {
	endpoint       string
	gzip           bool
	client         *http.Client
	srv            *server
	onBatch        func(lines, bytes int)
	rejected       atomic.Int64
	failedRequests atomic.Int64
	printMu        sync.Mutex
}

func (l *loader) send(b lpBatch) {
	body := b.data
	req, err := http.NewRequest(http.MethodPost, l.endpoint, nil)
	if err != nil {
		l.fail(b, err.Error())
		return
	}
	if l.gzip {
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		zw.Write(body)
		zw.Close()
		body = zb.Bytes()
		req.Header.Set("Content-Encoding", "gzip")
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := l.srv.do(l.client, req)
	if err != nil {
		l.fail(b, err.Error())
		return
	}
	defer resp.Body.Close()
	if err := l.srv.authError(resp); err != nil {
		l.fail(b, err.Error())
		return
	}
	respBody, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	switch {
	case resp.StatusCode == http.StatusNoContent:
	case resp.StatusCode == http.StatusBadRequest:
		var partial struct {
			Error string `json:"error"`
			Data  []struct {
				Message string `json:"error_message"`
				Line    int    `json:"line_number"`
			} `json:"data"`
			Message string `json:"message"`
		}
		if json.Unmarshal(respBody, &partial) != nil || len(partial.Data) == 0 {
			l.fail(b, fmt.Sprintf("server answered 400: %s", bytes.TrimSpace(respBody)))
			return
		}
		l.printMu.Lock()
		for _, e := range partial.Data {
			fmt.Fprintf(os.Stderr, "\rline %d rejected: %s\n", b.firstLine+e.Line-1, e.Message)
		}
		l.printMu.Unlock()
		l.rejected.Add(int64(len(partial.Data)))
	default:
		l.fail(b, fmt.Sprintf("server answered %s: %s", resp.Status, bytes.TrimSpace(respBody)))
		return
	}
	l.onBatch(b.lines, len(b.data))
}

func (l *loader) fail(b lpBatch, msg string) {
	l.failedRequests.Add(1)
	l.printMu.Lock()
	defer l.printMu.Unlock()
	fmt.Fprintf(os.Stderr, "\rlines %d-%d not written: %s\n", b.firstLine, b.firstLine+b.lines-1, msg)
}

// progress shows lines and bytes sent, and their rates: redrawn on a
// terminal, a summary line otherwise.
type progress struct {
	out   *os.File
	name  string
	tty   bool
	start time.Time
	lines atomic.Int64
	bytes atomic.Int64
	stop  chan struct{}
	done  chan struct{}
}

func newProgress(out *os.File, name string) *progress {
	p := &progress{out: out, name: name, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	if st, err := out.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		p.tty = true
		go p.draw()
	} else {
		close(p.done)
	}
	return p
}

func (p *progress) add(lines, n int) {
	p.lines.Add(int64(lines))
	p.bytes.Add(int64(n))
}

func (p *progress) line() string {
	secs := time.Since(p.start).Seconds()
	lines, n := p.lines.Load(), p.bytes.Load()
	return fmt.Sprintf("%s: %s lines, %s in %.1fs (%s lines/s, %s/s)", p.name, human(float64(lines)), humanBytes(float64(n)), secs,
		human(float64(lines)/secs), humanBytes(float64(n)/secs))
}

func (p *progress) draw() {
	defer close(p.done)
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			fmt.Fprintf(p.out, "\r\033[K%s", p.line())
		}
	}
}

func (p *progress) finish() {
	close(p.stop)
	<-p.done
	if p.tty {
		fmt.Fprint(p.out, "\r\033[K")
	}
	fmt.Fprintln(p.out, p.line())
}

func human(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.2fG", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func humanBytes(v float64) string {
	switch {
	case v >= 1<<30:
		return fmt.Sprintf("%.2f GiB", v/(1<<30))
	case v >= 1<<20:
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	case v >= 1<<10:
		return fmt.Sprintf("%.1f KiB", v/(1<<10))
	}
	return fmt.Sprintf("%.0f B", v)
}
