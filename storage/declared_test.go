package storage

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseDeclared(t *testing.T) {
	for in, want := range map[string]Declared{
		"integer":                        {OID: OIDInteger},
		"smallint":                       {OID: OIDSmallint},
		"real":                           {OID: OIDReal},
		"character varying":              {OID: OIDVarchar},
		"character varying(20)":          {OID: OIDVarchar, Length: 20},
		"character(3)":                   {OID: OIDChar, Length: 3},
		"character":                      {},
		"integer(3)":                     {},
		"character varying(0)":           {},
		"character varying(x)":           {},
		"bigint":                         {},
		"":                               {},
		"timestamp with time zone":       {},
		"timestamp without time zone":    {OID: OIDTimestamp},
		"timestamp(3) without time zone": {OID: OIDTimestamp, Digits: 3, Rounded: true},
		"timestamp(0) with time zone":    {OID: OIDTimestamptz, Rounded: true},
		"timestamp(7) without time zone": {},
		"timestamp(x) with time zone":    {},
		"timestamp(3)":                   {},
		"date":                           {OID: OIDDate},
		"numeric":                        {OID: OIDNumeric},
		"numeric(10,2)":                  {OID: OIDNumeric, Precision: 10, Scale: 2},
		"numeric(2,-1)":                  {OID: OIDNumeric, Precision: 2, Scale: -1},
		"numeric(0,2)":                   {},
		"numeric(1001,0)":                {},
		"numeric(5)":                     {},
		"numerical":                      {},
	} {
		require.Equal(t, want, ParseDeclared(in), in)
	}
	require.Equal(t, int32(24), ParseDeclared("character varying(20)").Typmod())
	require.Equal(t, int32(-1), ParseDeclared("integer").Typmod())
	// PostgreSQL's atttypmod of numeric(10,2), numeric(2,-1), numeric.
	require.Equal(t, int32(655366), ParseDeclared("numeric(10,2)").Typmod())
	require.Equal(t, int32(133123), ParseDeclared("numeric(2,-1)").Typmod())
	require.Equal(t, int32(-1), ParseDeclared("numeric").Typmod())
	require.Equal(t, int32(3), ParseDeclared("timestamp(3) with time zone").Typmod())
	require.Equal(t, int32(0), ParseDeclared("timestamp(0) without time zone").Typmod())
	require.Equal(t, int32(-1), ParseDeclared("timestamp without time zone").Typmod())
}

// TestRoundTime: timestamp(p) rounds to p digits, a half away from
// PostgreSQL's epoch (2000-01-01); the cases are PostgreSQL 15's answers.
func TestRoundTime(t *testing.T) {
	at := func(s string) int64 {
		v, err := time.Parse("2006-01-02 15:04:05.999999999", s)
		require.NoError(t, err)
		return v.UnixNano()
	}
	for _, c := range []struct {
		in  string
		p   int
		out string
	}{
		{"2024-01-01 00:00:00.1235", 3, "2024-01-01 00:00:00.124"},
		{"1999-12-31 23:59:59.9995", 3, "1999-12-31 23:59:59.999"},
		{"1990-06-01 12:00:00.0005", 3, "1990-06-01 12:00:00"},
		{"1960-01-01 00:00:00.5", 0, "1960-01-01 00:00:00"},
		{"2024-01-01 00:00:00.5", 0, "2024-01-01 00:00:01"},
		{"2024-01-01 00:00:00.49", 0, "2024-01-01 00:00:00"},
		{"1960-01-01 00:00:00.51", 0, "1960-01-01 00:00:01"},
		{"1960-01-01 00:00:00.123456", 5, "1960-01-01 00:00:00.12346"},
		{"2024-01-01 00:00:00.123455", 5, "2024-01-01 00:00:00.12346"},
		{"2024-01-01 00:00:00.123456789", 6, "2024-01-01 00:00:00.123457"},
	} {
		require.Equal(t, at(c.out), RoundTime(at(c.in), c.p), "%s to %d digits", c.in, c.p)
	}
	d := ParseDeclared("timestamp(3) with time zone")
	v, err := d.Time(math.MaxInt64)
	require.NoError(t, err)
	require.Equal(t, int64(math.MaxInt64), v, "infinity stays")
	require.Equal(t, int64(9223372036000000000), RoundTime(math.MaxInt64-1, 0), "at the end of time: down, not past it")
}

