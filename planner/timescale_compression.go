package planner

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// TimescaleDB's compression (since 2.18 also called the columnstore), as
// its users' setup scripts and migrations run it:
//
//	ALTER TABLE t SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id',
//	                  timescaledb.compress_orderby = 'time DESC', ...)   and RESET (...)
//	add_compression_policy(t, compress_after, ...)  integer;  CALL add_columnstore_policy(t, after => ...)
//	remove_compression_policy(t, if_exists)  bool;  CALL remove_columnstore_policy(t)
//	compress_chunk(chunk), decompress_chunk(chunk);  CALL convert_to_columnstore / convert_to_rowstore
//	hypertable_compression_stats(t), chunk_compression_stats(t) (and the _columnstore_ names)
//	timescaledb_information.compression_settings, hypertable_compression_settings,
//	chunk_compression_settings (and the _columnstore_ names)
//
// Every Strata table is compressed already: a chunk's rows are held in the
// write buffer (and the WAL) until persisted, when the buffer is full or
// its oldest write ten minutes old (strata serve --flush-age), into
// compressed columnar Parquet files, the only form they are kept in. So
// compression is always enabled (timescaledb.compress = false is refused),
// a policy's compress_after is met for any period over the flush age,
// compress_chunk persists the buffered rows now, and decompress_chunk has
// nothing to do: INSERT, UPDATE and DELETE change compressed chunks in
// place. The settings
// (segmentby, orderby, compress_chunk_time_interval) are checked as
// TimescaleDB checks them and kept in the table's options for the views
// and functions that show them; they change nothing stored, since Strata's
// files are always sorted by their tags, then time.

// Table option keys (storage.TableMeta.Options).
const (
	optSegmentBy     = "segmentby"
	optOrderBy       = "orderby"
	optChunkInterval = "compress_chunk_interval"
	optCompressAfter = "compress_after"
	optCreatedBefore = "compress_created_before"
	optSchedule      = "compress_schedule"
)

// columnstoreOptions maps the timescaledb.* option names ALTER TABLE ... SET
// takes (those of every TimescaleDB release since 2.0) to what they set.
var columnstoreOptions = map[string]string{
	"compress": "compress", "enable_columnstore": "compress", "columnstore": "compress",
	"compress_segmentby": optSegmentBy, "segmentby": optSegmentBy, "segment_by": optSegmentBy,
	"compress_orderby": optOrderBy, "orderby": optOrderBy, "order_by": optOrderBy,
	"compress_chunk_time_interval": optChunkInterval, "compress_chunk_interval": optChunkInterval,
}

// tableOptioner is the engine capability behind the settings and policies.
type tableOptioner interface {
	SetTableOptions(ctx context.Context, db, table string, opts map[string]string) error
	TableOptions(db, table string) (map[string]string, error)
}

// compressedSizer is the engine capability behind the stats functions.
type compressedSizer interface {
	chunkSource
	ChunkUncompressedBytes(ctx context.Context, db, table string) (map[int64]int64, error)
}

var (
	_ tableOptioner   = (*storage.Engine)(nil)
	_ compressedSizer = (*storage.Engine)(nil)
)

// orderCol is one column of a segmentby or orderby setting.
type orderCol struct {
	name             string
	desc, nullsFirst bool
}

