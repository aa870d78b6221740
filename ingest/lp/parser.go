package lp

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/stratadb/strata/storage"
)

// Schema reports the columns that already exist: the type of column column
// of table table, or false when there is no such column (or table).
type Schema interface {
	ColumnType(table, column string) (storage.ColumnType, bool)
}

// DeclaredSchema is a Schema that also reports the declared SQL type of a
// column (storage.ColumnMeta.SQLType read by storage.ParseDeclared): a
// line whose value it cannot hold is rejected (an integer column's
// 3000000000i, a varchar(8) tag's longer value), reals are rounded to
// single precision, and spaces past a length cut, as SQL writes do.
type DeclaredSchema interface {
	Schema
	Declared(table, column string) storage.Declared
}

// Options control one Parse.
type Options struct {
	Precision Precision // unit of the timestamps; Auto guesses per timestamp
	Now       int64     // nanoseconds; the timestamp of lines that have none
	Schema    Schema    // existing columns, or nil; asked at most once per (table, column) per Parse
	MaxErrors int       // keep the details of this many rejected lines (0 = all); parsing goes on regardless
}

// Result is the outcome of one Parse.
type Result struct {
	Tables     []*storage.TableBatch // one per table, in order of first accepted line
	Lines      int                   // data lines seen (blank lines and comments excluded)
	Rows       int                   // lines accepted; Rows + ErrorCount == Lines
	Errors     []*LineError          // the first MaxErrors rejected lines
	ErrorCount int                   // all rejected lines
}

// span is a range of Parser.scratch (or of the input, where said).
type span struct{ off, end int }

// lineTag is a tag of the current line, resolved but not yet applied.
type lineTag struct {
	col  int32 // tag column, or -1 when the line creates it
	code int32 // dictionary code, or -1 when the line adds the value
	key  span  // decoded key, in scratch
	val  span  // decoded value, in scratch
}

// lineField is a field of the current line, parsed but not yet applied.
type lineField struct {
	col    int32 // field column, or -1 when the line creates it
	typ    storage.ColumnType
	bits   uint64 // int64, uint64 or float64 bits, or 0/1
	str    span   // string value: in the input, or in scratch when strEsc
	strEsc bool
	key    span // decoded key, in scratch (col == -1 or slow path)
	raw    span // escaped key, in the input
}

// seriesEntry is a cached series key: its table and (tag column, code) pairs.
type seriesEntry struct {
	table  int32
	off, n int32 // pairs at seriesArena[off : off+2n]
}

type schemaEntry struct {
	typ  storage.ColumnType
	ok   bool
	decl storage.Declared
}

// Parser turns line protocol into column batches. The zero value is ready to
// use; reuse it across requests (one goroutine at a time).
type Parser struct {
	data   []byte
	opts   Options
	res    *Result
	detail bool // format the reason of this line's error

	tables   []*tableState
	tableIdx map[string]int32
	free     []*tableState
	spare    *tableState // state for a table the current line would create

	series      map[string]int32 // raw series key → index in seriesInfo
	seriesInfo  []seriesEntry
	seriesArena []int32
	schema      map[string]schemaEntry // uvarint(len(table)) table column → answer
	notNull     NotNullSchema          // Options.Schema when it is one
	keyBuf      []byte

	// Per-line state.
	lineStart int   // where the (first physical) line starts
	hit       int32 // series entry of the line, or -1
	newTable  span  // decoded name when t == spare
	extraNL   int   // newlines inside string values
	orderOK   bool  // the fields came in t.order
	scratch   []byte
	tags      []lineTag
	fields    []lineField
	errPos    int // where the problem is
	errEnd    int // the line end is searched from here
	errMsg    string
}

