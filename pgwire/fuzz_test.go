package pgwire

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// FuzzDecodeParam: no parameter bytes, of any declared type and format,
// panic the decoder; failures are SQLSTATE errors.
func FuzzDecodeParam(f *testing.F) {
	f.Add(uint32(oidNumeric), int16(1), []byte{0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88})
	f.Add(uint32(oidTimestamptz), int16(1), []byte{0, 0, 0, 0, 0, 0, 0, 0})
	f.Add(uint32(oidTimestamptz), int16(0), []byte("2024-01-01T00:00:00Z"))
	f.Add(uint32(oidInterval), int16(1), make([]byte, 16))
	f.Add(uint32(oidInt4), int16(0), []byte("-12"))
	f.Add(uint32(oidBool), int16(1), []byte{1})
	f.Add(uint32(0), int16(0), []byte("text"))
	// text[] {ab,NULL} and int8[] {7} in binary; an empty array.
	f.Add(uint32(1009), int16(1), []byte{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 25, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 'a', 'b', 0xff, 0xff, 0xff, 0xff})
	f.Add(uint32(1016), int16(1), []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 7})
	f.Add(uint32(1185), int16(1), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0xa0})
	f.Fuzz(func(t *testing.T, oid uint32, format int16, b []byte) {
		v, err := decodeParam(1, oid, format&1, b, time.UTC, time.Unix(0, 0))
		if err != nil {
			require.Nil(t, v)
			require.NotEmpty(t, planner.AsError(err).Code)
		}
	})
}

// FuzzFrontendMessages: whatever a client sends after a valid startup, the
// connection answers or closes; it never panics or hangs the server.
func FuzzFrontendMessages(f *testing.F) {
	seed := func(msgs ...pgproto3.FrontendMessage) []byte {
		var b []byte
		for _, m := range msgs {
			b, _ = m.Encode(b)
		}
		return b
	}
	f.Add(seed(&pgproto3.Query{String: "SELECT 1; SELECT host FROM cpu"}))
	f.Add(seed(&pgproto3.Parse{Name: "a", Query: "SELECT * FROM cpu WHERE usage > $1"}, &pgproto3.Describe{ObjectType: 'S', Name: "a"},
		&pgproto3.Bind{PreparedStatement: "a", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 0, 0, 0, 0, 0}}, ResultFormatCodes: []int16{1}},
		&pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{}))
	f.Add(seed(&pgproto3.Query{String: "BEGIN; DECLARE c CURSOR FOR SELECT * FROM cpu; FETCH 1 c"}))
	f.Add([]byte{'Q', 0, 0, 0, 4})
	f.Add([]byte{'B', 0xff, 0xff, 0xff, 0xff})

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: f.TempDir(), Logger: logger})
	require.NoError(f, err)
	defer e.Close()
	srv := &Server{Planner: &planner.Planner{Engine: e}, Logger: logger}
	startup, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "u", "database": "db"}}).Encode(nil)

	f.Fuzz(func(t *testing.T, data []byte) {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			c := &conn{srv: srv, nc: server}
			c.serve()
		}()
		// Drain everything the server writes.
		go func() { _, _ = io.Copy(io.Discard, client) }()
		_ = client.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = client.Write(startup)
		_, _ = client.Write(data)
		// A Terminate ends the session if the data left it in a state to
		// read one; closing covers the rest.
		term := []byte{'X', 0, 0, 0, 4}
		_, _ = client.Write(term)
		client.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("connection did not end after the client closed; input %x", data)
		}
	})
}

// FuzzAuthExchange: whatever a client answers to a password, MD5 or SCRAM
// challenge, the server refuses or accepts it cleanly and the connection
// ends; the first byte picks the method.
func FuzzAuthExchange(f *testing.F) {
	seed := func(method byte, msgs ...pgproto3.FrontendMessage) []byte {
		b := []byte{method}
		for _, m := range msgs {
			b, _ = m.Encode(b)
		}
		return b
	}
	f.Add(seed(0, &pgproto3.PasswordMessage{Password: "pw"}))
	f.Add(seed(1, &pgproto3.PasswordMessage{Password: "md5abc"}))
	f.Add(seed(2, &pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,,n=,r=abc")},
		&pgproto3.SASLResponse{Data: []byte("c=biws,r=abc,p=AAAA")}))
	f.Add(seed(2, &pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("p=tls-server-end-point,,n=,r=x")}))

	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := storage.Open(storage.Options{DataDir: f.TempDir(), Logger: logger})
	require.NoError(f, err)
	defer e.Close()
	methods := []string{AuthPassword, AuthMD5, AuthSCRAM}
	startup, _ := (&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "u", "database": "db"}}).Encode(nil)

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		srv := &Server{Planner: &planner.Planner{Engine: e}, Logger: logger, Auth: methods[int(data[0])%len(methods)], Users: map[string]string{"u": "pw"}}
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			(&conn{srv: srv, nc: server}).serve()
		}()
		go func() { _, _ = io.Copy(io.Discard, client) }()
		_ = client.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = client.Write(startup)
		_, _ = client.Write(data[1:])
		_, _ = client.Write([]byte{'X', 0, 0, 0, 4})
		client.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("connection did not end; input %x", data)
		}
	})
}

