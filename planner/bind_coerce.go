package planner

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/opcode"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// inputName is the PostgreSQL type a cast of text x to the type written
// as target names in its input errors when the engine holds it as another
// (integer, smallint, real, numeric); "" otherwise.
func inputName(target ast.ExprNode, x exec.Expr) string {
	if !exec.IsText(x.Type()) {
		return ""
	}
	return map[uint32]string{21: "smallint", 23: "integer", 700: "real", 1700: "numeric"}[castTargetPG(target)]
}

func sameType(a, b arrow.DataType) bool {
	if exec.IsText(a) && exec.IsText(b) {
		return true
	}
	return arrow.TypeEqual(a, b)
}

// coerce converts x to type want where PostgreSQL would do so implicitly:
// an unknown literal is read as want; NULL takes any type; integers widen to
// float8. Constants are converted now.
func (b *binder) coerce(x exec.Expr, want arrow.DataType) (exec.Expr, error) {
	if u, ok := x.(*unknownLit); ok {
		b.noteParam(u.param, want)
		if b.describe && u.param > 0 {
			return &exec.Literal{V: nil, DT: want}, nil
		}
		if exec.IsText(want) {
			return &exec.Literal{V: u.V, DT: exec.TypeText}, nil
		}
		v, err := exec.CastValue(b.ctx, u.V, want)
		if err != nil {
			if t, ok := beyondTimes(err, want); ok {
				return t, nil
			}
			return nil, errorf(castErrorCode(err), "%v", err)
		}
		return &exec.Literal{V: v, DT: want}, nil
	}
	have := x.Type()
	if sameType(have, want) {
		return x, nil
	}
	if have.ID() == arrow.NULL {
		return &exec.Literal{V: nil, DT: want}, nil
	}
	if have.ID() == arrow.INT64 && want.ID() == arrow.FLOAT64 || have.ID() == arrow.UINT64 && want.ID() == arrow.FLOAT64 {
		return b.fold(&exec.Cast{X: x, To: want})
	}
	return nil, errorf(CodeDatatype, "cannot use a value of type %s where %s is expected", exec.SQLTypeName(have), exec.SQLTypeName(want))
}

// timestampTypmod reads the precision of timestamp(p) and timestamptz(p)
// (0 to 6; more is 6, as PostgreSQL warns and does).
func timestampTypmod(t string) (int64, bool) {
	base, rest, ok := strings.Cut(t, "(")
	if !ok || (base != "timestamp" && base != "timestamptz") {
		return 0, false
	}
	p, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(rest, ")")), 10, 64)
	if err != nil || p < 0 {
		return 0, false
	}
	return min(p, 6), true
}

// castTargetPG is the narrower PostgreSQL type a cast's target names
// (int4, timestamp, numeric(10,2) ...; see pgCastTypes), 0 for others.
func castTargetPG(target ast.ExprNode) uint32 {
	v, ok := target.(*driver.ValueExpr)
	if !ok {
		return 0
	}
	t := v.GetString()
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	return pgCastTypes[t]
}

// castsToWallClock reports whether a cast's target is timestamp (without
// time zone).
func castsToWallClock(target ast.ExprNode) bool { return castTargetPG(target) == 1114 }

// wallClockLiteral reads text as a timestamp without time zone, its
// reading held as a UTC instant: any offset or zone written after the time
// is ignored, as PostgreSQL does ('now' and 'today' are the session zone's).
func (b *binder) wallClockLiteral(u *unknownLit) (exec.Expr, error) {
	return b.readingLiteral(u, exec.ParseReading)
}

// readingLiteral reads text with parse (in the session's zone).
func (b *binder) readingLiteral(u *unknownLit, parse func(string, *time.Location, time.Time) (int64, error)) (exec.Expr, error) {
	ns, err := parse(u.V.(string), b.ctx.Location, b.ctx.Now)
	if err != nil {
		if t, ok := beyondTimes(err, exec.TypeTimestamptz); ok {
			return t, nil
		}
		return nil, errorf(castErrorCode(err), "%v", strings.Replace(err.Error(), "type timestamp with time zone", "type timestamp", 1))
	}
	return &exec.Literal{V: exec.Timestamp(ns), DT: exec.TypeTimestamptz}, nil
}

// castErrorCode is the SQLSTATE of a constant's failed conversion:
// PostgreSQL's codes for bad dates and times, invalid_text_representation
// for the rest.
func castErrorCode(err error) string {
	switch msg := err.Error(); {
	case strings.HasPrefix(msg, "date/time field value out of range"):
		return "22008"
	case strings.HasPrefix(msg, "invalid input syntax for type timestamp"),
		strings.HasPrefix(msg, "invalid input syntax for type interval"), strings.HasPrefix(msg, "invalid input syntax for type date"):
		return "22007"
	case strings.Contains(msg, "out of range for type"):
		return CodeOutOfRange
	}
	return CodeInvalidText
}

// noteParam records that $n (n > 0) is read as type dt, unless an earlier
// use fixed its type; only Describe asks.
func (b *binder) noteParam(n int, dt arrow.DataType) {
	if n > 0 && b.ptypes != nil && b.ptypes[n-1] == nil {
		b.ptypes[n-1] = dt
	}
}

// knownParam is x, or when x is a $n an earlier use typed (while
// describing), $n read as that type: time >= $1 AND time < $1 + $2.
func (b *binder) knownParam(x exec.Expr) exec.Expr {
	u, ok := x.(*unknownLit)
	if !ok || u.param == 0 || b.ptypes == nil || b.ptypes[u.param-1] == nil {
		return x
	}
	if c, err := b.coerce(u, b.ptypes[u.param-1]); err == nil {
		return c
	}
	return x
}

// unify brings the operands of a comparison or arithmetic to one type.
func (b *binder) unify(l, r exec.Expr) (exec.Expr, exec.Expr, error) {
	l, r = b.knownParam(l), b.knownParam(r)
	_, lu := l.(*unknownLit)
	_, ru := r.(*unknownLit)
	switch {
	case lu && ru:
		return settle(l), settle(r), nil
	case lu && r.Type().ID() == arrow.NULL:
		return settle(l), &exec.Literal{V: nil, DT: exec.TypeText}, nil // 'x' = NULL
	case ru && l.Type().ID() == arrow.NULL:
		return &exec.Literal{V: nil, DT: exec.TypeText}, settle(r), nil
	case lu:
		l2, err := b.coerce(l, r.Type())
		return l2, r, err
	case ru:
		r2, err := b.coerce(r, l.Type())
		return l, r2, err
	}
	if rp, ok := r.(*regprocLit); ok && exec.IsText(l.Type()) {
		return l, text(rp.name), nil
	}
	if lp, ok := l.(*regprocLit); ok && exec.IsText(r.Type()) {
		return text(lp.name), r, nil
	}
	lt, rt := l.Type(), r.Type()
	if sameType(lt, rt) {
		return l, r, nil
	}
	if lt.ID() == arrow.NULL {
		return &exec.Literal{V: nil, DT: rt}, r, nil
	}
	if rt.ID() == arrow.NULL {
		return l, &exec.Literal{V: nil, DT: lt}, nil
	}
	numeric := func(t arrow.DataType) bool {
		return t.ID() == arrow.INT64 || t.ID() == arrow.FLOAT64 || t.ID() == arrow.UINT64
	}
	if numeric(lt) && numeric(rt) {
		l2, err := b.coerce(l, exec.TypeFloat)
		if err != nil {
			return nil, nil, err
		}
		r2, err := b.coerce(r, exec.TypeFloat)
		return l2, r2, err
	}
	return nil, nil, errorf(CodeUndefinedFunc, "operator does not exist: %s and %s cannot be compared or combined; add an explicit cast", exec.SQLTypeName(lt), exec.SQLTypeName(rt))
}

