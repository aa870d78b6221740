package wal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Segment byte layout, format version 1. All integers are little-endian.
//
//	segment := header record*
//
//	header (16 bytes):
//	  0  8  magic   "STRATWAL"
//	  8  4  version uint32, currently 1
//	 12  4  crc     CRC-32C (Castagnoli) of bytes 0..11
//
//	record (8 + length bytes):
//	  0  4  length  uint32, 1 <= length <= MaxPayloadSize
//	  4  4  crc     CRC-32C (Castagnoli) of the payload
//	  8  n  payload opaque bytes
//
// A record's length is never 0: the CRC-32C of no bytes is 0, so a zero-filled
// tail (a file extended by the file system but never written) would otherwise
// read as a run of valid empty records. A reader stops at the first frame that
// is short, has length 0 or above MaxPayloadSize, runs past the end of the file,
// or fails its CRC; everything from that frame on is the damaged tail.
//
// The header carries its own CRC so that a flipped bit in the version reads as a
// damaged header rather than as a segment from an unknown future format.

const (
	headerSize      = 16
	frameHeaderSize = 8
	formatVersion   = 1

	// MaxPayloadSize is the largest payload a record can hold.
	MaxPayloadSize = 1 << 30
)

var (
	segmentMagic = [8]byte{'S', 'T', 'R', 'A', 'T', 'W', 'A', 'L'}
	castagnoli   = crc32.MakeTable(crc32.Castagnoli)
)

// ErrUnsupportedVersion reports a segment whose header is intact but names a
// format version this build cannot read (written by a newer Strata). Replay
// returns it instead of deleting data it does not understand.
var ErrUnsupportedVersion = errors.New("wal: unsupported segment format version")

// appendHeader appends a segment header to dst.
func appendHeader(dst []byte) []byte {
	start := len(dst)
	dst = append(dst, segmentMagic[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, formatVersion)
	return binary.LittleEndian.AppendUint32(dst, crc32.Checksum(dst[start:], castagnoli))
}

// appendFrame appends one framed record to dst; sum is the CRC-32C of payload,
// computed by the caller (Append does it outside its lock).
func appendFrame(dst []byte, sum uint32, payload []byte) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(payload)))
	dst = binary.LittleEndian.AppendUint32(dst, sum)
	return append(dst, payload...)
}

// corruption describes where and why a segment stops being readable. It is a
// finding about the data, not a failure: Replay repairs the file and goes on.
type corruption struct {
	offset int64 // offset of the first damaged byte (end of the last good record)
	reason string
}

func (c *corruption) Error() string {
	return fmt.Sprintf("wal: corrupt segment at offset %d: %s", c.offset, c.reason)
}

// decoder reads one segment: the header, then records one at a time with
// Next/Payload/Err. The payload buffer is reused between records.
type decoder struct {
	r       io.Reader
	size    int64 // bytes in the segment
	off     int64 // end of the last good record (or of the header)
	buf     []byte
	payload []byte
	err     error
}

func newDecoder(r io.Reader, size int64) *decoder {
	return &decoder{r: r, size: size}
}

// readHeader checks the segment header. It returns a *corruption for a damaged
// header, an error wrapping ErrUnsupportedVersion for a newer format, or the
// underlying read error.
func (d *decoder) readHeader() error {
	if d.size < headerSize {
		return &corruption{offset: 0, reason: fmt.Sprintf("short header: %d bytes", d.size)}
	}
	var h [headerSize]byte
	if _, err := io.ReadFull(d.r, h[:]); err != nil {
		return d.readError(err, "short header")
	}
	if !bytes.Equal(h[:8], segmentMagic[:]) {
		return &corruption{offset: 0, reason: fmt.Sprintf("bad magic %q", h[:8])}
	}
	if want, got := binary.LittleEndian.Uint32(h[12:]), crc32.Checksum(h[:12], castagnoli); want != got {
		return &corruption{offset: 0, reason: fmt.Sprintf("header crc mismatch: stored %#08x, computed %#08x", want, got)}
	}
	if v := binary.LittleEndian.Uint32(h[8:]); v != formatVersion {
		return fmt.Errorf("%w: version %d, this build reads %d", ErrUnsupportedVersion, v, formatVersion)
	}
	d.off = headerSize
	return nil
}

// Next reads the next record. It returns false at the clean end of the segment
// or at the first damaged frame; Err tells which.
func (d *decoder) Next() bool {
	if d.err != nil {
		return false
	}
	left := d.size - d.off
	if left == 0 {
		return false
	}
	if left < frameHeaderSize {
		return d.fail(fmt.Sprintf("short frame header: %d bytes", left))
	}
	var fh [frameHeaderSize]byte
	if _, err := io.ReadFull(d.r, fh[:]); err != nil {
		d.err = d.readError(err, "short frame header")
		return false
	}
	n := int64(binary.LittleEndian.Uint32(fh[:4]))
	sum := binary.LittleEndian.Uint32(fh[4:])
	switch {
	case n == 0 && sum == 0:
		return d.fail("zero-filled tail")
	case n == 0:
		return d.fail("bad length 0")
	case n > MaxPayloadSize:
		return d.fail(fmt.Sprintf("bad length %d: above the %d-byte limit", n, MaxPayloadSize))
	case n > left-frameHeaderSize:
		return d.fail(fmt.Sprintf("short record: length %d, %d bytes left", n, left-frameHeaderSize))
	}
	if int64(cap(d.buf)) < n {
		d.buf = make([]byte, n)
	}
	p := d.buf[:n]
	if _, err := io.ReadFull(d.r, p); err != nil {
		d.err = d.readError(err, "short record")
		return false
	}
	if got := crc32.Checksum(p, castagnoli); got != sum {
		return d.fail(fmt.Sprintf("crc mismatch: stored %#08x, computed %#08x", sum, got))
	}
	d.payload = p
	d.off += frameHeaderSize + n
	return true
}

// Payload returns the record read by the last successful Next. It is valid
// until the next call to Next.
func (d *decoder) Payload() []byte { return d.payload }

// Offset returns the end of the last good record: where a damaged tail starts.
func (d *decoder) Offset() int64 { return d.off }

// Err returns nil after a clean end, a *corruption for a damaged tail, or the
// read error that stopped the decoder.
func (d *decoder) Err() error { return d.err }

func (d *decoder) fail(reason string) bool {
	d.err = &corruption{offset: d.off, reason: reason}
	d.payload = nil
	return false
}

// readError classifies a read error: running out of bytes before the size the
// caller announced means the file is shorter than expected (damage); anything
// else is a real I/O error.
func (d *decoder) readError(err error, reason string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &corruption{offset: d.off, reason: reason + ": file ended early"}
	}
	return fmt.Errorf("wal: read segment at offset %d: %w", d.off, err)
}
