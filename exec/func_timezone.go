package exec

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// AT TIME ZONE, as PostgreSQL's timezone(zone, x). Strata holds a timestamp
// without time zone as its wall-clock reading taken as a UTC instant
// (2024-03-10 02:30 is 2024-03-10 02:30Z, whatever the session's zone), so
// both directions are conversions between instants:
//
//	__at_time_zone_wall(zone, timestamptz): what x reads in zone (a
//	    timestamp).
//	__at_time_zone_instant(zone, timestamp): the instant at which zone's
//	    clocks read x (a timestamptz).
//	__to_wall(timestamptz), __to_instant(timestamp): the same in the
//	    session's zone, the casts between the two types.
//
// A reading that falls in a daylight-saving gap or overlap resolves as
// PostgreSQL resolves it (WallTime).
func init() {
	for name, toWall := range map[string]bool{"__to_wall": true, "__to_instant": false} {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				return TypeTimestamptz, want(args, "timestamptz")
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) {
				zone := c.Location
				if zone == nil {
					zone = time.UTC
				}
				z := arg{cnst: zone, isConst: true}
				return evalAtTimeZone(c, []arg{z, args[0]}, n, toWall)
			},
		})
	}
	for name, toWall := range map[string]bool{"__at_time_zone_wall": true, "__at_time_zone_instant": false} {
		register(name, funcDef{
			resolve: func(args []arrow.DataType) (arrow.DataType, error) {
				if len(args) == 2 && args[0].ID() == arrow.INTERVAL_MONTH_DAY_NANO {
					return TypeTimestamptz, want(args, "interval", "timestamptz")
				}
				return TypeTimestamptz, want(args, "text", "timestamptz")
			},
			eval: func(c *Ctx, args []arg, n int) (arrow.Array, error) { return evalAtTimeZone(c, args, n, toWall) },
		})
	}
}

func evalAtTimeZone(c *Ctx, args []arg, n int, toWall bool) (arrow.Array, error) {
	ts, valid, err := timestampArg(args[1], n)
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	var zone *time.Location
	if args[0].isConst {
		if loc, ok := args[0].cnst.(*time.Location); ok {
			zone = loc // the session's (__to_wall, __to_instant)
		} else if args[0].cnst == nil {
			return fixedArray(TypeTimestamptz, out, newBitmap(n)), nil
		} else if zone, err = zoneOf(args[0].cnst); err != nil {
			return nil, err
		}
	}
	if zone == time.UTC {
		copy(out, ts) // a reading in UTC is the instant
		return fixedArray(TypeTimestamptz, out, valid), nil
	}
	for i, v := range ts {
		if valid != nil && !getBit(valid, i) {
			continue
		}
		z := zone
		if z == nil {
			zv, ok := rowArg(args[0], i)
			if !ok {
				valid = withNull(valid, n, i)
				continue
			}
			if z, err = zoneOf(zv); err != nil {
				return nil, err
			}
		}
		if !IsFiniteTime(v) {
			out[i] = v // 'infinity' reads 'infinity' in every zone
		} else if toWall {
			out[i] = Reading(time.Unix(0, v), z).UnixNano()
		} else {
			out[i] = InstantOfReading(v, z)
		}
	}
	return fixedArray(TypeTimestamptz, out, valid), nil
}

// zones caches time zones by the text naming them, up to cacheLimit
// names (zone names read from a column cannot grow it without bound).
var (
	zones     sync.Map // string -> *time.Location
	zoneCount atomic.Int64
)

// cacheLimit bounds the entries of the process-wide caches of compiled
// regular expressions and time zones.
const cacheLimit = 4096

// zoneOf reads AT TIME ZONE's zone: an interval (hours east of UTC), or a
// text that is, as in PostgreSQL, a time zone name (any case), a common
// abbreviation (EST, CEST, ...), or a POSIX-style offset, whose hours count
// west of UTC: 'UTC+5' and '+05' are five hours behind UTC.
// LoadZone reads a time zone as AT TIME ZONE does: an IANA name in any
// case, an abbreviation (PST, CEST) or a POSIX offset (UTC+5 is five hours
// west of UTC).
func LoadZone(name string) (*time.Location, error) { return zoneOf(name) }

