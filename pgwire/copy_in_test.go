package pgwire

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// loadLP is the table COPY FROM tests load into: time, two tags and a
// field of each kind, in the column order of loadTablePG.
const loadLP = `load,host=a,region=r usage=1,n=1i,ok=true,msg="x" 946684800000000000` + "\n"

// loadTablePG is loadLP's table and row in PostgreSQL, for
// -copy-golden-from.
const loadTablePG = `DROP TABLE IF EXISTS load;
CREATE TABLE load (time timestamptz NOT NULL, host text, region text, usage float8, n bigint, ok bool, msg text);
INSERT INTO load VALUES ('2000-01-01 00:00:00+00', 'a', 'r', 1, 1, true, 'x')`

// copyInCase is a COPY ... FROM STDIN statement and its input; {d} in
// either is the case's own day, so that cases never share a series and
// time (Strata merges such rows, PostgreSQL keeps both).
type copyInCase struct {
	stmt, input string
}

const loadCols = "load (time, host, region, usage, n, ok, msg)"

var copyInCases = []copyInCase{
	// Text format: tabs, \N, backslash escapes, a last line without its
	// newline.
	{`COPY ` + loadCols + ` FROM STDIN`,
		"{d} 00:00:00+00\ta\teu\t1.5\t1\tt\tplain\n" +
			"{d} 00:00:01+00\tb\t\\N\t\\N\t\\N\t\\N\t\\N\n" +
			"{d} 00:00:02+00\tc\tus\t-2.25\t-7\tfalse\ttab\\there\\nnew\\\\back\\x41\\101\\q\n" +
			"{d} 00:00:03+00\td\t\t0\t0\tyes\t"},
	// The table's own column order, \r\n line endings, \. ends the data.
	{`COPY load FROM STDIN`,
		"{d} 00:00:00+00\ta\teu\t1\t2\ton\tcrlf\r\n{d} 00:00:01+00\tb\teu\t3\t4\toff\tx\r\n\\.\r\nignored\tafter\tthe\tend\n"},
	{`COPY ` + loadCols + ` FROM STDIN WITH (DELIMITER '|', NULL '')`,
		"{d} 00:00:00+00|a|eu|1.5||1|\n{d} 00:00:01+00|b||2.5|2|0|a\\|b\n"},
	// CSV: quotes, doubled quotes, a newline inside quotes, empty versus
	// NULL, a header to skip.
	{`COPY ` + loadCols + ` FROM STDIN WITH (FORMAT csv, HEADER)`,
		"time,host,region,usage,n,ok,msg\n" +
			"{d} 00:00:00+00,a,eu,1.5,1,true,\"hello, world\"\n" +
			"{d} 00:00:01+00,\"b\",,,,,\"\"\n" +
			"{d} 00:00:02+00,c,\"u\"\"s\",2,3,f,\"two\nlines\"\n" +
			"\"{d} 00:00:03+00\",d,eu,1e3,+4,1,say \"\"hi\"\"\n"},
	{`COPY ` + loadCols + ` FROM STDIN WITH (FORMAT csv, NULL 'NA', FORCE_NOT_NULL (region), FORCE_NULL (msg))`,
		"{d} 00:00:00+00,a,NA,NA,NA,NA,\"NA\"\n{d} 00:00:01+00,b,\"NA\",1,2,t,NA\n{d} 00:00:02+00,c,,3,4,t,\"\"\n"},
	{`COPY ` + loadCols + ` FROM STDIN WITH (FORMAT csv, QUOTE '''', ESCAPE '\', DELIMITER ';')`,
		"{d} 00:00:00+00;a;eu;1;2;t;'it\\'s; ok'\r\n{d} 00:00:01+00;b;eu;1;2;t;'back\\\\slash'\r\n"},
	{`COPY load (time, host, region, usage, n, ok, msg) FROM STDIN WITH CSV HEADER DELIMITER AS ',' NULL AS ''`,
		"t,h,r,u,n,o,m\n{d} 00:00:00+00,a,eu,,,,\n\\.\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv, HEADER match)`,
		"time,host,region,usage,n,ok,msg\n{d} 00:00:00+00,a,eu,1,2,t,m\n"},
	// Columns left out are NULL.
	{`COPY load (time, usage, host) FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,1.5,a\n{d} 00:00:01+00,2.5,b\n"},
	// Times in the forms timestamptz input takes; values with spaces.
	{`COPY load (time, host, usage, n, ok) FROM STDIN (FORMAT csv)`,
		"{d}T00:00:00Z,a, 1.5 , 7 , true \n{d} 01:00:00+02,b,-0,-1,NO\n{d} 00:00:02.123456,c,1.5e-3,0,y\n{d} 00:00:03.5-01:30,d,12345678901,9223372036854775807,0\n"},
	// Errors: the line and column are named, and nothing is stored.
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,eu,1,2,t,m\n{d} 00:00:01+00,b,eu,abc,2,t,m\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,eu,1,2.5,t,m\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,eu,1,2,maybe,m\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,eu,1,2,t,m,extra\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,eu,1,2,t,m\n{d} 00:00:01+00,a,eu\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,eu,1,2,t,\"open\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		",a,eu,1,2,t,m\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv)`,
		"not a time,a,eu,1,2,t,m\n"},
	{`COPY ` + loadCols + ` FROM STDIN (FORMAT csv, HEADER match)`,
		"time,host,region,usage,n,ok,message\n{d} 00:00:00+00,a,eu,1,2,t,m\n"},
	{`COPY ` + loadCols + ` FROM STDIN`,
		"{d} 00:00:00+00\ta\teu\t1\t2\tt\tm\n{d} 00:00:01+00\tb\teu\t1\t2\tt\tcarriage\rreturn\n"},
	{`COPY ` + loadCols + ` FROM STDIN`,
		"{d} 00:00:00+00\ta\teu\t1\t2\tt\tbad \xff byte\n"},
	// What PostgreSQL refuses or reads its own way: NUL bytes, \. inside a
	// line, a backslash ending the data, a no-break space around a number,
	// underflow, underscores, abbreviations as fixed offsets, 24:00 and a
	// leap second, boolean prefixes, a NULL time beside a bad value, data
	// after the binary end marker.
	{`COPY ` + loadCols + ` FROM STDIN`,
		"{d} 00:00:00+00\ta\teu\t1\t2\tt\tnul \\000 here\n"},
	{`COPY ` + loadCols + ` FROM STDIN`,
		"{d} 00:00:00+00\ta\teu\t1\t2\tt\tnul \x00 raw\n"},
	{`COPY load (time, host, msg) FROM STDIN`,
		"{d} 00:00:00+00\ta\tm\\.\n{d} 00:00:01+00\tb\tm\n"},
	{`COPY load (msg, time, host) FROM STDIN`,
		"\\.abc\t{d} 00:00:00+00\ta\n"},
	{`COPY load (time, host, msg) FROM STDIN`,
		"{d} 00:00:00+00\ta\tm1\n\\."},
	{`COPY load (time, host, msg) FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,m1\n\\."},
	{`COPY load (time, host, msg) FROM STDIN`,
		"{d} 00:00:00+00\ta\tabc\\"},
	{`COPY load (time, host, usage) FROM STDIN`,
		"{d} 00:00:00+00\ta\t\u00a01.5\n"},
	{`COPY load (time, host, usage) FROM STDIN`,
		"{d} 00:00:00+00\ta\t1e-400\n"},
	{`COPY load (time, host, usage) FROM STDIN`,
		"{d} 00:00:00+00\ta\t1_000\n"},
	{`COPY load (time, host) FROM STDIN`,
		"{d} 12:00:00 CET\tcet\n{d} 12:00:00 PST\tpst\n{d} 12:00:00 eet\teet\n{d} 12:00:00 europe/berlin\tberlin\n"},
	{`COPY load (time, host) FROM STDIN`,
		"{d} 12:00:00+05:60\ta\n"},
	{`COPY load (time, host) FROM STDIN`,
		"{d} 23:59:60+00\tleap\n{d} 24:00:00+00\tmidnight\n"},
	{`COPY load (time, host, ok) FROM STDIN`,
		"{d} 00:00:00+00\ta\ttr\n{d} 00:00:01+00\tb\tYE\n{d} 00:00:02+00\tc\tof\n{d} 00:00:03+00\td\t fa \n"},
	{`COPY load (time, host, ok) FROM STDIN`,
		"{d} 00:00:00+00\ta\to\n"},
	{`COPY load (time, host, usage, n) FROM STDIN`,
		"\\N\th\tabc\t1\n"},
	{`COPY load (time, host, usage) FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,h,1\n\n"},
	{`COPY load (time, host) FROM STDIN (FORMAT binary)`,
		"PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x08\x00\x01\x58\x6a\xea\x74\xa0\x00\x00\x00\x00\x01\x68\xff\xffgarbage"},
	{`COPY load (time, host, msg) FROM STDIN (FORMAT csv, HEADER MATCH)`, ""},
	{`COPY load (time, nosuch) FROM STDIN`, ""},
	{`COPY load (time, host, host) FROM STDIN`, ""},
	{`COPY nosuch FROM STDIN`, ""},
	{`COPY load (time, host) FROM STDIN (FORMAT csv, FORCE_NULL (region))`, ""},
	{`COPY load (time, host) FROM STDIN (FORMAT csv, FORCE_NULL (nosuch))`, ""},
	{`COPY other.load FROM STDIN`, ""},
	// NaN and infinities, in the spellings float8 input takes.
	{`COPY load (time, host, usage) FROM STDIN`,
		"{d} 00:00:00+00\ta\tNaN\n{d} 00:00:01+00\tb\tInfinity\n{d} 00:00:02+00\tc\t-inf\n{d} 00:00:03+00\td\t+Infinity\n{d} 00:00:04+00\te\tnan\n"},
	{`COPY load (time, host, usage) FROM STDIN (FORMAT csv)`,
		"{d} 00:00:00+00,a,\"NaN\"\n{d} 00:00:01+00,b,-Infinity\n{d} 00:00:02+00,c, inf \n"},
}

// errPlace finds "line N" and ", column C" in an error's message
// (Strata) or context (PostgreSQL).
var errPlace = regexp.MustCompile(`line (\d+)(?:, column (\w+))?`)

// TestCopyFromStdin runs copyInCases through pgconn's CopyFrom (the
// protocol's copy-in, as psql, psycopg2 and pgjdbc's CopyManager use it)
// and writes what each did: its command tag, or its error's SQLSTATE with
// the line and column it names, then the rows of its day as COPY TO
// writes them. PostgreSQL 15 did the same over the same table
// (testdata/copy/from_expected.txt); -copy-golden-from writes that file.
// pgx's CopyFrom (binary format) loads the last day.
func TestCopyFromStdin(t *testing.T) {
	ctx := context.Background()
	dsn := *copyGoldenFrom
	if dsn == "" {
		dsn = startServer(t, loadLP).dsn("db")
	}
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "SET TimeZone = 'UTC'")
	require.NoError(t, err)
	if *copyGoldenFrom != "" {
		_, err := conn.Exec(ctx, loadTablePG)
		require.NoError(t, err)
	}
	var b strings.Builder
	rows := func(day string) {
		var out bytes.Buffer
		_, err := conn.PgConn().CopyTo(ctx, &out, fmt.Sprintf(
			"COPY (SELECT * FROM load WHERE time >= '%s' AND time < '%s 23:59:59.999999+00' ORDER BY time, host) TO STDOUT", day, day))
		require.NoError(t, err)
		b.WriteString(out.String())
	}
	for i, c := range copyInCases {
		day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.DateOnly)
		input := strings.ReplaceAll(c.input, "{d}", day)
		fmt.Fprintf(&b, "# %s\n# input %q\n", c.stmt, input)
		tag, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(input), c.stmt)
		if err != nil {
			pe := pgErr(t, err)
			where := pe.Where // PostgreSQL's CONTEXT: COPY load, line 2, column usage: "abc"
			if where == "" {
				where = pe.Message
			}
			fmt.Fprintf(&b, "ERROR %s", pe.Code)
			if m := errPlace.FindStringSubmatch(where); m != nil {
				fmt.Fprintf(&b, " line %s", m[1])
				// Strata names the column of a NULL time and of bytes
				// that are not UTF-8 too; PostgreSQL's context does not.
				if m[2] != "" && pe.Code != "23502" && pe.Code != "22021" {
					fmt.Fprintf(&b, " column %s", m[2])
				}
			}
			b.WriteString("\n")
		} else {
			fmt.Fprintf(&b, "%s\n", tag)
		}
		rows(day)
		b.WriteString("\n")
	}
	// pgx's CopyFrom: binary format, the types from a Describe.
	day := "2030-06-01"
	t0, err := time.Parse(time.DateOnly, day)
	require.NoError(t, err)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"load"}, []string{"time", "host", "region", "usage", "n", "ok", "msg"}, pgx.CopyFromRows([][]any{
		{t0, "a", "eu", 1.5, int64(1), true, "binary"},
		{t0.Add(time.Second), "b", nil, nil, nil, nil, nil},
		{t0.Add(1500 * time.Millisecond), "c", "us", -0.25, int64(-9), false, "tab\there"},
		{t0.Add(2 * time.Second), "d", nil, math.NaN(), nil, nil, nil},
		{t0.Add(3 * time.Second), "e", nil, math.Inf(-1), nil, nil, nil},
	}))
	require.NoError(t, err)
	fmt.Fprintf(&b, "# pgx CopyFrom\nCOPY %d\n", n)
	rows(day)

	golden(t, filepath.Join("testdata", "copy", "from_expected.txt"), b.String(), *copyGoldenFrom != "")
}