// TestDeclaredNumeric: numeric(p,s) rounds to s places on the decimal
// value and refuses what does not fit p digits, with PostgreSQL's
// messages (the cases are PostgreSQL 15's answers).
func TestDeclaredNumeric(t *testing.T) {
	n := func(p, s int) Declared { return Declared{OID: OIDNumeric, Precision: p, Scale: s} }
	for _, c := range []struct {
		d       Declared
		in, out float64
		detail  string
	}{
		{n(10, 2), 1.005, 1.01, ""},
		{n(10, 2), -1.005, -1.01, ""},
		{n(10, 2), 12345678.999, 12345679, ""},
		{n(10, 2), 99999999.995, 0, "A field with precision 10, scale 2 must round to an absolute value less than 10^8."},
		{n(10, 2), math.Inf(1), 0, "A field with precision 10, scale 2 cannot hold an infinite value."},
		{n(5, 0), 99999.5, 0, "A field with precision 5, scale 0 must round to an absolute value less than 10^5."},
		{n(5, 0), 12345.6, 12346, ""},
		{n(4, 4), 0.12345, 0.1235, ""},
		{n(4, 4), 0.99995, 0, "A field with precision 4, scale 4 must round to an absolute value less than 1."},
		{n(2, -1), 94, 90, ""},
		{n(2, -1), 995, 0, "A field with precision 2, scale -1 must round to an absolute value less than 10^3."},
		{n(3, 5), 0.001234, 0.00123, ""},
		{n(3, 5), 0.01, 0, "A field with precision 3, scale 5 must round to an absolute value less than 10^-2."},
		{Declared{OID: OIDNumeric}, 1.23456789, 1.23456789, ""},
		{Declared{OID: OIDNumeric}, math.Inf(-1), math.Inf(-1), ""},
	} {
		got, err := c.d.Float(c.in)
		if c.detail != "" {
			require.Equal(t, &ValueError{Msg: "numeric field overflow", Detail: c.detail}, err, "%v into %+v", c.in, c.d)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, c.out, got, "%v into %+v", c.in, c.d)
	}
	v, err := n(3, 1).Float(math.NaN())
	require.NoError(t, err)
	require.True(t, math.IsNaN(v))
	f := &FieldColumn{Type: TypeFloat, Floats: []float64{1.255, math.Inf(1), 2}, Valid: []byte{0b101}, Nulls: 1}
	row, err := n(4, 2).Check(f)
	require.NoError(t, err, "the null row is not checked")
	require.Equal(t, 0, row)
	require.Equal(t, 1.26, f.Floats[0])
	f = &FieldColumn{Type: TypeFloat, Floats: []float64{1, 2, 100}}
	row, err = n(4, 2).Check(f)
	require.Error(t, err)
	require.Equal(t, 2, row)
}

