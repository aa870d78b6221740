package planner

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// TimescaleDB's refresh policy of a continuous aggregate (any materialized
// view here):
//
//	add_continuous_aggregate_policy(view, start_offset, end_offset, schedule_interval [, if_not_exists, ...])  integer
//	remove_continuous_aggregate_policy(view [, if_exists])                                                     void
//
// Every schedule_interval the server refreshes the window [now -
// start_offset, now - end_offset) (a NULL offset leaves that side open),
// as refresh_continuous_aggregate does (RunPolicies; the first run comes
// at the first check after the policy is added or the server starts).
// The policy is kept in the view's definition (its options, in
// nanoseconds; a month counts 30 days) and shows in
// timescaledb_information.jobs as policy_refresh_continuous_aggregate.

// The view options that hold a refresh policy: the offsets ("" for NULL)
// and the schedule, in nanoseconds.
const (
	optPolicyStart = "policy_start_offset_ns"
	optPolicyEnd   = "policy_end_offset_ns"
	optPolicyEvery = "policy_schedule_interval_ns"
)

// viewPolicy is a view's refresh policy; ok is false when it has none.
type viewPolicy struct {
	start, end   time.Duration
	openS, openE bool // NULL offsets: the window open on that side
	every        time.Duration
	startS, endS string
	ok           bool
}

func policyOf(def storage.ViewDef) viewPolicy {
	every, err := strconv.ParseInt(def.Options[optPolicyEvery], 10, 64)
	if err != nil || every <= 0 {
		return viewPolicy{}
	}
	p := viewPolicy{every: time.Duration(every), ok: true, startS: def.Options[optPolicyStart], endS: def.Options[optPolicyEnd]}
	if v, err := strconv.ParseInt(p.startS, 10, 64); err == nil {
		p.start = time.Duration(v)
	} else {
		p.openS = true
	}
	if v, err := strconv.ParseInt(p.endS, 10, 64); err == nil {
		p.end = time.Duration(v)
	} else {
		p.openE = true
	}
	return p
}

// window is the policy's refresh window at now.
func (v viewPolicy) window(now time.Time) (lo, hi int64) {
	lo, hi = storage.AllTime().Min, storage.AllTime().Max
	if !v.openS {
		lo = now.Add(-v.start).UnixNano()
	}
	if !v.openE {
		hi = now.Add(-v.end).UnixNano()
	}
	return lo, hi
}

// intervalDuration reads an interval argument as a duration (a month: 30
// days).
func intervalDuration(v arrow.MonthDayNanoInterval) time.Duration {
	const day = 24 * time.Hour
	return time.Duration(v.Months)*30*day + time.Duration(v.Days)*day + time.Duration(v.Nanoseconds)
}

