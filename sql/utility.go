package sql

import (
	"slices"
	"strconv"
	"strings"
)

// ucur walks the tokens of a utility statement.
type ucur struct {
	src  string
	toks []token
	i    int
	err  *Error
}

func (c *ucur) tok(k int) token {
	if c.i+k < len(c.toks) {
		return c.toks[c.i+k]
	}
	return eofTok
}

func (c *ucur) done() bool { return c.i >= len(c.toks) }

// accept consumes the word w if it is next.
func (c *ucur) accept(words ...string) bool {
	for k, w := range words {
		if !c.tok(k).word(w) {
			return false
		}
	}
	c.i += len(words)
	return true
}

func (c *ucur) fail(t token, msg, hint string) {
	if c.err != nil {
		return
	}
	if t == eofTok {
		end := c.toks[len(c.toks)-1].end
		c.err = errAt(c.src, end, CodeSyntaxError, "syntax error at end of input", hint)
		return
	}
	if msg == "" {
		msg = "syntax error at or near \"" + c.src[t.start:t.end] + "\""
	}
	c.err = errAt(c.src, t.start, CodeSyntaxError, msg, hint)
}

func (c *ucur) unsupported(t token, what string) {
	if c.err == nil {
		c.err = errAt(c.src, t.start, CodeFeatureNotSupported, what+" is not supported", "")
	}
}

// name reads an identifier (unquoted: lower case; quoted: exact).
func (c *ucur) name() string {
	t := c.tok(0)
	if t.kind != tIdent && t.kind != tQIdent {
		c.fail(t, "", "")
		return ""
	}
	c.i++
	return t.val
}

// dottedName reads name(.name)*.
func (c *ucur) dottedName() string {
	n := c.name()
	for c.err == nil && c.tok(0).punct(".") {
		c.i++
		n += "." + c.name()
	}
	return n
}

// list reads the rest of a parenthesised list after its '(': item reads one
// element (setting c.err when it fails), then ',' goes on and ')' ends it.
func (c *ucur) list(item func()) {
	for c.err == nil {
		item()
		if c.tok(0).punct(",") {
			c.i++
			continue
		}
		if !c.tok(0).punct(")") {
			c.fail(c.tok(0), "", "")
		}
		c.i++
		return
	}
}

// nameList reads name [, name ...].
func (c *ucur) nameList() []string {
	var names []string
	for c.err == nil {
		names = append(names, c.name())
		if !c.tok(0).punct(",") {
			break
		}
		c.i++
	}
	return names
}

// parenNames reads (name, ...); the next token is the '('.
func (c *ucur) parenNames() []string {
	c.i++
	var names []string
	c.list(func() { names = append(names, c.name()) })
	return names
}

// end requires that all tokens were consumed.
func (c *ucur) end() {
	if c.err == nil && !c.done() {
		c.fail(c.tok(0), "", "")
	}
}

