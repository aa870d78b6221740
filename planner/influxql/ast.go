package influxql

// Statement is one parsed InfluxQL statement.
type Statement interface{ statement() }

// Expr is an InfluxQL expression.
type Expr interface{ expr() }

type (
	// VarRef is a field or tag name, with its ::type annotation if given
	// (field, tag, float, integer, string, boolean).
	VarRef struct {
		Name string
		Type string
	}
	// Call is a function call; Star marks count(*)-style arguments.
	Call struct {
		Name string
		Args []Expr
	}
	// Wildcard is * (SELECT *, count(*)); Type is field or tag for
	// *::field, *::tag.
	Wildcard struct{ Type string }
	// NumberLit is a number as written.
	NumberLit struct {
		Val   float64
		IsInt bool
		Int   int64
	}
	// StringLit is a quoted string.
	StringLit struct{ Val string }
	// BoolLit is true or false.
	BoolLit struct{ Val bool }
	// DurationLit is a duration in nanoseconds.
	DurationLit struct{ Nanos int64 }
	// RegexLit is /pattern/.
	RegexLit struct{ Pattern string }
	// BinaryExpr is L Op R (Op as written, upper case for AND/OR).
	BinaryExpr struct {
		Op   string
		L, R Expr
	}
	// ParenExpr is (X).
	ParenExpr struct{ X Expr }
	// NowCall is now().
	NowCall struct{}
	// ParamRef is a bound parameter, $name, until Bind replaces it.
	ParamRef struct{ Name string }
)

func (*VarRef) expr()      {}
func (*Call) expr()        {}
func (*Wildcard) expr()    {}
func (*NumberLit) expr()   {}
func (*StringLit) expr()   {}
func (*BoolLit) expr()     {}
func (*DurationLit) expr() {}
func (*RegexLit) expr()    {}
func (*BinaryExpr) expr()  {}
func (*ParenExpr) expr()   {}
func (*NowCall) expr()     {}
func (*ParamRef) expr()    {}

// Field is one item of a SELECT list.
type Field struct {
	Expr  Expr
	Alias string
}

// Source is a measurement: by name (with the database and retention
// policy it may be qualified with) or by regular expression.
type Source struct {
	Database, RetentionPolicy string
	Name                      string
	Regex                     *RegexLit
	// Subquery is FROM (SELECT ...): the only source when given.
	Subquery *SelectStatement
}

// Fill is GROUP BY time's fill option.
type Fill struct {
	Mode  string // null (the default), none, previous, linear, value
	Value float64
}

// SelectStatement is SELECT ... FROM ... [WHERE] [GROUP BY] [fill]
// [ORDER BY time] [LIMIT] [OFFSET] [SLIMIT] [SOFFSET] [tz()].
type SelectStatement struct {
	Fields  []Field
	Sources []Source
	Where   Expr
	// Interval and TimeOffset are GROUP BY time(Interval, TimeOffset), in
	// nanoseconds (Interval 0: no GROUP BY time).
	Interval, TimeOffset int64
	// Dimensions are the GROUP BY tags; AllTags is GROUP BY *.
	Dimensions []string
	AllTags    bool
	Fill       Fill
	Descending bool
	Limit      int64
	Offset     int64
	SLimit     int64
	SOffset    int64
	Location   string // tz('...')
}

// ShowStatement is one of the SHOW statements that read the catalog:
// MEASUREMENTS, TAG KEYS, TAG VALUES, FIELD KEYS, SERIES.
type ShowStatement struct {
	What string // measurements, tag keys, tag values, field keys, series
	// Cardinality counts instead of listing (What is then measurement,
	// series, tag key, tag values or field key); Exact is SHOW ... EXACT
	// CARDINALITY (Strata's counts are exact either way).
	Cardinality, Exact bool
	Database           string // ON database
	Sources            []Source
	// MeasurementRegex / MeasurementName: SHOW MEASUREMENTS WITH
	// MEASUREMENT =~ /re/ | = name.
	Measurement *Source
	// Keys selects SHOW TAG VALUES' tags: by name (= "k", IN ("a", "b"))
	// or by regular expression (=~ /re/, !~ /re/).
	KeyOp    string // =, !=, =~, !~, IN
	Keys     []string
	KeyRegex string
	Where    Expr
	Limit    int64
	Offset   int64
}

// DatabaseStatement is SHOW DATABASES, CREATE DATABASE, DROP DATABASE or
// SHOW RETENTION POLICIES; Words are the statement's words after its
// keywords (the name and CREATE's WITH options).
type DatabaseStatement struct {
	Verb  string // show databases, create database, drop database, show retention policies
	Name  string
	Words []string
}

func (*SelectStatement) statement()   {}
func (*ShowStatement) statement()     {}
func (*DatabaseStatement) statement() {}

// StatementDatabase is the database a statement names itself (SHOW ...
// ON db, FROM db.rp.m), "" when none.
func StatementDatabase(st Statement) string {
	switch st := st.(type) {
	case *ShowStatement:
		if st.Database != "" {
			return st.Database
		}
		for _, s := range st.Sources {
			if s.Database != "" {
				return s.Database
			}
		}
	case *SelectStatement:
		for _, s := range st.Sources {
			if s.Database != "" {
				return s.Database
			}
			if s.Subquery != nil {
				if d := StatementDatabase(s.Subquery); d != "" {
					return d
				}
			}
		}
	}
	return ""
}

// DeleteStatement is DELETE [FROM sources] [WHERE condition]: the rows of
// the measurements named (all without FROM) that the condition, on tags
// and time only, picks.
type DeleteStatement struct {
	Sources []Source
	Where   Expr
}

func (*DeleteStatement) statement() {}
