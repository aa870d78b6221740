package planner

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// Build instantiates exec operators for one execution of a plan. The scans
// take their storage snapshots now.
func Build(c *exec.Ctx, engine *storage.Engine, n Node) (exec.Operator, error) {
	switch n := n.(type) {
	case *Scan:
		return exec.NewParallelScan(c, engine, scanRequest(n), nil, 0)
	case *Values:
		return buildValues(c, n)
	case *CatalogValues:
		return n.build(c)
	case *Series:
		return n.build(c), nil
	case *TableFunc:
		v, err := n.values(c)
		if err != nil {
			return nil, err
		}
		return buildValues(c, v)
	}
	return buildWith(c, engine, n, func(child Node) (exec.Operator, error) { return Build(c, engine, child) })
}

// buildWith builds a node with children, building each child with build
// (EXPLAIN ANALYZE instruments them).
func buildWith(c *exec.Ctx, engine *storage.Engine, n Node, build func(Node) (exec.Operator, error)) (exec.Operator, error) {
	switch n := n.(type) {
	case *Shared:
		return c.SharedReader(n.ID, func() (exec.Operator, error) { return build(n.Child) })
	case *Recent:
		return newRecentOp(c, engine, n, build), nil
	case *LateralJoin:
		left, err := build(n.Left)
		if err != nil {
			return nil, err
		}
		return newLateralOp(c, engine, n, left), nil
	case *Join:
		left, err := build(n.Left)
		if err != nil {
			return nil, err
		}
		right, err := build(n.Right)
		if err != nil {
			left.Close()
			return nil, err
		}
		if n.Asof != nil {
			return exec.NewAsofJoin(c, n.Kind == exec.JoinLeft, left, right, n.LeftKeys, n.RightKeys, n.Asof.Left, n.Asof.Right, n.Asof.Op), nil
		}
		return exec.NewHashJoin(c, n.Kind, left, right, n.LeftKeys, n.RightKeys, n.Residual), nil
	case *RowsFrom:
		kids, err := buildAll(n.Kids, build)
		if err != nil {
			return nil, err
		}
		return exec.NewRowsFrom(c, schemaOf(n.Cols), kids...), nil
	case *Union:
		kids, err := buildAll(n.Kids, build)
		if err != nil {
			return nil, err
		}
		return exec.NewUnion(schemaOf(n.Cols), kids...), nil
	}
	// DISTINCT ON over its sort: keep the first row per key in one pass and
	// sort only those rows.
	if d, ok := n.(*DistinctOn); ok {
		if srt, ok := d.Child.(*Sort); ok && srt.Limit < 0 {
			child, err := build(srt.Child)
			if err != nil {
				return nil, err
			}
			return exec.NewDistinctOnHash(c, child, d.Keys, srt.Keys), nil
		}
	}
	// A filter right above a scan runs inside the parallel scan's workers.
	if f, ok := n.(*Filter); ok {
		if s, ok := f.Child.(*Scan); ok {
			return exec.NewParallelScan(c, engine, scanRequest(s), f.Pred, 0)
		}
	}
	children := n.Children()
	child, err := build(children[0])
	if err != nil {
		return nil, err
	}
	switch n := n.(type) {
	case *Filter:
		return exec.NewFilter(c, child, n.Pred), nil
	case *Project:
		names := make([]string, len(n.Cols))
		for i, col := range n.Cols {
			names[i] = col.Name
		}
		return exec.NewProject(c, child, n.Exprs, names), nil
	case *Aggregate:
		names := make([]string, len(n.Cols))
		for i, col := range n.Cols {
			names[i] = col.Name
		}
		op, err := exec.NewHashAggregate(c, child, n.Keys, n.Aggs, names)
		if err != nil {
			child.Close()
			return nil, err
		}
		op.PerSplit = n.PerSplit
		op.EmptySets = n.EmptySets
		return op, nil
	case *Ordinality:
		return exec.NewOrdinality(child, n.Cols[len(n.Cols)-1].Name), nil
	case *Repeat:
		return exec.NewRepeat(child), nil
	case *Expand:
		op, err := exec.NewExpand(c, child, n.Keys, n.Sets, n.names())
		if err != nil {
			child.Close()
			return nil, err
		}
		return op, nil
	case *Sort:
		return exec.NewSort(c, child, n.Keys, n.Limit), nil
	case *LTTB:
		return exec.NewLTTB(c, child, n.Resolution, schemaOf(n.Cols)), nil
	case *Limit:
		if n.Ties != nil {
			return exec.NewLimitTies(c, child, n.Offset, n.Count, n.Ties), nil
		}
		return exec.NewLimit(child, n.Offset, n.Count), nil
	case *DistinctOn:
		return exec.NewDistinctOn(c, child, n.Keys), nil
	case *GapFill:
		names := make([]string, len(n.Spec.Columns))
		for i := range names {
			names[i] = n.Cols[len(n.Cols)-len(names)+i].Name
		}
		return exec.NewGapFill(c, child, n.Spec, names), nil
	case *Window:
		names := make([]string, len(n.Funcs))
		for i, f := range n.Funcs {
			names[i] = f.Name
		}
		w := exec.NewWindow(c, child, n.Funcs, names)
		if n.Emit > 0 {
			w.EmitInOrderOf(n.Emit - 1)
		}
		if n.Keep != nil {
			w.KeepPartitions(n.Keep.Order, n.Keep.Rows)
		}
		return w, nil
	}
	child.Close()
	return nil, fmt.Errorf("planner: cannot build %T", n)
}

