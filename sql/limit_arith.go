package sql

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// LIMIT, OFFSET and FETCH values written as expressions over constants
// (LIMIT 2 + 3, FETCH FIRST (10 / 4) ROWS ONLY, OFFSET '5'::int * 2): the
// TiDB parser takes a value there, so the dialect layer folds them with
// PostgreSQL's typing. Integers are smallint, integer or bigint by their
// value and the casts applied, each overflowing as PostgreSQL's does;
// decimals are exact numerics (math/big), float casts float8; a quoted
// literal takes the type of the other operand; NULL makes the whole NULL.
// The value then converts to bigint: a numeric rounds half away from zero,
// a float to the nearest even.

// numKind is the type of a folded value.
type numKind int

const (
	kInt2 numKind = iota
	kInt4
	kInt8
	kNumeric
	kFloat
	kUnknown // a quoted literal not yet given a type
	kNull
)

var numKindNames = map[numKind]string{kInt2: "smallint", kInt4: "integer", kInt8: "bigint", kNumeric: "numeric", kFloat: "double precision", kUnknown: "unknown"}

// num is a folded value of its kind: i for the integers, r for numerics,
// f for floats, s for quoted literals.
type num struct {
	kind numKind
	i    int64
	r    *big.Rat
	f    float64
	s    string
}

// arithErr is an error of the arithmetic, raised after any syntax error of
// the clause around it (PostgreSQL raises it when the statement runs).
type arithErr struct{ code, msg string }

func outOfRange(k numKind) *arithErr {
	return &arithErr{"22003", numKindNames[k] + " out of range"}
}

// limitArith is a folded LIMIT, OFFSET or FETCH value.
type limitArith struct {
	v      num
	err    *arithErr
	n      int // tokens it spans
	simple int // tokens of its leading plain value (what FETCH and OFFSET ... ROWS take)
}

// foldLimit reads a constant expression starting at the current token; ok
// is false when none does (a $n, a column: left to the plain reading).
func (r *rewriter) foldLimit() (limitArith, bool) {
	p := &arithParser{r: r}
	v, ok := p.sum()
	if !ok {
		return limitArith{}, false
	}
	out := limitArith{v: v, err: p.err, n: p.k, simple: 1}
	switch t := r.tok(0); {
	case t.punct("("):
		depth := 0
		for k := 0; k < p.k; k++ {
			if r.tok(k).punct("(") {
				depth++
			} else if r.tok(k).punct(")") {
				if depth--; depth == 0 {
					out.simple = k + 1
					break
				}
			}
		}
	case t.kind == tOp && (t.val == "-" || t.val == "+") && r.tok(1).kind == tNumber:
		out.simple = 2
	}
	return out, true
}

// bigint converts the value to LIMIT's bigint; null reports NULL.
func (a *limitArith) bigint() (v int64, null bool, err *arithErr) {
	if a.err != nil {
		return 0, false, a.err
	}
	x, err := convert(a.v, kInt8)
	if err != nil {
		return 0, false, err
	}
	return x.i, x.kind == kNull, nil
}

type arithParser struct {
	r   *rewriter
	k   int
	err *arithErr // the first error of the arithmetic
}

func (p *arithParser) sum() (num, bool)     { return p.chain("+-", p.product) }
func (p *arithParser) product() (num, bool) { return p.chain("*/%", p.unary) }

// chain reads operands joined by the left-associative operators ops.
func (p *arithParser) chain(ops string, operand func() (num, bool)) (num, bool) {
	v, ok := operand()
	for ok {
		t := p.r.tok(p.k)
		if t.kind != tOp || len(t.val) != 1 || !strings.Contains(ops, t.val) {
			break
		}
		p.k++
		var w num
		if w, ok = operand(); ok {
			v = p.apply(v, w, t.val)
		}
	}
	return v, ok
}

// unary reads a signed operand; a sign on a number makes a negative
// constant, typed by its value (-2147483648 is an integer).
func (p *arithParser) unary() (num, bool) {
	t := p.r.tok(p.k)
	if t.kind != tOp || t.val != "-" && t.val != "+" {
		return p.postfix()
	}
	p.k++
	if n := p.r.tok(p.k); t.val == "-" && n.kind == tNumber && !p.r.tok(p.k+1).punct("::") {
		p.k++
		return p.number("-" + n.val)
	}
	v, ok := p.unary()
	if !ok || t.val == "+" {
		return v, ok
	}
	return p.apply(num{kind: kInt4}, v, "-"), true
}

