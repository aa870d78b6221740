package lp

import (
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/stratadb/strata/storage"
)

// isValueEnd reports whether a field value may end at data[i].
func isValueEnd(data []byte, i int) bool {
	if i >= len(data) {
		return true
	}
	switch data[i] {
	case ',', ' ', '\n', '\r', '\t':
		return true
	}
	return false
}

// tokenEnd returns where the value token starting at i ends.
func tokenEnd(data []byte, i int) int {
	for !isValueEnd(data, i) {
		i++
	}
	return i
}

// parseFields parses `key=value[,key=value...]` starting at pos and records
// the fields in p.fields and t.rowField. It returns the position after the
// last value.
func (p *Parser) parseFields(t *tableState, pos int) (int, bool) {
	data := p.data
	if pos >= len(data) || data[pos] == '\n' || data[pos] == '\r' || data[pos] == '\t' {
		return 0, p.fail(pos, "missing fields: expected at least one field=value")
	}
	p.orderOK = true
	for i := 0; ; i++ {
		keyStart := pos
		// The field is parsed in place at p.fields[n] and dropped on error.
		n := len(p.fields)
		if n < cap(p.fields) {
			p.fields = p.fields[:n+1]
			p.fields[n] = lineField{col: -1}
		} else {
			p.fields = append(p.fields, lineField{col: -1})
		}
		f := &p.fields[n]
		keyEnd := -1
		// Fast path: the line repeats the field order of the table's last line.
		if i < len(t.order) {
			c := t.order[i]
			raw := t.fieldRaw[c]
			if e := pos + len(raw); e < len(data) && data[e] == '=' && string(data[pos:e]) == raw {
				f.col, keyEnd = c, e
			}
		}
		if keyEnd < 0 {
			p.orderOK = false
			end, esc, ok := p.scanFieldKey(pos)
			if !ok {
				p.fields = p.fields[:n]
				return 0, false
			}
			keyEnd = end
			f.raw = span{pos, end}
			f.key = p.decode(data[pos:end], esc, nameEscapes)
			if c, ok := t.fieldIdx[string(p.bytesOf(f.key))]; ok {
				f.col = c
			}
		}
		var ok bool
		if pos, ok = p.parseValue(t, keyEnd+1, f); !ok {
			p.fields = p.fields[:n]
			return 0, false
		}
		if !p.checkField(t, keyStart, pos, n) {
			p.fields = p.fields[:n]
			return 0, false
		}
		if pos < len(data) && data[pos] == ',' {
			pos++
			continue
		}
		if len(p.fields) != len(t.order) {
			p.orderOK = false
		}
		return pos, true
	}
}

// fieldName returns the decoded name of the field f of t.
func (p *Parser) fieldName(t *tableState, f *lineField) []byte {
	if f.key.end > f.key.off || f.col < 0 {
		return p.bytesOf(f.key)
	}
	return []byte(t.batch.Fields[f.col].Name)
}

