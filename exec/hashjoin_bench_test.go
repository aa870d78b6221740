package exec

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// joinBatches makes TSBS-like rows (time, host): hosts series of rows
// one 10 s apart, in batches of 8192.
func joinBatches(b testing.TB, hosts, perHost int) []arrow.Record {
	var recs []arrow.Record
	var ts, hs []any
	flush := func() {
		recs = append(recs, recordOf(b, col{"time", TypeInt, ts}, col{"host", TypeTag, hs}))
		ts, hs = nil, nil
	}
	for i := 0; i < perHost; i++ {
		for h := 0; h < hosts; h++ {
			ts = append(ts, i*10_000_000_000)
			hs = append(hs, fmt.Sprintf("host_%d", h))
			if len(ts) == 8192 {
				flush()
			}
		}
	}
	if len(ts) > 0 {
		flush()
	}
	return recs
}

// BenchmarkHashJoinTwoKeys joins an hour of 100 hosts' rows (36,000) with a
// day of them (864,000, the build side) on (time, host), as a self-join of
// TSBS's cpu table on time and hostname does.
func BenchmarkHashJoinTwoKeys(b *testing.B) {
	build := joinBatches(b, 100, 8640)
	probe := joinBatches(b, 100, 360)
	c := NewCtx()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		l, r := build[0], probe[0]
		j := NewHashJoin(c, JoinInner, NewValues(probe[0].Schema(), probe...), NewValues(build[0].Schema(), build...),
			[]Expr{colRef(r, "time"), colRef(r, "host")}, []Expr{colRef(l, "time"), colRef(l, "host")}, nil)
		rows := 0
		for {
			rec, err := j.Next(bg)
			require.NoError(b, err)
			if rec == nil {
				break
			}
			rows += int(rec.NumRows())
		}
		j.Close()
		require.Equal(b, 36000, rows)
	}
}

// BenchmarkAsofJoin joins a day of 100 hosts' rows (864,000) with
// themselves on host and the latest earlier time (time > time): every row
// finds its series' previous row, as lag() over (PARTITION BY host ORDER
// BY time) would.
func BenchmarkAsofJoin(b *testing.B) {
	rows := joinBatches(b, 100, 8640)
	c := NewCtx()
	r := rows[0]
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		j := NewAsofJoin(c, false, NewValues(r.Schema(), rows...), NewValues(r.Schema(), rows...),
			[]Expr{colRef(r, "host")}, []Expr{colRef(r, "host")}, colRef(r, "time"), colRef(r, "time"), Gt)
		got := 0
		for {
			rec, err := j.Next(bg)
			require.NoError(b, err)
			if rec == nil {
				break
			}
			got += int(rec.NumRows())
		}
		j.Close()
		require.Equal(b, 864000-100, got)
	}
}
