package sql

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestErrorPositions checks SQLSTATE, message and 1-based character
// position of errors listed in testdata/errors.tsv.
func TestErrorPositions(t *testing.T) {
	b, err := os.ReadFile("testdata/errors.tsv")
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "\t", 4)
		require.Len(t, f, 4, line)
		input := strings.ReplaceAll(f[3], `\n`, "\n")
		pos, err := strconv.Atoi(f[1])
		require.NoError(t, err)
		t.Run(input, func(t *testing.T) {
			_, perr := Parse(input)
			var pe *Error
			require.ErrorAs(t, perr, &pe)
			require.Equal(t, f[0], pe.SQLState)
			require.Equal(t, f[2], pe.Message)
			require.Equal(t, pos, pe.Position)
		})
		n++
	}
	require.Greater(t, n, 20)
}
