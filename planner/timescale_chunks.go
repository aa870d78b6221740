package planner

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
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
	in := &scope{} // LATERAL: a name of the left side binds as an outer reference
	args := make([]exec.Expr, nargs)
	for i, a := range f.Args[1:] {
		x, err := b.bindNode(in, a, nil)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	if drop {
		if nargs > 3 {
			args = append(args[:3], args[4:]...) // verbose only logs
		}
	}
	if _, untyped := args[0].(*unknownLit); !untyped && exec.IsText(args[0].Type()) {
		// text converts to regclass implicitly: a name found when it runs
		x, err := b.regCast(args[0], "regclass")
		if err != nil {
			return nil, err
		}
		args[0] = x
	}
	rel, err := b.relationArg(args[:1])
	if err != nil {
		return nil, err
	}
	if args[0], err = b.coerce(rel[0], exec.TypeInt); err != nil {
		return nil, err
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
				e := errorf(CodeDatatype, "invalid time argument type %q for %s", exec.SQLTypeName(x.Type()), names[i-1])
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
	if len(args) > 3 && !(isNullLiteral(args[1]) && isNullLiteral(args[2])) && !(isNullLiteral(args[3]) && (len(args) < 5 || isNullLiteral(args[4]))) {
		return nil, errorf("22023", "cannot specify older_than or newer_than together with created_before or created_after")
	}

	db := b.sess.Database
	tables := map[int64]string{}
	for _, t := range b.catalogTables(db) {
		tables[TableOID(db, t)] = t
	}
	src, _ := any(b.p.Engine).(chunkSource)
	b.volatile = true // chunks come and go with writes
	pg := uint32(2205)
	if drop {
		pg = 25
	}
	return derivedScope(&TableFunc{Name: name, Args: args, Cols: []Column{{Name: col, Type: exec.TypeText, PGType: pg}},
		run: func(c *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil // a NULL relation: none, as TimescaleDB's strict functions
			}
			table, ok := tables[vals[0].(int64)]
			if !ok || src == nil {
				e := errorf("TS001", "relation with OID %d is not a hypertable", vals[0])
				e.Hint = "every table of this database is a hypertable: SELECT hypertable_name FROM timescaledb_information.hypertables"
				return nil, e
			}
			bounds := make([]int64, 4)
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
			if given[0] && given[1] && bounds[0] <= bounds[1] {
				e := errorf("22023", "invalid time range")
				e.Hint = "older_than must be later than newer_than: together they give the chunks between them"
				return nil, e
			}
			const dayNanos = int64(24 * time.Hour)
			match := func(ch storage.Chunk) bool {
				start := ch.Day * dayNanos
				return (!given[0] || start+dayNanos <= bounds[0]) && (!given[1] || start >= bounds[1]) &&
					(!given[2] || ch.Created < bounds[2]) && (!given[3] || ch.Created > bounds[3])
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

// chunkName is a day partition's name as a TimescaleDB chunk's.
func chunkName(db, table string, day int64) string {
	return fmt.Sprintf("_hyper_%d_%d_chunk", TableOID(db, table), day)
}

func isNullLiteral(x exec.Expr) bool {
	l, ok := x.(*exec.Literal)
	return ok && l.V == nil
}
