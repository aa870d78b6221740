package planner

import (
	"math"
	"math/rand/v2"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// tableSample applies a TABLESAMPLE clause to s, the scope of the table it
// follows. BERNOULLI is a filter over the scan that keeps each row with
// probability percent/100 (exec's __sample): a row is in or out by the
// hash of its key (time and tags) with the seed, so REPEATABLE (seed)
// draws the same rows again whatever was compacted or persisted in
// between. Without REPEATABLE the seed is drawn per statement.
//
// SYSTEM, as PostgreSQL's, takes or leaves whole blocks and does not read
// the ones it leaves: the scan asks storage for a block sample (pages of
// the data files, buffered writes, chunks of merged rows; storage.Sample).
// Its rows come in clusters (a page holds one series' neighbouring times),
// and REPEATABLE draws the same blocks only until the table's storage
// changes, as in PostgreSQL; where a merge's chunks are the blocks (rows
// that overlapping writes share), they also depend on the query's range.
func (b *binder) tableSample(s *scope, ts *ast.TableSample) (*scope, error) {
	scan, ok := s.node.(*Scan)
	if !ok {
		e := errorf(CodeNotSupported, "TABLESAMPLE clause can only be applied to tables and materialized views")
		e.Hint = "sample the table the query reads: FROM t TABLESAMPLE BERNOULLI (10)"
		return nil, e
	}
	percent, err := b.sampleArg(ts.Expr)
	if err != nil {
		return nil, err
	}
	seed := rand.Int64()
	if ts.RepeatableSeed != nil {
		v, err := b.sampleArg(ts.RepeatableSeed)
		if err != nil {
			return nil, err
		}
		switch {
		case v.V == nil && !b.describe:
			return nil, errorf("2202G", "TABLESAMPLE REPEATABLE parameter cannot be null")
		case v.V != nil:
			seed = exec.SampleSeed(v.V.(float64))
		}
	}
	fraction := 0.0
	switch p, _ := percent.V.(float64); {
	case percent.V == nil && b.describe:
	case percent.V == nil:
		return nil, errorf("2202H", "TABLESAMPLE parameter cannot be null")
	case math.IsNaN(p) || p < 0 || p > 100:
		return nil, errorf("2202H", "sample percentage must be between 0 and 100")
	default:
		fraction = p / 100
	}
	if ts.SampleMethod == ast.SampleMethodTypeSystem {
		scan.Sample = &storage.Sample{Fraction: fraction, Seed: uint64(seed)}
		return s, nil
	}
	args := []exec.Expr{&exec.Literal{V: fraction, DT: exec.TypeFloat}, &exec.Literal{V: seed, DT: exec.TypeInt}}
	for _, c := range s.cols {
		if c.name == "time" && c.typ.ID() == arrow.TIMESTAMP || c.typ.ID() == arrow.DICTIONARY {
			args = append(args, s.ref(c))
		}
	}
	pred, err := b.call("__sample", args)
	if err != nil {
		return nil, err
	}
	out := *s
	out.node = &Filter{Child: s.node, Pred: pred}
	return &out, nil
}

// sampleArg is a TABLESAMPLE argument (the percentage or REPEATABLE's
// seed) as a float8 constant, its V nil for NULL or a $n being described.
func (b *binder) sampleArg(e ast.ExprNode) (*exec.Literal, error) {
	x, err := b.bindNode(&scope{}, e, nil)
	if err != nil {
		return nil, err
	}
	return b.constOf(x, exec.TypeFloat, "TABLESAMPLE")
}
