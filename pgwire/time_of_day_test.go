package pgwire

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
)

// TestTimeOfDay reads and sends PostgreSQL's time (without time zone)
// through pgx: columns announced as time (OID 1083) in both formats,
// parameters of type time in text and binary, and a time-of-day filter
// over stored rows (the trading-hours question).
func TestTimeOfDay(t *testing.T) {
	// Readings every 30 minutes over a day, from 2023-11-14 00:00 UTC.
	var lp strings.Builder
	day := time.Date(2023, 11, 14, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 48; i++ {
		fmt.Fprintf(&lp, "ticks,sym=X price=%di %d\n", i, day.Add(time.Duration(i)*30*time.Minute).UnixNano())
	}
	s := startServer(t, lp.String())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")

	rows, err := conn.Query(ctx, `SELECT '10:30:15.5'::time, time '24:00', time '23:00' + interval '2 hours', localtime`)
	require.NoError(t, err)
	for _, f := range rows.FieldDescriptions() {
		require.Equal(t, uint32(1083), f.DataTypeOID, "column %s", f.Name)
	}
	rows.Close()
	var a, b, c, now pgtype.Time
	require.NoError(t, conn.QueryRow(ctx, `SELECT '10:30:15.5'::time, time '24:00', time '23:00' + interval '2 hours', localtime`).Scan(&a, &b, &c, &now))
	require.Equal(t, pgtype.Time{Microseconds: (10*3600+30*60+15)*1e6 + 5e5, Valid: true}, a)
	require.Equal(t, int64(24*3600*1e6), b.Microseconds)
	require.Equal(t, int64(3600*1e6), c.Microseconds, "wraps past midnight")
	require.True(t, now.Valid)

	// Text format, as psql reads it.
	var txt string
	require.NoError(t, conn.QueryRow(ctx, `SELECT '10:30:15.5'::time`, pgx.QueryResultFormats{pgx.TextFormatCode}).Scan(&txt))
	require.Equal(t, "10:30:15.5", txt)

	// A time parameter, binary (pgtype.Time) and text (a string).
	var back pgtype.Time
	require.NoError(t, conn.QueryRow(ctx, `SELECT $1::time + interval '1 minute'`, pgtype.Time{Microseconds: 9 * 3600 * 1e6, Valid: true}).Scan(&back))
	require.Equal(t, int64((9*3600+60)*1e6), back.Microseconds)
	require.NoError(t, conn.QueryRow(ctx, `SELECT $1::time`, "9:30 PM").Scan(&back))
	require.Equal(t, int64((21*3600+30*60)*1e6), back.Microseconds)
	_, err = conn.Exec(ctx, `SELECT $1::time`, "25:00")
	require.ErrorContains(t, err, "out of range")

	// Trading hours: 09:30 to 16:00 inclusive holds 14 half hours.
	var n int64
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM ticks WHERE time::time BETWEEN '9:30 AM' AND '4:00 PM'`).Scan(&n))
	require.Equal(t, int64(14), n)
	// A parameter compared with a time is described as one.
	sd, err := conn.Prepare(ctx, "", `SELECT count(*) FROM ticks WHERE time::time >= $1 AND $2 > time::time`)
	require.NoError(t, err)
	require.Equal(t, []uint32{1083, 1083}, sd.ParamOIDs)
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM ticks WHERE time::time >= $1 AND $2 > time::time`, "9:30 PM", pgtype.Time{Microseconds: 23 * 3600 * 1e6, Valid: true}).Scan(&n))
	require.Equal(t, int64(3), n)
	var first, last pgtype.Time
	require.NoError(t, conn.QueryRow(ctx, `SELECT min(time::time), max(time::time) FROM ticks WHERE time::time >= $1::time`, "12:00").Scan(&first, &last))
	require.Equal(t, int64(12*3600*1e6), first.Microseconds)
	require.Equal(t, int64((23*3600+30*60)*1e6), last.Microseconds)

	// In another session time zone the wall clock moves.
	_, err = conn.Exec(ctx, `SET TIME ZONE 'America/New_York'`)
	require.NoError(t, err)
	require.NoError(t, conn.QueryRow(ctx, `SELECT min(time::time) FROM ticks WHERE time = '2023-11-14 12:00:00+00'`).Scan(&first))
	require.Equal(t, int64(7*3600*1e6), first.Microseconds, "noon UTC is 07:00 in New York in November")
}

