package lp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stratadb/strata/storage"
	"github.com/stretchr/testify/require"
)

// notNullSchema is a mapSchema with NOT NULL columns per table.
type notNullSchema struct {
	mapSchema
	notNull map[string][]string
	asked   map[string]int
}

func (s *notNullSchema) NotNull(table string) []string {
	s.asked[table]++
	return s.notNull[table]
}

// TestNotNullLines checks that a line leaving out a NOT NULL column of its
// table (NotNullSchema) is rejected, and only such a line: through the
// series cache and not, for columns the parse has seen and not.
func TestNotNullLines(t *testing.T) {
	schema := &notNullSchema{
		mapSchema: mapSchema{cols: map[string]storage.ColumnType{
			"cpu.host": storage.TypeTag, "cpu.usage": storage.TypeFloat, "cpu.idle": storage.TypeFloat,
			"disk.used": storage.TypeInt,
		}, calls: map[string]int{}},
		notNull: map[string][]string{"cpu": {"host", "usage"}, "disk": {"used"}},
		asked:   map[string]int{},
	}
	body := strings.Join([]string{
		`cpu,host=a idle=1 20`,                     // 1: no usage, the table's first line
		`cpu,host=a usage=1 10`,                    // 2
		`cpu,host=a idle=1 20`,                     // 3: no usage, through the series cache
		`cpu usage=2 30`,                           // 4: no host
		`cpu,host=b usage=3,idle=2 40`,             // 5
		`mem free=1 1`,                             // 6: no NOT NULL column
		`disk,dev=a note="two` + "\n" + `lines" 1`, // 7-8: no used; the string's newline is in the line
		`disk,dev=a used=1i 2`,                     // 9
		`cpu,host=c idle=2,usage=4 50`,             // 10
	}, "\n")
	var p Parser
	res := p.Parse([]byte(body), Options{Schema: schema, Precision: Nanosecond})
	checkResult(t, res)
	require.Equal(t, 5, res.Rows)
	var got []string
	for _, e := range res.Errors {
		got = append(got, fmt.Sprintf("%d %d %s", e.Line, e.Column, e.Reason))
	}
	require.Equal(t, []string{
		`1 12 column "usage" of table "cpu" is NOT NULL and the line gives it no value`,
		`3 12 column "usage" of table "cpu" is NOT NULL and the line gives it no value`,
		`4 5 column "host" of table "cpu" is NOT NULL and the line gives it no value`,
		`7 12 column "used" of table "disk" is NOT NULL and the line gives it no value`,
	}, got)
	require.Equal(t, map[string]int{"cpu": 2, "mem": 1, "disk": 2}, schema.asked,
		"asked once per table, and for each line before the table's first row")
	var cpu *storage.TableBatch
	for _, b := range res.Tables {
		if b.Table == "cpu" {
			cpu = b
		}
	}
	require.Equal(t, []int64{10, 40, 50}, cpu.Time)
	require.NoError(t, cpu.CheckNotNull([]string{"host", "usage"}), "what the parser keeps, storage takes")
}