// parseOrderCols reads a segmentby setting (names separated by commas) or,
// with ordering, an orderby one (each name may be followed by ASC | DESC
// and NULLS FIRST | LAST, as in ORDER BY; NULLS FIRST is the default after
// DESC). Names are folded to lower case unless double-quoted.
func parseOrderCols(text string, ordering bool) ([]orderCol, bool) {
	var out []orderCol
	for _, item := range splitUnquoted(text) {
		item = strings.TrimSpace(item)
		var c orderCol
		var rest string
		if strings.HasPrefix(item, `"`) {
			end := 1
			for end < len(item) && (item[end] != '"' || end+1 < len(item) && item[end+1] == '"') {
				if item[end] == '"' {
					end++ // a doubled quote
				}
				end++
			}
			if end >= len(item) || end == 1 {
				return nil, false
			}
			c.name, rest = strings.ReplaceAll(item[1:end], `""`, `"`), item[end+1:]
		} else {
			f := strings.Fields(item)
			if len(f) == 0 {
				return nil, false
			}
			c.name, rest = strings.ToLower(f[0]), item[len(f[0]):]
			if !identLike(c.name) {
				return nil, false
			}
		}
		words := strings.Fields(strings.ToLower(rest))
		if !ordering && len(words) > 0 {
			return nil, false
		}
		if len(words) > 0 && (words[0] == "asc" || words[0] == "desc") {
			c.desc = words[0] == "desc"
			words = words[1:]
		}
		c.nullsFirst = c.desc
		if len(words) == 2 && words[0] == "nulls" && (words[1] == "first" || words[1] == "last") {
			c.nullsFirst = words[1] == "first"
			words = nil
		}
		if len(words) > 0 {
			return nil, false
		}
		out = append(out, c)
	}
	return out, true
}

// splitUnquoted splits s at the commas outside double quotes.
func splitUnquoted(s string) []string {
	var parts []string
	quoted, from := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case s[i] == ',' && !quoted:
			parts = append(parts, s[from:i])
			from = i + 1
		}
	}
	return append(parts, s[from:])
}

// identLike reports whether s can be an unquoted identifier.
func identLike(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r > 127 || i > 0 && (r >= '0' && r <= '9' || r == '$')) {
			return false
		}
	}
	return s != ""
}

// formatOrderCols writes a setting as TimescaleDB shows it: names quoted
// where they must be, DESC, and NULLS FIRST | LAST where not the default
// for the direction, separated by commas.
func formatOrderCols(cols []orderCol, ordering bool) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteIdentifier(c.name)
		if !ordering {
			continue
		}
		if c.desc {
			parts[i] += " DESC"
		}
		switch {
		case c.nullsFirst && !c.desc:
			parts[i] += " NULLS FIRST"
		case !c.nullsFirst && c.desc:
			parts[i] += " NULLS LAST"
		}
	}
	return strings.Join(parts, ",")
}

// settingCols reads a stored setting back (it was written by
// formatOrderCols, so it parses).
func settingCols(opts map[string]string, key string) []orderCol {
	v, ok := opts[key]
	if !ok {
		return nil
	}
	cols, _ := parseOrderCols(v, key == optOrderBy)
	return cols
}

