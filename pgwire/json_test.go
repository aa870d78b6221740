package pgwire

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestJSON reads JSON payloads held in string fields through pgx: ->> and
// casts in filters and aggregates, json and jsonb columns (OIDs 114 and
// 3802) scanned in both formats, jsonb parameters, and the errors.
func TestJSON(t *testing.T) {
	s := startServer(t, `dev,id=a payload="{\"temp\":21.5,\"hum\":40,\"status\":\"ok\"}" 1700000000000000000
dev,id=a payload="{\"temp\":22.5,\"hum\":41,\"status\":\"ok\"}" 1700000010000000000
dev,id=b payload="{\"temp\":30,\"status\":\"alarm\",\"codes\":[3,7]}" 1700000000000000000
`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn := connect(t, s, "db")

	var avg float64
	require.NoError(t, conn.QueryRow(ctx, `SELECT avg((payload::jsonb ->> 'temp')::float8) FROM dev WHERE id = 'a'`).Scan(&avg))
	require.Equal(t, 22.0, avg)
	var n int64
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM dev WHERE payload::jsonb @> '{"status": "alarm"}' AND payload::jsonb -> 'codes' ? '7'`).Scan(&n))
	require.Equal(t, int64(0), n, "? finds string elements, not numbers")
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM dev WHERE payload::jsonb @> '{"codes": [7]}'`).Scan(&n))
	require.Equal(t, int64(1), n)

	// json and jsonb columns: OIDs, then scanned into Go values in the
	// binary format (pgx's default) and read as text.
	q := `SELECT json_build_object('id', id, 'max', max((payload::jsonb ->> 'temp')::float8)), jsonb_agg(payload::jsonb -> 'temp' ORDER BY time) FROM dev WHERE id = 'a' GROUP BY id`
	rows, err := conn.Query(ctx, q)
	require.NoError(t, err)
	require.Equal(t, uint32(114), rows.FieldDescriptions()[0].DataTypeOID)
	require.Equal(t, uint32(3802), rows.FieldDescriptions()[1].DataTypeOID)
	rows.Close()
	var obj map[string]any
	var temps []float64
	require.NoError(t, conn.QueryRow(ctx, q).Scan(&obj, &temps))
	require.Equal(t, map[string]any{"id": "a", "max": 22.5}, obj)
	require.Equal(t, []float64{21.5, 22.5}, temps)
	var text1, text2 string
	require.NoError(t, conn.QueryRow(ctx, q, pgx.QueryResultFormats{pgx.TextFormatCode, pgx.TextFormatCode}).Scan(&text1, &text2))
	require.Equal(t, `{"id" : "a", "max" : 22.5}`, text1)
	require.Equal(t, `[21.5, 22.5]`, text2)

	// A jsonb parameter (pgx sends Go maps as jsonb when told so).
	var got string
	require.NoError(t, conn.QueryRow(ctx, `SELECT ($1::jsonb || '{"b": 2}')::text`, map[string]any{"a": 1}).Scan(&got))
	require.Equal(t, `{"a": 1, "b": 2}`, got)
	sd, err := conn.Prepare(ctx, "", `SELECT $1::jsonb -> 'a'`)
	require.NoError(t, err)
	require.Equal(t, []uint32{3802}, sd.ParamOIDs)

	// Parameters the client declares as jsonb (as psycopg's Jsonb does):
	// typed jsonb in the statement, read in jsonb's form, checked.
	pc := conn.PgConn()
	desc, err := pc.Prepare(ctx, "jp", `SELECT $1 ->> 'a', $1 ? 'a', $1`, []uint32{3802})
	require.NoError(t, err)
	require.Equal(t, []uint32{3802}, desc.ParamOIDs)
	require.Equal(t, uint32(3802), desc.Fields[2].DataTypeOID)
	res := pc.ExecPrepared(ctx, "jp", [][]byte{[]byte(`{"b":1,  "a":2}`)}, []int16{0}, []int16{0, 0, 0}).Read()
	require.NoError(t, res.Err)
	require.Equal(t, [][][]byte{{[]byte("2"), []byte("t"), []byte(`{"a": 2, "b": 1}`)}}, res.Rows)
	res = pc.ExecPrepared(ctx, "jp", [][]byte{append([]byte{1}, `[1]`...)}, []int16{1}, []int16{0, 0, 0}).Read()
	require.NoError(t, res.Err, "binary jsonb: version 1, then the text")
	res = pc.ExecPrepared(ctx, "jp", [][]byte{append([]byte{2}, `[1]`...)}, []int16{1}, nil).Read()
	require.ErrorContains(t, res.Err, "unsupported jsonb version number")
	res = pc.ExecPrepared(ctx, "jp", [][]byte{[]byte(`{"a":`)}, []int16{0}, nil).Read()
	require.ErrorContains(t, res.Err, "invalid input syntax for type json")

	// Declared types hold inside constructs: COALESCE, UNION.
	desc, err = pc.Prepare(ctx, "jc", `SELECT coalesce($1, '{}'), coalesce($2, '11:00')`, []uint32{3802, 1083})
	require.NoError(t, err)
	require.Equal(t, uint32(3802), desc.Fields[0].DataTypeOID)
	require.Equal(t, uint32(1083), desc.Fields[1].DataTypeOID)
	desc, err = pc.Prepare(ctx, "ju", `SELECT '{"b":1,  "a":2}' UNION ALL SELECT $1`, []uint32{3802})
	require.NoError(t, err)
	require.Equal(t, uint32(3802), desc.Fields[0].DataTypeOID)
	res = pc.ExecPrepared(ctx, "ju", [][]byte{[]byte(`[1]`)}, []int16{0}, []int16{0}).Read()
	require.NoError(t, res.Err)
	require.Equal(t, [][][]byte{{[]byte(`{"a": 2, "b": 1}`)}, {[]byte(`[1]`)}}, res.Rows)

	// Bad JSON: the error names the token.
	_, err = conn.Exec(ctx, `SELECT 'x'::jsonb`)
	require.ErrorContains(t, err, `invalid input syntax for type json`)
	var pgErr interface{ SQLState() string }
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "22P02", pgErr.SQLState())
	_, err = conn.Exec(ctx, `SELECT payload::jsonb FROM dev WHERE id = 'zzz' UNION ALL SELECT '{"a":'::jsonb`)
	require.ErrorContains(t, err, "invalid input syntax for type json")
}
