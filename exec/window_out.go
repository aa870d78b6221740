package exec

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// resKind is the Go type of a window function's values.
type resKind uint8

const (
	resInt   resKind = iota // int64
	resFloat                // float64
	resBool                 // bool
	resText                 // string
	resTake                 // a row of the value argument (or of lag/lead's default)
)

// winResult is a window function's values by row, in input order, until
// they become an array.
type winResult struct {
	kind  resKind
	n     int
	i64   []int64
	f64   []float64
	bits  []byte // resBool's values
	nulls []byte // set for NULL rows; nil: none
	// take[r] is the row of src whose value is row r's, -1 for NULL, or
	// defaultRow(d): row d of def (lag and lead's default).
	take     []int32
	src, def *winCol
	// resText: row r's value is text[spans[r].from:spans[r].to].
	spans []textSpan
	text  []byte
}

type textSpan struct{ from, to int }

// defaultRow is the take of row r of lag or lead's default.
func defaultRow(r int32) int32 { return -r - 2 }

func newWinResult(f *WindowFunc, op winOp, n int, args []*winCol) *winResult {
	res := &winResult{n: n}
	switch op {
	case opRowNumber, opRank, opDenseRank, opNtile, opCount:
		res.kind = resInt
	case opPercentRank, opCumeDist, opAvg, opMoment:
		res.kind = resFloat
	case opSum:
		res.kind = resFloat
		if f.DT.ID() == arrow.INT64 {
			res.kind = resInt
		}
	case opBoolAnd, opBoolOr:
		res.kind = resBool
	case opStringAgg:
		res.kind = resText
	default: // lag, lead, first_value, last_value, nth_value, min, max; unknown
		res.kind = resTake
		if len(args) > 0 {
			res.src = args[0]
		}
		if (op == opLag || op == opLead) && len(args) > 2 {
			res.def = args[2]
		}
	}
	switch res.kind {
	case resInt:
		res.i64 = make([]int64, n)
	case resFloat:
		res.f64 = make([]float64, n)
	case resBool:
		res.bits = newBitmap(n)
	case resText:
		res.spans = make([]textSpan, n)
	case resTake:
		res.take = make([]int32, n)
		for i := range res.take {
			res.take[i] = -1
		}
	}
	return res
}

func (r *winResult) null(row int32) {
	if r.nulls == nil {
		r.nulls = newBitmap(r.n)
	}
	setBit(r.nulls, int(row))
}

func (r *winResult) setBool(row int32, v bool) {
	if v {
		setBit(r.bits, int(row))
	}
}

func (r *winResult) setText(row int32, v []byte) {
	r.spans[row] = textSpan{len(r.text), len(r.text) + len(v)}
	r.text = append(r.text, v...)
}

// copy makes row dst's value row src's.
func (r *winResult) copy(dst, src int32) {
	switch r.kind {
	case resInt:
		r.i64[dst] = r.i64[src]
	case resFloat:
		r.f64[dst] = r.f64[src]
	case resBool:
		r.setBool(dst, getBit(r.bits, int(src)))
	case resText:
		r.spans[dst] = r.spans[src]
	case resTake:
		r.take[dst] = r.take[src]
	}
	if r.nulls != nil && getBit(r.nulls, int(src)) {
		r.null(dst)
	}
}

// validity is the validity bitmap of the rows (nil: no NULLs).
func (r *winResult) validity() []byte {
	if r.nulls == nil {
		return nil
	}
	valid := make([]byte, len(r.nulls))
	for i, b := range r.nulls {
		valid[i] = ^b
	}
	return valid
}

// value is row i's value as a Go value of the kind Literal holds.
func (r *winResult) value(i int) any {
	if r.kind != resTake && r.nulls != nil && getBit(r.nulls, i) {
		return nil
	}
	switch r.kind {
	case resInt:
		return r.i64[i]
	case resFloat:
		return r.f64[i]
	case resBool:
		return getBit(r.bits, i)
	case resText:
		return string(r.text[r.spans[i].from:r.spans[i].to])
	}
	switch t := r.take[i]; {
	case t >= 0:
		return r.src.value(t)
	case t <= -2:
		return r.def.value(-t - 2)
	}
	return nil
}

// array makes the values an array of type dt (of the kind the function
// gives, or through a builder as appendValue converts them).
func (r *winResult) array(dt arrow.DataType) arrow.Array {
	switch {
	case r.kind == resInt && dt.ID() == arrow.INT64:
		return fixedArray(dt, r.i64, r.validity())
	case r.kind == resFloat && dt.ID() == arrow.FLOAT64:
		return fixedArray(dt, r.f64, r.validity())
	case r.kind == resBool && dt.ID() == arrow.BOOL:
		return boolArray(r.bits, r.validity(), r.n)
	case r.kind == resText && dt.ID() == arrow.STRING && len(r.text) <= math.MaxInt32:
		return r.textArray(dt)
	case r.kind == resTake:
		if a := r.takeArray(dt); a != nil {
			return a
		}
	}
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	b.Reserve(r.n)
	for i := 0; i < r.n; i++ {
		appendValue(b, r.value(i))
	}
	return b.NewArray()
}