// tableOptionChanges checks ALTER TABLE's SET (...) and RESET (...) of
// table (its columns as shown: schema) against the options it has (have), and
// returns the options to store (changed false: none differ). Nothing is
// stored here.
func tableOptionChanges(table string, schema []storage.ColumnMeta, set map[string]string, reset []string, have map[string]string) (map[string]string, bool, error) {
	opts := maps.Clone(have)
	if opts == nil {
		opts = map[string]string{}
	}
	option := func(full string) (string, error) {
		ns, name, ok := strings.Cut(full, ".")
		if !ok || ns != "timescaledb" && ns != "tsdb" {
			e := errorf(CodeNotSupported, "table option %q is not supported", full)
			e.Hint = "Strata keeps no PostgreSQL storage parameters; a table takes TimescaleDB's compression settings: SET (timescaledb.compress_segmentby = 'device_id')"
			return "", e
		}
		switch {
		case name == "chunk_interval":
			e := errorf(CodeNotSupported, "timescaledb.chunk_interval cannot be changed")
			e.Hint = "every table's chunks are UTC days"
			return "", e
		case strings.Contains(name, "index") || strings.HasPrefix(name, "direct_compress") || strings.HasPrefix(name, "granular_refresh"):
			e := errorf(CodeNotSupported, "table option %q is not supported", full)
			e.Hint = "Strata's files keep the minimum and maximum of every column per page, and no other index to choose"
			return "", e
		}
		key, ok := columnstoreOptions[name]
		if !ok {
			e := errorf("22023", "unrecognized parameter %q", full)
			e.Hint = "Valid timescaledb parameters are: compress, compress_segmentby, compress_orderby, compress_chunk_time_interval (or enable_columnstore, segmentby, orderby)"
			return "", e
		}
		return key, nil
	}
	for _, full := range reset {
		key, err := option(full)
		if err != nil {
			return nil, false, err
		}
		if key != optSegmentBy && key != optOrderBy {
			return nil, false, errorf(CodeNotSupported, "only columnstore options segmentby and orderby can be reset")
		}
		delete(opts, key)
	}
	shown := func(name string) bool {
		return slices.ContainsFunc(schema, func(c storage.ColumnMeta) bool { return c.Name == name })
	}
	for _, full := range slices.Sorted(maps.Keys(set)) {
		key, err := option(full)
		if err != nil {
			return nil, false, err
		}
		v := set[full]
		switch key {
		case "compress":
			on, ok := truthOf(v)
			if !ok {
				return nil, false, errorf("22023", "invalid value for boolean option %q: %s", full, v)
			}
			if !on {
				e := errorf(CodeNotSupported, "cannot disable columnstore on hypertable %q", table)
				e.Detail = "Strata keeps every table's persisted rows in compressed columnar (Parquet) files only."
				e.Hint = "to keep the rows uncompressed elsewhere, export them: COPY (SELECT * FROM " + quoteIdentifier(table) + ") TO STDOUT"
				return nil, false, e
			}
		case optSegmentBy, optOrderBy:
			ordering := key == optOrderBy
			what := "compress_segmentby"
			if ordering {
				what = "compress_orderby"
			}
			if ordering && strings.TrimSpace(v) == "" {
				e := errorf("22023", "ordering column can not be empty")
				e.Hint = "timescaledb.compress_orderby option must reference a valid column or be removed to use default settings."
				return nil, false, e
			}
			if !ordering && strings.TrimSpace(v) == "" {
				delete(opts, key) // segmenting by nothing, TimescaleDB's default here
				continue
			}
			cols, ok := parseOrderCols(v, ordering)
			if !ok {
				if ordering {
					e := errorf(CodeSyntax, "unable to parse ordering option %q", v)
					e.Hint = "The timescaledb.compress_orderby option must be a set of column names with sort options, separated by commas. It is the same format as an ORDER BY clause."
					return nil, false, e
				}
				e := errorf(CodeSyntax, "unable to parse segmenting option %q", v)
				e.Hint = "The option timescaledb.compress_segmentby must be a set of columns separated by commas."
				return nil, false, e
			}
			seen := map[string]bool{}
			for _, c := range cols {
				if !shown(c.name) {
					e := errorf(CodeSyntax, "column %q does not exist", c.name)
					e.Hint = fmt.Sprintf("The timescaledb.%s option must reference a valid column.", what)
					return nil, false, e
				}
				if seen[c.name] {
					e := errorf(CodeSyntax, "duplicate column name %q", c.name)
					e.Hint = fmt.Sprintf("The timescaledb.%s option must reference distinct column.", what)
					return nil, false, e
				}
				seen[c.name] = true
			}
			opts[key] = formatOrderCols(cols, ordering)
		case optChunkInterval:
			iv, err := exec.ParseInterval(v)
			if err != nil || iv.Months < 0 || iv.Days < 0 || iv.Nanoseconds < 0 || iv == (arrow.MonthDayNanoInterval{}) {
				return nil, false, errorf("22023", "invalid value for timescaledb.compress_chunk_time_interval: %q", v)
			}
			opts[key] = exec.FormatInterval(iv)
		}
	}
	// A column both segments and orders: TimescaleDB refuses it, whichever
	// statement set either.
	for _, s := range settingCols(opts, optSegmentBy) {
		if slices.ContainsFunc(settingCols(opts, optOrderBy), func(o orderCol) bool { return o.name == s.name }) {
			e := errorf(CodeSyntax, "cannot use column %q for both ordering and segmenting", s.name)
			e.Hint = "Use separate columns for the timescaledb.compress_orderby and timescaledb.compress_segmentby options."
			return nil, false, e
		}
	}
	return opts, !maps.Equal(opts, have), nil
}