// genRows is a pgx.CopyFromSource of n load rows from t0, a second apart.
type genRows struct {
	t0   time.Time
	i, n int
}

func (g *genRows) Next() bool { g.i++; return g.i <= g.n }
func (g *genRows) Values() ([]any, error) {
	i := g.i - 1
	return []any{g.t0.Add(time.Duration(i) * time.Second), fmt.Sprintf("h%d", i%10), "eu", float64(i) / 4, int64(i), i%2 == 0, "m"}, nil
}
func (g *genRows) Err() error { return nil }

// TestCopyFromPieces: a COPY longer than a piece is written as it arrives;
// every row arrives. When a later line fails, the error says how many
// rows were written before it, and exactly those are stored.
func TestCopyFromPieces(t *testing.T) {
	s := startServer(t, loadLP)
	conn := connect(t, s, "db")
	ctx := context.Background()
	count := func(from string) (n, sum int64) {
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), coalesce(sum(n), 0) FROM load WHERE time >= $1", from).Scan(&n, &sum))
		return n, sum
	}
	const rows = 400_000 // about one and a half pieces
	t0 := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"load"}, []string{"time", "host", "region", "usage", "n", "ok", "msg"}, &genRows{t0: t0, n: rows})
	require.NoError(t, err)
	require.Equal(t, int64(rows), n)
	got, sum := count("2031-01-01")
	require.Equal(t, int64(rows), got)
	require.Equal(t, int64(rows)*(rows-1)/2, sum)

	// Text: the same rows a year later, then a bad line.
	var in bytes.Buffer
	t1 := t0.AddDate(1, 0, 0)
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&in, "%s\th%d\teu\t%g\t%d\tt\tm\n", t1.Add(time.Duration(i)*time.Second).Format("2006-01-02 15:04:05Z07"), i%10, float64(i)/4, i)
	}
	in.WriteString("2033-01-01 00:00:00+00\th\teu\tx\t1\tt\tm\n")
	_, err = conn.PgConn().CopyFrom(ctx, &in, "COPY "+loadCols+" FROM STDIN")
	pe := pgErr(t, err)
	require.Equal(t, "22P02", pe.Code)
	require.Contains(t, pe.Message, fmt.Sprintf("COPY load, line %d, column usage: invalid input syntax for type double precision", rows+1))
	m := regexp.MustCompile(`the (\d+) rows before it were written`).FindStringSubmatch(pe.Hint)
	require.NotNil(t, m, pe.Hint)
	written, _ := count("2032-01-01")
	require.Equal(t, m[1], fmt.Sprint(written))
	require.Greater(t, written, int64(0))
	require.Less(t, written, int64(rows))

	// Running it again without the bad line stores each row once.
	in.Reset()
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&in, "%s\th%d\teu\t%g\t%d\tt\tm\n", t1.Add(time.Duration(i)*time.Second).Format("2006-01-02 15:04:05Z07"), i%10, float64(i)/4, i)
	}
	tag, err := conn.PgConn().CopyFrom(ctx, &in, "COPY "+loadCols+" FROM STDIN")
	require.NoError(t, err)
	require.Equal(t, fmt.Sprintf("COPY %d", rows), tag.String())
	got, sum = count("2032-01-01")
	require.Equal(t, int64(rows), got)
	require.Equal(t, int64(rows)*(rows-1)/2, sum)
}

