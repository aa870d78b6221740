package pgwire

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/planner"
)

// setting is one run-time parameter a session can SET and SHOW.
type setting struct {
	def string
	// report: sent as ParameterStatus at startup and whenever it changes.
	report bool
	// fixed: SET may only repeat the value (client_encoding must stay UTF8).
	fixed bool
	desc  string
}

// settings are the parameters clients read or set. Unknown names are
// accepted by SET and remembered (clients set many that change nothing
// here, e.g. extra_float_digits, statement_timeout).
var settings = map[string]setting{
	"server_version":                {def: planner.ServerVersion, report: true, fixed: true, desc: "Shows the server version."},
	"server_version_num":            {def: planner.ServerVersionNum, fixed: true, desc: "Shows the server version as an integer."},
	"server_encoding":               {def: "UTF8", report: true, fixed: true, desc: "Shows the server (database) character set encoding."},
	"client_encoding":               {def: "UTF8", report: true, desc: "Sets the client's character set encoding."},
	"datestyle":                     {def: "ISO, MDY", report: true, desc: "Sets the display format for date and time values."},
	"integer_datetimes":             {def: "on", report: true, fixed: true, desc: "Shows whether datetimes are integer based."},
	"standard_conforming_strings":   {def: "on", report: true, fixed: true, desc: "Causes '...' strings to treat backslashes literally."},
	"timezone":                      {def: "UTC", report: true, desc: "Sets the time zone for displaying and interpreting time stamps."},
	"intervalstyle":                 {def: "postgres", report: true, desc: "Sets the display format for interval values."},
	"application_name":              {def: "", report: true, desc: "Sets the application name to be reported in statistics and logs."},
	"is_superuser":                  {def: "on", report: true, fixed: true, desc: "Shows whether the current user is a superuser."},
	"session_authorization":         {def: "", report: true, desc: "Sets the session user name."},
	"default_transaction_read_only": {def: "off", report: true, desc: "Sets the default read-only status of new transactions."},
	"in_hot_standby":                {def: "off", report: true, fixed: true, desc: "Shows whether hot standby is currently active."},
	"search_path":                   {def: `"$user", public`, desc: "Sets the schema search order for names that are not schema-qualified."},
	"extra_float_digits":            {def: "1", desc: "Sets the number of digits displayed for floating-point values."},
	"statement_timeout":             {def: "0", desc: "Sets the maximum allowed duration of any statement."},
	"transaction_isolation":         {def: "read committed", desc: "Sets the current transaction's isolation level."},
	"transaction_read_only":         {def: "off", desc: "Sets the current transaction's read-only status."},
	"max_identifier_length":         {def: "63", fixed: true, desc: "Shows the maximum identifier length."},
	"lc_collate":                    {def: "C", fixed: true, desc: "Shows the collation order locale."},
	"lc_ctype":                      {def: "C", fixed: true, desc: "Shows the character classification and case conversion locale."},
	"client_min_messages":           {def: "notice", desc: "Sets the message levels that are sent to the client."},
}

// reportName is the spelling ParameterStatus uses for a setting.
var reportName = map[string]string{
	"datestyle":     "DateStyle",
	"timezone":      "TimeZone",
	"intervalstyle": "IntervalStyle",
}

func paramStatusName(name string) string {
	if n, ok := reportName[name]; ok {
		return n
	}
	return name
}

// session is what one connection remembers between messages.
type session struct {
	user, database string
	pid            uint32            // BackendKeyData's process ID
	values         map[string]string // overrides of the defaults
	loc            *time.Location
	memLimit       int64
	// gen changes with every SET and RESET: a plan kept by a prepared
	// statement was made under one generation of the settings.
	gen uint64
	// onApp hears application_name's new value (pg_stat_activity shows
	// it to other connections); nil: nobody listens.
	onApp func(string)
	// prepared lists the connection's prepared statements.
	prepared func() []planner.PreparedStatement
	// notify sends a notice to the client.
	notify func(planner.Notice)
}

// appChanged tells onApp the current application_name.
func (s *session) appChanged() {
	if s.onApp != nil {
		v, _ := s.get("application_name")
		s.onApp(v)
	}
}

func newSession(user, database string, memLimit int64) *session {
	return &session{user: user, database: database, values: map[string]string{}, loc: time.UTC, memLimit: memLimit}
}

// floatDigits is extra_float_digits (1 when not set): 1 or more writes
// floats in their shortest exact form, 0 or less with 15 (float4: 6)
// significant digits plus it.
func (s *session) floatDigits() int {
	if v, ok := s.values["extra_float_digits"]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n
		}
	}
	return 1
}

