package sql

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Parse splits text into statements and parses each one. Empty or
// comment-only text yields one Statement of Kind Empty; empty statements
// between semicolons are skipped. Errors are *Error values with positions
// relative to text. Parse is safe for concurrent use.
func Parse(text string) ([]*Statement, error) {
	toks, names, lerr := lexNamed(text)
	if lerr != nil {
		return nil, lerr
	}
	var stmts []*Statement
	start := 0
	for k := 0; k <= len(toks); k++ {
		if k < len(toks) && !toks[k].punct(";") {
			continue
		}
		if k > start {
			st, err := parseStatement(text, toks[start:k])
			if err != nil {
				return nil, err
			}
			st.ParamNames = names
			stmts = append(stmts, st)
		}
		start = k + 1
	}
	if len(stmts) == 0 {
		return []*Statement{{Kind: Empty}}, nil
	}
	return stmts, nil
}

// parseStatement parses the tokens of one statement (non-empty, no ';').
func parseStatement(src string, toks []token) (*Statement, *Error) {
	first := toks[0]
	st := &Statement{Text: src[first.start:toks[len(toks)-1].end], Offset: first.start}
	if first.punct("(") {
		return st, parseQuery(src, toks, st, Select)
	}
	if first.kind != tIdent {
		return nil, errAt(src, first.start, CodeSyntaxError, "syntax error at or near \""+src[first.start:first.end]+"\"", "")
	}
	switch first.val {
	case "with":
		if ins, ok := withInsert(toks); ok {
			return st, parseChange(src, ins, st, Insert)
		}
		return st, parseQuery(src, toks, st, Select)
	case "select", "table", "values":
		if err, ok := selectInto(src, toks, st); ok {
			return st, err
		}
		return st, parseQuery(src, toks, st, Select)
	case "insert":
		return st, parseChange(src, toks, st, Insert)
	case "delete":
		return st, parseChange(src, toks, st, Delete)
	case "update":
		return st, parseChange(src, toks, st, Update)
	case "explain":
		return st, parseExplain(src, toks, st)
	case "declare":
		return st, parseDeclare(src, toks, st)
	case "prepare":
		if len(toks) > 1 && toks[1].word("transaction") {
			return nil, errAt(src, first.start, CodeFeatureNotSupported, "PREPARE TRANSACTION is not supported", "Strata has no two-phase commit")
		}
		return st, parsePrepare(src, toks, st)
	case "execute":
		return st, parseExecute(src, toks, st)
	case "copy":
		return st, parseCopy(src, toks, st)
	case "show":
		if q, ok := influxShow(toks); ok {
			sub, err := parseStatement(q, mustLex(q))
			if err != nil {
				return nil, err
			}
			sub.Text, sub.Offset = st.Text, st.Offset
			return sub, nil
		}
		return st, parseUtility(src, toks, st)
	case "set", "reset", "begin", "start", "commit", "end", "abort", "rollback", "savepoint",
		"release", "discard", "deallocate", "close", "listen", "unlisten", "fetch", "move":
		return st, parseUtility(src, toks, st)
	case "drop":
		return st, parseDrop(src, toks, st)
	case "truncate":
		return st, parseTruncate(src, toks, st)
	case "create":
		return st, parseCreate(src, toks, st)
	case "alter":
		return st, parseAlter(src, toks, st)
	case "refresh":
		return st, parseRefresh(src, toks, st)
	case "call":
		return st, parseCall(src, toks, st)
	case "comment":
		return st, parseComment(src, toks, st)
	case "merge", "grant", "revoke",
		"vacuum", "analyze", "analyse", "notify", "lock", "do",
		"cluster", "reindex", "checkpoint", "load", "security", "import", "reassign":
		return nil, errAt(src, first.start, CodeFeatureNotSupported,
			strings.ToUpper(first.val)+" is not supported", "supported statements are SELECT, INSERT, UPDATE, DELETE, CREATE TABLE, TRUNCATE, DROP TABLE, EXPLAIN, COPY ... TO STDOUT, COPY table FROM STDIN and session commands (SET, SHOW, BEGIN, ...)")
	}
	return nil, errAt(src, first.start, CodeSyntaxError, "syntax error at or near \""+src[first.start:first.end]+"\"", "")
}

