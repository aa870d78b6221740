package sql

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// LIMIT, OFFSET and FETCH values written as expressions over constants
// (LIMIT 2 + 3, FETCH FIRST (10 / 4) ROWS ONLY, OFFSET '5'::int * 2): the
// TiDB parser takes a value there, so the dialect layer folds them with
// PostgreSQL's typing:
//   - integers are integer or bigint by their value (a sign on a constant,
//     even in parentheses, makes a negative constant: -2147483648 is an
//     integer), smallint by a cast; each overflows as PostgreSQL's does;
//   - decimals are numerics with PostgreSQL's display scales, division
//     rounded to its result scale (select_div_scale), otherwise exact;
//   - casts to real and double precision make floats of those widths;
//   - a quoted literal or NULL takes the type of the other operand (two of
//     them, or a sign on one, is "operator is not unique");
//   - the result converts to bigint: a numeric rounds half away from zero,
//     a float to the nearest even.

// numKind is the type of a folded value, in PostgreSQL's order of implicit
// casts (the wider of two operands' kinds is the operation's).
type numKind int

const (
	kInt2 numKind = iota
	kInt4
	kInt8
	kNumeric
	kFloat4
	kFloat8
	kUnknown // a quoted literal or NULL not yet given a type
)

var numKindNames = map[numKind]string{kInt2: "smallint", kInt4: "integer", kInt8: "bigint", kNumeric: "numeric",
	kFloat4: "real", kFloat8: "double precision", kUnknown: "unknown"}

// num is a folded value of its kind: i for the integers, r and scale (the
// display scale) for numerics, f for floats, s for quoted literals; null
// for NULL of any kind.
type num struct {
	kind  numKind
	null  bool
	i     int64
	r     *big.Rat
	scale int
	f     float64
	s     string
	at    int // a quoted literal's byte offset in the statement
}

// arithErr is an error of the arithmetic, raised after the statement's
// syntax is known good (PostgreSQL raises it when the statement runs).
type arithErr struct {
	code, msg string
	at        int // byte offset of the quoted literal it reads, -1 for none (a run-time error)
}

func outOfRange(k numKind) *arithErr {
	return newArithErr("22003", numKindNames[k]+" out of range")
}

func newArithErr(code, msg string) *arithErr { return &arithErr{code: code, msg: msg, at: -1} }

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
		end, _ := r.callExtent(r.i) // the ')' closing it
		out.simple = end + 1 - r.i
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
	return x.i, x.null, nil
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
			v = p.record(arith(v, w, t.val))
		}
	}
	return v, ok
}

// unary reads a signed operand. A minus on a constant, in parentheses or
// not and not cast, makes a negative constant typed by its value, as
// PostgreSQL's grammar folds it.
func (p *arithParser) unary() (num, bool) {
	t := p.r.tok(p.k)
	if t.kind != tOp || t.val != "-" && t.val != "+" {
		return p.postfix()
	}
	p.k++
	if t.val == "-" {
		depth := 0
		for p.r.tok(p.k + depth).punct("(") {
			depth++
		}
		if n := p.r.tok(p.k + depth); n.kind == tNumber {
			closed := 0
			for closed < depth && p.r.tok(p.k+depth+1+closed).punct(")") {
				closed++
			}
			if closed == depth && !p.r.tok(p.k+2*depth+1).punct("::") {
				p.k += 2*depth + 1
				return p.number("-" + n.val)
			}
		}
	}
	v, ok := p.unary()
	if !ok || p.err != nil {
		return v, ok
	}
	if v.kind == kUnknown {
		p.record(num{}, newArithErr("42725", "operator is not unique: "+t.val+" unknown"))
		return v, true
	}
	if t.val == "+" {
		return v, true
	}
	zero, _ := convert(num{kind: kInt2}, v.kind)
	return p.record(arith(zero, v, "-")), true
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
		v = p.record(convert(v, to))
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
		return num{kind: kUnknown, s: t.val, at: t.start}, true
	case t.word("null"):
		p.k++
		return num{kind: kUnknown, null: true}, true
	}
	return num{}, false
}

// record keeps the first error of the arithmetic.
func (p *arithParser) record(v num, err *arithErr) num {
	if err != nil && p.err == nil {
		p.err = err
	}
	return v
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
	v, ok := parseNumeric(text)
	return v, ok
}

// parseNumeric reads a decimal as numeric_in does, with its display scale
// (the digits after the point, less the exponent); ok is false for any
// other text (hexadecimal, fractions).
func parseNumeric(text string) (num, bool) {
	s := strings.TrimSpace(text)
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return num{}, false
		}
		mant, exp = s[:i], e
	}
	digits := strings.TrimLeft(mant, "+-")
	whole, frac, _ := strings.Cut(digits, ".")
	if whole+frac == "" || strings.Trim(whole+frac, "0123456789") != "" {
		return num{}, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return num{}, false
	}
	return num{kind: kNumeric, r: r, scale: max(len(frac)-exp, 0)}, true
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
	case "float4", "real":
		return kFloat4, 1
	case "float8", "float":
		return kFloat8, 1
	case "double":
		if r.tok(k + 1).word("precision") {
			return kFloat8, 2
		}
	}
	return 0, 0
}