// policyFunction binds add_continuous_aggregate_policy or
// remove_continuous_aggregate_policy in FROM (or, rewritten there, in a
// select list).
func (b *binder) policyFunction(name string, f *ast.FuncCallExpr, alias, col string) (*scope, error) {
	add := name == "add_continuous_aggregate_policy"
	nargs := len(f.Args) - 1
	switch {
	case add && (nargs < 4 || nargs > 11):
		return nil, errorf(CodeUndefinedFunc, "function add_continuous_aggregate_policy takes a view, start_offset, end_offset and schedule_interval: "+
			"add_continuous_aggregate_policy('view', start_offset => INTERVAL '1 month', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour')")
	case !add && (nargs < 1 || nargs > 2):
		return nil, errorf(CodeUndefinedFunc, "function remove_continuous_aggregate_policy takes a view: remove_continuous_aggregate_policy('view' [, if_exists => true])")
	}
	flag := 4 // if_not_exists, if_exists
	if !add {
		flag = 1
	}
	args, err := b.policyArgs(f, flag)
	if err != nil {
		return nil, err
	}
	if add {
		for i, param := range []string{"start_offset", "end_offset", "schedule_interval"} {
			if args[i+1], err = b.intervalArg(args[i+1], "invalid parameter value for "+param); err != nil {
				return nil, err
			}
		}
	}
	if len(args) > flag+1 {
		args = args[:flag+1] // initial_start, timezone, ... tune TimescaleDB's scheduler
	}
	db, tables, sess, p := b.sess.Database, b.tablesByOID(), b.sess, b.p
	b.volatile = true
	cols := []Column{{Name: col, Type: exec.TypeInt, PGType: 23}}
	if !add {
		cols = []Column{{Name: col, Type: exec.TypeText, PGType: 2278}}
	}
	return derivedScope(&TableFunc{Name: name, Args: args, Cols: cols,
		rows: func(c *exec.Ctx, vals []any) ([][]any, error) {
			if vals[0] == nil {
				return nil, nil
			}
			oid := vals[0].(int64)
			table, err := hypertableOf(tables, oid, p.Engine != nil)
			if err != nil {
				return nil, err
			}
			def, ok := p.viewOf(db, table)
			if !ok {
				return nil, errorf(CodeNotSupported, "%q is not a continuous aggregate", table)
			}
			flagged := len(vals) > flag && vals[flag] == true
			have := policyOf(def)
			opts := map[string]string{}
			for k, v := range def.Options {
				opts[k] = v
			}
			if !add {
				if !have.ok {
					if !flagged {
						return nil, errorf("42704", "continuous aggregate policy not found for %q", table)
					}
					sess.notify(Notice{Severity: "NOTICE", Msg: fmt.Sprintf("continuous aggregate policy not found for %q, skipping", table)})
					return [][]any{{""}}, nil
				}
				delete(opts, optPolicyStart)
				delete(opts, optPolicyEnd)
				delete(opts, optPolicyEvery)
				if err := p.Engine.SetViewOptions(context.Background(), db, table, opts); err != nil {
					return nil, err
				}
				return [][]any{{""}}, nil
			}
			if vals[3] == nil {
				return nil, errorf("22023", "cannot use NULL schedule interval")
			}
			every := intervalDuration(vals[3].(arrow.MonthDayNanoInterval))
			if every <= 0 {
				return nil, errorf("22023", "invalid schedule interval: it must be positive")
			}
			offset := func(v any) string {
				if v == nil {
					return ""
				}
				return strconv.FormatInt(int64(intervalDuration(v.(arrow.MonthDayNanoInterval))), 10)
			}
			startS, endS := offset(vals[1]), offset(vals[2])
			if startS != "" && endS != "" {
				s, _ := strconv.ParseInt(startS, 10, 64)
				e, _ := strconv.ParseInt(endS, 10, 64)
				if s <= e {
					err := errorf("22023", "policy refresh window too small")
					err.Detail = "start_offset must be larger than end_offset: the window runs from now - start_offset to now - end_offset"
					return nil, err
				}
			}
			if have.ok {
				if !flagged {
					err := errorf("42710", "continuous aggregate policy already exists for %q", table)
					err.Detail = fmt.Sprintf("Only one continuous aggregate policy can be created per continuous aggregate and a policy with job id %d already exists for %q.", oid, table)
					return nil, err
				}
				return policySkipped(sess, fmt.Sprintf("continuous aggregate policy already exists for %q", table),
					have.startS == startS && have.endS == endS, "A policy already exists with different arguments."), nil
			}
			opts[optPolicyStart], opts[optPolicyEnd], opts[optPolicyEvery] = startS, endS, strconv.FormatInt(int64(every), 10)
			if err := p.Engine.SetViewOptions(context.Background(), db, table, opts); err != nil {
				return nil, err
			}
			p.policies.forget(db, table) // due at the next check
			return [][]any{{oid}}, nil
		}}, alias), nil
}

// policyJobStats adds the refresh policies' rows to
// timescaledb_information.job_stats: their runs since the server started.
func (b *binder) policyJobStats(t *catalogTable, schema string) {
	db := b.sess.Database
	for _, name := range b.catalogTables(db) {
		def, ok := b.p.viewOf(db, name)
		if !ok || !policyOf(def).ok {
			continue
		}
		row := map[string]any{"hypertable_schema": schema, "hypertable_name": name, "job_id": TableOID(db, name),
			"job_status": "Scheduled", "total_runs": int64(0), "total_successes": int64(0), "total_failures": int64(0)}
		if st, ran := b.p.policies.statsOf(db, name); ran {
			status := "Failed"
			if st.lastOK {
				status = "Success"
			}
			row["last_run_started_at"] = exec.Timestamp(st.lastStart.UnixNano())
			row["last_run_status"] = status
			row["last_run_duration"] = arrow.MonthDayNanoInterval{Nanoseconds: int64(st.lastDuration)}
			row["total_runs"], row["total_successes"], row["total_failures"] = st.runs, st.successes, st.runs-st.successes
			if !st.lastSuccess.IsZero() {
				row["last_successful_finish"] = exec.Timestamp(st.lastSuccess.UnixNano())
			}
		}
		if next, ok := b.p.policies.next(db, name); ok {
			row["next_start"] = exec.Timestamp(next.UnixNano())
		}
		t.add(row)
	}
}

