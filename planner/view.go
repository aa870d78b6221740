package planner

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// Plain views: CREATE [OR REPLACE] VIEW v AS query keeps the query
// (storage.PlainView) and no rows; a query that reads v runs the view's
// query there, bound on its own (definedQuery), so the view always gives
// what its tables hold now. Its column types are its query's. A view is
// read only here (PostgreSQL's simple views take writes; INSERT, UPDATE
// and DELETE of one are 0A000). Dropping a table or view a view reads is
// 2BP01 unless CASCADE, as for materialized views (dependentViews).

// plainViewOf is database db's view named name.
func (p *Planner) plainViewOf(db, name string) (storage.PlainView, bool) {
	if p.Engine == nil {
		return storage.PlainView{}, false
	}
	return p.Engine.PlainViewOf(db, name)
}

// plainViewQuery is the query that gives view v's rows under its column
// names: the query's columns read by the names they had when the view was
// made (PostgreSQL fixes a view's columns then: SELECT * of a table that
// has gained a column since gives the columns it gave), or by position
// when those names repeat.
func plainViewQuery(v storage.PlainView) string {
	quoted := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		quoted[i] = quoteIdentifier(c)
	}
	byName := len(v.QueryColumns) == len(v.Columns)
	for i, c := range v.QueryColumns {
		byName = byName && !slices.Contains(v.QueryColumns[:i], c)
	}
	if !byName {
		return fmt.Sprintf("SELECT * FROM (%s) AS __view(%s)", v.Query, strings.Join(quoted, ", "))
	}
	sel := make([]string, len(v.Columns))
	for i, c := range v.QueryColumns {
		sel[i] = "__view." + quoteIdentifier(c) + " AS " + quoted[i]
	}
	return fmt.Sprintf("SELECT %s FROM (%s) AS __view", strings.Join(sel, ", "), v.Query)
}

// plainView binds a read of view v under alias. A view whose query comes
// back to itself (through others) is PostgreSQL's 42P17.
func (b *binder) plainView(v storage.PlainView, alias string) (*scope, error) {
	if b.expanding[v.Name] {
		return nil, &Error{Code: "42P17", Msg: fmt.Sprintf("infinite recursion detected in rules for relation %q", v.Name)}
	}
	return b.definedQuery(v.Name, alias, plainViewQuery(v), "view", func() func() {
		saved := b.expanding
		b.expanding = map[string]bool{v.Name: true}
		for k := range saved {
			b.expanding[k] = true
		}
		return func() { b.expanding = saved }
	})
}

// plainViewColumns are view v's columns as its query gives them now.
func (p *Planner) plainViewColumns(ctx context.Context, sess *Session, v storage.PlainView) ([]Column, error) {
	stmts, err := sql.Parse(plainViewQuery(v))
	if err != nil {
		return nil, err
	}
	cols, _, err := p.Describe(ctx, sess, stmts[0])
	return cols, err
}

// viewOptionOK reads CREATE VIEW's WITH (...) options: those about row
// security hold of every view here (there is none), the rest are not
// supported.
func viewOptionOK(name, value string) error {
	switch name {
	case "security_barrier", "security_invoker":
		if _, ok := truthOf(value); !ok {
			return errorf("22023", "invalid value for boolean option %q: %s", name, value)
		}
		return nil
	case "check_option":
		e := notSupported("WITH CHECK OPTION")
		e.Hint = "a view here is read only: write to the table it reads"
		return e
	}
	return errorf("22023", "unrecognized parameter %q", name)
}

