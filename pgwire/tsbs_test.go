package pgwire

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/ingest/lp"
	"github.com/stratadb/strata/planner/slt"
	"github.com/stratadb/strata/storage"
)

// The TSBS query runner (tsbs_run_queries_timescaledb, pgx through
// database/sql; ../shared/reference/tsbs.md §2c) talks to a server like
// this, per query on one connection:
//
//  1. Parse(named lrupsc_1_N, no parameter types) + Describe('S') + Sync;
//  2. Bind(no parameters, result formats from the RowDescription: binary
//     for float8, int8, timestamptz, ..., text otherwise) + Describe('P')
//     + Execute + Sync, the rows drained;
//  3. a simple Query "deallocate lrupsc_1_N" when the statement leaves its
//     cache (every time, once past 512 statements).
//
// TestTSBSQueryFlow replays that flow with the devops queries of
// testdata/tsbs/devops.sql over the cpu table of testdata/slt/data and
// checks every result against the same query through the simple protocol
// (text) and against PostgreSQL 15 holding the same rows, where
// time_bucket(i, t) is written date_bin(i, t, '2000-01-03'), its
// TimescaleDB definition.

// tsbsDB is the database TSBS queries (dbname=benchmark).
const tsbsDB = "benchmark"

// binaryResultOIDs are the result types pgx asks for in binary (pgx v4's
// extended-protocol result formats, tsbs.md §2c).
var binaryResultOIDs = map[uint32]bool{
	oidBool: true, oidBytea: true, 29: true, oidDate: true, oidFloat4: true, oidFloat8: true,
	oidInt2: true, oidInt4: true, oidInt8: true, oidOID: true, oidTimestamp: true, oidTimestamptz: true, 28: true,
}

type tsbsQuery struct{ name, sql string }

func loadTSBSQueries(t *testing.T) []tsbsQuery {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tsbs", "devops.sql"))
	require.NoError(t, err)
	var qs []tsbsQuery
	for _, block := range strings.Split(string(data), "\n-- name: ")[1:] {
		name, body, _ := strings.Cut(block, "\n")
		qs = append(qs, tsbsQuery{name: name, sql: strings.TrimRight(body, "\n")})
	}
	require.Len(t, qs, 16)
	return qs
}

// loadTSBSData writes testdata/slt/data/cpu.lp into database benchmark.
func loadTSBSData(t testing.TB, e *storage.Engine) {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "testdata", "slt", "data", "cpu.lp"))
	require.NoError(t, err)
	var p lp.Parser
	res := p.Parse(text, lp.Options{Precision: lp.Nanosecond})
	require.Empty(t, res.Errors)
	require.NoError(t, e.Write(context.Background(), tsbsDB, res.Tables, storage.WriteOptions{}))
}

// tsbsResult is a result reduced to what can be compared across servers
// and formats: column names, and rows of canonical values in column-name
// order (sorted when the query has no ORDER BY).
type tsbsResult struct {
	cols []string
	rows []string
}

// canonical renders a decoded value: floats to 9 significant digits
// (PostgreSQL's avg of bigint is numeric), times in UTC.
func canonical(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case float64:
		return strconv.FormatFloat(v, 'g', 9, 64)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// decodeValue decodes one result value of type oid in format.
func decodeValue(t *testing.T, oid uint32, format int16, raw []byte) any {
	t.Helper()
	if raw == nil {
		return nil
	}
	if format == 1 {
		switch oid {
		case oidInt8:
			require.Len(t, raw, 8)
			return int64(binary.BigEndian.Uint64(raw))
		case oidInt4:
			require.Len(t, raw, 4)
			return int64(int32(binary.BigEndian.Uint32(raw)))
		case oidFloat8:
			require.Len(t, raw, 8)
			return math.Float64frombits(binary.BigEndian.Uint64(raw))
		case oidTimestamptz:
			require.Len(t, raw, 8)
			us := int64(binary.BigEndian.Uint64(raw)) + pgEpochMicros
			return time.UnixMicro(us).UTC()
		case oidBool:
			return raw[0] == 1
		}
		t.Fatalf("no binary decoder for OID %d", oid)
	}
	s := string(raw)
	switch oid {
	case oidInt8, oidInt4, oidInt2:
		v, err := strconv.ParseInt(s, 10, 64)
		require.NoError(t, err)
		return v
	case oidFloat8, oidFloat4, oidNumeric:
		v, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		return v
	case oidTimestamptz:
		for _, layout := range []string{"2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05.999999-07:00"} {
			if v, err := time.Parse(layout, s); err == nil {
				return v
			}
		}
		t.Fatalf("bad timestamptz text %q", s)
	case oidBool:
		return s == "t"
	}
	return s
}

// reduce turns decoded rows into a tsbsResult.
func reduce(q tsbsQuery, names []string, rows [][]any) tsbsResult {
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return names[order[a]] < names[order[b]] })
	res := tsbsResult{}
	for _, i := range order {
		res.cols = append(res.cols, names[i])
	}
	for _, r := range rows {
		parts := make([]string, len(order))
		for k, i := range order {
			parts[k] = canonical(r[i])
		}
		res.rows = append(res.rows, strings.Join(parts, "|"))
	}
	if !strings.Contains(q.sql, "ORDER BY") {
		sort.Strings(res.rows)
	}
	return res
}

