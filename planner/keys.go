package planner

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// A table's declared key (CREATE TABLE's PRIMARY KEY or UNIQUE) is kept by
// storage (storage.TableKey) and shown as PostgreSQL shows a key's
// constraint and unique index: pg_constraint, pg_index, an index in
// pg_class and pg_indexes, information_schema's table_constraints and
// key_column_usage, pg_get_indexdef and pg_get_constraintdef. Tools read
// them: psql's \d ("Indexes:"), pgjdbc's getPrimaryKeys, Tableau's and
// Power BI's key queries, ORMs that need a row's key.

// declaredKey is the key CREATE TABLE def declares over cols (its columns,
// in the order written: the place in cols is a column's number), nil when
// it declares none, with newKey's notices and one for each other key
// written (a table keeps one). A PRIMARY KEY makes its tags NOT NULL in
// cols, the ones it gains too.
func (p *Planner) declaredKey(db string, def *sql.TableDef, cols []storage.ColumnMeta) (*storage.TableKey, []Notice, error) {
	if len(def.Key) == 0 {
		return nil, nil, nil
	}
	numbered := slices.Clone(cols)
	for i := range numbered {
		numbered[i].Num = i + 1
	}
	taken := p.relationNames(db)
	taken[def.Table.Name] = true
	key, notices, err := newKey(def.Table.Name, sql.KeyDef{Name: def.KeyName, Primary: def.Primary(), Columns: def.Key, NullsDistinct: def.NullsDistinct}, numbered, taken)
	if err != nil {
		return nil, nil, err
	}
	for _, n := range key.Columns {
		if key.Primary && cols[n-1].Type == storage.TypeTag {
			cols[n-1].NotNull = true // as the key's others (tableColumnsOf)
		}
	}
	for _, k := range def.OtherKeys {
		notices = append(notices, Notice{Severity: "NOTICE", Msg: fmt.Sprintf("%s of table %q is not kept: a table keeps one key, its %s", k, def.Table.Name, keyKind(key.Primary))})
	}
	return key, notices, nil
}

// keyKind is what a key is called: PRIMARY KEY, or UNIQUE constraint.
func keyKind(primary bool) string {
	if primary {
		return "PRIMARY KEY"
	}
	return "UNIQUE constraint"
}

// newKey is the key that def, a PRIMARY KEY or UNIQUE constraint of table
// over its columns cols (by the names SQL shows, with their numbers), is
// kept as. A row is told apart by its time and tags, so the key holds the
// time column and every tag: ones def leaves out are added after its
// columns, in the order of cols, with a notice saying so. A UNIQUE key's
// tags may be NULL, and rows with NULL there are told apart as with any
// other value: PostgreSQL's UNIQUE NULLS NOT DISTINCT, as the catalogs
// show it (a notice when def says NULLS DISTINCT). It is named as
// PostgreSQL names a key's index (chooseRelationName) apart from the
// relation names taken, or def's name, 42P07 when taken has it.
func newKey(table string, def sql.KeyDef, cols []storage.ColumnMeta, taken map[string]bool) (*storage.TableKey, []Notice, error) {
	key := &storage.TableKey{Primary: def.Primary}
	kind := "unique constraint"
	if def.Primary {
		kind = "primary key constraint"
	}
	names := slices.Clone(def.Columns)
	for _, k := range def.Columns {
		at := slices.IndexFunc(cols, func(c storage.ColumnMeta) bool { return c.Name == k })
		if at < 0 {
			return nil, nil, errorf(CodeUndefinedColumn, "column %q named in key does not exist", k)
		}
		c := cols[at]
		if c.Type != storage.TypeTime && c.Type != storage.TypeTag {
			return nil, nil, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("column %q of the key is %s: a key holds time and text columns (tags)", k, storedTypeName(c.Type)),
				Hint: "a row is named by its time and tags; make the other columns fields (leave them out of the key)"}
		}
		if slices.Contains(key.Columns, c.Num) {
			return nil, nil, &Error{Code: "42701", Msg: fmt.Sprintf("column %q appears twice in %s", k, kind)}
		}
		key.Columns = append(key.Columns, c.Num)
	}
	added := false
	for _, c := range cols {
		if (c.Type == storage.TypeTime || c.Type == storage.TypeTag) && !slices.Contains(key.Columns, c.Num) {
			key.Columns = append(key.Columns, c.Num)
			names = append(names, c.Name)
			added = true
		}
	}
	var notices []Notice
	if added {
		notices = append(notices, Notice{Severity: "NOTICE", Msg: fmt.Sprintf("the %s of table %q is kept as (%s): a row is told apart by its time and tags",
			keyKind(key.Primary), table, strings.Join(names, ", "))})
	}
	if def.NullsDistinct {
		notices = append(notices, Notice{Severity: "NOTICE", Msg: fmt.Sprintf("the UNIQUE NULLS DISTINCT constraint of table %q is kept as NULLS NOT DISTINCT: a NULL tag tells rows apart as a value does", table)})
	}
	switch {
	case def.Name != "":
		if taken[def.Name] {
			return nil, nil, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", def.Name)}
		}
		key.Name = def.Name
	case key.Primary:
		key.Name = chooseRelationName(table, "", "pkey", taken)
	default:
		key.Name = chooseRelationName(table, strings.Join(def.Columns, "_"), "key", taken)
	}
	return key, notices, nil
}

