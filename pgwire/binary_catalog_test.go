package pgwire

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestBinaryCatalogTypes reads arrays, reg* and void in the binary format
// (as Npgsql asks for every column): pgx decodes what PostgreSQL would send.
func TestBinaryCatalogTypes(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(t, err)
	defer conn.Close(ctx)

	var names []string
	var ints []int32
	var empty []string
	var withNull []*string
	err = conn.QueryRow(ctx, `SELECT string_to_array('a,b c', ','), '{1,2,3}'::int[]::text::int4[]
		, string_to_array('', ','), string_to_array('x,,y', ',', '')`,
		pgx.QueryResultFormats{pgx.BinaryFormatCode}).Scan(&names, &ints, &empty, &withNull)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b c"}, names)
	require.Equal(t, []int32{1, 2, 3}, ints)
	require.Empty(t, empty)
	require.Len(t, withNull, 3)
	require.Nil(t, withNull[1])

	// regproc and regclass are OIDs in binary; their text form is the name.
	res := conn.PgConn().ExecParams(ctx, `SELECT typreceive, typreceive::text, 'pg_class'::regclass::oid::regclass, pg_advisory_unlock_all()
		FROM pg_type WHERE typname = 'int4'`, nil, nil, nil, []int16{1}).Read()
	require.NoError(t, res.Err)
	require.Len(t, res.Rows, 1)
	row := res.Rows[0]
	require.Equal(t, []uint32{24, 25, 2205, 2278}, []uint32{res.FieldDescriptions[0].DataTypeOID,
		res.FieldDescriptions[1].DataTypeOID, res.FieldDescriptions[2].DataTypeOID, res.FieldDescriptions[3].DataTypeOID})
	require.Equal(t, []byte{0, 0, 0x09, 0x66}, row[0]) // int4recv, 2406
	require.Equal(t, "int4recv", string(row[1]))
	require.Equal(t, []byte{0, 0, 0x04, 0xeb}, row[2]) // pg_class, 1259
	require.Empty(t, row[3])                           // void: no bytes

	// regtype is held as PostgreSQL writes it (integer, timestamp with time
	// zone), its binary form the type's OID (it was 0 for such names).
	res = conn.PgConn().ExecParams(ctx, `SELECT 'int4'::regtype, pg_typeof(now()), 'double precision'::regtype, pg_typeof('x'::text), 'text[]'::regtype, pg_typeof(ARRAY[1]), 'int8[]'::regtype`,
		nil, nil, nil, []int16{1}).Read()
	require.NoError(t, res.Err)
	require.Len(t, res.Rows, 1)
	var got []uint32
	for _, v := range res.Rows[0] {
		got = append(got, binary.BigEndian.Uint32(v))
	}
	require.Equal(t, []uint32{23, 1184, 701, 25, 1009, 1007, 1016}, got)
}

// TestNumericFromFloat reads EXTRACT (numeric in PostgreSQL 14+, computed
// in float8) in both formats.
func TestNumericFromFloat(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.dsn("db"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	q := `SELECT extract(epoch from time), floor(extract(epoch from time)/60)*60, extract(epoch from time) / 1000.0,
		-extract(epoch from time) / 7, extract(epoch from time) * 0 FROM cpu ORDER BY time LIMIT 1`
	for _, format := range []int16{pgx.TextFormatCode, pgx.BinaryFormatCode} {
		var a, b, c, d, e float64
		require.NoError(t, conn.QueryRow(ctx, q, pgx.QueryResultFormats{format}).Scan(&a, &b, &c, &d, &e))
		require.Equal(t, []float64{1700000000, 1699999980, 1700000, -1700000000.0 / 7, 0}, []float64{a, b, c, d, e}, "format %d", format)
	}
	rows, err := conn.Query(ctx, q)
	require.NoError(t, err)
	rows.Close()
	var oids []uint32
	for _, f := range rows.FieldDescriptions() {
		oids = append(oids, f.DataTypeOID)
	}
	require.Equal(t, []uint32{1700, 1700, 1700, 1700, 1700}, oids)
}