// The binary arrays of FuzzDecodeParam's seeds decode to their elements.
func TestDecodeArrayParam(t *testing.T) {
	v, err := decodeParam(1, 1009, 1, []byte{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 25, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 'a', 'b', 0xff, 0xff, 0xff, 0xff}, time.UTC, time.Unix(0, 0))
	require.NoError(t, err)
	require.Equal(t, planner.ArrayParam{Elem: exec.TypeText, Values: []any{"ab", nil}}, v)
	v, err = decodeParam(1, 1016, 1, []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 7}, time.UTC, time.Unix(0, 0))
	require.NoError(t, err)
	require.Equal(t, planner.ArrayParam{Elem: exec.TypeInt, Values: []any{int64(7)}}, v)
	_, err = decodeParam(1, 1016, 1, []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0}, time.UTC, time.Unix(0, 0))
	require.ErrorContains(t, err, "element 1 is cut short")
}

// logSink records what a copyReader hands over.
type logSink struct{ b []byte }

func (s *logSink) Text(j int, v []byte) error {
	s.b = append(append(append(s.b, 'T', byte('0'+j)), v...), 0)
	return nil
}
func (s *logSink) Null(j int) error { s.b = append(s.b, 'N', byte('0'+j), 0); return nil }
func (s *logSink) Float(j int, f float64) error {
	s.b = append(fmt.Appendf(s.b, "F%d%v", j, f), 0)
	return nil
}
func (s *logSink) Int(j int, n int64) error {
	s.b = append(fmt.Appendf(s.b, "I%d%d", j, n), 0)
	return nil
}
func (s *logSink) Bool(j int, v bool) error {
	s.b = append(fmt.Appendf(s.b, "B%d%v", j, v), 0)
	return nil
}
func (s *logSink) Time(j int, ns int64) error {
	s.b = append(fmt.Appendf(s.b, "D%d%d", j, ns), 0)
	return nil
}
func (s *logSink) EndRow() (bool, error) { s.b = append(s.b, '\n'); return false, nil }

// FuzzCopyReader: COPY FROM data in every format decodes the same however
// CopyData messages split it, never panics, and fails only with SQLSTATE
// errors that name the line.
func FuzzCopyReader(f *testing.F) {
	f.Add(byte(0), "a\tb\\tc\t\\N\n\\x41\\101\tz\r\n", 5)
	f.Add(byte(1), "a,\"b\"\"c\",,\"\"\n\"multi\nline\",x\r\n", 7)
	f.Add(byte(2), "PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x01a\xff\xff\xff\xff\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff", 13)
	f.Add(byte(3), "h1,h2,h3\n1,2,3\n\\.\nignored", 3)
	cols := []planner.CopyColumn{
		{Name: "a", Type: storage.TypeTag, ForceNull: true},
		{Name: "b", Type: storage.TypeString, ForceNotNull: true},
		{Name: "c", Type: storage.TypeInt},
	}
	f.Fuzz(func(t *testing.T, mode byte, data string, split int) {
		spec := &sql.CopySpec{Delimiter: '\t', Null: `\N`, Quote: '"', Escape: '"'}
		switch mode % 4 {
		case 1:
			spec.CSV, spec.Delimiter, spec.Null = true, ',', ""
		case 2:
			spec.Binary = true
		case 3:
			spec.CSV, spec.Delimiter, spec.Null, spec.Header, spec.HeaderMatch = true, ',', "", true, mode&4 != 0
		}
		run := func(parts ...string) (string, error) {
			sink := &logSink{}
			r := newCopyReader(spec, cols, "t", sink)
			for _, p := range parts {
				if err := r.feed([]byte(p)); err != nil {
					return string(sink.b), err
				}
			}
			return string(sink.b), r.finish()
		}
		whole, werr := run(data)
		if split < 0 {
			split = -split
		}
		k := 0
		if len(data) > 0 {
			k = split % (len(data) + 1)
		}
		parts, perr := run(data[:k], data[k:])
		bytewise := make([]string, len(data))
		for i := 0; i < len(data); i++ {
			bytewise[i] = data[i : i+1]
		}
		bytes, berr := run(bytewise...)
		if werr != nil {
			pe := planner.AsError(werr)
			require.Len(t, pe.Code, 5)
			require.Contains(t, pe.Msg, "COPY t, line ")
		}
		// Rows handed over before an error may differ by where the data
		// was cut; the outcome may not.
		require.Equal(t, werr, perr, "split at %d", k)
		require.Equal(t, werr, berr, "byte by byte")
		if werr == nil {
			require.Equal(t, whole, parts, "split at %d", k)
			require.Equal(t, whole, bytes, "byte by byte")
		}
	})
}
