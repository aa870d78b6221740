package exec

import (
	"fmt"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
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
					return broadcast(c, nil, TypeText, n)
				}
				return broadcast(c, BlankPad(v, int(width)), TypeText, n)
			}
			return blankPadArray(c, args[0].arr, int(width)), nil
		},
	})
}

// BlankPad is s followed by the blanks that make it n characters long.
func BlankPad(s string, n int) string {
	if utf8.RuneCountInString(s) >= n {
		return s
	}
	return string(appendBlankPad(nil, s, n))
}

// appendBlankPad appends s and the blanks that make it n characters long
// to dst.
func appendBlankPad(dst []byte, s string, n int) []byte {
	dst = append(dst, s...)
	for k := n - utf8.RuneCountInString(s); k > 0; k-- {
		dst = append(dst, ' ')
	}
	return dst
}

// blankPadArray pads every value of a text array (plain or a tag's
// dictionary) to n characters, in one pass over its bytes and one buffer
// for all of them.
func blankPadArray(c *Ctx, a arrow.Array, n int) arrow.Array {
	get := textAccessor(a)
	b := array.NewStringBuilder(c.Mem)
	defer b.Release()
	b.Reserve(a.Len())
	var buf []byte
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		buf = appendBlankPad(buf[:0], get(i), n)
		b.BinaryBuilder.Append(buf)
	}
	return b.NewArray()
}
