package exec

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Histogram is TimescaleDB's histogram(value, min, max, nbuckets): an
// int4[] of nbuckets+2 counts, the values below min first, then the
// nbuckets equal-width buckets of [min, max) (as width_bucket numbers
// them), then the values at or above max. NULL values are not counted; a
// group without values is NULL.
type Histogram struct {
	Min, Max float64
	Buckets  int
}

// CheckHistogram refuses the bounds and bucket counts histogram refuses.
func CheckHistogram(min, max float64, buckets int64) error {
	switch {
	case min > max:
		return fmt.Errorf("lower bound cannot exceed upper bound")
	case buckets <= 0 || buckets > math.MaxInt32-2:
		return fmt.Errorf("histogram's number of buckets must be from 1 to %d, not %d", math.MaxInt32-2, buckets)
	}
	_, err := widthBucket(min, min, max, buckets) // equal or infinite bounds
	return err
}

type histAcc struct {
	h      Histogram
	counts []int32 // group g's at [g*(Buckets+2), (g+1)*(Buckets+2))
	has    []bool
}

func (a *histAcc) width() int { return a.h.Buckets + 2 }

func (a *histAcc) grow(groups int) {
	a.has = growTo(a.has, groups)
	a.counts = growTo(a.counts, groups*a.width())
}

func (a *histAcc) add(g uint32, x float64) error {
	b, err := widthBucket(x, a.h.Min, a.h.Max, int64(a.h.Buckets))
	if err != nil {
		return err
	}
	c := &a.counts[int(g)*a.width()+int(b)]
	if *c >= math.MaxInt32-1 {
		return fmt.Errorf("overflow in histogram")
	}
	*c++
	a.has[g] = true
	return nil
}

func (a *histAcc) update(gids []uint32, arg, _ arrow.Array) error {
	if arg.DataType().ID() == arrow.NULL {
		return nil
	}
	vals, err := numericFloats(arg)
	if err != nil {
		return fmt.Errorf("function histogram(%v, double precision, double precision, integer) does not exist", arg.DataType())
	}
	for i, g := range gids {
		if arg.IsValid(i) {
			if err := a.add(g, vals[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *histAcc) merge(other accumulator, gids []uint32) error {
	o := other.(*histAcc)
	w := a.width()
	for i, g := range gids {
		if !o.has[i] {
			continue
		}
		a.has[g] = true
		dst, src := a.counts[int(g)*w:int(g+1)*w], o.counts[i*w:(i+1)*w]
		for k := range dst {
			if int64(dst[k])+int64(src[k]) >= math.MaxInt32 {
				return fmt.Errorf("overflow in histogram combine")
			}
			dst[k] += src[k]
		}
	}
	return nil
}

// result writes each group's counts as int4[] text, {0,3,1,0}.
func (a *histAcc) result(_ arrow.DataType, groups int) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	w := a.width()
	var buf []byte
	for g := range groups {
		if !a.has[g] {
			b.AppendNull()
			continue
		}
		buf = append(buf[:0], '{')
		for k, c := range a.counts[g*w : (g+1)*w] {
			if k > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendInt(buf, int64(c), 10)
		}
		buf = append(buf, '}')
		b.BinaryBuilder.Append(buf)
	}
	return b.NewArray()
}