// buildValues evaluates a constant relation's rows into one record.
func buildValues(c *exec.Ctx, n *Values) (exec.Operator, error) {
	schema := schemaOf(n.Cols)
	if len(n.Rows) == 0 {
		// No batch at all, as an empty scan: operators need not meet
		// zero-row batches (boolean kernels read their buffers).
		return exec.NewValues(schema), nil
	}
	rec, err := valuesRecord(c, n)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	return exec.NewValues(schema, rec), nil
}

// valuesRecord evaluates rows of constant expressions into a record.
func valuesRecord(c *exec.Ctx, n *Values) (arrow.Record, error) {
	one := array.NewRecord(arrow.NewSchema(nil, nil), nil, 1)
	defer one.Release()
	cols := make([]arrow.Array, len(n.Cols))
	for i := range n.Cols {
		b := array.NewBuilder(memory.DefaultAllocator, n.Cols[i].Type)
		for _, row := range n.Rows {
			a, err := row[i].Eval(c, one)
			if err != nil {
				b.Release()
				releaseAll(cols[:i])
				return nil, err
			}
			if err := appendFrom(b, a); err != nil {
				a.Release()
				b.Release()
				releaseAll(cols[:i])
				return nil, err
			}
			a.Release()
		}
		cols[i] = b.NewArray()
		b.Release()
	}
	rec := array.NewRecord(schemaOf(n.Cols), cols, int64(len(n.Rows)))
	releaseAll(cols)
	return rec, nil
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		a.Release()
	}
}

// appendFrom appends the one value of a to b.
func appendFrom(b array.Builder, a arrow.Array) error {
	if a.IsNull(0) {
		b.AppendNull()
		return nil
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		bb.Append(a.(*array.Boolean).Value(0))
	case *array.Int64Builder:
		bb.Append(a.(*array.Int64).Value(0))
	case *array.Uint64Builder:
		bb.Append(a.(*array.Uint64).Value(0))
	case *array.Float64Builder:
		bb.Append(a.(*array.Float64).Value(0))
	case *array.StringBuilder:
		s, _ := exec.FormatValue(a, 0, nil)
		bb.Append(s)
	case *array.TimestampBuilder:
		bb.Append(a.(*array.Timestamp).Value(0))
	case *array.MonthDayNanoIntervalBuilder:
		bb.Append(a.(*array.MonthDayNanoInterval).Value(0))
	case *array.NullBuilder:
		bb.AppendNull()
	default:
		return fmt.Errorf("planner: VALUES of type %v", b.Type())
	}
	return nil
}

func timestampArray(ns int64) arrow.Array {
	b := array.NewTimestampBuilder(memory.DefaultAllocator, exec.TypeTimestamptz)
	defer b.Release()
	b.Append(arrow.Timestamp(ns))
	return b.NewArray()
}

func schemaOf(cols []Column) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

func scanRequest(n *Scan) storage.ScanRequest {
	cols := make([]string, len(n.Cols))
	for i, col := range n.Cols {
		cols[i] = col.Name
	}
	return storage.ScanRequest{Database: n.DB, Table: n.Table, Columns: cols, Range: n.Range, Tags: n.Tags, Sample: n.Sample}
}

// buildAll builds each node with build, closing those built when one
// fails.
func buildAll(nodes []Node, build func(Node) (exec.Operator, error)) ([]exec.Operator, error) {
	ops := make([]exec.Operator, 0, len(nodes))
	for _, k := range nodes {
		op, err := build(k)
		if err != nil {
			for _, done := range ops {
				done.Close()
			}
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}