// postfix reads a primary and the casts after it.
func (p *arithParser) postfix() (num, bool) {
	v, ok := p.primary()
	for ok && p.r.tok(p.k).punct("::") {
		to, n := castKind(p.r, p.k+1)
		if n == 0 {
			return v, false // a type the arithmetic does not take: the plain reading reports it
		}
		p.k += 1 + n
		var err *arithErr
		if v, err = convert(v, to); err != nil && p.err == nil {
			p.err = err
		}
	}
	return v, ok
}

func (p *arithParser) primary() (num, bool) {
	t := p.r.tok(p.k)
	switch {
	case t.punct("("):
		p.k++
		v, ok := p.sum()
		if !ok || !p.r.tok(p.k).punct(")") {
			return v, false
		}
		p.k++
		return v, true
	case t.kind == tNumber:
		p.k++
		return p.number(t.val)
	case t.kind == tString:
		p.k++
		return num{kind: kUnknown, s: t.val}, true
	case t.word("null"):
		p.k++
		return num{kind: kNull}, true
	}
	return num{}, false
}

// number types a numeric constant as PostgreSQL's lexer does: an integer
// by the smallest of integer and bigint that holds it, else numeric.
func (p *arithParser) number(text string) (num, bool) {
	if !strings.ContainsAny(text, ".eE") {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			if i >= math.MinInt32 && i <= math.MaxInt32 {
				return num{kind: kInt4, i: i}, true
			}
			return num{kind: kInt8, i: i}, true
		}
	}
	r, ok := new(big.Rat).SetString(text)
	return num{kind: kNumeric, r: r}, ok
}

// castKind reads the type name at token k of a cast: its kind and tokens
// (0: not a type the arithmetic takes).
func castKind(r *rewriter, k int) (numKind, int) {
	t := r.tok(k)
	if t.kind != tIdent {
		return 0, 0
	}
	switch t.val {
	case "int2", "smallint":
		return kInt2, 1
	case "int4", "int", "integer":
		return kInt4, 1
	case "int8", "bigint":
		return kInt8, 1
	case "numeric", "decimal":
		return kNumeric, 1
	case "float8", "float4", "real", "float":
		return kFloat, 1
	case "double":
		if r.tok(k + 1).word("precision") {
			return kFloat, 2
		}
	}
	return 0, 0
}

// apply is a op b, recording the first error.
func (p *arithParser) apply(a, b num, op string) num {
	v, err := arith(a, b, op)
	if err != nil && p.err == nil {
		p.err = err
	}
	return v
}

// arith is a op b with PostgreSQL's operator resolution over these types.
func arith(a, b num, op string) (num, *arithErr) {
	if a.kind == kNull || b.kind == kNull {
		return num{kind: kNull}, nil
	}
	// A quoted literal takes the other operand's type (integer beside
	// another quoted literal).
	var err *arithErr
	switch {
	case a.kind == kUnknown && b.kind == kUnknown:
		if a, err = convert(a, kInt4); err == nil {
			b, err = convert(b, kInt4)
		}
	case a.kind == kUnknown:
		a, err = convert(a, b.kind)
	case b.kind == kUnknown:
		b, err = convert(b, a.kind)
	}
	if err != nil {
		return num{}, err
	}
	kind := max(a.kind, b.kind)
	if a, err = convert(a, kind); err == nil {
		b, err = convert(b, kind)
	}
	if err != nil {
		return num{}, err
	}
	switch kind {
	case kFloat:
		return floatArith(a.f, b.f, op)
	case kNumeric:
		return numericArith(a.r, b.r, op)
	}
	return intArith(a.i, b.i, op, kind)
}

// intRanges are the values of the integer types.
var intRanges = map[numKind][2]int64{kInt2: {math.MinInt16, math.MaxInt16}, kInt4: {math.MinInt32, math.MaxInt32}, kInt8: {math.MinInt64, math.MaxInt64}}

