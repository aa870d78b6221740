package influxql

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Bind replaces a statement's parameters ($host) with their values, as
// InfluxDB 3 binds InfluxQL's params: strings, numbers (json.Number or Go
// numbers), booleans. A parameter without a value is an error naming it.
func Bind(st Statement, params map[string]any) error {
	var err error
	bind := func(x Expr) Expr {
		p, ok := x.(*ParamRef)
		if !ok || err != nil {
			return x
		}
		v, ok := params[p.Name]
		if !ok {
			names := make([]string, 0, len(params))
			for k := range params {
				names = append(names, k)
			}
			sort.Strings(names)
			err = fmt.Errorf("missing parameter $%s (params given: %v)", p.Name, names)
			return x
		}
		var lit Expr
		lit, err = literal(p.Name, v)
		return lit
	}
	switch st := st.(type) {
	case *SelectStatement:
		for i := range st.Fields {
			st.Fields[i].Expr = rewrite(st.Fields[i].Expr, bind)
		}
		st.Where = rewrite(st.Where, bind)
		for _, s := range st.Sources {
			if s.Subquery != nil && err == nil {
				err = Bind(s.Subquery, params)
			}
		}
	case *ShowStatement:
		st.Where = rewrite(st.Where, bind)
	}
	return err
}

// literal is a parameter's value as an InfluxQL literal.
func literal(name string, v any) (Expr, error) {
	switch v := v.(type) {
	case string:
		return &StringLit{Val: v}, nil
	case bool:
		return &BoolLit{Val: v}, nil
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return &NumberLit{Val: float64(i), IsInt: true, Int: i}, nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, fmt.Errorf("parameter $%s: %q is not a number", name, v)
		}
		return &NumberLit{Val: f}, nil
	case int64:
		return &NumberLit{Val: float64(v), IsInt: true, Int: v}, nil
	case int:
		return &NumberLit{Val: float64(v), IsInt: true, Int: int64(v)}, nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return &NumberLit{Val: v, IsInt: true, Int: int64(v)}, nil
		}
		return &NumberLit{Val: v}, nil
	}
	return nil, fmt.Errorf("parameter $%s: %T values are not supported (strings, numbers and booleans are)", name, v)
}

// rewrite replaces the expressions of x, leaves first, by f.
func rewrite(x Expr, f func(Expr) Expr) Expr {
	switch e := x.(type) {
	case nil:
		return nil
	case *BinaryExpr:
		e.L, e.R = rewrite(e.L, f), rewrite(e.R, f)
	case *ParenExpr:
		e.X = rewrite(e.X, f)
	case *Call:
		for i := range e.Args {
			e.Args[i] = rewrite(e.Args[i], f)
		}
	}
	return f(x)
}
