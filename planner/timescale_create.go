package planner

import (
	"fmt"
	"strconv"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// createHypertable binds TimescaleDB's create_hypertable(relation,
// time_column_name, ...) and its newer form create_hypertable(relation,
// by_range(column [, interval]), ...), which TimescaleDB scripts call right
// after CREATE TABLE. Every table here is partitioned by its time column
// already (by UTC day, pruned to pages within a day), so it checks that the
// relation is a stored table and the column its time, and answers
// TimescaleDB's row in its text form: (hypertable_id, schema_name,
// table_name, created), or (hypertable_id, created) for the by_range form;
// the id is the table's OID. It is typed text, not record: clients that
// read a record ask for its binary form, which names each field's type. The other arguments (chunk_time_interval, space partitioning,
// if_not_exists, migrate_data, ...) tune or guard TimescaleDB's conversion
// and change nothing here.
func (b *binder) createHypertable(args []exec.Expr) (exec.Expr, error) {
	if len(args) < 2 {
		return nil, errorf(CodeUndefinedFunc, "function create_hypertable takes a table and its time column: create_hypertable('conditions', 'time') or create_hypertable('conditions', by_range('time'))")
	}
	rel, err := b.hypertableArg(args[0])
	if err != nil {
		return nil, err
	}
	column, ranged := args[1], false
	if r, ok := column.(*rowFunc); ok && r.name == "by_range" {
		column, ranged = r.args[0], true
	}
	if column, err = b.coerce(column, exec.TypeText); err != nil {
		return nil, err
	}
	tables := b.tablesByOID()
	db := b.sess.Database
	return &rowFunc{name: "create_hypertable", args: []exec.Expr{rel, column}, dt: exec.TypeText, strict: true,
		fn: func(v []any) (any, error) {
			oid := v[0].(int64)
			table, err := hypertableOf(tables, oid, true)
			if err != nil {
				return nil, err
			}
			col := v[1].(string)
			if timeName := b.p.timeName(db, table); col != timeName {
				if _, ok := b.p.Engine.ColumnType(db, table, col); !ok || col == storage.TimeColumn {
					return nil, errorf(CodeUndefinedColumn, "column %q does not exist", col)
				}
				e := notSupported(fmt.Sprintf("partitioning %q by column %q", table, col))
				e.Hint = fmt.Sprintf("every table is partitioned by its time column, %s here (the first timestamp column of CREATE TABLE that is NOT NULL or in its key): create_hypertable('%s', '%s')", timeName, table, timeName)
				return nil, e
			}
			id := strconv.FormatInt(oid, 10)
			if ranged {
				return "(" + id + ",t)", nil
			}
			return "(" + id + ",public," + table + ",t)", nil
		}}, nil
}

// byRange binds by_range(column [, partition_interval [, partition_func]]),
// the dimension create_hypertable's newer form takes: it stands for its
// column name (the interval and function change nothing here).
func (b *binder) byRange(args []exec.Expr) (exec.Expr, error) {
	if len(args) < 1 || len(args) > 3 {
		return nil, errorf(CodeUndefinedFunc, "function by_range takes a column name: by_range('time' [, partition_interval])")
	}
	col, err := b.coerce(args[0], exec.TypeText)
	if err != nil {
		return nil, err
	}
	return &rowFunc{name: "by_range", args: []exec.Expr{col}, dt: exec.TypeText, strict: true,
		fn: func(v []any) (any, error) { return v[0], nil }}, nil
}
