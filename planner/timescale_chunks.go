package planner

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// TimescaleDB's show_chunks and drop_chunks over a table's day partitions
// (its chunks, as timescaledb_information.chunks names them):
//
//	show_chunks(relation, older_than, newer_than, created_before, created_after)           SETOF regclass
//	drop_chunks(relation, older_than, newer_than, verbose, created_before, created_after)  SETOF text
//
// A chunk is older than a time when its whole day ends at or before it,
// newer when it starts at or after it; created_before/after compare when
// it was created. A bound is a timestamp (with or without time zone, a
// date) or an interval, read as that long before now(). drop_chunks
// deletes the chunks it returns, files and buffered rows, when the
// statement runs (not when it is planned or described).

// chunkSource is the engine capability behind the functions.
type chunkSource interface {
	TableChunks(db, table string) []storage.Chunk
	DropChunks(ctx context.Context, db, table string, match func(storage.Chunk) bool) ([]storage.Chunk, error)
}

// chunkFunction binds show_chunks or drop_chunks in FROM (or, rewritten
// there, in a select list); f is the call with its arguments as written.
func (b *binder) chunkFunction(name string, f *ast.FuncCallExpr, alias, col string) (*scope, error) {
	drop := name == "drop_chunks"
	nargs := len(f.Args) - 1
	if nargs < 1 || !drop && nargs > 5 || drop && nargs > 6 {
		if drop {
			return nil, errorf(CodeUndefinedFunc, "function drop_chunks takes one to six arguments: drop_chunks(relation, older_than, newer_than, verbose, created_before, created_after)")
		}
		return nil, errorf(CodeUndefinedFunc, "function show_chunks takes one to five arguments: show_chunks(relation, older_than, newer_than, created_before, created_after)")
	}
	in, args, err := b.relationFuncArgs(f)
	if err != nil {
		return nil, err
	}
	if drop && nargs > 3 {
		args = append(args[:3], args[4:]...) // verbose only logs
	}
	names := []string{"older_than", "newer_than", "created_before", "created_after"}
	for i := 1; i < len(args); i++ {
		x := args[i]
		if isNullLiteral(x) {
			continue
		}
		if _, untyped := x.(*unknownLit); !untyped {
			switch x.Type().ID() {
			case arrow.INTERVAL_MONTH_DAY_NANO, arrow.TIMESTAMP, arrow.DATE32:
			default:
				pg := typeName(int64((&selectBinder{b: b, in: in}).pgTypeOf(f.Args[i+1+skipped(drop, i)], x)))
				e := errorf(CodeDatatype, "invalid time argument type %q for %s", pg, names[i-1])
				e.Hint = "give a timestamp with time zone, a date or an interval (how long before now())"
				return nil, e
			}
			if x.Type().ID() == arrow.INTERVAL_MONTH_DAY_NANO {
				continue
			}
		}
		if args[i], err = b.coerce(x, exec.TypeTimestamptz); err != nil {
			return nil, err
		}
	}

	db, tables := b.sess.Database, b.tablesByOID()
	src, _ := any(b.p.Engine).(chunkSource)
	b.volatile = true // chunks come and go with writes
	pg := uint32(2205)
	if drop {
		pg = 25
	}
	return derivedScope(&TableFunc{Name: name, Args: args, Cols: []Column{{Name: col, Type: exec.TypeText, PGType: pg}},
		rows: func(c *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil // a NULL relation: none, as TimescaleDB's strict functions
			}
			table, err := hypertableOf(tables, vals[0].(int64), src != nil)
			if err != nil {
				return nil, err
			}
			bounds := make([]int64, len(names))
			given := make([]bool, 4)
			for i, v := range vals[1:] {
				switch v := v.(type) {
				case exec.Timestamp:
					bounds[i], given[i] = int64(v), true
				case arrow.MonthDayNanoInterval:
					ts, ok := exec.AddInterval(c.Now.UnixNano(), arrow.MonthDayNanoInterval{Months: -v.Months, Days: -v.Days, Nanoseconds: -v.Nanoseconds}, c.Location)
					if !ok {
						return nil, errorf(CodeDatetimeOverflow, "timestamp out of range: now() - the %s interval", names[i])
					}
					bounds[i], given[i] = ts, true
				}
			}
			if drop && !given[0] && !given[1] && !given[2] && !given[3] {
				e := errorf("22023", "invalid time range for dropping chunks")
				e.Hint = "give at least one of older_than, newer_than, created_before or created_after"
				return nil, e
			}
			if (given[0] || given[1]) && (given[2] || given[3]) {
				return nil, errorf("22023", "cannot specify older_than or newer_than together with created_before or created_after")
			}
			if given[0] && given[1] && bounds[0] <= bounds[1] {
				e := errorf("22023", "invalid time range")
				e.Hint = "older_than must be later than newer_than: together they give the chunks between them"
				return nil, e
			}
			if given[2] && given[3] && bounds[2] <= bounds[3] {
				e := errorf("22023", "invalid time range")
				e.Hint = "created_before must be later than created_after: together they give the chunks created between them"
				return nil, e
			}
			const dayNanos = int64(24 * time.Hour)
			match := func(ch storage.Chunk) bool {
				start := ch.Day * dayNanos
				return (!given[0] || start+dayNanos <= bounds[0]) && (!given[1] || start >= bounds[1]) &&
					(!given[2] || ch.Created < bounds[2]) && (!given[3] || ch.Created >= bounds[3])
			}
			var chunks []storage.Chunk
			if drop {
				var err error
				if chunks, err = src.DropChunks(context.Background(), db, table, match); err != nil {
					return nil, err
				}
			} else {
				for _, ch := range src.TableChunks(db, table) {
					if match(ch) {
						chunks = append(chunks, ch)
					}
				}
			}
			rows := make([][]any, len(chunks))
			for i, ch := range chunks {
				rows[i] = []any{"_timescaledb_internal." + chunkName(db, table, ch.Day)}
			}
			return rows, nil
		}}, alias), nil
}