// maxIdentifierBytes is PostgreSQL's NAMEDATALEN less one.
const maxIdentifierBytes = 63

// chooseRelationName names a key's index as PostgreSQL does: name1_name2_
// label (no name2 when ""), the longer name cut until it fits 63 bytes,
// then a number after the label until no relation in taken has it.
func chooseRelationName(name1, name2, label string, taken map[string]bool) string {
	for n := 0; ; n++ {
		l := label
		if n > 0 {
			l += strconv.Itoa(n)
		}
		name := makeObjectName(name1, name2, l)
		if !taken[name] {
			return name
		}
	}
}

// makeObjectName joins name1, name2 and label with underscores, cutting
// the longer of the names (at a character's start) until the whole fits
// maxIdentifierBytes.
func makeObjectName(name1, name2, label string) string {
	overhead := len(label) + 1
	if name2 != "" {
		overhead++
	}
	n1, n2 := len(name1), len(name2)
	for n1+n2 > maxIdentifierBytes-overhead {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	cut := func(s string, n int) string {
		for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
			n-- // not inside a UTF-8 character
		}
		return s[:n]
	}
	parts := []string{cut(name1, n1)}
	if name2 != "" {
		parts = append(parts, cut(name2, n2))
	}
	return strings.Join(append(parts, label), "_")
}

// relationNames are the names pg_class holds in db: its tables,
// materialized views, views and keys' indexes.
func (p *Planner) relationNames(db string) map[string]bool {
	names := map[string]bool{}
	if p.Engine == nil {
		return names
	}
	for _, d := range p.Engine.Databases() {
		if d.Name != db {
			continue
		}
		for _, t := range d.Tables {
			names[t] = true
			if k, ok := p.Engine.Key(db, t); ok {
				names[k.Name] = true
			}
		}
	}
	for _, v := range p.Engine.PlainViews(db) {
		names[v.Name] = true
	}
	return names
}

// keyTable is the table of database db whose key is called name; ok is
// false for none.
func (p *Planner) keyTable(db, name string) (table string, ok bool) {
	for _, d := range p.Engine.Databases() {
		if d.Name != db {
			continue
		}
		for _, t := range d.Tables {
			if k, ok := p.Engine.Key(db, t); ok && k.Name == name {
				return t, true
			}
		}
	}
	return "", false
}

