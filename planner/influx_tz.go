package planner

import (
	"fmt"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
)

// InfluxDB 3's tz(x [, zone]) gives x as a timestamp of zone: the same
// instant, which its clients see with the zone's UTC offset
// ("2024-04-01T02:00:20+02:00", Arrow's Timestamp(ns, "Europe/Brussels")).
// Strata computes tz(x, zone) as x's reading in zone (x AT TIME ZONE zone),
// which date_trunc, date_bin and comparisons then work on; as a result
// column of an InfluxDB 3 client it is marked with its zone (Column.Zone)
// and written as the instant again, with the offset, instead of a bare
// reading those clients would take for UTC.

// influxZone is Column.Zone of a select item: the zone of tz(x, zone) (or
// of date_trunc(unit, tz(x, zone))) with a constant zone that is an IANA
// name (as given) or a fixed offset (+05:30); "" for anything else.
func influxZone(e ast.ExprNode) string {
	f, ok := unparen(e).(*ast.FuncCallExpr)
	if ok && f.FnName.L == "date_trunc" && len(f.Args) == 2 {
		// DataFusion truncates a timestamp of a zone there, keeping the
		// zone; so does date_trunc of the reading.
		return influxZone(f.Args[1])
	}
	if !ok || f.FnName.L != "tz" || len(f.Args) != 2 { // tz(x) was bound as tz(x, 'UTC')
		return ""
	}
	v, ok := f.Args[1].(*driver.ValueExpr)
	if !ok || v.Kind() != driver.KindString {
		return ""
	}
	name := v.GetString()
	if _, err := time.LoadLocation(name); err == nil && name != "" && name != "Local" {
		return name
	}
	loc, err := exec.LoadZone(name)
	if err != nil {
		return ""
	}
	// A fixed offset: the same in winter and summer of a leap year's
	// span is taken as fixed (abbreviations such as EST are).
	_, jan := time.Date(2024, 1, 1, 0, 0, 0, 0, loc).Zone()
	_, jul := time.Date(2024, 7, 1, 0, 0, 0, 0, loc).Zone()
	if jan != jul {
		return ""
	}
	sign := byte('+')
	if jan < 0 {
		sign, jan = '-', -jan
	}
	return fmt.Sprintf("%c%02d:%02d", sign, jan/3600, jan/60%60)
}

// ZoneOf loads Column.Zone: an IANA name, or an offset east of UTC as
// Arrow writes them (+05:30; not POSIX's sign, which AT TIME ZONE reads).
func ZoneOf(zone string) (*time.Location, error) {
	if len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' {
		h, err1 := strconv.Atoi(zone[1:3])
		m, err2 := strconv.Atoi(zone[4:])
		if err1 == nil && err2 == nil {
			off := h*3600 + m*60
			if zone[0] == '-' {
				off = -off
			}
			return time.FixedZone(zone, off), nil
		}
	}
	return time.LoadLocation(zone)
}

// ReadingInstant is the instant at which loc's clocks show the reading
// held as ns (nanoseconds of the reading taken as UTC): where a reading
// occurs twice (clocks set back) the later, as PostgreSQL resolves it.
func ReadingInstant(ns int64, loc *time.Location) time.Time {
	t := time.Unix(0, ns).UTC()
	return exec.WallTime(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// ZonedInstants turns a column of readings in zone (a tz() result column)
// into the instants they are, typed Timestamp(ns, zone) as InfluxDB 3
// types them.
func ZonedInstants(mem memory.Allocator, a *array.Timestamp, zone string) (arrow.Array, error) {
	loc, err := ZoneOf(zone)
	if err != nil {
		return nil, err
	}
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: zone})
	defer b.Release()
	b.Reserve(a.Len())
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		b.UnsafeAppend(arrow.Timestamp(ReadingInstant(int64(a.Value(i)), loc).UnixNano()))
	}
	return b.NewArray(), nil
}
