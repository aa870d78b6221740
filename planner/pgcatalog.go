package planner

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// pg_catalog tables are built when a query names them, like
// information_schema: their columns are PostgreSQL 15's (pgcatalog.json,
// written by ./planner/internal/gencatalog), the static catalogs
// (pg_type, pg_am, pg_proc's I/O functions, ...) hold PostgreSQL's rows,
// and pg_namespace, pg_database, pg_class, pg_attribute, pg_roles and a few
// views describe Strata's catalog. Every other table is empty. Values are
// typed by Strata's types: OIDs and other integers are bigint, names text.

// Fixed OIDs (PostgreSQL's).
const (
	oidPgCatalog  = 11
	oidPublic     = 2200
	oidPgToast    = 99
	oidInfoSchema = 13000
	oidOwner      = 10 // the role strata
	oidHeapAM     = 2
	oidBtreeAM    = 403
)

// firstUserOID is where PostgreSQL starts user objects.
const firstUserOID = 16384

// stableOID gives a Strata object an OID that stays the same across queries
// and restarts: a hash of its name above firstUserOID. (Collisions are
// possible in principle; the catalog has no OID counter yet.)
func stableOID(parts ...string) int64 {
	h := fnv.New32a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return firstUserOID + int64(h.Sum32()%(1<<30))
}

// TableOID is the OID pg_class gives a table of a database.
func TableOID(db, table string) int64 { return stableOID("table", db, table) }

// pgTypeOf maps a Strata column type to its PostgreSQL type OID and length.
func pgTypeOf(t storage.ColumnType) (oid int64, length int64) {
	switch t {
	case storage.TypeTime, storage.TypeTimestamp:
		return 1184, 8
	case storage.TypeFloat:
		return 701, 8
	case storage.TypeInt:
		return 20, 8
	case storage.TypeUint:
		return 1700, -1
	case storage.TypeBool:
		return 16, 1
	}
	return 25, -1
}

// engineType is how a catalog column of PostgreSQL type oid is held.
func engineType(oid int) arrow.DataType {
	switch oid {
	case 16:
		return exec.TypeBool
	case 20, 21, 23, 26, 28, 29, 5069:
		return exec.TypeInt
	case 700, 701:
		return exec.TypeFloat
	case 1114, 1184:
		return exec.TypeTimestamptz
	}
	return exec.TypeText
}

// catalogTable collects rows of one pg_catalog table by column name.
type catalogTable struct {
	cols []Column
	idx  map[string]int
	rows [][]exec.Expr
}

func newCatalogTable(name string) *catalogTable {
	loadPgCatalog()
	return newTableOf(pgCatalogColumns[name])
}

// newTableOf makes an empty table of PostgreSQL columns.
func newTableOf(cols []pgColumn) *catalogTable {
	t := &catalogTable{idx: map[string]int{}}
	for i, c := range cols {
		dt := engineType(c.oid)
		t.cols = append(t.cols, Column{Name: c.name, Type: dt, PGType: narrowPG(uint32(c.oid), dt)})
		t.idx[c.name] = i
	}
	return t
}

// add appends a row; columns not given are NULL.
func (t *catalogTable) add(vals map[string]any) {
	row := make([]exec.Expr, len(t.cols))
	for i, c := range t.cols {
		row[i] = &exec.Literal{V: nil, DT: c.Type}
	}
	for name, v := range vals {
		i, ok := t.idx[name]
		if !ok {
			continue
		}
		if n, ok := v.(int); ok {
			v = int64(n)
		}
		row[i] = &exec.Literal{V: v, DT: t.cols[i].Type}
	}
	t.rows = append(t.rows, row)
}

// addText appends a row given as PostgreSQL text output (the static rows).
func (t *catalogTable) addText(vals []*string) {
	row := make([]exec.Expr, len(t.cols))
	for i, c := range t.cols {
		var v any
		if i < len(vals) && vals[i] != nil {
			text := *vals[i]
			switch c.Type.ID() {
			case arrow.BOOL:
				v = text == "t"
			case arrow.INT64:
				n, err := strconv.ParseInt(text, 10, 64)
				if err == nil {
					v = n
				}
			case arrow.FLOAT64:
				f, err := strconv.ParseFloat(text, 64)
				if err == nil {
					v = f
				}
			default:
				v = text
			}
		}
		row[i] = &exec.Literal{V: v, DT: c.Type}
	}
	t.rows = append(t.rows, row)
}

