package flight

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// captured collects the FlightData a RecordWriter sends.
type captured struct{ msgs []*flight.FlightData }

func (c *captured) Send(d *flight.FlightData) error { c.msgs = append(c.msgs, d); return nil }

// uploadMessages is what a client sends to bind one row of parameters of
// several types, nested ones included.
func uploadMessages(t testing.TB) []*flight.FlightData {
	mem := memory.DefaultAllocator
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true, Metadata: arrow.NewMetadata([]string{"k"}, []string{"v"})},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)},
		{Name: "u", Type: arrow.DenseUnionOf([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int64}, {Name: "s", Type: arrow.BinaryTypes.String}}, []arrow.UnionTypeCode{0, 1})},
		{Name: "d", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).Append("x")
	b.Field(1).(*array.Float64Builder).Append(1.5)
	b.Field(2).(*array.TimestampBuilder).Append(7)
	lb := b.Field(3).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int32Builder).Append(3)
	ub := b.Field(4).(*array.DenseUnionBuilder)
	ub.Append(0)
	ub.Child(0).(*array.Int64Builder).Append(9)
	require.NoError(t, b.Field(5).(*array.BinaryDictionaryBuilder).AppendString("tag"))
	rec := b.NewRecordBatch()
	defer rec.Release()
	var c captured
	w := flight.NewRecordWriter(&c, ipc.WithSchema(schema))
	require.NoError(t, w.Write(rec))
	require.NoError(t, w.Close())
	return c.msgs
}

func TestIPCGuardAcceptsClientMessages(t *testing.T) {
	msgs := uploadMessages(t)
	require.GreaterOrEqual(t, len(msgs), 3, "schema, dictionary, record batch")
	for _, m := range msgs {
		require.NoError(t, checkIPCMessage(m.DataHeader))
	}
}

func TestIPCGuardRefusesTheOOMSchema(t *testing.T) {
	// A 208-byte schema message whose fields vector claims ~10^9 entries:
	// arrow-go's decoder allocates them and the process dies.
	hdr, err := os.ReadFile("testdata/oom_schema_header.bin")
	require.NoError(t, err)
	require.ErrorIs(t, checkIPCMessage(hdr), errIPCBounds)
	require.ErrorContains(t, checkIPCMessage(make([]byte, maxHeaderBytes+1)), "message header of")
}

// fakeUpload replays FlightData as a DoPut stream would deliver them.
type fakeUpload struct{ msgs []*flight.FlightData }

func (u *fakeUpload) Recv() (*flight.FlightData, error) {
	if len(u.msgs) == 0 {
		return nil, io.EOF
	}
	m := u.msgs[0]
	u.msgs = u.msgs[1:]
	return m, nil
}

// FuzzIPCMessage: a message the guard accepts is safe for the Flight
// record reader the server's DoPut uses (a fatal out-of-memory would end
// the fuzzer), alone or after a valid schema, and the guard itself never
// panics.
func FuzzIPCMessage(f *testing.F) {
	valid := uploadMessages(f)
	for _, m := range valid {
		f.Add(m.DataHeader, m.DataBody)
	}
	hdr, err := os.ReadFile("testdata/oom_schema_header.bin")
	require.NoError(f, err)
	f.Add(hdr, []byte(nil))
	f.Fuzz(func(t *testing.T, header, body []byte) {
		if checkIPCMessage(header) != nil {
			return
		}
		msg := &flight.FlightData{DataHeader: header, DataBody: body}
		for _, stream := range [][]*flight.FlightData{{msg}, {valid[0], msg}} {
			func() {
				defer func() { _ = recover() }() // the server's interceptors recover panics
				r, err := flight.NewRecordReader(&fakeUpload{msgs: stream})
				if err != nil {
					return
				}
				defer r.Release()
				for r.Next() {
				}
			}()
		}
	})
}

// TestDoPutRefusesMalformedIPC sends the out-of-memory schema to a running
// server: the upload is refused with InvalidArgument and the server goes on.
func TestDoPutRefusesMalformedIPC(t *testing.T) {
	s := startServer(t, nil)
	c := s.rawClient(t)
	hdr, err := os.ReadFile("testdata/oom_schema_header.bin")
	require.NoError(t, err)
	cmd, err := anypb.New(&pb.CommandStatementUpdate{Query: "INSERT INTO cpu (time, usage) VALUES (now(), 1)"})
	require.NoError(t, err)
	desc, err := proto.Marshal(cmd)
	require.NoError(t, err)
	stream, err := c.DoPut(dbCtx("db"))
	require.NoError(t, err)
	require.NoError(t, stream.Send(&flight.FlightData{FlightDescriptor: &flight.FlightDescriptor{Type: flight.DescriptorCMD, Cmd: desc}, DataHeader: hdr}))
	require.NoError(t, stream.CloseSend())
	_, err = stream.Recv()
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.ErrorContains(t, err, "malformed Arrow IPC message")

	_, rows, err := doGetRows(context.Background(), c, `{"database":"db","sql_query":"SELECT count(*) FROM cpu"}`)
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(3)}}, rows)
}
