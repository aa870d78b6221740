package flight

import (
	"github.com/stratadb/strata/planner/influxql"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzInfluxTicket: any ticket body is either a query or an error, never a
// panic; a parsed query has a database and a statement with a value for
// each parameter.
func FuzzInfluxTicket(f *testing.F) {
	for _, seed := range []string{
		`{"database":"db","sql_query":"SELECT * FROM cpu WHERE host = $host","query_type":"sql","params":{"host":"a"}}`,
		`{"namespace_name":"db","sql_query":"SELECT $1, $2","params":{"1":1,"2":2.5}}`,
		`{"bucket":"b","sql_query":"SELECT 1","query_type":"influxql"}`,
		`{"sql_query":"SELECT $a, $1"}`,
		`{"database":"db","sql_query":"","params":{"x":[1,2]}}`,
		`{`, `[]`, `null`,
	} {
		f.Add([]byte(seed), "")
	}
	f.Fuzz(func(t *testing.T, body []byte, headerDB string) {
		q, err := parseInfluxTicket(body, headerDB, func(db, text string, _ map[string]any) (*influxql.Query, error) {
			return &influxql.Query{SQL: text}, nil
		})
		if err != nil {
			return
		}
		require.NotEmpty(t, q.db)
		require.NotNil(t, q.stmt)
		require.Len(t, q.params, q.stmt.NumParams)
	})
}

// FuzzStatementHandle: handles round-trip and garbage is refused.
func FuzzStatementHandle(f *testing.F) {
	f.Add("db", "SELECT 1", []byte(`{"v":1}`))
	f.Add("", "", []byte("\x00\xff"))
	f.Fuzz(func(t *testing.T, db, sql string, garbage []byte) {
		h, err := decodeHandle(encodeHandle(db, sql))
		require.NoError(t, err)
		require.Equal(t, statementHandle{V: handleVersion, DB: toValidUTF8(db), SQL: toValidUTF8(sql)}, h)
		_, _ = decodeHandle(garbage)
	})
}

// toValidUTF8 is what encoding/json makes of a string.
func toValidUTF8(s string) string {
	var out []rune
	for _, r := range s {
		out = append(out, r)
	}
	return string(out)
}