// commonType is the type CASE and COALESCE results take.
func (b *binder) commonType(xs []exec.Expr) (arrow.DataType, error) {
	var dt arrow.DataType
	for _, x := range xs {
		if _, ok := x.(*unknownLit); ok || x.Type().ID() == arrow.NULL {
			continue
		}
		t := x.Type()
		if exec.IsText(t) {
			t = exec.TypeText
		}
		switch {
		case dt == nil:
			dt = t
		case sameType(dt, t):
		case (dt.ID() == arrow.INT64 || dt.ID() == arrow.FLOAT64) && (t.ID() == arrow.INT64 || t.ID() == arrow.FLOAT64):
			dt = exec.TypeFloat
		default:
			return nil, fmt.Errorf("%s and %s", exec.SQLTypeName(dt), exec.SQLTypeName(t))
		}
	}
	if dt == nil {
		dt = exec.TypeText
	}
	return dt, nil
}

// volatileFuncs give another value (or act) each time they run: no
// expression holding one is folded.
var volatileFuncs = map[string]bool{"random": true, "clock_timestamp": true, "timeofday": true, "pg_cancel_backend": true, "pg_terminate_backend": true,
	"pg_sleep": true, "pg_sleep_for": true, "pg_sleep_until": true,
	"compress_chunk": true, "decompress_chunk": true, "convert_to_columnstore": true, "convert_to_rowstore": true}

// fold evaluates an expression whose inputs are all constants.
func (b *binder) fold(x exec.Expr) (exec.Expr, error) {
	if !constantTree(x) {
		return x, nil
	}
	a, err := evalConstant(b.ctx, x)
	if err != nil {
		if b.lazyFold > 0 {
			return x, nil // reached by some rows only (CASE, AND/OR, COALESCE): fails if one does
		}
		if b.describe {
			// Describing only types the statement; PostgreSQL folds
			// constants when it plans an execution, so \gdesc of
			// SELECT 1/0 succeeds and running it fails.
			return x, nil
		}
		if b.deferFold > 0 {
			return &foldError{x: x, err: AsError(err)}, nil
		}
		return nil, AsError(err)
	}
	defer a.Release()
	if a.IsNull(0) {
		return &exec.Literal{V: nil, DT: x.Type()}, nil
	}
	v, err := valueAt(a)
	if err != nil {
		return x, nil
	}
	return &exec.Literal{V: v, DT: x.Type()}, nil
}

// foldError is a constant of a derived table's, WITH query's or EXISTS's
// select list that failed to evaluate (1/0): PostgreSQL raises the error
// when it plans the query, unless the column is dropped first (no one
// reads it; EXISTS does not compute its select list). deferredFoldError
// raises it if the optimized plan still computes it; if it is somehow
// computed after all, the error is raised then.
type foldError struct {
	x   exec.Expr
	err error
}

func (f *foldError) Type() arrow.DataType                              { return f.x.Type() }
func (f *foldError) String() string                                    { return f.x.String() }
func (f *foldError) Eval(*exec.Ctx, arrow.Record) (arrow.Array, error) { return nil, f.err }

// deferredFoldError is the error of a foldError the projections of plan n
// still compute.
func deferredFoldError(n Node) error {
	if p, ok := n.(*Project); ok {
		for _, e := range p.Exprs {
			var err error
			walkExpr(e, func(x exec.Expr) {
				if f, ok := x.(*foldError); ok && err == nil {
					err = f.err
				}
			})
			if err != nil {
				return err
			}
		}
	}
	for _, c := range n.Children() {
		if err := deferredFoldError(c); err != nil {
			return err
		}
	}
	return nil
}

// evalConstant evaluates x, which reads no column, to a one-row array.
func evalConstant(c *exec.Ctx, x exec.Expr) (arrow.Array, error) {
	one := array.NewRecord(arrow.NewSchema(nil, nil), nil, 1)
	defer one.Release()
	return x.Eval(c, one)
}

// valueAt reads the one value of a as Literal holds values.
func valueAt(a arrow.Array) (any, error) {
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(0), nil
	case *array.Int64:
		return a.Value(0), nil
	case *array.Uint64:
		return a.Value(0), nil
	case *array.Float64:
		return a.Value(0), nil
	case *array.String:
		return a.Value(0), nil
	case *array.Timestamp:
		return exec.Timestamp(a.Value(0)), nil
	case *array.MonthDayNanoInterval:
		return a.Value(0), nil
	}
	return nil, fmt.Errorf("no constant of type %v", a.DataType())
}

// constantTree reports whether x reads no column.
func constantTree(x exec.Expr) bool {
	switch x := x.(type) {
	case *exec.Literal:
		return true
	case *unknownLit:
		return true
	case *exec.Column:
		return false
	case *exec.Compare:
		return constantTree(x.L) && constantTree(x.R)
	case *exec.Arith:
		return constantTree(x.L) && constantTree(x.R)
	case *exec.Logic:
		return constantTree(x.L) && constantTree(x.R)
	case *exec.Not:
		return constantTree(x.X)
	case *exec.Cast:
		return constantTree(x.X)
	case *exec.IsNull:
		return constantTree(x.X)
	case *exec.Call:
		if volatileFuncs[x.Name] {
			return false // random() < 0.5 draws per row
		}
		for _, a := range x.Args {
			if !constantTree(a) {
				return false
			}
		}
		return true
	case *rowFunc:
		if volatileFuncs[x.name] {
			return false // compress_chunk acts when run
		}
		for _, a := range x.args {
			if !constantTree(a) {
				return false
			}
		}
		return true
	case *exec.Cond:
		for _, a := range x.Args {
			if !constantTree(a) {
				return false
			}
		}
		return true
	}
	return false
}

// argTypes says how a function reads unknown literals, per argument.
var argTypes = map[string][]arrow.DataType{
	"time_bucket":         {exec.TypeInterval, exec.TypeTimestamptz, exec.TypeText, exec.TypeTimestamptz, exec.TypeInterval}, // a quoted third argument is a time zone
	"date_bin":            {exec.TypeInterval, exec.TypeTimestamptz, exec.TypeTimestamptz},
	"time_bucket_gapfill": {exec.TypeInterval, exec.TypeTimestamptz, exec.TypeTimestamptz, exec.TypeTimestamptz}, // start, finish
	"date_bin_gapfill":    {exec.TypeInterval, exec.TypeTimestamptz, exec.TypeTimestamptz},
	"date_trunc":          {exec.TypeText, exec.TypeTimestamptz, exec.TypeText},
	"date_part":           {exec.TypeText, exec.TypeTimestamptz},
	"__date_part_wall":    {exec.TypeText, exec.TypeTimestamptz},
	"to_timestamp":        {exec.TypeFloat},
	"round":               {exec.TypeFloat, exec.TypeInt},
	"power":               {exec.TypeFloat, exec.TypeFloat},
	"pow":                 {exec.TypeFloat, exec.TypeFloat},
	"log":                 {exec.TypeFloat, exec.TypeFloat},
	"sqrt":                {exec.TypeFloat},
	"ln":                  {exec.TypeFloat},
	"abs":                 {exec.TypeFloat},
	"substr":              {exec.TypeText, exec.TypeInt, exec.TypeInt},
	"substring":           {exec.TypeText, exec.TypeText, exec.TypeInt}, // an unknown pattern: the regex form
	"__substring_similar": {exec.TypeText, exec.TypeText, exec.TypeText},
	"split_part":          {exec.TypeText, exec.TypeText, exec.TypeInt},
	"width_bucket":        {exec.TypeFloat, exec.TypeFloat, exec.TypeFloat, exec.TypeInt},
	"age":                 {exec.TypeTimestamptz, exec.TypeTimestamptz},
	"atan2":               {exec.TypeFloat, exec.TypeFloat},
	"similar_to_escape":   {exec.TypeText, exec.TypeText},
	"atan2d":              {exec.TypeFloat, exec.TypeFloat},
	"pg_sleep":            {exec.TypeFloat},
	"pg_sleep_for":        {exec.TypeInterval},
	"pg_sleep_until":      {exec.TypeTimestamptz},
}

func init() {
	for _, f := range []string{"sin", "cos", "tan", "cot", "asin", "acos", "atan", "sind", "cosd", "tand", "cotd",
		"asind", "acosd", "atand", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "degrees", "radians", "cbrt"} {
		argTypes[f] = []arrow.DataType{exec.TypeFloat}
	}
}

