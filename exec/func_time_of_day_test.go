package exec

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestParseTimeOfDay reads time input as PostgreSQL 15 does (each case
// checked with '...'::time there).
func TestParseTimeOfDay(t *testing.T) {
	now := time.Date(2024, 7, 1, 18, 45, 30, 123456789, time.UTC)
	for _, tt := range []struct{ in, want string }{
		{"10:30", "10:30:00"},
		{" 1:2:3 ", "01:02:03"},
		{"103015", "10:30:15"},
		{"1030", "10:30:00"},
		{"T10:30", "10:30:00"},
		{"10:30 PM", "22:30:00"},
		{"12:00 AM", "00:00:00"},
		{"12:30 pm", "12:30:00"},
		{"10:30:15.1234567", "10:30:15.123457"},
		{"10:30:15.1234564999", "10:30:15.123456"},
		{"10:30:00+05", "10:30:00"},
		{"04:05:06.789-8", "04:05:06.789"},
		{"10:30:15.5 -08:00", "10:30:15.5"},
		{"10:30 PST", "10:30:00"},
		{"10:30:00 Z", "10:30:00"},
		{"2024-01-01 10:30:00", "10:30:00"},
		{"allballs", "00:00:00"},
		{"24:00", "24:00:00"},
		{"10:30:60", "10:31:00"},
		{"23:59:60", "24:00:00"},
		{"0:30 AM", "00:30:00"},
		{"0:30 PM", "12:30:00"},
		{"10:30:", "10:30:00"},
		{"10:30.5", "00:10:30.5"},
		{"1030.5", "10:30:00.5"},
		{"103015.5", "10:30:15.5"},
		{"040506-08", "04:05:06"},
		{"10:30 +05 AM", "10:30:00"},
		{"2024-01-01 10:30 America/New_York", "10:30:00"},
		{"now", "20:45:30.123457"}, // in Europe/Berlin, summer
	} {
		ns, err := ParseTimeOfDay(tt.in, time.FixedZone("CEST", 2*3600), now)
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, FormatInterval(TimeOfDay(ns)), tt.in)
	}
	for _, tt := range []struct{ in, err string }{
		{"10:30 America/New_York", `invalid input syntax for type time: "10:30 America/New_York"`},
		{"2024-01-01T10:30:00Z", `invalid input syntax for type time: "2024-01-01T10:30:00Z"`},
		{"Jan 1 2024 10:30", `invalid input syntax for type time: "Jan 1 2024 10:30"`},
		{"10", `invalid input syntax for type time: "10"`},
		{"10.30", `invalid input syntax for type time: "10.30"`},
		{"", `invalid input syntax for type time: ""`},
		{"4 PM", `invalid input syntax for type time: "4 PM"`},
		{"10:30 PM PM", `invalid input syntax for type time: "10:30 PM PM"`},
		{"24:00:01", `date/time field value out of range: "24:00:01"`},
		{"25:00", `date/time field value out of range: "25:00"`},
		{"10:60", `date/time field value out of range: "10:60"`},
		{"23:59:60.5", `date/time field value out of range: "23:59:60.5"`},
		{"13:00 PM", `date/time field value out of range: "13:00 PM"`},
		{"2024-02-30 10:30", `date/time field value out of range: "2024-02-30 10:30"`},
		{"10:30 p.m.", `invalid input syntax for type time: "10:30 p.m."`},
	} {
		_, err := ParseTimeOfDay(tt.in, time.UTC, now)
		require.EqualError(t, err, tt.err, tt.in)
	}
}

// TestTimeOfDayAcrossZoneChanges: a timestamptz's time of day is its
// reading on the session's clock, through daylight-saving changes and
// across offsets that changed in history, as time.In reads it.
func TestTimeOfDayAcrossZoneChanges(t *testing.T) {
	for _, zone := range []string{"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		r := rand.New(rand.NewPCG(1, 2))
		b := array.NewTimestampBuilder(memory.DefaultAllocator, TypeTimestamptz)
		var want []int64
		// Sorted runs (as stored) and random jumps, over a century.
		ts := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
		for i := 0; i < 20000; i++ {
			if i%1000 == 0 {
				ts = time.Date(1950+r.IntN(100), 1, 1, 0, 0, 0, 0, time.UTC).UnixNano() + r.Int64N(int64(365*24*time.Hour))
			}
			ts += r.Int64N(int64(6 * time.Hour))
			b.Append(arrow.Timestamp(ts))
			tm := time.Unix(0, ts).In(loc)
			want = append(want, int64(tm.Hour())*int64(time.Hour)+int64(tm.Minute())*int64(time.Minute)+
				int64(tm.Second())*int64(time.Second)+int64(tm.Nanosecond()/1000*1000))
		}
		b.AppendNull()
		arr := b.NewArray()
		c := NewCtx()
		c.Location = loc
		out, err := functions["__time_of_day"].eval(c, []arg{{arr: arr, dt: TypeTimestamptz}}, arr.Len())
		require.NoError(t, err)
		got := out.(*array.MonthDayNanoInterval)
		for i, w := range want {
			require.Equal(t, w, got.Value(i).Nanoseconds, "%s: %s", zone, time.Unix(0, int64(arr.(*array.Timestamp).Value(i))).UTC())
		}
		require.True(t, got.IsNull(len(want)))
		arr.Release()
		out.Release()
	}
}

