package pgwire

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
)

// referenceRows encodes rows idx of rec one value at a time with the
// columns' encoders: DataRows as they were written before appendRows.
func referenceRows(rec arrow.Record, idx []int32, formats []int16, cols []planner.Column, loc *time.Location) []byte {
	var dst []byte
	encs := make([]encoder, rec.NumCols())
	for j, a := range rec.Columns() {
		encs[j] = newEncoder(a, formats[j], pgTypeAt(cols, j), scaleAt(cols, j), loc, nil)
	}
	for _, i := range idx {
		start := len(dst)
		dst = append(dst, 'D', 0, 0, 0, 0)
		dst = binary.BigEndian.AppendUint16(dst, uint16(rec.NumCols()))
		for j, a := range rec.Columns() {
			if a.DataType().ID() == arrow.NULL || a.IsNull(int(i)) {
				dst = binary.BigEndian.AppendUint32(dst, math.MaxUint32)
				continue
			}
			at := len(dst)
			dst = append(dst, 0, 0, 0, 0)
			dst = encs[j](dst, int(i))
			binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
		}
		binary.BigEndian.PutUint32(dst[start+1:], uint32(len(dst)-start-1))
	}
	return dst
}

// TestDataRowsMatchEncoders checks appendRows, which writes a chunk of
// rows column by column straight from typed arrays, against encoding each
// value with its column's encoder: every kind of column, with and without
// NULLs, sliced arrays, in text and binary, over all rows and selections.
func TestDataRowsMatchEncoders(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	const n = 300
	type column struct {
		name string
		col  planner.Column
		arr  arrow.Array
	}
	var columns []column
	add := func(name string, pgType uint32, scale int, b array.Builder) {
		a := b.NewArray()
		b.Release()
		columns = append(columns, column{name, planner.Column{Name: name, Type: a.DataType(), PGType: pgType, Scale: scale}, a})
	}
	nullAt := func(i, k int) bool { return k > 0 && i%k == 3 }
	for _, k := range []int{0, 7} { // without, with NULLs
		i64 := array.NewInt64Builder(mem)
		i32 := array.NewInt32Builder(mem)
		f64 := array.NewFloat64Builder(mem)
		num := array.NewFloat64Builder(mem)
		ts := array.NewTimestampBuilder(mem, exec.TypeTimestamptz)
		tsu := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
		wall := array.NewTimestampBuilder(mem, exec.TypeTimestamptz)
		str := array.NewStringBuilder(mem)
		tag := array.NewDictionaryBuilder(mem, exec.TypeTag).(*array.BinaryDictionaryBuilder)
		bl := array.NewBooleanBuilder(mem)
		iv := array.NewMonthDayNanoIntervalBuilder(mem)
		for i := 0; i < n; i++ {
			if nullAt(i, k) {
				for _, b := range []array.Builder{i64, i32, f64, num, ts, tsu, wall, str, tag, bl, iv} {
					b.AppendNull()
				}
				continue
			}
			i64.Append(int64(i*i) - 5000)
			i32.Append(int32(-i * 3))
			f64.Append([]float64{0.1, -2.5, math.Inf(1), math.NaN(), 1e300, -0.0}[i%6] * float64(i))
			num.Append(float64(i) / 8)
			ts.Append(arrow.Timestamp(-946684800123456789 + int64(i)*987654321123))
			tsu.Append(arrow.Timestamp(1451606400000000 + int64(i)*1_000_001))
			wall.Append(arrow.Timestamp(1451606400000000000 + int64(i)*3_600_000_000_000))
			str.Append(strings.Repeat("é", i%5) + fmt.Sprint(i))
			require.NoError(t, tag.AppendString(fmt.Sprintf("host_%d", i%13)))
			bl.Append(i%3 == 0)
			iv.Append(arrow.MonthDayNanoInterval{Months: int32(i), Days: -int32(i), Nanoseconds: int64(i) * 1e9})
		}
		sfx := fmt.Sprint(k)
		add("i64_"+sfx, 0, 0, i64)
		add("i32_"+sfx, 0, 0, i32)
		add("int2_"+sfx, 21, 0, func() array.Builder { // int2 held as int64
			b := array.NewInt64Builder(mem)
			for i := 0; i < n; i++ {
				if nullAt(i, k) {
					b.AppendNull()
				} else {
					b.Append(int64(i % 300))
				}
			}
			return b
		}())
		add("f64_"+sfx, 0, 0, f64)
		add("numeric_"+sfx, oidNumeric, 2, num)
		add("ts_"+sfx, 0, 0, ts)
		add("tsu_"+sfx, 0, 0, tsu)
		add("timestamp_"+sfx, oidTimestamp, 0, wall)
		add("text_"+sfx, 0, 0, str)
		add("tag_"+sfx, 0, 0, tag)
		add("bool_"+sfx, 0, 0, bl)
		add("interval_"+sfx, 0, 0, iv)
	}
	// Adjacent tags are written together (exec.TagRows): runs of one series,
	// values changing every row, one with NULLs splitting the run.
	for _, tg := range []struct {
		name string
		val  func(i int) string
	}{
		{"series_a", func(i int) string { return fmt.Sprintf("s%d", i/10%13) }},
		{"series_b", func(i int) string { return fmt.Sprintf("region-%d", i/10%3) }},
		{"each_row", func(i int) string { return fmt.Sprintf("%d", i%5) }},
		{"with_nulls", func(i int) string {
			if i%11 == 0 {
				return ""
			}
			return "x"
		}},
		{"series_c", func(i int) string { return fmt.Sprintf("c%d", i/7%2) }},
		{"series_d", func(i int) string { return strings.Repeat("d", i/20%4) }},
		// Distinct values: in the sliced record the dictionary is longer
		// than the array and is not pre-encoded (outDict).
		{"distinct", func(i int) string { return fmt.Sprintf("u%d", i) }},
	} {
		b := array.NewDictionaryBuilder(mem, exec.TypeTag).(*array.BinaryDictionaryBuilder)
		for i := 0; i < n; i++ {
			if v := tg.val(i); v == "" && tg.name == "with_nulls" {
				b.AppendNull()
			} else {
				require.NoError(t, b.AppendString(v))
			}
		}
		add(tg.name, 0, 0, b)
	}
	nulls := array.NewNullBuilder(mem)
	nulls.AppendNulls(n)
	add("null", 0, 0, nulls)

	fields := make([]arrow.Field, len(columns))
	arrs := make([]arrow.Array, len(columns))
	cols := make([]planner.Column, len(columns))
	for j, c := range columns {
		fields[j] = arrow.Field{Name: c.name, Type: c.arr.DataType(), Nullable: true}
		arrs[j], cols[j] = c.arr, c.col
	}
	whole := array.NewRecord(arrow.NewSchema(fields, nil), arrs, n)
	for _, a := range arrs {
		a.Release()
	}
	defer whole.Release()
	sliced := whole.NewSlice(17, n) // arrays with offsets
	defer sliced.Release()

	loc, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	for _, rec := range []arrow.Record{whole, sliced} {
		rows := int(rec.NumRows())
		all := make([]int32, rows)
		for i := range all {
			all[i] = int32(i)
		}
		var some []int32
		for i := 0; i < rows; i += 1 + i%4 {
			some = append(some, int32(i))
		}
		for _, format := range []int16{0, 1} {
			formats := make([]int16, len(cols))
			for j := range formats {
				formats[j] = format
			}
			for _, sel := range [][]int32{nil, some} {
				idx := all
				if sel != nil {
					idx = sel
				}
				want := referenceRows(rec, idx, formats, cols, loc)
				var w rowWriter
				outs := outColumns(nil, rec, formats, cols, loc, nil, 1)
				var got []byte
				for _, k := range []int{1, 5, chunkRows} { // chunk sizes
					got = got[:0]
					for at := 0; at < len(idx); at += k {
						m := min(k, len(idx)-at)
						got = w.appendRows(got, outs, w.span(sel, at, m))
					}
					require.Equal(t, want, got, "rows %d, format %d, selected %v, chunks of %d", rows, format, sel != nil, k)
				}
			}
		}
	}
}