// call resolves a scalar function, reading unknown literals as its
// parameters expect, and folds constant calls.
func (b *binder) call(name string, args []exec.Expr) (exec.Expr, error) {
	if name == "substring" && len(args) == 3 && textOrUnknown(args[1]) && textOrUnknown(args[2]) {
		// substring(s FROM pattern FOR escape), substring(s SIMILAR pattern
		// ESCAPE escape): PostgreSQL's substring(text, text, text), the
		// SQL regular expression form, where a pattern and an escape of
		// unknown type resolve (substring(s FROM 2 FOR '3') is positional).
		name = "__substring_similar"
	}
	utc := b.utc // set by wallCall for this call, not those its arguments need
	b.utc = false
	want := argTypes[name]
	if name == "to_timestamp" && len(args) == 2 {
		want = []arrow.DataType{exec.TypeText, exec.TypeText} // (text, template)
	}
	orig := append([]exec.Expr(nil), args...)
	for i, a := range args {
		if _, ok := a.(*unknownLit); ok && i < len(want) {
			c, err := b.coerce(a, want[i])
			if err != nil {
				return nil, err
			}
			args[i] = c
		} else {
			args[i] = settle(a)
		}
	}
	// Integer arguments where a function computes in float8.
	if w := want; w != nil {
		for i := range args {
			if i < len(w) && w[i].ID() == arrow.FLOAT64 && args[i].Type().ID() == arrow.INT64 && name != "abs" && !(name == "round" && len(args) == 2) {
				c, err := b.coerce(args[i], exec.TypeFloat)
				if err != nil {
					return nil, err
				}
				args[i] = c
			}
		}
	}
	c, err := exec.NewCall(name, args)
	if err == nil {
		c.UTC, b.utc = utc, false
	}
	if err != nil {
		alt, ok, err2 := b.callUnknownArgs(name, orig, args, want)
		if err2 != nil {
			return nil, err2
		}
		if !ok {
			return nil, errorf(CodeUndefinedFunc, "%v", err)
		}
		c = alt
	}
	if name == "age" && len(args) == 1 {
		// age(x) is from today's midnight: folded with the expressions
		// around it, so the plan is not kept for later runs (nor is it
		// when its text names the clock: now(), current_date, ...).
		b.volatile = true
	}
	if name == "now" || name == "age" && len(args) == 1 || volatileFuncs[name] {
		return c, nil // read the clock (or draw) when run, not when planned
	}
	return b.fold(c)
}

// textOrUnknown reports whether x is text, NULL, or an untyped literal or
// $n.
func textOrUnknown(x exec.Expr) bool {
	if _, ok := x.(*unknownLit); ok {
		return true
	}
	return exec.IsText(x.Type()) || x.Type().ID() == arrow.NULL
}

// unknownArgTypes are the types an untyped literal or $n may take when a
// function has no call with all of them as text: left(s, $1) takes an
// integer, as PostgreSQL resolves it from the function's signature.
// float8 comes before bigint: floor($1) must not truncate 2.5 (a
// function that takes only integers refuses float8 and gets bigint next).
var unknownArgTypes = []arrow.DataType{exec.TypeText, exec.TypeFloat, exec.TypeInt, exec.TypeTimestamptz, exec.TypeInterval, exec.TypeBool}

// callUnknownArgs retries a call that does not resolve with its untyped
// arguments (orig[i] unknownLit that want leaves untyped or reads as text)
// read as text: the first combination of other types that resolves and
// that the literals' values convert to. ok is false when there is none.
func (b *binder) callUnknownArgs(name string, orig, args []exec.Expr, want []arrow.DataType) (*exec.Call, bool, error) {
	var open []int
	for i := range orig {
		if _, ok := orig[i].(*unknownLit); ok && (i >= len(want) || exec.IsText(want[i])) {
			open = append(open, i)
		}
	}
	if len(open) == 0 || len(open) > 3 {
		return nil, false, nil
	}
	try := append([]exec.Expr(nil), args...)
	choice := make([]int, len(open))
	for {
		fits := true
		for k, i := range open {
			u := orig[i].(*unknownLit)
			dt := unknownArgTypes[choice[k]]
			v := any(nil)
			if !(b.describe && u.param > 0) {
				var err error
				if v, err = exec.CastValue(b.ctx, u.V, dt); err != nil {
					fits = false
					break
				}
			}
			try[i] = &exec.Literal{V: v, DT: dt}
		}
		if fits {
			if _, err := exec.NewCall(name, try); err == nil {
				for k, i := range open {
					if u := orig[i].(*unknownLit); u.param > 0 && b.ptypes != nil && b.ptypes[u.param-1] != nil && exec.IsText(b.ptypes[u.param-1]) {
						b.ptypes[u.param-1] = nil // the text this call first read it as
					}
					c, err := b.coerce(orig[i], unknownArgTypes[choice[k]])
					if err != nil {
						return nil, false, err
					}
					try[i] = c
				}
				c, err := exec.NewCall(name, try)
				return c, err == nil, nil
			}
		}
		// Next combination, the first argument's type varying fastest.
		k := 0
		for k < len(choice) && choice[k] == len(unknownArgTypes)-1 {
			choice[k] = 0
			k++
		}
		if k == len(choice) {
			return nil, false, nil
		}
		choice[k]++
	}
}

// elementArray is element x of array || element as a one-element array's
// text ({NULL} for a NULL value); ok is false for quoted literals and
// untyped NULLs, which stand for arrays.
func (b *binder) elementArray(s *scope, e ast.ExprNode, x exec.Expr) (exec.Expr, bool, error) {
	if _, ok := x.(*unknownLit); ok || x.Type().ID() == arrow.NULL {
		return nil, false, nil
	}
	t, ok, err := b.wallClockText(s, e, x)
	if err != nil {
		return nil, true, err
	}
	if !ok {
		t = x
		if !exec.IsText(x.Type()) {
			t = outputText(x) // an element's text, as in an array: t, not true
		}
	}
	return &rowFunc{name: "array", args: []exec.Expr{t}, dt: exec.TypeText, fn: func(v []any) (any, error) {
		if v[0] == nil {
			return formatArrayText([]*string{nil}), nil
		}
		str := v[0].(string)
		return formatArrayText([]*string{&str}), nil
	}}, true, nil
}

// charTypmod reads the length of varchar(n) and bpchar(n) (char(n); the
// dialect layer spells char as bpchar(1)) and whether the type is
// blank-padded; n is 0 for bpchar without a length.
func charTypmod(typ string) (n int, blank, ok bool) {
	t := strings.ReplaceAll(strings.ToLower(typ), " ", "")
	if t == "bpchar" {
		return 0, true, true
	}
	name, mods, has := strings.Cut(t, "(")
	if !has || name != "varchar" && name != "bpchar" && name != "charactervarying" && name != "character" {
		return 0, false, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(mods, ")"))
	if err != nil || n < 1 {
		return 0, false, false
	}
	return n, name == "bpchar" || name == "character", true
}

// charLength is an explicit cast to varchar(n) or char(n): the first n
// characters (all for n 0), as PostgreSQL. A char(n) is held without its
// trailing blanks: PostgreSQL pads it to n but drops the padding wherever
// the value meets text (||, comparisons, length, functions, ::text), so
// 'a '::char(3) = 'a' and length('a'::char(3)) is 1; only its display of a
// bare char(n) value keeps the blanks (Strata writes it without them).
func charLength(x exec.Expr, n int, blank bool) exec.Expr {
	name := "varchar"
	if blank {
		name = "bpchar"
	}
	return &rowFunc{name: name, args: []exec.Expr{x}, dt: exec.TypeText, strict: true, fn: func(v []any) (any, error) {
		s := v[0].(string)
		if n > 0 && utf8.RuneCountInString(s) > n {
			k := 0
			for i := range s {
				if k == n {
					s = s[:i]
					break
				}
				k++
			}
		}
		if blank {
			s = strings.TrimRight(s, " ")
		}
		return s, nil
	}}
}

// isTextValued reports a text-typed argument other than an unknown-typed
// literal (which still takes its parameter's type).
// isZoneLiteral reports whether x is a quoted literal naming a time zone
// ('Europe/Berlin'): PostgreSQL resolves an untyped literal to text where
// a function also takes text there, as time_bucket_gapfill's time zone.
func isZoneLiteral(x exec.Expr) bool {
	u, ok := x.(*unknownLit)
	if !ok || u.param != 0 {
		return false
	}
	s, ok := u.V.(string)
	if !ok {
		return false
	}
	_, err := exec.LoadZone(s)
	return err == nil
}