// createPlainView runs CREATE [OR REPLACE] VIEW v [(names)] [WITH
// (options)] AS query, with PostgreSQL's errors: a relation of the name
// (42P07), OR REPLACE of what is not a view (42809) or that drops,
// renames or retypes a column (42P16), column names (42601, 42701), a
// view that would read itself (42P17).
func (p *Planner) createPlainView(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	def := stmt.Create
	name, err := p.creatable(sess, def.Table)
	if err != nil {
		return DDLResult{}, err
	}
	for _, k := range slices.Sorted(maps.Keys(def.ViewOptions)) {
		if err := viewOptionOK(k, def.ViewOptions[k]); err != nil {
			return DDLResult{}, err
		}
	}
	if _, err := p.Engine.TableSchema(sess.Database, name); err == nil {
		if def.Replace {
			return DDLResult{}, &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a view", name)}
		}
		return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", name)}
	}
	old, exists := p.plainViewOf(sess.Database, name)
	if exists && !def.Replace {
		return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", name)}
	}
	if err := noDropWhilePlanning(def.As.AST, nil); err != nil {
		return DDLResult{}, err
	}
	if slices.Contains(p.readsThroughViews(sess.Database, def.As.Text), name) {
		return DDLResult{}, &Error{Code: "42P17", Msg: fmt.Sprintf("infinite recursion detected in rules for relation %q", name)}
	}
	cols, _, err := p.Describe(ctx, sess, def.As)
	if err != nil {
		return DDLResult{}, err
	}
	if len(def.AsColumns) > len(cols) {
		return DDLResult{}, &Error{Code: CodeSyntax, Msg: "CREATE VIEW specifies more column names than columns"}
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		if i < len(def.AsColumns) {
			names[i] = def.AsColumns[i]
		}
		if slices.Contains(names[:i], names[i]) {
			return DDLResult{}, &Error{Code: "42701", Msg: fmt.Sprintf("column %q specified more than once", names[i])}
		}
	}
	if exists {
		if was, err := p.plainViewColumns(ctx, sess, old); err == nil {
			if len(cols) < len(was) {
				return DDLResult{}, &Error{Code: "42P16", Msg: "cannot drop columns from view"}
			}
			for i, c := range was {
				switch {
				case c.Name != names[i]:
					return DDLResult{}, &Error{Code: "42P16", Msg: fmt.Sprintf("cannot change name of view column %q to %q", c.Name, names[i]),
						Hint: "Create the view anew (DROP VIEW, then CREATE VIEW) to rename its columns."}
				case columnOID(c) != columnOID(cols[i]):
					return DDLResult{}, &Error{Code: "42P16", Msg: fmt.Sprintf("cannot change data type of view column %q from %s to %s",
						c.Name, typeName(int64(columnOID(c))), typeName(int64(columnOID(cols[i]))))}
				}
			}
		}
	}
	v := storage.PlainView{Name: name, Query: def.As.Text, Columns: names, Comments: old.Comments} // a replaced view keeps its comments
	for _, c := range cols {
		v.QueryColumns = append(v.QueryColumns, c.Name)
	}
	if err := p.Engine.DefineView(ctx, sess.Database, v, def.Replace); err != nil {
		var se *storage.Error
		if asStorage(err, &se) && se.Code == storage.CodeAlreadyExists { // a write made it meanwhile
			return DDLResult{}, &Error{Code: "42P07", Msg: fmt.Sprintf("relation %q already exists", name)}
		}
		return DDLResult{}, err
	}
	return DDLResult{Tables: 1}, nil
}

// columnOID is the PostgreSQL type of a result column.
func columnOID(c Column) uint32 {
	if c.PGType != 0 {
		return c.PGType
	}
	return enginePG(c.Type)
}

// readsThroughViews are the relations a query reads, and those the views
// among them read, and so on.
func (p *Planner) readsThroughViews(db, query string) []string {
	reads := querySources(query)
	for i := 0; i < len(reads); i++ {
		if v, ok := p.plainViewOf(db, reads[i]); ok {
			for _, r := range querySources(v.Query) {
				if !slices.Contains(reads, r) {
					reads = append(reads, r)
				}
			}
		}
	}
	return reads
}

// querySources are the tables and views of schema public a query names.
func querySources(query string) []string {
	stmts, err := sql.Parse(query)
	if err != nil || len(stmts) != 1 || stmts[0].AST == nil {
		return nil
	}
	var names []string
	stmts[0].AST.Accept(&astFinder{into: true, match: func(n ast.Node) bool {
		if t, ok := n.(*ast.TableName); ok && (t.Schema.L == "" || t.Schema.L == "public") && !slices.Contains(names, t.Name.O) {
			names = append(names, t.Name.O)
		}
		return false
	}})
	return names
}

// dropPlainViews runs DROP VIEW [IF EXISTS] v, ... [CASCADE]: each found
// first (a missing one 42P01, or with IF EXISTS a notice; a table or
// materialized view 42809), the views over them refused or, with CASCADE,
// dropped first.
func (p *Planner) dropPlainViews(ctx context.Context, sess *Session, stmt *sql.Statement) (DDLResult, error) {
	var res DDLResult
	var views []string
	for _, ref := range stmt.Tables {
		if err := crossDatabase(sess, ref); err != nil {
			return DDLResult{}, err
		}
		switch schemaOfTable(ref.Schema, ref.Name) {
		case inCatalogs:
			return DDLResult{}, &Error{Code: "42501", Msg: fmt.Sprintf("permission denied: %q is a system catalog", ref.Name)}
		case inViews:
			return DDLResult{}, &Error{Code: "42501", Msg: fmt.Sprintf("permission denied: %s.%s is a system view", ref.Schema, ref.Name)}
		case inNoSchema:
			if stmt.IfExists {
				res.Notices = append(res.Notices, skipNotice("00000", "schema %q does not exist", ref.Schema))
				continue
			}
			return DDLResult{}, &Error{Code: codeUndefinedSchema, Msg: fmt.Sprintf("schema %q does not exist", ref.Schema)}
		}
		if _, ok := p.plainViewOf(sess.Database, ref.Name); ok {
			if !slices.Contains(views, ref.Name) {
				views = append(views, ref.Name)
			}
			continue
		}
		if _, err := p.Engine.TableSchema(sess.Database, ref.Name); err == nil {
			hint := "Use DROP TABLE to remove a table."
			if _, isMat := p.viewOf(sess.Database, ref.Name); isMat {
				hint = "Use DROP MATERIALIZED VIEW to remove a materialized view."
			}
			return DDLResult{}, &Error{Code: "42809", Msg: fmt.Sprintf("%q is not a view", ref.Name), Hint: hint}
		}
		if stmt.IfExists {
			res.Notices = append(res.Notices, skipNotice("00000", "view %q does not exist", ref.Name))
			continue
		}
		return DDLResult{}, &Error{Code: CodeUndefinedTable, Msg: fmt.Sprintf("view %q does not exist", ref.Name)}
	}
	deps, notice, err := p.dependentViews(sess.Database, views, stmt.Cascade)
	if err != nil {
		return DDLResult{}, err
	}
	if notice != nil {
		res.Notices = append(res.Notices, *notice)
	}
	for _, v := range append(deps, views...) {
		if err := p.dropRelation(ctx, sess.Database, v); err != nil {
			return res, err
		}
		res.Tables++
	}
	return res, nil
}

