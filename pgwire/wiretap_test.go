package pgwire

import (
	"io"
	"net"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

// wireTap is a loopback proxy in front of a test server that decodes the
// messages passing through, so a test can check how an external client
// used the protocol (named statements, result formats, row limits).
type wireTap struct {
	addr string

	mu       sync.Mutex
	frontend []pgproto3.FrontendMessage
	backend  []pgproto3.BackendMessage
}

// startWireTap proxies connections to target. It handles plain-text
// connections (no SSLRequest).
func startWireTap(t *testing.T, target string) *wireTap {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	tap := &wireTap{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				return
			}
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer server.Close()
				tap.frontendLoop(pgproto3.NewBackend(io.TeeReader(client, server), io.Discard))
			}()
			go func() {
				defer wg.Done()
				defer client.Close()
				tap.backendLoop(pgproto3.NewFrontend(io.TeeReader(server, client), io.Discard))
			}()
		}
	}()
	return tap
}

// frontendLoop records what the client sends; the bytes are forwarded by
// the TeeReader as they are read.
func (tap *wireTap) frontendLoop(be *pgproto3.Backend) {
	if _, err := be.ReceiveStartupMessage(); err != nil {
		return
	}
	for {
		msg, err := be.Receive()
		if err != nil {
			return
		}
		tap.mu.Lock()
		tap.frontend = append(tap.frontend, copyFrontend(msg))
		tap.mu.Unlock()
	}
}

func (tap *wireTap) backendLoop(fe *pgproto3.Frontend) {
	for {
		msg, err := fe.Receive()
		if err != nil {
			return
		}
		switch msg.(type) {
		case *pgproto3.PortalSuspended, *pgproto3.CommandComplete, *pgproto3.ErrorResponse:
			tap.mu.Lock()
			tap.backend = append(tap.backend, msg)
			tap.mu.Unlock()
		}
	}
}

// copyFrontend keeps the parts of a message the tests read; pgproto3
// reuses message values.
func copyFrontend(msg pgproto3.FrontendMessage) pgproto3.FrontendMessage {
	switch m := msg.(type) {
	case *pgproto3.Parse:
		return &pgproto3.Parse{Name: m.Name, Query: m.Query}
	case *pgproto3.Bind:
		return &pgproto3.Bind{DestinationPortal: m.DestinationPortal, PreparedStatement: m.PreparedStatement,
			ResultFormatCodes: append([]int16(nil), m.ResultFormatCodes...)}
	case *pgproto3.Execute:
		return &pgproto3.Execute{Portal: m.Portal, MaxRows: m.MaxRows}
	}
	return &pgproto3.Flush{} // other messages are not inspected
}

// messages returns what has passed so far.
func (tap *wireTap) messages() ([]pgproto3.FrontendMessage, []pgproto3.BackendMessage) {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return append([]pgproto3.FrontendMessage(nil), tap.frontend...), append([]pgproto3.BackendMessage(nil), tap.backend...)
}
