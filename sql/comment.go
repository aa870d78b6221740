package sql

import "strings"

// CommentOn is COMMENT ON object name IS 'text' | NULL.
type CommentOn struct {
	// Object is what the comment is on: "table", "view", "materialized
	// view" or "column".
	Object string
	// Table names the relation (for a column, the column's).
	Table TableRef
	// Column is the column's name (Object "column").
	Column string
	// Text is the comment; nil (IS NULL) or empty removes it.
	Text *string
}

// parseComment parses COMMENT ON {TABLE | VIEW | MATERIALIZED VIEW}
// name IS 'text' and COMMENT ON COLUMN relation.column IS 'text', with
// NULL for the text removing the comment.
func parseComment(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	if !c.accept("on") {
		c.fail(c.tok(0), "", "")
		return c.err
	}
	co := &CommentOn{}
	t := c.tok(0)
	switch {
	case c.accept("table"):
		co.Object = "table"
	case c.accept("view"):
		co.Object = "view"
	case c.accept("materialized", "view"):
		co.Object = "materialized view"
	case c.accept("column"):
		co.Object = "column"
	default:
		what := strings.ToUpper(t.val)
		if t.word("foreign") || t.word("text") || t.word("access") || t.word("event") || t.word("operator") {
			what += " " + strings.ToUpper(c.tok(1).val)
		}
		if t.kind != tIdent {
			c.fail(t, "", "")
			return c.err
		}
		return errAt(src, t.start, CodeFeatureNotSupported, "COMMENT ON "+what+" is not supported",
			"Strata keeps comments on tables, views, materialized views and their columns")
	}
	if co.Object == "column" {
		// [[catalog.]schema.]relation.column
		at := c.tok(0)
		parts := []string{c.name()}
		for c.err == nil && c.tok(0).punct(".") {
			c.i++
			parts = append(parts, c.name())
		}
		if c.err != nil {
			return c.err
		}
		switch {
		case len(parts) < 2:
			return errAt(src, at.start, CodeSyntaxError, "column name must be qualified", "write COMMENT ON COLUMN table.column IS '...'")
		case len(parts) > 4:
			return errAt(src, at.start, CodeSyntaxError, "improper qualified name (too many dotted names): "+strings.Join(parts, "."), "")
		}
		co.Column = parts[len(parts)-1]
		co.Table.Name = parts[len(parts)-2]
		if len(parts) > 2 {
			co.Table.Schema = parts[len(parts)-3]
		}
		if len(parts) > 3 {
			co.Table.Catalog = parts[0]
		}
	} else {
		co.Table = c.oneTableRef(false)
	}
	if c.err == nil && !c.accept("is") {
		c.fail(c.tok(0), "", "")
	}
	if c.err != nil {
		return c.err
	}
	switch t := c.tok(0); {
	case t.word("null"):
		c.i++
	case t.kind == tString:
		c.i++
		text := t.val
		co.Text = &text
	default:
		c.fail(t, "", "write the comment as a quoted string, or NULL to remove it")
	}
	c.end()
	if c.err != nil {
		return c.err
	}
	st.Kind, st.Comment = Comment, co
	return nil
}