func zoneOf(v any) (*time.Location, error) {
	switch z := v.(type) {
	case arrow.MonthDayNanoInterval:
		if z.Months != 0 || z.Days != 0 {
			return nil, fmt.Errorf("interval time zone %q must not include months or days", FormatInterval(z))
		}
		secs := z.Nanoseconds / int64(time.Second)
		return time.FixedZone(FormatInterval(z), int(secs)), nil
	case string:
		if loc, ok := zones.Load(z); ok {
			return loc.(*time.Location), nil
		}
		loc, err := loadZoneText(z)
		if err != nil {
			return nil, err
		}
		if zoneCount.Load() < cacheLimit {
			if _, loaded := zones.LoadOrStore(z, loc); !loaded {
				zoneCount.Add(1)
			}
		}
		return loc, nil
	}
	return nil, fmt.Errorf("time zone must be text or an interval, not %T", v)
}

// zoneAbbrevs are abbreviations of PostgreSQL's default set that mean one
// offset (hours east of UTC).
var zoneAbbrevs = map[string]float64{
	"utc": 0, "gmt": 0, "z": 0, "zulu": 0, "uct": 0, "ut": 0,
	"est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
	"akst": -9, "akdt": -8, "hst": -10,
	"wet": 0, "west": 1, "bst": 1, "cet": 1, "cest": 2, "met": 1, "mest": 2, "eet": 2, "eest": 3, "msk": 3,
	"jst": 9, "kst": 9, "hkt": 8, "awst": 8, "acst": 9.5, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
}

func loadZoneText(name string) (*time.Location, error) {
	s := strings.TrimSpace(name)
	if off, ok := posixOffset(strings.ToLower(s)); ok {
		return time.FixedZone(s, off), nil
	}
	if loc, ok := zoneByName(s); ok {
		return loc, nil
	}
	return nil, fmt.Errorf("time zone %q not recognized", name)
}

// zoneByName reads an abbreviation (a fixed offset: CET is +01 in July
// too, PST -08) or a zone name, matched without regard to case
// (europe/berlin).
func zoneByName(s string) (*time.Location, bool) {
	lower := strings.ToLower(s)
	if s == "" {
		return nil, false // time.LoadLocation("") is UTC
	}
	if h, ok := zoneAbbrevs[lower]; ok {
		return time.FixedZone(strings.ToUpper(s), int(h*3600)), true
	}
	if loc, err := time.LoadLocation(s); err == nil && lower != "local" {
		return loc, true
	}
	if loc, err := time.LoadLocation(titleZone(lower)); err == nil {
		return loc, true
	}
	return nil, false
}

// posixOffset reads [name]±h[h][:mm] (name: letters, e.g. UTC, GMT, or
// none): POSIX counts hours west of UTC. It returns seconds east.
//
// The quoted form <abbreviation>±h[h][:mm], which PostgreSQL names a zone
// SET TIME ZONE 5.5 makes (<+05:30>-05:30), is read too.
func posixOffset(s string) (int, bool) {
	i := 0
	if strings.HasPrefix(s, "<") {
		if i = strings.IndexByte(s, '>') + 1; i <= 1 {
			return 0, false
		}
	} else {
		for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
			i++
		}
		if i > 0 && s[:i] != "utc" && s[:i] != "gmt" && s[:i] != "ut" {
			return 0, false
		}
	}
	rest := s[i:]
	if rest == "" {
		return 0, false
	}
	sign := 1
	switch rest[0] {
	case '+':
		rest = rest[1:]
	case '-':
		sign, rest = -1, rest[1:]
	}
	hours, mins, ok := strings.Cut(rest, ":")
	h, m := 0, 0
	if !digits(hours, &h) || len(hours) > 2 || ok && (!digits(mins, &m) || len(mins) != 2) || h > 15 && s[0] != '<' || h > 23 || m > 59 {
		return 0, false
	}
	return -sign * (h*3600 + m*60), true
}

func digits(s string, n *int) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		*n = *n*10 + int(c-'0')
	}
	return true
}

// titleZone spells a lower-case zone name as the zone database does:
// america/new_york → America/New_York.
func titleZone(s string) string {
	b := []byte(s)
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}
