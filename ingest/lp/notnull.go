package lp

import "github.com/stratadb/strata/storage"

// NotNullSchema is a Schema that also reports a table's NOT NULL columns
// other than time (storage.ColumnMeta.NotNull): a line that gives one of
// them no value is rejected, as storage would refuse the whole write.
type NotNullSchema interface {
	Schema
	NotNull(table string) []string
}

// KeyedSchema is a Schema that also reports a table's declared key
// (storage.Engine.KeyText, "" for none): a line that would add a tag to
// such a table is rejected, as storage would refuse the whole write.
type KeyedSchema interface {
	Schema
	KeyText(table string) string
}

// checkKeyed rejects the current line of t when t's table has a declared
// key and the line's tag k, at keyPos, is new to it. It runs only for a tag
// the table's stored schema lacks.
func (p *Parser) checkKeyed(t *tableState, k []byte, keyPos int) bool {
	ks, ok := p.opts.Schema.(KeyedSchema)
	if !ok {
		return true
	}
	table := p.tableName(t)
	if key := ks.KeyText(table); key != "" {
		return p.fail(keyPos, "%s", storage.KeyedTagMessage(table, string(k), key))
	}
	return true
}

// tableName is the name of t's table: the current line's when t is the
// spare state, which has no batch name yet.
func (p *Parser) tableName(t *tableState) string {
	if t == p.spare {
		return string(p.bytesOf(p.newTable))
	}
	return t.batch.Table
}

// checkNotNull rejects the current line of t, whose fields start at pos
// and which ends at end, when it leaves out one of the table's NOT NULL
// columns. The schema is asked once per table per Parse (on each line of
// a table the parse has no row of yet: the spare state serves whichever
// table comes next).
func (p *Parser) checkNotNull(t *tableState, pos, end int) bool {
	ns := p.notNull
	if ns == nil {
		return true
	}
	table := p.tableName(t)
	if t == p.spare || !t.notNullKnown {
		t.notNull, t.notNullKnown = ns.NotNull(table), true
	}
	for _, name := range t.notNull {
		if !p.lineHas(t, name) {
			return p.failAt(pos, end, "column %q of table %q is NOT NULL and the line gives it no value", name, table)
		}
	}
	return true
}

// lineHas reports whether the current line of t gives column name a value.
func (p *Parser) lineHas(t *tableState, name string) bool {
	if c, ok := t.tagIdx[name]; ok {
		return t.rowTag[c] != -1
	}
	if c, ok := t.fieldIdx[name]; ok {
		return t.rowField[c] >= 0
	}
	for i := range p.tags { // columns the line adds to t
		if lt := &p.tags[i]; lt.col < 0 && string(p.bytesOf(lt.key)) == name {
			return true
		}
	}
	for i := range p.fields {
		if f := &p.fields[i]; f.col < 0 && string(p.bytesOf(f.key)) == name {
			return true
		}
	}
	return false
}