func isTextValued(x exec.Expr) bool {
	if _, ok := x.(*unknownLit); ok {
		return false
	}
	return exec.IsText(x.Type())
}

// dateTimeOfDay are the units (exec.TimeUnit's names) extract does not
// take from a date.
var dateTimeOfDay = map[string]bool{
	"hour": true, "minute": true, "second": true, "milliseconds": true, "microseconds": true,
	"timezone": true, "timezone_hour": true, "timezone_minute": true,
}

// castFuncs are the type names PostgreSQL also calls as functions.
var castFuncs = map[string]bool{
	"int2": true, "int4": true, "int8": true, "float4": true, "float8": true, "numeric": true,
	"bool": true, "text": true, "date": true, "timestamp": true,
	"timestamptz": true, "interval": true,
}

// funcCall binds a function call, including package sql's markers.
func (b *binder) funcCall(s *scope, e *ast.FuncCallExpr, h hook) (exec.Expr, error) {
	name := e.FnName.L
	if x, ok, err := b.jsonArrowCall(s, e, h); ok {
		return x, err
	}
	if name == sql.MarkerPipe {
		return nil, &Error{Code: CodeUndefinedFunc, Msg: "operator does not exist: -> applies a Timescale Toolkit accessor to a summary, and this is not one",
			Hint: "write time_weight('Linear', time, value) -> average(); for JSON, -> takes a json or jsonb value on its left"}
	}
	if _, _, _, isAgg := aggregateCall(e); isAgg {
		return nil, errorf(CodeGrouping, "aggregate function %s is not allowed here", name)
	}
	args := make([]exec.Expr, len(e.Args))
	bindArgs := func(from int) error {
		for i := from; i < len(e.Args); i++ {
			x, err := b.bindNode(s, e.Args[i], h)
			if err != nil {
				return err
			}
			args[i] = x
		}
		return nil
	}
	if x, ok, err := influxFunction(e); ok {
		if err != nil {
			return nil, err
		}
		return b.bindNode(s, x, h)
	}
	if castFuncs[name] && len(e.Args) == 1 && !exec.HasFunction(name) {
		// int8(x), float8(x), text(x), ...: PostgreSQL's type-named cast
		// functions, a cast.
		cast := &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr("__pg_cast"),
			Args: []ast.ExprNode{e.Args[0], ast.NewValueExpr(name, "", "")}}
		return b.funcCall(s, cast, h)
	}
	if name == sql.MarkerOp {
		if x, ok := pgOtherOperator(e); ok {
			return b.bindNode(s, x, h) // #, ^@, |/, ||/, @
		}
		return b.jsonOperator(s, e, h)
	}
	if x, ok, err := b.jsonFunc(s, e, name, h); ok {
		return x, err
	}
	if fn, ok := sessionFuncs[name]; ok {
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		return b.sessionFunc(name, fn, args)
	}
	switch name {
	case sql.MarkerRowRef:
		// count(t.*): 1 where FROM item t has a row (some column of it is
		// not NULL), NULL where an outer join found none.
		alias := ""
		if v, ok := e.Args[0].(*driver.ValueExpr); ok {
			alias = v.GetString()
		}
		var cols []exec.Expr
		for _, c := range s.cols {
			if c.table == alias {
				cols = append(cols, s.ref(c))
			}
		}
		if len(cols) == 0 {
			return nil, errorf(CodeUndefinedTable, "missing FROM-clause entry for table %q", alias)
		}
		return &rowFunc{name: "row", args: cols, dt: exec.TypeInt, fn: func(v []any) (any, error) {
			for _, x := range v {
				if x != nil {
					return int64(1), nil
				}
			}
			return nil, nil
		}}, nil
	case "__pg_cast":
		x, err := func() (exec.Expr, error) {
			if err := bindArgs(0); err != nil {
				return nil, err
			}
			if v, ok := e.Args[1].(*driver.ValueExpr); ok && strings.HasPrefix(v.GetString(), "reg") {
				return b.regCast(args[0], v.GetString())
			}
			if v, ok := e.Args[1].(*driver.ValueExpr); ok && strings.HasSuffix(v.GetString(), "[]") {
				return b.castArray(args[0], strings.TrimSuffix(v.GetString(), "[]"))
			}
			if v, ok := e.Args[1].(*driver.ValueExpr); ok && strings.HasPrefix(v.GetString(), "interval ") {
				return b.qualifiedInterval(args[0], strings.TrimPrefix(v.GetString(), "interval "))
			}
			if v, ok := e.Args[1].(*driver.ValueExpr); ok && v.GetString() == "jsonpath" {
				// Held as its text, checked (at once when constant).
				x, err := b.jsonPathOperand(args[0])
				if err != nil {
					return nil, err
				}
				if x, err = b.call("__jsonpath_in", []exec.Expr{x}); err != nil {
					return nil, err
				}
				return jsonTyped(x, pgJSONPath), nil
			}
			to, err := castTarget(e.Args[1])
			if err != nil {
				return nil, err
			}
			if v, ok := e.Args[1].(*driver.ValueExpr); ok && !b.describe {
				if n, over := precisionWarning(v.GetString()); over {
					b.sess.notify(n)
				}
			}
			if v, ok := e.Args[1].(*driver.ValueExpr); ok && v.GetString() == "date" {
				return b.castDate(args[0], (&selectBinder{b: b, in: s}).pgTypeOf(e.Args[0], args[0]))
			}
			if v, ok := e.Args[1].(*driver.ValueExpr); ok {
				if p, isTime := timePrecision(v.GetString()); isTime {
					return b.castTime(s, e.Args[0], args[0], p)
				}
				switch v.GetString() {
				case "json":
					return b.castJSON(s, e.Args[0], args[0], pgJSON)
				case "jsonb":
					return b.castJSON(s, e.Args[0], args[0], pgJSONB)
				}
				if x, ok, err := b.castFromJSONB(s, e.Args[0], args[0], to, v.GetString()); ok {
					return x, err
				}
			}
			x := args[0]
			if r, ok := x.(*regprocLit); ok {
				if exec.IsText(to) {
					return text(r.name), nil // 'x'::regclass::text is the name
				}
				x = integer(r.V.(int64)) // ::oid, ::int: the OID
			}
			if r, ok := x.(*rowFunc); ok && regTypePG[r.name] != 0 && len(r.args) > 0 && r.args[0].Type().ID() == arrow.INT64 && !exec.IsText(to) {
				x = r.args[0] // a name found per row (n::regclass::oid) or an OID: the OID
			}
			if a, ok := x.(*arrayLit); ok && exec.IsText(to) {
				// A constant array as text: its text form.
				t, err := b.textArray(a)
				if err != nil {
					return nil, err
				}
				return &rowFunc{name: "text", args: []exec.Expr{t}, dt: exec.TypeText, strict: true,
					fn: func(v []any) (any, error) { return v[0], nil }}, nil
			}
			if u, ok := x.(*unknownLit); ok && !(b.describe && u.param > 0) && castsToWallClock(e.Args[1]) {
				return b.wallClockLiteral(u)
			}
			if isTextValued(x) && castsToWallClock(e.Args[1]) {
				return b.call("__parse_wall_clock", []exec.Expr{x}) // the reading, offset ignored
			}
			if u, ok := x.(*unknownLit); ok || x.Type().ID() == arrow.NULL {
				if ok && u.param > 0 && b.ppg != nil && b.ptypes[u.param-1] == nil {
					// $n::int4: Describe reports int4, as PostgreSQL does.
					b.ppg[u.param-1] = narrowPG(castTargetPG(e.Args[1]), to)
				}
				x, err := b.coerce(x, to)
				if pe, ok := err.(*Error); ok {
					pe.Msg = exec.NameInputType(pe.Msg, inputName(e.Args[1], args[0]))
				}
				return x, err
			}
			if exec.IsText(to) {
				if t, ok, err := b.wallClockText(s, e.Args[0], x); ok || err != nil {
					return t, err
				}
				if t, ok := b.numberText(s, e.Args[0], x); ok {
					return t, nil // 1.50::text is 1.50, 0.3::real's 0.3
				}
			}
			if x.Type().ID() == arrow.TIMESTAMP && to.ID() == arrow.TIMESTAMP {
				// timestamp <-> timestamptz (and date -> timestamp)
				// convert through the session's zone.
				from := timeKindOf((&selectBinder{b: b, in: s}).pgTypeOf(e.Args[0], x))
				target := timeKindOf(castTargetPG(e.Args[1])) // timestamptz's is 0 (date and time are cast above)
				if target == 1114 || target == 1184 {
					if x, err = b.convertTime(x, from, target); err != nil {
						return nil, err
					}
					return x, nil
				}
			}
			if sameType(x.Type(), to) {
				if t, ok := x.(pgTyped); ok && t.pgType() != 0 {
					// reg* and arrays held as text, cast to text: the text
					// form, now of type text.
					return &rowFunc{name: "text", args: []exec.Expr{x}, dt: x.Type(), strict: true,
						fn: func(v []any) (any, error) { return v[0], nil }}, nil
				}
				if exec.IsText(to) && !arrow.TypeEqual(x.Type(), to) {
					return &exec.Cast{X: x, To: exec.TypeText}, nil
				}
				return x, nil
			}
			if to.ID() == arrow.INT64 {
				numeric := b.isNumeric(s, e.Args[0], x)
				if numeric {
					x = numericRound(x)
				}
				if x, err = b.floatInt(x, castTargetPG(e.Args[1]), numeric); err != nil {
					return nil, err
				}
			}
			if !exec.CanCast(x.Type(), to) {
				hint := ""
				if x.Type().ID() == arrow.TIMESTAMP && !exec.IsText(to) {
					hint = "for seconds since 1970-01-01 use extract(epoch from x)"
				}
				name := exec.SQLTypeName(to)
				if oid, ok := pgCastTypes[strings.ToLower(constText(e.Args[1]))]; ok {
					name = formatTypeName(int64(oid), -1)
				}
				return nil, &Error{Code: CodeCannotCoerce, Msg: fmt.Sprintf("cannot cast type %s to %s", exec.SQLTypeName(x.Type()), name), Hint: hint}
			}
			return b.fold(&exec.Cast{X: x, To: to, Input: inputName(e.Args[1], x)})
		}()
		if err != nil {
			return nil, err
		}
		if v, ok := e.Args[1].(*driver.ValueExpr); ok && exec.IsText(x.Type()) {
			if n, blank, ok := charTypmod(v.GetString()); ok {
				return b.fold(charLength(x, n, blank))
			}
		}
		if x.Type().ID() == arrow.INT64 {
			// ::int2 and ::int4 are held as bigint: their range is checked,
			// text's with the input function's words.
			in := ""
			if _, u := args[0].(*unknownLit); u || exec.IsText(args[0].Type()) {
				in = "_in"
			}
			switch castTargetPG(e.Args[1]) {
			case 21:
				return b.call("__int2"+in, []exec.Expr{x})
			case 23:
				return b.call("__int4"+in, []exec.Expr{x})
			}
		}
		if v, ok := e.Args[1].(*driver.ValueExpr); ok && x.Type().ID() == arrow.TIMESTAMP {
			if p, ok := timestampTypmod(v.GetString()); ok {
				// timestamp(p): fractional seconds rounded to p digits.
				return b.call("__round_time", []exec.Expr{x, integer(p)})
			}
		}
		if x.Type().ID() == arrow.FLOAT64 && castTargetPG(e.Args[1]) == 700 {
			// ::real is held as float8 rounded to single precision.
			return b.call("__float4", []exec.Expr{x})
		}
		if x.Type().ID() == arrow.FLOAT64 && castTargetPG(e.Args[1]) == 1700 {
			// A float's numeric is of its own significant digits, 6 of a
			// real's, 15 of a float8's (1::float8/3 is 0.333333333333333).
			from := (&selectBinder{b: b, in: s}).pgTypeOf(e.Args[0], x)
			fn := map[uint32]string{700: "__float4_numeric", 0: "__float8_numeric", 701: "__float8_numeric"}[from]
			if fn != "" {
				if x, err = b.call(fn, []exec.Expr{x}); err != nil {
					return nil, err
				}
			}
		}
		if v, ok := e.Args[1].(*driver.ValueExpr); ok && x.Type().ID() == arrow.FLOAT64 {
			if prec, places, ok := numericTypmod(v.GetString()); ok {
				// numeric(p, s) holds s places: the value rounds to them,
				// and must then have at most p - s digits before the point.
				r, err := b.call("round", []exec.Expr{x, integer(int64(places))})
				if err != nil {
					return nil, err
				}
				if prec > 0 {
					return b.fold(numericFieldCheck(r, prec, places))
				}
				return r, nil
			}
		}
		return x, nil
	case "__pg_extract", "date_part":
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		var pg uint32
		if len(e.Args) == 2 {
			pg = (&selectBinder{b: b, in: s}).pgTypeOf(e.Args[1], args[1])
		}
		if u, ok := args[0].(*unknownLit); ok && name == "__pg_extract" && dateTimeOfDay[exec.TimeUnit(strings.ToLower(fmt.Sprint(u.V)))] && pg == 1082 {
			// extract(hour FROM date) has no answer (date_part casts the
			// date to a timestamp and answers 0).
			return nil, errorf(CodeNotSupported, "unit %q not supported for type date", strings.ToLower(fmt.Sprint(u.V)))
		}
		if u, ok := args[0].(*unknownLit); ok && (pg == 1114 || pg == 1082) && strings.HasPrefix(exec.TimeUnit(strings.ToLower(fmt.Sprint(u.V))), "timezone") {
			// A time without a zone has no offset to give (date_part of a
			// date reads it as such a timestamp).
			return nil, errorf(CodeNotSupported, "unit %q not supported for type timestamp without time zone", strings.ToLower(fmt.Sprint(u.V)))
		}
		if pg == pgTime {
			if err := checkTimeField(args[0]); err != nil {
				return nil, err
			}
		}
		if pg == 1114 {
			return b.wallCall("date_part", args) // the reading's fields
		}
		if pg == 1082 {
			// A date's epoch counts its midnight as if in UTC, whatever
			// the session's time zone.
			return b.call("__date_part_wall", args)
		}
		return b.call("date_part", args)
	case "__pg_regex":
		if f, ok := e.Args[1].(*ast.FuncCallExpr); ok && len(e.Args) == 3 && (f.FnName.L == sql.MarkerAny || f.FnName.L == sql.MarkerAll) {
			x, err := quantifiedPattern(f, "~", func(p ast.ExprNode) ast.ExprNode {
				return &ast.FuncCallExpr{FnName: e.FnName, Args: []ast.ExprNode{e.Args[0], p, e.Args[2]}}
			})
			if err != nil {
				return nil, err
			}
			return b.bindNode(s, x, h)
		}
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		flags := ""
		if l, ok := args[2].(*unknownLit); ok {
			flags = l.V.(string)
		}
		fn := map[string]string{"": "regex_match", "i": "regex_imatch", "!": "regex_not_match", "i!": "regex_not_imatch"}[flags]
		args[0] = b.padded(s, e.Args[0], args[0]) // a character(n)'s blanks are matched
		return b.call(fn, args[:2])
	case "coalesce", "ifnull", "nullif", "greatest", "least":
		if name == "coalesce" || name == "ifnull" {
			// Arguments after the first are reached only by some rows.
			if len(e.Args) == 0 {
				return nil, errorf(CodeUndefinedFunc, "function %s needs an argument", name)
			}
			var err error
			if args[0], err = b.bindNode(s, e.Args[0], h); err != nil {
				return nil, err
			}
			b.lazyFold++
			err = bindArgs(1)
			b.lazyFold--
			if err != nil {
				return nil, err
			}
		} else if err := bindArgs(0); err != nil {
			return nil, err
		}
		kind := map[string]exec.CondKind{"coalesce": exec.Coalesce, "ifnull": exec.Coalesce, "nullif": exec.NullIf, "greatest": exec.Greatest, "least": exec.Least}[name]
		if kind != exec.NullIf {
			if err := b.heldPeers(s, strings.ToUpper(name), e.Args, args, nil); err != nil {
				return nil, err
			}
		} else if ok, err := b.heldArrays(s, "NULLIF", e.Args, args); err != nil {
			return nil, err
		} else if !ok && len(args) == 2 { // (nullif of arrays: '{2}' beside one is one, heldArrays)
			// nullif(a, b) compares with =: a constant b is read as a's
			// type (jsonb, time).
			if args[1], err = b.heldPeer(s, e.Args[0], args[0], args[1]); err != nil {
				return nil, err
			}
			if _, u := args[0].(*unknownLit); u && (&selectBinder{b: b, in: s}).pgTypeOf(e.Args[1], args[1]) == 700 {
				// nullif('0.1', x) of a real x: a real, compared and returned.
				if args[0], err = b.asFloat4(args[0]); err != nil {
					return nil, err
				}
			}
			if b.jsonOf(s, e.Args[0], args[0]) == pgJSONB && b.jsonOf(s, e.Args[1], args[1]) == pgJSONB {
				x, err := b.call("__jsonb_nullif", []exec.Expr{args[0], settle(args[1])}) // equal by value
				return jsonTyped(x, pgJSONB), err
			}
		}
		if kind == exec.Greatest || kind == exec.Least {
			for i, a := range args {
				if b.jsonOf(s, e.Args[i], a) == pgJSONB {
					return nil, notSupported(strings.ToUpper(name) + " of jsonb values")
				}
			}
			if x, ok, err := b.arrayGreatest(kind, args); ok { // in the elements' order
				return x, err
			}
		}
		if kind == exec.NullIf && len(args) != 2 {
			return nil, errorf(CodeUndefinedFunc, "function nullif takes two arguments")
		}
		dt, err := b.commonType(args)
		if err != nil {
			return nil, errorf(CodeDatatype, "%s types %v cannot be matched", strings.ToUpper(name), err)
		}
		for i := range args {
			if args[i], err = b.coerce(args[i], dt); err != nil {
				return nil, err
			}
		}
		x, err := b.fold(&exec.Cond{Kind: kind, Args: args, DT: dt})
		return typedLike(x, args), err
	case "now", "current_timestamp", "localtimestamp", "statement_timestamp", "transaction_timestamp":
		b.volatile = true
		nanos := b.ctx.Now.UnixNano()
		if len(e.Args) > 0 {
			// current_timestamp(p), localtimestamp(p): rounded to p
			// digits after the second (half up), as PostgreSQL rounds.
			v, ok := e.Args[0].(*driver.ValueExpr)
			if len(e.Args) > 1 || !ok || v.Kind() != driver.KindInt64 || name != "current_timestamp" && name != "localtimestamp" {
				return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function %s(%s) does not exist", name, strings.Repeat("integer, ", len(e.Args)-1)+"integer"),
					Hint: "only CURRENT_TIMESTAMP and LOCALTIMESTAMP take an argument: the number of digits after the second"}
			}
			p := v.GetInt64()
			if p < 0 {
				return nil, errorf("22023", "%s(%d) precision must not be negative", strings.ToUpper(name), p)
			}
			unit := int64(1000)
			for ; p < 6; p++ {
				unit *= 10
			}
			micros := nanos / 1000 * 1000
			nanos = (micros + unit/2) / unit * unit
		}
		if name == "localtimestamp" {
			// timestamp without time zone: the session zone's reading
			reading := exec.Reading(time.Unix(0, nanos), b.ctx.Location).UnixNano()
			return &typedExpr{x: &exec.Literal{V: exec.Timestamp(reading), DT: exec.TypeTimestamptz}, pg: 1114}, nil
		}
		now := &exec.Literal{V: exec.Timestamp(nanos), DT: exec.TypeTimestamptz}
		return now, nil
	case "localtime":
		// The statement's time of day in the session's time zone
		// (localtime(p): rounded to p digits).
		b.volatile = true
		if len(e.Args) > 1 {
			return nil, errorf(CodeSyntax, "LOCALTIME takes at most a precision")
		}
		prec := -1
		if len(e.Args) == 1 {
			v, ok := e.Args[0].(*driver.ValueExpr)
			if !ok || v.Kind() != driver.KindInt64 {
				return nil, errorf(CodeSyntax, "LOCALTIME's precision must be an integer constant")
			}
			prec = int(v.GetInt64())
		}
		now := &exec.Literal{V: exec.Timestamp(b.ctx.Now.UnixNano()), DT: exec.TypeTimestamptz}
		return b.castTime(s, nil, now, prec)
	case "current_time", "curtime":
		return nil, &Error{Code: CodeNotSupported, Msg: "CURRENT_TIME (time with time zone) is not supported yet",
			Hint: "LOCALTIME is the time of day without a time zone; now() the timestamp with one."}
	case "current_date", "curdate":
		// The day the statement started in, in the session's time zone.
		b.volatile = true
		if len(e.Args) != 0 {
			return nil, errorf(CodeSyntax, "CURRENT_DATE takes no arguments")
		}
		return b.castDate(&exec.Literal{V: exec.Timestamp(b.ctx.Now.UnixNano()), DT: exec.TypeTimestamptz}, 0)
	case "grouping":
		// Reached only outside a grouped query's select list, HAVING and
		// ORDER BY (selectBinder.postAgg binds it there).
		return nil, errorf(CodeGrouping, "arguments to GROUPING must be grouping expressions of the associated query level")
	case "concat", "concat_ws":
		if min := map[string]int{"concat": 1, "concat_ws": 2}[name]; len(e.Args) < min {
			return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function %s() with %d arguments does not exist", name, len(e.Args)),
				Hint: fmt.Sprintf("%s takes at least %d arguments.", name, min)}
		}
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		if err := b.wallClockArgs(s, e.Args, args); err != nil {
			return nil, err
		}
		if err := b.arraysAsText(args); err != nil {
			return nil, err
		}
		return b.call(name, args)
	case "mod": // a call (named mod), computed as a % b
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		if len(args) != 2 {
			return nil, errorf(CodeUndefinedFunc, "function mod takes two arguments")
		}
		return b.arith(exec.Mod, args[0], args[1])
	case "__pg_power": // a ^ b
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		return b.call("power", args)
	case "__pg_concat": // a || b: NULL if either side is NULL
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		if x, ok, err := b.jsonbConcat(s, e.Args, args); ok {
			return x, err
		}
		if la, ra := b.isArrayArg(s, e.Args[0], args[0]), b.isArrayArg(s, e.Args[1], args[1]); la || ra {
			for i, a := range args {
				if isArr := []bool{la, ra}[i]; !isArr {
					// array || element, element || array: the element as a
					// one-element array (a quoted literal is read as an
					// array, as PostgreSQL reads it).
					if w, ok, err := b.elementArray(s, e.Args[i], a); ok || err != nil {
						if err != nil {
							return nil, err
						}
						args[i] = w
						continue
					}
				}
				if t, err := b.asTextArray(a); err == nil {
					args[i] = t
				}
			}
			return b.runtimeArrayFunc("array_cat", args)
		}
		if err := b.wallClockArgs(s, e.Args, args); err != nil {
			return nil, err
		}
		return b.call("textcat", args)
	case "round":
		if len(e.Args) == 1 {
			if err := bindArgs(0); err != nil {
				return nil, err
			}
			if b.isNumeric(s, e.Args[0], args[0]) {
				return numericRound(args[0]), nil
			}
			return b.call(name, args)
		}
	case "gcd", "lcm":
		if len(e.Args) == 2 {
			if err := bindArgs(0); err != nil {
				return nil, err
			}
			q := &selectBinder{b: b, in: s}
			l, r := q.pgTypeOf(e.Args[0], args[0]), q.pgTypeOf(e.Args[1], args[1])
			if (l == 21 || l == 23) && (r == 21 || r == 23) {
				return b.call("__"+name+"4", args) // integer: its range
			}
			return b.call(name, args)
		}
	case "to_hex":
		if len(e.Args) == 1 {
			if err := bindArgs(0); err != nil {
				return nil, err
			}
			if t := (&selectBinder{b: b, in: s}).pgTypeOf(e.Args[0], args[0]); t == 21 || t == 23 {
				// to_hex(integer) writes the 32 bits (-1 is ffffffff).
				x, err := b.call("__bitand", []exec.Expr{args[0], &exec.Literal{V: int64(math.MaxUint32), DT: exec.TypeInt}})
				if err != nil {
					return nil, err
				}
				args[0] = x
			}
			return b.call(name, args)
		}
	case "to_char":
		if len(e.Args) == 2 {
			if err := bindArgs(0); err != nil {
				return nil, err
			}
			if b.isNumeric(s, e.Args[0], args[0]) {
				// numeric rounds half away from zero on the decimal value;
				// float8 (the default for floats) as printf does.
				return b.call("__to_char_numeric", args)
			}
			if args[0].Type().ID() == arrow.TIMESTAMP {
				if (&selectBinder{b: b, in: s}).pgTypeOf(e.Args[0], args[0]) == 1114 {
					return b.wallCall("__to_char_wall", args) // the reading's fields, no zone to print
				}
			}
			return b.call(name, args)
		}
	case "pg_typeof":
		if len(e.Args) != 1 {
			return nil, errorf(CodeUndefinedFunc, "function pg_typeof takes one argument")
		}
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		return b.pgTypeofExpr(s, e.Args[0], args[0]), nil
	case sql.MarkerOverlaps:
		if len(e.Args) != 2 {
			return nil, errorf(CodeSyntax, "malformed OVERLAPS")
		}
		return b.overlaps(s, e, h)
	case "__pg_array_subquery":
		if len(e.Args) != 1 {
			return nil, errorf(CodeSyntax, "malformed ARRAY(subquery)")
		}
		return b.arraySubquery(s, e.Args[0])
	case "__pg_subscript", "__pg_slice":
		if x, ok, err := b.jsonSubscript(s, e, h); ok {
			return x, err
		}
	}
	if fn, ok := plannerFuncs[name]; ok {
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		switch {
		case name == "format" && len(args) > 1:
			if err := b.wallClockArgs(s, e.Args[1:], args[1:]); err != nil {
				return nil, err
			}
			if err := b.arraysAsText(args[1:]); err != nil {
				return nil, err
			}
		case name == "quote_literal" || name == "quote_nullable":
			// A date or timestamp argument is quoted as its own text.
			if err := b.wallClockArgs(s, e.Args, args); err != nil {
				return nil, err
			}
		}
		b.volatile = true
		return fn(b, args)
	}
	if editArrayFuncs[name] {
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		return b.editArray(name, args)
	}
	switch name {
	case "current_schemas", "__pg_array", "__pg_percentiles", "__pg_any", "__pg_all", "__pg_subscript", "__pg_slice", "array_upper", "array_length", "array_lower", "_pg_expandarray", "__pg_field",
		"array_to_string", "cardinality":
		if err := bindArgs(0); err != nil {
			if pe := AsError(err); pe.Code == CodeNotSupported && strings.HasPrefix(name, "__pg_") {
				// An array from something unsupported (array_agg ...).
				return nil, notSupported(markerFeature(name))
			}
			return nil, err
		}
		if name == "__pg_percentiles" { // percentile_cont(ARRAY[...]) WITHIN GROUP (...), package sql's rewrite
			return b.runtimeArray(args, b.sharedPG(s, e.Args, args), true)
		}
		if name == "__pg_array" {
			if err := b.alignTimes(s, e.Args, args); err != nil {
				return nil, err
			}
			if elem := b.sharedPG(s, e.Args, args); elem == 1042 {
				// character(n) elements show their blanks, constants
				// ('a'::char(3)) too: a character[].
				for i := range args {
					args[i] = b.padded(s, e.Args[i], args[i])
				}
				return b.runtimeArray(args, elem, false)
			}
		}
		if x, ok, err := b.arrayFunc(name, args); ok {
			if name == "__pg_array" && isNotSupported(err) {
				return b.runtimeArray(args, b.sharedPG(s, e.Args, args), false) // ARRAY[a, b] over columns or aggregates
			}
			if a, isLit := x.(*arrayLit); isLit && err == nil && a.pg == 0 && a.dt.ID() == arrow.TIMESTAMP {
				a.pg = b.wallClockElems(s, e.Args, args) // ARRAY[date, ...]
			}
			if a, isLit := x.(*arrayLit); isLit && err == nil && name == "__pg_array" && a.dt.ID() != arrow.TIMESTAMP {
				a.pg = b.constArrayPG(s, e.Args, args, a.dt) // int2[], int8[], float4[], varchar[]
				if err := a.checkIntRange(); err != nil {
					return nil, err // ARRAY[1, $1] with $1 beyond an int4 (sent as one)
				}
			}
			return x, err
		}
		x, _, err := b.expandArray(name, args)
		return x, err
	case "__pg_at_time_zone", "timezone", "tz":
		if name == "tz" && len(e.Args) == 1 {
			// InfluxDB 3's tz(time [, zone]): the reading in zone, UTC's
			// when none is given; x AT TIME ZONE zone.
			e.Args = append(e.Args, ast.NewValueExpr("UTC", "", ""))
			args = append(args, nil)
		}
		if len(e.Args) != 2 {
			return nil, errorf(CodeUndefinedFunc, "function %s takes two arguments", name)
		}
		if err := bindArgs(0); err != nil {
			return nil, err
		}
		// x AT TIME ZONE zone is timezone(zone, x), and tz(x, zone).
		ts, zone, tsAST := args[0], args[1], e.Args[0]
		if name == "timezone" {
			ts, zone, tsAST = args[1], args[0], e.Args[1]
		}
		if name == "tz" {
			return b.tz(ts, zone)
		}
		return b.atTimeZone(s, tsAST, ts, zone)
	}
	if strings.HasPrefix(name, "__pg_") {
		return nil, notSupported(markerFeature(name))
	}
	if err := bindArgs(0); err != nil {
		return nil, err
	}
	if name == "to_unixtime" || exec.IsUnixUnitFunc(name) {
		if err := b.unixTimeArgs(args); err != nil {
			return nil, err
		}
	}
	if (name == "time_bucket" || name == "time_bucket_gapfill") && len(args) >= 2 {
		args = b.wallClockBuckets(s, name, e.Args[1], args)
	}
	if name == "time_bucket_gapfill" && len(args) >= 3 {
		// The third argument is the time zone when five are given or it is
		// text; otherwise the start (a quoted literal is a timestamp).
		var want arrow.DataType = exec.TypeTimestamptz
		if len(args) == 5 || isTextValued(args[2]) || isZoneLiteral(args[2]) {
			want = exec.TypeText
		}
		var err error
		if args[2], err = b.coerce(args[2], want); err != nil {
			return nil, err
		}
	}
	if name == "hypertable_detailed_size" || name == "chunks_detailed_size" {
		e := notSupported(name + " in a select list (its row is a record)")
		e.Hint = "read it in FROM: SELECT * FROM " + name + "('table')"
		return nil, e
	}
	if name == "unnest" && len(args) != 1 {
		types := make([]string, len(args))
		for i := range args {
			types[i] = b.pgTypeName(s, e.Args[i], args[i])
			if a, ok := args[i].(*arrayLit); ok {
				pg := a.pg
				if pg == 0 {
					pg = pgOfEngine(a.dt)
				}
				types[i] = exec.PGTypeNames()[int64(pg)] + "[]" // ARRAY[1, 2]: integer[]
			}
		}
		return nil, &Error{Code: CodeUndefinedFunc, Msg: fmt.Sprintf("function unnest(%s) does not exist", strings.Join(types, ", ")),
			Hint: "unnest of several arrays works in FROM: SELECT * FROM unnest(a, b)"}
	}
	if selectListSRFs[name] {
		e := notSupported(name + " here (set-returning functions work in FROM and in a select list: one per item where the query groups, none in another's arguments or in ORDER BY)")
		e.Hint = "call it in FROM: SELECT ... FROM t, LATERAL " + name + "(...) AS s"
		return nil, e
	}
	if !exec.HasFunction(name) {
		e := errorf(CodeUndefinedFunc, "function %s does not exist", name)
		if best := closest(name, append(exec.FunctionNames(), aggregateNames()...)); best != "" {
			e.Hint = fmt.Sprintf("did you mean %s?", best)
		}
		return nil, e
	}
	call := name
	if name == "width_bucket" && len(args) == 2 {
		return b.widthBucketArray(args)
	}
	if name == "width_bucket" && len(args) == 4 {
		// PostgreSQL's width_bucket(numeric, ...) where no argument is a
		// float8 or real and one is a numeric; float8's otherwise.
		// A $n or quoted constant takes the others' type. Numeric
		// quotients (0.5 / 10, avg) are marked: their float8 holds their
		// digits only when they are short.
		numeric, float := false, false
		quotients := int64(0)
		q := &selectBinder{b: b, in: s}
		for i := range 3 {
			_, param := e.Args[i].(*driver.ParamMarkerExpr)
			_, unknown := args[i].(*unknownLit)
			t := q.pgTypeOf(e.Args[i], args[i])
			if _, quotient := q.quotientScale(e.Args[i]); quotient {
				quotients |= 1 << i
			}
			switch {
			case (param || unknown) && t != 700 && t != 701:
			case t == oidNumericPG:
				numeric = true
			case args[i].Type().ID() == arrow.FLOAT64:
				float = true // a real, or a float8 (labelled or not: avg(x), x / 100.0::float8)
			}
		}
		if numeric && !float {
			call = "__width_bucket_numeric"
			args = append(args[:4:4], &exec.Literal{V: quotients, DT: exec.TypeInt})
		}
	}
	var x exec.Expr
	wall, instant, err := b.readsWallClock(s, name, e.Args, args)
	switch {
	case err != nil:
		return nil, err
	case wall:
		x, err = b.wallCall(call, args)
	default:
		x, err = b.call(call, args)
	}
	if err == nil && instant {
		x = &typedExpr{x: x, pg: 1184} // the timestamptz function's result
	}
	if err == nil && name == "width_bucket" && x.Type().ID() == arrow.INT64 {
		return b.call("__int4", []exec.Expr{x}) // an int4: width_bucket(10, 0, 10, 2147483647) is out of its range
	}
	if err == nil && (name == "time_bucket" && len(e.Args) >= 2 || name == "abs" && len(e.Args) == 1) && x.Type().ID() == arrow.INT64 {
		// An int2 or int4 bucket is of its time's type, an abs of its
		// argument's: a value beyond the type's range
		// (time_bucket(10::int2, -32768::int2), abs of int4's smallest)
		// is an error, not a value the type cannot hold.
		arg := len(e.Args) - 1
		if name == "time_bucket" {
			arg = 1
		}
		switch (&selectBinder{b: b, in: s}).pgTypeOf(e.Args[arg], args[arg]) {
		case 21:
			return b.call("__int2", []exec.Expr{x})
		case 23:
			return b.call("__int4", []exec.Expr{x})
		}
	}
	return x, err
}