// TestCopyFromProtocol: the copy-in subprotocol message by message, in
// both protocols: data split anywhere, Flush and Sync ignored, CopyFail,
// errors mid-stream (the rest of the data is dropped), and a connection
// that goes on.
func TestCopyFromProtocol(t *testing.T) {
	s := startServer(t, loadLP)
	r := dialRaw(t, s, nil)
	count := func() string {
		return strings.Join(r.rows(&pgproto3.Query{String: "SELECT count(*) FROM load WHERE time >= '2034-01-01'"}), "")
	}
	data := func(s string) *pgproto3.CopyData { return &pgproto3.CopyData{Data: []byte(s)} }

	r.send(&pgproto3.Query{String: "COPY load (time, host) FROM STDIN (FORMAT csv)"})
	require.Equal(t, "CopyInResponse", msgName(r.recv()))
	r.send(data("2034-01-01 00:00:00+00,a\n2034-01-0"), &pgproto3.Flush{}, &pgproto3.Sync{}, data("1 00:00:01+00,\"b"), data("\"\n2034-01-01 00:00:02+00,c"), &pgproto3.CopyDone{})
	require.Equal(t, []string{"CommandComplete COPY 3", "ReadyForQuery I"}, r.until())
	require.Equal(t, "3", count())

	// CopyFail: nothing is stored.
	r.send(&pgproto3.Query{String: "COPY load (time, host) FROM STDIN (FORMAT csv)"})
	require.Equal(t, "CopyInResponse", msgName(r.recv()))
	r.send(data("2034-01-02 00:00:00+00,a\n"), &pgproto3.CopyFail{Message: "client gave up"})
	require.Equal(t, []string{"Error 57014", "ReadyForQuery I"}, r.until())
	require.Equal(t, "3", count())

	// An error mid-stream answers at once; what follows is dropped.
	r.send(&pgproto3.Query{String: "COPY load (time, host, usage) FROM STDIN (FORMAT csv)"})
	require.Equal(t, "CopyInResponse", msgName(r.recv()))
	r.send(data("2034-01-03 00:00:00+00,a,1\n2034-01-03 00:00:01+00,b,x\n"))
	require.Equal(t, []string{"Error 22P02", "ReadyForQuery I"}, r.until())
	r.send(data("2034-01-03 00:00:02+00,c,3\n"), &pgproto3.CopyDone{})
	require.Equal(t, "3", count())

	// The extended protocol: Execute starts the copy, Sync ends it.
	r.send(&pgproto3.Parse{Query: "COPY load (time, host) FROM STDIN"}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Flush{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "NoData", "CopyInResponse"}, []string{msgName(r.recv()), msgName(r.recv()), msgName(r.recv()), msgName(r.recv())})
	r.send(data("2034-01-04 00:00:00+00\ta\n"), &pgproto3.CopyDone{}, &pgproto3.Sync{})
	require.Equal(t, []string{"CommandComplete COPY 1", "ReadyForQuery I"}, r.until())
	require.Equal(t, "4", count())

	// ... and after an error, everything up to Sync is dropped.
	r.send(&pgproto3.Parse{Query: "COPY load (time, host) FROM STDIN"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Flush{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "CopyInResponse"}, []string{msgName(r.recv()), msgName(r.recv()), msgName(r.recv())})
	r.send(data("2034-01-05 00:00:00+00\ta\textra\n"), data("2034-01-05 00:00:01+00\tb\n"), &pgproto3.CopyDone{}, &pgproto3.Sync{})
	require.Equal(t, []string{"Error 22P04", "ReadyForQuery I"}, r.until())
	require.Equal(t, "4", count())

	// Another message in the middle of the data ends the copy.
	r.send(&pgproto3.Query{String: "COPY load (time, host) FROM STDIN"})
	require.Equal(t, "CopyInResponse", msgName(r.recv()))
	r.send(&pgproto3.Query{String: "SELECT 1"})
	require.Equal(t, []string{"Error 08P01", "ReadyForQuery I"}, r.until())
	require.Equal(t, "4", count())
}

// TestCopyFromWithoutTime: rows of a COPY that leaves out time take the
// statement's time, as INSERT's do; a table COPY cannot create is named.
func TestCopyFromWithoutTime(t *testing.T) {
	s := startServer(t, loadLP)
	conn := connect(t, s, "db")
	ctx := context.Background()
	before := time.Now()
	_, err := conn.PgConn().CopyFrom(ctx, strings.NewReader("now\n"), "COPY load (host) FROM STDIN")
	require.NoError(t, err)
	var ts time.Time
	require.NoError(t, conn.QueryRow(ctx, "SELECT time FROM load WHERE host = 'now'").Scan(&ts))
	require.WithinDuration(t, before, ts, time.Minute)

	_, err = conn.PgConn().CopyFrom(ctx, strings.NewReader(""), "COPY newtable FROM STDIN")
	pe := pgErr(t, err)
	require.Equal(t, "42P01", pe.Code)
	require.Contains(t, pe.Hint, "line-protocol write or INSERT")
}

// TestPsqlCopyFrom: psql's \copy reads a local file into the table.
func TestPsqlCopyFrom(t *testing.T) {
	s := startServer(t, loadLP)
	file := filepath.Join(t.TempDir(), "load.csv")
	require.NoError(t, os.WriteFile(file, []byte("time,host,usage\n2035-01-01 00:00:00+00,a,1.5\n2035-01-01 00:00:01+00,b,\n"), 0o644))
	out, stderr, err := psql(t, s, "", "-c", `\copy load (time, host, usage) FROM '`+file+`' WITH (FORMAT csv, HEADER)`,
		"-c", `SELECT host, usage FROM load WHERE time >= '2035-01-01' ORDER BY time`)
	require.NoError(t, err, stderr)
	require.Equal(t, "COPY 2\na|1.5\nb|\n", out)

	// A script with the rows inline, ended by \.
	out, stderr, err = psql(t, s, "COPY load (time, host) FROM STDIN;\n2035-01-02 00:00:00+00\tc\n\\.\nSELECT count(*) FROM load WHERE time >= '2035-01-01';\n")
	require.NoError(t, err, stderr)
	require.Equal(t, "COPY 1\n3\n", out)
}

// BenchmarkCopyReaderLongLine reads one 8 MiB text line sent in 8 KiB
// CopyData messages (psql's \copy of a file with a long value): each part
// is scanned once, not the whole line again per message.
func BenchmarkCopyReaderLongLine(b *testing.B) {
	for _, format := range []string{"text", "csv"} {
		b.Run(format, func(b *testing.B) {
			spec := &sql.CopySpec{Delimiter: '\t', Null: `\N`, Quote: '"', Escape: '"'}
			value := strings.Repeat("x", 8<<20)
			if format == "csv" {
				spec.CSV, spec.Delimiter, spec.Null = true, ',', ""
				value = `"` + strings.Repeat(`a,"" `, 2<<20) + `"`
			}
			data := []byte("1," + value + "\n")
			if format == "text" {
				data = []byte("1\t" + value + "\n")
			}
			cols := []planner.CopyColumn{{Name: "a", Type: storage.TypeString}, {Name: "b", Type: storage.TypeString}}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r := newCopyReader(spec, cols, "t", &logSink{})
				for off := 0; off < len(data); off += 8 << 10 {
					require.NoError(b, r.feed(data[off:min(off+8<<10, len(data))]))
				}
				require.NoError(b, r.finish())
			}
		})
	}
}