// checkField checks the parsed field p.fields[n] against the table and the
// earlier fields and tags of the line, and marks it in t.rowField. keyPos is
// where its key starts, end where its value ends.
func (p *Parser) checkField(t *tableState, keyPos, end, n int) bool {
	f := &p.fields[n]
	if col := f.col; col >= 0 {
		c := &t.batch.Fields[col]
		if t.rowField[col] >= 0 {
			return p.failAt(keyPos, end, "duplicate field %q", c.Name)
		}
		if c.Type != f.typ {
			return p.failAt(keyPos, end, "%s", typeConflict([]byte(c.Name), c.Type, f.typ))
		}
		if t.declared && t.fieldDecl[col].OID != 0 && !p.declaredField(t.fieldDecl[col], f, c.Name, keyPos, end) {
			return false
		}
		if f.typ == storage.TypeString && len(c.Data)+(f.str.end-f.str.off) > math.MaxInt32 {
			return p.failAt(keyPos, end, "string column %q of this request is over 2 GiB", c.Name)
		}
		t.rowField[col] = int32(n)
		return true
	}
	k := p.bytesOf(f.key)
	if string(k) == storage.TimeColumn {
		return p.failAt(keyPos, end, "field key %q is reserved for the timestamp", k)
	}
	if err := storage.ValidateName("column", string(k)); err != nil {
		return p.failAt(keyPos, end, "%v", err)
	}
	if _, ok := t.tagIdx[string(k)]; ok {
		return p.failAt(keyPos, end, "%s", typeConflict(k, storage.TypeTag, f.typ))
	}
	for i := range p.tags {
		if o := &p.tags[i]; o.col < 0 && string(p.bytesOf(o.key)) == string(k) {
			return p.failAt(keyPos, end, "%q is both a tag and a field", k)
		}
	}
	for i := range p.fields[:n] {
		if o := &p.fields[i]; o.col < 0 && string(p.bytesOf(o.key)) == string(k) {
			return p.failAt(keyPos, end, "duplicate field %q", k)
		}
	}
	if e := p.schemaEntry(t, k); e.ok {
		if e.typ != f.typ {
			return p.failAt(keyPos, end, "%s", typeConflict(k, e.typ, f.typ))
		}
		if e.decl.OID != 0 {
			return p.declaredField(e.decl, f, string(k), keyPos, end)
		}
	}
	return true
}

// declaredField keeps field f of column name within the column's declared
// type d: a value it cannot hold rejects the line; a real is rounded, a
// string's spaces past the length cut.
func (p *Parser) declaredField(d storage.Declared, f *lineField, name string, keyPos, end int) bool {
	var err error
	switch f.typ {
	case storage.TypeInt:
		err = d.Int(int64(f.bits))
	case storage.TypeFloat:
		var r float64
		if r, err = d.Float(math.Float64frombits(f.bits)); err == nil {
			f.bits = math.Float64bits(r)
		}
	case storage.TypeString:
		var s string
		b := p.strBytes(f)
		if s, err = d.String(unsafe.String(unsafe.SliceData(b), len(b))); err == nil {
			f.str.end = f.str.off + len(s)
		}
	}
	if err != nil {
		return p.failAt(keyPos, end, "field %q: %v (the column's declared type)", name, err)
	}
	return true
}

// scanFieldKey returns the end (the '=') of the field key starting at pos.
func (p *Parser) scanFieldKey(pos int) (int, bool, bool) {
	data := p.data
	esc := false
	for i := pos; ; i++ {
		if i >= len(data) {
			return 0, false, p.fail(pos, "missing value for field %q", data[pos:i])
		}
		switch data[i] {
		case '\\':
			if i+1 >= len(data) || data[i+1] == '\n' {
				return 0, false, p.fail(i, "backslash at end of line")
			}
			esc = true
			i++
		case '=':
			if i == pos {
				return 0, false, p.fail(pos, "empty field key")
			}
			return i, esc, true
		case ',', ' ', '\n', '\r', '\t':
			if i == pos {
				return 0, false, p.fail(pos, "empty field key")
			}
			return 0, false, p.fail(pos, "missing value for field %q", data[pos:i])
		}
	}
}

// parseValue parses the field value at pos into f and returns its end.
func (p *Parser) parseValue(t *tableState, pos int, f *lineField) (int, bool) {
	data := p.data
	if isValueEnd(data, pos) {
		return 0, p.fail(pos, "missing value for field %q", p.fieldName(t, f))
	}
	switch c := data[pos]; {
	case c >= '0' && c <= '9' || c == '-' || c == '.':
		return p.parseNumber(t, pos, f)
	case c == '"':
		return p.parseString(t, pos, f)
	case c == 't' || c == 'T' || c == 'f' || c == 'F':
		end := tokenEnd(data, pos)
		switch string(data[pos:end]) {
		case "t", "T", "true", "True", "TRUE":
			f.typ, f.bits = storage.TypeBool, 1
			return end, true
		case "f", "F", "false", "False", "FALSE":
			f.typ, f.bits = storage.TypeBool, 0
			return end, true
		}
		return 0, p.fail(pos, "invalid boolean value %q for field %q", data[pos:end], p.fieldName(t, f))
	}
	return 0, p.fail(pos, "invalid value %q for field %q", data[pos:tokenEnd(data, pos)], p.fieldName(t, f))
}