// Parse parses a line-protocol body. Rejected lines are reported in the
// Result; every other line becomes a row. The returned batches belong to the
// caller.
func (p *Parser) Parse(data []byte, opts Options) *Result {
	p.begin(data, opts)
	res := p.res
	lineNo, pos, lineStart := 1, 0, 0
	for pos < len(data) {
		switch data[pos] {
		case ' ', '\t', '\r':
			pos++
			continue
		case '\n':
			pos++
			lineNo++
			lineStart = pos
			continue
		case '#':
			if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
				pos += i
			} else {
				pos = len(data)
			}
			continue
		}
		res.Lines++
		p.lineStart = lineStart
		p.detail = opts.MaxErrors <= 0 || len(res.Errors) < opts.MaxErrors
		if end, ok := p.parseLine(pos); ok {
			res.Rows++
			lineNo += p.extraNL
			pos = end
			continue
		}
		res.ErrorCount++
		n, _ := lineEnd(data[p.errEnd:])
		end := p.errEnd + n
		if p.detail {
			res.Errors = append(res.Errors, &LineError{
				Line:   lineNo,
				Column: p.errPos - lineStart + 1,
				Reason: p.errMsg,
				Text:   string(bytes.TrimSuffix(data[lineStart:end], []byte{'\r'})),
			})
		}
		lineNo += bytes.Count(data[lineStart:end], []byte{'\n'})
		pos = end
	}
	p.data = nil
	p.res = nil
	p.opts = Options{}
	p.notNull = nil
	return res
}

// begin resets the parser for a new body.
func (p *Parser) begin(data []byte, opts Options) {
	p.data = data
	p.opts = opts
	p.res = &Result{}
	p.notNull, _ = opts.Schema.(NotNullSchema)
	if p.tableIdx == nil {
		p.tableIdx = make(map[string]int32)
		p.series = make(map[string]int32)
		p.schema = make(map[string]schemaEntry)
	}
	for _, t := range p.tables {
		t.reset()
		p.free = append(p.free, t)
	}
	clear(p.tables)
	p.tables = p.tables[:0]
	clear(p.tableIdx)
	clear(p.series)
	clear(p.schema)
	p.seriesInfo = p.seriesInfo[:0]
	p.seriesArena = p.seriesArena[:0]
}

// spareTable returns the state a line uses for a table that does not exist yet.
func (p *Parser) spareTable() *tableState {
	if p.spare == nil {
		if n := len(p.free); n > 0 {
			p.spare = p.free[n-1]
			p.free = p.free[:n-1]
		} else {
			p.spare = &tableState{}
			p.spare.reset()
		}
	}
	return p.spare
}

// fail records the current line's error at pos; the line's end is searched
// from pos. It returns false.
func (p *Parser) fail(pos int, format string, args ...any) bool {
	return p.failAt(pos, pos, format, args...)
}

// failAt is fail for an error found after the scan went past pos (a string
// value that spans lines): the line's end is searched from end.
func (p *Parser) failAt(pos, end int, format string, args ...any) bool {
	p.errPos, p.errEnd = pos, max(pos, end)
	if p.detail {
		p.errMsg = fmt.Sprintf(format, args...)
	}
	return false
}

// parseLine parses the line that starts at start and, when it is valid,
// appends its row. It returns the position of the line's end.
func (p *Parser) parseLine(start int) (int, bool) {
	data := p.data
	p.extraNL = 0
	p.scratch = p.scratch[:0]
	p.tags = p.tags[:0]
	p.fields = p.fields[:0]
	p.hit = -1

	rest := data[start:]
	nl, escapedNL := lineEnd(rest)
	sp := prefixEnd(rest[:nl])
	if sp > 0 && escapedNL {
		// Newlines escaped in the series key are in the line.
		p.extraNL += bytes.Count(rest[:sp], []byte{'\n'})
	}
	if sp < 0 {
		return 0, p.noFields(start, rest[:nl])
	}
	prefix := rest[:sp]

	var t *tableState
	if e, ok := p.series[string(prefix)]; ok {
		p.hit = e
		se := p.seriesInfo[e]
		t = p.tables[se.table]
		pairs := p.seriesArena[se.off : se.off+2*se.n]
		for i := 0; i+1 < len(pairs); i += 2 {
			t.rowTag[pairs[i]] = pairs[i+1]
		}
	} else if t = p.parsePrefix(start, prefix); t == nil {
		return 0, false
	}

	pos := start + sp + 1
	for pos < len(data) && data[pos] == ' ' {
		pos++
	}
	fieldsAt := pos
	pos, ok := p.parseFields(t, pos)
	var ts int64
	if ok {
		ts, pos, ok = p.parseTimestamp(pos)
	}
	if ok && p.notNull != nil {
		ok = p.checkNotNull(t, fieldsAt, pos)
	}
	if !ok {
		p.undo(t)
		return 0, false
	}
	p.commit(t, prefix, ts, pos)
	return pos, true
}

