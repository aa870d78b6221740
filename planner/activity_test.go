package planner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestQueryLog: the log is a ring of the latest entries, by database, with
// each query's phase; long texts are cut at a character.
func TestQueryLog(t *testing.T) {
	a := &Activity{LogSize: 3}
	e1 := a.Begin("db", "sql", "one", 0)
	e1.Planned()
	e1.End(nil, nil)
	e2 := a.Begin("db", "sql", "two", 0)
	e2.End(nil, errors.New("bad"))
	e3 := a.Begin("other", "sql", "three", 0)
	e3.End(nil, &Error{Code: "57014"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e4 := a.Begin("db", "influxql", strings.Repeat("é", 3000), 0)
	e4.End(ctx, errors.New("stopped"))
	e4.End(nil, nil) // a second End changes nothing
	rows := a.queries("db")
	require.Len(t, rows, 2, "the ring keeps 3, one of another database")
	require.Equal(t, []string{"two", "fail"}, []string{rows[0].text, rows[0].phase})
	require.Equal(t, "cancel", rows[1].phase)
	require.True(t, rows[1].cancelled)
	require.Len(t, rows[1].text, 4096, "cut to 4 KiB, whole characters")
	require.Equal(t, "cancel", a.queries("other")[0].phase)
	var nilAct *Activity
	nilAct.Begin("db", "sql", "x", 0).End(nil, nil) // records nothing, without a panic
	require.False(t, nilAct.Signal(1, false))
}
