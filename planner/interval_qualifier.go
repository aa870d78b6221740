package planner

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// intervalUnits are the fields of an interval qualifier and one unit of
// each.
var intervalUnits = map[string]arrow.MonthDayNanoInterval{
	"year":   {Months: 12},
	"month":  {Months: 1},
	"day":    {Days: 1},
	"hour":   {Nanoseconds: int64(time.Hour)},
	"minute": {Nanoseconds: int64(time.Minute)},
	"second": {Nanoseconds: int64(time.Second)},
}

// qualifiedInterval is INTERVAL '...' <qualifier> (INTERVAL '1' DAY,
// '90' MINUTE, '1 day 2 hours' DAY, ... HOUR TO MINUTE) on a constant, as
// PostgreSQL reads it: a bare number counts the qualifier's last field,
// and fields below the last one are dropped (INTERVAL '1.5' YEAR is 1
// year).
// minuteSecond is the m:s form MINUTE TO SECOND reads as minutes.
var minuteSecond = regexp.MustCompile(`^([+-]?)(\d+):(\d+(?:\.\d*)?)$`)

func (b *binder) qualifiedInterval(x exec.Expr, qual string) (exec.Expr, error) {
	words := strings.Fields(qual)
	last := ""
	switch {
	case len(words) == 1:
		last = words[0]
	case len(words) == 3 && words[1] == "to":
		if _, ok := intervalUnits[words[0]]; !ok {
			return nil, errorf(CodeSyntax, "interval qualifier %q is not valid", qual)
		}
		last = words[2]
	}
	unit, ok := intervalUnits[last]
	if !ok {
		return nil, errorf(CodeSyntax, "interval qualifier %q is not valid: use YEAR, MONTH, DAY, HOUR, MINUTE, SECOND or X TO Y", qual)
	}
	lit, ok := settle(x).(*exec.Literal)
	if !ok {
		return nil, notSupported("an interval qualifier on a value that is not a constant")
	}
	if lit.V == nil {
		return &exec.Literal{V: nil, DT: exec.TypeInterval}, nil
	}
	text, ok := lit.V.(string)
	if !ok {
		return nil, errorf(CodeDatatype, "cannot cast type %s to interval %s", exec.SQLTypeName(lit.DT), qual)
	}
	var iv arrow.MonthDayNanoInterval
	if len(words) == 3 && words[0] == "minute" && last == "second" {
		// MINUTE TO SECOND reads a lone m:s as minutes and seconds
		// ('1:30' is 00:01:30), as PostgreSQL does.
		if m := minuteSecond.FindStringSubmatch(strings.TrimSpace(text)); m != nil {
			mins, _ := strconv.ParseFloat(m[2], 64)
			secs, _ := strconv.ParseFloat(m[3], 64)
			ns := math.Round((mins*60 + secs) * 1e9)
			if m[1] == "-" {
				ns = -ns
			}
			return &exec.Literal{V: arrow.MonthDayNanoInterval{Nanoseconds: int64(ns)}, DT: exec.TypeInterval}, nil
		}
	}
	if f, err := strconv.ParseFloat(strings.TrimSpace(text), 64); err == nil {
		if iv, err = exec.ScaleInterval(unit, f, false); err != nil {
			return nil, AsError(err)
		}
	} else {
		v, err := exec.CastValue(b.ctx, text, exec.TypeInterval)
		if err != nil {
			return nil, AsError(err)
		}
		iv = v.(arrow.MonthDayNanoInterval)
	}
	switch last {
	case "year":
		iv = arrow.MonthDayNanoInterval{Months: iv.Months / 12 * 12}
	case "month":
		iv.Days, iv.Nanoseconds = 0, 0
	case "day":
		iv.Nanoseconds = 0
	case "hour", "minute":
		iv.Nanoseconds -= iv.Nanoseconds % unit.Nanoseconds
	}
	return &exec.Literal{V: iv, DT: exec.TypeInterval}, nil
}
