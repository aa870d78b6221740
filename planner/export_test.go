package planner

import "slices"

// WithoutRule takes the optimizer rule named name out until the returned
// function puts it back, so a test can compare plans with and without it.
// Tests using it must not run in parallel.
func WithoutRule(name string) (restore func()) {
	saved := rules
	rules = slices.DeleteFunc(slices.Clone(rules), func(r rule) bool { return r.name == name })
	return func() { rules = saved }
}