// TestTimeArrays: arrays of timestamps, dates, intervals and times
// (array_agg, ARRAY[...]) are sent as their array types (timestamptz[],
// date[], interval[], time[]), which pgx decodes in the binary format.
func TestTimeArrays(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	q := `SELECT array_agg(time ORDER BY time), array_agg(time::date), array_agg(time - TIMESTAMPTZ '2023-11-14 22:13:00+00' ORDER BY time), array_agg(time::time ORDER BY time), ARRAY[TIMESTAMP '2024-01-01 10:00', NULL] FROM cpu`
	rows, err := conn.Query(ctx, q)
	require.NoError(t, err)
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	rows.Close()
	require.Equal(t, []uint32{1185, 1182, 1187, 1183, 1115}, oids)
	var ts, dates []time.Time
	var ivs []pgtype.Interval
	var tods []pgtype.Time
	var wall []pgtype.Timestamp
	require.NoError(t, conn.QueryRow(ctx, q).Scan(&ts, &dates, &ivs, &tods, &wall))
	require.Len(t, ts, 3)
	require.True(t, ts[0].Equal(time.Unix(1700000000, 0)))
	require.Equal(t, "2023-11-14", dates[0].Format("2006-01-02"))
	require.Equal(t, int64(20e6), ivs[0].Microseconds)
	require.Equal(t, int64((22*3600+13*60+20)*1e6), tods[0].Microseconds)
	require.Equal(t, []pgtype.Timestamp{{Time: time.Date(2024, 1, 1, 10, 0, 0, 0, time.UTC), Valid: true}, {}}, wall)
	var text string
	require.NoError(t, conn.QueryRow(ctx, `SELECT array_agg(time::time ORDER BY time)::text FROM cpu`).Scan(&text))
	require.Equal(t, "{22:13:20,22:13:30,22:13:40}", text)
}

// TestConstantArrayTypes: ARRAY[...] of constants has PostgreSQL 15's
// element type (int8 beyond int4's range or cast so, int2, float4,
// varchar), so binary clients read the values whole: an int8[] labelled
// int4[] was sent as 4-byte elements, the client reading -1 for
// 9223372036854775807. Each OID as PostgreSQL 15 reports it.
func TestConstantArrayTypes(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	q := `SELECT ARRAY[9223372036854775807::int8, -9223372036854775807::int8], ARRAY[1, 3000000000], ARRAY[1::int2, NULL], ARRAY[1.1::float4, 0.1::float4], ARRAY['a'::varchar, 'b'], ARRAY[10, 20], (ARRAY[10, 20, 30])[2], (ARRAY[1.1::float4])[1]`
	rows, err := conn.Query(ctx, q)
	require.NoError(t, err)
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	rows.Close()
	require.Equal(t, []uint32{1016, 1016, 1005, 1021, 1015, 1007, 23, 700}, oids)
	var big, mixed []int64
	var small []pgtype.Int2
	var f4 []float32
	var vc []string
	var i4 []int32
	var sub int32
	var sub4 float32
	require.NoError(t, conn.QueryRow(ctx, q).Scan(&big, &mixed, &small, &f4, &vc, &i4, &sub, &sub4))
	require.Equal(t, []int64{9223372036854775807, -9223372036854775807}, big)
	require.Equal(t, []int64{1, 3000000000}, mixed)
	require.Equal(t, []pgtype.Int2{{Int16: 1, Valid: true}, {}}, small)
	require.Equal(t, []float32{1.1, 0.1}, f4)
	require.Equal(t, []string{"a", "b"}, vc)
	require.Equal(t, []int32{10, 20}, i4)
	require.Equal(t, int32(20), sub)
	require.Equal(t, float32(1.1), sub4)
	var text string
	require.NoError(t, conn.QueryRow(ctx, `SELECT ARRAY[1.1::float4, 0.1::float4]::text`).Scan(&text))
	require.Equal(t, "{1.1,0.1}", text)
}