// parseNumber parses a float (`-1.5e3`), integer (`-12i`) or unsigned
// integer (`12u`) value.
func (p *Parser) parseNumber(t *tableState, start int, f *lineField) (int, bool) {
	data := p.data
	pos := start
	neg := data[pos] == '-'
	if neg {
		pos++
	}
	var u uint64
	overflow := false
	digits := pos
	for pos < len(data) {
		d := data[pos] - '0'
		if d > 9 {
			break
		}
		if u > math.MaxUint64/10 || u == math.MaxUint64/10 && d > math.MaxUint64%10 {
			overflow = true
		} else {
			u = u*10 + uint64(d)
		}
		pos++
	}
	nInt := pos - digits
	if pos < len(data) && (data[pos] == 'i' || data[pos] == 'u') && nInt > 0 && isValueEnd(data, pos+1) {
		if data[pos] == 'i' {
			if overflow || u > math.MaxInt64+uint64(b2i(neg)) {
				return 0, p.fail(start, "integer value %q for field %q is out of range", data[start:pos+1], p.fieldName(t, f))
			}
			v := int64(u)
			if neg {
				v = -v
			}
			f.typ, f.bits = storage.TypeInt, uint64(v)
			return pos + 1, true
		}
		if neg {
			return p.badNumber(t, start, f)
		}
		if overflow {
			return 0, p.fail(start, "unsigned integer value %q for field %q is out of range", data[start:pos+1], p.fieldName(t, f))
		}
		f.typ, f.bits = storage.TypeUint, u
		return pos + 1, true
	}
	// A float: digits [. digits] [e [+-] digits], with at least one mantissa digit.
	simple := true
	nFrac := 0
	if pos < len(data) && data[pos] == '.' {
		pos++
		for pos < len(data) && data[pos]-'0' <= 9 {
			pos++
			nFrac++
		}
		simple = false
	}
	if nInt+nFrac == 0 {
		return p.badNumber(t, start, f)
	}
	if pos < len(data) && (data[pos] == 'e' || data[pos] == 'E') {
		pos++
		if pos < len(data) && (data[pos] == '+' || data[pos] == '-') {
			pos++
		}
		nExp := 0
		for pos < len(data) && data[pos]-'0' <= 9 {
			pos++
			nExp++
		}
		if nExp == 0 {
			return p.badNumber(t, start, f)
		}
		simple = false
	}
	if !isValueEnd(data, pos) {
		return p.badNumber(t, start, f)
	}
	if simple && !overflow && u <= 1<<53 {
		v := float64(u) // exact
		if neg {
			v = -v
		}
		f.typ, f.bits = storage.TypeFloat, math.Float64bits(v)
		return pos, true
	}
	tok := data[start:pos]
	v, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(tok), len(tok)), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, p.fail(start, "float value %q for field %q is out of range", tok, p.fieldName(t, f))
	}
	f.typ, f.bits = storage.TypeFloat, math.Float64bits(v)
	return pos, true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// badNumber reports the malformed number at start, naming the type its suffix asks for.
func (p *Parser) badNumber(t *tableState, start int, f *lineField) (int, bool) {
	data := p.data
	tok := data[start:tokenEnd(data, start)]
	kind := "float"
	switch tok[len(tok)-1] {
	case 'i':
		kind = "integer"
	case 'u':
		kind = "unsigned integer"
	}
	return 0, p.fail(start, "invalid %s value %q for field %q", kind, tok, p.fieldName(t, f))
}