// parseUtility parses session, transaction and cursor commands.
func parseUtility(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	switch w := toks[0].val; w {
	case "set":
		c.set(st)
	case "show":
		st.Kind = Show
		switch {
		case c.accept("all"):
			st.All = true
		case c.accept("time", "zone"):
			st.Name = "timezone"
		case c.accept("transaction", "isolation", "level"):
			st.Name = "transaction_isolation"
		case c.accept("session", "authorization"):
			st.Name = "session_authorization"
		default:
			st.Name = c.dottedName()
		}
	case "reset":
		st.Kind = Reset
		switch {
		case c.accept("all"):
			st.All = true
		case c.accept("time", "zone"):
			st.Name = "timezone"
		case c.accept("session", "authorization"):
			st.Name = "session_authorization"
		default:
			st.Name = c.dottedName()
		}
	case "begin", "start":
		st.Kind = Begin
		if w == "start" && !c.accept("transaction") {
			c.fail(c.tok(0), "", "write START TRANSACTION")
			break
		}
		if w == "begin" && !c.accept("work") {
			c.accept("transaction")
		}
		st.Values = c.txnModes()
	case "commit", "end":
		st.Kind = Commit
		if c.tok(0).word("prepared") {
			c.unsupported(c.tok(0), "COMMIT PREPARED")
		}
		st.Chain = c.txnTail()
	case "abort", "rollback":
		st.Kind = Rollback
		if c.tok(0).word("prepared") {
			c.unsupported(c.tok(0), "ROLLBACK PREPARED")
			break
		}
		if !c.accept("work") {
			c.accept("transaction")
		}
		if w == "rollback" && c.accept("to") {
			st.Kind = RollbackTo
			c.accept("savepoint")
			st.Name = c.name()
			break
		}
		st.Chain = c.txnTail()
	case "savepoint":
		st.Kind = Savepoint
		st.Name = c.name()
	case "release":
		st.Kind = Release
		c.accept("savepoint")
		st.Name = c.name()
	case "discard":
		st.Kind = Discard
		t := c.tok(0)
		switch {
		case c.accept("all"):
			st.Name, st.All = "all", true
		case c.accept("plans"), c.accept("sequences"):
			st.Name = t.val
		case c.accept("temp"), c.accept("temporary"):
			st.Name = "temp"
		default:
			c.fail(t, "", "DISCARD takes ALL, PLANS, SEQUENCES or TEMP")
		}
	case "deallocate":
		st.Kind = Deallocate
		c.accept("prepare")
		if c.accept("all") {
			st.All = true
		} else {
			st.Name = c.name()
		}
	case "close":
		st.Kind = Close
		if c.accept("all") {
			st.All = true
		} else {
			st.Name = c.name()
		}
	case "listen":
		st.Kind = Listen
		st.Name = c.name()
	case "unlisten":
		st.Kind = Unlisten
		if c.tok(0).is(tOp, "*") {
			c.i++
			st.All = true
		} else {
			st.Name = c.name()
		}
	case "fetch", "move":
		st.Kind = Fetch
		if w == "move" {
			st.Kind = Move
		}
		st.Fetch = c.fetchSpec()
		if !c.accept("from") {
			c.accept("in")
		}
		st.Name = c.name()
	}
	c.end()
	return c.err
}

// txnTail parses [WORK|TRANSACTION] [AND [NO] CHAIN] after COMMIT/ROLLBACK.
func (c *ucur) txnTail() (chain bool) {
	if !c.accept("work") {
		c.accept("transaction")
	}
	if c.accept("and", "no", "chain") {
		return false
	}
	return c.accept("and", "chain")
}

// txnModes parses transaction modes into normalised strings.
func (c *ucur) txnModes() []string {
	var modes []string
	for c.err == nil && !c.done() {
		switch {
		case c.accept("isolation", "level"):
			switch {
			case c.accept("serializable"):
				modes = append(modes, "isolation level serializable")
			case c.accept("repeatable", "read"):
				modes = append(modes, "isolation level repeatable read")
			case c.accept("read", "committed"):
				modes = append(modes, "isolation level read committed")
			case c.accept("read", "uncommitted"):
				modes = append(modes, "isolation level read uncommitted")
			default:
				c.fail(c.tok(0), "", "isolation levels are SERIALIZABLE, REPEATABLE READ, READ COMMITTED, READ UNCOMMITTED")
			}
		case c.accept("read", "only"):
			modes = append(modes, "read only")
		case c.accept("read", "write"):
			modes = append(modes, "read write")
		case c.accept("deferrable"):
			modes = append(modes, "deferrable")
		case c.accept("not", "deferrable"):
			modes = append(modes, "not deferrable")
		default:
			c.fail(c.tok(0), "", "")
		}
		if c.tok(0).punct(",") {
			c.i++
		}
	}
	return modes
}

// set parses the forms of SET.
func (c *ucur) set(st *Statement) {
	st.Kind = Set
	if c.accept("local") {
		st.Local = true
	} else if c.tok(0).word("session") && !c.tok(1).word("authorization") && !c.tok(1).word("characteristics") {
		c.i++
	}
	switch {
	case c.accept("time", "zone"):
		st.Name = "timezone"
		if c.accept("local") || c.accept("default") {
			st.Default = true
			return
		}
		st.Values = c.values()
		return
	case c.accept("session", "authorization"):
		st.Name = "session_authorization"
		if c.accept("default") {
			st.Default = true
			return
		}
		st.Values = c.values()
		return
	case c.accept("session", "characteristics", "as", "transaction"):
		st.Name = "session_characteristics"
		st.Values = c.txnModes()
		return
	case c.accept("transaction"):
		st.Name = "transaction"
		st.Values = c.txnModes()
		return
	case c.accept("names"):
		st.Name = "client_encoding"
	case c.accept("schema"):
		st.Name = "search_path"
	case c.accept("role"):
		st.Name = "role"
	default:
		st.Name = c.dottedName()
		if c.err != nil {
			return
		}
		if !c.tok(0).is(tOp, "=") && !c.accept("to") {
			c.fail(c.tok(0), "", "write SET name = value or SET name TO value")
			return
		}
		if c.tok(0).is(tOp, "=") {
			c.i++
		}
	}
	if c.tok(0).word("default") && len(c.toks) == c.i+1 {
		c.i++
		st.Default = true
		return
	}
	st.Values = c.values()
}