// lineEnd is the index of the newline that ends the line s starts (len(s)
// when none) and whether the line holds an escaped one: a newline after an odd run of backslashes is escaped and
// part of the line, as InfluxDB 3 reads it (m,path=C:\<LF>b f=1 is one
// line, not a bad line and then a row of table b). Newlines inside string
// values are the field parser's.
func lineEnd(s []byte) (end int, escaped bool) {
	off := 0
	for {
		i := bytes.IndexByte(s[off:], '\n')
		if i < 0 {
			return len(s), escaped
		}
		i += off
		k := i
		for k > 0 && s[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i, escaped
		}
		off, escaped = i+1, true
	}
}

// noFields reports a line without an unescaped space.
func (p *Parser) noFields(start int, line []byte) bool {
	line = bytes.TrimRight(line, "\r")
	n := 0
	for n < len(line) && line[len(line)-1-n] == '\\' {
		n++
	}
	switch {
	case n%2 == 1:
		return p.fail(start+len(line)-1, "backslash at end of line")
	case line[0] == ',':
		return p.fail(start, "missing measurement")
	}
	return p.fail(start+len(line), "missing fields: expected a space and at least one field=value")
}

// prefixEnd returns the index of the first unescaped space in line (the end
// of the series key), or -1. A backslash escapes the byte after it, so a
// space is escaped when an odd run of backslashes precedes it.
func prefixEnd(line []byte) int {
	off := 0
	for {
		i := bytes.IndexByte(line[off:], ' ')
		if i < 0 {
			return -1
		}
		i += off
		k := i
		for k > 0 && line[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i
		}
		off = i + 1
	}
}

// undo clears the per-line marks the current line left in t.
func (p *Parser) undo(t *tableState) {
	if p.hit >= 0 {
		se := p.seriesInfo[p.hit]
		pairs := p.seriesArena[se.off : se.off+2*se.n]
		for i := 0; i+1 < len(pairs); i += 2 {
			t.rowTag[pairs[i]] = -1
		}
	}
	for i := range p.tags {
		if c := p.tags[i].col; c >= 0 {
			t.rowTag[c] = -1
		}
	}
	for i := range p.fields {
		if c := p.fields[i].col; c >= 0 {
			t.rowField[c] = -1
		}
	}
}

// schemaType asks Options.Schema, once per Parse, for column col of t.
func (p *Parser) schemaType(t *tableState, col []byte) (storage.ColumnType, bool) {
	e := p.schemaEntry(t, col)
	return e.typ, e.ok
}

// schemaEntry is what Options.Schema says of column col of t, asked once
// per Parse.
func (p *Parser) schemaEntry(t *tableState, col []byte) schemaEntry {
	if p.opts.Schema == nil {
		return schemaEntry{}
	}
	k := p.keyBuf[:0]
	var tbl []byte
	if t == p.spare {
		tbl = p.scratch[p.newTable.off:p.newTable.end]
		k = binary.AppendUvarint(k, uint64(len(tbl)))
		k = append(k, tbl...)
	} else {
		k = binary.AppendUvarint(k, uint64(len(t.batch.Table)))
		k = append(k, t.batch.Table...)
	}
	k = append(k, col...)
	p.keyBuf = k
	if e, ok := p.schema[string(k)]; ok {
		return e
	}
	table := t.batch.Table
	if t == p.spare {
		table = string(tbl)
	}
	e := schemaEntry{}
	e.typ, e.ok = p.opts.Schema.ColumnType(table, string(col))
	if ds, isDS := p.opts.Schema.(DeclaredSchema); isDS && e.ok {
		e.decl = ds.Declared(table, string(col))
	}
	p.schema[string(k)] = e
	return e
}

