package sql

// keywords are the words the rewriter emits as SQL keywords when they are
// not qualified (x.word) or qualifiers (word.x). Every other unquoted word is
// an identifier, emitted double-quoted in lower case so that TiDB keeps the
// folded case and accepts names it reserves (key, range, rank, usage, ...).
// Context-dependent words (rows, range, groups, row, current, partition,
// over, window, interval, time, ...) are decided in the rewriter.
var keywords = map[string]bool{
	"select": true, "from": true, "where": true, "group": true, "by": true, "having": true,
	"order": true, "as": true, "and": true, "or": true, "not": true, "null": true,
	"true": true, "false": true, "is": true, "in": true, "like": true, "ilike": true,
	"between": true, "symmetric": true, "case": true, "when": true, "then": true, "else": true,
	"end": true, "join": true, "left": true, "right": true, "full": true, "inner": true,
	"outer": true, "cross": true, "natural": true, "on": true, "using": true, "union": true,
	"all": true, "intersect": true, "except": true, "distinct": true, "asc": true, "desc": true,
	"with": true, "recursive": true, "preceding": true, "following": true, "unbounded": true,
	"escape": true, "exists": true, "values": true, "insert": true, "into": true,
	"default": true, "lateral": true, "both": true, "leading": true, "trailing": true,
	"for": true, "update": true, "share": true, "only": true, "table": true, "explain": true,
}

// niladic are SQL-standard functions PostgreSQL lets you call without
// parentheses; they are emitted as calls with no arguments (user becomes
// current_user).
var niladic = map[string]string{
	"user": "current_user", "current_user": "current_user", "session_user": "session_user",
	"current_role": "current_role", "current_catalog": "current_catalog",
	"current_schema": "current_schema",
}

// datetimeNiladic are emitted as TiDB keywords (TiDB parses them, with an
// optional precision, as function calls).
var datetimeNiladic = map[string]bool{
	"current_date": true, "current_time": true, "current_timestamp": true,
	"localtime": true, "localtimestamp": true,
}