// readResult drains rr, decoding by the formats its RowDescription gives.
func readResult(t *testing.T, q tsbsQuery, rr *pgconn.ResultReader) (tsbsResult, pgconn.CommandTag) {
	t.Helper()
	var rows [][]any
	for rr.NextRow() {
		fields := rr.FieldDescriptions()
		row := make([]any, len(fields))
		for i, f := range fields {
			row[i] = decodeValue(t, f.DataTypeOID, f.Format, rr.Values()[i])
		}
		rows = append(rows, row)
	}
	var names []string
	for _, f := range rr.FieldDescriptions() {
		names = append(names, f.Name)
	}
	tag, err := rr.Close()
	require.NoError(t, err, q.name)
	return reduce(q, names, rows), tag
}

// simpleResult runs q as one simple Query (text results).
func simpleResult(t *testing.T, conn *pgconn.PgConn, q tsbsQuery, text string) tsbsResult {
	t.Helper()
	mrr := conn.Exec(context.Background(), text)
	require.True(t, mrr.NextResult(), q.name)
	res, _ := readResult(t, q, mrr.ResultReader())
	require.NoError(t, mrr.Close(), q.name)
	return res
}

// postgresTSBS returns a connection to PostgreSQL 15 holding the slt
// dataset, or nil (the comparison is skipped) when it is not installed.
func postgresTSBS(t *testing.T) *pgconn.PgConn {
	t.Helper()
	ctx := context.Background()
	pg, err := slt.StartPostgres(ctx)
	if err != nil {
		if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
			t.Fatalf("PostgreSQL 15 is needed: %v (apt-get install postgresql-15, or run make test)", err)
		}
		t.Logf("PostgreSQL 15 is not installed (%v): results are checked against the simple protocol only", err)
		return nil
	}
	t.Cleanup(func() { _ = pg.Stop() })
	conn, err := pgconn.Connect(ctx, pg.DSN)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	load, err := os.ReadFile(filepath.Join("..", "testdata", "slt", "data", "postgres.sql"))
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "SET TimeZone = 'UTC';\n"+string(load)).ReadAll()
	require.NoError(t, err)
	return conn
}

func TestTSBSQueryFlow(t *testing.T) {
	s := startServer(t)
	loadTSBSData(t, s.engine)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgconn.Connect(ctx, "postgres://postgres@"+s.addr+"/"+tsbsDB+"?sslmode=disable")
	require.NoError(t, err)
	defer conn.Close(ctx)
	ref, err := pgconn.Connect(ctx, "postgres://postgres@"+s.addr+"/"+tsbsDB+"?sslmode=disable")
	require.NoError(t, err)
	defer ref.Close(ctx)
	pg := postgresTSBS(t)
	if pg != nil {
		t.Log("checking against PostgreSQL 15 too")
	}

	binarySeen := map[uint32]bool{}
	for i, q := range loadTSBSQueries(t) {
		name := fmt.Sprintf("lrupsc_1_%d", i)
		sd, err := conn.Prepare(ctx, name, q.sql, nil)
		require.NoError(t, err, q.name)
		require.Empty(t, sd.ParamOIDs, q.name)
		formats := make([]int16, len(sd.Fields))
		for j, f := range sd.Fields {
			if binaryResultOIDs[f.DataTypeOID] {
				formats[j] = 1
				binarySeen[f.DataTypeOID] = true
			}
		}
		runs := 1
		if q.name == "lastpoint" {
			// The same text every time: TSBS reuses the statement.
			runs = 2
		}
		var got tsbsResult
		for run := 0; run < runs; run++ {
			rr := conn.ExecPrepared(ctx, name, nil, nil, formats)
			var tag pgconn.CommandTag
			got, tag = readResult(t, q, rr)
			require.Equal(t, fmt.Sprintf("SELECT %d", len(got.rows)), tag.String(), q.name)
		}
		require.NotEmpty(t, got.rows, "%s returns no rows: the query or the data is off", q.name)
		t.Logf("%s: %d rows of %s; first %s", q.name, len(got.rows), strings.Join(got.cols, ","), got.rows[0])

		tag, err := conn.Exec(ctx, "deallocate "+name).ReadAll()
		require.NoError(t, err, q.name)
		require.Equal(t, "DEALLOCATE", tag[0].CommandTag.String())

		want := simpleResult(t, ref, q, q.sql)
		require.Equal(t, want, got, "%s: binary extended vs text simple protocol", q.name)
		if pg != nil {
			pgSQL := strings.ReplaceAll(q.sql, "time_bucket('60 seconds', time)", "date_bin('60 seconds', time, TIMESTAMPTZ '2000-01-03')")
			pgSQL = strings.ReplaceAll(pgSQL, "time_bucket('3600 seconds', time)", "date_bin('3600 seconds', time, TIMESTAMPTZ '2000-01-03')")
			require.Equal(t, simpleResult(t, pg, q, pgSQL), got, "%s: Strata vs PostgreSQL 15", q.name)
		}
	}
	// The corpus's fields are integers (bigint), so avg() is numeric, as in
	// PostgreSQL, which pgx v4 reads as text; max() and time_bucket() go
	// binary.
	require.Equal(t, map[uint32]bool{oidInt8: true, oidTimestamptz: true}, binarySeen)

	// A deallocated statement is gone; the connection goes on.
	err = conn.ExecPrepared(ctx, "lrupsc_1_0", nil, nil, nil).Read().Err
	require.Error(t, err)
	require.Equal(t, "26000", pgErr(t, err).Code)
	_, err = conn.Exec(ctx, "SELECT 1").ReadAll()
	require.NoError(t, err)
}