// textArray builds a string_agg's text in row order.
func (r *winResult) textArray(dt arrow.DataType) arrow.Array {
	offsets := make([]int32, r.n+1)
	size := 0
	for i, s := range r.spans {
		size += s.to - s.from
		offsets[i+1] = int32(size)
	}
	data := make([]byte, 0, size)
	for _, s := range r.spans {
		data = append(data, r.text[s.from:s.to]...)
	}
	return stringArray(dt, offsets, data, r.validity())
}

func stringArray(dt arrow.DataType, offsets []int32, data []byte, valid []byte) arrow.Array {
	n := len(offsets) - 1
	nulls := countNulls(valid, n)
	var vb *memory.Buffer
	if nulls > 0 {
		vb = memory.NewBufferBytes(valid)
	}
	d := array.NewData(dt, n, []*memory.Buffer{vb, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(data)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// kindOf is the winKind of dt's values (kindNone: not one a take builds).
func kindOf(dt arrow.DataType) winKind {
	switch dt.ID() {
	case arrow.INT64:
		return kindInt
	case arrow.UINT64:
		return kindUint
	case arrow.FLOAT64:
		return kindFloat
	case arrow.STRING:
		return kindText
	case arrow.BOOL:
		return kindBool
	case arrow.TIMESTAMP:
		return kindTime
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return kindInterval
	}
	return kindNone
}

// takeArray gathers the rows take names from src and def into an array of
// dt; nil where their values are not of dt's kind.
func (r *winResult) takeArray(dt arrow.DataType) arrow.Array {
	if dt.ID() == arrow.NULL {
		return array.NewNull(r.n)
	}
	kind := kindOf(dt)
	fits := func(c *winCol) bool { return c == nil || c.kind == kind || c.kind == kindNone }
	if kind == kindNone || !fits(r.src) || !fits(r.def) {
		return nil
	}
	// Rows whose value is NULL take nothing (-1).
	valid := newBitmap(r.n)
	nulls := 0
	for i, t := range r.take {
		switch {
		case t >= 0 && r.src.ok(t) && r.src.kind != kindNone,
			t <= -2 && r.def.ok(-t-2) && r.def.kind != kindNone:
			setBit(valid, i)
			continue
		}
		r.take[i] = -1
		nulls++
	}
	if nulls == 0 {
		valid = nil
	}
	switch kind {
	case kindInt, kindTime:
		return fixedArray(dt, takeValues(r.take, r.src, r.def, func(c *winCol) []int64 { return c.i64 }), valid)
	case kindUint:
		return fixedArray(dt, takeValues(r.take, r.src, r.def, func(c *winCol) []uint64 { return c.u64 }), valid)
	case kindFloat:
		return fixedArray(dt, takeValues(r.take, r.src, r.def, func(c *winCol) []float64 { return c.f64 }), valid)
	case kindInterval:
		return fixedArray(dt, takeValues(r.take, r.src, r.def, func(c *winCol) []arrow.MonthDayNanoInterval { return c.iv }), valid)
	case kindBool:
		bits := newBitmap(r.n)
		for i, t := range r.take {
			switch {
			case t >= 0 && getBit(r.src.bits, int(t)), t <= -2 && getBit(r.def.bits, int(-t-2)):
				setBit(bits, i)
			}
		}
		return boolArray(bits, valid, r.n)
	}
	// Text.
	strs := takeValues(r.take, r.src, r.def, func(c *winCol) []string { return c.str })
	size := 0
	for _, s := range strs {
		size += len(s)
	}
	if size > math.MaxInt32 {
		return nil
	}
	offsets := make([]int32, r.n+1)
	data := make([]byte, 0, size)
	for i, s := range strs {
		data = append(data, s...)
		offsets[i+1] = int32(len(data))
	}
	return stringArray(dt, offsets, data, valid)
}

// takeValues is the values take names (the zero value for -1).
func takeValues[T any](take []int32, src, def *winCol, values func(*winCol) []T) []T {
	var sv, dv []T
	if src != nil {
		sv = values(src)
	}
	if def != nil {
		dv = values(def)
	}
	out := make([]T, len(take))
	for i, t := range take {
		switch {
		case t >= 0:
			out[i] = sv[t]
		case t <= -2:
			out[i] = dv[-t-2]
		}
	}
	return out
}
