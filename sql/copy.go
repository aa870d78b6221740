package sql

import (
	"slices"
	"strings"
)

// CopySpec describes COPY ... TO STDOUT (rows written) or COPY ... FROM
// STDIN (rows read).
type CopySpec struct {
	// From is COPY table FROM STDIN: rows are read into Table (Schema, when
	// written, names its schema), into Columns or, when none are named,
	// every column of the table.
	From    bool
	Schema  string
	Table   string
	Columns []string

	CSV       bool   // FORMAT csv (else text)
	Binary    bool   // FORMAT binary (COPY FROM only)
	Delimiter byte   // between fields: tab (text) or ',' (csv) unless given
	Null      string // a NULL: \N (text) or an empty field (csv) unless given
	Header    bool   // a first line of column names
	// HeaderMatch (COPY FROM, HEADER MATCH): the header line must name the
	// columns, in order.
	HeaderMatch bool
	Quote       byte // csv: the quote character ('"')
	Escape      byte // csv: what precedes a quote inside quotes (Quote)
	// ForceQuote names the columns whose non-NULL values are always quoted
	// (csv); ForceQuoteAll is FORCE_QUOTE *.
	ForceQuote    []string
	ForceQuoteAll bool
	// ForceNotNull (COPY FROM, csv) names the columns where a field equal
	// to the NULL string is that string, not NULL; ForceNull the columns
	// where a quoted one is NULL too.
	ForceNotNull []string
	ForceNull    []string
}

// parseCopy parses COPY { table [(columns)] | (query) } TO STDOUT and
// COPY table [(columns)] FROM STDIN, each with [[WITH] (option [value],
// ...)] or the older option words (BINARY, DELIMITER [AS] 'c', NULL [AS]
// 's', CSV, HEADER, QUOTE [AS] 'c', ESCAPE [AS] 'c', FORCE QUOTE
// columns|*, FORCE NOT NULL columns), which psql's \copy passes on. The
// rows of COPY TO come from Inner, a SELECT (for a table, of its columns).
// Server files and programs are refused with what to do instead.
func parseCopy(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	spec := &CopySpec{}
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
		if c.err == nil && c.tok(0).punct("(") {
			spec.Columns = c.parenNames()
		}
		if c.err != nil {
			return c.err
		}
		parts := strings.Split(name, ".")
		spec.Table = parts[len(parts)-1]
		if len(parts) > 1 {
			spec.Schema = parts[len(parts)-2]
		}
		if !c.tok(0).word("from") {
			cols := "*"
			if spec.Columns != nil {
				names := make([]string, len(spec.Columns))
				for i, n := range spec.Columns {
					names[i] = quoteIdent(n)
				}
				cols = strings.Join(names, ", ")
			}
			for i, p := range parts {
				parts[i] = quoteIdent(p)
			}
			q, err := Parse("SELECT " + cols + " FROM " + strings.Join(parts, "."))
			if err != nil {
				return errAt(src, table.start, CodeSyntaxError, "COPY of table "+name+": "+err.Error(), "")
			}
			inner = q[0]
		}
	}
	switch dir := c.tok(0); {
	case inner == nil && c.accept("from"):
		spec.From = true
		if src := c.tok(0); !c.accept("stdin") {
			if src.kind == tString || src.word("program") {
				return errAt(c.src, src.start, CodeFeatureNotSupported, "COPY FROM a server file or program is not supported",
					"COPY ... FROM STDIN reads the rows from the client; in psql, \\copy ... FROM 'file' reads a local file")
			}
			c.fail(src, "", "write COPY table FROM STDIN")
			return c.err
		}
	case !c.accept("to"):
		c.fail(dir, "", "write COPY (query) TO STDOUT or COPY table FROM STDIN")
		return c.err
	default:
		if dest := c.tok(0); !c.accept("stdout") {
			if dest.kind == tString || dest.word("program") {
				return errAt(src, dest.start, CodeFeatureNotSupported, "COPY TO a server file or program is not supported",
					"COPY ... TO STDOUT sends the rows to the client; in psql, \\copy ... TO 'file' writes a local file")
			}
			c.fail(dest, "", "write COPY (query) TO STDOUT")
			return c.err
		}
	}
	if err := c.copyOptions(spec); err != nil {
		return err
	}
	st.Kind = Copy
	st.Copy = spec
	st.Inner = inner
	return nil
}

