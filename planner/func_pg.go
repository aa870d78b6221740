package planner

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// plannerFuncs are the scalar functions the planner binds itself (see
// rowFunc): catalog functions that need the engine or the static catalogs,
// and identifier quoting.
var plannerFuncs map[string]func(b *binder, args []exec.Expr) (exec.Expr, error)

func init() {
	plannerFuncs = map[string]func(b *binder, args []exec.Expr) (exec.Expr, error){
		// Strata has no extended statistics and no publications; every
		// table could be published.
		"pg_get_statisticsobjdef_columns":    fixedFunc("pg_get_statisticsobjdef_columns", 1, exec.TypeInt, exec.TypeText, nil),
		"pg_relation_is_publishable":         fixedFunc("pg_relation_is_publishable", 1, exec.TypeInt, exec.TypeBool, true),
		"pg_get_function_result":             (*binder).functionResult,
		"pg_get_function_arguments":          (*binder).functionArguments,
		"pg_get_function_identity_arguments": (*binder).functionArguments,
		"pg_table_size":                      (*binder).relationSize,
		"pg_total_relation_size":             (*binder).relationSize,
		"pg_relation_size":                   (*binder).relationSize,
		// TimescaleDB's: every table is a hypertable (time-partitioned).
		"hypertable_size": func(b *binder, args []exec.Expr) (exec.Expr, error) {
			if len(args) != 1 {
				return nil, errorf(CodeUndefinedFunc, "function hypertable_size takes one argument: hypertable_size(table)")
			}
			return b.relationSizeOf(args, false) // NULL for a catalog: not a hypertable
		},
		"approximate_row_count": (*binder).approximateRowCount,
		"create_hypertable":     (*binder).createHypertable,
		"by_range":              (*binder).byRange,
		"pg_indexes_size":       fixedFunc("pg_indexes_size", 1, exec.TypeInt, exec.TypeInt, int64(0)),
		"pg_size_pretty":        (*binder).sizePretty,
		"quote_ident":           (*binder).quoteIdent,
		"parse_ident":           (*binder).parseIdent,
		"string_to_array":       (*binder).stringToArray,
		"regexp_split_to_array": func(b *binder, args []exec.Expr) (exec.Expr, error) {
			return b.regexpArray("regexp_split_to_array", args)
		},
		"regexp_match":             func(b *binder, args []exec.Expr) (exec.Expr, error) { return b.regexpArray("regexp_match", args) },
		"pg_tablespace_location":   fixedFunc("pg_tablespace_location", 1, exec.TypeInt, exec.TypeText, ""),
		"pg_get_function_sqlbody":  fixedFunc("pg_get_function_sqlbody", 1, exec.TypeInt, exec.TypeText, nil),
		"pg_database_size":         (*binder).databaseSize,
		"format_type":              (*binder).formatType,
		"obj_description":          (*binder).objDescription,
		"pg_backend_pid":           (*binder).backendPID,
		"pg_postmaster_start_time": (*binder).startTime,
		"pg_conf_load_time":        (*binder).startTime,
		"to_regclass":              toReg("regclass"),
		"to_regtype":               toReg("regtype"),
		"to_regproc":               toReg("regproc"),
		"to_regnamespace":          toReg("regnamespace"),
		"pg_get_viewdef":           (*binder).matviewDef,
		"pg_get_ruledef":           (*binder).viewDef,
		"pg_get_indexdef":          (*binder).indexDef,
		"pg_get_constraintdef":     (*binder).constraintDef,
		"pg_get_triggerdef":        (*binder).viewDef,
		"set_config":               (*binder).setConfig,
		"compress_chunk":           chunkCompression("compress_chunk"),
		"decompress_chunk":         chunkCompression("decompress_chunk"),
		"convert_to_columnstore":   chunkCompression("convert_to_columnstore"),
		"convert_to_rowstore":      chunkCompression("convert_to_rowstore"),
		"quote_literal":            (*binder).quoteLiteral,
		"quote_nullable":           (*binder).quoteNullable,
		"format":                   (*binder).format,
		"col_description":          (*binder).colDescription,
	}
}

func init() {
	// Every object is visible on the search path.
	for _, kind := range []string{"opclass", "opfamily", "conversion", "operator", "collation", "statistics_obj",
		"ts_config", "ts_dict", "ts_parser", "ts_template"} {
		name := "pg_" + kind + "_is_visible"
		plannerFuncs[name] = fixedFunc(name, 1, exec.TypeInt, exec.TypeBool, true)
	}
}

