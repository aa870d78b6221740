package exec

import (
	"fmt"
	"math"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// boolBits returns a boolean array's value and validity bitmaps, starting at
// bit 0; validity is all ones when the array has no nulls.
func boolBits(a arrow.Array) (vals, valid []byte) {
	n := a.Len()
	b := a.(*array.Boolean)
	vals = newBitmap(n)
	bitutil.CopyBitmap(b.Data().Buffers()[1].Bytes(), b.Data().Offset(), n, vals, 0)
	if valid = validity(a); valid == nil {
		valid = newBitmap(n)
		bitutil.SetBitsTo(valid, 0, int64(n), true)
	}
	return vals, valid
}

// LogicOp is AND or OR.
type LogicOp int

// The logical operators.
const (
	And LogicOp = iota
	Or
)

// Logic is AND/OR with SQL's three-valued (Kleene) logic: FALSE AND NULL is
// FALSE, TRUE OR NULL is TRUE, otherwise NULL propagates.
type Logic struct {
	Op   LogicOp
	L, R Expr
}

func (e *Logic) Type() arrow.DataType { return TypeBool }
func (e *Logic) String() string {
	op := " AND "
	if e.Op == Or {
		op = " OR "
	}
	return "(" + e.L.String() + op + e.R.String() + ")"
}

func (e *Logic) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	la, err := e.L.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer la.Release()
	lv, lok := boolBits(la)
	ra, err := e.R.Eval(c, rec)
	if err != nil {
		if ra, err = e.evalRight(c, rec, lv, lok, err); err != nil {
			return nil, err
		}
	}
	defer ra.Release()
	n := la.Len()
	rv, rok := boolBits(ra)
	vals, valid := newBitmap(n), newBitmap(n)
	for i := range vals {
		lt, lf := lok[i]&lv[i], lok[i]&^lv[i]
		rt, rf := rok[i]&rv[i], rok[i]&^rv[i]
		var t, f byte
		if e.Op == And {
			t, f = lt&rt, lf|rf
		} else {
			t, f = lt|rt, lf&rf
		}
		vals[i], valid[i] = t, t|f
	}
	return boolArray(vals, valid, n), nil
}

// Not negates a boolean; NOT NULL is NULL.
type Not struct{ X Expr }

func (e *Not) Type() arrow.DataType { return TypeBool }
func (e *Not) String() string       { return "NOT " + e.X.String() }

func (e *Not) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	a, err := e.X.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	vals, valid := boolBits(a)
	for i := range vals {
		vals[i] = ^vals[i] & valid[i]
	}
	if a.NullN() == 0 {
		valid = nil
	}
	return boolArray(vals, valid, a.Len()), nil
}

// IsNull is x IS NULL, or x IS NOT NULL with Negate. It is never NULL.
type IsNull struct {
	X      Expr
	Negate bool
}

func (e *IsNull) Type() arrow.DataType { return TypeBool }
func (e *IsNull) String() string {
	if e.Negate {
		return e.X.String() + " IS NOT NULL"
	}
	return e.X.String() + " IS NULL"
}

func (e *IsNull) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	a, err := e.X.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	n := a.Len()
	vals := newBitmap(n)
	if a.DataType().ID() == arrow.NULL {
		if !e.Negate {
			bitutil.SetBitsTo(vals, 0, int64(n), true)
		}
		return boolArray(vals, nil, n), nil
	}
	if v := validity(a); v != nil {
		copy(vals, v)
	} else {
		bitutil.SetBitsTo(vals, 0, int64(n), true)
	}
	if !e.Negate {
		for i := range vals {
			vals[i] = ^vals[i]
		}
	}
	return boolArray(vals, nil, n), nil
}

// InList is x IN (constants...), or NOT IN with Negate. As in SQL, a NULL x
// gives NULL, and a miss against a list holding NULL gives NULL.
type InList struct {
	X      Expr
	Values []any // constants of X's type (text for tags); nil for NULL
	Negate bool
	// set holds Values hashed, made by the first Eval (the list can hold
	// a subquery's million rows; every batch reads the same set).
	set atomic.Pointer[inSet]
}

// inSet is an IN list's values as a set: typed when they are all
// integers, floats or strings (no boxing per row), else by distinctKey.
type inSet struct {
	hasNull bool
	ints    map[int64]struct{}
	floats  map[float64]struct{} // -0 as 0; NaN in nan
	nan     bool
	strs    map[string]struct{}
	times   map[Timestamp]struct{}
	other   map[any]bool
}

func newInSet(values []any) *inSet {
	s := &inSet{}
	kind := ""
	for _, v := range values {
		var k string
		switch v.(type) {
		case nil:
			s.hasNull = true
			continue
		case int64:
			k = "int"
		case float64:
			k = "float"
		case string:
			k = "string"
		case Timestamp:
			k = "time"
		default:
			k = "other"
		}
		if kind == "" {
			kind = k
		} else if kind != k {
			kind = "other"
		}
	}
	switch kind {
	case "int":
		s.ints = make(map[int64]struct{}, len(values))
	case "float":
		s.floats = make(map[float64]struct{}, len(values))
	case "string":
		s.strs = make(map[string]struct{}, len(values))
	case "time":
		s.times = make(map[Timestamp]struct{}, len(values))
	default:
		s.other = make(map[any]bool, len(values))
	}
	for _, v := range values {
		switch {
		case v == nil:
		case s.ints != nil:
			s.ints[v.(int64)] = struct{}{}
		case s.floats != nil:
			f := v.(float64)
			switch {
			case math.IsNaN(f):
				s.nan = true
			case f == 0:
				s.floats[0] = struct{}{}
			default:
				s.floats[f] = struct{}{}
			}
		case s.strs != nil:
			s.strs[v.(string)] = struct{}{}
		case s.times != nil:
			s.times[v.(Timestamp)] = struct{}{}
		default:
			s.other[distinctKey(v)] = true // intervals by their span
		}
	}
	return s
}