// selectInto parses SELECT list INTO [UNLOGGED] [TABLE] name FROM ...,
// PostgreSQL's older spelling of CREATE TABLE name AS SELECT list FROM
// ..., as that CREATE TABLE; ok is false when the SELECT has no INTO
// after its select list. INTO TEMP is refused as CREATE TEMPORARY TABLE
// is.
func selectInto(src string, toks []token, st *Statement) (*Error, bool) {
	at := topLevel(toks, func(t token) bool { return t.word("into") }, func(t token) bool {
		return t.kind == tIdent && (t.val == "from" || t.val == "where" || t.val == "group" || t.val == "union" ||
			t.val == "intersect" || t.val == "except" || t.val == "order" || t.val == "limit" || t.val == "window" || t.val == "having")
	})
	if at < 0 {
		return nil, false
	}
	c := &ucur{src: src, toks: toks, i: at + 1}
	if t := c.tok(0); t.word("temp") || t.word("temporary") || t.word("local") || t.word("global") {
		return errAt(src, t.start, CodeFeatureNotSupported, "SELECT INTO TEMPORARY is not supported", "Strata's tables are stored and shared: create a table, and DROP TABLE it after"), true
	}
	c.accept("unlogged")
	c.accept("table")
	ref := c.oneTableRef(false)
	if c.err != nil {
		return c.err, true
	}
	rest := append(append([]token(nil), toks[:at]...), toks[c.i:]...)
	q := &Statement{Text: src[rest[0].start:rest[len(rest)-1].end], Offset: rest[0].start}
	if err := parseQuery(src, rest, q, Select); err != nil {
		return err, true
	}
	st.Kind, st.Create = CreateTable, &TableDef{Table: ref, As: q}
	return nil, true
}

// parseChange parses an INSERT, UPDATE or DELETE, with its RETURNING
// list (the statement's last clause, at its top level) parsed as a
// SELECT's into Statement.Returning.
func parseChange(src string, toks []token, st *Statement, kind Kind) *Error {
	k := topLevel(toks, func(t token) bool { return t.word("returning") }, nil)
	if k < 0 {
		return parseQuery(src, toks, st, kind)
	}
	t, list := toks[k], toks[k+1:]
	if len(list) == 0 {
		return errAt(src, t.end, CodeSyntaxError, "syntax error at end of input", "")
	}
	for _, p := range list {
		if p.kind == tParam {
			return errAt(src, p.start, CodeFeatureNotSupported, "parameters in RETURNING are not supported", "return the columns and compute with the value client-side")
		}
	}
	ret := &Statement{Text: src[list[0].start:list[len(list)-1].end], Offset: list[0].start}
	sel := append([]token{{kind: tIdent, val: "select", start: t.start, end: t.end}}, list...)
	if err := parseQuery(src, sel, ret, Select); err != nil {
		return err
	}
	if s, ok := ret.AST.(*ast.SelectStmt); !ok || s.From != nil || s.Where != nil || s.GroupBy != nil || s.Having != nil || s.OrderBy != nil || s.Limit != nil || s.Distinct {
		return errAt(src, list[0].start, CodeSyntaxError, "RETURNING takes a list of expressions over the row", "")
	}
	if err := parseQuery(src, toks[:k], st, kind); err != nil {
		return err
	}
	st.Returning = ret
	return nil
}

// topLevel is the index of the first token outside parentheses that want
// accepts; -1 when there is none, or when a token stop (when set)
// accepts comes first.
func topLevel(toks []token, want, stop func(t token) bool) int {
	depth := 0
	for k, t := range toks {
		switch {
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
		case depth == 0 && stop != nil && stop(t):
			return -1
		case depth == 0 && want(t):
			return k
		}
	}
	return -1
}