func (s *session) get(name string) (string, bool) {
	if v, ok := s.values[name]; ok {
		return v, true
	}
	switch name {
	case "session_authorization":
		return s.user, true
	}
	st, ok := settings[name]
	return st.def, ok
}

// set changes a setting, checking values the session interprets. It
// returns the ParameterStatus name and value to report, or "" when the
// setting is not reported.
func (s *session) set(name, value string) (report string, err error) {
	st, known := settings[name]
	if known && st.fixed {
		cur, _ := s.get(name)
		if !strings.EqualFold(normalizeSetting(name, value), normalizeSetting(name, cur)) {
			return "", &planner.Error{Code: "22023", Msg: fmt.Sprintf("parameter %q cannot be changed (it is always %s)", name, cur)}
		}
		return "", nil
	}
	switch name {
	case "client_encoding":
		// UTF8, or SQL_ASCII: no conversion, what psql asks for in the C
		// locale (client_encoding=auto there). Others would need one.
		switch normalizeSetting(name, value) {
		case "UTF8":
			value = "UTF8"
		case "SQLASCII":
			value = "SQL_ASCII"
		default:
			return "", &planner.Error{Code: "22023", Msg: fmt.Sprintf("client_encoding %q is not supported: Strata talks UTF8 (or SQL_ASCII, without conversion)", value),
				Hint: "use a UTF-8 locale or set PGCLIENTENCODING=UTF8"}
		}
	case "extra_float_digits":
		n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(value), "'"))
		if err != nil {
			return "", &planner.Error{Code: "22023", Msg: fmt.Sprintf("invalid value for parameter \"extra_float_digits\": %q", value)}
		}
		if n < -15 || n > 3 {
			return "", &planner.Error{Code: "22023", Msg: fmt.Sprintf("%d is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)", n)}
		}
		value = strconv.Itoa(n)
	case "statement_timeout":
		d, ok := readTimeout(value)
		if !ok {
			return "", &planner.Error{Code: "22023", Msg: fmt.Sprintf("invalid value for parameter \"statement_timeout\": %q", value),
				Hint: "give milliseconds or a number with a unit: 500, '2s', '1min' (0: no limit)"}
		}
		value = formatTimeout(d)
	case "timezone":
		loc, canon, err := loadZone(value)
		if err != nil {
			return "", &planner.Error{Code: "22023", Msg: fmt.Sprintf("invalid value for parameter \"TimeZone\": %q", value), Hint: "use an IANA zone name such as 'UTC' or 'Europe/Berlin'"}
		}
		s.loc, value = loc, canon
	case "datestyle":
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(value)), "ISO") {
			return "", &planner.Error{Code: "0A000", Msg: fmt.Sprintf("DateStyle %q is not supported: Strata writes dates in the ISO style", value), Hint: "SET DateStyle = 'ISO, MDY'"}
		}
		for _, part := range strings.Split(strings.ToUpper(value), ",") {
			if part = strings.TrimSpace(part); part == "DMY" || part == "YMD" || part == "EURO" || part == "EUROPEAN" {
				return "", &planner.Error{Code: "0A000", Msg: fmt.Sprintf("DateStyle %q is not supported: Strata reads dates such as 03/04/2020 month first (MDY)", value),
					Hint: "write dates as YYYY-MM-DD, which every DateStyle reads alike, and SET DateStyle = 'ISO, MDY'"}
			}
		}
		value = "ISO, MDY"
	case "intervalstyle":
		if !strings.EqualFold(value, "postgres") {
			return "", &planner.Error{Code: "0A000", Msg: fmt.Sprintf("IntervalStyle %q is not supported: Strata writes intervals in the postgres style", value)}
		}
		value = "postgres"
	}
	s.values[name] = value
	s.gen++
	if name == "application_name" {
		s.appChanged()
	}
	if known && st.report {
		return paramStatusName(name), nil
	}
	return "", nil
}

func (s *session) reset(name string) {
	s.gen++
	delete(s.values, name)
	if name == "timezone" {
		s.loc = time.UTC
	}
	if name == "application_name" {
		s.appChanged()
	}
}

func (s *session) resetAll() {
	s.gen++
	s.values = map[string]string{}
	s.loc = time.UTC
	s.appChanged()
}

