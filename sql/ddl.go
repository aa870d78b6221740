package sql

import "strings"

// TableRef is a table DROP TABLE or TRUNCATE names:
// [[catalog.]schema.]name, each part folded or quoted as written.
type TableRef struct {
	Catalog, Schema, Name string
}

// String is the name as written, quoted where it must be.
func (r TableRef) String() string {
	var parts []string
	for _, p := range []string{r.Catalog, r.Schema, r.Name} {
		if p != "" {
			parts = append(parts, quoteIdent(p))
		}
	}
	return strings.Join(parts, ".")
}

// parseRefresh parses REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH
// [NO] DATA] (CONCURRENTLY: queries see the view while it is refreshed,
// which they always may here).
func parseRefresh(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	if !c.accept("materialized", "view") {
		c.fail(c.tok(0), "", "")
		return c.err
	}
	st.Kind = RefreshView
	c.accept("concurrently")
	st.Tables = []TableRef{c.oneTableRef(false)}
	if c.accept("with", "no", "data") {
		st.NoData = true
	} else {
		c.accept("with", "data")
	}
	c.end()
	return c.err
}

// parseCall parses CALL procedure(arguments): the procedures here are
// TimescaleDB's (refresh_continuous_aggregate), run as SELECT
// procedure(arguments).
func parseCall(src string, toks []token, st *Statement) *Error {
	for k, ok := range []func(t token) bool{
		func(t token) bool { return t.kind == tIdent || t.kind == tQIdent },
		func(t token) bool { return t.punct("(") },
	} {
		switch {
		case len(toks) <= k+1:
			return errAt(src, toks[len(toks)-1].end, CodeSyntaxError, "syntax error at end of input", "")
		case !ok(toks[k+1]):
			t := toks[k+1]
			return errAt(src, t.start, CodeSyntaxError, "syntax error at or near \""+src[t.start:t.end]+"\"", "")
		}
	}
	sel := append([]token{{kind: tIdent, val: "select", start: toks[0].start, end: toks[0].end}}, toks[1:]...)
	if err := parseQuery(src, sel, st, Select); err != nil {
		return err
	}
	st.Kind = Call
	return nil
}

// parseDrop parses DROP TABLE [IF EXISTS] name [, ...] [CASCADE | RESTRICT].
// Dropping anything else is refused as not supported, naming what.
func parseDrop(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	if c.accept("database") {
		// DROP DATABASE [IF EXISTS] name [[WITH] (FORCE)]
		st.Kind = DropDatabase
		st.IfExists = c.accept("if", "exists")
		st.Name = c.name()
		c.accept("with")
		if c.err == nil && c.tok(0).punct("(") {
			for _, o := range c.parenNames() {
				if o != "force" && c.err == nil {
					c.err = errAt(src, toks[0].start, CodeSyntaxError, "unrecognized DROP DATABASE option \""+o+"\"", "")
				}
			}
		}
		c.end()
		return c.err
	}
	if c.accept("view") {
		// DROP VIEW [IF EXISTS] name, ... [CASCADE | RESTRICT]
		st.Kind = DropPlainView
		st.IfExists = c.accept("if", "exists")
		st.Tables = c.tableRefs(false)
		st.Cascade = c.dropBehavior()
		c.end()
		return c.err
	}
	if c.accept("materialized", "view") {
		// DROP MATERIALIZED VIEW [IF EXISTS] name, ... [CASCADE | RESTRICT]
		st.Kind = DropView
		st.IfExists = c.accept("if", "exists")
		st.Tables = c.tableRefs(false)
		st.Cascade = c.dropBehavior()
		c.end()
		return c.err
	}
	if !c.accept("table") {
		what := "DROP"
		if t := c.tok(0); t.kind == tIdent {
			what += " " + strings.ToUpper(t.val)
			if t.val == "materialized" || t.val == "foreign" {
				if n := c.tok(1); n.kind == tIdent {
					what += " " + strings.ToUpper(n.val)
				}
			}
		}
		return errAt(src, toks[0].start, CodeFeatureNotSupported, what+" is not supported",
			"DROP TABLE deletes a table, DROP DATABASE a database")
	}
	st.Kind = DropTable
	st.IfExists = c.accept("if", "exists")
	st.Tables = c.tableRefs(false)
	st.Cascade = c.dropBehavior()
	c.end()
	return c.err
}

// parseTruncate parses TRUNCATE [TABLE] [ONLY] name [*] [, ...]
// [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT].
func parseTruncate(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	st.Kind = Truncate
	c.accept("table")
	st.Tables = c.tableRefs(true)
	if !c.accept("restart", "identity") {
		c.accept("continue", "identity")
	}
	st.Cascade = c.dropBehavior()
	c.end()
	return c.err
}