// renameConstraint runs ALTER TABLE t RENAME CONSTRAINT old TO new: the
// table's key, and so its index, takes the new name. A name that is not
// the key's is PostgreSQL's 42704 (a NOT NULL is no constraint to rename
// in PostgreSQL 15 either).
func (p *Planner) renameConstraint(ctx context.Context, sess *Session, table string, rc sql.ColumnRename) (DDLResult, error) {
	if key, ok := p.Engine.Key(sess.Database, table); !ok || key.Name != rc.From {
		e := &Error{Code: "42704", Msg: fmt.Sprintf("constraint %q for table %q does not exist", rc.From, table)}
		if ok {
			e.Hint = fmt.Sprintf("the key of table %q is %s", table, quoteIdentifier(key.Name))
		}
		return DDLResult{}, e
	}
	return p.renameKey(ctx, sess, table, rc.To)
}

// renameKey names table's key to (its index's name too), which no
// relation may have: PostgreSQL's 42P07, the key's own name included.
func (p *Planner) renameKey(ctx context.Context, sess *Session, table, to string) (DDLResult, error) {
	if p.relationNames(sess.Database)[to] || isCatalogTable(to) {
		return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", to)}
	}
	if err := p.Engine.RenameKey(ctx, sess.Database, table, to); err != nil {
		return DDLResult{}, err
	}
	return DDLResult{Tables: 1}, nil
}

// alterIndex runs ALTER INDEX [IF EXISTS] name RENAME TO new. An index is
// a table's key, which takes the new name; as in PostgreSQL, the name of a
// table renames the table.
func (p *Planner) alterIndex(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	def := stmt.Alter
	if def.Table.Schema == "" || def.Table.Schema == "public" {
		if table, ok := p.keyTable(sess.Database, def.Table.Name); ok {
			return p.renameKey(ctx, sess, table, def.Rename)
		}
	}
	table, err := p.namedTable(sess, def.Table, "ALTER INDEX")
	if err != nil {
		if e := AsError(err); stmt.IfExists && (e.Code == CodeUndefinedTable || e.Code == codeUndefinedSchema) {
			return DDLResult{Notices: []Notice{skipNotice("00000", "relation %q does not exist", def.Table.Name)}}, nil
		}
		return DDLResult{}, err
	}
	return p.renameTable(ctx, sess, table, def.Rename)
}

// keyToAdd checks ALTER TABLE's ADD PRIMARY KEY or UNIQUE (def) of table
// before anything changes, the statement's DROP CONSTRAINT of the table's
// key (drops) counted as done, and returns the key to give (newKey's,
// with its notices). A table keeps one key: with another (a PRIMARY KEY
// beside a PRIMARY KEY is PostgreSQL's 42P16) it is refused. A PRIMARY
// KEY makes its tags NOT NULL, so a stored row with one NULL is 23502, as
// PostgreSQL checks the rows. The stored rows' keys are unique already: a
// table holds one row per time and tags.
func (p *Planner) keyToAdd(ctx context.Context, sess *Session, table string, def sql.KeyDef, drops []sql.ColumnDrop) (*storage.TableKey, []Notice, error) {
	db := sess.Database
	taken := p.relationNames(db)
	if old, ok := p.Engine.Key(db, table); ok {
		if slices.ContainsFunc(drops, func(d sql.ColumnDrop) bool { return d.Column == old.Name }) {
			delete(taken, old.Name)
		} else if old.Primary && def.Primary {
			return nil, nil, &Error{Code: sql.CodeInvalidTableDefinition, Msg: fmt.Sprintf("multiple primary keys for table %q are not allowed", table)}
		} else {
			return nil, nil, &Error{Code: CodeNotSupported, Msg: fmt.Sprintf("table %q has a key already, %s: a table keeps one key", table, quoteIdentifier(old.Name)),
				Hint: fmt.Sprintf("replace it in one statement: ALTER TABLE %s DROP CONSTRAINT %s, ADD ...", quoteIdentifier(table), quoteIdentifier(old.Name))}
		}
	}
	cols, err := p.SQLColumns(db, table)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range def.Columns {
		if !slices.ContainsFunc(cols, func(c storage.ColumnMeta) bool { return c.Name == k }) {
			return nil, nil, &Error{Code: CodeUndefinedColumn, Msg: fmt.Sprintf("column %q of relation %q does not exist", k, table)}
		}
	}
	key, notices, err := newKey(table, def, cols, taken)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range cols {
		if !key.Primary || c.Type != storage.TypeTag || c.NotNull {
			continue
		}
		null, err := p.anyNull(ctx, sess, table, c.Name)
		if err != nil {
			return nil, nil, err
		}
		if null {
			return nil, nil, containsNulls(table, c.Name, false)
		}
	}
	return key, notices, nil
}