// TestDeclaredTime: a date holds the midnight (UTC's: the values are
// readings) that starts a reading's day, before 1970 too; a timestamp
// without time zone holds any reading; infinity stays.
func TestDeclaredTime(t *testing.T) {
	date, ts := Declared{OID: OIDDate}, Declared{OID: OIDTimestamp}
	require.True(t, date.Reading())
	require.True(t, ts.Reading())
	require.False(t, Declared{OID: OIDInteger}.Reading())
	at := func(s string) int64 {
		v, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return v.UnixNano()
	}
	for in, want := range map[string]string{
		"2024-03-10T02:30:00.5Z": "2024-03-10T00:00:00Z",
		"2024-03-10T00:00:00Z":   "2024-03-10T00:00:00Z",
		"1969-12-31T23:59:59Z":   "1969-12-31T00:00:00Z",
		"1900-06-01T12:00:00Z":   "1900-06-01T00:00:00Z",
	} {
		got, err := date.Time(at(in))
		require.NoError(t, err)
		require.Equal(t, at(want), got, in)
		got, err = ts.Time(at(in))
		require.NoError(t, err)
		require.Equal(t, at(in), got, in)
	}
	for _, inf := range []int64{math.MaxInt64, math.MinInt64} {
		got, err := date.Time(inf)
		require.NoError(t, err)
		require.Equal(t, inf, got)
	}
	_, err := date.Time(math.MinInt64 + 1) // its day starts before the first time held
	require.EqualError(t, err, "date out of range")
	f := FieldColumn{Name: "d", Type: TypeTimestamp, Ints: []int64{at("2024-01-02T03:04:05Z"), 0, at("2024-01-03T00:00:00Z")}, Valid: []byte{0b101}, Nulls: 1}
	_, err = date.Check(&f)
	require.NoError(t, err)
	require.Equal(t, []int64{at("2024-01-02T00:00:00Z"), 0, at("2024-01-03T00:00:00Z")}, f.Ints)
}

