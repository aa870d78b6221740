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

// parseDrop parses DROP TABLE [IF EXISTS] name [, ...] [CASCADE | RESTRICT].
// Dropping anything else is refused as not supported, naming what.
func parseDrop(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
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
			"DROP TABLE deletes a table; DROP DATABASE is DELETE /api/v3/configure/database?db=name on the HTTP API")
	}
	st.Kind = DropTable
	st.IfExists = c.accept("if", "exists")
	st.Tables = c.tableRefs(false)
	c.dropBehavior()
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
	c.dropBehavior()
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

// dropBehavior reads an optional CASCADE or RESTRICT. Nothing depends on a
// table here (no views over it, no foreign keys), so both do the same.
func (c *ucur) dropBehavior() {
	if !c.accept("cascade") {
		c.accept("restrict")
	}
}
