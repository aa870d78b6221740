package planner

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// TimescaleDB's retention policies over a table's own retention period
// (storage's table retention, which replaces the database's):
//
//	add_retention_policy(relation, drop_after, if_not_exists, schedule_interval,
//	                     initial_start, timezone, drop_created_before)  integer
//	remove_retention_policy(relation, if_exists)                         void
//
// A table has at most one policy. Its rows older than drop_after are hidden
// from queries at once, and their files deleted at the next retention pass
// (TimescaleDB drops whole chunks when its daily job runs, so a row may
// outlive drop_after there by up to a chunk and a day; here it does not).
// The job id is the table's OID. A month counts 30 days, a year 365 (as
// InfluxDB 3's retention periods). schedule_interval, initial_start and
// timezone tune TimescaleDB's job scheduler and change nothing here: the
// retention pass runs with compaction. Both functions change the catalog
// when the statement runs, never when it is planned or described.

// retentionSetter is the engine capability behind the functions.
type retentionSetter interface {
	SetTableRetention(ctx context.Context, db, table string, retention time.Duration) error
	TableRetention(db, table string) (own, database time.Duration, err error)
	MaintenanceInterval() time.Duration
}

// retentionFunction binds add_retention_policy or remove_retention_policy
// in FROM (or, rewritten there, in a select list); f is the call with its
// arguments as written.
func (b *binder) retentionFunction(name string, f *ast.FuncCallExpr, alias, col string) (*scope, error) {
	add := name == "add_retention_policy"
	nargs := len(f.Args) - 1
	switch {
	case add && (nargs < 1 || nargs > 7):
		return nil, errorf(CodeUndefinedFunc, "function add_retention_policy takes a table and drop_after: add_retention_policy('conditions', INTERVAL '30 days' [, if_not_exists => true])")
	case !add && (nargs < 1 || nargs > 2):
		return nil, errorf(CodeUndefinedFunc, "function remove_retention_policy takes a table: remove_retention_policy('conditions' [, if_exists => true])")
	}
	flag := 2 // if_not_exists, if_exists
	if !add {
		flag = 1
	}
	args, err := b.policyArgs(f, flag)
	if err != nil {
		return nil, err
	}
	if add {
		if len(args) < 2 {
			return nil, errNoDropAfter()
		}
		if args[1], err = b.intervalArg(args[1], "invalid value for parameter drop_after"); err != nil {
			return nil, err
		}
	}

	db, tables, sess := b.sess.Database, b.tablesByOID(), b.sess
	setter, _ := any(b.p.Engine).(retentionSetter)
	b.volatile = true
	cols := []Column{{Name: col, Type: exec.TypeInt, PGType: 23}}
	if !add {
		cols = []Column{{Name: col, Type: exec.TypeText, PGType: 2278}}
	}
	return derivedScope(&TableFunc{Name: name, Args: args, Cols: cols,
		rows: func(c *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil // a NULL relation: none, as TimescaleDB's strict functions
			}
			oid := vals[0].(int64)
			table, err := hypertableOf(tables, oid, setter != nil)
			if err != nil {
				return nil, err
			}
			flagged := len(vals) > flag && vals[flag] == true
			own, _, err := setter.TableRetention(db, table)
			if err != nil {
				return nil, err
			}
			if !add {
				if own == 0 {
					if !flagged {
						return nil, errorf("42704", "retention policy not found for hypertable %q", table)
					}
					sess.notify(Notice{Severity: "NOTICE", Msg: fmt.Sprintf("retention policy not found for hypertable %q, skipping", table)})
					return [][]any{{""}}, nil
				}
				if err := setter.SetTableRetention(context.Background(), db, table, 0); err != nil {
					return nil, err
				}
				return [][]any{{""}}, nil
			}
			if len(vals) > 6 && vals[6] != nil {
				e := notSupported("add_retention_policy with drop_created_before")
				e.Hint = "rows expire by their time here: give drop_after"
				return nil, e
			}
			if vals[1] == nil {
				return nil, errNoDropAfter()
			}
			d, err := retentionOf(vals[1].(arrow.MonthDayNanoInterval))
			if err != nil {
				return nil, err
			}
			if own != 0 {
				if !flagged {
					return nil, errorf("42710", "retention policy already exists for hypertable %q", table)
				}
				return policySkipped(sess, fmt.Sprintf("retention policy already exists for hypertable %q", table), own == d,
					"A policy already exists with different arguments (drop_after "+intervalText(own)+")."), nil
			}
			if err := setter.SetTableRetention(context.Background(), db, table, d); err != nil {
				return nil, err
			}
			return [][]any{{oid}}, nil
		}}, alias), nil
}