func TestDeclaredValues(t *testing.T) {
	i4, i2, r := Declared{OID: OIDInteger}, Declared{OID: OIDSmallint}, Declared{OID: OIDReal}
	require.NoError(t, i4.Int(math.MaxInt32))
	require.NoError(t, i4.Int(math.MinInt32))
	require.EqualError(t, i4.Int(math.MaxInt32+1), "integer out of range")
	require.EqualError(t, i2.Int(-32769), "smallint out of range")
	require.NoError(t, i2.Int(32767))
	require.NoError(t, Declared{}.Int(math.MaxInt64))

	v, err := r.Float(0.1)
	require.NoError(t, err)
	require.Equal(t, float64(float32(0.1)), v)
	_, err = r.Float(1e39)
	require.EqualError(t, err, "value out of range: overflow")
	_, err = r.Float(1e-50)
	require.EqualError(t, err, "value out of range: underflow")
	v, err = r.Float(math.Inf(-1))
	require.NoError(t, err)
	require.True(t, math.IsInf(v, -1))
	v, _ = Declared{}.Float(0.1)
	require.Equal(t, 0.1, v)

	vc := Declared{OID: OIDVarchar, Length: 3}
	for in, want := range map[string]string{"abc": "abc", "ab": "ab", "abc   ": "abc", "été": "été", "ét  ": "ét ", "": ""} {
		got, err := vc.String(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err = vc.String("abcd")
	require.Equal(t, &ValueError{TooLong: true, Msg: "value too long for type character varying(3)"}, err)
	_, err = vc.String("étés")
	require.Error(t, err)
	ch := Declared{OID: OIDChar, Length: 2}
	got, err := ch.String("a   ")
	require.NoError(t, err)
	require.Equal(t, "a", got)
	_, err = ch.String("abc")
	require.EqualError(t, err, "value too long for type character(2)")
	got, _ = Declared{OID: OIDVarchar}.String("any length at all  ")
	require.Equal(t, "any length at all  ", got)
}

func TestDeclaredCheck(t *testing.T) {
	ints := &FieldColumn{Type: TypeInt, Ints: []int64{1, 1 << 40, 1 << 40}, Valid: []byte{0b101}, Nulls: 1}
	row, err := Declared{OID: OIDInteger}.Check(ints)
	require.EqualError(t, err, "integer out of range")
	require.Equal(t, 2, row, "the null row 1 is not checked")

	floats := &FieldColumn{Type: TypeFloat, Floats: []float64{0.1, 2}}
	_, err = Declared{OID: OIDReal}.Check(floats)
	require.NoError(t, err)
	require.Equal(t, []float64{float64(float32(0.1)), 2}, floats.Floats)

	strs := &FieldColumn{Type: TypeString, Offsets: []int32{0, 5, 7, 9}, Data: []byte("ab   cdxyz")[:9]}
	_, err = Declared{OID: OIDVarchar, Length: 2}.Check(strs)
	require.NoError(t, err)
	require.Equal(t, []int32{0, 2, 4, 6}, strs.Offsets)
	require.Equal(t, "abcdxy", string(strs.Data))
	strs = &FieldColumn{Type: TypeString, Offsets: []int32{0, 1, 4}, Data: []byte("abcd")}
	row, err = Declared{OID: OIDVarchar, Length: 2}.Check(strs)
	require.EqualError(t, err, "value too long for type character varying(2)")
	require.Equal(t, 1, row)

	tag := &TagColumn{Codes: []int32{0, 1, -1, 2, 1}, Dict: []string{"a ", "b", "a"}}
	_, err = Declared{OID: OIDChar, Length: 1}.CheckTag(tag)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, tag.Dict)
	require.Equal(t, []int32{0, 1, -1, 0, 1}, tag.Codes)
	tag = &TagColumn{Codes: []int32{1, 0}, Dict: []string{"toolong", "ok"}}
	row, err = Declared{OID: OIDVarchar, Length: 2}.CheckTag(tag)
	require.Error(t, err)
	require.Equal(t, 1, row)
}

func TestColumnSQLType(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	require.NoError(t, e.CreateTable(ctx, "db", "item", []ColumnMeta{
		{Name: "time", Type: TypeTime}, {Name: "code", Type: TypeTag, SQLType: "character varying(8)"},
		{Name: "n", Type: TypeInt, SQLType: "integer"}, {Name: "f", Type: TypeFloat},
	}))
	require.NoError(t, e.AddColumns(ctx, "db", "item", []ColumnMeta{{Name: "r", Type: TypeFloat, SQLType: "real"}}))
	require.NoError(t, e.AddColumnsFilled(ctx, "db", "item", []ColumnMeta{{Name: "s", Type: TypeInt, SQLType: "smallint"}}, map[string]any{"s": int64(7)}))
	require.NoError(t, e.SetColumnSQLType(ctx, "db", "item", "f", "real"))
	require.NoError(t, e.SetColumnSQLType(ctx, "db", "item", "n", ""))
	require.Error(t, e.SetColumnSQLType(ctx, "db", "item", "nosuch", "real"))
	require.NoError(t, e.RenameColumn(ctx, "db", "item", "r", "r2"))
	want := []ColumnMeta{{Name: "time", Type: TypeTime, Num: 1}, {Name: "code", Type: TypeTag, SQLType: "character varying(8)", Num: 2},
		{Name: "n", Type: TypeInt, Num: 3}, {Name: "f", Type: TypeFloat, SQLType: "real", Num: 4}, {Name: "r2", Type: TypeFloat, SQLType: "real", Num: 5},
		{Name: "s", Type: TypeInt, SQLType: "smallint", Num: 6}}
	sch, err := e.TableSchema("db", "item")
	require.NoError(t, err)
	require.Equal(t, want, sch)
	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	sch, err = e.TableSchema("db", "item")
	require.NoError(t, err)
	require.Equal(t, want, sch, "kept in the catalog")
}

// TestRoundedTimeColumn: a write into a table whose time column declares a
// precision (timestamptz(3)) stores its times rounded to it, whatever
// wrote them (line protocol's nanoseconds), through a crash.
func TestRoundedTimeColumn(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	require.NoError(t, e.CreateTable(ctx, "db", "m", []ColumnMeta{{Name: "time", Type: TypeTime, SQLType: "timestamp(3) with time zone"},
		{Name: "host", Type: TypeTag}, {Name: "v", Type: TypeFloat}}))
	write(t, e, "db", batchOf(t, "m", "1704067200123656789 host=a v=1", "1704067200000499999 host=b v=2"))
	want := []string{"time=1704067200000000000 host=b v=2", "time=1704067200124000000 host=a v=1"}
	require.ElementsMatch(t, want, scan(t, e, all("m")))
	e.abandon()
	e = openTest(t, dir)
	defer e.Close()
	require.ElementsMatch(t, want, scan(t, e, all("m")))
}
