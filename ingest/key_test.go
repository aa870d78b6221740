package ingest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/storage"
)

// TestKeyedTableLP: a line that would add a tag to a table with a declared
// key is rejected, naming the line, the tag and the key; the other lines
// are written; once the key is dropped the tag is added.
func TestKeyedTableLP(t *testing.T) {
	s := newServer(t, Options{})
	ctx := context.Background()
	require.NoError(t, s.engine.CreateKeyedTable(ctx, "db", "cond", []storage.ColumnMeta{
		{Name: "time", Type: storage.TypeTime}, {Name: "loc", Type: storage.TypeTag, NotNull: true}, {Name: "temp", Type: storage.TypeFloat},
	}, storage.TableKey{Name: "cond_pkey", Primary: true, Columns: []int{1, 2}}))
	lp := "cond,loc=a temp=20 1\n" + // 1
		"cond,loc=a,site=x temp=21 2\n" + // 2: a new tag
		"cond,loc=b temp=22,note=\"n\" 3\n" + // 3: a new field is fine
		"cond,loc=c,site=y temp=23 4\n" + // 4: the new tag again
		"other,site=x v=1 5\n" // 5: another table
	code, body := s.do("POST", "/api/v3/write_lp?db=db&precision=ns", []byte(lp))
	require.Equal(t, 400, code, body)
	var got struct {
		Data []struct {
			Message string `json:"error_message"`
			Line    int    `json:"line_number"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got), body)
	require.Len(t, got.Data, 2, body)
	for i, line := range []int{2, 4} {
		require.Equal(t, line, got.Data[i].Line)
		require.Contains(t, got.Data[i].Message, `tag "site" is new to table "cond", whose key cond_pkey (time, loc) tells its rows apart: a write cannot add a tag to it`)
	}
	require.Equal(t, []string{"1970-01-01T00:00:00.000000001Z loc=a temp=20", "1970-01-01T00:00:00.000000003Z loc=b temp=22 note=n"}, s.rows("db", "cond"))
	require.Equal(t, []string{"1970-01-01T00:00:00.000000005Z site=x v=1"}, s.rows("db", "other"))

	require.NoError(t, s.engine.DropKey(ctx, "db", "cond"))
	code, body = s.do("POST", "/api/v3/write_lp?db=db&precision=ns", []byte("cond,loc=a,site=x temp=21 2\n"))
	require.Equal(t, 204, code, body)
}