// policyJobs adds the refresh policies' rows to timescaledb_information.jobs.
func (b *binder) policyJobs(t *catalogTable, schema string) {
	db := b.sess.Database
	for _, name := range b.catalogTables(db) {
		def, ok := b.p.viewOf(db, name)
		if !ok {
			continue
		}
		pol := policyOf(def)
		if !pol.ok {
			continue
		}
		oid := TableOID(db, name)
		text := func(open bool, d time.Duration) string {
			if open {
				return "null"
			}
			return fmt.Sprintf("%q", intervalText(d))
		}
		row := map[string]any{"job_id": oid, "application_name": fmt.Sprintf("Refresh Continuous Aggregate Policy [%d]", oid),
			"schedule_interval": arrow.MonthDayNanoInterval{Nanoseconds: int64(pol.every)}, "max_runtime": arrow.MonthDayNanoInterval{},
			"max_retries": int64(-1), "retry_period": arrow.MonthDayNanoInterval{Nanoseconds: int64(pol.every)},
			"proc_schema": "_timescaledb_functions", "proc_name": "policy_refresh_continuous_aggregate", "owner": exec.OwnerRole,
			"scheduled": true, "fixed_schedule": false,
			"config":            fmt.Sprintf(`{"end_offset": %s, "start_offset": %s, "mat_hypertable_id": %d}`, text(pol.openE, pol.end), text(pol.openS, pol.start), oid),
			"hypertable_schema": schema, "hypertable_name": name}
		if next, ok := b.p.policies.next(db, name); ok {
			row["next_start"] = exec.Timestamp(next.UnixNano())
		}
		t.add(row)
	}
}

// policyState is when each view's refresh policy last ran, by database
// and view, and how its runs went (in memory: a restart runs every policy
// at its first check, and counts from zero).
type policyState struct {
	mu   sync.Mutex
	last map[[2]string]time.Time
	// every is each policy's schedule as last seen, for next_start.
	every map[[2]string]time.Duration
	stats map[[2]string]*jobStats
}

// jobStats are a policy's runs as timescaledb_information.job_stats shows
// them.
type jobStats struct {
	lastStart, lastSuccess time.Time
	lastDuration           time.Duration
	lastOK                 bool
	runs, successes        int64
}

// ran records a run of a view's policy that started at start and took
// took, ok or not.
func (s *policyState) ran(db, view string, start time.Time, took time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stats == nil {
		s.stats = map[[2]string]*jobStats{}
	}
	k := [2]string{db, view}
	st := s.stats[k]
	if st == nil {
		st = &jobStats{}
		s.stats[k] = st
	}
	st.lastStart, st.lastDuration, st.lastOK = start, took, ok
	st.runs++
	if ok {
		st.successes++
		st.lastSuccess = start.Add(took)
	}
}

// statsOf is a copy of a view's policy's run statistics; ok is false
// before its first run.
func (s *policyState) statsOf(db, view string) (jobStats, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats[[2]string{db, view}]
	if st == nil {
		return jobStats{}, false
	}
	return *st, true
}

func (s *policyState) forget(db, view string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.last, [2]string{db, view})
}

// due reports whether a policy of schedule every last run (if ever)
// before now is due, and notes it as run at now when it is.
func (s *policyState) due(db, view string, every time.Duration, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last, s.every = map[[2]string]time.Time{}, map[[2]string]time.Duration{}
	}
	k := [2]string{db, view}
	s.every[k] = every
	if last, ok := s.last[k]; ok && now.Sub(last) < every {
		return false
	}
	s.last[k] = now
	return true
}

// next is when a view's policy runs next, once it has run.
func (s *policyState) next(db, view string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{db, view}
	last, ok := s.last[k]
	if !ok {
		return time.Time{}, false
	}
	return last.Add(s.every[k]), true
}

// RunDuePolicies refreshes, at now, every view whose refresh policy is
// due, each over its window, and returns how many it refreshed; a view
// that fails is logged and the others still run.
func (p *Planner) RunDuePolicies(ctx context.Context, now time.Time, log *slog.Logger) int {
	n := 0
	for _, d := range p.Engine.Databases() {
		for _, table := range d.Tables {
			def, ok := p.viewOf(d.Name, table)
			if !ok {
				continue
			}
			pol := policyOf(def)
			if !pol.ok || !p.policies.due(d.Name, table, pol.every, now) {
				continue
			}
			lo, hi := pol.window(now)
			if lo >= hi {
				continue
			}
			sess := &Session{Database: d.Name, Location: time.UTC, Now: now}
			began := time.Now()
			rows, err := p.refreshView(ctx, sess, table, def, lo, hi, false)
			p.policies.ran(d.Name, table, now, time.Since(began), err == nil)
			if err != nil {
				if log != nil {
					log.Error("a continuous aggregate's refresh policy failed; it runs again at its next schedule", "database", d.Name, "view", table, "error", err)
				}
				continue
			}
			if log != nil {
				log.Info("refresh policy ran", "database", d.Name, "view", table, "rows", rows)
			}
			n++
		}
	}
	return n
}

// RunPolicies runs the refresh policies that are due every check until
// ctx is done (the server runs it).
func (p *Planner) RunPolicies(ctx context.Context, check time.Duration, log *slog.Logger) {
	tick := time.NewTicker(check)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			p.RunDuePolicies(ctx, now, log)
		}
	}
}