// tableRefs reads name [, name ...]; with only, each may be written ONLY
// name or name * (a table here has no children: both mean the table).
func (c *ucur) tableRefs(only bool) []TableRef {
	var refs []TableRef
	for c.err == nil {
		if only {
			c.accept("only")
		}
		parts := []string{c.name()}
		for c.err == nil && c.tok(0).punct(".") {
			c.i++
			parts = append(parts, c.name())
		}
		if c.err != nil {
			break
		}
		if len(parts) > 3 {
			c.err = errAt(c.src, c.tok(-1).start, CodeSyntaxError,
				"improper relation name (too many dotted names): "+strings.Join(parts, "."), "")
			break
		}
		ref := TableRef{Name: parts[len(parts)-1]}
		if len(parts) > 1 {
			ref.Schema = parts[len(parts)-2]
		}
		if len(parts) > 2 {
			ref.Catalog = parts[0]
		}
		refs = append(refs, ref)
		if t := c.tok(0); only && t.kind == tOp && t.val == "*" {
			c.i++
		}
		if !c.tok(0).punct(",") {
			break
		}
		c.i++
	}
	return refs
}

// oneTableRef reads the one table a statement names (a list of them is a
// syntax error, at its last name).
func (c *ucur) oneTableRef(only bool) TableRef {
	refs := c.tableRefs(only)
	if c.err == nil && len(refs) != 1 {
		c.fail(c.tok(-1), "", "")
	}
	if c.err != nil {
		return TableRef{}
	}
	return refs[0]
}

// dropBehavior reads an optional CASCADE or RESTRICT (the default) and
// reports CASCADE: the materialized views over a table dropped are
// dropped too, where RESTRICT refuses.
func (c *ucur) dropBehavior() bool {
	if c.accept("cascade") {
		return true
	}
	c.accept("restrict")
	return false
}

// TableDef is CREATE TABLE [IF NOT EXISTS] name (column type
// [constraints], ... [, PRIMARY KEY (...) | UNIQUE (...)]).
type TableDef struct {
	Table       TableRef
	IfNotExists bool
	Columns     []ColumnDef
	// Key are the columns of the table's PRIMARY KEY (written on a column
	// or after them) or, without one, of its first UNIQUE constraint; nil
	// when there is neither.
	Key []string
	// KeyName is the name CONSTRAINT name gave the key; "" when it has
	// none.
	KeyName string
	// primary: Key is the PRIMARY KEY's.
	primary bool
	// NullsDistinct: Key is a UNIQUE constraint written NULLS DISTINCT.
	NullsDistinct bool
	// OtherKeys are the PRIMARY KEY or UNIQUE constraints besides Key, as
	// they are written ("UNIQUE (a, b)", "CONSTRAINT u UNIQUE (a)"): a
	// table keeps one key.
	OtherKeys []string
	// As is the query of CREATE TABLE t [(names)] AS query [WITH [NO]
	// DATA], whose result columns the table takes (AsColumns renames the
	// first of them) and whose rows it is filled with unless NoData; nil
	// for a table of column definitions.
	As        *Statement
	AsColumns []string
	NoData    bool
	// ViewOptions are CREATE [MATERIALIZED] VIEW's WITH (name [= value],
	// ...), names lower case (timescaledb.continuous: "" or the value as
	// written); nil for a table.
	ViewOptions map[string]string
	// Replace is CREATE OR REPLACE VIEW.
	Replace bool
}

// key records a PRIMARY KEY or UNIQUE constraint of cols, named name
// ("" for none), at token t; a second PRIMARY KEY is PostgreSQL's error.
// The PRIMARY KEY, or else the first UNIQUE constraint, is Key; the
// others go to OtherKeys.
func (c *ucur) key(ct *TableDef, t token, primary bool, cols []string, name string, nullsDistinct bool) {
	text := func(primary bool, cols []string, name string) string {
		s := "UNIQUE"
		if primary {
			s = "PRIMARY KEY"
		}
		s += " (" + strings.Join(cols, ", ") + ")"
		if name != "" {
			s = "CONSTRAINT " + name + " " + s
		}
		return s
	}
	switch {
	case primary && ct.primary:
		c.err = errAt(c.src, t.start, CodeInvalidTableDefinition, "multiple primary keys for table \""+ct.Table.Name+"\" are not allowed", "")
	case primary || ct.Key == nil:
		if ct.Key != nil {
			ct.OtherKeys = append(ct.OtherKeys, text(false, ct.Key, ct.KeyName))
		}
		ct.Key, ct.primary, ct.KeyName, ct.NullsDistinct = cols, primary, name, nullsDistinct
	default:
		ct.OtherKeys = append(ct.OtherKeys, text(primary, cols, name))
	}
}

