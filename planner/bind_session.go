package planner

import (
	"fmt"
	"strings"

	"github.com/stratadb/strata/exec"
)

// ServerVersion is the PostgreSQL version Strata reports: clients choose
// their catalog SQL by it (see DESIGN.md and ../shared/pgwire).
const (
	ServerVersion    = "15.0"
	ServerVersionNum = "150000"
)

// sessionFuncs are the functions answered from the session, with their
// argument counts (min, max).
var sessionFuncs = map[string][2]int{
	"version":           {0, 0},
	"current_database":  {0, 0},
	"current_catalog":   {0, 0},
	"current_schema":    {0, 0},
	"current_user":      {0, 0},
	"session_user":      {0, 0},
	"current_role":      {0, 0},
	"current_setting":   {1, 2},
	"pg_is_in_recovery": {0, 0},
}

// settingDefaults answer current_setting() without a session (the HTTP
// API) and for names the session leaves to the server.
var settingDefaults = map[string]string{
	"server_version":                ServerVersion,
	"server_version_num":            ServerVersionNum,
	"server_encoding":               "UTF8",
	"client_encoding":               "UTF8",
	"datestyle":                     "ISO, MDY",
	"intervalstyle":                 "postgres",
	"integer_datetimes":             "on",
	"standard_conforming_strings":   "on",
	"max_identifier_length":         "63",
	"search_path":                   `"$user", public`,
	"transaction_isolation":         "read committed",
	"default_transaction_read_only": "off",
	"transaction_read_only":         "off",
	"is_superuser":                  "on",
}

// sessionFunc evaluates a session function at plan time: its value is
// fixed for the statement, as in PostgreSQL.
func (b *binder) sessionFunc(name string, arity [2]int, args []exec.Expr) (x exec.Expr, err error) {
	if len(args) < arity[0] || len(args) > arity[1] {
		return nil, errorf(CodeUndefinedFunc, "function %s with %d arguments does not exist", name, len(args))
	}
	b.volatile = true
	user := b.sess.User
	if user == "" {
		user = "strata"
	}
	switch name {
	case "version":
		return text("PostgreSQL " + ServerVersion + " (Strata) on x86_64-pc-linux-gnu, compiled by Go, 64-bit"), nil
	case "current_database", "current_catalog":
		return text(b.sess.Database), nil
	case "current_schema":
		return text("public"), nil
	case "current_user", "session_user", "current_role":
		return text(user), nil
	case "pg_is_in_recovery":
		return &exec.Literal{V: false, DT: exec.TypeBool}, nil
	}
	// current_setting(name [, missing_ok])
	vals := make([]any, len(args))
	constant := true
	for i, a := range args {
		a, err := b.fold(settle(a))
		if err != nil {
			return nil, err
		}
		args[i] = a
		lit, ok := a.(*exec.Literal)
		if !ok {
			constant = false
			continue
		}
		vals[i] = lit.V
	}
	if !constant {
		// A name read from a table (psql's \dconfig): looked up per row.
		if args[0], err = b.coerce(args[0], exec.TypeText); err != nil {
			return nil, err
		}
		if len(args) == 2 {
			if args[1], err = b.coerce(args[1], exec.TypeBool); err != nil {
				return nil, err
			}
		}
		sess := b.sess
		return &rowFunc{name: "current_setting", args: args, dt: exec.TypeText, fn: func(v []any) (any, error) {
			name, ok := v[0].(string)
			if !ok {
				return nil, nil
			}
			missingOK := false
			if len(v) == 2 {
				missingOK, _ = v[1].(bool)
			}
			return sessionSetting(sess, name, missingOK)
		}}, nil
	}
	setting, _ := vals[0].(string)
	missingOK := false
	if len(vals) == 2 {
		missingOK, _ = vals[1].(bool)
	}
	v, err := sessionSetting(b.sess, setting, missingOK)
	if err != nil || v == nil {
		return nullText, err
	}
	return text(v.(string)), nil
}

// sessionSetting is current_setting's value of a parameter: the session's, then
// the server's defaults; NULL or an error for unknown names.
func sessionSetting(sess *Session, name string, missingOK bool) (any, error) {
	key := strings.ToLower(name)
	if sess.Setting != nil {
		if v, ok := sess.Setting(key); ok {
			return v, nil
		}
	}
	switch key {
	case "timezone":
		if sess.Location != nil {
			return sess.Location.String(), nil
		}
		return "UTC", nil
	case "application_name":
		return "", nil
	}
	if v, ok := settingDefaults[key]; ok {
		return v, nil
	}
	if missingOK {
		return nil, nil
	}
	return nil, &Error{Code: "42704", Msg: fmt.Sprintf("unrecognized configuration parameter %q", name)}
}