// values parses a comma-separated list of SET values.
func (c *ucur) values() []string {
	var vals []string
	for c.err == nil {
		t := c.tok(0)
		sign := ""
		if t.kind == tOp && (t.val == "-" || t.val == "+") && c.tok(1).kind == tNumber {
			sign = t.val
			c.i++
			t = c.tok(0)
		}
		switch t.kind {
		case tString, tIdent, tQIdent:
			vals = append(vals, t.val)
		case tNumber:
			vals = append(vals, sign+t.val)
		default:
			c.fail(t, "", "SET values are constants, names or quoted strings")
			return nil
		}
		c.i++
		if !c.tok(0).punct(",") {
			return vals
		}
		c.i++
	}
	return nil
}

// fetchSpec parses FETCH/MOVE's optional direction.
func (c *ucur) fetchSpec() *FetchSpec {
	f := &FetchSpec{Direction: FetchForward, Count: 1}
	count := func() (int64, bool) {
		t := c.tok(0)
		neg := false
		if t.is(tOp, "-") {
			neg = true
			c.i++
			t = c.tok(0)
		}
		if t.kind != tNumber {
			if neg {
				c.fail(t, "", "")
			}
			return 0, false
		}
		n, err := strconv.ParseInt(t.val, 10, 64)
		if err != nil {
			c.fail(t, "invalid row count "+t.val, "use an integer")
			return 0, false
		}
		c.i++
		if neg {
			n = -n
		}
		return n, true
	}
	switch {
	case c.accept("next"):
	case c.accept("prior"):
		f.Direction = FetchBackward
	case c.accept("first"):
		f.Direction = FetchAbsolute
	case c.accept("last"):
		f.Direction, f.Count = FetchAbsolute, -1
	case c.accept("absolute"):
		f.Direction = FetchAbsolute
		f.Count, _ = count()
	case c.accept("relative"):
		f.Direction = FetchRelative
		f.Count, _ = count()
	case c.accept("all"):
		f.All = true
	case c.tok(0).word("forward") || c.tok(0).word("backward"):
		if c.tok(0).val == "backward" {
			f.Direction = FetchBackward
		}
		c.i++
		if c.accept("all") {
			f.All = true
		} else if n, ok := count(); ok {
			f.Count = n
		}
	default:
		if n, ok := count(); ok {
			f.Count = n
		}
	}
	return f
}

// parseDeclare parses DECLARE name [BINARY] [ASENSITIVE|INSENSITIVE]
// [[NO] SCROLL] CURSOR [WITH|WITHOUT HOLD] FOR query.
func parseDeclare(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	st.Kind = Declare
	st.Name = c.name()
	cur := &Cursor{}
	for c.err == nil {
		switch {
		case c.accept("binary"):
			cur.Binary = true
		case c.accept("asensitive"), c.accept("insensitive"):
		case c.accept("no", "scroll"):
		case c.accept("scroll"):
			cur.Scroll = true
		default:
			goto cursor
		}
	}
cursor:
	if c.err == nil && !c.accept("cursor") {
		c.fail(c.tok(0), "", "write DECLARE name CURSOR FOR query")
	}
	if c.err == nil {
		if c.accept("with", "hold") {
			cur.Hold = true
		} else {
			c.accept("without", "hold")
		}
		if !c.accept("for") {
			c.fail(c.tok(0), "", "write DECLARE name CURSOR FOR query")
		}
	}
	inner, err := c.inner("DECLARE CURSOR requires a SELECT query", Select)
	if err != nil {
		return err
	}
	st.Cursor = cur
	st.Inner = inner
	return nil
}

