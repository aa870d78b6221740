package ingest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// TestNotNullLP: a line that gives a NOT NULL column of its table no
// value is rejected, naming the line and the column; the other lines are
// stored (a partial write), and a write without accept_partial stores
// nothing.
func TestNotNullLP(t *testing.T) {
	s := newServer(t, Options{})
	require.NoError(t, s.engine.CreateTable(context.Background(), "db", "cond", []storage.ColumnMeta{
		{Name: "time", Type: storage.TypeTime}, {Name: "loc", Type: storage.TypeTag, NotNull: true},
		{Name: "temp", Type: storage.TypeFloat, NotNull: true}, {Name: "hum", Type: storage.TypeFloat},
	}))
	lp := "cond,loc=a temp=20,hum=50 1\n" + // 1
		"cond,loc=a hum=51 2\n" + // 2: no temp
		"cond temp=21 3\n" + // 3: no loc
		"cond,loc=b temp=22 4\n" // 4
	code, body := s.do("POST", "/api/v3/write_lp?db=db&precision=ns", []byte(lp))
	require.Equal(t, 400, code, body)
	var got struct {
		Error string `json:"error"`
		Data  []struct {
			Message string `json:"error_message"`
			Line    int    `json:"line_number"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got), body)
	require.Equal(t, "partial write of line protocol occurred", got.Error)
	require.Len(t, got.Data, 2, body)
	require.Equal(t, 2, got.Data[0].Line)
	require.Contains(t, got.Data[0].Message, `column "temp" of table "cond" is NOT NULL and the line gives it no value`)
	require.Equal(t, 3, got.Data[1].Line)
	require.Contains(t, got.Data[1].Message, `column "loc" of table "cond" is NOT NULL and the line gives it no value`)
	stored := []string{"1970-01-01T00:00:00.000000001Z loc=a temp=20 hum=50", "1970-01-01T00:00:00.000000004Z loc=b temp=22"}
	require.Equal(t, stored, s.rows("db", "cond"))

	code, body = s.do("POST", "/api/v3/write_lp?db=db&precision=ns&accept_partial=false", []byte("cond,loc=c temp=1 5\ncond,loc=c hum=1 6\n"))
	require.Equal(t, 400, code, body)
	require.Contains(t, body, "nothing was written")
	require.Contains(t, body, `column \"temp\" of table \"cond\" is NOT NULL`)
	require.Equal(t, stored, s.rows("db", "cond"))
}