// all lists every setting for SHOW ALL, sorted by name.
func (s *session) all() [][3]string {
	names := make([]string, 0, len(settings)+len(s.values))
	for n := range settings {
		names = append(names, n)
	}
	for n := range s.values {
		if _, ok := settings[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([][3]string, len(names))
	for i, n := range names {
		v, _ := s.get(n)
		out[i] = [3]string{paramStatusName(n), v, settings[n].desc}
	}
	return out
}

func (s *session) plannerSession() *planner.Session {
	return &planner.Session{Database: s.database, Location: s.loc, Now: time.Now(), MemLimit: s.memLimit, User: s.user, Setting: s.get, PID: int32(s.pid),
		Prepared: s.prepared, Notify: s.notify}
}

func normalizeSetting(name, v string) string {
	v = strings.TrimSpace(v)
	if name == "client_encoding" || name == "server_encoding" {
		v = strings.ReplaceAll(strings.ReplaceAll(strings.ToUpper(v), "-", ""), "_", "")
		if v == "UNICODE" {
			v = "UTF8"
		}
	}
	return v
}

// loadZone reads a TimeZone value: an IANA name, UTC/GMT/Z, or a POSIX-style
// fixed offset in hours ('+02', '-05:30').
func loadZone(v string) (*time.Location, string, error) {
	v = strings.TrimSpace(v)
	switch strings.ToUpper(v) {
	case "UTC", "GMT", "Z", "ZULU", "UCT", "ETC/UTC":
		return time.UTC, "UTC", nil
	case "LOCAL":
		return time.Local, time.Local.String(), nil
	}
	if hours, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(hours) && !strings.ContainsAny(v, "xX_") {
		// A number of hours east of UTC, fractions too (5.5 is India's
		// +05:30), named as PostgreSQL names it: <+05:30>-05:30.
		if math.Abs(hours) >= 24 {
			return nil, "", fmt.Errorf("offset out of range")
		}
		secs := int(math.Round(hours * 3600))
		name := posixOffsetName(secs)
		return time.FixedZone(name, secs), name, nil
	}
	if v != "" && (v[0] == '+' || v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
		var h, m int
		sign := 1
		body := v
		if body[0] == '+' || body[0] == '-' {
			if body[0] == '-' {
				sign = -1
			}
			body = body[1:]
		}
		if _, err := fmt.Sscanf(body, "%d:%d", &h, &m); err != nil {
			if _, err := fmt.Sscanf(body, "%d", &h); err != nil {
				return nil, "", err
			}
		}
		if h > 15 || m > 59 {
			return nil, "", fmt.Errorf("offset out of range")
		}
		// PostgreSQL reads a bare number as hours east of UTC for SET
		// TIME ZONE, and hh:mm as a POSIX offset (west: '+05:30' is
		// -05:30); the reported name keeps what the client wrote.
		if strings.Contains(body, ":") {
			sign = -sign
		}
		return time.FixedZone(v, sign*(h*3600+m*60)), v, nil
	}
	loc, err := time.LoadLocation(v)
	if err != nil {
		// UTC+5 (POSIX), PST, europe/berlin: as AT TIME ZONE reads them.
		if loc, err = exec.LoadZone(v); err != nil {
			return nil, "", err
		}
	}
	return loc, loc.String(), nil
}

// posixOffsetName is PostgreSQL's name for the fixed zone secs east of
// UTC: <+05:30>-05:30 (the abbreviation, then the POSIX offset, west).
func posixOffsetName(secs int) string {
	sign, west := "+", "-"
	if secs < 0 {
		sign, west, secs = "-", "+", -secs
	}
	off := fmt.Sprintf("%02d", secs/3600)
	if m, sec := secs%3600/60, secs%60; m != 0 || sec != 0 {
		off += fmt.Sprintf(":%02d", m)
		if sec != 0 {
			off += fmt.Sprintf(":%02d", sec)
		}
	}
	return "<" + sign + off + ">" + west + off
}

// formatTimeout writes a timeout as PostgreSQL shows it: whole
// milliseconds in the largest unit that divides them (100ms, 5s, 1min),
// 0 for none.
func formatTimeout(d time.Duration) string {
	ms := int64((d + time.Millisecond/2) / time.Millisecond)
	if ms <= 0 {
		return "0"
	}
	for _, u := range []struct {
		ms   int64
		name string
	}{{86400000, "d"}, {3600000, "h"}, {60000, "min"}, {1000, "s"}} {
		if ms%u.ms == 0 {
			return fmt.Sprint(ms/u.ms) + u.name
		}
	}
	return fmt.Sprint(ms) + "ms"
}