// TestTimeBucketWallClockZones: time_bucket of a date or a timestamp
// without time zone, with an origin or an offset, is the same in every
// session zone (TimescaleDB buckets their readings); with a timestamptz
// and a time zone, the offset moves the bucket by the session calendar's
// days (7 days across a daylight-saving change is 7 days on the clock).
// Expected values from TimescaleDB's test/expected/timestamp.out.
func TestTimeBucketWallClockZones(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	q := `SELECT time_bucket('1 month', date '1990-01-03', date '2000-02-01')::text, time_bucket(interval '4 day', date '2017-11-07', interval '2 day')::text,
		time_bucket('1 month', timestamp '1990-01-03 10:00', timestamp '2000-02-01')::text, time_bucket('4 days', timestamp '2017-11-07 10:00', timestamp '2017-11-01 06:00')::text`
	want := []string{"1990-01-01", "2017-11-07", "1990-01-01 00:00:00", "2017-11-05 06:00:00"}
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata"} {
		_, err := conn.Exec(ctx, "SET TIME ZONE '"+zone+"'")
		require.NoError(t, err)
		got := make([]string, 4)
		require.NoError(t, conn.QueryRow(ctx, q).Scan(&got[0], &got[1], &got[2], &got[3]), zone)
		require.Equal(t, want, got, zone)
	}
	_, err := conn.Exec(ctx, "SET TIME ZONE 'America/New_York'")
	require.NoError(t, err)
	var b string
	require.NoError(t, conn.QueryRow(ctx, `SELECT time_bucket('2month', timestamptz '2000-04-20 00:00-04', current_setting('timezone'), '2000-02-01'::timestamp, '7 day'::interval)::text`).Scan(&b))
	require.Equal(t, "2000-04-08 00:00:00-04", b)
}

// TestArrayWithParameter: ARRAY[1, $1] with an untyped $1 is an int4[]
// when described and when run (its binary elements 4 bytes; they were
// 8, and pgx failed to read them), as PostgreSQL resolves it.
func TestArrayWithParameter(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	var got []int32
	require.NoError(t, conn.QueryRow(ctx, "SELECT ARRAY[1, $1]", 7).Scan(&got))
	require.Equal(t, []int32{1, 7}, got)
	require.NoError(t, conn.QueryRow(ctx, "SELECT ARRAY[$1, 2]", 5).Scan(&got))
	require.Equal(t, []int32{5, 2}, got)
	err := conn.QueryRow(ctx, "SELECT ARRAY[1, $1]", int64(3000000000)).Scan(&got)
	require.Equal(t, "22003", pgErr(t, err).Code)
}

// TestNumericArrays: array_agg of numerics (round(x::numeric, 1), the way
// PostgreSQL users round) and ARRAY[1.5, 2] are numeric[] (1231), as in
// PostgreSQL 15, elements written with the values' scale, in text and in
// binary (pgx scans both); NULL::numeric[] is a NULL of that type.
func TestNumericArrays(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")
	q := `SELECT array_agg(round(usage::numeric, 1) ORDER BY time), ARRAY[1.5, 2, NULL], NULL::numeric[], (ARRAY[1.5, 2.25])[2] FROM cpu`
	rows, err := conn.Query(ctx, q)
	require.NoError(t, err)
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	rows.Close()
	require.Equal(t, []uint32{1231, 1231, 1231, 1700}, oids)
	var agg, lit []pgtype.Numeric
	var null []pgtype.Numeric
	var sub pgtype.Numeric
	require.NoError(t, conn.QueryRow(ctx, q).Scan(&agg, &lit, &null, &sub))
	texts := func(ns []pgtype.Numeric) []string {
		var out []string
		for _, n := range ns {
			if !n.Valid {
				out = append(out, "NULL")
				continue
			}
			v, err := n.Value()
			require.NoError(t, err)
			out = append(out, v.(string))
		}
		return out
	}
	var usage []float64
	urows, err := conn.Query(ctx, `SELECT usage FROM cpu ORDER BY time`)
	require.NoError(t, err)
	for urows.Next() {
		var u float64
		require.NoError(t, urows.Scan(&u))
		usage = append(usage, u)
	}
	require.NoError(t, urows.Err())
	var want []string
	for _, u := range usage {
		want = append(want, strconv.FormatFloat(exec.RoundDecimal(u, 1), 'f', 1, 64))
	}
	require.Equal(t, want, texts(agg))
	require.Equal(t, []string{"1.5", "2", "NULL"}, texts(lit))
	require.Nil(t, null)
	subv, err := sub.Value()
	require.NoError(t, err)
	require.Equal(t, "2.25", subv)
	var text string
	require.NoError(t, conn.QueryRow(ctx, `SELECT array_agg(round(usage::numeric, 2) ORDER BY time)::text FROM cpu`).Scan(&text))
	require.Regexp(t, `^\{-?\d+\.\d\d(,-?\d+\.\d\d)*\}$`, text)
}