// commit applies the current, fully checked line, which ends at end, to t:
// it creates the table, columns and dictionary values the line introduces and
// appends the row.
func (p *Parser) commit(t *tableState, prefix []byte, ts int64, end int) {
	b := t.batch
	if b.Rows == t.capRows {
		t.grow(p.estimateRows(b.Rows, end))
	}
	if t == p.spare {
		b.Table = string(p.scratch[p.newTable.off:p.newTable.end])
		p.tableIdx[b.Table] = int32(len(p.tables))
		p.tables = append(p.tables, t)
		p.res.Tables = append(p.res.Tables, b)
		p.spare = nil
	}
	if p.hit < 0 {
		off := len(p.seriesArena)
		for i := range p.tags {
			lt := &p.tags[i]
			col := lt.col
			if col < 0 {
				key := p.scratch[lt.key.off:lt.key.end]
				col = t.addTag(string(key), p.schemaEntry(t, key).decl)
			}
			code := lt.code
			if code < 0 {
				code = t.addDictValue(col, string(p.scratch[lt.val.off:lt.val.end]))
			}
			t.rowTag[col] = code
			p.seriesArena = append(p.seriesArena, col, code)
		}
		p.series[string(prefix)] = int32(len(p.seriesInfo))
		p.seriesInfo = append(p.seriesInfo, seriesEntry{
			table: p.tableIdx[b.Table], off: int32(off), n: int32(len(p.tags)),
		})
	}
	for i := range p.fields {
		f := &p.fields[i]
		if f.col < 0 {
			key := p.scratch[f.key.off:f.key.end]
			f.col = t.addField(string(key), string(p.data[f.raw.off:f.raw.end]), f.typ, p.schemaEntry(t, key).decl)
			t.rowField[f.col] = int32(i)
		}
	}
	if !p.orderOK {
		t.order = t.order[:0]
		for i := range p.fields {
			t.order = append(t.order, p.fields[i].col)
		}
	}

	row := b.Rows
	for i := range b.Tags {
		c := &b.Tags[i]
		c.Codes = append(c.Codes, t.rowTag[i])
		t.rowTag[i] = -1
	}
	for i := range b.Fields {
		c := &b.Fields[i]
		fi := t.rowField[i]
		if fi < 0 {
			appendNull(c, row, t.capRows)
			continue
		}
		t.rowField[i] = -1
		f := &p.fields[fi]
		var str []byte
		if f.typ == storage.TypeString {
			str = p.strBytes(f)
		}
		appendValue(c, row, f, str)
	}
	b.Time = append(b.Time, ts)
	b.Rows++
}

// estimateRows returns the capacity for a table that has rows rows when the
// parse has reached end: its row count extrapolated to the whole body plus a
// little, at least 25% more than now. A new table gets at most 1024 rows, as
// other tables may share the body.
func (p *Parser) estimateRows(rows, end int) int {
	end = max(end, 1)
	if rows == 0 {
		return min(max(len(p.data)/end, 16), 1024)
	}
	est := int(int64(rows) * int64(len(p.data)) / int64(end))
	return max(est+est/32+16, rows+rows/4+16)
}

// strBytes returns the decoded string value of f.
func (p *Parser) strBytes(f *lineField) []byte {
	if f.strEsc {
		return p.scratch[f.str.off:f.str.end]
	}
	return p.data[f.str.off:f.str.end]
}