// changingFuncs are the functions that change the database when the
// statement calling them runs: drop_chunks deletes data,
// add_retention_policy and remove_retention_policy set how long a table
// keeps it, refresh_continuous_aggregate rewrites a view's rows, and the
// continuous aggregate policies schedule that.
var changingFuncs = map[string]bool{"drop_chunks": true, "add_retention_policy": true, "remove_retention_policy": true, "refresh_continuous_aggregate": true,
	"add_continuous_aggregate_policy": true, "remove_continuous_aggregate_policy": true,
	"add_compression_policy": true, "remove_compression_policy": true, "add_columnstore_policy": true, "remove_columnstore_policy": true,
	"compress_chunk": true, "convert_to_columnstore": true}

// ChangingFunction names a function a statement calls that changes the
// database (drop_chunks, add_retention_policy, ...), "" when it calls
// none (the HTTP API refuses one on GET, as it does INSERT).
func ChangingFunction(stmt *sql.Statement) string {
	if stmt.AST == nil {
		return ""
	}
	return changingCall(stmt.AST)
}

// changingCall names a function of changingFuncs called anywhere in n.
func changingCall(n ast.Node) string {
	var name string
	v := &astFinder{into: true, match: func(n ast.Node) bool {
		f, ok := n.(*ast.FuncCallExpr)
		if !ok {
			return false
		}
		name = f.FnName.L
		if (name == sql.MarkerTableFunction || name == sql.MarkerTableFunctionOrdinality) && len(f.Args) > 0 {
			name = constText(f.Args[0])
		}
		return changingFuncs[name]
	}}
	n.Accept(v)
	if !v.found {
		return ""
	}
	return name
}

// noDropWhilePlanning refuses drop_chunks (or another changing function)
// in a subquery that planning runs (an uncorrelated subquery expression, a
// recursive CTE, INSERT ... SELECT's rows), called there or in a CTE the
// subquery reads (plan: the subquery bound; nil before): it would act when
// the statement is only prepared, described or explained, and before its
// other parts are checked.
func noDropWhilePlanning(n ast.Node, plan Node) error {
	name := changingCall(n)
	if name == "" && plan != nil {
		name = planChanges(plan)
	}
	if name == "" {
		return nil
	}
	e := notSupported(name + " in a subquery expression, a recursive query or INSERT ... SELECT")
	e.Hint = "call it in FROM or the select list of a query of its own: SELECT " + name + "('table', ...)"
	return e
}

// planChanges names a changing function a plan runs (through the CTEs it
// reads too), "" when none.
func planChanges(n Node) string {
	if tf, ok := n.(*TableFunc); ok && changingFuncs[tf.Name] {
		return tf.Name
	}
	for _, c := range n.Children() {
		if name := planChanges(c); name != "" {
			return name
		}
	}
	return ""
}

// relationFuncArgs binds the arguments of a TimescaleDB function in FROM
// whose first is a relation (f's first argument is the function's name),
// in the scope they return: LATERAL, a name of the left side binds as an
// outer reference.
func (b *binder) relationFuncArgs(f *ast.FuncCallExpr) (*scope, []exec.Expr, error) {
	in := &scope{}
	args := make([]exec.Expr, len(f.Args)-1)
	for i, a := range f.Args[1:] {
		x, err := b.bindNode(in, a, nil)
		if err != nil {
			return nil, nil, err
		}
		args[i] = x
	}
	var err error
	args[0], err = b.hypertableArg(args[0])
	return in, args, err
}

// hypertableArg binds a relation argument of TimescaleDB's functions
// (regclass): a name, an OID, or text naming it at run time (text converts
// to regclass implicitly, as in PostgreSQL); an OID expression.
func (b *binder) hypertableArg(x exec.Expr) (exec.Expr, error) {
	if _, untyped := x.(*unknownLit); !untyped && exec.IsText(x.Type()) {
		var err error
		if x, err = b.regCast(x, "regclass"); err != nil {
			return nil, err
		}
	}
	rel, err := b.relationArg([]exec.Expr{x})
	if err != nil {
		return nil, err
	}
	return b.coerce(rel[0], exec.TypeInt)
}