// isCatalogTable reports whether name is a pg_catalog table or view.
func isCatalogTable(name string) bool {
	loadPgCatalog()
	_, ok := pgCatalogColumns[name]
	return ok
}

func (b *binder) pgCatalog(table, alias string) (*scope, error) {
	if !isCatalogTable(table) {
		return nil, errorf(CodeUndefinedTable, "relation \"pg_catalog.%s\" does not exist", table)
	}
	b.volatile = true
	t := newCatalogTable(table)
	static := pgCatalogRows[table]
	if table == "pg_settings" {
		// Its copied rows are completed with the session's values.
		for _, r := range static {
			t.addText(r)
		}
		static = nil
	}
	b.fillCatalog(table, t)
	if alias == "" {
		alias = table
	}
	// The system column tableoid: the catalog's own OID.
	oid := integer(catalogRelationOIDs[table])
	cols := append(t.cols[:len(t.cols):len(t.cols)], Column{Name: "tableoid", Type: exec.TypeInt, PGType: 26})
	withOID := func(rows [][]exec.Expr) [][]exec.Expr {
		for i := range rows {
			rows[i] = append(rows[i], oid)
		}
		return rows
	}
	node := &CatalogValues{Table: table, Cols: cols, Rows: withOID(t.rows)}
	if len(static) > 0 {
		rec, err := staticRecord(table, cols, func() [][]exec.Expr {
			st := newCatalogTable(table)
			for _, r := range static {
				st.addText(r)
			}
			return withOID(st.rows)
		})
		if err != nil {
			return nil, err
		}
		node.Static = rec
	}
	s := derivedScope(node, alias)
	s.cols[len(s.cols)-1].system = true
	return s, nil
}

