package sql

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"

	// The TiDB parser needs a value-expression driver to build literals.
	_ "github.com/pingcap/tidb/pkg/parser/test_driver"
)

// tidbMode is the SQL mode the rewritten text is written for: "quoted" are
// identifiers, || concatenates, backslashes in strings are literal.
const tidbMode = mysql.ModeANSIQuotes | mysql.ModePipesAsConcat | mysql.ModeNoBackslashEscapes

// parsers pools TiDB parsers, which are not safe for concurrent use.
var parsers = sync.Pool{New: func() any {
	p := parser.New()
	p.SetSQLMode(tidbMode)
	return p
}}

func tidbParse(sql string) (ast.StmtNode, error) {
	p := parsers.Get().(*parser.Parser)
	defer parsers.Put(p)
	return p.ParseOneStmt(sql, "", "")
}

// mapTiDBError turns a TiDB parse error into an *Error at the user's token.
// TiDB reports `near "<rest of the text>"` from the token it stopped at; the
// rest's length gives the offset in the rewritten text, and the output token
// covering that offset gives the user's token.
func mapTiDBError(src string, toks []token, out []outTok, starts []int, sql string, err error) *Error {
	msg := err.Error()
	if lit, ok := illegalDouble(msg); ok {
		// A number past double precision's range (1e400): numeric values
		// are held as double precision.
		pos := toks[0].start
		for _, t := range toks {
			if t.kind == tNumber && strings.EqualFold(t.val, lit) {
				pos = t.start
				break
			}
		}
		return errAt(src, pos, "22003", fmt.Sprintf("%q is out of range for type double precision", lit),
			"Strata holds numeric values as double precision, up to about 1.8e308")
	}
	i := strings.Index(msg, "near \"")
	if i < 0 {
		return errAt(src, toks[0].start, CodeSyntaxError, "syntax error: "+msg, "")
	}
	rest := msg[i+len("near \""):]
	j := strings.LastIndexByte(rest, '"')
	if j < 0 {
		j = len(rest)
	}
	rest = rest[:j]
	var off int
	if len(rest) < 2048 {
		off = len(sql) - len(rest)
	} else {
		off = strings.Index(sql, rest)
	}
	if off < 0 || off >= len(sql) || strings.TrimSpace(rest) == "" {
		end := toks[len(toks)-1].end
		e := errAt(src, end, CodeSyntaxError, "syntax error at end of input", "")
		return e
	}
	k := sort.SearchInts(starts, off+1) - 1
	if k < 0 {
		k = 0
	}
	o := out[k]
	if e := windowCallError(src, toks, o.orig); e != nil {
		return e
	}
	word := src[o.orig:o.origEnd]
	return errAt(src, o.orig, CodeSyntaxError, "syntax error at or near \""+word+"\"", "")
}

// windowOnly are the functions that exist only as window functions.
var windowOnly = map[string]bool{
	"row_number": true, "rank": true, "dense_rank": true, "percent_rank": true, "cume_dist": true, "ntile": true,
	"lag": true, "lead": true, "first_value": true, "last_value": true, "nth_value": true,
}

// windowCallError is PostgreSQL's error for the window calls the parser
// stops at (the token starting at at) right after a call's parentheses: a
// window function without OVER (42809), and OVER after an aggregate with
// DISTINCT or after an ordered-set aggregate (0A000). nil otherwise.
func windowCallError(src string, toks []token, at int) *Error {
	k := sort.Search(len(toks), func(i int) bool { return toks[i].start >= at })
	if k == len(toks) || toks[k].start != at {
		return nil
	}
	// open is the "(" matching the ")" before toks[i], -1 if none.
	open := func(i int) int {
		if i < 1 || !toks[i-1].punct(")") {
			return -1
		}
		return opening(toks, i-1)
	}
	name := func(j int) string {
		if j < 1 || toks[j-1].kind != tIdent {
			return ""
		}
		return strings.ToLower(toks[j-1].val)
	}
	j := open(k)
	if j < 0 {
		return nil
	}
	over := toks[k].word("over")
	if !over {
		if f := name(j); windowOnly[f] {
			return errAt(src, toks[j-1].start, "42809", "window function "+f+" requires an OVER clause",
				"add one: "+f+"(...) OVER (ORDER BY time), or OVER (PARTITION BY ... ORDER BY ...)")
		}
		return nil
	}
	if j >= 2 && toks[j-1].word("group") && toks[j-2].word("within") {
		// f(...) WITHIN GROUP (ORDER BY x) OVER
		if f := name(open(j - 2)); f != "" {
			return errAt(src, toks[k].start, CodeFeatureNotSupported, "OVER is not supported for ordered-set aggregate "+f,
				"compute it in a subquery grouped by the window's partition and join it back")
		}
		return nil
	}
	if j+1 < k && toks[j+1].word("distinct") && name(j) != "" {
		return errAt(src, toks[k].start, CodeFeatureNotSupported, "DISTINCT is not implemented for window functions",
			"aggregate the distinct values in a subquery grouped by the window's partition and join it back")
	}
	return nil
}

// illegalDouble reads the number out of TiDB's error for a literal past
// float64's range.
func illegalDouble(msg string) (string, bool) {
	const pre = "Illegal double '"
	i := strings.Index(msg, pre)
	if i < 0 {
		return "", false
	}
	rest := msg[i+len(pre):]
	j := strings.IndexByte(rest, '\'')
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

// checkKind verifies that TiDB produced the statement type the first
// keyword announced.
func checkKind(src string, toks []token, st *Statement, kind Kind) *Error {
	ok := false
	switch st.AST.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		ok = kind == Select
	case *ast.InsertStmt:
		ok = kind == Insert
	case *ast.DeleteStmt:
		if st.AST.(*ast.DeleteStmt).IsMultiTable {
			return errAt(src, toks[0].start, CodeFeatureNotSupported, "DELETE ... USING is not supported", "name the other tables in a subquery: DELETE FROM t WHERE hostname IN (SELECT ...)")
		}
		ok = kind == Delete
	case *ast.UpdateStmt:
		if st.AST.(*ast.UpdateStmt).MultipleTable {
			return errAt(src, toks[0].start, CodeFeatureNotSupported, "UPDATE of several tables is not supported", "")
		}
		ok = kind == Update
	}
	if !ok {
		return errAt(src, toks[0].start, CodeFeatureNotSupported, "this statement form is not supported", "")
	}
	return nil
}