// numberText is the text of x (from e) when it is a number whose text is
// not its float8's: a numeric of known scale (numericText) or a real,
// written in single precision (0.3, not 0.30000001192092896). ok is false
// for other values.
func (b *binder) numberText(s *scope, e ast.ExprNode, x exec.Expr) (exec.Expr, bool) {
	if t, ok := b.numericText(s, e, x); ok {
		return t, true
	}
	if x.Type().ID() != arrow.FLOAT64 || (&selectBinder{b: b, in: s}).pgTypeOf(e, x) != 700 {
		return nil, false
	}
	return &rowFunc{name: "text", args: []exec.Expr{x}, dt: exec.TypeText, strict: true,
		fn: func(v []any) (any, error) { return string(exec.AppendFloat4(nil, v[0].(float64))), nil }}, true
}

// numericText is the text of numeric x (from e) when its display scale is
// known (a literal's digits, what sums and products of them keep, round(x,
// n)): written with that scale, as PostgreSQL writes a numeric (1.50,
// 100.0), not as the float8 it is held in (1.5, 100). ok is false for other
// values.
func (b *binder) numericText(s *scope, e ast.ExprNode, x exec.Expr) (exec.Expr, bool) {
	if x.Type().ID() != arrow.FLOAT64 || !b.isNumeric(s, e, x) {
		return nil, false
	}
	q := &selectBinder{b: b, in: s}
	scale := q.numericScale(e)
	least, quotient := q.quotientScale(e)
	quotient = quotient && scale < 0
	return &rowFunc{name: "text", args: []exec.Expr{settle(x)}, dt: exec.TypeText, strict: true,
		fn: func(v []any) (any, error) {
			f := v[0].(float64)
			switch {
			case math.IsNaN(f):
				return "NaN", nil
			case math.IsInf(f, 1):
				return "Infinity", nil
			case math.IsInf(f, -1):
				return "-Infinity", nil
			}
			if quotient {
				// 1.5000000000000000, as the wire writes it.
				return string(exec.AppendQuotient(nil, f, least)), nil
			}
			// Positional, as numeric is written: 0.00001, not 1e-05.
			return strconv.FormatFloat(f, 'f', scale, 64), nil
		}}, true
}

