package sql

import "strings"

// CopySpec describes COPY ... TO STDOUT: how its rows are written.
type CopySpec struct {
	CSV       bool   // FORMAT csv (else text)
	Delimiter byte   // between fields: tab (text) or ',' (csv) unless given
	Null      string // a NULL: \N (text) or an empty field (csv) unless given
	Header    bool   // a first line of column names
	Quote     byte   // csv: the quote character ('"')
	Escape    byte   // csv: what precedes a quote inside quotes (Quote)
	// ForceQuote names the columns whose non-NULL values are always quoted
	// (csv); ForceQuoteAll is FORCE_QUOTE *.
	ForceQuote    []string
	ForceQuoteAll bool
}

// parseCopy parses COPY { table [(columns)] | (query) } TO STDOUT
// [[WITH] (option [value], ...)] and the older option words (BINARY,
// DELIMITER [AS] 'c', NULL [AS] 's', CSV, HEADER, QUOTE [AS] 'c', ESCAPE
// [AS] 'c', FORCE QUOTE columns|*), which psql's \copy passes on. The rows
// come from Inner, a SELECT (for a table, of its columns). COPY FROM and
// COPY TO a server file are refused with what to do instead.
func parseCopy(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	var inner *Statement
	if c.tok(0).punct("(") {
		end := closeParen(toks, c.i)
		if end < 0 {
			c.fail(eofTok, "", "")
			return c.err
		}
		if end == c.i+1 {
			c.fail(toks[end], "", "")
			return c.err
		}
		q, err := parseStatement(src, toks[c.i+1:end])
		if err != nil {
			return err
		}
		if q.Kind != Select {
			return errAt(src, toks[c.i+1].start, CodeFeatureNotSupported, "COPY (query) of anything but a SELECT is not supported", "COPY (SELECT ...) TO STDOUT")
		}
		inner = q
		c.i = end + 1
	} else {
		table := c.tok(0)
		name := c.dottedName()
		cols := "*"
		if c.err == nil && c.tok(0).punct("(") {
			names := c.parenNames()
			for i, n := range names {
				names[i] = quoteIdent(n)
			}
			cols = strings.Join(names, ", ")
		}
		if c.err != nil {
			return c.err
		}
		parts := strings.Split(name, ".")
		for i, p := range parts {
			parts[i] = quoteIdent(p)
		}
		q, err := Parse("SELECT " + cols + " FROM " + strings.Join(parts, "."))
		if err != nil {
			return errAt(src, table.start, CodeSyntaxError, "COPY of table "+name+": "+err.Error(), "")
		}
		inner = q[0]
	}
	switch dir := c.tok(0); {
	case c.accept("from"):
		return errAt(src, dir.start, CodeFeatureNotSupported, "COPY FROM is not supported",
			"write rows with INSERT or as line protocol (POST /api/v3/write_lp)")
	case !c.accept("to"):
		c.fail(dir, "", "write COPY (query) TO STDOUT")
		return c.err
	}
	if dest := c.tok(0); !c.accept("stdout") {
		if dest.kind == tString || dest.word("program") {
			return errAt(src, dest.start, CodeFeatureNotSupported, "COPY TO a server file or program is not supported",
				"COPY ... TO STDOUT sends the rows to the client; in psql, \\copy ... TO 'file' writes a local file")
		}
		c.fail(dest, "", "write COPY (query) TO STDOUT")
		return c.err
	}
	spec := &CopySpec{}
	var delim, null, quote, escape *string
	format := ""
	c.accept("with")
	if c.tok(0).punct("(") {
		c.i++
		seen := map[string]bool{}
		c.list(func() {
			opt := c.tok(0)
			name := c.name()
			if seen[name] && c.err == nil {
				c.err = errAt(src, opt.start, CodeSyntaxError, "conflicting or redundant options", "")
				return
			}
			seen[name] = true
			switch name {
			case "format":
				if t := c.tok(0); t.kind == tString {
					c.i++
					format = strings.ToLower(t.val) // FORMAT 'csv'
				} else {
					format = c.name()
				}
			case "delimiter":
				delim = c.copyString()
			case "null":
				null = c.copyString()
			case "header":
				spec.Header = c.copyBool()
			case "quote":
				quote = c.copyString()
			case "escape":
				escape = c.copyString()
			case "force_quote":
				if c.tok(0).kind == tOp && c.tok(0).val == "*" {
					c.i++
					spec.ForceQuoteAll = true
				} else {
					spec.ForceQuote = c.copyColumns()
				}
			case "encoding":
				if e := c.copyString(); e != nil && !isUTF8(*e) {
					c.err = errAt(src, opt.start, CodeFeatureNotSupported, "COPY encoding \""+*e+"\" is not supported", "Strata writes UTF8")
				}
			case "freeze", "force_not_null", "force_null", "default":
				if c.err == nil {
					c.err = errAt(src, opt.start, CodeFeatureNotSupported, "COPY "+name+" only applies to COPY FROM", "")
				}
			default:
				if c.err == nil {
					c.err = errAt(src, opt.start, CodeSyntaxError, "option \""+name+"\" not recognized", "COPY TO takes FORMAT, DELIMITER, NULL, HEADER, QUOTE, ESCAPE, FORCE_QUOTE and ENCODING")
				}
			}
		})
	} else {
		for c.err == nil && !c.done() {
			switch {
			case c.accept("binary"):
				format = "binary"
			case c.accept("csv"):
				format = "csv"
			case c.accept("header"):
				spec.Header = true
			case c.accept("delimiter"):
				c.accept("as")
				delim = c.copyString()
			case c.accept("null"):
				c.accept("as")
				null = c.copyString()
			case c.accept("quote"):
				c.accept("as")
				quote = c.copyString()
			case c.accept("escape"):
				c.accept("as")
				escape = c.copyString()
			case c.accept("force", "quote"):
				if c.tok(0).kind == tOp && c.tok(0).val == "*" {
					c.i++
					spec.ForceQuoteAll = true
					break
				}
				spec.ForceQuote = c.nameList()
			default:
				c.fail(c.tok(0), "", "")
			}
		}
	}
	c.end()
	if c.err != nil {
		return c.err
	}
	bad := func(msg string) *Error { return errAt(src, toks[0].start, CodeFeatureNotSupported, msg, "") }
	invalid := func(msg string) *Error { return errAt(src, toks[0].start, "22023", msg, "") }
	switch format {
	case "", "text":
	case "csv":
		spec.CSV = true
	case "binary":
		return bad("COPY in binary format is not supported; use FORMAT text or csv")
	default:
		return invalid("COPY format \"" + format + "\" not recognized")
	}
	spec.Delimiter, spec.Null, spec.Quote = '\t', `\N`, '"'
	if spec.CSV {
		spec.Delimiter, spec.Null = ',', ""
	}
	if delim != nil {
		if len(*delim) != 1 {
			return invalid("COPY delimiter must be a single one-byte character")
		}
		spec.Delimiter = (*delim)[0]
		if spec.Delimiter == '\n' || spec.Delimiter == '\r' {
			return invalid("COPY delimiter cannot be newline or carriage return")
		}
		if !spec.CSV && (spec.Delimiter == '\\' || strings.IndexByte("abcdefghijklmnopqrstuvwxyz0123456789.", spec.Delimiter) >= 0) {
			return invalid("COPY delimiter cannot be \"" + *delim + "\"")
		}
	}
	if null != nil {
		if strings.ContainsAny(*null, "\r\n") {
			return invalid("COPY null representation cannot use newline or carriage return")
		}
		spec.Null = *null
	}
	if !spec.CSV && (quote != nil || escape != nil || spec.ForceQuoteAll || spec.ForceQuote != nil) {
		return bad("COPY QUOTE, ESCAPE and FORCE_QUOTE are available only in CSV mode")
	}
	if quote != nil {
		if len(*quote) != 1 {
			return invalid("COPY quote must be a single one-byte character")
		}
		spec.Quote = (*quote)[0]
	}
	spec.Escape = spec.Quote
	if escape != nil {
		if len(*escape) != 1 {
			return invalid("COPY escape must be a single one-byte character")
		}
		spec.Escape = (*escape)[0]
	}
	if spec.CSV && (spec.Delimiter == spec.Quote) {
		return invalid("COPY delimiter and quote must be different")
	}
	if spec.CSV && strings.IndexByte(spec.Null, spec.Delimiter) >= 0 {
		return invalid("COPY delimiter must not appear in the NULL specification")
	}
	st.Kind = Copy
	st.Copy = spec
	st.Inner = inner
	return nil
}

// closeParen is the index of the ')' matching the '(' at toks[open], or -1.
func closeParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].punct("("):
			depth++
		case toks[i].punct(")"):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// copyString reads an option's string constant.
func (c *ucur) copyString() *string {
	t := c.tok(0)
	if t.kind != tString {
		c.fail(t, "", "the option takes a quoted string, such as ','")
		return nil
	}
	c.i++
	return &t.val
}

// copyBool reads HEADER's optional value (true, false, on, off, 1, 0).
func (c *ucur) copyBool() bool {
	t := c.tok(0)
	if t.kind != tIdent && t.kind != tString && t.kind != tNumber {
		return true
	}
	switch strings.ToLower(t.val) {
	case "true", "on", "1":
		c.i++
		return true
	case "false", "off", "0":
		c.i++
		return false
	}
	c.fail(t, "header requires a Boolean value", "")
	return false
}

// copyColumns reads (name, ...).
func (c *ucur) copyColumns() []string {
	if !c.tok(0).punct("(") {
		c.fail(c.tok(0), "", "write FORCE_QUOTE (column, ...) or FORCE_QUOTE *")
		return nil
	}
	return c.parenNames()
}

func isUTF8(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "-", ""))
	return n == "utf8" || n == "unicode"
}