// fixedFunc is a strict function of n arguments of type in with one answer.
func fixedFunc(name string, n int, in, out arrow.DataType, v any) func(*binder, []exec.Expr) (exec.Expr, error) {
	return func(b *binder, args []exec.Expr) (exec.Expr, error) {
		if len(args) != n {
			return nil, errorf(CodeUndefinedFunc, "function %s takes %d argument(s)", name, n)
		}
		for i := range args {
			x, err := b.coerce(args[i], in)
			if err != nil {
				return nil, err
			}
			args[i] = x
		}
		return b.fold(&rowFunc{name: name, args: args, dt: out, strict: true, fn: func([]any) (any, error) { return v, nil }})
	}
}

// oneArg coerces the single argument of a function.
func (b *binder) oneArg(name string, args []exec.Expr, dt arrow.DataType) (exec.Expr, error) {
	if len(args) != 1 {
		return nil, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
	}
	return b.coerce(args[0], dt)
}

// procColumn returns a pg_proc column by the row's OID.
func procColumn(column string) func(oid int64) (string, bool) {
	loadPgCatalog()
	idx := -1
	for i, c := range pgCatalogColumns["pg_proc"] {
		if c.name == column {
			idx = i
		}
	}
	byOID := map[int64]string{}
	for _, row := range pgCatalogRows["pg_proc"] {
		if idx < 0 || idx >= len(row) || row[0] == nil || row[idx] == nil {
			continue
		}
		if oid, err := strconv.ParseInt(*row[0], 10, 64); err == nil {
			byOID[oid] = *row[idx]
		}
	}
	return func(oid int64) (string, bool) { v, ok := byOID[oid]; return v, ok }
}

// typeName is format_type's name of a type OID.
func typeName(oid int64) string {
	if n, ok := exec.PGTypeNames()[oid]; ok {
		return n
	}
	idx := typeIndex()
	if elem, ok := idx.elem[oid]; ok {
		return typeName(elem) + "[]"
	}
	if n, ok := idx.name[oid]; ok {
		return n
	}
	return "???"
}

// pgTypeIndex is the static pg_type by OID: names, the elements of array
// types, alignment and storage.
type pgTypeIndex struct {
	name map[int64]string
	elem map[int64]int64
	// align and storage are typalign and typstorage, which a column of
	// the type has as attalign and attstorage.
	align, storage map[int64]string
}

var (
	typeIndexOnce sync.Once
	typeIndexData pgTypeIndex
)

func typeIndex() *pgTypeIndex {
	typeIndexOnce.Do(func() {
		loadPgCatalog()
		col := map[string]int{}
		for i, c := range pgCatalogColumns["pg_type"] {
			col[c.name] = i
		}
		typeIndexData = pgTypeIndex{name: map[int64]string{}, elem: map[int64]int64{}, align: map[int64]string{}, storage: map[int64]string{}}
		get := func(row []*string, name string) (string, bool) {
			i, ok := col[name]
			if !ok || i >= len(row) || row[i] == nil {
				return "", false
			}
			return *row[i], true
		}
		for _, row := range pgCatalogRows["pg_type"] {
			s, _ := get(row, "oid")
			oid, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				continue
			}
			if n, ok := get(row, "typname"); ok {
				typeIndexData.name[oid] = n
			}
			if a, ok := get(row, "typalign"); ok {
				typeIndexData.align[oid] = a
			}
			if st, ok := get(row, "typstorage"); ok {
				typeIndexData.storage[oid] = st
			}
			if c, _ := get(row, "typcategory"); c == "A" {
				e, _ := get(row, "typelem")
				if elem, err := strconv.ParseInt(e, 10, 64); err == nil && elem != 0 {
					typeIndexData.elem[oid] = elem
				}
			}
		}
	})
	return &typeIndexData
}

// functionResult is pg_get_function_result(oid): the result type's name.
func (b *binder) functionResult(args []exec.Expr) (exec.Expr, error) {
	x, err := b.oneArg("pg_get_function_result", args, exec.TypeInt)
	if err != nil {
		return nil, err
	}
	ret := procColumn("prorettype")
	return b.fold(&rowFunc{name: "pg_get_function_result", args: []exec.Expr{x}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		t, ok := ret(v[0].(int64))
		if !ok {
			return nil, nil
		}
		n, _ := strconv.ParseInt(t, 10, 64)
		return typeName(n), nil
	}})
}

// functionArguments is pg_get_function_arguments(oid): the argument types'
// names (the static catalog's functions have no argument names).
func (b *binder) functionArguments(args []exec.Expr) (exec.Expr, error) {
	x, err := b.oneArg("pg_get_function_arguments", args, exec.TypeInt)
	if err != nil {
		return nil, err
	}
	argTypes := procColumn("proargtypes")
	return b.fold(&rowFunc{name: "pg_get_function_arguments", args: []exec.Expr{x}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		t, ok := argTypes(v[0].(int64))
		if !ok {
			return nil, nil
		}
		var names []string
		for _, f := range strings.Fields(t) {
			n, _ := strconv.ParseInt(f, 10, 64)
			names = append(names, typeName(n))
		}
		return strings.Join(names, ", "), nil
	}})
}