// pgOtherOperator is the expression PostgreSQL's operators that package
// sql spells __pg_op('op', ...) stand for, besides JSON's: a # b (bitwise
// XOR), a ^@ b (starts_with), and the prefix |/ x (square root), ||/ x
// (cube root) and @ x (absolute value).
func pgOtherOperator(e *ast.FuncCallExpr) (ast.ExprNode, bool) {
	if e.FnName.L != sql.MarkerOp || len(e.Args) < 2 {
		return nil, false
	}
	v, ok := e.Args[0].(*driver.ValueExpr)
	if !ok {
		return nil, false
	}
	call := func(name string, args ...ast.ExprNode) ast.ExprNode {
		return &ast.FuncCallExpr{Tp: ast.FuncCallExprTypeGeneric, FnName: ast.NewCIStr(name), Args: args}
	}
	switch op := v.GetString(); {
	case op == "#" && len(e.Args) == 3:
		return &ast.BinaryOperationExpr{Op: opcode.Xor, L: e.Args[1], R: e.Args[2]}, true
	case op == "^@" && len(e.Args) == 3:
		return call("starts_with", e.Args[1], e.Args[2]), true
	case len(e.Args) == 2:
		name := map[string]string{"|/": "sqrt", "||/": "cbrt", "@": "abs"}[op]
		if name != "" {
			return call(name, e.Args[1]), true
		}
	}
	return nil, false
}

