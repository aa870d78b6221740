package planner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/exec"
)

// TestDeepNestingPlans: type resolution of nested CASE, COALESCE, NULLIF
// and GREATEST over mixed number types asks for each member's type once;
// asked again at every level, 40 levels would take longer than anyone
// waits (2^40 bindings). The deadline is a liveness bound, not a timing.
func TestDeepNestingPlans(t *testing.T) {
	p, sess := emptyPlanner(t)
	forms := map[string]func(string, int) string{
		"case": func(x string, _ int) string {
			return fmt.Sprintf("CASE WHEN random() < 2 THEN %s + 1 ELSE 0.5::real END", x)
		},
		"coalesce": func(x string, _ int) string { return fmt.Sprintf("coalesce(%s + 1, 1.5)", x) },
		"nullif":   func(x string, _ int) string { return fmt.Sprintf("nullif(%s + 1, 2.5)", x) },
		"greatest": func(x string, i int) string { return fmt.Sprintf("greatest(%s + 1, 1.5, %d)", x, i) },
	}
	for name, form := range forms {
		x := "x"
		for i := range 40 {
			x = form(x, i)
		}
		done := make(chan error, 1)
		go func() {
			_, op, err := p.QueryText(context.Background(), sess, "SELECT pg_typeof("+x+") FROM (VALUES (1)) s(x)", nil)
			if err == nil {
				var recs []arrow.Record
				recs, err = exec.Collect(context.Background(), op)
				for _, r := range recs {
					r.Release()
				}
			}
			done <- err
		}()
		select {
		case err := <-done:
			require.NoError(t, err, name)
		case <-time.After(time.Minute):
			t.Fatalf("%s nested 40 deep did not plan within a minute: type resolution repeats work per level", name)
		}
	}
}