// nullsDistinct reads a UNIQUE constraint's NULLS [NOT] DISTINCT,
// reporting whether it was NULLS DISTINCT.
func (c *ucur) nullsDistinct() bool {
	if !c.accept("nulls") {
		return false
	}
	not := c.accept("not")
	if !c.accept("distinct") {
		c.fail(c.tok(0), "", "")
	}
	return !not
}

// Primary reports whether Key is a PRIMARY KEY's (else a UNIQUE
// constraint's).
func (ct *TableDef) Primary() bool { return ct.primary }

// ColumnDef is one column of CREATE TABLE: its name and type as written
// (words lower case and single spaced, a modifier kept: "double
// precision", "varchar(20)", "timestamp(3) with time zone").
type ColumnDef struct {
	Name    string
	Type    string
	NotNull bool
	// Default is the text of its DEFAULT expression as written; "" for
	// none.
	Default string
}

// parseCreate parses CREATE TABLE; CREATE of anything else, temporary
// tables, CREATE TABLE ... AS and constraints Strata cannot keep are
// refused as not supported, naming what.
func parseCreate(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	if t := c.tok(0); t.word("local") || t.word("global") || t.word("temp") || t.word("temporary") {
		if c.tok(1).word("view") || c.tok(2).word("view") {
			return errAt(src, toks[0].start, CodeFeatureNotSupported, "CREATE TEMPORARY VIEW is not supported", "Strata's views are stored and shared: create a view, and DROP VIEW it after")
		}
		return errAt(src, toks[0].start, CodeFeatureNotSupported, "CREATE TEMPORARY TABLE is not supported", "Strata's tables are stored and shared: create a table, and DROP TABLE it after")
	}
	if c.accept("database") {
		// CREATE DATABASE name [[WITH] option [=] value ...]: the options
		// that only restate what every database here is are taken.
		st.Kind = CreateDatabase
		st.Name = c.name()
		c.accept("with")
		for c.err == nil && !c.done() {
			t := c.tok(0)
			opt := t.val
			c.i++
			if opt == "connection" {
				c.accept("limit")
			}
			if e := c.tok(0); e.kind == tOp && e.val == "=" {
				c.i++
			}
			if m := c.tok(0); m.kind == tOp && m.val == "-" {
				c.i++ // CONNECTION LIMIT = -1
			}
			v := c.tok(0)
			c.i++
			val := strings.ToLower(v.val)
			ok := t.kind == tIdent && (opt == "owner" || opt == "template" || opt == "connection" || opt == "is_template" || opt == "allow_connections") ||
				opt == "encoding" && (val == "utf8" || val == "utf-8" || val == "unicode") ||
				(opt == "lc_collate" || opt == "lc_ctype" || opt == "locale") && (val == "c" || val == "posix" || strings.HasSuffix(val, ".utf8") || strings.HasSuffix(val, ".utf-8"))
			if v == eofTok {
				c.fail(v, "", "")
			} else if !ok && c.err == nil {
				c.err = errAt(src, t.start, CodeFeatureNotSupported, "CREATE DATABASE option "+strings.ToUpper(opt)+" is not supported",
					"every database is UTF8 with C collation and owned by the server; give none of these options")
			}
		}
		return c.err
	}
	if c.accept("materialized", "view") {
		// CREATE MATERIALIZED VIEW [IF NOT EXISTS] name [(names)] [WITH
		// (options)] AS query [WITH [NO] DATA]
		ct := &TableDef{ViewOptions: map[string]string{}}
		st.Kind, st.Create = CreateView, ct
		ct.IfNotExists = c.accept("if", "not", "exists")
		names := c.viewHead(ct)
		if c.err != nil {
			return c.err
		}
		c.tableAs(ct)
		if c.err == nil && names != nil {
			ct.AsColumns = names
		}
		return c.err
	}
	if at := c.i; c.accept("or", "replace") && c.tok(0).word("view") || c.tok(0).word("view") {
		// CREATE [OR REPLACE] VIEW name [(names)] [WITH (options)] AS query
		ct := &TableDef{Replace: c.i > at, ViewOptions: map[string]string{}}
		c.i++ // VIEW
		st.Kind, st.Create = CreatePlainView, ct
		names := c.viewHead(ct)
		if c.err != nil {
			return c.err
		}
		if n := len(c.toks); n >= 3 && c.toks[n-1].word("option") && c.toks[n-2].word("check") {
			t := c.toks[n-3]
			if t.word("cascaded") || t.word("local") {
				t = c.toks[n-4]
			}
			return errAt(src, t.start, CodeFeatureNotSupported, "WITH CHECK OPTION is not supported",
				"a view here is read only: write to the table it reads")
		}
		c.tableAs(ct)
		if c.err == nil && ct.NoData {
			c.fail(c.toks[len(c.toks)-3], "", "") // WITH NO DATA is a materialized view's
		}
		if c.err == nil && names != nil {
			ct.AsColumns = names
		}
		return c.err
	} else {
		c.i = at
	}
	c.accept("unlogged") // every table is written through the WAL
	if !c.accept("table") {
		what := "CREATE"
		if t := c.tok(0); t.kind == tIdent {
			what += " " + strings.ToUpper(t.val)
			if n := c.tok(1); n.kind == tIdent && (t.val == "materialized" || t.val == "unique" || t.val == "or" || t.val == "foreign") {
				what += " " + strings.ToUpper(n.val)
			}
		}
		hint := "CREATE TABLE defines a table, CREATE DATABASE a database"
		switch what {
		case "CREATE INDEX", "CREATE UNIQUE INDEX":
			hint = "Strata keeps no secondary indexes: each day's files are sorted by the tag columns, then time, and scans skip row groups and pages by their statistics; leave the CREATE INDEX out"
		case "CREATE OR REPLACE":
			hint = "CREATE OR REPLACE VIEW replaces a view; a table or materialized view is dropped and created again"
		}
		return errAt(src, toks[0].start, CodeFeatureNotSupported, what+" is not supported", hint)
	}
	ct := &TableDef{}
	st.Kind, st.Create = CreateTable, ct
	ct.IfNotExists = c.accept("if", "not", "exists")
	if ct.Table = c.oneTableRef(false); c.err != nil {
		return c.err
	}
	if c.tableAs(ct) || c.err != nil {
		return c.err
	}
	if t := c.tok(0); t.word("partition") || t.word("of") {
		return errAt(src, t.start, CodeFeatureNotSupported, "CREATE TABLE ... "+strings.ToUpper(t.val)+" is not supported",
			"create the table with its columns, then INSERT INTO t SELECT ...")
	}
	if !c.tok(0).punct("(") {
		c.fail(c.tok(0), "", "")
		return c.err
	}
	c.i++
	c.list(func() { c.tableElement(ct) })
	if c.err == nil && !c.done() {
		t := c.tok(0)
		return errAt(src, t.start, CodeFeatureNotSupported, "CREATE TABLE ... "+strings.ToUpper(src[t.start:t.end])+" is not supported",
			"Strata partitions every table by day of its time column; no storage options are needed")
	}
	return c.err
}