// policyArgs binds the arguments of a TimescaleDB policy function (f's
// first argument is its name): the relation first, and the if_exists or
// if_not_exists flag at flag, when given, a boolean.
func (b *binder) policyArgs(f *ast.FuncCallExpr, flag int) ([]exec.Expr, error) {
	_, args, err := b.relationFuncArgs(f)
	if err != nil {
		return nil, err
	}
	if len(args) > flag {
		if args[flag], err = b.coerce(args[flag], exec.TypeBool); err != nil {
			return nil, err
		}
	}
	return args, nil
}

// intervalArg is a policy's interval argument (a quoted constant read as
// one, NULL kept); anything else is 22023 with msg, as TimescaleDB
// answers for a timestamp-based hypertable.
func (b *binder) intervalArg(x exec.Expr, msg string) (exec.Expr, error) {
	if _, untyped := x.(*unknownLit); untyped {
		var err error
		if x, err = b.coerce(x, exec.TypeInterval); err != nil {
			return nil, err
		}
	}
	if !isNullLiteral(x) && x.Type().ID() != arrow.INTERVAL_MONTH_DAY_NANO {
		e := errorf("22023", "%s", msg)
		e.Hint = "give an interval: the time of every table and view here is a timestamp (INTERVAL '30 days')"
		return nil, e
	}
	return x, nil
}

// policySkipped is TimescaleDB's answer to adding a policy that exists,
// with if_not_exists: a NOTICE that it is skipped when the arguments are
// the same (same), else a WARNING (msg, with detail) that they differ, and
// -1 for the job either way.
func policySkipped(sess *Session, msg string, same bool, detail string) [][]any {
	if same {
		sess.notify(Notice{Severity: "NOTICE", Msg: msg + ", skipping"})
	} else {
		sess.notify(Notice{Severity: "WARNING", Msg: msg, Detail: detail, Hint: "Remove the existing policy before adding a new one."})
	}
	return [][]any{{int64(-1)}}
}

// errNoDropAfter is TimescaleDB's error for a policy without drop_after.
func errNoDropAfter() error {
	e := errorf("22023", "need to specify one of \"drop_after\" or \"drop_created_before\"")
	e.Hint = "add_retention_policy('conditions', drop_after => INTERVAL '30 days')"
	return e
}

// retentionOf is drop_after as a retention period: a month counts 30 days.
// Strata keeps rows at least an hour.
func retentionOf(v arrow.MonthDayNanoInterval) (time.Duration, error) {
	const day = float64(24 * time.Hour)
	d := float64(v.Months)*30*day + float64(v.Days)*day + float64(v.Nanoseconds)
	if d < float64(time.Hour) || d > math.MaxInt64 {
		e := errorf("22023", "invalid value for parameter drop_after")
		e.Hint = "rows are kept at least an hour and at most 292 years: give an interval between them"
		return 0, e
	}
	return time.Duration(d), nil
}

// intervalText writes a retention period as PostgreSQL writes an interval
// of days and time ("30 days", "1 day 12:00:00", "06:00:00").
func intervalText(d time.Duration) string {
	days, rest := d/(24*time.Hour), d%(24*time.Hour)
	var s string
	switch {
	case days == 1:
		s = "1 day"
	case days > 1:
		s = strconv.FormatInt(int64(days), 10) + " days"
	}
	if rest != 0 || s == "" {
		if s != "" {
			s += " "
		}
		s += fmt.Sprintf("%02d:%02d:%02d", rest/time.Hour, rest%time.Hour/time.Minute, rest%time.Minute/time.Second)
	}
	return s
}

// retentionJobs are the rows of timescaledb_information.jobs: one
// retention policy per table with a retention period of its own, run as
// often as the engine's retention pass (TimescaleDB's: daily).
func (b *binder) retentionJobs(t *catalogTable, schema string) {
	r, ok := any(b.p.Engine).(retentionSetter)
	if !ok {
		return
	}
	db := b.sess.Database
	for _, name := range b.catalogTables(db) {
		own, _, err := r.TableRetention(db, name)
		if err != nil || own == 0 {
			continue
		}
		oid := TableOID(db, name)
		t.add(map[string]any{"job_id": oid, "application_name": fmt.Sprintf("Retention Policy [%d]", oid),
			"schedule_interval": arrow.MonthDayNanoInterval{Nanoseconds: int64(r.MaintenanceInterval())}, "max_runtime": arrow.MonthDayNanoInterval{Nanoseconds: int64(5 * time.Minute)},
			"max_retries": int64(-1), "retry_period": arrow.MonthDayNanoInterval{Nanoseconds: int64(5 * time.Minute)},
			"proc_schema": "_timescaledb_functions", "proc_name": "policy_retention", "owner": exec.OwnerRole,
			"scheduled": true, "fixed_schedule": true,
			"config":            fmt.Sprintf(`{"drop_after": %q, "hypertable_id": %d}`, intervalText(own), oid),
			"hypertable_schema": schema, "hypertable_name": name})
	}
}

var _ retentionSetter = (*storage.Engine)(nil)