// dropRelation drops a view, plain or materialized, or a table.
func (p *Planner) dropRelation(ctx context.Context, db, name string) error {
	if _, ok := p.plainViewOf(db, name); ok {
		return p.Engine.DropView(ctx, db, name)
	}
	return p.Engine.DropTable(ctx, db, name)
}

// describingViews marks the context of a view's columns described for a
// catalog: a view that reads that catalog would describe itself again.
type describingViews struct{}

// catalogViewColumns are view v's columns for the catalogs (pg_attribute,
// information_schema.columns); none while one is being described, or
// when its query no longer binds (a table it read dropped meanwhile).
func (b *binder) catalogViewColumns(v storage.PlainView) []Column {
	ctx := context.Background()
	if b.ctx != nil && b.ctx.Context != nil {
		ctx = b.ctx.Context
	}
	if ctx.Value(describingViews{}) != nil {
		return nil
	}
	cols, err := b.p.plainViewColumns(context.WithValue(ctx, describingViews{}, true), b.sess, v)
	if err != nil {
		return nil
	}
	return cols
}

// typeLength is pg_type.typlen of a type: -1 for those of varying length.
func typeLength(oid uint32) int {
	switch oid {
	case 16, 18:
		return 1
	case 21:
		return 2
	case 23, 26, 700, 1082:
		return 4
	case 20, 701, 1083, 1114, 1184:
		return 8
	case 1186:
		return 16
	}
	return -1
}

// plainViewRows adds the rows database db's views give pg_catalog's
// table: pg_class (relkind v), pg_attribute, pg_views.
func (b *binder) plainViewRows(table string, t *catalogTable, db string) {
	if b.p.Engine == nil {
		return
	}
	for _, v := range b.p.Engine.PlainViews(db) {
		oid := TableOID(db, v.Name)
		switch table {
		case "pg_class":
			t.add(map[string]any{"oid": oid, "relname": v.Name, "relnamespace": oidPublic, "reltype": 0, "reloftype": 0,
				"relowner": oidOwner, "relam": 0, "relfilenode": 0, "reltablespace": 0, "relpages": 0,
				"reltuples": -1.0, "relallvisible": 0, "reltoastrelid": 0, "relhasindex": false, "relisshared": false,
				"relpersistence": "p", "relkind": "v", "relnatts": len(v.Columns), "relchecks": 0, "relhasrules": true,
				"relhastriggers": false, "relhassubclass": false, "relrowsecurity": false, "relforcerowsecurity": false,
				"relispopulated": true, "relreplident": "n", "relispartition": false, "relrewrite": 0})
		case "pg_views":
			t.add(map[string]any{"schemaname": "public", "viewname": v.Name, "viewowner": exec.OwnerRole, "definition": " " + v.Query + ";"})
		case "pg_attribute":
			for i, c := range b.catalogViewColumns(v) {
				typ := columnOID(c)
				length := typeLength(typ)
				collation := 0
				if typ == 25 || typ == 1043 || typ == 1042 {
					collation = 100
				}
				align, storageKind := typeLayout(int64(typ), int64(length))
				t.add(map[string]any{"attrelid": oid, "attname": c.Name, "atttypid": int64(typ), "attstattarget": -1,
					"attlen": length, "attnum": i + 1, "attndims": 0, "attcacheoff": -1, "atttypmod": int64(c.Typmod()),
					"attbyval": length > 0 && length <= 8, "attalign": align, "attstorage": storageKind, "attcompression": "",
					"attnotnull": false, "atthasdef": false, "atthasmissing": false,
					"attidentity": "", "attgenerated": "", "attisdropped": false, "attislocal": true,
					"attinhcount": 0, "attcollation": collation})
			}
		}
	}
}