// tablesByOID are the session database's tables by OID, and the catalog
// relations' names after a NUL (no hypertables; see hypertableOf).
func (b *binder) tablesByOID() map[int64]string {
	db := b.sess.Database
	tables := map[int64]string{}
	for _, t := range b.catalogTables(db) {
		tables[TableOID(db, t)] = t
	}
	for oid, name := range b.regNames("regclass") {
		if _, ok := tables[oid]; !ok {
			tables[oid] = "\x00" + name
		}
	}
	return tables
}

// hypertableOf is the table of an OID, or TimescaleDB's error for a
// relation that is no hypertable (a catalog's; ok false: no engine).
func hypertableOf(tables map[int64]string, oid int64, ok bool) (string, error) {
	table, found := tables[oid]
	if !found || !ok || strings.HasPrefix(table, "\x00") {
		name := strings.TrimPrefix(table, "\x00")
		if !found {
			name = fmt.Sprintf("with OID %d", oid)
		}
		e := errorf("TS001", "table %q is not a hypertable", name)
		if !found {
			e.Msg = fmt.Sprintf("relation %s is not a hypertable", name)
		}
		e.Hint = "every table of this database is a hypertable: SELECT hypertable_name FROM timescaledb_information.hypertables"
		return "", e
	}
	return table, nil
}

// detailedSize binds hypertable_detailed_size(relation) (one row) and
// chunks_detailed_size(relation) (a row per chunk): the bytes of the
// files, as table_bytes and total_bytes; Strata keeps no indexes and no
// TOAST (0), and runs on one node (node_name NULL).
func (b *binder) detailedSize(name string, f *ast.FuncCallExpr, alias string, colNames []ast.CIStr) (*scope, error) {
	x, err := b.oneHypertableArg(name, f)
	if err != nil {
		return nil, err
	}
	perChunk := name == "chunks_detailed_size"
	var cols []Column
	if perChunk {
		cols = append(cols, Column{Name: "chunk_schema", Type: exec.TypeText, PGType: 19}, Column{Name: "chunk_name", Type: exec.TypeText, PGType: 19})
	}
	for _, c := range []string{"table_bytes", "index_bytes", "toast_bytes", "total_bytes"} {
		cols = append(cols, Column{Name: c, Type: exec.TypeInt, PGType: 20})
	}
	cols = append(cols, Column{Name: "node_name", Type: exec.TypeText, PGType: 19})
	if err := aliasColumns(alias, cols, colNames); err != nil {
		return nil, err
	}
	db, tables := b.sess.Database, b.tablesByOID()
	src, _ := any(b.p.Engine).(chunkSource)
	b.volatile = true
	return derivedScope(&TableFunc{Name: name, Args: []exec.Expr{x}, Cols: cols,
		rows: func(_ *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil
			}
			table, err := hypertableOf(tables, vals[0].(int64), src != nil)
			if err != nil {
				return nil, err
			}
			var rows [][]any
			total := int64(0)
			for _, ch := range src.TableChunks(db, table) {
				total += ch.Bytes
				if perChunk {
					rows = append(rows, []any{"_timescaledb_internal", chunkName(db, table, ch.Day), ch.Bytes, int64(0), int64(0), ch.Bytes, nil})
				}
			}
			if !perChunk {
				rows = [][]any{{total, int64(0), int64(0), total, nil}}
			}
			return rows, nil
		}}, alias), nil
}

// oneHypertableArg binds the one argument of a TimescaleDB function of a
// hypertable in FROM (f's first argument is its name): the relation.
func (b *binder) oneHypertableArg(name string, f *ast.FuncCallExpr) (exec.Expr, error) {
	if len(f.Args) != 2 {
		return nil, errorf(CodeUndefinedFunc, "function %s takes one argument: %s(hypertable)", name, name)
	}
	x, err := b.bindNode(&scope{}, f.Args[1], nil)
	if err != nil {
		return nil, err
	}
	return b.hypertableArg(x)
}

// aliasColumns gives a FROM function's first columns the names of its
// alias's column list (AS s(a, b)).
func aliasColumns(alias string, cols []Column, names []ast.CIStr) error {
	if len(names) > len(cols) {
		return errorf("42P10", "table %q has %d columns available but %d columns specified", alias, len(cols), len(names))
	}
	for i, n := range names {
		cols[i].Name = n.O
	}
	return nil
}

// skipped is how many arguments as written come before bound argument i
// beyond i itself: drop_chunks' verbose, left out after the third.
func skipped(drop bool, i int) int {
	if drop && i >= 3 {
		return 1
	}
	return 0
}

// chunkName is a day partition's name as a TimescaleDB chunk's.
func chunkName(db, table string, day int64) string {
	return fmt.Sprintf("_hyper_%d_%d_chunk", TableOID(db, table), day)
}

func isNullLiteral(x exec.Expr) bool {
	l, ok := x.(*exec.Literal)
	return ok && l.V == nil
}