// inSettings reports whether column of table is in its segmentby or
// orderby setting.
func (p *Planner) inSettings(db, table, column string) bool {
	opt, ok := any(p.Engine).(tableOptioner)
	if !ok {
		return false
	}
	opts, _ := opt.TableOptions(db, table)
	has := func(c orderCol) bool { return c.name == column }
	return slices.ContainsFunc(settingCols(opts, optSegmentBy), has) || slices.ContainsFunc(settingCols(opts, optOrderBy), has)
}

// renameInSettings renames column from to to in table's segmentby and
// orderby settings.
func (p *Planner) renameInSettings(ctx context.Context, db, table, from, to string) error {
	opt, ok := any(p.Engine).(tableOptioner)
	if !ok {
		return nil
	}
	opts, err := opt.TableOptions(db, table)
	if err != nil {
		return err
	}
	renamed := false
	for _, key := range []string{optSegmentBy, optOrderBy} {
		cols := settingCols(opts, key)
		for i := range cols {
			if cols[i].name == from {
				cols[i].name, renamed = to, true
				opts[key] = formatOrderCols(cols, key == optOrderBy)
			}
		}
	}
	if !renamed {
		return nil
	}
	return opt.SetTableOptions(ctx, db, table, opts)
}

// compressionPolicyID is a table's compression policy's job id.
func compressionPolicyID(db, table string) int64 { return stableOID("columnstore policy", db, table) }

