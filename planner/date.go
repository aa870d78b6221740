package planner

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// Dates are held as timestamptz: the midnight that starts the day in the
// session's time zone, so comparisons with timestamptz values (time >=
// '2016-01-01'::date) mean what they mean in PostgreSQL, and shown as
// YYYY-MM-DD (Column.PGType 1082). A timestamp without time zone is held as
// the instant of its wall-clock reading in the session's zone and shown
// without an offset (1114).

// castDate is x::date: x as a timestamptz (text is parsed), truncated to
// the start of its day in the session's time zone.
func (b *binder) castDate(x exec.Expr) (exec.Expr, error) {
	ts, err := b.coerce(x, exec.TypeTimestamptz)
	if err != nil {
		return nil, err
	}
	if ts.Type().ID() != arrow.TIMESTAMP {
		return nil, errorf(CodeDatatype, "cannot cast type %s to date", exec.SQLTypeName(x.Type()))
	}
	return b.call("date_trunc", []exec.Expr{&exec.Literal{V: "day", DT: exec.TypeText}, ts})
}