// TestTimeArithmetic: time ± interval wraps at midnight and ignores days
// and months; interval::time keeps the time part; time(p) rounds.
func TestTimeArithmetic(t *testing.T) {
	tod := func(s string) Expr {
		ns, err := ParseTimeOfDay(s, time.UTC, time.Now())
		require.NoError(t, err)
		return lit(TimeOfDay(ns))
	}
	for _, tt := range []struct {
		e    Expr
		want string
	}{
		{call(t, "__time_add", tod("23:00"), lit(ivl(t, "2 hours 1 day")), lit(1)), "01:00:00"},
		{call(t, "__time_add", tod("01:00"), lit(ivl(t, "2 hours")), lit(-1)), "23:00:00"},
		{call(t, "__time_add", tod("24:00"), lit(ivl(t, "0")), lit(1)), "00:00:00"},
		{call(t, "__time_add", tod("10:00"), lit(ivl(t, "1 mon 49 hours")), lit(1)), "11:00:00"},
		{call(t, "__time_add", tod("10:00"), &Literal{V: nil, DT: TypeInterval}, lit(1)), "NULL"},
		{call(t, "__interval_time", lit(ivl(t, "25 hours"))), "01:00:00"},
		{call(t, "__interval_time", lit(ivl(t, "-1 hours"))), "23:00:00"},
		{call(t, "__interval_time", lit(ivl(t, "3 days 02:00"))), "02:00:00"},
		{call(t, "__time_round", tod("10:30:15.56"), lit(1)), "10:30:15.6"},
		{call(t, "__time_round", tod("23:59:59.9"), lit(0)), "24:00:00"},
		{call(t, "make_time", lit(10), lit(30), lit(15.5)), "10:30:15.5"},
		{call(t, "make_time", lit(24), lit(0), lit(0)), "24:00:00"},
	} {
		got, err := evalOne(t, tt.e)
		require.NoError(t, err, tt.e.String())
		require.Equal(t, tt.want, got, tt.e.String())
	}
	_, err := evalOne(t, call(t, "make_time", lit(25), lit(0), lit(0)))
	require.EqualError(t, err, "time field value out of range: 25:00:00")
	_, err = evalOne(t, call(t, "make_time", lit(10), lit(30), lit(5.5)))
	require.NoError(t, err)
	_, err = evalOne(t, call(t, "make_time", lit(10), lit(60), lit(0)))
	require.EqualError(t, err, "time field value out of range: 10:60:00")
}

// FuzzParseTimeOfDay: no text panics the time reader; what it reads is a
// time of day, in microseconds; every failure says why.
func FuzzParseTimeOfDay(f *testing.F) {
	for _, s := range []string{"10:30", "10:30:15.123456789 PM", "103015", "T1030", "2024-01-01 24:00", "04:05-8", "10:30 +05:30", "allballs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ns, err := ParseTimeOfDay(s, time.UTC, time.Unix(0, 0))
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		require.True(t, ns >= 0 && ns <= nanosPerDay && ns%1000 == 0, "%q read as %d", s, ns)
	})
}

// BenchmarkTimeOfDay: timestamptz::time over a stored batch's times (10 s
// apart, sorted), in UTC and in a zone with daylight-saving changes.
func BenchmarkTimeOfDay(b *testing.B) {
	const n = 8192
	tb := array.NewTimestampBuilder(memory.DefaultAllocator, TypeTimestamptz)
	start := time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC).UnixNano()
	for i := 0; i < n; i++ {
		tb.Append(arrow.Timestamp(start + int64(i)*int64(10*time.Second)))
	}
	arr := tb.NewArray()
	defer arr.Release()
	for _, zone := range []string{"UTC", "America/New_York"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(b, err)
		b.Run(zone, func(b *testing.B) {
			c := NewCtx()
			c.Location = loc
			b.SetBytes(n * 8)
			for i := 0; i < b.N; i++ {
				out, err := functions["__time_of_day"].eval(c, []arg{{arr: arr, dt: TypeTimestamptz}}, n)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
	}
}
