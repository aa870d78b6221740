package exec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

func ts(t testing.TB, s string) Timestamp {
	t.Helper()
	ns, err := ParseTimestamp(s, time.UTC, time.Now())
	require.NoError(t, err)
	return Timestamp(ns)
}

func ivl(t testing.TB, s string) arrow.MonthDayNanoInterval {
	t.Helper()
	iv, err := ParseInterval(s)
	require.NoError(t, err)
	return iv
}

// evalOne evaluates an expression over a one-row batch and renders it.
func evalOne(t testing.TB, e Expr) (string, error) {
	t.Helper()
	rec := recordOf(t, col{"x", TypeInt, []any{1}})
	defer rec.Release()
	a, err := e.Eval(NewCtx(), rec)
	if err != nil {
		return "", err
	}
	defer a.Release()
	require.True(t, arrow.TypeEqual(a.DataType(), e.Type()) || (IsText(e.Type()) && IsText(a.DataType())), "%s: type %v, declared %v", e, a.DataType(), e.Type())
	s, ok := FormatValue(a, 0, time.UTC)
	if !ok {
		return "NULL", nil
	}
	return s, nil
}

func call(t testing.TB, name string, args ...Expr) Expr {
	t.Helper()
	c, err := NewCall(name, args)
	require.NoError(t, err)
	return c
}

func lit(v any) *Literal {
	switch v.(type) {
	case nil:
		return &Literal{V: nil, DT: TypeNull}
	case int:
		return &Literal{V: int64(v.(int)), DT: TypeInt}
	case int64:
		return &Literal{V: v, DT: TypeInt}
	case float64:
		return &Literal{V: v, DT: TypeFloat}
	case string:
		return &Literal{V: v, DT: TypeText}
	case bool:
		return &Literal{V: v, DT: TypeBool}
	case Timestamp:
		return &Literal{V: v, DT: TypeTimestamptz}
	case arrow.MonthDayNanoInterval:
		return &Literal{V: v, DT: TypeInterval}
	}
	panic("lit")
}

