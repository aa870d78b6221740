package sql

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlainNumber(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1.0e0", "1.0"},
		{"1.50e1", "15.0"},
		{"15e-1", "1.5"},
		{"1e2", "100."},
		{"1E+3", "1000."},
		{".5e1", "5."},
		{"5.e-1", "0.5"},
		{"1.5e-1", "0.15"},
		{"1e-10", "0.0000000001"},
		{"0e5", "0."},
		{"00.1e1", "1."},
		{"1e39", "1000000000000000000000000000000000000000."},
		{"1e40", "1e40"}, // past 40 digits: stays a float constant
		{"1e-40", "0.0000000000000000000000000000000000000001"},
		{"1e-41", "1e-41"},
		{"1e308", "1e308"},
		{"12", "12"},
		{"1.25", "1.25"},
	} {
		assert.Equal(t, c.want, plainNumber(c.in), c.in)
	}
}