// withInsert reorders WITH ctes INSERT INTO t [(cols)] query as INSERT
// INTO t [(cols)] WITH ctes query, the form TiDB's parser reads (the
// tokens keep their places in the text, for error positions); ok is false
// when the WITH does not lead an INSERT.
func withInsert(toks []token) ([]token, bool) {
	at := topLevel(toks, func(t token) bool { return t.word("insert") },
		func(t token) bool { return t.word("select") || t.word("values") || t.word("table") })
	if at < 0 {
		return nil, false
	}
	// The INSERT's head ends where its query starts: SELECT, VALUES,
	// TABLE or a parenthesized query, at depth 0 after the column list.
	end := -1
	depth := 0
	for i := at + 1; i < len(toks) && end < 0; i++ {
		t := toks[i]
		switch {
		case t.punct("(") && depth == 0 && i+1 < len(toks) && (toks[i+1].word("select") || toks[i+1].word("values")):
			end = i
		case t.punct("("):
			depth++
		case t.punct(")"):
			depth--
		case depth == 0 && (t.word("select") || t.word("values") || t.word("table")):
			end = i
		}
	}
	if end < 0 {
		return nil, false
	}
	out := make([]token, 0, len(toks))
	out = append(out, toks[at:end]...)
	out = append(out, toks[:at]...)
	return append(out, toks[end:]...), true
}

// parseQuery rewrites and parses a SELECT, INSERT, UPDATE or DELETE.
func parseQuery(src string, toks []token, st *Statement, kind Kind) *Error {
	r := &rewriter{src: src, toks: toks, kind: kind, out: make([]outTok, 0, len(toks)+len(toks)/4+8), frameAt: -1}
	if err := r.rewrite(); err != nil {
		return err
	}
	sql, starts := r.render()
	node, err := tidbParse(sql)
	if err != nil {
		return mapTiDBError(src, toks, r.out, starts, sql, err)
	}
	st.Kind = kind
	st.Rewritten = sql
	st.AST = node
	st.Catalogs = r.catalogs
	st.MaterializedCTEs = r.materialized
	st.OnConflict = r.onConflict
	st.InsertAlias = r.insertAlias
	if e := postProcess(st, r.out); e != nil {
		return errAt(src, toks[0].start, e.code, e.msg, e.hint)
	}
	if ins, ok := node.(*ast.InsertStmt); ok && r.onConflict != nil && !r.onConflict.Nothing {
		// After postProcess: DO UPDATE's expressions are finished and
		// their parameters numbered with the others.
		if e := conflictUpdate(ins, r.onConflict); e != nil {
			return errAt(src, toks[0].start, e.code, e.msg, e.hint)
		}
	}
	if err := checkKind(src, toks, st, kind); err != nil {
		return err
	}
	if err := r.pendingErr(); err != nil {
		return err // LIMIT 1 / 0: after every syntax error
	}
	return nil
}

// influxShow is the query behind InfluxDB 3's (DataFusion's) schema
// commands, which users bring from its docs: SHOW TABLES, and SHOW
// COLUMNS {FROM | IN} table, over information_schema with DataFusion's
// columns. ok is false for PostgreSQL's SHOW of a setting.
func influxShow(toks []token) (string, bool) {
	word := func(i int, w string) bool { return i < len(toks) && toks[i].kind == tIdent && toks[i].val == w }
	switch {
	case len(toks) == 2 && word(1, "tables"):
		return "SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables ORDER BY table_schema, table_name", true
	case len(toks) >= 4 && word(1, "columns") && (word(2, "from") || word(2, "in")):
		name := toks[3:]
		schema := ""
		if len(name) == 3 && name[1].punct(".") {
			schema, name = name[0].val, name[2:]
		}
		if len(name) != 1 || (name[0].kind != tIdent && name[0].kind != tQIdent) {
			return "", false
		}
		q := "SELECT table_catalog, table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = " + quoteString(name[0].val)
		if schema != "" {
			q += " AND table_schema = " + quoteString(schema)
		}
		return q + " ORDER BY table_schema, ordinal_position", true
	}
	return "", false
}

// mustLex lexes text the package wrote itself.
func mustLex(text string) []token {
	toks, _, err := lexNamed(text)
	if err != nil {
		panic(err)
	}
	return toks
}