// tableSizer is the optional engine capability behind pg_table_size: the
// bytes a table's files take.
type tableSizer interface {
	TableSize(db, table string) (int64, error)
}

// relationSize is pg_table_size, pg_total_relation_size and
// pg_relation_size of a table OID: the bytes of its Parquet files (a table
// has no indexes or TOAST). Catalog relations have no files (0); an
// unknown OID gives NULL, as in PostgreSQL. Without the engine capability
// the size is unknown (NULL).
func (b *binder) relationSize(args []exec.Expr) (exec.Expr, error) {
	return b.relationSizeOf(args, true)
}

// relationSizeOf is relationSize; catalogZero: a catalog relation's size is
// 0 (else NULL).
func (b *binder) relationSizeOf(args []exec.Expr, catalogZero bool) (exec.Expr, error) {
	var catalog any
	if catalogZero {
		catalog = int64(0)
	}
	sizer, _ := any(b.p.Engine).(tableSizer)
	return b.perTable("pg_table_size", args, catalog, func(db, table string) any {
		if sizer == nil {
			return nil
		}
		n, err := sizer.TableSize(db, table)
		if err != nil {
			return nil // dropped meanwhile
		}
		return n
	})
}

// perTable binds name(relation) as a function of the relation's OID: of
// the session database's table (nil: NULL), catalog for a catalog
// relation, NULL for an unknown OID.
func (b *binder) perTable(name string, args []exec.Expr, catalog any, of func(db, table string) any) (exec.Expr, error) {
	args, err := b.relationArg(args) // pg_relation_size(rel, fork): the main fork is all there is
	if err != nil {
		return nil, err
	}
	x, err := b.oneArg(name, args, exec.TypeInt)
	if err != nil {
		return nil, err
	}
	db := b.sess.Database
	tables := map[int64]string{}
	for _, t := range b.catalogTables(db) {
		tables[TableOID(db, t)] = t
	}
	loadPgCatalog()
	catalogs := map[int64]bool{}
	for _, oid := range catalogRelationOIDs {
		catalogs[oid] = true
	}
	return &rowFunc{name: name, args: []exec.Expr{x}, dt: exec.TypeInt, strict: true, fn: func(v []any) (any, error) {
		oid := v[0].(int64)
		if catalogs[oid] {
			return catalog, nil
		}
		if t, ok := tables[oid]; ok {
			return of(db, t), nil
		}
		return nil, nil
	}}, nil
}

// rowCounter is the optional engine capability behind
// approximate_row_count: a table's rows from its files' and buffers'
// metadata.
type rowCounter interface {
	TimeBounds(db, table string) (lo, hi, rows int64, ok bool)
}

// approximateRowCount is TimescaleDB's approximate_row_count(relation): the
// rows a table's files and write buffer hold by their metadata (rows a
// later write replaced may still count until compaction), without reading
// them; 0 for an empty table or a catalog relation, NULL for an unknown
// OID.
func (b *binder) approximateRowCount(args []exec.Expr) (exec.Expr, error) {
	counter, _ := any(b.p.Engine).(rowCounter)
	return b.perTable("approximate_row_count", args, int64(0), func(db, table string) any {
		if counter == nil {
			return nil
		}
		_, _, rows, _ := counter.TimeBounds(db, table)
		return rows
	})
}

// sizePretty is pg_size_pretty(bigint): bytes, kB, MB, GB, TB, PB, each
// unit used below 10240 of it, rounded half away from zero.
func (b *binder) sizePretty(args []exec.Expr) (exec.Expr, error) {
	x, err := b.oneArg("pg_size_pretty", args, exec.TypeInt)
	if err != nil {
		return nil, err
	}
	return b.fold(&rowFunc{name: "pg_size_pretty", args: []exec.Expr{x}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		return prettySize(v[0].(int64)), nil
	}})
}

func prettySize(size int64) string {
	const limit = 10 * 1024
	abs := func(n int64) int64 {
		if n < 0 {
			return -n
		}
		return n
	}
	if abs(size) < limit {
		return strconv.FormatInt(size, 10) + " bytes"
	}
	// PostgreSQL halves before each step and rounds the last one.
	half := func(n int64) int64 {
		if n < 0 {
			return -((-n + 1) / 2)
		}
		return (n + 1) / 2
	}
	size >>= 9 // to half-kB
	for _, unit := range []string{"kB", "MB", "GB", "TB"} {
		if abs(size) < limit*2 {
			return strconv.FormatInt(half(size), 10) + " " + unit
		}
		size >>= 10
	}
	return strconv.FormatInt(half(size), 10) + " PB"
}

// quoteIdent is quote_ident(text): the name quoted when it must be.
func (b *binder) quoteIdent(args []exec.Expr) (exec.Expr, error) {
	x, err := b.oneArg("quote_ident", args, exec.TypeText)
	if err != nil {
		return nil, err
	}
	return b.fold(&rowFunc{name: "quote_ident", args: []exec.Expr{settle(x)}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		return quoteIdentifier(v[0].(string)), nil
	}})
}

