package exec

// The hypothetical-set aggregates' last step (planner/hypothetical.go),
// from counts of the group's rows: before (rows that sort before the
// hypothetical row), rows (all of them), nulls (NULL keys before it).
func init() {
	ints := [][]string{{"int", "int"}}
	registerRowFn("__hyp_dense_rank", TypeInt, ints, func(_ *Ctx, v []any) (any, error) {
		rank := v[0].(int64) + 1
		if v[1].(int64) > 0 {
			rank++ // the NULL keys are one more distinct key
		}
		return rank, nil
	})
	registerRowFn("__hyp_percent_rank", TypeFloat, ints, func(_ *Ctx, v []any) (any, error) {
		if v[1].(int64) == 0 {
			return 0.0, nil
		}
		return float64(v[0].(int64)) / float64(v[1].(int64)), nil
	})
	registerRowFn("__hyp_cume_dist", TypeFloat, ints, func(_ *Ctx, v []any) (any, error) {
		return float64(v[0].(int64)+1) / float64(v[1].(int64)+1), nil
	})
}
