package sql

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ParamValues orders parameter values given by name or by position (the
// "params" object of InfluxDB 3's query APIs) as the values of $1, $2, ...
// of st. Keys are the names of $name parameters, or positions ("1", "$1")
// when st numbers its parameters. Every parameter needs a value; keys the
// statement does not use are ignored, as InfluxDB 3 ignores them (an
// application may send one set of values to several queries), and named
// in the error when a parameter has no value (a typo, most likely).
func (st *Statement) ParamValues(byKey map[string]any) ([]any, error) {
	out := make([]any, st.NumParams)
	set := make([]bool, st.NumParams)
	var unused []string
	for k, v := range byKey {
		n := 0
		if st.ParamNames != nil {
			for i, name := range st.ParamNames {
				if name == strings.TrimPrefix(k, "$") {
					n = i + 1
					break
				}
			}
		} else if i, err := strconv.Atoi(strings.TrimPrefix(k, "$")); err == nil {
			n = i
		}
		if n < 1 || n > st.NumParams {
			unused = append(unused, strconv.Quote(k))
			continue
		}
		out[n-1], set[n-1] = v, true
	}
	for i, ok := range set {
		if !ok {
			if len(unused) > 0 {
				sort.Strings(unused)
				return nil, fmt.Errorf("no value for parameter %s (%s; given but not used: %s)", st.paramName(i), st.paramList(), strings.Join(unused, ", "))
			}
			return nil, fmt.Errorf("no value for parameter %s (%s)", st.paramName(i), st.paramList())
		}
	}
	return out, nil
}

// ParamName is parameter n (1-based) as the text writes it: $n, or $name.
func (st *Statement) ParamName(n int) string { return st.paramName(n - 1) }

func (st *Statement) paramName(i int) string {
	if st.ParamNames != nil && i < len(st.ParamNames) {
		return "$" + st.ParamNames[i]
	}
	return "$" + strconv.Itoa(i+1)
}

func (st *Statement) paramList() string {
	if st.NumParams == 0 {
		return "it has no parameters"
	}
	names := make([]string, st.NumParams)
	for i := range names {
		names[i] = st.paramName(i)
	}
	return "its parameters are " + strings.Join(names, ", ")
}
