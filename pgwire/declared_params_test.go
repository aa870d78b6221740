package pgwire

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDeclaredParamTypes: parameters whose types the client declares at
// Parse (as pgjdbc's typed setters, Npgsql and psycopg's binary dumpers do)
// have those types in the statement, as in PostgreSQL: date + 1 is a
// date, float8 * 2 a float8, a timestamp minus an interval a timestamp.
// Before, the statement was typed as if they were untyped constants
// ($1 + 1 was bigint arithmetic; date + 1 failed).
func TestDeclaredParamTypes(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pc := connect(t, s, "db").PgConn()
	for _, tt := range []struct {
		sql     string
		oid     uint32
		val     string
		wantOID uint32
		want    string
	}{
		{"SELECT $1 + 1", 1082, "2024-01-01", 1082, "2024-01-02"},
		{"SELECT $1", 1082, "2024-05-01", 1082, "2024-05-01"},
		{"SELECT $1 + interval '1 hour'", 1186, "1 day", 1186, "1 day 01:00:00"},
		{"SELECT $1 + 1", 23, "5", 23, "6"},
		// Undeclared: $n takes the other operand's type (int4, int2).
		{"SELECT $1 + 1", 0, "5", 23, "6"},
		{"SELECT 2 * $1", 0, "5", 23, "10"},
		{"SELECT $1 + 1::int2", 0, "5", 21, "6"},
		{"SELECT $1 * 2", 701, "2.4", 701, "4.8"},
		{"SELECT $1 - interval '1 day'", 1114, "2024-01-02 10:00", 1114, "2024-01-01 10:00:00"},
		{"SELECT $1 || 'x'", 1043, "ab", 25, "abx"},
		{"SELECT count(*) FROM cpu WHERE time >= $1", 1114, "2023-11-14 22:13:30", 20, "2"},
		// Still constants where one is needed (pgjdbc's setInt for LIMIT ?).
		{"SELECT count(*) FROM (SELECT * FROM cpu LIMIT $1) s", 23, "2", 20, "2"},
		{"SELECT count(*) FROM (SELECT * FROM cpu OFFSET $1) s", 23, "1", 20, "2"},
		{"SELECT count(*) FROM generate_series(1, $1)", 23, "4", 20, "4"},
		// A numeric is a numeric: it divides as one (lvl / $1 is not
		// integer division), keeps the scale it was sent with, and a whole
		// one too large for a float8 stays exact.
		{"SELECT $1", 1700, "123456789012345678", 1700, "123456789012345678"},
		{"SELECT $1 = 123456789012345678", 1700, "123456789012345678", 16, "t"},
		{"SELECT $1 = 123456789012345679", 1700, "123456789012345678", 16, "f"},
		{"SELECT count(*) FROM (SELECT * FROM cpu LIMIT $1) s", 1700, "2", 20, "2"},
		{"SELECT count(*) FROM (SELECT * FROM cpu LIMIT $1) s", 1700, "2.5", 20, "3"}, // a numeric rounds half away from zero
		{"SELECT count(*) FROM (SELECT * FROM cpu LIMIT $1) s", 701, "2.5", 20, "2"},  // a float8 to even
		{"SELECT $1 / 2", 1700, "7", 1700, "3.5000000000000000"},
		{"SELECT 7 / $1", 1700, "2", 1700, "3.5000000000000000"},
		{"SELECT $1, $1 * 2", 1700, "12.50", 1700, "12.50"},
		{"SELECT $1 * 2", 1700, "12.50", 1700, "25.00"},
		{"SELECT $1 * 2", 1700, "1.5e-3", 1700, "0.0030"},
		{"SELECT pg_typeof($1)", 1700, "7", 2206, "numeric"},
		{"SELECT count(*) FROM cpu WHERE n / $1 > 0", 1700, "4", 20, "2"}, // 1 / 4 is 0.25, not 0
		// Declared arrays (pgjdbc's setArray) are arrays of that type:
		// subscripts and array functions take them.
		{"SELECT $1[2] + 1", 1007, "{3,1,2}", 23, "2"},
		{"SELECT $1", 1022, "{1.5,2}", 1022, "{1.5,2}"},
		{"SELECT array_length($1, 1)", 1009, "{a,b,c}", 23, "3"},
		{"SELECT count(*) FROM cpu WHERE host = ANY($1)", 1009, "{a,c}", 20, "2"},
	} {
		sd, err := pc.Prepare(ctx, "", tt.sql, []uint32{tt.oid})
		require.NoError(t, err, tt.sql)
		require.Equal(t, tt.wantOID, sd.Fields[0].DataTypeOID, tt.sql)
		res := pc.ExecPrepared(ctx, "", [][]byte{[]byte(tt.val)}, []int16{0}, []int16{0}).Read()
		require.NoError(t, res.Err, tt.sql)
		require.Equal(t, tt.want, string(res.Rows[0][0]), tt.sql)
	}

	// Binary dates and timestamps are wall clock readings in the
	// session's zone, as their text is read.
	_, err := pc.Exec(ctx, "SET TIME ZONE 'America/New_York'").ReadAll()
	require.NoError(t, err)
	day := make([]byte, 4) // 2024-03-01: 8,826 days after 2000-01-01
	binary.BigEndian.PutUint32(day, 8826)
	res := pc.ExecParams(ctx, "SELECT $1, $1 = DATE '2024-03-01'", [][]byte{day}, []uint32{1082}, []int16{1}, []int16{0, 0}).Read()
	require.NoError(t, res.Err)
	require.Equal(t, "2024-03-01", string(res.Rows[0][0]))
	require.Equal(t, "t", string(res.Rows[0][1]))
	noon := make([]byte, 8) // 2024-03-01 12:00 as a wall clock reading
	binary.BigEndian.PutUint64(noon, uint64((8826*86400+12*3600)*1e6))
	res = pc.ExecParams(ctx, "SELECT $1", [][]byte{noon}, []uint32{1114}, []int16{1}, []int16{0}).Read()
	require.NoError(t, res.Err)
	require.Equal(t, "2024-03-01 12:00:00", string(res.Rows[0][0]))
}

// TestUntypedParamBesideInt: Describe reports an untyped $n in arithmetic
// or a comparison with an int4 (int2) as that type, as PostgreSQL 15 does
// ($1 + 1, 1 + $1, $1 > 1: int4; beside a bigint column, int8).
func TestUntypedParamBesideInt(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pc := connect(t, s, "db").PgConn()
	for _, tt := range []struct {
		sql  string
		want []uint32
	}{
		{"SELECT $1 + 1", []uint32{23}},
		{"SELECT 1 + $1, $2 * 2::int2", []uint32{23, 21}},
		{"SELECT count(*) FROM cpu WHERE $1 > 1", []uint32{23}},
		{"SELECT $1 + 1 + $2", []uint32{23, 23}},
	} {
		sd, err := pc.Prepare(ctx, "", tt.sql, nil)
		require.NoError(t, err, tt.sql)
		require.Equal(t, tt.want, sd.ParamOIDs, tt.sql)
	}
}
