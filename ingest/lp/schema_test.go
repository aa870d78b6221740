package lp

import (
	"testing"

	"github.com/stratadb/strata/storage"
	"github.com/stretchr/testify/require"
)

// TestSchemaConflicts checks lines against existing columns (Options.Schema)
// and against columns earlier in the same batch.
func TestSchemaConflicts(t *testing.T) {
	existing := map[string]storage.ColumnType{
		"cpu.host":  storage.TypeTag,
		"cpu.usage": storage.TypeFloat,
		"cpu.count": storage.TypeInt,
		"cpu.big":   storage.TypeUint,
		"cpu.msg":   storage.TypeString,
		"cpu.up":    storage.TypeBool,
	}
	for _, tc := range []struct {
		name, line, err string
	}{
		{"same types", `cpu,host=a usage=1,count=2i,big=3u,msg="x",up=t`, ""},
		{"new columns", `cpu,region=eu new=1i`, ""},
		{"other table", `mem,usage=a count=1.5`, ""},
		{"float got integer", `cpu usage=1i`, "invalid column type for column 'usage', expected float, got integer"},
		{"integer got float", `cpu count=1`, "invalid column type for column 'count', expected integer, got float"},
		{"integer got unsigned", `cpu count=1u`, "invalid column type for column 'count', expected integer, got unsigned integer"},
		{"unsigned got integer", `cpu big=1i`, "invalid column type for column 'big', expected unsigned integer, got integer"},
		{"string got boolean", `cpu msg=true`, "invalid column type for column 'msg', expected string, got boolean"},
		{"boolean got string", `cpu up="true"`, "invalid column type for column 'up', expected boolean, got string"},
		{"field on a tag", `cpu host=1`, "invalid column type for column 'host', expected tag, got float"},
		{"tag on a field", `cpu,usage=high count=1i`, "invalid column type for column 'usage', expected float, got tag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			schema := &mapSchema{cols: existing, calls: map[string]int{}}
			var p Parser
			// The line twice: the schema is asked once per column all the same.
			res := p.Parse([]byte(tc.line+"\n"+tc.line+"\n"), Options{Schema: schema})
			checkResult(t, res)
			for k, n := range schema.calls {
				require.Equal(t, 1, n, "schema asked %d times for %s", n, k)
			}
			if tc.err == "" {
				require.Zero(t, res.ErrorCount, "%v", res.Errors)
				return
			}
			require.Equal(t, 2, res.ErrorCount)
			require.Equal(t, tc.err, res.Errors[0].Reason)
			require.Equal(t, 1, res.Errors[0].Line)
			require.Equal(t, 2, res.Errors[1].Line)
		})
	}
}

// TestBatchConflicts checks type conflicts within one batch: the first line
// fixes the column, the second conflicts.
func TestBatchConflicts(t *testing.T) {
	for _, tc := range []struct {
		name, first, second, err string
		col                      int
	}{
		{"float then integer", "m f=1", "m f=2i", "invalid column type for column 'f', expected float, got integer", 3},
		{"integer then float", "m f=1i", "m g=1,f=2", "invalid column type for column 'f', expected integer, got float", 7},
		{"string then bool", `m s="a"`, "m s=t", "invalid column type for column 's', expected string, got boolean", 3},
		{"uint then int", "m u=1u", "m u=-1i", "invalid column type for column 'u', expected unsigned integer, got integer", 3},
		{"tag then field", "m,t=a f=1", "m f=1,t=2", "invalid column type for column 't', expected tag, got float", 7},
		{"field then tag", "m f=1", "m,f=a g=1", "invalid column type for column 'f', expected float, got tag", 3},
		{"other table is separate", "m f=1", "n f=1i", "", 0},
		{"tag and field in one line", "m g=1", "m,x=a x=1", `"x" is both a tag and a field`, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p Parser
			res := p.Parse([]byte(tc.first+"\n"+tc.second+"\n"+tc.first+"\n"), Options{})
			checkResult(t, res)
			if tc.err == "" {
				require.Zero(t, res.ErrorCount)
				return
			}
			require.Equal(t, 1, res.ErrorCount)
			require.Equal(t, 2, res.Rows)
			e := res.Errors[0]
			require.Equal(t, tc.err, e.Reason)
			require.Equal(t, 2, e.Line)
			require.Equal(t, tc.col, e.Column)
			require.Equal(t, tc.second, e.Text)
		})
	}
}
