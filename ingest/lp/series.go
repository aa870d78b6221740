package lp

import (
	"bytes"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/stratadb/strata/storage"
)

// Escape sets: the bytes a backslash escapes in each element. A doubled
// backslash is one backslash, as InfluxDB 3 reads it (1.x and 2.x kept
// both); a backslash before any other byte stays.
const (
	measurementEscapes = ", \\"
	nameEscapes        = ",= \\" // tag keys, tag values, field keys
)

// scanTo returns the index of the first unescaped a or b in s[i:] (len(s) if
// none) and whether a backslash came before it.
func scanTo(s []byte, i int, a, b byte) (int, bool) {
	esc := false
	for i < len(s) {
		c := s[i]
		if c == '\\' {
			esc = true
			i += 2
			continue
		}
		if c == a || c == b {
			return i, esc
		}
		i++
	}
	return len(s), esc
}

// decode appends raw, unescaped with the escape set set, to the scratch
// buffer and returns where it is. A backslash before a byte outside set is
// kept with that byte.
func (p *Parser) decode(raw []byte, esc bool, set string) span {
	off := len(p.scratch)
	if !esc {
		p.scratch = append(p.scratch, raw...)
		return span{off, len(p.scratch)}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\\' && i+1 < len(raw) {
			i++
			if strings.IndexByte(set, raw[i]) < 0 {
				p.scratch = append(p.scratch, c)
			}
			c = raw[i]
		}
		p.scratch = append(p.scratch, c)
	}
	return span{off, len(p.scratch)}
}

func (p *Parser) bytesOf(s span) []byte { return p.scratch[s.off:s.end] }

// parsePrefix parses the series key `measurement[,tag=value...]` of a line
// that missed the series cache and resolves its table, tag columns and
// dictionary codes (marking them in t.rowTag). It returns nil after an error.
func (p *Parser) parsePrefix(start int, prefix []byte) *tableState {
	i, esc := scanTo(prefix, 0, ',', ',')
	if i == 0 {
		p.fail(start, "missing measurement")
		return nil
	}
	name := p.decode(prefix[:i], esc, measurementEscapes)
	var t *tableState
	if idx, ok := p.tableIdx[string(p.bytesOf(name))]; ok {
		t = p.tables[idx]
	} else {
		if err := storage.ValidateName("table", string(p.bytesOf(name))); err != nil {
			p.fail(start, "%v", err)
			return nil
		}
		t = p.spareTable()
		p.newTable = name
	}
	for i < len(prefix) {
		i++ // the comma
		keyStart := i
		j, kesc := scanTo(prefix, i, '=', ',')
		if j == keyStart {
			p.fail(start+keyStart, "empty tag key")
			p.undo(t)
			return nil
		}
		key := p.decode(prefix[keyStart:j], kesc, nameEscapes)
		if j == len(prefix) || prefix[j] != '=' {
			p.fail(start+keyStart, "missing value for tag %q", p.bytesOf(key))
			p.undo(t)
			return nil
		}
		valStart := j + 1
		k, vesc := scanTo(prefix, valStart, ',', ',')
		if k == valStart {
			p.fail(start+valStart, "missing value for tag %q", p.bytesOf(key))
			p.undo(t)
			return nil
		}
		val := p.decode(prefix[valStart:k], vesc, nameEscapes)
		if !p.resolveTag(t, start+keyStart, start+valStart, key, val) {
			p.undo(t)
			return nil
		}
		i = k
	}
	return t
}

// resolveTag checks one tag of a line and records it in p.tags and t.rowTag.
func (p *Parser) resolveTag(t *tableState, keyPos, valPos int, key, val span) bool {
	k, v := p.bytesOf(key), p.bytesOf(val)
	lt := lineTag{col: -1, code: -1, key: key, val: val}
	if col, ok := t.tagIdx[string(k)]; ok {
		if d := t.tagDecl[col]; t.declared && d.OID != 0 {
			if !p.declaredTag(d, &lt, k, valPos) {
				return false
			}
			v = p.bytesOf(lt.val)
		}
		if t.rowTag[col] != -1 {
			return p.fail(keyPos, "duplicate tag %q", k)
		}
		if code, ok := t.dicts[col][string(v)]; ok {
			lt.code = code
		} else if !utf8.Valid(v) {
			return p.fail(valPos, "invalid UTF-8 in value of tag %q", k)
		}
		lt.col = col
		t.rowTag[col] = -2
		if lt.code >= 0 {
			t.rowTag[col] = lt.code
		}
		p.tags = append(p.tags, lt)
		return true
	}
	if col, ok := t.fieldIdx[string(k)]; ok {
		return p.fail(keyPos, "%s", typeConflict(k, t.batch.Fields[col].Type, storage.TypeTag))
	}
	for i := range p.tags {
		if o := &p.tags[i]; o.col < 0 && bytes.Equal(p.bytesOf(o.key), k) {
			return p.fail(keyPos, "duplicate tag %q", k)
		}
	}
	if string(k) == storage.TimeColumn {
		return p.fail(keyPos, "tag key %q is reserved for the timestamp", k)
	}
	if err := storage.ValidateName("column", string(k)); err != nil {
		return p.fail(keyPos, "%v", err)
	}
	e := p.schemaEntry(t, k)
	if e.ok && e.typ != storage.TypeTag {
		return p.fail(keyPos, "%s", typeConflict(k, e.typ, storage.TypeTag))
	}
	if !e.ok && p.opts.Schema != nil && !p.checkKeyed(t, k, keyPos) {
		return false
	}
	if e.decl.OID != 0 && !p.declaredTag(e.decl, &lt, k, valPos) {
		return false
	}
	if !utf8.Valid(v) {
		return p.fail(valPos, "invalid UTF-8 in value of tag %q", k)
	}
	p.tags = append(p.tags, lt)
	return true
}

// declaredTag keeps the value of tag lt (key k) within the column's
// declared type d: too long a value rejects the line, spaces past the
// length are cut.
func (p *Parser) declaredTag(d storage.Declared, lt *lineTag, k []byte, valPos int) bool {
	v := p.bytesOf(lt.val)
	s, err := d.String(unsafe.String(unsafe.SliceData(v), len(v)))
	if err != nil {
		return p.fail(valPos, "tag %q: %v (the column's declared type)", k, err)
	}
	lt.val.end = lt.val.off + len(s)
	return true
}
