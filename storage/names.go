package storage

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxNameLen bounds database, table and column names (bytes).
const MaxNameLen = 255

// ValidateName checks a database, table or column name. kind names the thing
// in the error ("database", "table", "column").
func ValidateName(kind, name string) error {
	if name == "" {
		return &Error{Code: CodeInvalidName, Msg: fmt.Sprintf("%s name is empty", kind)}
	}
	if len(name) > MaxNameLen {
		return &Error{Code: CodeInvalidName, Msg: fmt.Sprintf("%s name %.40q... is %d bytes long; the limit is %d", kind, name, len(name), MaxNameLen)}
	}
	if !utf8.ValidString(name) {
		return &Error{Code: CodeInvalidName, Msg: fmt.Sprintf("%s name %q is not valid UTF-8", kind, name)}
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return &Error{Code: CodeInvalidName, Msg: fmt.Sprintf("%s name %q contains a control character", kind, name)}
		}
	}
	return nil
}

// ValidateDatabaseName checks a database name. Any printable name up to
// MaxNameLen bytes works, as for tables: InfluxDB 3 Core's 64-byte cap is one
// its users ask to lift (influxdb#26969), and v1 writes name "db/rp".
func ValidateDatabaseName(name string) error { return ValidateName("database", name) }

// pathSegment encodes a validated name as one path segment that is safe on
// every file system and object store: [A-Za-z0-9_-] stay, every other byte
// becomes %XX. The result is never "", "." or "..", and distinct names give
// distinct segments. Names never reach a path any other way.
func pathSegment(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