// fastIn sets the bits of hit for a's values in set when a and the set
// are of one of the typed kinds (integers, floats, text, times); false
// otherwise.
func fastIn(a arrow.Array, set *inSet, hit []byte) bool {
	switch a := a.(type) {
	case *array.Int64:
		if set.ints == nil {
			return false
		}
		for i, x := range a.Int64Values() {
			if _, in := set.ints[x]; in {
				setBit(hit, i)
			}
		}
	case *array.Float64:
		if set.floats == nil {
			return false
		}
		for i, x := range a.Float64Values() {
			if set.hasFloat(x) {
				setBit(hit, i)
			}
		}
	case *array.String:
		if set.strs == nil {
			return false
		}
		for i := range a.Len() {
			if _, in := set.strs[a.Value(i)]; in {
				setBit(hit, i)
			}
		}
	case *array.Timestamp:
		if set.times == nil {
			return false
		}
		for i, x := range a.TimestampValues() {
			if _, in := set.times[Timestamp(x)]; in {
				setBit(hit, i)
			}
		}
	default:
		return false
	}
	return true
}

// has reports whether v (not NULL) is in the set.
func (s *inSet) has(v any) bool {
	switch {
	case s.ints != nil:
		x, ok := v.(int64)
		_, in := s.ints[x]
		return ok && in
	case s.floats != nil:
		x, ok := v.(float64)
		return ok && s.hasFloat(x)
	case s.strs != nil:
		x, ok := v.(string)
		_, in := s.strs[x]
		return ok && in
	case s.times != nil:
		x, ok := v.(Timestamp)
		_, in := s.times[x]
		return ok && in
	}
	return s.other[distinctKey(v)]
}

func (s *inSet) hasFloat(x float64) bool {
	if math.IsNaN(x) {
		return s.nan
	}
	if x == 0 {
		x = 0
	}
	_, in := s.floats[x]
	return in
}

func (e *InList) Type() arrow.DataType { return TypeBool }
func (e *InList) String() string {
	vals := make([]string, len(e.Values))
	for i, v := range e.Values {
		vals[i] = (&Literal{V: v}).String()
	}
	not := ""
	if e.Negate {
		not = "NOT "
	}
	return fmt.Sprintf("%s %sIN (%s)", e.X, not, strings.Join(vals, ", "))
}

func (e *InList) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	a, err := e.X.Eval(c, rec)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	n := a.Len()
	set := e.set.Load()
	if set == nil {
		set = newInSet(e.Values)
		e.set.Store(set) // workers racing here build equal sets
	}
	hasNull := set.hasNull
	hit := newBitmap(n)
	switch a := a.(type) {
	case *array.Dictionary:
		dict := a.Dictionary().(*array.String)
		match := make([]bool, dict.Len())
		for i := range match {
			match[i] = set.has(dict.Value(i))
		}
		for i, code := range a.Indices().(*array.Int32).Int32Values() {
			if match[code] {
				setBit(hit, i)
			}
		}
	default:
		if fastIn(a, set, hit) {
			break
		}
		get, err := valueGetter(a)
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			if v := get(i); v != nil && set.has(v) {
				setBit(hit, i)
			}
		}
	}
	valid := validity(a)
	if hasNull { // a miss is NULL, not FALSE
		if valid == nil {
			valid = newBitmap(n)
			bitutil.SetBitsTo(valid, 0, int64(n), true)
		}
		for i := range valid {
			valid[i] &= hit[i]
		}
	}
	if e.Negate {
		for i := range hit {
			hit[i] = ^hit[i]
		}
	}
	if valid != nil {
		for i := range hit {
			hit[i] &= valid[i]
		}
	}
	return boolArray(hit, valid, n), nil
}

// valueGetter returns row i's value as the Go type Literal uses.
// nullableGetter is valueGetter with nil for a NULL row.
func nullableGetter(a arrow.Array) (func(int) any, error) {
	get, err := valueGetter(a)
	if err != nil {
		return nil, err
	}
	return func(i int) any {
		if a.IsNull(i) {
			return nil
		}
		return get(i)
	}, nil
}

func valueGetter(a arrow.Array) (func(int) any, error) {
	switch a := a.(type) {
	case *array.Int64:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Uint64:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Float64:
		return func(i int) any { return a.Value(i) }, nil
	case *array.String:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Boolean:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Timestamp:
		return func(i int) any { return Timestamp(a.Value(i)) }, nil
	case *array.Dictionary:
		get := textAccessor(a)
		return func(i int) any { return get(i) }, nil
	case *array.MonthDayNanoInterval:
		return func(i int) any { return a.Value(i) }, nil
	}
	return nil, fmt.Errorf("unsupported type %v", a.DataType())
}