// fillCatalog adds the rows that describe Strata's own objects.
func (b *binder) fillCatalog(table string, t *catalogTable) {
	db := b.sess.Database
	user := b.sess.User
	if user == "" {
		user = exec.OwnerRole
	}
	switch table {
	case "pg_stat_activity":
		b.fillStatActivity(t)
	case "pg_description":
		own := b.strataDescriptions()
		keys := slices.SortedFunc(maps.Keys(own), func(x, y descKey) int { return cmp.Or(cmp.Compare(x.obj, y.obj), cmp.Compare(x.sub, y.sub)) })
		for _, k := range keys {
			t.add(map[string]any{"objoid": k.obj, "classoid": k.class, "objsubid": k.sub, "description": own[k]})
		}
	case "pg_prepared_statements":
		if b.sess.Prepared == nil {
			break
		}
		for _, ps := range b.sess.Prepared() {
			names := make([]*string, len(ps.ParamTypes))
			for i, oid := range ps.ParamTypes {
				n := TypeName(oid)
				names[i] = &n
			}
			t.add(map[string]any{"name": ps.Name, "statement": ps.Statement, "prepare_time": exec.Timestamp(ps.Prepared.UnixMicro() * 1000),
				"parameter_types": formatArrayText(names), "from_sql": ps.FromSQL, "generic_plans": ps.GenericPlans, "custom_plans": ps.CustomPlans})
		}
	case "pg_namespace":
		for _, ns := range []struct {
			oid  int
			name string
		}{{oidPgCatalog, "pg_catalog"}, {oidPgToast, "pg_toast"}, {oidPublic, "public"}, {oidInfoSchema, "information_schema"}} {
			t.add(map[string]any{"oid": ns.oid, "nspname": ns.name, "nspowner": oidOwner})
		}
	case "pg_database":
		for _, d := range b.p.Engine.Databases() {
			t.add(map[string]any{"oid": stableOID("database", d.Name), "datname": d.Name, "datdba": oidOwner, "encoding": 6,
				"datlocprovider": "c", "datistemplate": false, "datallowconn": true, "datconnlimit": -1,
				"datcollate": "C", "datctype": "C", "dattablespace": 1663})
		}
	case "pg_roles", "pg_user", "pg_authid", "pg_shadow":
		for _, r := range uniqueNames(exec.OwnerRole, user) {
			oid := int64(oidOwner)
			if r != exec.OwnerRole {
				oid = stableOID("role", r)
			}
			t.add(map[string]any{"oid": oid, "usesysid": oid, "rolname": r, "usename": r, "rolsuper": true, "usesuper": true,
				"rolinherit": true, "rolcreaterole": true, "rolcreatedb": true, "usecreatedb": true, "rolcanlogin": true,
				"rolreplication": false, "userepl": false, "rolconnlimit": -1, "rolbypassrls": true, "usebypassrls": true,
				"rolpassword": "********"})
		}
	case "pg_index", "pg_constraint", "pg_indexes":
		b.keyRows(table, t)
	case "pg_class", "pg_tables", "pg_attribute", "pg_stat_user_tables", "pg_statio_user_tables", "pg_matviews", "pg_views", "pg_attrdef":
		b.plainViewRows(table, t, db)
		tables := b.catalogTables(db)
		for _, name := range tables {
			cols, err := b.p.SQLColumns(db, name)
			if err != nil {
				continue // dropped meanwhile
			}
			oid := TableOID(db, name)
			kind := "r"
			def, isView := b.p.viewOf(db, name)
			if isView {
				kind = "m"
			}
			key, keyed := b.p.keyOf(db, name, cols)
			switch table {
			case "pg_class":
				t.add(map[string]any{"oid": oid, "relname": name, "relnamespace": oidPublic, "reltype": 0, "reloftype": 0,
					"relowner": oidOwner, "relam": oidHeapAM, "relfilenode": oid, "reltablespace": 0, "relpages": 0,
					"reltuples": -1.0, "relallvisible": 0, "reltoastrelid": 0, "relhasindex": keyed, "relisshared": false,
					"relpersistence": "p", "relkind": kind, "relnatts": lastAttNum(cols), "relchecks": 0, "relhasrules": false,
					"relhastriggers": false, "relhassubclass": false, "relrowsecurity": false, "relforcerowsecurity": false,
					"relispopulated": true, "relreplident": "d", "relispartition": false, "relrewrite": 0})
				if keyed {
					b.keyRowsOf(table, t, key) // its index
				}
			case "pg_tables":
				if !isView {
					t.add(map[string]any{"schemaname": "public", "tablename": name, "tableowner": exec.OwnerRole,
						"hasindexes": keyed, "hasrules": false, "hastriggers": false, "rowsecurity": false})
				}
			case "pg_matviews":
				if isView {
					t.add(map[string]any{"schemaname": "public", "matviewname": name, "matviewowner": exec.OwnerRole,
						"hasindexes": false, "ispopulated": true, "definition": " " + def.Query + ";"})
				}
			case "pg_attrdef":
				for _, c := range cols {
					if c.Default != "" {
						t.add(map[string]any{"oid": stableOID("attrdef", db, name, c.Name), "adrelid": oid, "adnum": c.Num, "adbin": c.Default})
					}
				}
			case "pg_stat_user_tables", "pg_statio_user_tables":
				t.add(map[string]any{"relid": oid, "schemaname": "public", "relname": name})
			case "pg_attribute":
				attributeRows(t, oid, cols, false)
				if keyed { // the key's index has its columns, numbered in key order
					var keyCols []storage.ColumnMeta
					for i, n := range key.names {
						at := slices.IndexFunc(cols, func(c storage.ColumnMeta) bool { return c.Name == n })
						c := cols[at]
						c.Num, c.Default = i+1, ""
						keyCols = append(keyCols, c)
					}
					attributeRows(t, key.indexOID(db), keyCols, true)
				}
			}
		}
	case "pg_settings":
		// The static rows hold PostgreSQL's descriptions of the settings
		// Strata has; the values are the session's.
		rows := t.rows[:0]
		for _, row := range t.rows {
			name, _ := row[t.idx["name"]].(*exec.Literal).V.(string)
			v, err := sessionSetting(b.sess, name, true)
			if err != nil || v == nil {
				continue // not a setting of this session
			}
			rows = append(rows, row)
			def, _ := sessionSetting(&Session{Database: db}, name, true)
			if def == nil {
				def = v
			}
			for col, val := range map[string]any{"setting": v, "boot_val": def, "reset_val": def, "source": "default",
				"sourcefile": nil, "sourceline": nil, "pending_restart": false} {
				row[t.idx[col]] = &exec.Literal{V: val, DT: t.cols[t.idx[col]].Type}
			}
			if v != def {
				row[t.idx["source"]] = text("session")
			}
		}
		t.rows = rows
	}
}