// compressionPolicyFunction binds add_compression_policy,
// remove_compression_policy and the procedures add_columnstore_policy and
// remove_columnstore_policy (CALL runs them as SELECT): a table's policy,
// kept in its options. Its schedule_interval is kept for
// timescaledb_information.jobs; initial_start and timezone tune
// TimescaleDB's scheduler and change nothing here.
func (b *binder) compressionPolicyFunction(name string, f *ast.FuncCallExpr, alias, col string) (*scope, error) {
	add := strings.HasPrefix(name, "add_")
	procedure := strings.Contains(name, "columnstore")
	nargs := len(f.Args) - 1
	switch {
	case add && (nargs < 1 || nargs > 8):
		return nil, errorf(CodeUndefinedFunc, "function %s takes a table and how old its chunks are when compressed: %s('conditions', INTERVAL '7 days' [, if_not_exists => true])", name, name)
	case !add && (nargs < 1 || nargs > 2):
		return nil, errorf(CodeUndefinedFunc, "function %s takes a table: %s('conditions' [, if_exists => true])", name, name)
	}
	flag := 2 // if_not_exists, if_exists
	if !add {
		flag = 1
	}
	args, err := b.policyArgs(f, flag)
	if err != nil {
		return nil, err
	}
	after, createdBefore := "compress_after", "compress_created_before"
	if procedure {
		after, createdBefore = "after", "created_before"
	}
	if add {
		if len(args) < 2 {
			args = append(args, &exec.Literal{DT: exec.TypeInterval}) // NULL: created_before may stand instead
		}
		if args[1], err = b.intervalArg(args[1], "invalid value for parameter "+after); err != nil {
			return nil, err
		}
		for i, param := range map[int]string{3: "schedule_interval", 6: "created_before"} {
			if len(args) > i {
				if args[i], err = b.intervalArg(args[i], "invalid value for parameter "+param); err != nil {
					return nil, err
				}
			}
		}
		if len(args) > 7 {
			args = args[:7] // hypercore_use_access_method chose a table access method
		}
	}
	db, tables, sess := b.sess.Database, b.tablesByOID(), b.sess
	opt, _ := any(b.p.Engine).(tableOptioner)
	b.volatile = true
	var cols []Column
	switch {
	case procedure:
		cols = []Column{{Name: col, Type: exec.TypeText, PGType: 2278}}
	case add:
		cols = []Column{{Name: col, Type: exec.TypeInt, PGType: 23}}
	default:
		cols = []Column{{Name: col, Type: exec.TypeBool}}
	}
	result := func(v any) [][]any {
		if procedure {
			return [][]any{{""}}
		}
		return [][]any{{v}}
	}
	return derivedScope(&TableFunc{Name: name, Args: args, Cols: cols,
		rows: func(c *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil
			}
			table, err := hypertableOf(tables, vals[0].(int64), opt != nil)
			if err != nil {
				return nil, err
			}
			have, err := opt.TableOptions(db, table)
			if err != nil {
				return nil, err
			}
			flagged := len(vals) > flag && vals[flag] == true
			_, exists := have[optCompressAfter]
			_, existsCreated := have[optCreatedBefore]
			exists = exists || existsCreated
			opts := maps.Clone(have)
			if opts == nil {
				opts = map[string]string{}
			}
			if !add {
				if !exists {
					if !flagged {
						return nil, errorf("42704", "columnstore policy not found for hypertable %q", table)
					}
					sess.notify(Notice{Severity: "NOTICE", Msg: fmt.Sprintf("columnstore policy not found for hypertable %q, skipping", table)})
					return result(false), nil
				}
				delete(opts, optCompressAfter)
				delete(opts, optCreatedBefore)
				delete(opts, optSchedule)
				if err := opt.SetTableOptions(context.Background(), db, table, opts); err != nil {
					return nil, err
				}
				return result(true), nil
			}
			var afterV, createdV any
			afterV = vals[1]
			if len(vals) > 6 {
				createdV = vals[6]
			}
			if (afterV == nil) == (createdV == nil) {
				e := errorf("22023", "need to specify one of %q or %q", after, createdBefore)
				e.Hint = name + "('conditions', " + after + " => INTERVAL '7 days')"
				return nil, e
			}
			want := map[string]string{}
			if afterV != nil {
				want[optCompressAfter] = exec.FormatInterval(afterV.(arrow.MonthDayNanoInterval))
			} else {
				want[optCreatedBefore] = exec.FormatInterval(createdV.(arrow.MonthDayNanoInterval))
			}
			if len(vals) > 3 && vals[3] != nil {
				want[optSchedule] = exec.FormatInterval(vals[3].(arrow.MonthDayNanoInterval))
			}
			if exists {
				same := sameInterval(have[optCompressAfter], want[optCompressAfter]) && sameInterval(have[optCreatedBefore], want[optCreatedBefore])
				if !flagged {
					e := errorf("42710", "columnstore policy already exists for hypertable or continuous aggregate %q", table)
					e.Hint = `Set option "if_not_exists" to true to avoid error.`
					return nil, e
				}
				rows := policySkipped(sess, fmt.Sprintf("columnstore policy already exists for hypertable %q", table), same,
					"A policy already exists with different arguments.")
				return result(rows[0][0]), nil
			}
			maps.Copy(opts, want)
			if err := opt.SetTableOptions(context.Background(), db, table, opts); err != nil {
				return nil, err
			}
			return result(compressionPolicyID(db, table)), nil
		}}, alias), nil
}

// sameInterval reports whether two intervals as stored are equal as
// PostgreSQL compares them (a day is 24 hours, a month 30 days), or are
// both absent.
func sameInterval(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	x, errA := exec.ParseInterval(a)
	y, errB := exec.ParseInterval(b)
	return errA == nil && errB == nil && exec.CompareIntervals(x, y) == 0
}

