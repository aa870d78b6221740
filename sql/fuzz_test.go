package sql

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// FuzzParse checks that Parse never panics, that error positions lie within
// the input (or one past its end), and that re-parsing a statement's own
// Text gives the same rewrite (splitting and rewriting are idempotent).
func FuzzParse(f *testing.F) {
	for _, c := range readCases(f, "testdata/cases.sql") {
		f.Add(c.sql)
	}
	for _, c := range readCases(f, "testdata/tsbs.sql") {
		f.Add(c.sql)
	}
	for _, c := range corpusCases(f) {
		f.Add(c.sql)
	}
	f.Fuzz(func(t *testing.T, q string) {
		stmts, err := Parse(q)
		if err != nil {
			var pe *Error
			require.True(t, errors.As(err, &pe), "untyped error %v", err)
			require.GreaterOrEqual(t, pe.Position, 0)
			require.LessOrEqual(t, pe.Position, utf8.RuneCountInString(q)+1)
			require.NotEmpty(t, pe.SQLState)
			return
		}
		require.NotEmpty(t, stmts)
		for _, st := range stmts {
			if st.Kind == Empty {
				continue
			}
			require.Equal(t, st.Text, q[st.Offset:st.Offset+len(st.Text)])
			again, err := Parse(st.Text)
			require.NoError(t, err, st.Text)
			require.Len(t, again, 1)
			require.Equal(t, st.Kind, again[0].Kind)
			require.Equal(t, st.Rewritten, again[0].Rewritten)
			require.Equal(t, st.Params, again[0].Params)
		}
	})
}

// BenchmarkParse parses the TSBS queries; ns/op is per statement.
func BenchmarkParse(b *testing.B) {
	cases := readCases(b, "testdata/tsbs.sql")
	var bytes int64
	for _, c := range cases {
		bytes += int64(len(c.sql))
	}
	b.SetBytes(bytes / int64(len(cases)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := cases[i%len(cases)]
		if _, err := Parse(c.sql); err != nil {
			b.Fatal(err)
		}
	}
}
