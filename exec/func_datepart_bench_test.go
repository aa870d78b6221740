package exec

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// BenchmarkDatePartEpoch is extract(epoch FROM time) over a batch of
// 10-second readings, the heart of Grafana's PostgreSQL $__timeGroup macro
// (floor(extract(epoch from time)/60)*60): in UTC it needs no calendar.
func BenchmarkDatePartEpoch(b *testing.B) {
	rec := tenSecondReadings(b)
	defer rec.Release()
	e := call(b, "date_part", lit("epoch"), &Column{Index: 0, Name: "time", DT: TypeTimestamptz})
	evalLoop(b, e, rec)
}

// BenchmarkFloatFunctions are floor, round and round(x, 2) over a batch of
// floats: typed loops, not a boxed value per row.
func BenchmarkFloatFunctions(b *testing.B) {
	vals := make([]any, BatchRows)
	for i := range vals {
		vals[i] = float64(i) / 7
	}
	rec := recordOf(b, col{"x", TypeFloat, vals})
	defer rec.Release()
	x := &Column{Index: 0, Name: "x", DT: TypeFloat}
	for _, tc := range []struct {
		name string
		e    Expr
	}{{"floor", call(b, "floor", x)}, {"round", call(b, "round", x)}, {"round2", call(b, "round", x, lit(int64(2)))}, {"power2", call(b, "power", x, lit(2.0))}} {
		b.Run(tc.name, func(b *testing.B) {
			evalLoop(b, tc.e, rec)
		})
	}
}

// BenchmarkTimeBucket is time_bucket('1 minute', time) and date_bin of the
// same over a batch of 10-second readings (TSBS's groupings).
func BenchmarkTimeBucket(b *testing.B) {
	rec := tenSecondReadings(b)
	defer rec.Release()
	t := &Column{Index: 0, Name: "time", DT: TypeTimestamptz}
	for _, name := range []string{"time_bucket", "date_bin"} {
		args := []Expr{&Literal{V: mustInterval(b, "1 minute"), DT: TypeInterval}, t}
		if name == "date_bin" {
			args = append(args, &Literal{V: Timestamp(0), DT: TypeTimestamptz})
		}
		e := call(b, name, args...)
		b.Run(name, func(b *testing.B) { evalLoop(b, e, rec) })
	}
}

// evalLoop evaluates e over rec once per iteration of b.
func evalLoop(b *testing.B, e Expr, rec arrow.Record) {
	c := NewCtx()
	for b.Loop() {
		out, err := e.Eval(c, rec)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
}

// tenSecondReadings is a batch of one time column, a reading every 10
// seconds from 2016-01-01.
func tenSecondReadings(b *testing.B) arrow.Record {
	vals := make([]any, BatchRows)
	for i := range vals {
		vals[i] = 1451606400e9 + i*10e9
	}
	return recordOf(b, col{"time", TypeTimestamptz, vals})
}

func mustInterval(b *testing.B, s string) any {
	iv, err := ParseInterval(s)
	if err != nil {
		b.Fatal(err)
	}
	return iv
}