// arith is a op b with PostgreSQL's operator resolution over these types.
func arith(a, b num, op string) (num, *arithErr) {
	if a.kind == kUnknown && b.kind == kUnknown {
		return num{}, newArithErr("42725", "operator is not unique: unknown "+op+" unknown")
	}
	kind := max(a.kind, b.kind)
	if a.kind == kUnknown || b.kind == kUnknown {
		kind = min(a.kind, b.kind) // a quoted literal takes the other operand's type
	}
	if kind >= kFloat4 && op == "%" {
		return num{}, newArithErr("42883", "operator does not exist: "+numKindNames[a.kind]+" % "+numKindNames[b.kind])
	}
	x, err := convert(a, kind)
	if err != nil {
		return num{}, err
	}
	y, err := convert(b, kind)
	if err != nil {
		return num{}, err
	}
	if x.null || y.null {
		return num{kind: kind, null: true}, nil
	}
	switch kind {
	case kFloat4, kFloat8:
		return floatArith(x.f, y.f, op, kind)
	case kNumeric:
		return numericArith(x, y, op)
	}
	return intArith(x.i, y.i, op, kind)
}

// intRanges are the values of the integer types.
var intRanges = map[numKind][2]int64{kInt2: {math.MinInt16, math.MaxInt16}, kInt4: {math.MinInt32, math.MaxInt32}, kInt8: {math.MinInt64, math.MaxInt64}}

// intArith is integer arithmetic of a kind: exact, then division
// truncated toward zero (% keeps the dividend's sign), then checked
// against the kind's range.
func intArith(a, b int64, op string, kind numKind) (num, *arithErr) {
	if (op == "/" || op == "%") && b == 0 {
		return num{}, newArithErr("22012", "division by zero")
	}
	x, y := big.NewInt(a), big.NewInt(b)
	switch op {
	case "+":
		x.Add(x, y)
	case "-":
		x.Sub(x, y)
	case "*":
		x.Mul(x, y)
	case "/":
		x.Quo(x, y)
	case "%":
		x.Rem(x, y)
	}
	bounds := intRanges[kind]
	if !x.IsInt64() || x.Int64() < bounds[0] || x.Int64() > bounds[1] {
		return num{}, outOfRange(kind)
	}
	return num{kind: kind, i: x.Int64()}, nil
}

// numericArith is numeric arithmetic with PostgreSQL's result scales: the
// larger of the operands' for + - %, their sum for *, and for / the scale
// that gives at least 16 significant digits (select_div_scale), rounded
// half away from zero.
func numericArith(a, b num, op string) (num, *arithErr) {
	if (op == "/" || op == "%") && b.r.Sign() == 0 {
		return num{}, newArithErr("22012", "division by zero")
	}
	x := new(big.Rat)
	scale := max(a.scale, b.scale)
	switch op {
	case "+":
		x.Add(a.r, b.r)
	case "-":
		x.Sub(a.r, b.r)
	case "*":
		x.Mul(a.r, b.r)
		scale = a.scale + b.scale
	case "/":
		scale = divScale(a, b)
		x = roundScale(new(big.Rat).Quo(a.r, b.r), scale)
	case "%": // a - trunc(a / b) * b
		q := new(big.Rat).Quo(a.r, b.r)
		t := new(big.Int).Quo(q.Num(), q.Denom())
		x.Sub(a.r, new(big.Rat).Mul(new(big.Rat).SetInt(t), b.r))
	}
	return num{kind: kNumeric, r: x, scale: scale}, nil
}

// divScale is PostgreSQL's select_div_scale: 16 significant digits by the
// quotient's estimated weight in base-10000 digits, at least either
// operand's scale, at most 1000.
func divScale(a, b num) int {
	w1, d1 := nbaseLead(a.r)
	w2, d2 := nbaseLead(b.r)
	q := w1 - w2
	if d1 <= d2 {
		q--
	}
	return min(max(16-q*4, a.scale, b.scale, 0), 1000)
}

// nbaseLead is the weight and value of the first nonzero base-10000 digit
// of |r| (0, 0 for zero), as PostgreSQL's numeric stores it.
func nbaseLead(r *big.Rat) (weight int, digit int64) {
	v := new(big.Rat).Abs(r)
	if v.Sign() == 0 {
		return 0, 0
	}
	base := big.NewRat(10000, 1)
	for v.Cmp(base) >= 0 {
		v.Quo(v, base)
		weight++
	}
	for v.Cmp(big.NewRat(1, 1)) < 0 {
		v.Mul(v, base)
		weight--
	}
	return weight, new(big.Int).Quo(v.Num(), v.Denom()).Int64()
}