func TestTimeFunctions(t *testing.T) {
	tsbs := lit(ts(t, "2016-01-01 02:17:08.646325 +0000"))
	for _, tt := range []struct {
		name string
		e    Expr
		want string
	}{
		{"TSBS minute bucket", call(t, "time_bucket", lit(ivl(t, "60 seconds")), tsbs), "2016-01-01 02:17:00+00"},
		{"hour bucket", call(t, "time_bucket", lit(ivl(t, "3600 seconds")), tsbs), "2016-01-01 02:00:00+00"},
		{"week buckets start on Monday 2000-01-03", call(t, "time_bucket", lit(ivl(t, "1 week")), tsbs), "2015-12-28 00:00:00+00"},
		{"5 day buckets count from 2000-01-03", call(t, "time_bucket", lit(ivl(t, "5 days")), lit(ts(t, "2000-01-07 12:00:00+00"))), "2000-01-03 00:00:00+00"},
		{"before the origin floors down", call(t, "time_bucket", lit(ivl(t, "1 day")), lit(ts(t, "1999-12-31 23:59:59+00"))), "1999-12-31 00:00:00+00"},
		{"month buckets", call(t, "time_bucket", lit(ivl(t, "3 months")), lit(ts(t, "2016-05-17 00:00:00+00"))), "2016-04-01 00:00:00+00"},
		{"origin argument", call(t, "time_bucket", lit(ivl(t, "1 hour")), tsbs, lit(ts(t, "2016-01-01 00:30:00+00"))), "2016-01-01 01:30:00+00"},
		{"date_bin with origin", call(t, "date_bin", lit(ivl(t, "15 minutes")), tsbs, lit(ts(t, "2001-01-01"))), "2016-01-01 02:15:00+00"},
		{"date_bin defaults to the epoch", call(t, "date_bin", lit(ivl(t, "7 days")), tsbs), "2015-12-31 00:00:00+00"},
		{"date_trunc hour", call(t, "date_trunc", lit("hour"), tsbs), "2016-01-01 02:00:00+00"},
		{"date_trunc week", call(t, "date_trunc", lit("week"), tsbs), "2015-12-28 00:00:00+00"},
		{"date_trunc quarter", call(t, "date_trunc", lit("quarter"), lit(ts(t, "2016-05-17"))), "2016-04-01 00:00:00+00"},
		{"date_part epoch", call(t, "date_part", lit("epoch"), tsbs), "1451614628.646325"},
		{"date_part dow", call(t, "date_part", lit("dow"), tsbs), "5"},
		{"date_part second", call(t, "date_part", lit("second"), tsbs), "8.646325"},
		{"to_timestamp", call(t, "to_timestamp", lit(1451606400.5)), "2016-01-01 00:00:00.5+00"},
		{"timestamptz + interval", mustArith(t, Add, tsbs, lit(ivl(t, "1 month 2 hours"))), "2016-02-01 04:17:08.646325+00"},
		{"timestamptz - timestamptz", mustArith(t, Sub, lit(ts(t, "2016-01-03 01:00:00+00")), lit(ts(t, "2016-01-01"))), "2 days 01:00:00"},
		// TimescaleDB's integer time_bucket (its test/expected/timestamp-15.out).
		{"integer bucket", call(t, "time_bucket", lit(int64(10)), lit(int64(23))), "20"},
		{"integer bucket below zero", call(t, "time_bucket", lit(int64(10)), lit(int64(-23))), "-30"},
		{"integer bucket with an offset", call(t, "time_bucket", lit(int64(10)), lit(int64(23)), lit(int64(2))), "22"},
		{"integer bucket with a negative offset", call(t, "time_bucket", lit(int64(10)), lit(int64(21)), lit(int64(-2))), "18"},
		{"integer bucket at the top", call(t, "time_bucket", lit(int64(10)), lit(int64(math.MaxInt64)), lit(int64(5))), "9223372036854775805"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalOne(t, tt.e)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	_, err := evalOne(t, call(t, "date_bin", lit(ivl(t, "1 month")), tsbs))
	require.EqualError(t, err, "timestamps cannot be binned into intervals containing months or years")
	_, err = evalOne(t, call(t, "time_bucket", lit(int64(0)), lit(int64(1))))
	require.EqualError(t, err, "period must be greater than 0")
	_, err = evalOne(t, call(t, "time_bucket", lit(int64(10)), lit(int64(math.MinInt64))))
	require.EqualError(t, err, "bigint out of range")
	_, err = NewCall("time_bucket", []Expr{lit("x"), tsbs})
	require.EqualError(t, err, "function time_bucket(text, timestamp with time zone): argument 1 must be interval, not text")
}

func mustArith(t testing.TB, op ArithOp, l, r Expr) Expr {
	t.Helper()
	e, err := NewArith(op, l, r)
	require.NoError(t, err)
	return e
}

func TestParseTimestampAndInterval(t *testing.T) {
	for in, want := range map[string]string{
		"2016-01-01 02:17:08.646325 +0000": "2016-01-01 02:17:08.646325+00",
		"2016-01-01 02:17:08 +0000":        "2016-01-01 02:17:08+00",
		"2016-01-01T00:00:00Z":             "2016-01-01 00:00:00+00",
		"2024-03-31T0:00Z":                 "2024-03-31 00:00:00+00",
		"2016-01-01":                       "2016-01-01 00:00:00+00",
		"2016-01-01 05:30:00+05:30":        "2016-01-01 00:00:00+00",
		"2016-01-01 00:00:00-08":           "2016-01-01 08:00:00+00",
		"epoch":                            "1970-01-01 00:00:00+00",
	} {
		ns, err := ParseTimestamp(in, time.UTC, time.Now())
		require.NoError(t, err, in)
		require.Equal(t, want, formatTimestamp(ns), in)
	}
	for _, bad := range []string{"", "2016-13-01", "2016-02-30", "yesterday-ish", "2016/01/01 12:00 XM"} {
		_, err := ParseTimestamp(bad, time.UTC, time.Now())
		require.Error(t, err, bad)
	}
	for in, want := range map[string]string{
		"5 minutes": "00:05:00", "60 seconds": "00:01:00", "1 hour 30 mins": "01:30:00", "1h": "01:00:00",
		"2 weeks": "14 days", "1 mon": "1 mon", "1 year 2 months": "1 year 2 mons", "1 day 02:00:00": "1 day 02:00:00",
		"3 days ago": "-3 days", "1.5 days": "1 day 12:00:00", "00:00:00.25": "00:00:00.25",
	} {
		require.Equal(t, want, FormatInterval(ivl(t, in)), in)
	}
	_, err := ParseInterval("5 fortnights")
	require.ErrorContains(t, err, `unknown unit "fortnights"`)
}

func TestScalarFunctions(t *testing.T) {
	for _, tt := range []struct {
		e    Expr
		want string
	}{
		{call(t, "abs", lit(-4)), "4"},
		{call(t, "round", lit(2.5)), "2"},
		{call(t, "round", lit(3.14159), lit(2)), "3.14"},
		{call(t, "round", lit(-2.5), lit(0)), "-3"},
		{call(t, "ceil", lit(1.2)), "2"},
		{call(t, "floor", lit(-1.2)), "-2"},
		{call(t, "sqrt", lit(16)), "4"},
		{call(t, "power", lit(2), lit(10)), "1024"},
		{call(t, "ln", lit(1.0)), "0"},
		{call(t, "log", lit(1000)), "3"},
		{call(t, "log", lit(2), lit(8)), "3"},
		{call(t, "lower", lit("HeLLo")), "hello"},
		{call(t, "upper", lit("héllo")), "HÉLLO"},
		{call(t, "length", lit("héllo")), "5"},
		{call(t, "substr", lit("alphabet"), lit(3), lit(2)), "ph"},
		{call(t, "substr", lit("alphabet"), lit(0), lit(3)), "al"},
		{call(t, "replace", lit("a-b-c"), lit("-"), lit("+")), "a+b+c"},
		{call(t, "split_part", lit("host_12_eu"), lit("_"), lit(2)), "12"},
		{call(t, "split_part", lit("a,b"), lit(","), lit(5)), ""},
		{call(t, "concat", lit("a"), lit(nil), lit(1)), "a1"},
		{call(t, "textcat", lit("a"), lit(nil)), "NULL"},
		{call(t, "trim", lit("  x  ")), "x"},
		{call(t, "starts_with", lit("host_1"), lit("host")), "t"},
		{call(t, "like", lit("host_12"), lit("host\\_1%")), "t"},
		{call(t, "ilike", lit("HOST"), lit("h_st")), "t"},
		{call(t, "not_like", lit("abc"), lit("a%")), "f"},
		{call(t, "regex_match", lit("eu-west-1"), lit("^eu-")), "t"},
		{call(t, "regex_imatch", lit("EU-west"), lit("^eu")), "t"},
		{call(t, "regexp_replace", lit("aaa"), lit("a"), lit("b")), "baa"},
		{call(t, "regexp_replace", lit("aaa"), lit("a"), lit("b"), lit("g")), "bbb"},
		{call(t, "regexp_replace", lit("host_12"), lit("host_(\\d+)"), lit("h\\1")), "h12"},
		{&Cond{Kind: Coalesce, Args: []Expr{lit(nil), lit("x"), lit("y")}, DT: TypeText}, "x"},
		{&Cond{Kind: NullIf, Args: []Expr{lit(1), lit(1)}, DT: TypeInt}, "NULL"},
		{&Cond{Kind: Greatest, Args: []Expr{lit(1), lit(nil), lit(7), lit(3)}, DT: TypeInt}, "7"},
		{&Cond{Kind: Least, Args: []Expr{lit(2.5), lit(-1.0)}, DT: TypeFloat}, "-1"},
		{&Case{Whens: []Expr{&Compare{Op: Gt, L: lit(1), R: lit(2)}, lit(true)}, Thens: []Expr{lit("a"), lit("b")}, DT: TypeText}, "b"},
		{&Case{Whens: []Expr{lit(false)}, Thens: []Expr{lit("a")}, DT: TypeText}, "NULL"},
		{&Cast{X: lit(" 42 "), To: TypeInt}, "42"},
		{&Cast{X: lit(2.5), To: TypeInt}, "2"},
		{&Cast{X: lit(3.5), To: TypeInt}, "4"},
		{&Cast{X: lit("yes"), To: TypeBool}, "t"},
		{&Cast{X: lit(1.5), To: TypeText}, "1.5"},
		{&Cast{X: lit("2016-01-01 02:00:00+02"), To: TypeTimestamptz}, "2016-01-01 00:00:00+00"},
		{&Cast{X: lit("5 minutes"), To: TypeInterval}, "00:05:00"},
		{mustArith(t, Div, lit(7), lit(2)), "3"},
		{mustArith(t, Mod, lit(-7), lit(2)), "-1"},
		{mustArith(t, Div, lit(7.0), lit(2.0)), "3.5"},
	} {
		got, err := evalOne(t, tt.e)
		require.NoError(t, err, tt.e.String())
		require.Equal(t, tt.want, got, tt.e.String())
	}
	for _, tt := range []struct {
		e   Expr
		err string
	}{
		{mustArith(t, Div, lit(1), lit(0)), "division by zero"},
		{mustArith(t, Add, lit(int64(1<<62)), lit(int64(1<<62))), "bigint out of range"},
		{mustArith(t, Mul, lit(int64(1<<40)), lit(int64(1<<40))), "bigint out of range"},
		{&Cast{X: lit("12x"), To: TypeInt}, `invalid input syntax for type bigint: "12x"`},
		{&Cast{X: lit("maybe"), To: TypeBool}, `invalid input syntax for type boolean: "maybe"`},
		{call(t, "sqrt", lit(-1.0)), "cannot take square root of a negative number"},
		{call(t, "log", lit(0)), "cannot take logarithm of zero"},
		{call(t, "ln", lit(0)), "cannot take logarithm of zero"},
		{call(t, "ln", lit(-1.0)), "cannot take logarithm of a negative number"},
		{call(t, "regex_match", lit("x"), lit("(")), "invalid regular expression"},
	} {
		_, err := evalOne(t, tt.e)
		require.ErrorContains(t, err, tt.err, tt.e.String())
	}
	_, err := NewArith(Add, lit("a"), lit(1))
	require.EqualError(t, err, "operator does not exist: text + bigint")
	_, err = NewCall("nope", nil)
	require.EqualError(t, err, "function nope does not exist")
}

func TestScaleIntervalAsPostgres(t *testing.T) {
	iv := func(m, d int32, ns int64) arrow.MonthDayNanoInterval {
		return arrow.MonthDayNanoInterval{Months: m, Days: d, Nanoseconds: ns}
	}
	hour := int64(time.Hour)
	for _, tc := range []struct {
		in     arrow.MonthDayNanoInterval
		factor float64
		div    bool
		want   arrow.MonthDayNanoInterval
	}{
		{iv(0, 0, hour), 2.5, false, iv(0, 0, 5*hour/2)},
		{iv(0, 1, 0), 4, true, iv(0, 0, 6*hour)},
		{iv(1, 0, 0), 2, true, iv(0, 15, 0)},
		{iv(1, 1, 0), 1.5, false, iv(1, 16, 12*hour)}, // PostgreSQL: 1 mon 16 days 12:00:00
		{iv(0, 3, hour), -1, false, iv(0, -3, -hour)},
		{iv(14, 0, 0), 3, true, iv(4, 20, 0)}, // '1 year 2 mons' / 3 = 4 mons 20 days
		// The time part rounds to PostgreSQL's microseconds:
		{iv(0, 0, 1500), 0.5, false, iv(0, 0, 1000)},
		{iv(0, 0, int64(time.Second)), 3, true, iv(0, 0, 333333000)},       // 00:00:00.333333
		{iv(0, 0, hour), 7, true, iv(0, 0, (8*60+34)*1e9+285714000)},       // 00:08:34.285714
		{iv(0, 0, (8*60+34)*1e9+285714000), 7, false, iv(0, 0, hour-2000)}, // 00:59:59.999998
	} {
		got, err := ScaleInterval(tc.in, tc.factor, tc.div)
		require.NoError(t, err)
		require.Equal(t, tc.want, got, "%v %v %v", tc.in, tc.factor, tc.div)
	}
	_, err := ScaleInterval(iv(1<<30, 0, 0), 4, false)
	require.ErrorContains(t, err, "out of range")
}

func TestIntervalPart(t *testing.T) {
	iv := arrow.MonthDayNanoInterval{Months: 26, Days: 3, Nanoseconds: int64(26*time.Hour + 5*time.Minute + 7*time.Second + 250*time.Millisecond)}
	for field, want := range map[string]float64{
		"year": 2, "month": 2, "day": 3, "hour": 26, "minute": 5, "second": 7.25, "milliseconds": 7250, "microseconds": 7250000,
		"quarter": 1, "decade": 0, "epoch": 7.25 + 26*3600 + 5*60 + 3*86400 + 2*30*86400 + 2*365.25*86400,
	} {
		got, err := intervalPart(iv, field)
		require.NoError(t, err)
		require.Equal(t, want, got, field)
	}
	_, err := intervalPart(iv, "dow")
	require.ErrorContains(t, err, `unit "dow" not supported for type interval`)
}

// FuzzToCharTemplate: any template compiles and formats without panicking,
// and a template without patterns comes back as its literal text.
func FuzzToCharTemplate(f *testing.F) {
	for _, s := range []string{"YYYY-MM-DD HH24:MI:SS", "FMMonth DDth", `"quoted" \\x`, "IYYY-IW-ID", "a.m. RM TZ OF", "", `"unterminated`, "FM"} {
		f.Add(s)
	}
	ts := time.Date(2016, 3, 5, 14, 7, 9, 123456789, time.UTC)
	f.Fuzz(func(t *testing.T, tmpl string) {
		_ = appendToChar(nil, ts, compileCharTemplate(tmpl))
	})
}

func TestRoundDecimal(t *testing.T) {
	for _, tc := range []struct {
		x      float64
		places int64
		want   float64
	}{
		{3.14159, 2, 3.14}, {1234.5678, -2, 1200}, {-1.005, 2, -1.01}, {2.5, 0, 3}, {-2.5, 0, -3},
		{0.5, 0, 1}, {0.30000000000000004, 2, 0.3}, {999.995, 2, 1000}, {-0.004, 2, -0}, {0.05, 1, 0.1},
		{1e-7, 3, 0}, {123, 5, 123}, {99.5, -2, 100}, {49, -2, 0}, {5e20, -21, 1e21}, {1.45, 1, 1.5},
	} {
		require.Equal(t, tc.want, RoundDecimal(tc.x, tc.places), "round(%v, %d)", tc.x, tc.places)
	}
	require.True(t, math.IsNaN(RoundDecimal(math.NaN(), 2)))
}

// TestTimeBucketTimeZone: time_bucket with a time zone works on the zone's
// wall clock, as TimescaleDB's does (ts AT TIME ZONE zone, bucketed, back
// again), also for buckets shorter than a day across a daylight-saving
// change (where DuckDB's differs: it counts those in absolute time) and
// with an origin and an offset after the zone (which DuckDB lacks).
func TestTimeBucketTimeZone(t *testing.T) {
	at := func(s string) Expr { return lit(ts(t, s)) }
	berlin := lit("Europe/Berlin")
	for _, tt := range []struct {
		name string
		e    Expr
		want string
	}{
		{"6 hours on the day clocks go forward", call(t, "time_bucket", lit(ivl(t, "6 hours")), at("2024-03-31 12:00:00+00"), berlin), "2024-03-31 10:00:00+00"},
		{"a 23-hour day", call(t, "time_bucket", lit(ivl(t, "1 day")), at("2024-03-31 12:00:00+00"), berlin), "2024-03-30 23:00:00+00"},
		{"a 25-hour day", call(t, "time_bucket", lit(ivl(t, "1 day")), at("2024-10-27 22:30:00+00"), berlin), "2024-10-26 22:00:00+00"},
		{"the hour after the change", call(t, "time_bucket", lit(ivl(t, "1 hour")), at("2024-03-31 01:30:00+00"), berlin), "2024-03-31 01:00:00+00"},
		{"origin after the zone", call(t, "time_bucket", lit(ivl(t, "1 day")), at("2024-03-31 12:00:00+00"), berlin, at("2024-01-01 06:00:00+00")), "2024-03-31 05:00:00+00"},
		{"offset into the skipped hour", call(t, "time_bucket", lit(ivl(t, "1 day")), at("2024-03-31 12:00:00+00"), berlin, at("2000-01-02 23:00:00+00"), lit(ivl(t, "2 hours"))), "2024-03-31 01:00:00+00"},
		{"month in New York", call(t, "time_bucket", lit(ivl(t, "1 month")), at("2024-03-01 03:00:00+00"), lit("America/New_York")), "2024-02-01 05:00:00+00"},
		{"offset without a zone", call(t, "time_bucket", lit(ivl(t, "1 hour")), at("2016-01-01 02:17:08+00"), lit(ivl(t, "15 minutes"))), "2016-01-01 02:15:00+00"},
		{"west of UTC, the hour clocks go back", call(t, "time_bucket", lit(ivl(t, "1 hour")), at("2024-11-03 06:30:00+00"), lit("America/New_York")), "2024-11-03 06:00:00+00"},
		{"a day starting in a gap", call(t, "time_bucket", lit(ivl(t, "1 day")), at("2024-09-08 12:00:00+00"), lit("America/Santiago")), "2024-09-08 04:00:00+00"},
		{"a NULL origin is none", call(t, "time_bucket", lit(ivl(t, "1 day")), at("2024-03-10 12:00:00+00"), lit("UTC"), &Literal{V: nil, DT: TypeTimestamptz}), "2024-03-10 00:00:00+00"},
		{"months ignore the origin's day", call(t, "time_bucket", lit(ivl(t, "1 month")), at("2024-03-10 12:00:00+00"), lit("UTC"), at("2000-01-15 00:00:00+00")), "2024-03-01 00:00:00+00"},
		// The first pass through a repeated hour is in the first of the two
		// buckets its reading names, not after it (TimescaleDB #9136).
		{"the first of a repeated hour", call(t, "time_bucket", lit(ivl(t, "1 hour")), at("2024-11-03 05:30:00+00"), lit("America/New_York")), "2024-11-03 05:00:00+00"},
		// An offset moves instants, not the wall clock (TimescaleDB #9129;
		// the cases of its test/expected/timestamp-15.out).
		{"offset, a day in Amman", call(t, "time_bucket", lit(ivl(t, "1 day")), at("2021-03-26 01:00:00+03"), lit("Asia/Amman"), &Literal{V: nil, DT: TypeTimestamptz}, lit(ivl(t, "15 minutes"))), "2021-03-24 22:15:00+00"},
		{"negative offset, an hour in Amman", call(t, "time_bucket", lit(ivl(t, "1 hour")), at("2021-03-26 01:30:00+03"), lit("Asia/Amman"), &Literal{V: nil, DT: TypeTimestamptz}, lit(ivl(t, "-15 minutes"))), "2021-03-25 21:45:00+00"},
		{"offset, an hour in Amman", call(t, "time_bucket", lit(ivl(t, "1 hour")), at("2021-03-25 22:00:00+00"), lit("Asia/Amman"), &Literal{V: nil, DT: TypeTimestamptz}, lit(ivl(t, "15 minutes"))), "2021-03-25 21:15:00+00"},
		{"offset, Berlin's repeated hour", call(t, "time_bucket", lit(ivl(t, "1 hour")), at("2025-10-26 01:00:00+00"), berlin, &Literal{V: nil, DT: TypeTimestamptz}, lit(ivl(t, "15 minutes"))), "2025-10-26 00:15:00+00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalOne(t, tt.e)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	_, err := evalOne(t, call(t, "time_bucket", lit(ivl(t, "1 day")), at("2024-03-31 12:00:00+00"), lit("Mars/Olympus")))
	require.EqualError(t, err, `time zone "Mars/Olympus" not recognized`)
}

// TestTimeBucketZoneProperties steps through days with daylight-saving
// changes in several zones: every bucket starts at or before its time, is
// its own bucket, and buckets never go back as time goes on.
func TestTimeBucketZoneProperties(t *testing.T) {
	for _, zone := range []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "Asia/Amman"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		for _, width := range []string{"15 minutes", "1 hour", "2 hours", "1 day"} {
			for _, offset := range []string{"0", "15 minutes", "-15 minutes"} {
				floor, err := Bucketer(ivl(t, width), loc, nil, ivl(t, offset), loc)
				require.NoError(t, err)
				for _, day := range []string{"2024-11-02T12:00:00Z", "2024-03-09T12:00:00Z", "2024-10-26T12:00:00Z", "2024-03-30T12:00:00Z", "2024-04-06T00:00:00Z", "2024-09-07T00:00:00Z", "2021-03-25T00:00:00Z"} {
					start, _ := time.Parse(time.RFC3339, day)
					prev := int64(math.MinInt64)
					for ts := start.UnixNano(); ts < start.Add(48*time.Hour).UnixNano(); ts += int64(5 * time.Minute) {
						b, err := floor(ts)
						require.NoError(t, err)
						at := fmt.Sprintf("%s %s offset %s at %s", zone, width, offset, time.Unix(0, ts).UTC())
						require.LessOrEqual(t, b, ts, at)
						again, err := floor(b)
						require.NoError(t, err)
						require.Equal(t, b, again, at)
						require.GreaterOrEqual(t, b, prev, at)
						prev = b
					}
				}
			}
		}
	}
}

// FuzzToTimestamp: reading any text with any template returns a time or
// an error, never panics, and a time it returns reads back through to_char
// with the same template where the template is the plain ISO one.
func FuzzToTimestamp(f *testing.F) {
	for _, c := range [][2]string{
		{"2024-01-02 03:04:05", "YYYY-MM-DD HH24:MI:SS"}, {"05 Dec 2000", "DD Mon YYYY"}, {"20240102", "YYYYMMDD"},
		{"1/2/24 3:04 PM", "MM/DD/YY HH:MI AM"}, {"12:3", "SS:MS"}, {"2024.032", "YYYY.DDD"}, {"", ""}, {"2024 +05", "YYYY TZH"},
		{"2,024-1-1", "Y,YYY-MM-DD"}, {"2460000", "J"}, {"-", "YYYY"}, {"99999999999", "YYYY"},
		{"2016-W10-3", `IYYY-"W"IW-ID`}, {"2016-100", "IYYY-IDDD"}, {"2016-10-03", "YYYY-WW-DD"}, {"13:14:15.12", "HH24:MI:SS.FF3"}, {"2016 Q2", "YYYY Q"},
	} {
		f.Add(c[0], c[1])
	}
	iso := compileCharTemplate("YYYY-MM-DD HH24:MI:SS")
	f.Fuzz(func(t *testing.T, text, tmpl string) {
		items := compileCharTemplate(tmpl)
		fields, err := parseTemplate(text, items)
		if err != nil {
			return
		}
		at, err := fields.instant(time.UTC, text)
		if err != nil {
			return
		}
		if tmpl == "YYYY-MM-DD HH24:MI:SS" {
			again, err := parseTemplate(string(appendToChar(nil, at, iso)), iso)
			require.NoError(t, err)
			back, err := again.instant(time.UTC, text)
			require.NoError(t, err)
			require.True(t, at.Truncate(time.Second).Equal(back), "%v read back as %v", at, back)
		}
	})
}

// FuzzToCharNumber formats numbers by arbitrary templates: no panics, and
// where the template has only 9s, 0s and a point, the digits printed read
// back as the value rounded to the positions after the point (or #s when
// the integer part does not fit).
func FuzzToCharNumber(f *testing.F) {
	for _, c := range []struct {
		x    float64
		tmpl string
	}{{1234.567, "9,999.99"}, {-0.5, "FM0.99"}, {5, "S999PR"}, {0, "FM9.9"}, {1e300, "999"}, {-7.25, "\"x\"99MI"}, {0.004, "FM0.999"}, {99.995, "999.99"},
		{12345.678, "9.99EEEE"}, {-0.00012, "9.9EEEE"}, {1994, "FMRN"}, {2.5, "rn"}, {21, "FM99th"}, {12.45, "99V9"}, {12.4, "L99.9B"}} {
		f.Add(c.x, c.tmpl)
	}
	f.Fuzz(func(t *testing.T, x float64, tmpl string) {
		nt, err := compileNumTemplate(tmpl)
		if err != nil {
			return
		}
		for _, numeric := range []bool{false, true} {
			out := nt.format(x, numeric)
			if nt.eeee && !math.IsNaN(x) && !math.IsInf(x, 0) && x != 0 {
				// Scientific notation reads back as x, to the places.
				got, err := strconv.ParseFloat(strings.TrimSpace(out), 64)
				require.NoError(t, err, "%q of %v: %q", tmpl, x, out)
				require.InEpsilon(t, x, got, math.Pow(10, -float64(nt.post))*0.51+1e-12, "%q of %v: %q", tmpl, x, out)
				continue
			}
			if strings.Trim(tmpl, "90.") != "" || strings.Count(tmpl, ".") > 1 || len(tmpl) > 15 || math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			s := strings.TrimSpace(out)
			if strings.Contains(s, "#") {
				continue
			}
			if s == "" || s == "." || s == "-" || s == "-." {
				continue
			}
			got, err := strconv.ParseFloat(s, 64)
			require.NoError(t, err, "%q of %v: %q", tmpl, x, out)
			post := 0
			if i := strings.IndexByte(tmpl, '.'); i >= 0 {
				post = len(tmpl) - i - 1
			}
			require.InDelta(t, x, got, math.Pow(10, -float64(post))/2+1e-9*math.Abs(x), "%q of %v: %q", tmpl, x, out)
		}
	})
}

// TestDateBinMonths: DataFusion's month bins, from its origin's day and
// time (a day past a month's end is its last), before and after the
// origin.
func TestDateBinMonths(t *testing.T) {
	at := func(s string) int64 {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v.UnixNano()
	}
	for _, c := range []struct {
		t, origin string
		n         int
		want      string
	}{
		{"2024-02-17T10:00:00Z", "1970-01-01T00:00:00Z", 1, "2024-02-01T00:00:00Z"},
		{"2024-02-17T10:00:00Z", "1970-01-01T00:00:00Z", 3, "2024-01-01T00:00:00Z"},
		{"2024-03-31T10:00:00Z", "2023-01-31T00:00:00Z", 2, "2024-03-31T00:00:00Z"},
		{"2024-03-30T10:00:00Z", "2023-01-31T00:00:00Z", 2, "2024-01-31T00:00:00Z"},
		{"2024-03-01T00:00:00Z", "2023-01-31T00:00:00Z", 1, "2024-02-29T00:00:00Z"}, // the last of February
		{"2024-01-15T00:00:00Z", "2024-01-15T12:00:00Z", 1, "2023-12-15T12:00:00Z"}, // before the origin's time
		{"1969-07-04T00:00:00Z", "1970-01-01T00:00:00Z", 12, "1969-01-01T00:00:00Z"},
	} {
		got, err := DateBinMonths(at(c.t), at(c.origin), c.n)
		require.NoError(t, err)
		require.Equal(t, c.want, time.Unix(0, got).UTC().Format(time.RFC3339), "%+v", c)
	}
}

// FuzzToNumber: to_number never panics, and reads back what to_char wrote
// with the same template of digits, point, group separators and sign.
func FuzzToNumber(f *testing.F) {
	for _, c := range []struct {
		s, tmpl string
		x       float64
	}{{"12,454.8-", "99G999D9S", 1234.5}, {"<564646.654564>", "999999.999999PR", -7.25}, {"$1,234.56", "L9,999.99", 12.5},
		{" . 0 1-", " 9 9 . 9 9 S", 0.01}, {"x12", "999", -3}, {"5", "V9", 42}} {
		f.Add(c.s, c.tmpl, c.x)
	}
	f.Fuzz(func(t *testing.T, s, tmpl string, x float64) {
		if nt, err := compileNumInput(tmpl); err == nil && len(nt.items) > 0 {
			_, _ = nt.read(s)
		}
		// The round trip, over templates of the shape S9,999.99.
		ok := len(tmpl) > 0 && len(tmpl) <= 12 && strings.Trim(tmpl, "9,.") == "" && strings.Count(tmpl, ".") <= 1 &&
			tmpl[0] == '9' && !strings.Contains(tmpl, ",,") && !strings.Contains(tmpl, ".,") && !strings.HasSuffix(tmpl, ",") &&
			!math.IsNaN(x) && !math.IsInf(x, 0)
		if !ok {
			return
		}
		w := "S" + tmpl
		nt, err := compileNumTemplate(w)
		require.NoError(t, err)
		text := nt.format(x, true)
		if strings.Contains(text, "#") {
			return
		}
		in, err := compileNumInput(w)
		require.NoError(t, err)
		got, err := in.read(text)
		require.NoError(t, err, "%q of %v: %q", w, x, text)
		post := 0
		if i := strings.IndexByte(tmpl, '.'); i >= 0 {
			post = len(tmpl) - i - 1
		}
		require.InDelta(t, RoundDecimal(x, int64(post)), got.(float64), 1e-9*math.Max(1, math.Abs(x)), "%q of %v: %q", w, x, text)
	})
}
