package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// One port serves HTTP and gRPC (Flight), as InfluxDB 3 does, so a client
// configured with one URL writes line protocol and queries through Flight.
// Without TLS, gRPC clients open with the HTTP/2 connection preface (prior
// knowledge): connections that start with it go to the gRPC server's own
// transport, everything else to the HTTP server. With TLS, both arrive as
// HTTP/2 after ALPN, so the HTTP server takes all connections and hands
// gRPC requests (content-type application/grpc) to the gRPC server.

// http2Preface opens every HTTP/2 connection (RFC 9113, 3.4).
const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// sniffTimeout bounds how long a new connection may take to send the bytes
// that tell its protocol.
const sniffTimeout = 10 * time.Second

// portSplitter accepts on one listener and routes each connection to the
// gRPC or the HTTP sub-listener by its first bytes.
type portSplitter struct {
	ln         net.Listener
	grpc, http *subListener
}

func splitPort(ln net.Listener) *portSplitter {
	done := make(chan struct{})
	var once sync.Once
	closeAll := func() { once.Do(func() { close(done) }) }
	return &portSplitter{
		ln:   ln,
		grpc: &subListener{addr: ln.Addr(), ch: make(chan net.Conn), done: done, close: closeAll},
		http: &subListener{addr: ln.Addr(), ch: make(chan net.Conn), done: done, close: closeAll},
	}
}

// run accepts until the listener is closed.
func (p *portSplitter) run() {
	defer p.grpc.close()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		go p.route(c)
	}
}

func (p *portSplitter) route(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(sniffTimeout))
	var head []byte
	buf := make([]byte, len(http2Preface))
	isGRPC := false
	for {
		n, err := c.Read(buf[:len(http2Preface)-len(head)])
		head = append(head, buf[:n]...)
		if !bytes.HasPrefix([]byte(http2Preface), head) {
			break // not HTTP/2 prior knowledge: HTTP/1.x
		}
		if len(head) == len(http2Preface) {
			isGRPC = true
			break
		}
		if err != nil {
			c.Close() // closed or silent before saying anything useful
			return
		}
	}
	_ = c.SetReadDeadline(time.Time{})
	conn := &replayConn{Conn: c, r: io.MultiReader(bytes.NewReader(head), c)}
	to := p.http
	if isGRPC {
		to = p.grpc
	}
	select {
	case to.ch <- conn:
	case <-to.done:
		c.Close()
	}
}

// subListener is one side of a portSplitter.
type subListener struct {
	addr  net.Addr
	ch    chan net.Conn
	done  chan struct{}
	close func()
}

func (l *subListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *subListener) Close() error {
	l.close()
	return nil
}

func (l *subListener) Addr() net.Addr { return l.addr }

// replayConn reads the sniffed bytes again before the rest of the stream.
type replayConn struct {
	net.Conn
	r io.Reader
}

func (c *replayConn) Read(b []byte) (int, error) { return c.r.Read(b) }
