package pgwire

import (
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

// startupPacket is a StartupMessage of protocol 3.minor with params.
func startupPacket(minor uint16, params ...string) []byte {
	body := binary.BigEndian.AppendUint32(nil, 3<<16|uint32(minor))
	for _, p := range params {
		body = append(append(body, p...), 0)
	}
	body = append(body, 0)
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(body)+4)), body...)
}

// TestProtocolNegotiation: a client asking for protocol 3.1 or 3.2, or for
// protocol options (_pq_.*), is told NegotiateProtocolVersion (3.0, the
// options it declines) and carries on, as PostgreSQL 15 answers libpq 18
// with max_protocol_version=latest; a 3.0 client hears nothing of it.
func TestProtocolNegotiation(t *testing.T) {
	s := startServer(t)
	for _, tc := range []struct {
		minor    uint16
		params   []string
		declined []string
		told     bool
	}{
		{0, nil, nil, false},
		{1, nil, nil, true},
		{2, nil, nil, true},
		{0, []string{"_pq_.compression", "on", "_pq_.a", "x"}, []string{"_pq_.a", "_pq_.compression"}, true},
		{2, []string{"_pq_.b", "1"}, []string{"_pq_.b"}, true},
	} {
		nc, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
		require.NoError(t, err)
		require.NoError(t, nc.SetDeadline(time.Now().Add(10*time.Second)))
		params := append([]string{"user", "strata", "database", "db"}, tc.params...)
		_, err = nc.Write(startupPacket(tc.minor, params...))
		require.NoError(t, err)
		fe := pgproto3.NewFrontend(nc, nc)
		msg, err := fe.Receive()
		require.NoError(t, err)
		if tc.told {
			npv, ok := msg.(*pgproto3.NegotiateProtocolVersion)
			require.True(t, ok, "minor %d params %v: got %T", tc.minor, tc.params, msg)
			require.Equal(t, uint32(0), npv.NewestMinorProtocol)
			require.ElementsMatch(t, tc.declined, npv.UnrecognizedOptions)
			msg, err = fe.Receive()
			require.NoError(t, err)
		}
		_, ok := msg.(*pgproto3.AuthenticationOk)
		require.True(t, ok, "got %T", msg)
		for {
			msg, err = fe.Receive()
			require.NoError(t, err)
			if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
				break
			}
		}
		fe.Send(&pgproto3.Query{String: "SELECT 1 + 1"})
		require.NoError(t, fe.Flush())
		var got string
		for {
			msg, err = fe.Receive()
			require.NoError(t, err)
			if d, ok := msg.(*pgproto3.DataRow); ok {
				got = string(d.Values[0])
			}
			if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
				break
			}
		}
		require.Equal(t, "2", got)
		nc.Close()
	}
	// pgx (protocol 3.0) is unaffected.
	var n int
	require.NoError(t, connect(t, s, "db").QueryRow(context.Background(), "SELECT 2").Scan(&n))
	require.Equal(t, 2, n)
}