// inPrimaryKey reports whether column (a tag, by its name) is in table's
// PRIMARY KEY.
func (p *Planner) inPrimaryKey(db, table, column string) bool {
	cols, err := p.SQLColumns(db, table)
	if err != nil {
		return false
	}
	k, ok := p.keyOf(db, table, cols)
	return ok && k.Primary && slices.Contains(k.names, column)
}

// dropConstraints runs ALTER TABLE's DROP CONSTRAINT [IF EXISTS] name: the
// table's key when it has that name (writes may then add tags); another
// name is 42704, or with IF EXISTS a notice.
func (p *Planner) dropConstraints(ctx context.Context, sess *Session, table string, drops []sql.ColumnDrop) ([]Notice, error) {
	var notices []Notice
	for _, d := range drops {
		key, ok := p.Engine.Key(sess.Database, table)
		if !ok || key.Name != d.Column {
			if d.IfExists {
				notices = append(notices, skipNotice("00000", "constraint %q of relation %q does not exist", d.Column, table))
				continue
			}
			return nil, &Error{Code: "42704", Msg: fmt.Sprintf("constraint %q of relation %q does not exist", d.Column, table)}
		}
		if err := p.Engine.DropKey(ctx, sess.Database, table); err != nil {
			return nil, err
		}
	}
	return notices, nil
}

// tableKey is a table's key as the catalogs show it: its names and
// columns by the names and numbers SQL shows.
type tableKey struct {
	storage.TableKey
	table string
	names []string // the key's columns' names, in key order
}

// indexOID and constraintOID are the OIDs of the key's index (pg_class,
// pg_index) and constraint (pg_constraint).
func (k tableKey) indexOID(db string) int64 { return stableOID("index", db, k.table, k.Name) }
func (k tableKey) constraintOID(db string) int64 {
	return stableOID("constraint", db, k.table, k.Name)
}

// quotedColumns is the key's columns as PostgreSQL's definitions write
// them: quoted where needed, comma separated.
func (k tableKey) quotedColumns() string {
	q := make([]string, len(k.names))
	for i, n := range k.names {
		q[i] = quoteIdentifier(n)
	}
	return strings.Join(q, ", ")
}

// indexDef is pg_get_indexdef's text of the key's index.
func (k tableKey) indexDef() string {
	def := fmt.Sprintf("CREATE UNIQUE INDEX %s ON public.%s USING btree (%s)", quoteIdentifier(k.Name), quoteIdentifier(k.table), k.quotedColumns())
	if !k.Primary {
		def += " NULLS NOT DISTINCT"
	}
	return def
}

// constraintDef is pg_get_constraintdef's text of the key's constraint.
func (k tableKey) constraintDef() string {
	if k.Primary {
		return "PRIMARY KEY (" + k.quotedColumns() + ")"
	}
	return "UNIQUE NULLS NOT DISTINCT (" + k.quotedColumns() + ")"
}