// parseString parses a double-quoted string value. It may span lines; `\"`
// and `\\` are its only escapes.
func (p *Parser) parseString(t *tableState, quote int, f *lineField) (int, bool) {
	data := p.data
	pos := quote + 1
	esc := false
	nl := 0
	for pos < len(data) {
		c := data[pos]
		if c == '"' {
			break
		}
		if c == '\\' && pos+1 < len(data) && (data[pos+1] == '"' || data[pos+1] == '\\') {
			esc = true
			pos += 2
			continue
		}
		if c == '\n' {
			nl++
		}
		pos++
	}
	if pos >= len(data) {
		return 0, p.fail(quote, "unterminated string value for field %q", p.fieldName(t, f))
	}
	raw := data[quote+1 : pos]
	pos++ // closing quote
	if !utf8.Valid(raw) {
		return 0, p.failAt(quote, pos, "invalid UTF-8 in string value of field %q", p.fieldName(t, f))
	}
	if !isValueEnd(data, pos) {
		return 0, p.failAt(pos, pos, "unexpected %q after string value of field %q", data[pos:tokenEnd(data, pos)], p.fieldName(t, f))
	}
	f.typ = storage.TypeString
	if esc {
		off := len(p.scratch)
		for i := 0; i < len(raw); i++ {
			if raw[i] == '\\' && i+1 < len(raw) && (raw[i+1] == '"' || raw[i+1] == '\\') {
				i++
			}
			p.scratch = append(p.scratch, raw[i])
		}
		f.str, f.strEsc = span{off, len(p.scratch)}, true
	} else {
		f.str = span{quote + 1, pos - 1}
	}
	p.extraNL += nl
	return pos, true
}

// parseTimestamp parses the optional timestamp at pos and the end of the line.
func (p *Parser) parseTimestamp(pos int) (int64, int, bool) {
	data := p.data
	ts := p.opts.Precision.Truncate(p.opts.Now)
	if pos < len(data) && data[pos] == ' ' {
		for pos < len(data) && data[pos] == ' ' {
			pos++
		}
		if !isValueEnd(data, pos) {
			v, end, ok := p.timestamp(pos)
			if !ok {
				return 0, 0, false
			}
			ts, pos = v, end
		}
	}
	for pos < len(data) && (data[pos] == ' ' || data[pos] == '\t' || data[pos] == '\r') {
		pos++
	}
	if pos < len(data) && data[pos] != '\n' {
		end := pos
		for end < len(data) && data[end] != '\n' && data[end] != '\r' {
			end++
		}
		return 0, 0, p.fail(pos, "unexpected %q at end of line", data[pos:end])
	}
	return ts, pos, true
}

// timestamp parses and scales the timestamp at start.
func (p *Parser) timestamp(start int) (int64, int, bool) {
	data := p.data
	pos := start
	neg := data[pos] == '-'
	if neg {
		pos++
	}
	digits := pos
	var u uint64
	overflow := false
	for pos < len(data) {
		d := data[pos] - '0'
		if d > 9 {
			break
		}
		if u > math.MaxUint64/10 || u == math.MaxUint64/10 && d > math.MaxUint64%10 {
			overflow = true
		} else {
			u = u*10 + uint64(d)
		}
		pos++
	}
	end := pos
	for end < len(data) && data[end] != ' ' && data[end] != '\t' && data[end] != '\r' && data[end] != '\n' {
		end++
	}
	if pos == digits || end != pos {
		return 0, 0, p.fail(start, "invalid timestamp %q", data[start:end])
	}
	if overflow || u > math.MaxInt64+uint64(b2i(neg)) {
		return 0, 0, p.fail(start, "timestamp %q is out of range", data[start:end])
	}
	v := int64(u)
	if neg {
		v = -v
	}
	ns, ok := p.opts.Precision.Scale(v)
	if !ok {
		return 0, 0, p.fail(start, "timestamp %d %s is out of range", v, p.opts.Precision.unit(v))
	}
	if ns == math.MaxInt64 {
		// SQL's 'infinity' (and the storage's ranges end before it).
		return 0, 0, p.fail(start, "timestamp %q is out of range: the latest time is 2262-04-11T23:47:16.854775806Z (9223372036854775806 ns)", data[start:end])
	}
	if ns < math.MinInt64+2 {
		// SQL's '-infinity', and the one after it, as InfluxDB's bound.
		return 0, 0, p.fail(start, "timestamp %q is out of range: the earliest time is 1677-09-21T00:12:43.145224194Z (-9223372036854775806 ns)", data[start:end])
	}
	return ns, pos, true
}
