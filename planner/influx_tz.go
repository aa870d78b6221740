package planner

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/pingcap/tidb/pkg/parser/ast"
	driver "github.com/pingcap/tidb/pkg/parser/test_driver"

	"github.com/stratadb/strata/exec"
)

// InfluxDB 3's tz(x [, zone]) gives x as a timestamp of zone: the same
// instant, which its clients see with the zone's UTC offset
// ("2024-04-01T02:00:20+02:00", Arrow's Timestamp(ns, "Europe/Brussels")).
// Strata computes tz(x, zone) as x's reading in zone (x AT TIME ZONE zone),
// which date_trunc, date_bin and comparisons then work on. As a result
// column of an InfluxDB 3 client (Session.Influx) a tz() item — or
// date_trunc of one, which DataFusion keeps in the zone — is the instant
// again, marked with its zone (Column.Zone): the HTTP API writes it as
// its reading there with the offset, Flight and Parquet as Timestamp(ns,
// zone). A reading the HTTP API wrote bare would be taken for UTC.

// isoOffset matches a zone written as an offset east of UTC, as Arrow and
// InfluxDB 3 read one (+05:30, -08, +0100).
var isoOffset = regexp.MustCompile(`^[+-][0-9]{2}(:?[0-9]{2})?$`)

// tzZone is the zone text tz() gives AT TIME ZONE's executor: an ISO
// offset turned to PostgreSQL's (POSIX) sign, which counts west of UTC.
func tzZone(z string) string {
	if !isoOffset.MatchString(z) {
		return z
	}
	if z[0] == '+' {
		return "-" + z[1:]
	}
	return "+" + z[1:]
}

// influxZone is, for a select item that is tz(x, zone) or date_trunc(unit,
// tz(x, zone)) with a constant zone, Column.Zone (an IANA name, or a fixed
// offset as +05:30) and the zone as the executor reads it; "" otherwise.
func influxZone(e ast.ExprNode) (zone, execZone string) {
	f, ok := unparen(e).(*ast.FuncCallExpr)
	if ok && f.FnName.L == "date_trunc" && len(f.Args) == 2 {
		return influxZone(f.Args[1])
	}
	if !ok || f.FnName.L != "tz" || len(f.Args) != 2 { // tz(x) was bound as tz(x, 'UTC')
		return "", ""
	}
	v, ok := f.Args[1].(*driver.ValueExpr)
	if !ok || v.Kind() != driver.KindString {
		return "", ""
	}
	name := v.GetString()
	execZone = tzZone(name)
	loc, err := exec.LoadZone(execZone)
	if err != nil {
		return "", ""
	}
	_, jan := time.Date(2024, 1, 1, 0, 0, 0, 0, loc).Zone()
	_, jul := time.Date(2024, 7, 1, 0, 0, 0, 0, loc).Zone()
	// The zone's IANA name when it is one (the executor reads names in any
	// case, and abbreviations such as CET as fixed offsets, which the
	// IANA zone of that name is not).
	if iana, err := time.LoadLocation(loc.String()); err == nil && loc.String() != "Local" {
		_, ijan := time.Date(2024, 1, 1, 0, 0, 0, 0, iana).Zone()
		_, ijul := time.Date(2024, 7, 1, 0, 0, 0, 0, iana).Zone()
		if ijan == jan && ijul == jul {
			return loc.String(), execZone
		}
	}
	if jan != jul {
		return "", "" // a rule Arrow's zones cannot name
	}
	sign := byte('+')
	if jan < 0 {
		sign, jan = '-', -jan
	}
	return fmt.Sprintf("%c%02d:%02d", sign, jan/3600, jan/60%60), execZone
}

// tz binds InfluxDB 3's tz(x, zone): x's reading in zone, x taken as an
// instant whatever its type (a timestamp without time zone is one in UTC,
// as Arrow's are), an offset zone read east of UTC.
func (b *binder) tz(x, zone exec.Expr) (exec.Expr, error) {
	switch z := zone.(type) {
	case *unknownLit:
		if v, ok := z.V.(string); ok {
			z.V = tzZone(v)
		}
	case *exec.Literal:
		if v, ok := z.V.(string); ok {
			zone = &exec.Literal{V: tzZone(v), DT: z.DT}
		}
	}
	x, err := b.coerce(x, exec.TypeTimestamptz)
	if err != nil {
		return nil, err
	}
	if id := zone.Type().ID(); id == arrow.NULL {
		zone = &exec.Literal{V: nil, DT: exec.TypeText}
	} else if !exec.IsText(zone.Type()) {
		return nil, errorf(CodeDatatype, "tz()'s time zone must be text, not %s", exec.SQLTypeName(zone.Type()))
	}
	return b.call("__at_time_zone_wall", []exec.Expr{settle(zone), x})
}

// zonedInstant makes a marked tz() item's value the instant: x of tz(x,
// zone) itself (exact, even in the hour clocks repeat when set back), else
// (date_trunc of it, a group key) the instant of the reading the item is.
func (q *selectBinder) zonedInstant(e ast.ExprNode, reading exec.Expr, execZone string) (exec.Expr, error) {
	if f, ok := unparen(e).(*ast.FuncCallExpr); ok && f.FnName.L == "tz" {
		if x, err := q.bindValue(f.Args[0]); err == nil {
			if x, err = q.b.coerce(x, exec.TypeTimestamptz); err == nil {
				return x, nil
			}
		}
	}
	return q.b.call("__at_time_zone_instant", []exec.Expr{&exec.Literal{V: execZone, DT: exec.TypeText}, reading})
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
