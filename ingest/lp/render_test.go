package lp

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/stratadb/strata/storage"
)

// render writes a readable text form of a parse result: counts, each batch
// (columns with types, dictionaries, rows) and each error.
func render(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "lines %d, rows %d, rejected %d\n", res.Lines, res.Rows, res.ErrorCount)
	for _, t := range res.Tables {
		fmt.Fprintf(&b, "\ntable %q: %d rows\n", t.Table, t.Rows)
		for i := range t.Tags {
			c := &t.Tags[i]
			fmt.Fprintf(&b, "  tag %q dict %q\n", c.Name, c.Dict)
		}
		for i := range t.Fields {
			c := &t.Fields[i]
			fmt.Fprintf(&b, "  field %q %s, %d nulls\n", c.Name, c.Type, c.Nulls)
		}
		if err := t.Validate(); err != nil {
			fmt.Fprintf(&b, "  INVALID: %v\n", err)
		}
		for r := 0; r < t.Rows; r++ {
			fmt.Fprintf(&b, "  row %d: time=%d", r, t.Time[r])
			for i := range t.Tags {
				c := &t.Tags[i]
				if code := c.Codes[r]; code < 0 {
					fmt.Fprintf(&b, " %s=null", c.Name)
				} else {
					fmt.Fprintf(&b, " %s=%q", c.Name, c.Dict[code])
				}
			}
			for i := range t.Fields {
				c := &t.Fields[i]
				fmt.Fprintf(&b, " %s=%s", c.Name, fieldText(c, r))
			}
			b.WriteByte('\n')
		}
	}
	if len(res.Errors) > 0 {
		b.WriteByte('\n')
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "error %v\n  text: %q\n", e, e.Text)
	}
	return b.String()
}

// fieldText renders row r of c as line protocol would write it, or null.
func fieldText(c *storage.FieldColumn, r int) string {
	if !c.IsValid(r) {
		return "null"
	}
	switch c.Type {
	case storage.TypeFloat:
		return strconv.FormatFloat(c.Floats[r], 'g', -1, 64)
	case storage.TypeInt:
		return strconv.FormatInt(c.Ints[r], 10) + "i"
	case storage.TypeUint:
		return strconv.FormatUint(c.Uints[r], 10) + "u"
	case storage.TypeString:
		return strconv.Quote(string(c.Data[c.Offsets[r]:c.Offsets[r+1]]))
	case storage.TypeBool:
		return strconv.FormatBool(c.Bools[r>>3]&(1<<(uint(r)&7)) != 0)
	}
	return "?"
}

// encode writes the rows of batches back as line protocol (nanosecond
// timestamps), table by table.
func encode(batches []*storage.TableBatch) []byte {
	var b bytes.Buffer
	for _, t := range batches {
		for r := 0; r < t.Rows; r++ {
			b.WriteString(escape(t.Table, measurementEscapes))
			for i := range t.Tags {
				c := &t.Tags[i]
				if code := c.Codes[r]; code >= 0 {
					fmt.Fprintf(&b, ",%s=%s", escape(c.Name, nameEscapes), escape(c.Dict[code], nameEscapes))
				}
			}
			sep := byte(' ')
			for i := range t.Fields {
				c := &t.Fields[i]
				if !c.IsValid(r) {
					continue
				}
				b.WriteByte(sep)
				sep = ','
				b.WriteString(escape(c.Name, nameEscapes))
				b.WriteByte('=')
				if c.Type == storage.TypeString {
					s := string(c.Data[c.Offsets[r]:c.Offsets[r+1]])
					s = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
					b.WriteString(`"` + s + `"`)
				} else {
					b.WriteString(fieldText(c, r))
				}
			}
			fmt.Fprintf(&b, " %d\n", t.Time[r])
		}
	}
	return b.Bytes()
}

// escape backslash-escapes the bytes of set in s; other bytes stay, which
// the parser reads back unchanged. A backslash before a newline (an
// escaped newline, kept as both bytes) is written as it is.
func escape(s, set string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) >= 0 && !(s[i] == '\\' && i+1 < len(s) && s[i+1] == '\n') {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