// TestCopyFromDefaults: COPY of some of a table's columns gives the
// others their DEFAULT, time's too, as PostgreSQL's COPY does: text from
// psql and binary from pgx.
func TestCopyFromDefaults(t *testing.T) {
	s := startServer(t)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE dl (time timestamptz NOT NULL DEFAULT '2030-01-01 00:00:00+00', host text DEFAULT 'h0', v double precision, src text DEFAULT 'copy', k bigint DEFAULT 7)")
	require.NoError(t, err)
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"dl"}, []string{"time", "v"}, pgx.CopyFromRows([][]any{
		{time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC), 1.5},
		{time.Date(2030, 1, 2, 0, 0, 1, 0, time.UTC), 2.5},
	}))
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	out, stderr, err := psql(t, s, "3.5\tx\n\\.\n", "-c", `\copy dl (v, host) FROM STDIN`)
	require.NoError(t, err, stderr)
	require.Equal(t, "COPY 1\n", out)
	got, stderr, err := psql(t, s, "", "-c", "SELECT time, host, v, src, k FROM dl ORDER BY v")
	require.NoError(t, err, stderr)
	require.Equal(t, "2030-01-02 00:00:00+00|h0|1.5|copy|7\n2030-01-02 00:00:01+00|h0|2.5|copy|7\n2030-01-01 00:00:00+00|x|3.5|copy|7\n", got)
}