// roundScale rounds r half away from zero to scale decimal places.
func roundScale(r *big.Rat, scale int) *big.Rat {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	s := new(big.Rat).Mul(r, new(big.Rat).SetInt(p))
	return new(big.Rat).SetFrac(roundHalfAway(s), p)
}

// roundHalfAway is r rounded to an integer, halves away from zero.
func roundHalfAway(r *big.Rat) *big.Int {
	s := new(big.Rat).Add(r, big.NewRat(int64(r.Sign()), 2))
	return new(big.Int).Quo(s.Num(), s.Denom())
}

func floatArith(a, b float64, op string, kind numKind) (num, *arithErr) {
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
			return num{}, newArithErr("22012", "division by zero")
		}
		f = a / b
	}
	if kind == kFloat4 {
		f = float64(float32(f))
	}
	if math.IsInf(f, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return num{}, newArithErr("22003", "value out of range: overflow")
	}
	return num{kind: kind, f: f}, nil
}

// convert casts v to kind as PostgreSQL does: numerics round half away
// from zero to an integer, floats to the nearest even, floats become
// numerics by their 15 (real: 6) significant digits, quoted literals are
// read as the type; NULL stays NULL.
func convert(v num, kind numKind) (num, *arithErr) {
	if v.kind == kind {
		return v, nil
	}
	if v.null {
		return num{kind: kind, null: true}, nil
	}
	switch v.kind {
	case kUnknown:
		n, err := parseAs(v.s, kind)
		if err != nil {
			err.at = v.at // PostgreSQL reads the literal while analysing the statement: its position
		}
		return n, err
	case kFloat4, kFloat8:
		switch kind {
		case kFloat4, kFloat8:
			return floatOf(v.f, kind, fmt.Sprint(v.f))
		case kNumeric:
			digits := 15
			if v.kind == kFloat4 {
				digits = 6
			}
			if n, ok := parseNumeric(strconv.FormatFloat(v.f, 'g', digits, 64)); ok {
				return n, nil
			}
			return num{}, newArithErr("0A000", "cannot convert "+fmt.Sprint(v.f)+" to numeric")
		}
		if math.IsNaN(v.f) {
			return num{}, outOfRange(kind)
		}
		f := math.RoundToEven(v.f)
		if f < math.MinInt64 || f >= math.MaxInt64 {
			return num{}, outOfRange(kind)
		}
		return convert(num{kind: kInt8, i: int64(f)}, kind)
	case kNumeric:
		switch kind {
		case kFloat4, kFloat8:
			f, _ := v.r.Float64()
			return floatOf(f, kind, v.r.FloatString(v.scale))
		}
		t := roundHalfAway(v.r)
		if !t.IsInt64() {
			return num{}, outOfRange(kind)
		}
		return convert(num{kind: kInt8, i: t.Int64()}, kind)
	}
	// From an integer.
	switch kind {
	case kNumeric:
		return num{kind: kNumeric, r: new(big.Rat).SetInt64(v.i)}, nil
	case kFloat4, kFloat8:
		return floatOf(float64(v.i), kind, "")
	}
	bounds := intRanges[kind]
	if v.i < bounds[0] || v.i > bounds[1] {
		return num{}, outOfRange(kind)
	}
	return num{kind: kind, i: v.i}, nil
}

// floatOf is f as a float of kind, or the error for a value past its range
// (text: the value as written).
func floatOf(f float64, kind numKind, text string) (num, *arithErr) {
	if kind == kFloat4 {
		f = float64(float32(f))
	}
	if math.IsInf(f, 0) {
		return num{}, newArithErr("22003", `"`+text+`" is out of range for type `+numKindNames[kind])
	}
	return num{kind: kind, f: f}, nil
}

// parseAs reads a quoted literal as a value of kind.
func parseAs(s string, kind numKind) (num, *arithErr) {
	bad := newArithErr("22P02", "invalid input syntax for type "+numKindNames[kind]+`: "`+s+`"`)
	t := strings.TrimSpace(s)
	switch kind {
	case kNumeric:
		if n, ok := parseNumeric(t); ok {
			return n, nil
		}
		return num{}, bad
	case kFloat4, kFloat8:
		f, err := strconv.ParseFloat(t, 64)
		if err != nil && !isRangeErr(err) {
			return num{}, bad
		}
		return floatOf(f, kind, t)
	}
	i, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		if isRangeErr(err) {
			return num{}, newArithErr("22003", `value "`+s+`" is out of range for type `+numKindNames[kind])
		}
		return num{}, bad
	}
	bounds := intRanges[kind]
	if i < bounds[0] || i > bounds[1] {
		return num{}, newArithErr("22003", `value "`+s+`" is out of range for type `+numKindNames[kind])
	}
	return num{kind: kind, i: i}, nil
}

// isRangeErr reports strconv's out-of-range error.
func isRangeErr(err error) bool { return errors.Is(err, strconv.ErrRange) }
