package slt

// Kind is the kind of a record.
type Kind int

// Record kinds.
const (
	KindStatement Kind = iota + 1
	KindQuery
	KindHalt
	KindHashThreshold
)

func (k Kind) String() string {
	switch k {
	case KindStatement:
		return "statement"
	case KindQuery:
		return "query"
	case KindHalt:
		return "halt"
	case KindHashThreshold:
		return "hash-threshold"
	}
	return "unknown"
}

// SortMode says how a query's results are ordered before comparison.
type SortMode int

// Sort modes.
const (
	NoSort    SortMode = iota // compare in the order returned
	RowSort                   // sort rendered rows
	ValueSort                 // one value per line, all values sorted
)

func (m SortMode) String() string {
	switch m {
	case RowSort:
		return "rowsort"
	case ValueSort:
		return "valuesort"
	}
	return "nosort"
}

// Condition is a skipif/onlyif line in front of a record.
type Condition struct {
	Only   bool   // onlyif (true) or skipif (false)
	Engine string // engine name, e.g. strata or postgres
}

// Record is one directive of a file with everything that belongs to it.
type Record struct {
	Kind       Kind
	Line       int // 1-based line of the directive
	Conditions []Condition
	SQL        string // statement or query text, lines joined by "\n"

	// Statement and query: expected failure, with an optional regexp the
	// error message must match.
	ExpectError  bool
	ErrorPattern string

	// Query only.
	Types    string // column type letters, one per column
	Sort     SortMode
	Label    string
	Expected []string // the lines after "----"
	HasSep   bool     // the record has a "----" line
	// ResultStart and ResultEnd are the 0-based half-open line range of the
	// "----" line and the expected lines (both equal the end of the SQL when
	// there is no "----"): rewrite replaces exactly this range.
	ResultStart, ResultEnd int
	// TypesAt is the 0-based line index of the directive line, which rewrite
	// changes when the type letters are wrong.
	TypesAt int

	Threshold int // hash-threshold value
}

// Applies reports whether the record runs on engine.
func (r *Record) Applies(engine string) bool {
	for _, c := range r.Conditions {
		if c.Only != (c.Engine == engine) {
			return false
		}
	}
	return true
}

// File is a parsed sqllogictest file.
type File struct {
	Name    string
	Lines   []string // the raw lines, for rewriting
	Records []*Record
}