// TestCopyFromKeyed: COPY into a table with a PRIMARY KEY refuses a row
// whose key is stored, or held by an earlier row of the COPY, as
// PostgreSQL 15 does: 23505 with the constraint's name, the key's values
// in DETAIL and the error fields drivers read (pgconn.PgError's
// SchemaName, TableName, ConstraintName); the line named counts a CSV
// header; nothing of the COPY is stored. An INSERT gets the same error.
func TestCopyFromKeyed(t *testing.T) {
	s := startServer(t, loadLP)
	conn := connect(t, s, "db")
	ctx := context.Background()
	_, err := conn.Exec(ctx, "CREATE TABLE kc (ts timestamptz NOT NULL, host text, v float8, PRIMARY KEY (host, ts))")
	require.NoError(t, err)
	_, err = conn.PgConn().CopyFrom(ctx, strings.NewReader("2024-01-01 00:00:00+00\ta\t1\n"), "COPY kc FROM STDIN")
	require.NoError(t, err)
	count := func() (n int64, sum float64) {
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), sum(v) FROM kc").Scan(&n, &sum))
		return n, sum
	}
	for _, c := range []struct{ stmt, input, msg, detail string }{
		{"COPY kc FROM STDIN", "2024-01-02 00:00:00+00\tb\t2\n2024-01-01 00:00:00+00\ta\t3\n",
			"COPY kc, line 2: duplicate key value violates unique constraint \"kc_pkey\"", "Key (host, ts)=(a, 2024-01-01 00:00:00+00) already exists."},
		{"COPY kc FROM STDIN WITH (FORMAT csv, HEADER)", "ts,host,v\n2024-01-03 00:00:00+00,c,1\n2024-01-04 00:00:00+00,c,2\n2024-01-03 00:00:00.5+00,c,3\n2024-01-03 00:00:00+00,c,4\n",
			"COPY kc, line 5: duplicate key value violates unique constraint \"kc_pkey\"", "Key (host, ts)=(c, 2024-01-03 00:00:00+00) already exists."},
	} {
		_, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(c.input), c.stmt)
		pe := pgErr(t, err)
		require.Equal(t, "23505", pe.Code, c.stmt)
		require.Equal(t, c.msg, pe.Message)
		require.Equal(t, c.detail, pe.Detail)
		require.Equal(t, []string{"public", "kc", "kc_pkey"}, []string{pe.SchemaName, pe.TableName, pe.ConstraintName})
		n, sum := count()
		require.Equal(t, int64(1), n, "nothing of the COPY is stored")
		require.Equal(t, 1.0, sum)
	}
	_, err = conn.Exec(ctx, "INSERT INTO kc VALUES ('2024-01-01', 'a', 5)")
	pe := pgErr(t, err)
	require.Equal(t, []string{"23505", "duplicate key value violates unique constraint \"kc_pkey\"", "kc_pkey"}, []string{pe.Code, pe.Message, pe.ConstraintName})
	tag, err := conn.PgConn().CopyFrom(ctx, strings.NewReader("2024-01-02 00:00:00+00\ta\t2\n2024-01-01 00:00:00+00\tb\t3\n"), "COPY kc FROM STDIN")
	require.NoError(t, err)
	require.Equal(t, "COPY 2", tag.String())
	n, sum := count()
	require.Equal(t, int64(3), n)
	require.Equal(t, 6.0, sum)
}
