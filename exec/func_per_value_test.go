package exec

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// TestPerValueMatchesPerRow: functions over a tag column, run once per
// used tag value, give what they give row by row over the same values as
// plain text: NULL rows (f(NULL) need not be NULL), a slice of a batch,
// and a dictionary value no row uses that the function would reject.
func TestPerValueMatchesPerRow(t *testing.T) {
	vals := make([]any, 300)
	for i := range vals {
		switch {
		case i%17 == 5:
			vals[i] = nil
		case i%3 == 0:
			vals[i] = "2016-01-02"
		default:
			vals[i] = fmt.Sprintf("host_%d", i%5)
		}
	}
	vals[299] = "not a date" // cut off by the slice below
	tag := recordOf(t, col{"v", TypeTag, vals})
	defer tag.Release()
	text := recordOf(t, col{"v", TypeText, vals})
	defer text.Release()
	v := &Column{Index: 0, Name: "v", DT: TypeTag}
	vt := &Column{Index: 0, Name: "v", DT: TypeText}
	for _, tt := range []struct {
		name string
		args []Expr
	}{
		{"lower", nil}, {"upper", nil}, {"length", nil}, {"md5", nil},
		{"split_part", []Expr{nil, lit("_"), lit(int64(2))}},
		{"replace", []Expr{nil, lit("host"), lit("h")}},
		{"concat", []Expr{lit("!"), nil}}, // concat(NULL) is ''
		{"concat_ws", []Expr{lit("/"), nil, lit("x")}},
		{"starts_with", []Expr{nil, lit("host")}},
		{"regexp_replace", []Expr{nil, lit(`\d`), lit("#"), lit("g")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			with := func(c Expr) []Expr {
				if tt.args == nil {
					return []Expr{c}
				}
				out := append([]Expr(nil), tt.args...)
				for i, a := range out {
					if a == nil {
						out[i] = c
					}
				}
				return out
			}
			onTag, onText := call(t, tt.name, with(v)...), call(t, tt.name, with(vt)...)
			for _, cut := range [][2]int64{{0, 299}, {37, 250}} {
				tr, xr := tag.NewSlice(cut[0], cut[1]), text.NewSlice(cut[0], cut[1])
				if len(tt.args) == 0 {
					out, ok, err := onTag.(*Call).evalPerValue(NewCtx(), []arg{{arr: tr.Column(0), dt: TypeTag}}, int(tr.NumRows()))
					require.NoError(t, err)
					require.True(t, ok, "hundreds of rows of 6 values take the per-value path")
					out.Release()
				}
				want, err := onText.Eval(NewCtx(), xr)
				require.NoError(t, err)
				got, err := onTag.Eval(NewCtx(), tr)
				require.NoError(t, err)
				require.Equal(t, want.DataType(), got.DataType())
				require.Equal(t, want.Len(), got.Len())
				for i := range want.Len() {
					ws, wok := FormatValue(want, i, time.UTC)
					gs, gok := FormatValue(got, i, time.UTC)
					require.Equal(t, wok, gok, "row %d", i)
					require.Equal(t, ws, gs, "row %d", i)
				}
				want.Release()
				got.Release()
				tr.Release()
				xr.Release()
			}
		})
	}
	// A value no row of the slice uses is not evaluated: to_date rejects
	// 'not a date', which only the row after the slice holds.
	days := make([]any, 100)
	for i := range days {
		days[i] = "2016-01-02"
	}
	days[99] = "not a date"
	dr := recordOf(t, col{"v", TypeTag, days})
	defer dr.Release()
	toDate := call(t, "to_date", v, lit("YYYY-MM-DD"))
	_, err := toDate.Eval(NewCtx(), dr)
	require.Error(t, err)
	sl := dr.NewSlice(0, 99)
	defer sl.Release()
	got, err := toDate.Eval(NewCtx(), sl)
	require.NoError(t, err)
	defer got.Release()
	s, _ := FormatValue(got, 98, time.UTC)
	require.Equal(t, "2016-01-02 00:00:00+00", s) // to_date's date, as a timestamp here
}

// BenchmarkTagFunction: split_part(hostname, '_', 2) over a 64k-row batch of
// 100 hosts, on the tag column (once per host) and on the same values as
// plain text (once per row).
func BenchmarkTagFunction(b *testing.B) {
	vals := make([]any, BatchRows)
	for i := range vals {
		vals[i] = fmt.Sprintf("host_%d", i%100)
	}
	for _, tc := range []struct {
		name string
		dt   arrow.DataType
	}{{"tag", TypeTag}, {"text", TypeText}} {
		rec := recordOf(b, col{"hostname", tc.dt, vals})
		e := call(b, "split_part", &Column{Index: 0, Name: "hostname", DT: tc.dt}, lit("_"), lit(int64(2)))
		b.Run(tc.name, func(b *testing.B) {
			evalLoop(b, e, rec)
		})
		rec.Release()
	}
}