// intArith is integer arithmetic of a kind: exact, then division
// truncated toward zero (% keeps the dividend's sign), then checked
// against the kind's range.
func intArith(a, b int64, op string, kind numKind) (num, *arithErr) {
	v, err := numericArith(new(big.Rat).SetInt64(a), new(big.Rat).SetInt64(b), op)
	if err != nil {
		return num{}, err
	}
	x := new(big.Int).Quo(v.r.Num(), v.r.Denom())
	bounds := intRanges[kind]
	if !x.IsInt64() || x.Int64() < bounds[0] || x.Int64() > bounds[1] {
		return num{}, outOfRange(kind)
	}
	return num{kind: kind, i: x.Int64()}, nil
}

func numericArith(a, b *big.Rat, op string) (num, *arithErr) {
	if (op == "/" || op == "%") && b.Sign() == 0 {
		return num{}, &arithErr{"22012", "division by zero"}
	}
	x := new(big.Rat)
	switch op {
	case "+":
		x.Add(a, b)
	case "-":
		x.Sub(a, b)
	case "*":
		x.Mul(a, b)
	case "/":
		x.Quo(a, b)
	case "%": // a - trunc(a / b) * b
		q := new(big.Rat).Quo(a, b)
		t := new(big.Int).Quo(q.Num(), q.Denom())
		x.Sub(a, new(big.Rat).Mul(new(big.Rat).SetInt(t), b))
	}
	return num{kind: kNumeric, r: x}, nil
}

func floatArith(a, b float64, op string) (num, *arithErr) {
	var f float64
	switch op {
	case "+":
		f = a + b
	case "-":
		f = a - b
	case "*":
		f = a * b
	case "/":
		if b == 0 {
			return num{}, &arithErr{"22012", "division by zero"}
		}
		f = a / b
	case "%":
		return num{}, &arithErr{"42883", "operator does not exist: double precision % double precision"}
	}
	if math.IsInf(f, 0) {
		return num{}, &arithErr{"22003", "value out of range: overflow"}
	}
	return num{kind: kFloat, f: f}, nil
}

// convert casts v to kind as PostgreSQL does: numerics round half away
// from zero to an integer, floats to the nearest even, quoted literals are
// read as the type.
func convert(v num, kind numKind) (num, *arithErr) {
	if v.kind == kind || v.kind == kNull {
		return v, nil
	}
	switch v.kind {
	case kUnknown:
		s := strings.TrimSpace(v.s)
		switch kind {
		case kNumeric:
			if r, ok := new(big.Rat).SetString(s); ok && !strings.ContainsAny(s, "/") {
				return num{kind: kNumeric, r: r}, nil
			}
		case kFloat:
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return num{kind: kFloat, f: f}, nil
			}
		default:
			i, err := strconv.ParseInt(s, 10, 64)
			if err == nil {
				return convert(num{kind: kInt8, i: i}, kind)
			}
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return num{}, outOfRange(kind)
			}
		}
		return num{}, &arithErr{"22P02", fmt.Sprintf("invalid input syntax for type %s: %q", numKindNames[kind], v.s)}
	case kFloat:
		switch kind {
		case kNumeric:
			r := new(big.Rat)
			if r.SetFloat64(v.f) == nil {
				return num{}, &arithErr{"22003", "value out of range"}
			}
			return num{kind: kNumeric, r: r}, nil
		default:
			f := math.RoundToEven(v.f)
			if f < math.MinInt64 || f >= math.MaxInt64 {
				return num{}, outOfRange(kind)
			}
			return convert(num{kind: kInt8, i: int64(f)}, kind)
		}
	case kNumeric:
		switch kind {
		case kFloat:
			f, _ := v.r.Float64()
			return num{kind: kFloat, f: f}, nil
		default:
			// Half away from zero: trunc(v + sign(v) / 2).
			half := new(big.Rat).SetFrac64(int64(v.r.Sign()), 2)
			s := new(big.Rat).Add(v.r, half)
			t := new(big.Int).Quo(s.Num(), s.Denom())
			if !t.IsInt64() {
				return num{}, outOfRange(kind)
			}
			return convert(num{kind: kInt8, i: t.Int64()}, kind)
		}
	}
	// Between the integers, and to numeric or float.
	switch kind {
	case kNumeric:
		return num{kind: kNumeric, r: new(big.Rat).SetInt64(v.i)}, nil
	case kFloat:
		return num{kind: kFloat, f: float64(v.i)}, nil
	}
	if _, err := intArith(v.i, 0, "+", kind); err != nil {
		return num{}, err
	}
	return num{kind: kind, i: v.i}, nil
}