// keyOf is table's key (ok false for none) with the columns cols (its
// SQLColumns) name.
func (p *Planner) keyOf(db, table string, cols []storage.ColumnMeta) (tableKey, bool) {
	if p.Engine == nil {
		return tableKey{}, false
	}
	k, ok := p.Engine.Key(db, table)
	if !ok {
		return tableKey{}, false
	}
	out := tableKey{TableKey: k, table: table}
	for _, n := range k.Columns {
		for _, c := range cols {
			if c.Num == n {
				out.names = append(out.names, c.Name)
			}
		}
	}
	return out, len(out.names) == len(k.Columns)
}

// KeyColumns is the name and columns (in key order, by the names SQL
// shows) of table's declared key; ok is false when it has none. Flight
// SQL's GetPrimaryKeys reads it.
func (p *Planner) KeyColumns(db, table string) (name string, cols []string, primary, ok bool) {
	sqlCols, err := p.SQLColumns(db, table)
	if err != nil {
		return "", nil, false, false
	}
	k, ok := p.keyOf(db, table, sqlCols)
	return k.Name, k.names, k.Primary, ok
}

// keys are the keys of db's tables, by table.
func (b *binder) keys(db string) []tableKey {
	var out []tableKey
	for _, name := range b.catalogTables(db) {
		cols, err := b.p.SQLColumns(db, name)
		if err != nil {
			continue
		}
		if k, ok := b.p.keyOf(db, name, cols); ok {
			out = append(out, k)
		}
	}
	return out
}

// keyRows adds the rows the keys of db's tables give catalog table (a
// pg_catalog table's or information_schema view's name).
func (b *binder) keyRows(table string, t *catalogTable) {
	for _, k := range b.keys(b.sess.Database) {
		b.keyRowsOf(table, t, k)
	}
}

// keyRowsOf adds the rows key k gives catalog table.
func (b *binder) keyRowsOf(table string, t *catalogTable, k tableKey) {
	db := b.sess.Database
	rel := TableOID(db, k.table)
	contype, kind, nullsDistinct := "u", "UNIQUE", "NO"
	if k.Primary {
		contype, kind, nullsDistinct = "p", "PRIMARY KEY", "YES"
	}
	nums := make([]string, len(k.Columns))
	for i, n := range k.Columns {
		nums[i] = strconv.Itoa(n)
	}
	switch table {
	case "pg_class":
		t.add(map[string]any{"oid": k.indexOID(db), "relname": k.Name, "relnamespace": oidPublic, "reltype": 0, "reloftype": 0,
			"relowner": oidOwner, "relam": oidBtreeAM, "relfilenode": k.indexOID(db), "reltablespace": 0, "relpages": 0,
			"reltuples": -1.0, "relallvisible": 0, "reltoastrelid": 0, "relhasindex": false, "relisshared": false,
			"relpersistence": "p", "relkind": "i", "relnatts": len(k.Columns), "relchecks": 0, "relhasrules": false,
			"relhastriggers": false, "relhassubclass": false, "relrowsecurity": false, "relforcerowsecurity": false,
			"relispopulated": true, "relreplident": "n", "relispartition": false, "relrewrite": 0})
	case "pg_index":
		zeros := strings.TrimSpace(strings.Repeat("0 ", len(k.Columns)))
		t.add(map[string]any{"indexrelid": k.indexOID(db), "indrelid": rel, "indnatts": len(k.Columns), "indnkeyatts": len(k.Columns),
			"indisunique": true, "indnullsnotdistinct": !k.Primary, "indisprimary": k.Primary, "indisexclusion": false,
			"indimmediate": true, "indisclustered": false, "indisvalid": true, "indcheckxmin": false, "indisready": true,
			"indislive": true, "indisreplident": false, "indkey": strings.Join(nums, " "), "indcollation": zeros,
			"indclass": zeros, "indoption": zeros})
	case "pg_constraint":
		t.add(map[string]any{"oid": k.constraintOID(db), "conname": k.Name, "connamespace": oidPublic, "contype": contype,
			"condeferrable": false, "condeferred": false, "convalidated": true, "conrelid": rel, "contypid": 0,
			"conindid": k.indexOID(db), "conparentid": 0, "confrelid": 0, "confupdtype": " ", "confdeltype": " ",
			"confmatchtype": " ", "conislocal": true, "coninhcount": 0, "connoinherit": true, "conkey": "{" + strings.Join(nums, ",") + "}"})
	case "pg_indexes":
		t.add(map[string]any{"schemaname": "public", "tablename": k.table, "indexname": k.Name, "indexdef": k.indexDef()})
	case "table_constraints":
		t.add(map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": k.Name,
			"table_catalog": db, "table_schema": "public", "table_name": k.table, "constraint_type": kind,
			"is_deferrable": "NO", "initially_deferred": "NO", "enforced": "YES", "nulls_distinct": nullsDistinct})
	case "key_column_usage":
		for i, n := range k.names {
			t.add(map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": k.Name,
				"table_catalog": db, "table_schema": "public", "table_name": k.table, "column_name": n, "ordinal_position": i + 1})
		}
	case "constraint_column_usage":
		for _, n := range k.names {
			t.add(map[string]any{"table_catalog": db, "table_schema": "public", "table_name": k.table, "column_name": n,
				"constraint_catalog": db, "constraint_schema": "public", "constraint_name": k.Name})
		}
	}
}

