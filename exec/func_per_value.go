package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// evalPerValue runs a function whose one varying argument is a tag column
// (a dictionary) once per tag value the rows use, and once for NULL if a
// row is NULL, then gives each row its value's result: lower(hostname) over
// 64k rows of 100 hosts computes 100 strings. Values the dictionary holds
// but no row uses are not evaluated (a filter may have removed the rows
// whose value the function would reject). It declines (ok false) when the
// rows use more than a quarter as many values as there are rows, or the
// dictionary is larger than the batch.
//
// Every function with arguments is a pure function of them (the one
// volatile function, random(), takes none), so the results are the ones
// row-by-row evaluation gives, errors included: values are evaluated in the
// order rows first use them, so the first failing row's value fails first.
func (e *Call) evalPerValue(c *Ctx, args []arg, n int) (arrow.Array, bool, error) {
	at := -1
	for i, a := range args {
		if a.isConst {
			continue
		}
		if at >= 0 || a.arr.DataType().ID() != arrow.DICTIONARY {
			return nil, false, nil
		}
		at = i
	}
	if at < 0 || n < 64 {
		return nil, false, nil
	}
	d := args[at].arr.(*array.Dictionary)
	codes, ok := d.Indices().(*array.Int32)
	if !ok || d.Dictionary().Len() > n {
		// A dictionary larger than the batch (a file's, shared by many
		// batches) would cost more to index by code than the rows save.
		return nil, false, nil
	}
	// slot[code] is 1 + the value's place among the used ones.
	slot := make([]int32, d.Dictionary().Len())
	var used []int32 // codes in order of first use
	hasNull := false
	limit := n / 4
	cv := codes.Int32Values()
	for i := range n {
		if d.IsNull(i) {
			hasNull = true
			continue
		}
		k := cv[i]
		if slot[k] == 0 {
			if len(used) >= limit {
				return nil, false, nil
			}
			used = append(used, k)
			slot[k] = int32(len(used))
		}
	}
	// The used values (and a NULL) as a small tag column.
	ib := array.NewInt32Builder(memory.DefaultAllocator)
	ib.AppendValues(used, nil)
	if hasNull {
		ib.AppendNull()
	}
	idx := ib.NewInt32Array()
	ib.Release()
	small := array.NewDictionaryArray(d.DataType(), idx, d.Dictionary())
	idx.Release()
	defer small.Release()
	smallArgs := append([]arg(nil), args...)
	smallArgs[at].arr = small
	res, err := e.def.eval(c, smallArgs, small.Len())
	if err != nil {
		return nil, true, err
	}
	defer res.Release()
	nullAt := rowRef(len(used))
	refs := make([]rowRef, n)
	for i := range n {
		if d.IsNull(i) {
			refs[i] = nullAt
			continue
		}
		refs[i] = rowRef(slot[cv[i]] - 1)
	}
	out, err := gatherColumn(res.DataType(), []arrow.Array{res}, refs)
	return out, true, err
}
