package lp

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParse checks, for any input: no panic, valid batches, every line either
// a row or an error, and that the accepted rows written back as line protocol
// parse to identical batches.
func FuzzParse(f *testing.F) {
	for _, file := range corpusFiles(f) {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	var p, q Parser
	f.Fuzz(func(t *testing.T, data []byte) {
		res := p.Parse(data, Options{Precision: Auto, Now: 42})
		checkResult(t, res)
		again := q.Parse(encode(res.Tables), Options{Precision: Nanosecond})
		require.Zero(t, again.ErrorCount, "re-encoded rows rejected: %v", again.Errors)
		require.Equal(t, res.Rows, again.Rows)
		require.Equal(t, res.Tables, again.Tables)
	})
}