// compressionJobs adds the compression policies' rows to
// timescaledb_information.jobs: run every 12 hours unless another
// schedule_interval was given (TimescaleDB's default for daily chunks).
func (b *binder) compressionJobs(t *catalogTable, schema string) {
	opt, ok := any(b.p.Engine).(tableOptioner)
	if !ok {
		return
	}
	db := b.sess.Database
	for _, name := range b.catalogTables(db) {
		opts, err := opt.TableOptions(db, name)
		if err != nil {
			continue
		}
		key, v := optCompressAfter, opts[optCompressAfter]
		if v == "" {
			key, v = optCreatedBefore, opts[optCreatedBefore]
		}
		if v == "" {
			continue
		}
		every := arrow.MonthDayNanoInterval{Nanoseconds: int64(12 * time.Hour)}
		if s, ok := opts[optSchedule]; ok {
			if iv, err := exec.ParseInterval(s); err == nil {
				every = iv
			}
		}
		id := compressionPolicyID(db, name)
		t.add(map[string]any{"job_id": id, "application_name": fmt.Sprintf("Columnstore Policy [%d]", id),
			"schedule_interval": every, "max_runtime": arrow.MonthDayNanoInterval{},
			"max_retries": int64(-1), "retry_period": arrow.MonthDayNanoInterval{Nanoseconds: int64(time.Hour)},
			"proc_schema": "_timescaledb_functions", "proc_name": "policy_compression", "owner": exec.OwnerRole,
			"scheduled": true, "fixed_schedule": true,
			"config":            fmt.Sprintf(`{"hypertable_id": %d, %q: %q}`, TableOID(db, name), key, v),
			"hypertable_schema": schema, "hypertable_name": name,
			"check_schema": "_timescaledb_functions", "check_name": "policy_compression_check"})
	}
}

// chunkNamePattern matches the chunk names show_chunks gives (chunkName).
var chunkNamePattern = regexp.MustCompile(`^(?:_timescaledb_internal\.)?_hyper_(\d+)_(-?\d+)_chunk$`)

// chunkCompression binds compress_chunk(chunk [, if_not_compressed [,
// recompress]]), decompress_chunk(chunk [, if_compressed]) and the
// procedures convert_to_columnstore and convert_to_rowstore: row
// functions, so that SELECT compress_chunk(c) FROM show_chunks('t') c runs
// once per chunk. They act when run, never when planned (volatileFuncs).
func chunkCompression(name string) func(b *binder, args []exec.Expr) (exec.Expr, error) {
	return func(b *binder, args []exec.Expr) (exec.Expr, error) {
		compress := name == "compress_chunk" || name == "convert_to_columnstore"
		if len(args) < 1 || compress && len(args) > 4 || !compress && len(args) > 2 {
			return nil, errorf(CodeUndefinedFunc, "function %s takes a chunk: SELECT %s(c) FROM show_chunks('conditions') c", name, name)
		}
		x, err := b.coerce(args[0], exec.TypeText)
		if err != nil {
			return nil, err
		}
		all := []exec.Expr{settle(x)}
		if len(args) > 1 {
			flag, err := b.coerce(args[1], exec.TypeBool)
			if err != nil {
				return nil, err
			}
			all = append(all, settle(flag))
		}
		db, tables, sess := b.sess.Database, b.tablesByOID(), b.sess
		src, _ := any(b.p.Engine).(chunkSource)
		persister, _ := any(b.p.Engine).(interface{ Persist(context.Context) error })
		procedure := strings.HasPrefix(name, "convert_")
		dt, pg := exec.TypeText, uint32(2205)
		if procedure {
			pg = 2278
		}
		return &rowFunc{name: name, args: all, dt: dt, pg: pg, fn: func(v []any) (any, error) {
			if v[0] == nil {
				return nil, nil
			}
			full := v[0].(string)
			m := chunkNamePattern.FindStringSubmatch(full)
			var table string
			var day int64
			if m != nil {
				oid, _ := strconv.ParseInt(m[1], 10, 64)
				day, _ = strconv.ParseInt(m[2], 10, 64)
				table = tables[oid]
			}
			var chunk *storage.Chunk
			if table != "" && !strings.HasPrefix(table, "\x00") && src != nil {
				for _, c := range src.TableChunks(db, table) {
					if c.Day == day {
						chunk = &c
						break
					}
				}
			}
			if chunk == nil {
				e := errorf(CodeUndefinedTable, "relation %q does not exist", full)
				e.Hint = "name a chunk as show_chunks gives it: SELECT " + name + "(c) FROM show_chunks('conditions') c"
				return nil, e
			}
			short := chunkName(db, table, day)
			qualified := "_timescaledb_internal." + short
			flag := len(v) < 2 || v[1] == nil || v[1] == true
			if !compress {
				sess.notify(Notice{Severity: "NOTICE", Msg: fmt.Sprintf("chunk %q stays in the columnstore", short),
					Detail: "Strata keeps no row-store form of a chunk: INSERT, UPDATE and DELETE change its rows where they are, so nothing needs converting first."})
				if procedure {
					return "", nil
				}
				return nil, nil
			}
			if chunk.BufferedRows == 0 {
				if !flag {
					return nil, errorf("42710", "chunk %q is already converted to columnstore", short)
				}
				sess.notify(Notice{Severity: "NOTICE", Code: "42710", Msg: fmt.Sprintf("chunk %q is already converted to columnstore", short)})
			} else if persister != nil {
				// The buffered rows (of every chunk: the write buffer
				// persists as a whole) go to compressed files now.
				if err := persister.Persist(context.Background()); err != nil {
					return nil, err
				}
			}
			if procedure {
				return "", nil
			}
			return qualified, nil
		}}, nil
	}
}