func markerFeature(name string) string {
	switch name {
	case "__pg_array", "__pg_array_subquery", "__pg_subscript", "__pg_slice":
		return "arrays"
	case "__pg_any", "__pg_all":
		return "ANY/ALL"
	case "__pg_filter":
		return "aggregate FILTER"
	case "__pg_within_group":
		return "WITHIN GROUP"
	case "__pg_at_time_zone":
		return "AT TIME ZONE"
	case "__pg_table_function":
		return "table functions in FROM"
	case "__pg_field":
		return "composite field access"
	}
	return name
}

// castTarget maps a cast marker's type name to a value type.
func castTarget(n ast.ExprNode) (arrow.DataType, error) {
	v, ok := n.(*driver.ValueExpr)
	if !ok {
		return nil, errorf(CodeSyntax, "malformed cast")
	}
	return castTypeName(v.GetString())
}

// castTypeName maps a cast's type name to a value type.
func castTypeName(t string) (arrow.DataType, error) {
	base := t
	if i := strings.IndexByte(base, '('); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "int2", "int4", "int8", "oid":
		return exec.TypeInt, nil
	case "float4", "float8", "numeric":
		return exec.TypeFloat, nil
	case "text", "varchar", "bpchar", "char", "name":
		return exec.TypeText, nil
	case "bool":
		return exec.TypeBool, nil
	case "timestamptz", "timestamp", "date":
		return exec.TypeTimestamptz, nil
	case "interval", "time":
		return exec.TypeInterval, nil // a time is held as the interval since midnight
	case "json", "jsonb":
		return exec.TypeText, nil // held as text
	}
	return nil, errorf(CodeNotSupported, "type %s is not supported yet", t)
}

// aggregateNames are the aggregate functions' names, for suggestions.
func aggregateNames() []string {
	names := make([]string, 0, len(aggFuncs))
	for n := range aggFuncs {
		if !strings.HasPrefix(n, "__") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}
