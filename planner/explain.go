package planner

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stratadb/strata/exec"
)

// explain returns the plan as rows of one text column "QUERY PLAN", as
// PostgreSQL does.
func (p *Planner) explain(sess *Session, q *Query) (*Query, exec.Operator, error) {
	return textResult("QUERY PLAN", strings.Split(strings.TrimRight(Explain(q.Plan), "\n"), "\n"))
}

// textResult is a one-column text result.
func textResult(name string, lines []string) (*Query, exec.Operator, error) {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(lines, nil)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: name, Type: exec.TypeText}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{col}, int64(len(lines)))
	defer rec.Release()
	cols := []Column{{Name: name, Type: exec.TypeText}}
	return &Query{Plan: &Values{Cols: cols}, Cols: cols}, exec.NewValues(schema, rec), nil
}

// countResult is the one-row result {count: n} of a write.
func countResult(n int64) (*Query, exec.Operator, error) {
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Append(n)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "count", Type: exec.TypeInt}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{col}, 1)
	defer rec.Release()
	cols := []Column{{Name: "count", Type: exec.TypeInt}}
	return &Query{Plan: &Values{Cols: cols}, Cols: cols}, exec.NewValues(schema, rec), nil
}
