package flight

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Arrow IPC messages that clients upload (DoPut: bound parameters, INSERT
// rows) are checked here before arrow-go decodes them. arrow-go's decoder
// trusts the flatbuffer: a vector length claiming billions of schema fields
// makes it allocate that many (a fatal out-of-memory, not a panic: fuzzing
// found a 0.5 KB message that does it), and a compressed buffer's
// uncompressed-length prefix is allocated as given. So every table, vector
// and string of the message header must lie inside the header, headers are
// small, schemas have a bounded number of fields, and compressed bodies are
// refused (no Flight SQL client compresses parameters).
//
// Layout (format/Message.fbs, Schema.fbs): a flatbuffer table at pos starts
// with an int32 back to its vtable; the vtable is uint16 size, uint16 table
// size, then one uint16 offset per field slot (0: absent). Offsets to
// tables, vectors and strings are uint32s relative to where they are
// stored; a vector is a uint32 count followed by its elements.

const (
	maxHeaderBytes = 1 << 20
	maxIPCFields   = 10000
	maxIPCDepth    = 64
)

// Message header kinds (MessageHeader union).
const (
	ipcSchema          = 1
	ipcDictionaryBatch = 2
	ipcRecordBatch     = 3

	// Type union kinds (Schema.fbs) whose tables hold more than scalars.
	arrowTypeTimestamp = 10
	arrowTypeUnion     = 14
)

var errIPCBounds = errors.New("a table, vector or string lies outside the message header")

type fbuf struct {
	b      []byte
	fields int
}

func (f *fbuf) u16(pos int) (int, error) {
	if pos < 0 || pos+2 > len(f.b) {
		return 0, errIPCBounds
	}
	return int(binary.LittleEndian.Uint16(f.b[pos:])), nil
}

func (f *fbuf) u32(pos int) (int, error) {
	if pos < 0 || pos+4 > len(f.b) {
		return 0, errIPCBounds
	}
	return int(binary.LittleEndian.Uint32(f.b[pos:])), nil
}

// table checks the table at pos and returns its vtable position.
func (f *fbuf) table(pos int) (int, error) {
	if pos < 0 || pos+4 > len(f.b) {
		return 0, errIPCBounds
	}
	vt := pos - int(int32(binary.LittleEndian.Uint32(f.b[pos:])))
	size, err := f.u16(vt)
	if err != nil || size < 4 || size%2 != 0 || vt+size > len(f.b) {
		return 0, errIPCBounds
	}
	tsize, err := f.u16(vt + 2)
	if err != nil || pos+tsize > len(f.b) {
		return 0, errIPCBounds
	}
	return vt, nil
}

// field returns where slot's value is stored in the table at pos, or -1.
func (f *fbuf) field(pos, vt, slot int) (int, error) {
	size, _ := f.u16(vt)
	if 4+2*slot+2 > size {
		return -1, nil
	}
	off, err := f.u16(vt + 4 + 2*slot)
	if err != nil || off == 0 {
		return -1, err
	}
	if pos+off >= len(f.b) {
		return 0, errIPCBounds
	}
	return pos + off, nil
}

// ref follows the offset stored at slot; -1 when absent.
func (f *fbuf) ref(pos, vt, slot int) (int, error) {
	at, err := f.field(pos, vt, slot)
	if err != nil || at < 0 {
		return at, err
	}
	off, err := f.u32(at)
	if err != nil || at+off > len(f.b) {
		return 0, errIPCBounds
	}
	return at + off, nil
}

// vector checks the vector (or string) at slot with elements of size
// bytes and returns its element start and count (-1, 0 when absent).
func (f *fbuf) vector(pos, vt, slot, size int) (int, int, error) {
	at, err := f.ref(pos, vt, slot)
	if err != nil || at < 0 {
		return at, 0, err
	}
	n, err := f.u32(at)
	if err != nil || n > (len(f.b)-at-4)/size {
		return 0, 0, errIPCBounds
	}
	return at + 4, n, nil
}

// tables checks a vector of tables at slot with check.
func (f *fbuf) tables(pos, vt, slot, depth int, check func(pos, depth int) error) error {
	start, n, err := f.vector(pos, vt, slot, 4)
	if err != nil || start < 0 {
		return err
	}
	for i := range n {
		off, err := f.u32(start + 4*i)
		if err != nil {
			return err
		}
		if err := check(start+4*i+off, depth); err != nil {
			return err
		}
	}
	return nil
}

// subtable checks the table at slot with check, when present.
func (f *fbuf) subtable(pos, vt, slot, depth int, check func(pos, depth int) error) error {
	at, err := f.ref(pos, vt, slot)
	if err != nil || at < 0 {
		return err
	}
	return check(at, depth)
}

func (f *fbuf) keyValue(pos, _ int) error {
	vt, err := f.table(pos)
	if err != nil {
		return err
	}
	for slot := range 2 {
		if _, _, err := f.vector(pos, vt, slot, 1); err != nil {
			return err
		}
	}
	return nil
}

// anyTable checks a table whose fields are scalars (type parameters,
// dictionary encodings): only its own bounds.
func (f *fbuf) anyTable(pos, _ int) error {
	_, err := f.table(pos)
	return err
}

func (f *fbuf) schemaField(pos, depth int) error {
	if depth > maxIPCDepth {
		return fmt.Errorf("fields nest more than %d deep", maxIPCDepth)
	}
	if f.fields++; f.fields > maxIPCFields {
		return fmt.Errorf("more than %d fields", maxIPCFields)
	}
	vt, err := f.table(pos)
	if err != nil {
		return err
	}
	if _, _, err := f.vector(pos, vt, 0, 1); err != nil { // name
		return err
	}
	// type (slot 3, its kind at slot 2): a Timestamp has a time zone string
	// and a Union a vector of int32 type ids at slot 1; other types hold
	// scalars only.
	kind := byte(0)
	if at, err := f.field(pos, vt, 2); err != nil {
		return err
	} else if at >= 0 {
		kind = f.b[at]
	}
	if err := f.subtable(pos, vt, 3, depth, func(p, _ int) error {
		tvt, err := f.table(p)
		if err != nil {
			return err
		}
		switch kind {
		case arrowTypeTimestamp:
			_, _, err = f.vector(p, tvt, 1, 1)
		case arrowTypeUnion:
			_, _, err = f.vector(p, tvt, 1, 4)
		}
		return err
	}); err != nil {
		return err
	}
	if err := f.subtable(pos, vt, 4, depth, f.anyTable); err != nil { // dictionary
		return err
	}
	if err := f.tables(pos, vt, 5, depth+1, f.schemaField); err != nil { // children
		return err
	}
	return f.tables(pos, vt, 6, depth, f.keyValue) // custom_metadata
}

func (f *fbuf) schema(pos, depth int) error {
	vt, err := f.table(pos)
	if err != nil {
		return err
	}
	if err := f.tables(pos, vt, 1, depth+1, f.schemaField); err != nil {
		return err
	}
	if err := f.tables(pos, vt, 2, depth, f.keyValue); err != nil {
		return err
	}
	_, _, err = f.vector(pos, vt, 3, 8)
	return err
}

func (f *fbuf) recordBatch(pos, _ int) error {
	vt, err := f.table(pos)
	if err != nil {
		return err
	}
	for _, v := range []struct{ slot, size int }{{1, 16}, {2, 16}, {4, 8}} { // nodes, buffers, variadic counts
		if _, _, err := f.vector(pos, vt, v.slot, v.size); err != nil {
			return err
		}
	}
	if at, err := f.ref(pos, vt, 3); err != nil {
		return err
	} else if at >= 0 {
		return errors.New("compressed record batches are not accepted here: send them uncompressed")
	}
	return nil
}

// checkIPCMessage checks an IPC message header (FlightData.data_header).
func checkIPCMessage(header []byte) error {
	if len(header) == 0 {
		return nil // a message with only app metadata
	}
	if len(header) > maxHeaderBytes {
		return fmt.Errorf("message header of %d bytes (at most %d)", len(header), maxHeaderBytes)
	}
	f := &fbuf{b: header}
	root, err := f.u32(0)
	if err != nil {
		return err
	}
	vt, err := f.table(root)
	if err != nil {
		return err
	}
	if err := f.tables(root, vt, 4, 0, f.keyValue); err != nil {
		return err
	}
	kindAt, err := f.field(root, vt, 1)
	if err != nil || kindAt < 0 {
		return err
	}
	switch kind := header[kindAt]; kind {
	case ipcSchema:
		return f.subtable(root, vt, 2, 0, f.schema)
	case ipcRecordBatch:
		return f.subtable(root, vt, 2, 0, f.recordBatch)
	case ipcDictionaryBatch:
		return f.subtable(root, vt, 2, 0, func(p, d int) error {
			dvt, err := f.table(p)
			if err != nil {
				return err
			}
			return f.subtable(p, dvt, 1, d, f.recordBatch)
		})
	default:
		return fmt.Errorf("message kind %d is not accepted here", kind)
	}
}

// guardedPut checks each uploaded message before the IPC reader sees it.
type guardedPut struct {
	flight.FlightService_DoPutServer
}

func (g guardedPut) Recv() (*flight.FlightData, error) {
	d, err := g.FlightService_DoPutServer.Recv()
	if err != nil {
		return d, err
	}
	if err := checkIPCMessage(d.GetDataHeader()); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "malformed Arrow IPC message: %v", err)
	}
	return d, nil
}

// DoPut checks uploads (see guardedPut) and hands them to flightsql.
func (v *service) DoPut(stream flight.FlightService_DoPutServer) error {
	return v.FlightServer.DoPut(guardedPut{stream})
}