// copyOptions reads COPY's options, after its direction, into spec and
// checks them as PostgreSQL does.
func (c *ucur) copyOptions(spec *CopySpec) *Error {
	src, toks := c.src, c.toks
	var delim, null, quote, escape *string
	format := ""
	from := spec.From
	onlyFrom := func(opt token, what string) {
		if !from && c.err == nil {
			c.err = errAt(src, opt.start, CodeFeatureNotSupported, "COPY "+what+" only available using COPY FROM", "")
		}
	}
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
				if t := c.tok(0); (t.kind == tIdent || t.kind == tString) && strings.EqualFold(t.val, "match") {
					c.i++
					spec.Header, spec.HeaderMatch = true, true
					if !from && c.err == nil {
						c.err = errAt(src, t.start, CodeFeatureNotSupported, "cannot use \"match\" with HEADER in COPY TO", "")
					}
					break
				}
				spec.Header = c.copyBool()
			case "quote":
				quote = c.copyString()
			case "escape":
				escape = c.copyString()
			case "force_quote":
				if from && c.err == nil {
					c.err = errAt(src, opt.start, CodeFeatureNotSupported, "COPY force quote only available using COPY TO", "")
				}
				if c.tok(0).kind == tOp && c.tok(0).val == "*" {
					c.i++
					spec.ForceQuoteAll = true
				} else {
					spec.ForceQuote = c.copyColumns()
				}
			case "force_not_null":
				onlyFrom(opt, "force not null")
				spec.ForceNotNull = c.copyColumns()
			case "force_null":
				onlyFrom(opt, "force null")
				spec.ForceNull = c.copyColumns()
			case "freeze":
				// A loading hint; Strata's writes need no freezing.
				onlyFrom(opt, "freeze")
				c.copyBool()
			case "encoding":
				if t := c.tok(0); t.kind == tIdent {
					c.i++
					if !isUTF8(t.val) && c.err == nil {
						c.err = errAt(src, opt.start, CodeFeatureNotSupported, "COPY encoding \""+t.val+"\" is not supported", "Strata reads and writes UTF8")
					}
					break
				}
				if e := c.copyString(); e != nil && !isUTF8(*e) {
					c.err = errAt(src, opt.start, CodeFeatureNotSupported, "COPY encoding \""+*e+"\" is not supported", "Strata reads and writes UTF8")
				}
			default:
				if c.err == nil {
					c.err = errAt(src, opt.start, CodeSyntaxError, "option \""+name+"\" not recognized", "COPY takes FORMAT, DELIMITER, NULL, HEADER, QUOTE, ESCAPE, FORCE_QUOTE (TO), FORCE_NOT_NULL and FORCE_NULL (FROM) and ENCODING")
				}
			}
		})
	} else {
		seen := map[string]bool{}
		for c.err == nil && !c.done() && !c.tok(0).word("where") {
			opt := c.tok(0)
			word := strings.ToLower(opt.val)
			if word == "force" {
				word += " " + strings.ToLower(c.tok(1).val)
			}
			if seen[word] && opt.kind == tIdent {
				c.err = errAt(src, opt.start, CodeSyntaxError, "conflicting or redundant options", "")
				break
			} else {
				seen[word] = true
			}
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
				if from && c.err == nil {
					c.err = errAt(src, opt.start, CodeFeatureNotSupported, "COPY force quote only available using COPY TO", "")
				}
				if c.tok(0).kind == tOp && c.tok(0).val == "*" {
					c.i++
					spec.ForceQuoteAll = true
					break
				}
				spec.ForceQuote = c.nameList()
			case c.accept("force", "not", "null"):
				onlyFrom(opt, "force not null")
				spec.ForceNotNull = c.nameList()
			default:
				c.fail(c.tok(0), "", "")
			}
		}
	}
	if w := c.tok(0); from && c.err == nil && w.word("where") {
		return errAt(src, w.start, CodeFeatureNotSupported, "COPY FROM ... WHERE is not supported", "load the rows, then query them with WHERE")
	}
	c.end()
	if c.err != nil {
		return c.err
	}
	bad := func(msg string) *Error { return errAt(src, toks[0].start, CodeFeatureNotSupported, msg, "") }
	invalid := func(msg string) *Error { return errAt(src, toks[0].start, "22023", msg, "") }
	syntax := func(msg string) *Error { return errAt(src, toks[0].start, CodeSyntaxError, msg, "") }
	switch format {
	case "", "text":
	case "csv":
		spec.CSV = true
	case "binary":
		if !from {
			return bad("COPY TO in binary format is not supported; use FORMAT text or csv")
		}
		spec.Binary = true
		switch {
		case delim != nil:
			return syntax("cannot specify DELIMITER in BINARY mode")
		case null != nil:
			return syntax("cannot specify NULL in BINARY mode")
		case spec.Header:
			return syntax("cannot specify HEADER in BINARY mode")
		}
	default:
		return invalid("COPY format \"" + format + "\" not recognized")
	}
	spec.Delimiter, spec.Null, spec.Quote = '\t', `\N`, '"'
	if spec.CSV {
		spec.Delimiter, spec.Null = ',', ""
	}
	if delim != nil {
		if len(*delim) != 1 {
			return bad("COPY delimiter must be a single one-byte character")
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
	if !spec.CSV && (spec.ForceNotNull != nil || spec.ForceNull != nil) {
		return bad("COPY FORCE_NOT_NULL and FORCE_NULL are available only in CSV mode")
	}
	if quote != nil {
		if len(*quote) != 1 {
			return bad("COPY quote must be a single one-byte character")
		}
		spec.Quote = (*quote)[0]
	}
	spec.Escape = spec.Quote
	if escape != nil {
		if len(*escape) != 1 {
			return bad("COPY escape must be a single one-byte character")
		}
		spec.Escape = (*escape)[0]
	}
	if spec.CSV && (spec.Delimiter == spec.Quote) {
		return invalid("COPY delimiter and quote must be different")
	}
	if !spec.Binary && strings.IndexByte(spec.Null, spec.Delimiter) >= 0 {
		return bad("COPY delimiter must not appear in the NULL specification")
	}
	if spec.CSV && strings.IndexByte(spec.Null, spec.Quote) >= 0 {
		return bad("CSV quote character must not appear in the NULL specification")
	}
	for _, cols := range [][]string{spec.ForceNotNull, spec.ForceNull, spec.ForceQuote} {
		for i, c := range cols {
			if slices.Contains(cols[:i], c) {
				return errAt(src, toks[0].start, "42701", "column \""+c+"\" specified more than once", "")
			}
		}
	}
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