// compressionStats binds hypertable_compression_stats(relation) (one row)
// and chunk_compression_stats(relation) (a row per chunk), and their
// _columnstore_ names: a chunk is Compressed when none of its rows waits
// in the write buffer; the bytes are its files' values written plainly
// (before_) and the files as stored (after_), for the chunks that have
// files (NULL without).
// Strata keeps no indexes and no TOAST (0), and runs on one node
// (node_name NULL). A table without chunks has no rows.
func (b *binder) compressionStats(name string, f *ast.FuncCallExpr, alias string, colNames []ast.CIStr) (*scope, error) {
	x, err := b.oneHypertableArg(name, f)
	if err != nil {
		return nil, err
	}
	perChunk := strings.HasPrefix(name, "chunk_")
	var cols []Column
	if perChunk {
		cols = append(cols, Column{Name: "chunk_schema", Type: exec.TypeText, PGType: 19}, Column{Name: "chunk_name", Type: exec.TypeText, PGType: 19},
			Column{Name: "compression_status", Type: exec.TypeText})
	} else {
		cols = append(cols, Column{Name: "total_chunks", Type: exec.TypeInt, PGType: 20}, Column{Name: "number_compressed_chunks", Type: exec.TypeInt, PGType: 20})
	}
	for _, when := range []string{"before", "after"} {
		for _, c := range []string{"table", "index", "toast", "total"} {
			cols = append(cols, Column{Name: when + "_compression_" + c + "_bytes", Type: exec.TypeInt, PGType: 20})
		}
	}
	cols = append(cols, Column{Name: "node_name", Type: exec.TypeText, PGType: 19})
	if err := aliasColumns(alias, cols, colNames); err != nil {
		return nil, err
	}
	if alias == "" {
		alias = name
	}
	db, tables := b.sess.Database, b.tablesByOID()
	src, _ := any(b.p.Engine).(compressedSizer)
	b.volatile = true
	sizes := func(before, after int64) []any {
		return []any{before, int64(0), int64(0), before, after, int64(0), int64(0), after}
	}
	return derivedScope(&TableFunc{Name: name, Args: []exec.Expr{x}, Cols: cols,
		rows: func(c *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil
			}
			table, err := hypertableOf(tables, vals[0].(int64), src != nil)
			if err != nil {
				return nil, err
			}
			chunks := src.TableChunks(db, table)
			if len(chunks) == 0 {
				return nil, nil
			}
			ctx := c.Context
			if ctx == nil {
				ctx = context.Background()
			}
			raw, err := src.ChunkUncompressedBytes(ctx, db, table)
			if err != nil {
				return nil, err
			}
			var rows [][]any
			var compressed, before, after int64
			withFiles := false
			for _, ch := range chunks {
				status := "Uncompressed"
				if ch.BufferedRows == 0 {
					status = "Compressed"
					compressed++
				}
				bytes := make([]any, 8)
				if ch.Files > 0 {
					withFiles = true
					before += raw[ch.Day]
					after += ch.Bytes
					bytes = sizes(raw[ch.Day], ch.Bytes)
				}
				if perChunk {
					rows = append(rows, append(append([]any{"_timescaledb_internal", chunkName(db, table, ch.Day), status}, bytes...), nil))
				}
			}
			if !perChunk {
				bytes := make([]any, 8)
				if withFiles {
					bytes = sizes(before, after)
				}
				rows = [][]any{append(append([]any{int64(len(chunks)), compressed}, bytes...), nil)}
			}
			return rows, nil
		}}, alias), nil
}

