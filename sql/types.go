package sql

import "strings"

// typeAliases maps PostgreSQL type spellings to the canonical names carried
// by the cast marker (PostgreSQL's own internal names).
var typeAliases = map[string]string{
	"int": "int4", "integer": "int4", "int4": "int4", "smallint": "int2", "int2": "int2",
	"bigint": "int8", "int8": "int8", "real": "float4", "float4": "float4",
	"float8": "float8", "double precision": "float8", "float": "float8",
	"decimal": "numeric", "numeric": "numeric", "bool": "bool", "boolean": "bool",
	"varchar": "varchar", "character varying": "varchar", "char varying": "varchar",
	"character": "bpchar", "char": "bpchar", "bpchar": "bpchar", "nchar": "bpchar",
	"national character": "bpchar", "national character varying": "varchar",
	"timestamp": "timestamp", "timestamp without time zone": "timestamp",
	"timestamptz": "timestamptz", "timestamp with time zone": "timestamptz",
	"time": "time", "time without time zone": "time", "timetz": "timetz",
	"time with time zone": "timetz", "bit varying": "varbit", "varbit": "varbit",
	"dec": "numeric",
}

// multiWordTypes lists the second words that may follow a first type word.
var multiWordTypes = map[string][]string{
	"double":    {"precision"},
	"character": {"varying"},
	"char":      {"varying"},
	"bit":       {"varying"},
	"national":  {"character", "char"},
}

var intervalFields = map[string]bool{"year": true, "month": true, "day": true, "hour": true, "minute": true, "second": true}

// parseType reads a type name at r.i and returns its canonical text:
// name[(typmods)][[]], with pg_catalog. stripped, other schemas kept as
// schema.name, "char" (quoted) as char and array suffixes collapsed to one
// []. It returns ok=false (and leaves r.i unchanged) when no type name
// starts at r.i.
func (r *rewriter) parseType() (string, bool) {
	save := r.i
	t := r.tok(0)
	var name string
	switch {
	case t.kind == tQIdent:
		name = t.val
		r.i++
	case t.kind == tIdent:
		name = t.val
		r.i++
	default:
		return "", false
	}
	if r.tok(0).punct(".") && (r.tok(1).kind == tIdent || r.tok(1).kind == tQIdent) {
		schema := name
		name = r.tok(1).val
		r.i += 2
		if schema != "pg_catalog" {
			name = schema + "." + name
		}
	} else if t.kind == tIdent {
		// multi-word spellings
		for _, second := range multiWordTypes[name] {
			if r.tok(0).word(second) {
				name += " " + second
				r.i++
				if name == "national character" || name == "national char" {
					name = "national character"
					if r.tok(0).word("varying") {
						name += " varying"
						r.i++
					}
				}
				break
			}
		}
	}
	var mods string
	if r.tok(0).punct("(") && name != "interval" {
		j := 1
		var parts []string
		for r.tok(j).kind == tNumber {
			parts = append(parts, r.tok(j).val)
			if r.tok(j + 1).punct(",") {
				j += 2
				continue
			}
			j++
			break
		}
		if len(parts) == 0 || !r.tok(j).punct(")") {
			r.i = save
			return "", false
		}
		mods = "(" + strings.Join(parts, ",") + ")"
		r.i += j + 1
	}
	if (name == "timestamp" || name == "time") && (r.tok(0).word("with") || r.tok(0).word("without")) &&
		r.tok(1).word("time") && r.tok(2).word("zone") {
		name += " " + r.tok(0).val + " time zone"
		r.i += 3
	}
	if t.kind == tIdent {
		if c, ok := typeAliases[name]; ok {
			name = c
		}
		if name == "float8" && mods != "" {
			if p := mods[1 : len(mods)-1]; !strings.Contains(p, ",") && len(p) <= 2 && atoiSmall(p) <= 24 {
				name = "float4"
			}
			mods = ""
		}
		if name == "bpchar" && mods == "" && t.val != "bpchar" {
			mods = "(1)"
		}
	} else if name == "char" {
		name = "char" // the one-byte "char" type keeps its quoted name
	}
	if name == "interval" {
		name += r.intervalQualifier()
	}
	arr := false
	for {
		if r.tok(0).punct("[") {
			j := 1
			if r.tok(j).kind == tNumber {
				j++
			}
			if !r.tok(j).punct("]") {
				break
			}
			r.i += j + 1
			arr = true
			continue
		}
		if r.tok(0).word("array") && !r.tok(1).punct("(") {
			r.i++
			arr = true
			if r.tok(0).punct("[") && r.tok(1).kind == tNumber && r.tok(2).punct("]") {
				r.i += 3
			}
			continue
		}
		break
	}
	name += mods
	if arr {
		name += "[]"
	}
	return name, true
}

// intervalQualifier reads optional interval fields (DAY, HOUR TO SECOND,
// SECOND(3), ...) and returns them as " day to second" or "".
func (r *rewriter) intervalQualifier() string {
	if !intervalFields[r.tok(0).val] || r.tok(0).kind != tIdent {
		return ""
	}
	q := " " + r.tok(0).val
	r.i++
	if r.tok(0).word("to") && intervalFields[r.tok(1).val] && r.tok(1).kind == tIdent {
		q += " to " + r.tok(1).val
		r.i += 2
	}
	if r.tok(0).punct("(") && r.tok(1).kind == tNumber && r.tok(2).punct(")") {
		q += "(" + r.tok(1).val + ")"
		r.i += 3
	}
	return q
}

func atoiSmall(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
