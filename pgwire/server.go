package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"

	"github.com/stratadb/strata/metrics"
	"github.com/stratadb/strata/planner"
)

// Server is the PostgreSQL wire endpoint.
type Server struct {
	Planner *planner.Planner
	Logger  *slog.Logger
	// MemLimit bounds each query's memory (0: the engine's default).
	MemLimit int64
	// TLS, when set, answers SSLRequest with 'S' and upgrades the
	// connection; without it SSLRequest gets 'N' and the client goes on in
	// plain text (or reconnects, as pgx does).
	TLS *tls.Config
	// Auth is the authentication method: AuthTrust (""), AuthPassword,
	// AuthMD5 or AuthSCRAM, checked against Users (user name → password).
	Auth  string
	Users map[string]string
	// Queries counts the statements run (nil: not counted).
	Queries *metrics.Queries

	mu      sync.Mutex
	conns   map[uint32]*conn
	nextPID uint32
	lns     []net.Listener
	closed  bool
	wg      sync.WaitGroup

	plansReused atomic.Int64
}

// PlansReused counts Binds that ran the plan their Parse made instead of
// planning again.
func (s *Server) PlansReused() int64 { return s.plansReused.Load() }

// ActiveConnections is the number of connections past authentication.
func (s *Server) ActiveConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *Server) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Serve accepts connections on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return net.ErrClosed
	}
	s.lns = append(s.lns, ln)
	s.mu.Unlock()
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			c := &conn{srv: s, nc: nc}
			c.serve()
		}()
	}
}

// Close stops accepting, cancels running statements, closes every
// connection and waits for their goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	for _, ln := range s.lns {
		_ = ln.Close()
	}
	for _, c := range s.conns {
		c.cancelRunning()
		_ = c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// register gives c its backend key (process ID and secret).
func (s *Server) register(c *conn) {
	secret := make([]byte, 4)
	_, _ = rand.Read(secret)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = map[uint32]*conn{}
	}
	for {
		s.nextPID++
		if s.nextPID == 0 {
			continue
		}
		if _, used := s.conns[s.nextPID]; !used {
			break
		}
	}
	c.pid, c.secret = s.nextPID, secret
	s.conns[c.pid] = c
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[c.pid] == c {
		delete(s.conns, c.pid)
		s.Planner.Activity.Disconnect(int32(c.pid))
	}
}

// cancel runs a CancelRequest: the statement running on the connection with
// this key fails with 57014. A wrong key is ignored, as PostgreSQL does.
func (s *Server) cancel(pid uint32, secret []byte) {
	s.mu.Lock()
	c := s.conns[pid]
	s.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare(c.secret, secret) != 1 {
		s.log().Debug("pgwire: cancel request for an unknown backend key", "pid", pid)
		return
	}
	c.cancelRunning()
}

// errCanceled is the cause given to a statement's context by a
// CancelRequest.
var errCanceled = errors.New("canceling statement due to user request")

// errTimedOut is the cause given to a statement's context when it runs
// past statement_timeout.
var errTimedOut = errors.New("canceling statement due to statement timeout")

func isCanceled(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errCanceled)
}