// inner parses the rest of the tokens as the statement a DECLARE or
// PREPARE holds, which must be of one of kinds (else the error msg).
func (c *ucur) inner(msg string, kinds ...Kind) (*Statement, *Error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.done() {
		c.fail(eofTok, "", "")
		return nil, c.err
	}
	inner, err := parseStatement(c.src, c.toks[c.i:])
	if err != nil {
		return nil, err
	}
	if !slices.Contains(kinds, inner.Kind) {
		return nil, errAt(c.src, c.toks[c.i].start, CodeSyntaxError, msg, "")
	}
	return inner, nil
}

// parsePrepare parses PREPARE name [(type, ...)] AS statement: a query, an
// INSERT or a VALUES list, as PostgreSQL prepares.
func parsePrepare(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	st.Kind = Prepare
	st.Name = c.name()
	st.TypeNames = c.parenTexts()
	if c.err == nil && !c.accept("as") {
		c.fail(c.tok(0), "", "write PREPARE name [(type, ...)] AS statement")
	}
	inner, err := c.inner("PREPARE takes a SELECT, VALUES or INSERT statement", Select, Insert)
	if err != nil {
		return err
	}
	st.Inner = inner
	return nil
}

// parseExecute parses EXECUTE name [(argument, ...)].
func parseExecute(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	st.Kind = Execute
	st.Name = c.name()
	st.Args = c.parenTexts()
	c.end()
	return c.err
}

// parenTexts reads an optional parenthesized list's items as the text each
// was written with (a type name, an expression); nil when the next token
// is not '('.
func (c *ucur) parenTexts() []string {
	if c.err != nil || !c.tok(0).punct("(") {
		return nil
	}
	c.i++
	var out []string
	depth, from := 0, c.i
	for c.err == nil {
		if c.done() {
			c.fail(eofTok, "", "")
			return nil
		}
		t := c.tok(0)
		switch {
		case t.punct("(") || t.punct("["):
			depth++
		case (t.punct(")") || t.punct("]")) && depth > 0:
			depth--
		case depth == 0 && (t.punct(",") || t.punct(")")):
			if c.i == from {
				c.fail(t, "", "")
				return nil
			}
			out = append(out, c.src[c.toks[from].start:c.toks[c.i-1].end])
			c.i++
			if t.punct(")") {
				return out
			}
			from = c.i
			continue
		}
		c.i++
	}
	return nil
}

// parseExplain parses EXPLAIN [ANALYZE] [VERBOSE] stmt and
// EXPLAIN (option [value], ...) stmt.
func parseExplain(src string, toks []token, st *Statement) *Error {
	c := &ucur{src: src, toks: toks, i: 1}
	opts := &ExplainOptions{Format: "text"}
	if c.tok(0).punct("(") {
		c.i++
		c.list(func() {
			t := c.tok(0)
			name := c.name()
			val := "true"
			if v := c.tok(0); v.kind == tIdent || v.kind == tString || v.kind == tNumber {
				val = strings.ToLower(v.val)
				c.i++
			}
			on := val == "true" || val == "on" || val == "1"
			switch name {
			case "analyze", "analyse":
				opts.Analyze = on
			case "verbose":
				opts.Verbose = on
			case "format":
				opts.Format = val
			case "costs", "buffers", "timing", "summary", "settings", "wal":
			default:
				if c.err == nil {
					c.err = errAt(src, t.start, CodeSyntaxError, "unrecognized EXPLAIN option \""+name+"\"", "options are ANALYZE, VERBOSE, FORMAT, COSTS, BUFFERS, TIMING, SUMMARY")
				}
			}
		})
	} else {
		if c.accept("analyze") || c.accept("analyse") {
			opts.Analyze = true
		}
		if c.accept("verbose") {
			opts.Verbose = true
		}
	}
	if c.err != nil {
		return c.err
	}
	if c.done() {
		c.fail(eofTok, "", "")
		return c.err
	}
	inner, err := parseStatement(src, toks[c.i:])
	if err != nil {
		return err
	}
	if inner.Kind != Select && inner.Kind != Insert {
		return errAt(src, toks[c.i].start, CodeFeatureNotSupported, "EXPLAIN of "+inner.Kind.String()+" is not supported", "EXPLAIN a SELECT or INSERT")
	}
	st.Kind = Explain
	st.ExplainOpts = opts
	st.Inner = inner
	st.AST = inner.AST
	st.Rewritten = inner.Rewritten
	st.Params = inner.Params
	st.NumParams = inner.NumParams
	st.DistinctOn = inner.DistinctOn
	return nil
}