// tableAs reads [(name, ...)] AS query [WITH [NO] DATA], the rest of
// CREATE TABLE ... AS; false when the table is defined by its columns.
func (c *ucur) tableAs(ct *TableDef) bool {
	at := c.i
	if c.tok(0).punct("(") {
		depth := 0
		for j := c.i; j < len(c.toks); j++ {
			if c.toks[j].punct("(") {
				depth++
			} else if c.toks[j].punct(")") {
				if depth--; depth == 0 {
					at = j + 1
					break
				}
			}
		}
	}
	if !c.tok(at - c.i).word("as") {
		return false
	}
	if at > c.i {
		ct.AsColumns = c.parenNames()
		if c.err != nil {
			return true
		}
	}
	c.i++ // AS
	end := len(c.toks)
	if n := end - c.i; n >= 3 && c.toks[end-3].word("with") && c.toks[end-2].word("no") && c.toks[end-1].word("data") {
		end, ct.NoData = end-3, true
	} else if n >= 2 && c.toks[end-2].word("with") && c.toks[end-1].word("data") {
		end -= 2
	}
	if c.i >= end {
		c.fail(eofTok, "", "")
		return true
	}
	q := c.toks[c.i:end]
	if first := q[0]; !first.punct("(") && !first.word("select") && !first.word("values") && !first.word("table") && !first.word("with") {
		c.fail(first, "", "")
		return true
	}
	st := &Statement{Text: c.src[q[0].start:q[len(q)-1].end], Offset: q[0].start}
	if err := parseQuery(c.src, q, st, Select); err != nil {
		c.err = err
		return true
	}
	ct.As = st
	c.i = len(c.toks)
	return true
}

// tableElement reads a column definition or a table constraint.
func (c *ucur) tableElement(ct *TableDef) {
	t := c.tok(0)
	if t.kind == tIdent {
		switch t.val {
		case "constraint":
			c.i++
			name := c.name()
			c.tableConstraint(ct, name)
			return
		case "primary", "unique", "check", "foreign", "exclude", "like":
			c.tableConstraint(ct, "")
			return
		}
	}
	col := ColumnDef{Name: c.name()}
	col.Type = c.typeName(func(t token) bool {
		return t.punct(",") || t.punct(")") || t.kind == tIdent && columnConstraintWords[t.val]
	})
	if c.err != nil {
		return
	}
	conName := "" // of CONSTRAINT name, for the constraint after it
	for c.err == nil && !c.done() && !c.tok(0).punct(",") && !c.tok(0).punct(")") {
		t := c.tok(0)
		named := conName
		conName = ""
		switch {
		case c.accept("not", "null"):
			col.NotNull = true
		case c.accept("null"):
		case c.accept("primary", "key"):
			c.key(ct, t, true, []string{col.Name}, named, false)
		case c.accept("unique"):
			c.key(ct, t, false, []string{col.Name}, named, c.nullsDistinct())
		case t.word("constraint"):
			c.i++
			conName = c.name()
		case c.accept("default"):
			col.Default = c.defaultExpr(true)
		default:
			what := strings.ToUpper(t.val)
			if t.kind != tIdent {
				c.fail(t, "", "")
				return
			}
			c.err = errAt(c.src, t.start, CodeFeatureNotSupported, "column constraint "+what+" is not supported",
				"Strata keeps NOT NULL, DEFAULT, PRIMARY KEY and UNIQUE (time and tags name a row)")
			return
		}
	}
	ct.Columns = append(ct.Columns, col)
}