// quoteIdentifier quotes s unless it is a lower-case identifier that is
// not a reserved keyword, as PostgreSQL's quote_ident does.
func quoteIdentifier(s string) string {
	safe := s != "" && (s[0] >= 'a' && s[0] <= 'z' || s[0] == '_')
	for i := 0; safe && i < len(s); i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if safe && !reservedKeyword(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// parseIdent is parse_ident(text [, strict]): a qualified name split into
// its parts as text[], unquoted names folded to lower case.
func (b *binder) parseIdent(args []exec.Expr) (exec.Expr, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, errorf(CodeUndefinedFunc, "function parse_ident takes one or two arguments")
	}
	x, err := b.coerce(args[0], exec.TypeText)
	if err != nil {
		return nil, err
	}
	strict := true
	if len(args) == 2 {
		if strict, err = b.constBool(args[1]); err != nil {
			return nil, err
		}
	}
	return &rowFunc{name: "parse_ident", args: []exec.Expr{settle(x)}, dt: exec.TypeText, pg: 1009, strict: true, fn: func(v []any) (any, error) {
		parts, err := splitIdent(v[0].(string), strict)
		if err != nil {
			return nil, err
		}
		elems := make([]*string, len(parts))
		for i := range parts {
			elems[i] = &parts[i]
		}
		return formatArrayText(elems), nil
	}}, nil
}

// splitIdent splits a dotted, possibly quoted, name.
func splitIdent(s string, strict bool) ([]string, error) {
	bad := func() error { return errorf(CodeInvalidText, "string is not a valid identifier: %q", s) }
	var parts []string
	i := 0
	for {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		var part strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return nil, bad()
				}
				part.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					part.WriteByte('"')
					i++
					continue
				}
				break
			}
			if part.Len() == 0 {
				return nil, bad()
			}
		} else {
			j := i
			for j < len(s) && s[j] != '.' && s[j] != ' ' && s[j] != '"' {
				j++
			}
			if j == i {
				return nil, bad()
			}
			part.WriteString(strings.ToLower(s[i:j]))
			i = j
		}
		parts = append(parts, part.String())
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		if i < len(s) && strict {
			return nil, bad()
		}
		return parts, nil
	}
}

