package exec

import (
	"fmt"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// __bpchar_pad(s, n) is s blank-padded to n characters: how PostgreSQL
// holds and shows a character(n) value. Strata holds character(n) values
// without their trailing blanks (what bpchar's comparisons, hashes and
// casts to text see of them) and the planner puts the blanks back where
// PostgreSQL shows them (planner/typmod.go). A value of n or more
// characters is itself. n is a constant.
func init() {
	register("__bpchar_pad", funcDef{
		resolve: func(args []arrow.DataType) (arrow.DataType, error) {
			return TypeText, want(args, "text", "int")
		},
		eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
			if !args[1].isConst {
				return nil, fmt.Errorf("__bpchar_pad: the width must be a constant")
			}
			width, _ := args[1].cnst.(int64)
			if args[0].isConst {
				v, ok := args[0].cnst.(string)
				if !ok {
					return array.MakeArrayOfNull(memory.DefaultAllocator, TypeText, n), nil
				}
				return constText(BlankPad(v, int(width)), n), nil
			}
			return blankPadArray(args[0].arr, int(width)), nil
		},
	})
}

// BlankPad is s followed by the blanks that make it n characters long.
func BlankPad(s string, n int) string {
	k := n - utf8.RuneCountInString(s)
	if k <= 0 {
		return s
	}
	b := make([]byte, len(s)+k)
	copy(b, s)
	for i := len(s); i < len(b); i++ {
		b[i] = ' '
	}
	return string(b)
}

// blankPadArray pads every value of a text array (plain or a tag's
// dictionary) to n characters, in one pass over its bytes.
func blankPadArray(a arrow.Array, n int) arrow.Array {
	get := textAccessor(a)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(a.Len())
	var buf []byte
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		s := get(i)
		k := n - utf8.RuneCountInString(s)
		if k <= 0 {
			b.Append(s)
			continue
		}
		buf = append(buf[:0], s...)
		for ; k > 0; k-- {
			buf = append(buf, ' ')
		}
		b.BinaryBuilder.Append(buf)
	}
	return b.NewArray()
}

// constText is n rows of the text s.
func constText(s string, n int) arrow.Array {
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		b.Append(s)
	}
	return b.NewArray()
}
