package ingest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSplitStatements(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want [][]string
		err  string
	}{
		{"SHOW DATABASES", [][]string{{"SHOW", "DATABASES"}}, ""},
		{"create database \"a b\";drop database x ;", [][]string{{"create", "database", "a b"}, {"drop", "database", "x"}}, ""},
		{`CREATE DATABASE "q\"uote"`, [][]string{{"CREATE", "DATABASE", `q"uote`}}, ""},
		{"  ;; ", nil, ""},
		{`CREATE DATABASE "open`, nil, "unterminated quoted identifier"},
	} {
		got, err := splitStatements(tt.in)
		if tt.err != "" {
			require.ErrorContains(t, err, tt.err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

func FuzzSplitStatements(f *testing.F) {
	for _, s := range []string{"SHOW DATABASES", `CREATE DATABASE "x" WITH DURATION 1d`, "a;b;\"c\\\"d\"", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		stmts, err := splitStatements(q)
		if err != nil {
			return
		}
		for _, s := range stmts {
			require.NotEmpty(t, s)
			for _, w := range s {
				if !strings.ContainsAny(q, "\"'") {
					require.NotContains(t, w, ";")
					require.NotEmpty(t, w)
				}
			}
		}
	})
}