// compressionSettings fills the settings views of timescaledb_information:
// compression_settings (a row per column set), hypertable_compression_settings
// (a row per table) and chunk_compression_settings (a row per compressed
// chunk, with its table's settings).
func (b *binder) compressionSettings(view string, t *catalogTable, schema string, tables []string, chunks func(string) []storage.Chunk) {
	opt, _ := any(b.p.Engine).(tableOptioner)
	db := b.sess.Database
	for _, name := range tables {
		var opts map[string]string
		if opt != nil {
			opts, _ = opt.TableOptions(db, name)
		}
		rel := name
		if schema != "public" {
			rel = schema + "." + name
		}
		seg, ord := settingCols(opts, optSegmentBy), settingCols(opts, optOrderBy)
		var segText, ordText any
		if len(seg) > 0 {
			names := make([]string, len(seg))
			for i, c := range seg {
				names[i] = c.name
			}
			segText = strings.Join(names, ",")
		}
		if len(ord) > 0 {
			ordText = formatOrderCols(ord, true)
		}
		switch view {
		case "compression_settings":
			for i, c := range seg {
				t.add(map[string]any{"hypertable_schema": schema, "hypertable_name": name, "attname": c.name, "segmentby_column_index": i + 1})
			}
			for i, c := range ord {
				t.add(map[string]any{"hypertable_schema": schema, "hypertable_name": name, "attname": c.name, "orderby_column_index": i + 1,
					"orderby_asc": !c.desc, "orderby_nullsfirst": c.nullsFirst})
			}
		case "hypertable_compression_settings", "hypertable_columnstore_settings":
			row := map[string]any{"hypertable": rel, "segmentby": segText, "orderby": ordText}
			if v, ok := opts[optChunkInterval]; ok {
				row["compress_interval_length"] = v
			}
			t.add(row)
		default: // chunk_compression_settings, chunk_columnstore_settings
			for _, c := range chunks(name) {
				if c.BufferedRows == 0 {
					t.add(map[string]any{"hypertable": rel, "chunk": "_timescaledb_internal." + chunkName(db, name, c.Day), "segmentby": segText, "orderby": ordText})
				}
			}
		}
	}
}

// compressionStatsFuncs are the names compressionStats binds.
var compressionStatsFuncs = map[string]bool{"hypertable_compression_stats": true, "chunk_compression_stats": true,
	"hypertable_columnstore_stats": true, "chunk_columnstore_stats": true}

var (
	tsdbCompressionSettings = []pgColumn{{"hypertable_schema", 19}, {"hypertable_name", 19}, {"attname", 19},
		{"segmentby_column_index", 21}, {"orderby_column_index", 21}, {"orderby_asc", 16}, {"orderby_nullsfirst", 16}}
	tsdbHypertableCompressionSettings = []pgColumn{{"hypertable", 2205}, {"segmentby", 25}, {"orderby", 25}, {"compress_interval_length", 25}}
	tsdbChunkCompressionSettings      = []pgColumn{{"hypertable", 2205}, {"chunk", 2205}, {"segmentby", 25}, {"orderby", 25}}
)
