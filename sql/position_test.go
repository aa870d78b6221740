package sql

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNamePosition(t *testing.T) {
	for _, tc := range []struct {
		text  string
		parts []string
		want  int
	}{
		{"select x.a from t", []string{"x", "a"}, 8},
		{"select t.a, a from t", []string{"a"}, 13},                   // not the a of t.a
		{"select a.b.c, b from t", []string{"b"}, 15},                 // not the middle of a.b.c
		{"select x.a.b from t where x.a = 1", []string{"x", "a"}, 27}, // x.a.b is longer
		{`select "X".a, X.a from t`, []string{"x", "a"}, 15},          // "X" is not x
		{`select "X".a from t`, []string{"X", "a"}, 8},
		{"select é, é.nope from t", []string{"é", "nope"}, 11}, // characters, not bytes
		{"select 'x.a' from t", []string{"x", "a"}, 0},         // inside a string
		{"select 1", []string{"missing"}, 0},
		{"select 'unterminated", []string{"x"}, 0},
		{"select 1", nil, 0},
		{"select 1 as nosuch from t where nosuch > 0", []string{"nosuch"}, 33}, // not the alias
	} {
		assert.Equal(t, tc.want, NamePosition(tc.text, tc.parts...), "%s %v", tc.text, tc.parts)
	}
	assert.Equal(t, 20, RelationPosition("select nosuch from nosuch", "nosuch"))
	assert.Equal(t, 13, RelationPosition("insert into nosuch select 1", "nosuch"))
	assert.Equal(t, 18, RelationPosition("select * from a, nosuch", "nosuch")) // after a comma: the first
}