// indexDef is pg_get_indexdef(index [, column, pretty]): the CREATE UNIQUE
// INDEX of a key's index, or with a column number above 0 that column's
// name (quoted as needed; "" past the last); NULL for another OID.
func (b *binder) indexDef(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 1 && len(args) != 3 {
		return nil, errorf(CodeUndefinedFunc, "function pg_get_indexdef takes an index, or an index, a column number and pretty")
	}
	oid, err := b.coerce(args[0], exec.TypeInt)
	if err != nil {
		return nil, err
	}
	call := []exec.Expr{oid, integer(0)}
	if len(args) == 3 {
		if call[1], err = b.coerce(args[1], exec.TypeInt); err != nil {
			return nil, err
		}
		if _, err = b.coerce(args[2], exec.TypeBool); err != nil {
			return nil, err
		}
	}
	db := b.sess.Database
	byOID := map[int64]tableKey{}
	for _, k := range b.keys(db) {
		byOID[k.indexOID(db)] = k
	}
	return &rowFunc{name: "pg_get_indexdef", args: call, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		k, ok := byOID[v[0].(int64)]
		switch col := v[1].(int64); {
		case !ok:
			return nil, nil
		case col <= 0:
			return k.indexDef(), nil
		case col > int64(len(k.names)):
			return "", nil
		default:
			return quoteIdentifier(k.names[col-1]), nil
		}
	}}, nil
}

// constraintDef is pg_get_constraintdef(constraint [, pretty]): a key's
// PRIMARY KEY (...) or UNIQUE (...); NULL for another OID.
func (b *binder) constraintDef(args []exec.Expr) (exec.Expr, error) {
	if len(args) != 1 && len(args) != 2 {
		return nil, errorf(CodeUndefinedFunc, "function pg_get_constraintdef takes a constraint and, optionally, pretty")
	}
	oid, err := b.coerce(args[0], exec.TypeInt)
	if err != nil {
		return nil, err
	}
	if len(args) == 2 {
		if _, err = b.coerce(args[1], exec.TypeBool); err != nil {
			return nil, err
		}
	}
	db := b.sess.Database
	defs := map[int64]string{}
	for _, k := range b.keys(db) {
		defs[k.constraintOID(db)] = k.constraintDef()
	}
	return &rowFunc{name: "pg_get_constraintdef", args: []exec.Expr{oid}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		if d, ok := defs[v[0].(int64)]; ok {
			return d, nil
		}
		return nil, nil
	}}, nil
}