// catalogTables lists the session database's tables, sorted.
func (b *binder) catalogTables(db string) []string {
	for _, d := range b.p.Engine.Databases() {
		if d.Name == db {
			names := append([]string(nil), d.Tables...)
			sort.Strings(names)
			return names
		}
	}
	return nil
}

func uniqueNames(names ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// catalogRelationOIDs are the OIDs of the catalogs clients name with
// 'pg_class'::regclass (PostgreSQL's fixed ones); loadPgCatalog adds every
// pg_catalog relation's from pgcatalog.json.
var catalogRelationOIDs = map[string]int64{
	"pg_type": 1247, "pg_attribute": 1249, "pg_proc": 1255, "pg_class": 1259, "pg_database": 1262,
	"pg_constraint": 2606, "pg_namespace": 2615, "pg_description": 2609, "pg_index": 2610, "pg_am": 2601,
}

// regclassOID is the OID of the relation text x names, found per row;
// one that names none is an error (x::regclass) or, unless mustExist, NULL
// (to_regclass(x)).
func (b *binder) regclassOID(x exec.Expr, mustExist bool) exec.Expr {
	byName := map[string]int64{}
	for oid, name := range b.regNames("regclass") {
		byName[name] = oid
	}
	return &rowFunc{name: "regclass_oid", args: []exec.Expr{x}, dt: exec.TypeInt, strict: true, fn: func(v []any) (any, error) {
		if oid, ok := byName[regName(v[0].(string))]; ok {
			return oid, nil
		}
		if mustExist {
			return nil, errorf(CodeUndefinedTable, "relation %q does not exist", v[0])
		}
		return nil, nil
	}}
}

// regCast is x::regtype, ::regclass, ::regproc, ::regnamespace: a name
// (text) becomes the object's OID; an OID becomes its name, as the reg*
// types print. The result is bigint or text, which is what the casts that
// usually follow (::oid, ::text) expect.
func (b *binder) regCast(x exec.Expr, to string) (exec.Expr, error) {
	if u, ok := x.(*unknownLit); ok && u.param > 0 && b.describe {
		// $1::regclass being described: the name comes as text, and is
		// looked up when it does; typed as the OID of an object, below.
		b.noteParam(u.param, exec.TypeText)
		x = &exec.Literal{V: nil, DT: exec.TypeInt}
	}
	x, err := b.fold(settle(x))
	if err != nil {
		return nil, err
	}
	if exec.IsText(x.Type()) {
		_, ok := x.(*exec.Literal)
		if !ok && to == "regclass" {
			// A relation named at run time (format('%I.%I', schema, name)):
			// its OID, then the regclass of that OID below.
			x = b.regclassOID(x, true)
		} else if !ok {
			return nil, notSupported("::" + to + " of a non-constant name")
		}
	}
	if exec.IsText(x.Type()) {
		lit := x.(*exec.Literal)
		if lit.V == nil {
			return &exec.Literal{V: nil, DT: exec.TypeInt}, nil
		}
		oid, err := b.regLookup(to, lit.V.(string))
		if err != nil {
			return nil, err
		}
		name := regName(lit.V.(string))
		pg := regTypePG[to]
		if to == "regtype" {
			name = typeName(oid)
		}
		if pg == 0 {
			return integer(oid), nil
		}
		return &regprocLit{Literal: exec.Literal{V: oid, DT: exec.TypeInt}, name: name, pg: pg}, nil
	}
	if x.Type().ID() != arrow.INT64 && x.Type().ID() != arrow.NULL {
		return nil, errorf(CodeDatatype, "cannot cast type %s to %s", exec.SQLTypeName(x.Type()), to)
	}
	if to == "regtype" {
		// A name as format_type writes it; an OID of no type prints as
		// the number, as in PostgreSQL.
		return &rowFunc{name: "regtype", args: []exec.Expr{x}, dt: exec.TypeText, pg: 2206, strict: true,
			fn: func(v []any) (any, error) {
				oid := v[0].(int64)
				if typeName(oid) == "???" {
					return strconv.FormatInt(oid, 10), nil
				}
				return formatTypeName(oid, -1), nil
			}}, nil
	}
	names := b.regNames(to)
	pg := regTypePG[to]
	// An OID without an object prints as the number, as in PostgreSQL.
	return &rowFunc{name: to, args: []exec.Expr{x}, dt: exec.TypeText, pg: pg, strict: true, fn: func(v []any) (any, error) {
		oid, _ := v[0].(int64)
		if n, ok := names[oid]; ok {
			return n, nil
		}
		return strconv.FormatInt(oid, 10), nil
	}}, nil
}

// regTypes are the reg* types held as names, by OID.
var regTypes = map[uint32]string{24: "regproc", 2205: "regclass", 2206: "regtype", 4089: "regnamespace"}

// regOID turns a reg* value held as its name into the object's OID (NULL
// for a name without an object); ok is false for other expressions.
func (b *binder) regOID(x exec.Expr) (exec.Expr, bool) {
	t, ok := x.(pgTyped)
	if !ok || regTypes[t.pgType()] == "" {
		return nil, false
	}
	byName := map[string]int64{}
	for oid, name := range b.regNames(regTypes[t.pgType()]) {
		if have, dup := byName[name]; !dup || oid < have {
			byName[name] = oid
		}
	}
	if t.pgType() == 2206 {
		// A regtype prints as format_type names it ("timestamp with time
		// zone"), as the casts of OIDs and the catalog views hold it.
		for oid := range b.regNames("regtype") {
			if name := typeName(oid); name != "" {
				if _, taken := byName[name]; !taken {
					byName[name] = oid
				}
			}
		}
	}
	return &rowFunc{name: "oid", args: []exec.Expr{x}, dt: exec.TypeInt, strict: true, fn: func(v []any) (any, error) {
		name, _ := v[0].(string)
		if oid, ok := byName[name]; ok {
			return oid, nil
		}
		if oid, err := strconv.ParseInt(name, 10, 64); err == nil {
			return oid, nil // "-" and numbers: an OID without a name
		}
		return nil, nil
	}}, true
}

// regNames are the names the reg* types print for OIDs.
func (b *binder) regNames(to string) map[int64]string {
	names := map[int64]string{}
	loadPgCatalog()
	switch to {
	case "regclass":
		for n, oid := range catalogRelationOIDs {
			names[oid] = n
		}
		for _, t := range b.catalogTables(b.sess.Database) {
			names[TableOID(b.sess.Database, t)] = t
		}
		if b.p.Engine != nil {
			for _, v := range b.p.Engine.PlainViews(b.sess.Database) {
				names[TableOID(b.sess.Database, v.Name)] = v.Name
			}
			for _, k := range b.keys(b.sess.Database) {
				names[k.indexOID(b.sess.Database)] = k.Name // its index
			}
		}
	case "regnamespace":
		names[oidPgCatalog], names[oidPublic], names[oidPgToast], names[oidInfoSchema] = "pg_catalog", "public", "pg_toast", "information_schema"
	case "regproc", "regprocedure":
		loadPgCatalog()
		for _, row := range pgCatalogRows["pg_proc"] {
			if row[0] != nil && row[1] != nil {
				if oid, err := strconv.ParseInt(*row[0], 10, 64); err == nil {
					names[oid] = *row[1]
				}
			}
		}
	case "regtype":
		loadPgCatalog()
		for _, row := range pgCatalogRows["pg_type"] {
			if row[0] != nil && row[1] != nil {
				if oid, err := strconv.ParseInt(*row[0], 10, 64); err == nil {
					names[oid] = *row[1]
				}
			}
		}
	case "regrole":
		names[oidOwner] = exec.OwnerRole
	}
	return names
}

// regprocLit is 'name'::regproc (or ::regclass, ::regtype,
// ::regnamespace): the object's OID, and its name, which is how the reg*
// columns of the catalogs (typinput, typreceive, ...) hold it and how it
// prints; compared with text it is the name.
type regprocLit struct {
	exec.Literal
	name string
	pg   uint32 // regproc, regclass, regtype or regnamespace
}

// asName is a reg* constant as a value of its type: the name, typed
// regclass (...), as it prints.
func (r *regprocLit) asName() exec.Expr {
	name := r.name
	return &rowFunc{name: "name", dt: exec.TypeText, pg: r.pg, fn: func([]any) (any, error) { return name, nil }}
}

func regName(name string) string {
	for _, schema := range []string{"pg_catalog.", "public.", influxSchema + "."} { // iox: the tables as InfluxDB 3's clients see them
		name = strings.TrimPrefix(name, schema)
	}
	return strings.Trim(name, `"`)
}

// regLookup resolves a name to an OID for the reg* casts.
// regtypeName is the typname of a type written as SQL spells it, as
// regtype input reads it: int and integer are int4, double precision
// float8, varchar(10) varchar, text[] _text.
func regtypeName(name string) string {
	name = strings.Join(strings.Fields(strings.ToLower(name)), " ")
	array := strings.HasSuffix(name, "[]")
	name = strings.TrimSuffix(name, "[]")
	if i := strings.IndexByte(name, '('); i > 0 && strings.HasSuffix(name, ")") {
		if p, err := strconv.Atoi(strings.TrimSpace(name[i+1 : len(name)-1])); err == nil && strings.TrimSpace(name[:i]) == "float" && p >= 1 && p <= 24 {
			name = "float4(" // float(p) of up to 24 bits is real
		}
		name = strings.TrimSpace(name[:strings.IndexByte(name, '(')]) // a type modifier: varchar(10), numeric(10,2)
	}
	if t, ok := map[string]string{"int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8", "boolean": "bool",
		"real": "float4", "double precision": "float8", "float": "float8", "character varying": "varchar", "decimal": "numeric",
		"timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz", "time without time zone": "time",
		"time with time zone": "timetz", "character": "bpchar", "char": "bpchar"}[name]; ok {
		name = t
	}
	if array {
		name = "_" + name
	}
	return name
}

// TypeOID is the OID of the type a name spells as SQL writes types (int,
// double precision, varchar(10), text[], pg_catalog.int4), as regtype input
// reads it; 42704 when there is none.
func TypeOID(name string) (uint32, error) {
	name = regName(name)
	loadPgCatalog()
	typname := regtypeName(name)
	for _, want := range []string{typname, name} { // SQL's spelling first: char is bpchar
		for _, row := range pgCatalogRows["pg_type"] {
			if row[1] != nil && *row[1] == want {
				oid, err := strconv.ParseUint(*row[0], 10, 32)
				return uint32(oid), err
			}
		}
	}
	for oid, spelled := range exec.PGTypeNames() {
		if spelled == name {
			return uint32(oid), nil
		}
	}
	return 0, &Error{Code: "42704", Msg: fmt.Sprintf("type %q does not exist", name)}
}

func (b *binder) regLookup(to, name string) (int64, error) {
	name = regName(name)
	loadPgCatalog()
	switch to {
	case "regtype":
		oid, err := TypeOID(name)
		return int64(oid), err
	case "regclass":
		if oid, ok := catalogRelationOIDs[name]; ok {
			return oid, nil
		}
		if _, err := b.p.Engine.TableSchema(b.sess.Database, name); err == nil {
			return TableOID(b.sess.Database, name), nil
		}
		if _, ok := b.p.plainViewOf(b.sess.Database, name); ok {
			return TableOID(b.sess.Database, name), nil
		}
		for _, k := range b.keys(b.sess.Database) {
			if k.Name == name {
				return k.indexOID(b.sess.Database), nil // a key's index
			}
		}
		return 0, errorf(CodeUndefinedTable, "relation %q does not exist", name)
	case "regnamespace":
		switch name {
		case "pg_catalog":
			return oidPgCatalog, nil
		case "public":
			return oidPublic, nil
		case "information_schema":
			return oidInfoSchema, nil
		}
		return 0, &Error{Code: "3F000", Msg: fmt.Sprintf("schema %q does not exist", name)}
	case "regproc", "regprocedure":
		for _, row := range pgCatalogRows["pg_proc"] {
			if row[1] != nil && *row[1] == name {
				return strconv.ParseInt(*row[0], 10, 64)
			}
		}
		return 0, errorf(CodeUndefinedFunc, "function %q does not exist", name)
	case "regrole":
		return oidOwner, nil
	}
	return 0, notSupported("type " + to)
}

// RegOID is the OID a reg* value held as its name stands for (regproc,
// regclass, regtype, regnamespace), in database db; ok is false for names
// without an object. pgwire uses it for the reg* types' binary form.
func (p *Planner) RegOID(db string, pgType uint32, name string) (oid int64, ok bool) {
	to := regTypes[pgType]
	if to == "" {
		return 0, false
	}
	best := int64(-1)
	if to == "regtype" {
		// A regtype is held as PostgreSQL writes it (format_type: integer,
		// timestamp with time zone), not as its typname.
		for o, n := range exec.PGTypeNames() {
			if n == name && (best < 0 || o < best) {
				best = o
			}
		}
		if best >= 0 {
			return best, true
		}
		if elem, ok := strings.CutSuffix(name, "[]"); ok {
			// An array type: integer[] is int4's array, 1007.
			if o, ok := p.RegOID(db, pgType, elem); ok {
				if a, ok := arrayOIDs[uint32(o)]; ok {
					return int64(a), true
				}
			}
		}
	}
	b := &binder{p: p, sess: &Session{Database: db}}
	for o, n := range b.regNames(to) {
		if n == name && (best < 0 || o < best) {
			best = o
		}
	}
	if best < 0 {
		if n, err := strconv.ParseInt(name, 10, 64); err == nil {
			return n, true
		}
		return 0, false
	}
	return best, true
}

// TypeName is format_type's name of a type OID (integer, text[]).
func TypeName(oid uint32) string { return typeName(int64(oid)) }

// AssignmentCast reports whether PostgreSQL converts a value of type src
// to type dst on assignment (an INSERT's value, an EXECUTE's argument):
// the same type; among the numbers (int2, int4, int8, float4, float8,
// numeric); anything to a string type; among the string types; between
// dates and timestamps, and timestamps or intervals to times; json and
// jsonb; arrays whose elements convert. Not bool to or from numbers, nor
// strings to other types (those casts are explicit only).
func AssignmentCast(src, dst uint32) bool {
	if src == dst {
		return true
	}
	se, sArr := ArrayElem(src)
	de, dArr := ArrayElem(dst)
	if sArr || dArr {
		return sArr && dArr && AssignmentCast(se, de)
	}
	family := func(oid uint32) string {
		switch oid {
		case 20, 21, 23, 700, 701, 1700, 26:
			return "number"
		case 25, 1043, 1042, 19, 18:
			return "string"
		case 1082, 1114, 1184:
			return "datetime"
		case 1083, 1266:
			return "time"
		case 114, 3802:
			return "json"
		}
		return ""
	}
	sf, df := family(src), family(dst)
	switch {
	case df == "string":
		return true // any type's text form
	case df == "time" && (src == 1114 || src == 1184 || src == 1186):
		return true // a timestamp's or an interval's time of day
	case sf == "" || df == "":
		return false
	}
	return sf == df
}

// typeLayout is pg_attribute's attalign and attstorage of a column of type
// typ: its pg_type's typalign and typstorage (text 'i' and 'x', numeric
// 'i' and 'm', bigint 'd' and 'p'); for a type pg_type lacks, 'd' and by
// length ('x' for a varlena).
func typeLayout(typ, length int64) (align, storage string) {
	idx := typeIndex()
	align, storage = idx.align[typ], idx.storage[typ]
	if align == "" {
		align = "d"
	}
	if storage == "" {
		storage = "p"
		if length < 0 {
			storage = "x"
		}
	}
	return align, storage
}

// attributeRows adds to pg_attribute the rows of relation rel's columns
// cols (their numbers, types, NOT NULL and defaults as they are), or of
// an index's (index: never NOT NULL, as PostgreSQL's index columns).
func attributeRows(t *catalogTable, rel int64, cols []storage.ColumnMeta, index bool) {
	for _, c := range cols {
		typ, length := pgTypeOf(c.Type)
		d := declaredOf(c)
		if d.OID != 0 {
			typ, length = int64(d.OID), int64(typeLength(d.OID))
		}
		collation := 0
		if typ == 25 || typ == 1042 || typ == 1043 {
			collation = 100
		}
		align, storageKind := typeLayout(typ, length)
		t.add(map[string]any{"attrelid": rel, "attname": c.Name, "atttypid": typ, "attstattarget": -1,
			"attlen": length, "attnum": c.Num, "attndims": 0, "attcacheoff": -1, "atttypmod": int64(d.Typmod()),
			"attbyval": length > 0, "attalign": align, "attstorage": storageKind, "attcompression": "",
			"attnotnull": isNotNull(c) && !index, "atthasdef": c.Default != "", "atthasmissing": false,
			"attidentity": "", "attgenerated": "", "attisdropped": false, "attislocal": true,
			"attinhcount": 0, "attcollation": collation})
	}
}
