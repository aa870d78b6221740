package planner

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// InfluxDB 3's selector aggregates, selector_first/last/min/max(value,
// time), return a struct of the chosen row's value and time, which queries
// take apart with ['value'] and ['time']:
//
//	SELECT selector_max(usage, time)['time'], selector_max(usage, time)['value'] FROM cpu GROUP BY host
//
// Strata has no struct type, so each field is bound as the aggregate that
// computes it. As in InfluxDB 3, rows whose value is NULL take no part;
// first/last choose by time, min/max by value, and among equal values
// min/max report the smallest time:
//
//	selector_first(v, t)['value']  first(v, t) FILTER (WHERE v IS NOT NULL)
//	selector_first(v, t)['time']   min(t) FILTER (WHERE v IS NOT NULL)
//	selector_last(v, t)['value']   last(v, t) FILTER (WHERE v IS NOT NULL)
//	selector_last(v, t)['time']    max(t) FILTER (WHERE v IS NOT NULL)
//	selector_min(v, t)['value']    min(v)
//	selector_min(v, t)['time']     time_of_min(v, t)
//	selector_max(v, t)['value']    max(v)
//	selector_max(v, t)['time']     time_of_max(v, t)

// selectors maps each selector to the aggregates of its value and time.
var selectors = map[string]struct {
	value, time string
	byTime      bool // first/last: chosen by time
}{
	"selector_first": {"first", "min", true},
	"selector_last":  {"last", "max", true},
	"selector_min":   {"min", "", false},
	"selector_max":   {"max", "", false},
}

// selectorField recognises selector_x(value, time)['field'] (package sql
// writes the subscript as __pg_subscript(call, 'field')).
func selectorField(e ast.ExprNode) (*aggCall, ast.ExprNode, bool) {
	f, ok := e.(*ast.FuncCallExpr)
	if !ok || f.FnName.L != sql.MarkerSubscript || len(f.Args) != 2 {
		return nil, nil, false
	}
	call, ok := parseAggCall(unparen(f.Args[0]))
	if !ok {
		return nil, nil, false
	}
	if _, ok := selectors[call.name]; !ok {
		return nil, nil, false
	}
	return call, f.Args[1], true
}

// selector binds one field of a selector call.
func (q *selectBinder) selector(call *aggCall, field ast.ExprNode) (exec.Expr, error) {
	sel := selectors[call.name]
	if len(call.args) != 2 {
		return nil, errorf(CodeUndefinedFunc, "function %s takes (value, time), got %d arguments", call.name, len(call.args))
	}
	if call.distinct || call.order != nil || call.within != nil {
		return nil, notSupported(call.name + " with DISTINCT, ORDER BY or WITHIN GROUP")
	}
	name := constText(field)
	if name != "value" && name != "time" {
		return nil, errorf(CodeUndefinedColumn, "%s(...) has no field %q: its fields are ['value'] and ['time']", call.name, name)
	}
	t, err := q.b.bindExpr(q.in, call.args[1])
	if err != nil {
		return nil, err
	}
	if t.Type().ID() != arrow.TIMESTAMP {
		return nil, errorf(CodeDatatype, "the second argument of %s must be a timestamp, not %s", call.name, typeName(int64(pgOfEngine(t.Type()))))
	}
	if !sel.byTime {
		if name == "value" {
			return q.aggregate(&aggCall{name: sel.value, args: call.args[:1], filter: call.filter})
		}
		v, err := q.b.bindExpr(q.in, call.args[0])
		if err != nil {
			return nil, err
		}
		agg := exec.Agg{Func: exec.AggTimeOfMin, Arg: v, Time: t}
		if sel.value == "max" {
			agg.Func = exec.AggTimeOfMax
		}
		if call.filter != nil {
			if agg.Filter, err = q.aggFilter(call.filter); err != nil {
				return nil, err
			}
		}
		return q.addAgg(agg)
	}
	var filter ast.ExprNode = &ast.IsNullExpr{Expr: call.args[0], Not: true}
	if call.filter != nil {
		filter = &ast.BinaryOperationExpr{Op: opcode.LogicAnd, L: call.filter, R: filter}
	}
	if name == "value" {
		return q.aggregate(&aggCall{name: sel.value, args: call.args, filter: filter})
	}
	return q.aggregate(&aggCall{name: sel.time, args: call.args[1:], filter: filter})
}