// pgKeywords are PostgreSQL 15's keywords that are not unreserved
// (reserved, column-name and type/function-name keywords): quote_ident
// quotes them.
var pgKeywords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric both case cast check
	collate column constraint create current_catalog current_date current_role current_time current_timestamp
	current_user default deferrable desc distinct do else end except false fetch for foreign from grant group
	having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only
	or order placing primary references returning select session_user some symmetric table then to trailing
	true union unique user using variadic when where window with
	between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping
	inout int integer interval least national nchar none normalize nullif numeric out overlay position
	precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes
	xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
	authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join
	left like natural notnull outer overlaps right similar tablesample verbose`) {
		pgKeywords[w] = true
	}
}

func reservedKeyword(s string) bool { return pgKeywords[s] }

// stringToArray is string_to_array(text, delimiter [, null string]) as
// text[]: a NULL delimiter splits into characters, an empty one keeps the
// whole string, and an empty string gives an empty array.
func (b *binder) stringToArray(args []exec.Expr) (exec.Expr, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, errorf(CodeUndefinedFunc, "function string_to_array takes two or three arguments")
	}
	for i := range args {
		x, err := b.coerce(args[i], exec.TypeText)
		if err != nil {
			return nil, err
		}
		args[i] = settle(x)
	}
	return &rowFunc{name: "string_to_array", args: args, dt: exec.TypeText, pg: 1009, fn: func(v []any) (any, error) {
		s, ok := v[0].(string)
		if !ok {
			return nil, nil
		}
		if s == "" {
			return "{}", nil
		}
		var parts []string
		switch sep, ok := v[1].(string); {
		case !ok:
			for _, r := range s {
				parts = append(parts, string(r))
			}
		case sep == "":
			parts = []string{s}
		default:
			parts = strings.Split(s, sep)
		}
		elems := make([]*string, len(parts))
		for i := range parts {
			if len(v) == 3 && v[2] != nil && parts[i] == v[2].(string) {
				continue
			}
			elems[i] = &parts[i]
		}
		return formatArrayText(elems), nil
	}}, nil
}

// regexpArray is regexp_split_to_array(s, pattern [, flags]), s split at
// each match, and regexp_match(s, pattern [, flags]), the first match's
// capture groups (the whole match when there are none; NULL when nothing
// matches), as text[]. The flag i matches case-insensitively; g is refused
// as PostgreSQL refuses it.
func (b *binder) regexpArray(name string, args []exec.Expr) (exec.Expr, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, errorf(CodeUndefinedFunc, "function %s takes two or three arguments", name)
	}
	for i := range args {
		x, err := b.coerce(args[i], exec.TypeText)
		if err != nil {
			return nil, err
		}
		args[i] = settle(x)
	}
	return &rowFunc{name: name, args: args, dt: exec.TypeText, pg: 1009, strict: true, fn: func(v []any) (any, error) {
		s, pattern, flags := v[0].(string), v[1].(string), ""
		if len(v) == 3 {
			flags = v[2].(string)
		}
		for _, f := range flags {
			switch f {
			case 'i', 'c':
			case 'g':
				return nil, errorf("22023", "%s() does not support the \"global\" option", name)
			default:
				return nil, errorf("22023", "invalid regular expression option: \"%c\"", f)
			}
		}
		re, err := exec.CompileRegex(pattern, strings.LastIndexByte(flags, 'i') > strings.LastIndexByte(flags, 'c'))
		if err != nil {
			return nil, err
		}
		if name == "regexp_match" {
			loc := re.FindStringSubmatchIndex(s)
			if loc == nil {
				return nil, nil
			}
			return matchArray(s, loc), nil
		}
		var elems []*string
		parts := []string{s}
		if s != "" {
			parts = re.Split(s, -1)
		}
		for i := range parts {
			elems = append(elems, &parts[i])
		}
		return formatArrayText(elems), nil
	}}, nil
}

// matchArray is the text[] of one match (loc as FindStringSubmatchIndex
// gives it): its groups (NULL for one that took no part), or the whole
// match when the pattern has none.
func matchArray(s string, loc []int) string {
	if len(loc) == 2 {
		m := s[loc[0]:loc[1]]
		return formatArrayText([]*string{&m})
	}
	var elems []*string
	for g := 2; g < len(loc); g += 2 {
		if loc[g] < 0 {
			elems = append(elems, nil)
			continue
		}
		m := s[loc[g]:loc[g+1]]
		elems = append(elems, &m)
	}
	return formatArrayText(elems)
}

// databaseSize is pg_database_size(name or oid): the bytes of the
// database's tables, when the engine can tell (see tableSizer); NULL
// otherwise.
func (b *binder) databaseSize(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 1 {
		return nil, errorf(CodeUndefinedFunc, "function pg_database_size takes one argument")
	}
	engine := b.p.Engine
	sizer, _ := any(engine).(tableSizer)
	byOID := map[int64]string{}
	for _, d := range b.p.Engine.Databases() {
		byOID[stableOID("database", d.Name)] = d.Name
	}
	return &rowFunc{name: "pg_database_size", args: []exec.Expr{settle(args[0])}, dt: exec.TypeInt, strict: true, fn: func(v []any) (any, error) {
		db, ok := v[0].(string)
		if oid, isOID := v[0].(int64); isOID {
			db, ok = byOID[oid]
		}
		if !ok || sizer == nil {
			return nil, nil
		}
		var total int64
		for _, d := range engine.Databases() {
			if d.Name != db {
				continue
			}
			for _, t := range d.Tables {
				if n, err := sizer.TableSize(db, t); err == nil {
					total += n
				}
			}
			return total, nil
		}
		return nil, &Error{Code: "3D000", Msg: fmt.Sprintf("database %q does not exist", db)}
	}}, nil
}

// formatType is format_type(type oid, typmod): the SQL name of any type of
// the static pg_type (arrays as elem[]), with the length of varchar and
// char and the precision of numeric and time types when typmod gives them.
func (b *binder) formatType(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 2 {
		return nil, errorf(CodeUndefinedFunc, "function format_type takes two arguments")
	}
	for i := range args {
		x, err := b.coerce(args[i], exec.TypeInt)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	return b.fold(&rowFunc{name: "format_type", args: args, dt: exec.TypeText, fn: func(v []any) (any, error) {
		oid, ok := v[0].(int64)
		if !ok {
			return nil, nil
		}
		typmod := int64(-1)
		if m, ok := v[1].(int64); ok {
			typmod = m
			if oid == 1042 && m < 0 {
				// As PostgreSQL: character without a length is
				// character(1), so a bpchar of no typmod is named so.
				return "bpchar", nil
			}
		}
		return formatTypeName(oid, typmod), nil
	}})
}

func formatTypeName(oid, typmod int64) string {
	name := typeName(oid)
	if typmod < 0 {
		return name
	}
	switch oid {
	case 1043, 1042:
		return fmt.Sprintf("%s(%d)", name, typmod-4)
	case 1700:
		t := typmod - 4 // (p << 16) | s's low 11 bits, s from -1000 to 1000
		return fmt.Sprintf("numeric(%d,%d)", t>>16&0xffff, (t&0x7ff^0x400)-0x400)
	case 1083, 1114:
		return strings.Replace(name, " without", fmt.Sprintf("(%d) without", typmod), 1)
	case 1184:
		return strings.Replace(name, " with", fmt.Sprintf("(%d) with", typmod), 1)
	}
	return name
}

// descKey identifies a comment: the object, its catalog, the column (0:
// the object itself).
type descKey struct{ obj, class, sub int64 }

var (
	descOnce sync.Once
	descRows map[descKey]string
)

// descriptions are pg_description's static rows: the comments on the
// catalogs and functions PostgreSQL describes (strataDescriptions adds
// those on Strata's own relations).
func descriptions() map[descKey]string {
	descOnce.Do(func() {
		loadPgCatalog()
		descRows = map[descKey]string{}
		for _, row := range pgCatalogRows["pg_description"] {
			if len(row) < 4 || row[0] == nil || row[1] == nil || row[2] == nil || row[3] == nil {
				continue
			}
			obj, _ := strconv.ParseInt(*row[0], 10, 64)
			class, _ := strconv.ParseInt(*row[1], 10, 64)
			sub, _ := strconv.ParseInt(*row[2], 10, 64)
			descRows[descKey{obj, class, sub}] = *row[3]
		}
	})
	return descRows
}

// allDescriptions are pg_description's rows: the comments on the session
// database's relations, then the static catalogs' (kept apart, not copied
// together for each call).
func (b *binder) allDescriptions() []map[descKey]string {
	return []map[descKey]string{b.strataDescriptions(), descriptions()}
}

// describe looks a comment up in descs, the first map holding it.
func describe(descs []map[descKey]string, k descKey) (string, bool) {
	for _, m := range descs {
		if d, ok := m[k]; ok {
			return d, true
		}
	}
	return "", false
}

// objDescription is obj_description(oid [, catalog]): the object's
// comment in pg_description.
func (b *binder) objDescription(args []exec.Expr) (exec.Expr, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, errorf(CodeUndefinedFunc, "function obj_description takes one or two arguments")
	}
	x, err := b.coerce(args[0], exec.TypeInt)
	if err != nil {
		return nil, err
	}
	args[0] = x
	if len(args) == 2 {
		if args[1], err = b.coerce(args[1], exec.TypeText); err != nil {
			return nil, err
		}
		args[1] = settle(args[1])
	}
	loadPgCatalog()
	desc := b.allDescriptions()
	return b.fold(&rowFunc{name: "obj_description", args: args, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		obj := v[0].(int64)
		if len(v) == 1 {
			for _, m := range desc {
				for k, d := range m {
					if k.obj == obj && k.sub == 0 {
						return d, nil
					}
				}
			}
			return nil, nil
		}
		class, ok := catalogRelationOIDs[regName(v[1].(string))]
		if !ok {
			return nil, nil
		}
		if d, ok := describe(desc, descKey{obj, class, 0}); ok {
			return d, nil
		}
		return nil, nil
	}})
}

// colDescription is col_description(table oid, column number).
func (b *binder) colDescription(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 2 {
		return nil, errorf(CodeUndefinedFunc, "function col_description takes two arguments")
	}
	for i := range args {
		x, err := b.coerce(args[i], exec.TypeInt)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	desc := b.allDescriptions()
	return b.fold(&rowFunc{name: "col_description", args: args, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		if d, ok := describe(desc, descKey{v[0].(int64), 1259, v[1].(int64)}); ok {
			return d, nil
		}
		return nil, nil
	}})
}

// startedAt is when this server process started (pg_postmaster_start_time).
var startedAt = time.Now()

func (b *binder) backendPID(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 0 {
		return nil, errorf(CodeUndefinedFunc, "function pg_backend_pid takes no arguments")
	}
	pid := int64(b.sess.PID)
	return &rowFunc{name: "pg_backend_pid", dt: exec.TypeInt, pg: 23, fn: func([]any) (any, error) { return pid, nil }}, nil
}

func (b *binder) startTime(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 0 {
		return nil, errorf(CodeUndefinedFunc, "function pg_postmaster_start_time takes no arguments")
	}
	return &exec.Literal{V: exec.Timestamp(startedAt.UnixNano()), DT: exec.TypeTimestamptz}, nil
}

// toReg is to_regclass, to_regtype, to_regproc and to_regnamespace: the
// ::regclass (...) cast of a name, NULL where that cast fails for want of
// the object (a migration tool's to_regclass('public.metrics') IS NULL).
// A relation's name may be computed per row; the others' must be
// constants.
func toReg(to string) func(*binder, []exec.Expr) (exec.Expr, error) {
	fn := "to_" + to
	return func(b *binder, args []exec.Expr) (exec.Expr, error) {
		x, err := b.oneArg(fn, args, exec.TypeText)
		if err != nil {
			return nil, err
		}
		if x, err = b.fold(settle(x)); err != nil {
			return nil, err
		}
		null := &rowFunc{name: fn, dt: exec.TypeText, pg: regTypePG[to], fn: func([]any) (any, error) { return nil, nil }}
		lit, ok := x.(*exec.Literal)
		switch {
		case ok && lit.V == nil:
			return null, nil
		case ok:
			r, err := b.regCast(lit, to)
			if err != nil {
				return null, nil
			}
			return r, nil
		case to != "regclass":
			return nil, notSupported(fn + " of a non-constant name")
		}
		return b.regCast(b.regclassOID(x, false), to)
	}
}

// regTypePG are the reg* types' OIDs.
var regTypePG = map[string]uint32{"regclass": 2205, "regproc": 24, "regprocedure": 24, "regtype": 2206, "regnamespace": 4089}

// setConfig is set_config(name, value, is_local): Strata's settings change
// through SET, so this only answers the value, as pgAdmin expects.
func (b *binder) setConfig(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 3 {
		return nil, errorf(CodeUndefinedFunc, "function set_config takes three arguments")
	}
	v, err := b.coerce(args[1], exec.TypeText)
	if err != nil {
		return nil, err
	}
	return settle(v), nil
}

// quoteLiteral is quote_literal: a string constant ('it”s'; E'...' when
// it holds a backslash), NULL for NULL.
func (b *binder) quoteLiteral(args []exec.Expr) (exec.Expr, error) {
	return b.quoted("quote_literal", args, nil)
}

// quoteNullable is quote_nullable: quote_literal, but the text NULL for
// NULL.
func (b *binder) quoteNullable(args []exec.Expr) (exec.Expr, error) {
	return b.quoted("quote_nullable", args, "NULL")
}

func (b *binder) quoted(name string, args []exec.Expr, null any) (exec.Expr, error) {
	if len(args) != 1 {
		return nil, errorf(CodeUndefinedFunc, "function %s takes one argument", name)
	}
	x := args[0] // any type: its text (quote_literal(42) is '42')
	if _, ok := x.(*unknownLit); ok || exec.IsText(x.Type()) || x.Type().ID() == arrow.NULL {
		var err error
		if x, err = b.coerce(x, exec.TypeText); err != nil {
			return nil, err
		}
	} else {
		x = &exec.Cast{X: x, To: exec.TypeText} // true is 'true', as anyelement::text
	}
	return b.fold(&rowFunc{name: name, args: []exec.Expr{settle(x)}, dt: exec.TypeText, fn: func(v []any) (any, error) {
		s, ok := v[0].(string)
		if !ok {
			return null, nil
		}
		return quoteLiteral(s), nil
	}})
}

func quoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}

// outputText is x as its type's output function writes it (what concat
// and format show): a boolean as t or f, anything else as its text.
func outputText(x exec.Expr) exec.Expr {
	if x.Type().ID() == arrow.BOOL {
		return &rowFunc{name: "text", args: []exec.Expr{x}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
			if v[0].(bool) {
				return "t", nil
			}
			return "f", nil
		}}
	}
	return &exec.Cast{X: x, To: exec.TypeText}
}

// format is format(fmt, args...) with %s, %I, %L and %%.
func (b *binder) format(args []exec.Expr) (exec.Expr, error) {
	if len(args) < 1 {
		return nil, errorf(CodeUndefinedFunc, "function format takes at least one argument")
	}
	for i, a := range args {
		if _, ok := a.(*unknownLit); ok {
			a = settle(a)
		}
		if !exec.IsText(a.Type()) {
			a = outputText(a)
		}
		args[i] = a
	}
	return b.fold(&rowFunc{name: "format", args: args, dt: exec.TypeText, fn: func(v []any) (any, error) {
		f, ok := v[0].(string)
		if !ok {
			return nil, nil
		}
		var out strings.Builder
		next := 1 // the argument a specifier without n$ takes
		// argAt is argument n (1-based) as text, ok false for NULL.
		argAt := func(n int) (string, bool, error) {
			if n >= len(v) {
				return "", false, errorf("22023", "too few arguments for format()")
			}
			arg, ok := v[n].(string)
			return arg, ok, nil
		}
		// take is argument pos (n$), or the next one when pos is 0; the
		// one after it is next.
		take := func(pos int) (string, bool, error) {
			if pos == 0 {
				pos = next
			}
			next = pos + 1
			return argAt(pos)
		}
		for i := 0; i < len(f); i++ {
			if f[i] != '%' {
				out.WriteByte(f[i])
				continue
			}
			i++
			if i < len(f) && f[i] == '%' {
				out.WriteByte('%')
				continue
			}
			// %[n$][-][width | * | *n$]type
			pos, i2 := formatPosition(f, i)
			i = i2
			left := false
			for i < len(f) && f[i] == '-' {
				left, i = true, i+1
			}
			width := 0
			switch {
			case i < len(f) && f[i] == '*':
				wpos, i3 := formatPosition(f, i+1)
				i = i3
				w, ok, err := take(wpos)
				if err != nil {
					return nil, err
				}
				if ok {
					k, perr := strconv.Atoi(strings.TrimSpace(w))
					if perr != nil {
						return nil, errorf(CodeInvalidText, "invalid input syntax for type integer: %q", w)
					}
					if k < 0 {
						left, k = true, -k
					}
					width = k
				}
			default:
				for i < len(f) && f[i] >= '0' && f[i] <= '9' {
					width = width*10 + int(f[i]-'0')
					if width > 1<<20 {
						return nil, errorf("22023", "number is out of range")
					}
					i++
				}
			}
			if i >= len(f) {
				return nil, errorf("22023", "unterminated format() type specifier")
			}
			arg, notNull, err := take(pos)
			if err != nil {
				return nil, err
			}
			var val string
			switch f[i] {
			case 's':
				val = arg
			case 'I':
				if !notNull {
					return nil, errorf("22004", "null values cannot be formatted as an SQL identifier")
				}
				val = quoteIdentifier(arg)
			case 'L':
				val = "NULL"
				if notNull {
					val = quoteLiteral(arg)
				}
			default:
				return nil, errorf("22023", "unrecognized format() type specifier %q", string(f[i]))
			}
			pad := strings.Repeat(" ", max(0, width-utf8.RuneCountInString(val)))
			if left {
				val += pad
			} else {
				val = pad + val
			}
			out.WriteString(val)
		}
		return out.String(), nil
	}})
}

// formatPosition reads format()'s n$ at f[i:]: n and the index after
// the $, or 0 and i when there is none.
func formatPosition(f string, i int) (int, int) {
	j, n := i, 0
	for j < len(f) && f[j] >= '0' && f[j] <= '9' && n < 1<<20 {
		n = n*10 + int(f[j]-'0')
		j++
	}
	if j > i && j < len(f) && f[j] == '$' && n > 0 {
		return n, j + 1
	}
	return 0, i
}

// relationArg reads the arguments of a function of one relation with an
// optional second argument, dropped: a name literal ('cpu') becomes a
// regclass, a regclass constant its OID.
func (b *binder) relationArg(args []exec.Expr) ([]exec.Expr, error) {
	if len(args) == 2 {
		args = args[:1]
	}
	if len(args) == 1 {
		if u, ok := args[0].(*unknownLit); ok {
			x, err := b.regCast(u, "regclass")
			if err != nil {
				return nil, err
			}
			args[0] = x
		}
		if r, ok := args[0].(*regprocLit); ok {
			args[0] = integer(r.V.(int64))
		}
		if r, ok := args[0].(*rowFunc); ok && r.name == "regclass" && len(r.args) == 1 && r.args[0].Type().ID() == arrow.INT64 {
			args[0] = r.args[0] // oid::regclass, or a name found at run time: the OID
		}
	}
	return args, nil
}

// matviewDef is pg_get_viewdef(view [, pretty]): a materialized view's
// query (psql's \d+ shows it); NULL for the catalogs' views, whose
// definitions Strata does not keep.
func (b *binder) matviewDef(args []exec.Expr) (exec.Expr, error) {
	args, err := b.relationArg(args)
	if err != nil {
		return nil, err
	}
	db := b.sess.Database
	defs := map[int64]string{}
	for _, t := range b.catalogTables(db) {
		if def, ok := b.p.viewOf(db, t); ok {
			defs[TableOID(db, t)] = " " + def.Query + ";"
		}
	}
	if b.p.Engine != nil {
		for _, v := range b.p.Engine.PlainViews(db) {
			defs[TableOID(db, v.Name)] = " " + v.Query + ";"
		}
	}
	if len(defs) == 0 {
		return b.viewDef(args)
	}
	if len(args) < 1 || len(args) > 2 {
		return nil, errorf(CodeUndefinedFunc, "function pg_get_viewdef takes a view and, optionally, pretty")
	}
	oid, err := b.coerce(args[0], exec.TypeInt)
	if err != nil {
		return nil, err
	}
	return &rowFunc{name: "pg_get_viewdef", args: []exec.Expr{oid}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		if d, ok := defs[v[0].(int64)]; ok {
			return d, nil
		}
		return nil, nil
	}}, nil
}

// viewDef is pg_get_ruledef and pg_get_triggerdef (and pg_get_viewdef of a
// catalog's view): Strata keeps no rules, triggers or catalog view
// definitions (NULL).
func (b *binder) viewDef(args []exec.Expr) (exec.Expr, error) {
	args, err := b.relationArg(args) // pg_get_viewdef(view, pretty)
	if err != nil {
		return nil, err
	}
	return fixedFunc("pg_get_viewdef", 1, exec.TypeInt, exec.TypeText, nil)(b, args)
}