// TestPgxRowsFromWorkers reads a filtered scan of several partitions
// through pgx: the rows are encoded on the scan's workers
// (streamWorkers), and must be exactly the rows the filter keeps, with the
// right count in the command tag, also in text (simple protocol). A
// predicate that fails in a worker ends the query with its error, and the
// connection goes on.
func TestPgxRowsFromWorkers(t *testing.T) {
	// Two workers even on a one-core machine (GOMAXPROCS sizes scans).
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	var lines strings.Builder
	type row struct {
		host string
		v    float64
		k    int64
		at   time.Time
	}
	var want []row
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 4; d++ { // four daily partitions: four splits
		for i := 0; i < 20000; i++ {
			at := base.Add(time.Duration(d)*24*time.Hour + time.Duration(i)*4*time.Second)
			h := fmt.Sprintf("h%d", (i*7+d)%23)
			v := float64((i*37+d*11)%1000) / 10
			fmt.Fprintf(&lines, "w,host=%s v=%g,k=%di %d\n", h, v, i, at.UnixNano())
			if v > 90 {
				want = append(want, row{h, v, int64(i), at})
			}
		}
	}
	s := startServer(t, lines.String())
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(t, err)
	defer conn.Close(ctx)

	key := func(r row) string { return fmt.Sprintf("%s|%g|%d|%d", r.host, r.v, r.k, r.at.UnixNano()) }
	wantKeys := make([]string, len(want))
	for i, r := range want {
		wantKeys[i] = key(r)
	}
	sort.Strings(wantKeys)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeSimpleProtocol} {
		rows, err := conn.Query(ctx, "SELECT host, v, k, time FROM w WHERE v > 90", mode)
		require.NoError(t, err)
		var got []string
		for rows.Next() {
			var r row
			require.NoError(t, rows.Scan(&r.host, &r.v, &r.k, &r.at))
			got = append(got, key(r))
		}
		require.NoError(t, rows.Err())
		require.Equal(t, fmt.Sprintf("SELECT %d", len(want)), rows.CommandTag().String())
		sort.Strings(got)
		require.True(t, slices.Equal(wantKeys, got), "mode %v: %d rows, want %d", mode, len(got), len(want))
	}

	// 1/(k - 19000) divides by zero in the last part of each day.
	rows, err := conn.Query(ctx, "SELECT host, v FROM w WHERE 1 / (k - 19000) >= 0")
	require.NoError(t, err)
	for rows.Next() {
	}
	var pgErr *pgconn.PgError
	require.ErrorAs(t, rows.Err(), &pgErr)
	require.Equal(t, "22012", pgErr.Code)
	var one int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM w WHERE k = 7").Scan(&one))
	require.Equal(t, 4, one)
}
