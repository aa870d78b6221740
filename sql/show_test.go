package sql

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInfluxShow checks InfluxDB 3's SHOW TABLES and SHOW COLUMNS become
// information_schema queries while PostgreSQL's SHOW of a setting stays a
// session command.
func TestInfluxShow(t *testing.T) {
	for _, tc := range []struct {
		text, contains string
		kind           Kind
	}{
		{"SHOW TABLES", `"information_schema"."tables"`, Select},
		{"show tables;", `"information_schema"."tables"`, Select},
		{"SHOW COLUMNS FROM cpu", `"table_name" = 'cpu'`, Select},
		{`SHOW COLUMNS IN "Cpu"`, `"table_name" = 'Cpu'`, Select},
		{"SHOW COLUMNS FROM public.cpu", `"table_schema" = 'public'`, Select},
		{"SHOW COLUMNS FROM o'x", "", Show}, // not a name: a setting's SHOW, which fails there
		{"SHOW timezone", "", Show},
		{"SHOW tables_x", "", Show},
	} {
		stmts, err := Parse(tc.text)
		if tc.kind == Show && err != nil {
			continue // a syntax error of PostgreSQL's SHOW is fine too
		}
		require.NoError(t, err, tc.text)
		require.Len(t, stmts, 1)
		require.Equal(t, tc.kind, stmts[0].Kind, tc.text)
		require.Contains(t, stmts[0].Rewritten, tc.contains, tc.text)
		require.Equal(t, tc.text[:len(stmts[0].Text)], stmts[0].Text)
	}
}
