package httpquery

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stratadb/strata/sql"
)

// decodeParams reads the values of a query's parameters as InfluxDB 3
// takes them: {"name": v} for $name ({"1": v} for $1) or [v, v] for $1,
// $2, ... Values are JSON scalars (InfluxDB 3's StatementParam): null,
// booleans, strings and numbers; see paramValue for numbers.
func decodeParams(stmt *sql.Statement, raw json.RawMessage) ([]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		if stmt.NumParams > 0 {
			return stmt.ParamValues(nil)
		}
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf(`params must be a JSON object keyed by parameter name or position ({"host": "a"} for $host, {"1": 42} for $1) or an array: %v`, err)
	}
	switch p := v.(type) {
	case []any:
		vals := make([]any, len(p))
		for i, x := range p {
			var err error
			if vals[i], err = paramValue("$"+strconv.Itoa(i+1), x); err != nil {
				return nil, err
			}
		}
		if len(vals) != stmt.NumParams {
			return nil, fmt.Errorf("params has %d values but the query has %d parameters", len(vals), stmt.NumParams)
		}
		return vals, nil
	case map[string]any:
		keys := make([]string, 0, len(p))
		for k := range p {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the same error for the same request
		byKey := make(map[string]any, len(p))
		for _, k := range keys {
			val, err := paramValue("$"+strings.TrimPrefix(k, "$"), p[k])
			if err != nil {
				return nil, err
			}
			byKey[k] = val
		}
		return stmt.ParamValues(byKey)
	}
	return nil, fmt.Errorf(`params must be a JSON object keyed by parameter name or position ({"host": "a"} for $host, {"1": 42} for $1) or an array, not %s`, jsonKind(v))
}

// paramValue turns one JSON value (decoded with UseNumber) into the
// planner's. A number written as an integer is an int64, exactly (a
// float64 would round 9007199254740993); one beyond int64 but within
// uint64 is a uint64 (InfluxDB's UInt64 parameter). Any other number (a
// fraction, an exponent, beyond uint64) is a float64.
func paramValue(name string, v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string:
		return x, nil
	case json.Number:
		s := string(x)
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return u, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: the number %s is out of range of double precision", name, s)
		}
		return f, nil
	}
	kind := "arrays"
	if _, ok := v.(map[string]any); ok {
		kind = "objects"
	}
	return nil, fmt.Errorf("parameter %s: %s are not supported; use a string, number, boolean or null", name, kind)
}

// jsonKind names a decoded JSON value's kind for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}
