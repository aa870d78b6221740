package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/stratadb/strata/storage/pqfile"
)

// __sample(fraction, seed, key...) is TABLESAMPLE's row test: true for a
// row whose key (a stored table's time and tags, which name one row) hashes
// with seed below fraction of the hash space. A row's answer depends on
// nothing but its key and the seed, not on where it is stored or in which
// batch it comes, so REPEATABLE (seed) draws the same sample however the
// rows are split across the buffer, files and workers, and before and
// after compaction; each row is in with probability fraction, on its own.
func init() {
	register("__sample", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			if len(args) < 3 || args[0].ID() != arrow.FLOAT64 || args[1].ID() != arrow.INT64 {
				return nil, fmt.Errorf("want (fraction float8, seed bigint, key...)")
			}
			return TypeBool, nil
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if !args[0].isConst || !args[1].isConst {
				return nil, fmt.Errorf("__sample: the fraction and the seed must be constants")
			}
			fraction, _ := args[0].cnst.(float64)
			seed, _ := args[1].cnst.(int64)
			h := make([]uint64, n)
			for i := range h {
				h[i] = uint64(seed)
			}
			for _, a := range args[2:] {
				if err := mixKey(h, a, n); err != nil {
					return nil, err
				}
			}
			b := array.NewBooleanBuilder(memory.DefaultAllocator)
			defer b.Release()
			b.Reserve(n)
			// A row is in when its hash is below fraction of 2^64.
			if limit := fraction * (1 << 64); limit >= 1<<64 {
				for range h {
					b.UnsafeAppend(true)
				}
			} else {
				below := uint64(limit)
				for _, v := range h {
					b.UnsafeAppend(pqfile.Mix64(v) < below)
				}
			}
			return b.NewArray(), nil
		},
	})
}

// mixKey folds one key column into the running hashes h, with one xor and
// one multiplication a row (pqfile.Mix64 after the last key spreads the
// bits): a time's nanoseconds, or a hash of each text (per dictionary
// entry, not per row).
func mixKey(h []uint64, a arg, n int) error {
	if a.isConst {
		v := constKeyHash(a.cnst)
		for i := range h {
			h[i] = (h[i] ^ v) * keyPrime
		}
		return nil
	}
	switch arr := a.arr.(type) {
	case *array.Timestamp:
		vals := arr.TimestampValues()
		for i := range n {
			h[i] = (h[i] ^ uint64(vals[i])) * keyPrime
		}
	case *array.Int64:
		vals := arr.Int64Values()
		for i := range n {
			h[i] = (h[i] ^ uint64(vals[i])) * keyPrime
		}
	case *array.Dictionary:
		dict, ok := arr.Dictionary().(*array.String)
		if !ok {
			return fmt.Errorf("__sample: a key dictionary of %s", arr.Dictionary().DataType())
		}
		entries := make([]uint64, dict.Len())
		for k := range entries {
			entries[k] = nullKeyHash
			if dict.IsValid(k) {
				entries[k] = textHash(dict.Value(k))
			}
		}
		idx, ok := arr.Indices().(*array.Int32)
		if !ok {
			return fmt.Errorf("__sample: a key dictionary indexed by %s", arr.Indices().DataType())
		}
		codes := idx.Int32Values()
		if arr.NullN() == 0 {
			for i := range n {
				h[i] = (h[i] ^ entries[codes[i]]) * keyPrime
			}
			return nil
		}
		for i := range n {
			v := nullKeyHash
			if arr.IsValid(i) {
				v = entries[codes[i]]
			}
			h[i] = (h[i] ^ v) * keyPrime
		}
	case *array.String:
		for i := range n {
			v := nullKeyHash
			if arr.IsValid(i) {
				v = textHash(arr.Value(i))
			}
			h[i] = (h[i] ^ v) * keyPrime
		}
	default:
		return fmt.Errorf("__sample: a key of type %s", a.arr.DataType())
	}
	return nil
}

// keyPrime is an odd constant (2^64 / golden ratio): multiplying by it
// is one-to-one and carries each bit of a key into the higher ones.
const keyPrime = 0x9E3779B97F4A7C15

// nullKeyHash stands for a NULL tag in a row's key.
const nullKeyHash uint64 = 0x6A09E667F3BCC909

// constKeyHash is the key hash of a constant key column's value.
func constKeyHash(v any) uint64 {
	switch v := v.(type) {
	case Timestamp:
		return uint64(v)
	case int64:
		return uint64(v)
	case string:
		return textHash(v)
	}
	return nullKeyHash
}

// textHash is FNV-1a of s: fixed, so a seed draws the same rows in every
// process.
func textHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// SampleSeed turns REPEATABLE's argument into the seed __sample takes:
// the double's bits (0 and -0 alike).
func SampleSeed(f float64) int64 {
	if f == 0 {
		f = 0
	}
	return int64(math.Float64bits(f))
}