// retype reads the rest of ALTER [COLUMN] column [SET DATA] TYPE: the
// type, up to COLLATE, USING or a comma; a COLLATE name (which changes
// nothing here: text compares by code point); a USING expression.
func (c *ucur) retype(column string) ColumnRetype {
	r := ColumnRetype{Column: column}
	r.Type = c.typeName(func(t token) bool {
		return t.punct(",") || t.kind == tIdent && (t.val == "collate" || t.val == "using")
	})
	if c.err != nil {
		return r
	}
	if c.accept("collate") {
		c.name()
	}
	if c.accept("using") {
		r.Using = c.expression()
	}
	return r
}

// defaultExpr reads a DEFAULT expression: its text as written, up to a
// comma or closing parenthesis outside it, the end, or (inColumn) the
// word that starts the column's next constraint. It must parse as an
// expression.
func (c *ucur) defaultExpr(inColumn bool) string {
	first := c.i
	expr := c.exprSpan(func(t token) bool {
		return t.punct(",") || t.punct(")") || c.i > first && inColumn && t.kind == tIdent && columnConstraintWords[t.val] && t.val != "collate"
	})
	if len(expr) == 0 {
		return ""
	}
	if expr[0].kind == tIdent && expr[0].val == "null" && (len(expr) == 1 || expr[1].punct("::")) {
		return "" // DEFAULT NULL [::type] is no default, as PostgreSQL keeps it
	}
	return c.src[expr[0].start:expr[len(expr)-1].end]
}

// expression reads an expression up to a comma or closing parenthesis
// outside it, or the end, and returns its text as written.
func (c *ucur) expression() string {
	expr := c.exprSpan(func(t token) bool { return t.punct(",") || t.punct(")") })
	if len(expr) == 0 {
		return ""
	}
	return c.src[expr[0].start:expr[len(expr)-1].end]
}

// exprSpan reads the tokens of an expression up to one stop accepts
// outside parentheses and checks that they parse as one; none is an
// error.
func (c *ucur) exprSpan(stop func(t token) bool) []token {
	expr := c.span(stop)
	if len(expr) == 0 {
		c.fail(c.tok(0), "", "")
		return nil
	}
	sel := append([]token{{kind: tIdent, val: "select", start: expr[0].start, end: expr[0].start}}, expr...)
	if err := parseQuery(c.src, sel, &Statement{}, Select); err != nil && c.err == nil {
		c.err = err
	}
	return expr
}

// span advances over the tokens up to the first one outside parentheses
// and brackets that stop accepts (or the end), and returns them.
func (c *ucur) span(stop func(t token) bool) []token {
	first, depth := c.i, 0
	for c.err == nil && !c.done() {
		t := c.tok(0)
		if depth == 0 && stop(t) {
			break
		}
		switch {
		case t.punct("(") || t.punct("["):
			depth++
		case t.punct(")") || t.punct("]"):
			depth--
		}
		c.i++
	}
	return c.toks[first:c.i]
}

// typeName reads a type name up to a token stop accepts outside
// parentheses and returns it as typeText writes it; none is an error.
func (c *ucur) typeName(stop func(t token) bool) string {
	var words []string
	for _, t := range c.span(stop) {
		w := t.val
		if t.kind != tIdent {
			w = c.src[t.start:t.end]
		}
		words = append(words, w)
	}
	if c.err == nil && len(words) == 0 {
		c.fail(c.tok(0), "", "")
	}
	return typeText(words)
}

