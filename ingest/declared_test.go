package ingest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// TestDeclaredTypesLP: line protocol written to columns SQL declared
// integer, smallint, real, varchar(n), char(n) or numeric(p,s) is kept
// within those types, per line: a value the type cannot hold rejects its
// line, naming it, the column and the type; reals are rounded to single
// precision, numerics to their places and spaces past a length cut, as SQL
// writes do; the other lines are stored.
func TestDeclaredTypesLP(t *testing.T) {
	s := newServer(t, Options{})
	require.NoError(t, s.engine.CreateTable(context.Background(), "db", "item", []storage.ColumnMeta{
		{Name: "time", Type: storage.TypeTime}, {Name: "code", Type: storage.TypeTag, SQLType: "character varying(4)"},
		{Name: "n", Type: storage.TypeInt, SQLType: "integer"}, {Name: "s", Type: storage.TypeInt, SQLType: "smallint"},
		{Name: "r", Type: storage.TypeFloat, SQLType: "real"}, {Name: "c", Type: storage.TypeString, SQLType: "character(3)"},
		{Name: "b", Type: storage.TypeInt}, {Name: "p", Type: storage.TypeFloat, SQLType: "numeric(6,2)"},
	}))
	lp := "item,code=ab n=2147483647i,s=-32768i,r=0.1,c=\"x  \",b=5000000000i,p=1.005 1\n" + // 1: all fit
		"item,code=abcde n=1i 2\n" + // 2: tag too long
		"item,code=ab n=2147483648i 3\n" + // 3
		"item,code=ab s=40000i 4\n" + // 4
		"item,code=ab r=1e300 5\n" + // 5
		"item,code=ab c=\"long\" 6\n" + // 6
		"item,code=abcd\\ \\  c=\"yz     \",r=2.5 7\n" + // 7: spaces past the lengths are cut
		"item,code=ab n=-2147483648i 8\n" + // 8: the column known from line 1 is checked too
		"item,code=ab n=-2147483649i 9\n" + // 9
		"item,code=ab p=9999.995 10\n" // 10: rounds to 10000.00
	code, body := s.do("POST", "/api/v3/write_lp?db=db&precision=ns", []byte(lp))
	require.Equal(t, 400, code, body)
	var got struct {
		Data []struct {
			Message string `json:"error_message"`
			Line    int    `json:"line_number"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got), body)
	want := map[int]string{
		2:  `tag "code": value too long for type character varying(4) (the column's declared type)`,
		3:  `field "n": integer out of range (the column's declared type)`,
		4:  `field "s": smallint out of range (the column's declared type)`,
		5:  `field "r": value out of range: overflow (the column's declared type)`,
		6:  `field "c": value too long for type character(3) (the column's declared type)`,
		9:  `field "n": integer out of range (the column's declared type)`,
		10: `field "p": numeric field overflow: a field with precision 6, scale 2 must round to an absolute value less than 10^4 (the column's declared type)`,
	}
	require.Len(t, got.Data, len(want), body)
	for _, d := range got.Data {
		require.Contains(t, d.Message, want[d.Line], "line %d", d.Line)
	}
	require.Equal(t, []string{
		"1970-01-01T00:00:00.000000001Z code=ab n=2147483647 s=-32768 r=0.10000000149011612 c=x b=5000000000 p=1.01",
		"1970-01-01T00:00:00.000000007Z code=abcd r=2.5 c=yz",
		"1970-01-01T00:00:00.000000008Z code=ab n=-2147483648",
	}, s.rows("db", "item"))
}