// typeText joins the words of a type name with single spaces, none around
// parentheses and brackets or around a comma: numeric(10,2), int[].
func typeText(words []string) string {
	var b strings.Builder
	for i, w := range words {
		glued := i == 0 || strings.ContainsAny(w, "()[],") || strings.ContainsAny(words[i-1], "([,")
		if !glued {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// columnConstraintWords end a column's type.
var columnConstraintWords = map[string]bool{"not": true, "null": true, "primary": true, "unique": true, "constraint": true,
	"default": true, "check": true, "references": true, "generated": true, "collate": true, "deferrable": true, "compression": true}

// tableConstraint reads PRIMARY KEY (...) or UNIQUE (...); other table
// constraints are refused.
func (c *ucur) tableConstraint(ct *TableDef, name string) {
	t := c.tok(0)
	primary := c.accept("primary", "key")
	if !primary && !c.accept("unique") {
		what := strings.ToUpper(t.val)
		if t.word("foreign") {
			what += " KEY"
		}
		if c.err == nil {
			c.err = errAt(c.src, t.start, CodeFeatureNotSupported, "table constraint "+what+" is not supported",
				"Strata keeps PRIMARY KEY and UNIQUE over time and tags (they name a row)")
		}
		return
	}
	distinct := !primary && c.nullsDistinct()
	if !c.tok(0).punct("(") {
		c.fail(c.tok(0), "", "")
		return
	}
	c.key(ct, t, primary, c.parenNames(), name, distinct)
}

// viewHead reads what CREATE [MATERIALIZED] VIEW gives before AS: the
// view's name, its column names (returned; nil when none are given) and
// its options, into ct; at AS it stops, else it fails.
func (c *ucur) viewHead(ct *TableDef) []string {
	if ct.Table = c.oneTableRef(false); c.err != nil {
		return nil
	}
	var names []string
	if c.tok(0).punct("(") {
		names = c.parenNames()
	}
	if c.accept("with") {
		c.viewOptions(ct.ViewOptions)
	}
	if c.err == nil && !c.tok(0).word("as") {
		c.fail(c.tok(0), "", "")
	}
	return names
}

// viewOptions reads a materialized view's options, (name [= value], ...),
// into opts: names lower case, values as written ("" when none is).
func (c *ucur) viewOptions(opts map[string]string) {
	if !c.tok(0).punct("(") {
		c.fail(c.tok(0), "", "")
		return
	}
	c.i++
	c.list(func() {
		name := c.dottedName()
		val := ""
		if c.tok(0).kind == tOp && c.tok(0).val == "=" {
			c.i++
			v := c.tok(0)
			if v.kind == tOp && v.val == "-" && c.tok(1).kind == tNumber {
				c.i++
				v = c.tok(0)
				v.val = "-" + v.val
			}
			if c.done() || v.punct(",") || v.punct(")") {
				c.fail(v, "", "")
				return
			}
			c.i++
			val = v.val
		}
		opts[strings.ToLower(name)] = val
	})
}

// AlterDef is ALTER TABLE [IF EXISTS] [ONLY] name and its actions: ADD
// [COLUMN] [IF NOT EXISTS] column type (Add, in order, and for each
// whether IF NOT EXISTS was written), ALTER [COLUMN] c SET DEFAULT expr |
// DROP DEFAULT (Defaults), ALTER [COLUMN] c [SET DATA] TYPE type [COLLATE
// name] [USING expr] (Retypes), ALTER [COLUMN] c SET | DROP NOT NULL
// (NotNulls), DROP [COLUMN] [IF EXISTS] c [RESTRICT |
// CASCADE] (Drop; CASCADE sets Statement.Cascade), any of them separated
// by commas; or RENAME [COLUMN] c TO name (RenameColumn), or RENAME TO
// name (Rename), alone. Or ALTER MATERIALIZED VIEW [IF EXISTS] name SET
// (option [= value], ...): the options to set (Set, named as CREATE
// MATERIALIZED VIEW's TableDef.ViewOptions are). ALTER TABLE's SET
// (option [= value], ...) fills Set too, and RESET (option, ...) Reset.
type AlterDef struct {
	Table       TableRef
	Add         []ColumnDef
	IfNotExists []bool
	Set         map[string]string
	Reset       []string
	// Defaults are ALTER TABLE's ALTER [COLUMN] c SET DEFAULT expr
	// (Expr) and DROP DEFAULT (Expr ""), in order.
	Defaults []ColumnDefault
	// Retypes are ALTER [COLUMN] c [SET DATA] TYPE type [USING expr], in
	// order.
	Retypes []ColumnRetype
	// NotNulls are ALTER [COLUMN] c SET NOT NULL and DROP NOT NULL, in
	// order.
	NotNulls []ColumnNotNull
	// Drop are the columns DROP COLUMN names, in order.
	Drop []ColumnDrop
	// DropConstraints are DROP CONSTRAINT [IF EXISTS] name, in order (in
	// Column, the constraint's name).
	DropConstraints []ColumnDrop
	// AddKey is ADD [CONSTRAINT name] PRIMARY KEY (...) or UNIQUE (...);
	// nil for none.
	AddKey *KeyDef
	// RenameColumn is RENAME [COLUMN] From TO To.
	RenameColumn *ColumnRename
	// RenameConstraint is RENAME CONSTRAINT From TO To.
	RenameConstraint *ColumnRename
	// Rename is RENAME TO name: the table's new name.
	Rename string
}

// KeyDef is a PRIMARY KEY or UNIQUE constraint: its columns, in order,
// and the name CONSTRAINT name gives it ("" for none).
type KeyDef struct {
	Name    string
	Primary bool
	Columns []string
	// NullsDistinct: a UNIQUE constraint written NULLS DISTINCT.
	NullsDistinct bool
}

// ColumnDrop is DROP [COLUMN] [IF EXISTS] Column.
type ColumnDrop struct {
	Column   string
	IfExists bool
}

// ColumnRename is RENAME [COLUMN] From TO To (or RENAME CONSTRAINT's).
type ColumnRename struct {
	From, To string
}

// renamePair reads From TO To, a RENAME's names.
func (c *ucur) renamePair() *ColumnRename {
	rc := &ColumnRename{From: c.name()}
	if t := c.tok(0); c.err == nil && !c.accept("to") {
		c.fail(t, "", "")
	}
	rc.To = c.name()
	return rc
}

// ColumnRetype is ALTER [COLUMN] Column [SET DATA] TYPE Type [USING
// Using]: the type as written (as ColumnDef.Type), the USING expression's
// text as written ("" when there is none).
type ColumnRetype struct {
	Column, Type, Using string
}

// ColumnNotNull is ALTER [COLUMN] Column SET NOT NULL (Set) or DROP NOT
// NULL.
type ColumnNotNull struct {
	Column string
	Set    bool
}

// ColumnDefault is a column's new default expression ("": none).
type ColumnDefault struct {
	Column, Expr string
}

// actionNotSupported is the 0A000 of an action of statement what (ALTER
// INDEX) other than those parsed, naming its first words; a syntax error
// at the end of the input.
func (c *ucur) actionNotSupported(src, what, hint string) *Error {
	t := c.tok(0)
	if t == eofTok {
		c.fail(t, "", "")
		return c.err
	}
	action := strings.ToUpper(t.val)
	if n := c.tok(1); n.kind == tIdent {
		action += " " + strings.ToUpper(n.val)
	}
	return errAt(src, t.start, CodeFeatureNotSupported, what+" ... "+action+" is not supported", hint)
}

// parseAlter parses ALTER TABLE, ALTER MATERIALIZED VIEW ... SET (options)
// and ALTER INDEX ... RENAME TO; any other ALTER, or action, is refused as
// not supported, naming it.
func parseAlter(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	if c.accept("materialized", "view") {
		at := &AlterDef{Set: map[string]string{}}
		st.Kind, st.Alter = AlterView, at
		st.IfExists = c.accept("if", "exists")
		if at.Table = c.oneTableRef(false); c.err != nil {
			return c.err
		}
		if !c.accept("set") {
			return c.actionNotSupported(src, "ALTER MATERIALIZED VIEW",
				"SET (timescaledb.materialized_only = false) makes a continuous aggregate real-time; a view is renamed by creating it anew")
		}
		c.viewOptions(at.Set)
		c.end()
		return c.err
	}
	if c.accept("index") {
		// ALTER INDEX [IF EXISTS] name RENAME TO new; the other forms
		// (tablespaces, storage parameters) have nothing to change here.
		at := &AlterDef{}
		st.Kind, st.Alter = AlterIndex, at
		st.IfExists = c.accept("if", "exists")
		if at.Table = c.oneTableRef(false); c.err != nil {
			return c.err
		}
		if !c.accept("rename", "to") {
			return c.actionNotSupported(src, "ALTER INDEX", "an index here is a table's key; ALTER INDEX name RENAME TO new renames it")
		}
		at.Rename = c.name()
		c.end()
		return c.err
	}
	if !c.accept("table") {
		what := "ALTER"
		if t := c.tok(0); t.kind == tIdent {
			what += " " + strings.ToUpper(t.val)
		}
		return errAt(src, toks[0].start, CodeFeatureNotSupported, what+" is not supported", "ALTER TABLE t ADD COLUMN c type adds a column")
	}
	at := &AlterDef{}
	st.Kind, st.Alter = AlterTable, at
	st.IfExists = c.accept("if", "exists")
	if at.Table = c.oneTableRef(true); c.err != nil {
		return c.err
	}
	if c.accept("rename") {
		// RENAME TO name | RENAME [COLUMN] c TO name: alone, as in
		// PostgreSQL.
		switch {
		case c.accept("to"):
			at.Rename = c.name()
		case c.accept("constraint"):
			at.RenameConstraint = c.renamePair()
		default:
			c.accept("column")
			at.RenameColumn = c.renamePair()
		}
		c.end()
		return c.err
	}
	for c.err == nil {
		t := c.tok(0)
		if c.accept("drop") {
			// DROP [COLUMN] [IF EXISTS] c [RESTRICT | CASCADE]
			constraint := c.accept("constraint")
			if !constraint {
				c.accept("column")
			}
			cd := ColumnDrop{IfExists: c.accept("if", "exists")}
			cd.Column = c.name()
			if c.err != nil {
				break
			}
			if c.dropBehavior() {
				st.Cascade = true
			}
			if constraint {
				at.DropConstraints = append(at.DropConstraints, cd)
			} else {
				at.Drop = append(at.Drop, cd)
			}
			if !c.tok(0).punct(",") {
				break
			}
			c.i++
			continue
		}
		if c.accept("alter") {
			// ALTER [COLUMN] c SET DEFAULT expr | DROP DEFAULT | [SET DATA]
			// TYPE type [COLLATE name] [USING expr] | SET NOT NULL | DROP
			// NOT NULL
			c.accept("column")
			cd := ColumnDefault{Column: c.name()}
			retype := c.accept("type") || c.accept("set", "data", "type")
			switch a := c.tok(0); {
			case retype:
				at.Retypes = append(at.Retypes, c.retype(cd.Column))
			case c.accept("set", "not", "null"):
				at.NotNulls = append(at.NotNulls, ColumnNotNull{Column: cd.Column, Set: true})
			case c.accept("drop", "not", "null"):
				at.NotNulls = append(at.NotNulls, ColumnNotNull{Column: cd.Column})
			case c.accept("set", "default"):
				cd.Expr = c.defaultExpr(false)
				at.Defaults = append(at.Defaults, cd)
			case c.accept("drop", "default"):
				at.Defaults = append(at.Defaults, cd)
			case c.err == nil:
				what := strings.ToUpper(a.val)
				if n := c.tok(1); n.kind == tIdent {
					what += " " + strings.ToUpper(n.val)
				}
				c.err = errAt(src, a.start, CodeFeatureNotSupported, "ALTER TABLE ... ALTER COLUMN ... "+what+" is not supported",
					"ALTER COLUMN takes SET DEFAULT, DROP DEFAULT, TYPE, SET NOT NULL and DROP NOT NULL; RENAME COLUMN changes its name")
			}
			if c.err != nil {
				break
			}
			if !c.tok(0).punct(",") {
				break
			}
			c.i++
			continue
		}
		if t.kind == tIdent && (t.val == "set" || t.val == "reset") && c.tok(1).punct("(") {
			// SET (option [= value], ...) | RESET (option, ...): the
			// table's storage options (TimescaleDB's compression settings).
			c.i++
			if t.val == "set" {
				if at.Set == nil {
					at.Set = map[string]string{}
				}
				c.viewOptions(at.Set)
			} else {
				c.i++
				c.list(func() { at.Reset = append(at.Reset, strings.ToLower(c.dottedName())) })
			}
			if c.err != nil || !c.tok(0).punct(",") {
				break
			}
			c.i++
			continue
		}
		if !c.accept("add") {
			if t == eofTok {
				c.fail(t, "", "")
				break
			}
			what := strings.ToUpper(t.val)
			if n := c.tok(1); n.kind == tIdent {
				what += " " + strings.ToUpper(n.val)
			}
			c.err = errAt(src, t.start, CodeFeatureNotSupported, "ALTER TABLE ... "+what+" is not supported",
				"ALTER TABLE takes ADD COLUMN, ADD PRIMARY KEY or UNIQUE, DROP COLUMN, DROP CONSTRAINT, ALTER COLUMN, SET (options), RESET (options), RENAME COLUMN and RENAME TO")
			break
		}
		column := c.accept("column")
		ifNot := c.accept("if", "not", "exists")
		scratch := &TableDef{Table: at.Table}
		c.tableElement(scratch)
		switch {
		case c.err != nil:
		case len(scratch.Columns) == 0 && !column && !ifNot && at.AddKey == nil:
			at.AddKey = &KeyDef{Name: scratch.KeyName, Primary: scratch.Primary(), Columns: scratch.Key, NullsDistinct: scratch.NullsDistinct}
		case len(scratch.Columns) == 0:
			c.err = errAt(src, t.start, CodeFeatureNotSupported, "ALTER TABLE ... ADD of a second key is not supported",
				"a table keeps one key (PRIMARY KEY or UNIQUE), over its time and tags")
		case scratch.Key != nil:
			c.err = errAt(src, t.start, CodeFeatureNotSupported, "ALTER TABLE ... ADD COLUMN with a PRIMARY KEY or UNIQUE constraint is not supported",
				"add the column, then ALTER TABLE ... ADD PRIMARY KEY (...) over the time and tags")
		default:
			at.Add = append(at.Add, scratch.Columns[0])
			at.IfNotExists = append(at.IfNotExists, ifNot)
		}
		if c.err != nil {
			break
		}
		if !c.tok(0).punct(",") {
			break
		}
		c.i++
	}
	c.end()
	return c.err
}
