package pgwire

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
)

var cursorGoldenFrom = flag.String("cursor-golden-from", "", "write testdata/cursor/expected.txt from the PostgreSQL 15 server at this URL")

const cursorSetup = `SET TimeZone = 'UTC';
DROP TABLE IF EXISTS sc;
CREATE TABLE sc (time timestamptz NOT NULL, n int);
INSERT INTO sc SELECT '2024-01-01'::timestamptz + g * interval '1 minute', g FROM generate_series(1, 3000) g;
`

const cursorQueries = `\echo scroll: last, prior, absolute, move, next
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT n FROM sc ORDER BY n;
FETCH LAST FROM c;
FETCH PRIOR FROM c;
FETCH ABSOLUTE 1 FROM c;
MOVE FORWARD 2 IN c;
FETCH FROM c;
\echo scroll: backward past the start, FETCH 0, RELATIVE
FETCH 3 FROM c;
FETCH BACKWARD 2 FROM c;
FETCH BACKWARD 10 FROM c;
FETCH 0 FROM c;
FETCH NEXT FROM c;
FETCH RELATIVE 0 FROM c;
FETCH RELATIVE 3 FROM c;
FETCH RELATIVE -2 FROM c;
FETCH RELATIVE -5 FROM c;
FETCH NEXT FROM c;
COMMIT;
\echo scroll: from the end back, negative counts
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT n, time FROM sc ORDER BY n;
FETCH ABSOLUTE 2500 FROM c;
FETCH BACKWARD 3 FROM c;
MOVE FORWARD ALL IN c;
FETCH PRIOR FROM c;
FETCH 0 FROM c;
FETCH ABSOLUTE -3000 FROM c;
FETCH ABSOLUTE -3001 FROM c;
FETCH NEXT FROM c;
FETCH ABSOLUTE 3001 FROM c;
FETCH BACKWARD 2 FROM c;
FETCH ABSOLUTE 0 FROM c;
FETCH 2 FROM c;
MOVE 1020 IN c;
FETCH -3 FROM c;
FETCH FORWARD -1 FROM c;
FETCH BACKWARD -2 FROM c;
COMMIT;
\echo scroll: a filter, sorted
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT n FROM sc WHERE n % 7 = 3 ORDER BY n;
MOVE ABSOLUTE 200 IN c;
FETCH RELATIVE 0 FROM c;
FETCH BACKWARD 4 FROM c;
FETCH LAST FROM c;
FETCH RELATIVE -100 FROM c;
FETCH FORWARD 3 FROM c;
MOVE BACKWARD ALL IN c;
FETCH NEXT FROM c;
COMMIT;
\echo scroll: no rows
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT n FROM sc WHERE n < 0;
FETCH NEXT FROM c;
FETCH PRIOR FROM c;
FETCH LAST FROM c;
FETCH FIRST FROM c;
FETCH 0 FROM c;
COMMIT;
\echo scroll: WITH HOLD, after its transaction
DECLARE h SCROLL CURSOR WITH HOLD FOR SELECT n FROM sc ORDER BY n DESC;
FETCH 2 FROM h;
FETCH FIRST FROM h;
FETCH ABSOLUTE -1 FROM h;
CLOSE h;
\echo no scroll: forward ABSOLUTE and RELATIVE
BEGIN;
DECLARE c NO SCROLL CURSOR FOR SELECT n FROM sc ORDER BY n;
FETCH 0 FROM c;
FETCH ABSOLUTE 0 FROM c;
MOVE BACKWARD ALL IN c;
FETCH ABSOLUTE 3 FROM c;
FETCH RELATIVE 2 FROM c;
MOVE ABSOLUTE 2998 IN c;
FETCH ABSOLUTE 3000 FROM c;
FETCH 1 FROM c;
FETCH ABSOLUTE 3005 FROM c;
FETCH 0 FROM c;
FETCH ALL FROM c;
COMMIT;
`

// TestScrollCursor: a SCROLL cursor fetches in every direction FETCH and
// MOVE name (NEXT, PRIOR, FIRST, LAST, ABSOLUTE, RELATIVE, FORWARD and
// BACKWARD with counts, negative counts and ALL, FETCH 0), past either end
// and back, WITH HOLD after its transaction; a cursor without SCROLL moves
// forward by ABSOLUTE and RELATIVE too. psql's output is the one
// PostgreSQL 15 wrote (-cursor-golden-from), over the write buffer and from
// files. Before, DECLARE ... SCROLL was refused (0A000) and FETCH took only
// forward counts.
func TestScrollCursor(t *testing.T) {
	s := psqlMatchesPostgres(t, filepath.Join("testdata", "cursor", "expected.txt"), *cursorGoldenFrom, cursorSetup, cursorQueries)
	if s == nil {
		return
	}
	r := dialRaw(t, s, nil)
	// MOVE's counts: the rows a FETCH would return (PostgreSQL 15's).
	r.send(&pgproto3.Query{String: `BEGIN; DECLARE c SCROLL CURSOR FOR SELECT n FROM sc ORDER BY n;
		MOVE LAST IN c; MOVE BACKWARD ALL IN c; MOVE 0 IN c; MOVE ABSOLUTE 5 IN c; MOVE 0 IN c; MOVE RELATIVE 4000 IN c;
		MOVE BACKWARD 3 IN c; MOVE ABSOLUTE -1 IN c; MOVE FORWARD ALL IN c; MOVE BACKWARD 2990 IN c; MOVE PRIOR IN c;
		MOVE BACKWARD 100 IN c; MOVE ABSOLUTE 0 IN c; MOVE FORWARD 10 IN c; MOVE RELATIVE -3 IN c; MOVE ABSOLUTE 4000 IN c`})
	var moves []string
	for _, m := range r.until() {
		if n, ok := strings.CutPrefix(m, "CommandComplete MOVE "); ok {
			moves = append(moves, n)
		}
	}
	require.Equal(t, strings.Fields("1 2999 0 1 1 0 3 1 0 2990 1 9 0 10 1 0"), moves)

	// An Execute row limit sends a FETCH's rows in parts; each part's tag
	// counts its rows, and the next FETCH goes on from where the whole
	// FETCH left the cursor (PostgreSQL 15's messages).
	r.send(&pgproto3.Query{String: "MOVE ABSOLUTE 10 IN c"})
	require.Equal(t, []string{"CommandComplete MOVE 1", "ReadyForQuery T"}, r.until())
	r.send(&pgproto3.Parse{Query: "FETCH BACKWARD 5 FROM c"}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{MaxRows: 2}, &pgproto3.Execute{MaxRows: 2}, &pgproto3.Execute{MaxRows: 2}, &pgproto3.Execute{MaxRows: 2}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "RowDescription", "9", "8", "PortalSuspended", "7", "6", "PortalSuspended",
		"5", "CommandComplete FETCH 1", "CommandComplete FETCH 0", "ReadyForQuery T"}, r.values())
	r.send(&pgproto3.Parse{Query: "FETCH 3 FROM c"}, &pgproto3.Bind{}, &pgproto3.Execute{MaxRows: 2}, &pgproto3.Execute{MaxRows: 2}, &pgproto3.Sync{})
	require.Equal(t, []string{"ParseComplete", "BindComplete", "6", "7", "PortalSuspended", "8", "CommandComplete FETCH 1", "ReadyForQuery T"}, r.values())
	r.send(&pgproto3.Query{String: "FETCH NEXT FROM c; COMMIT"})
	require.Equal(t, []string{"RowDescription", "9", "CommandComplete FETCH 1", "CommandComplete COMMIT", "ReadyForQuery I"}, r.values())

	// A cursor declared without SCROLL reads its rows once: going back is
	// PostgreSQL's error for a cursor that cannot scan backward, and the
	// transaction fails as there.
	for _, tc := range []struct{ before, fetch string }{
		{"FETCH 2 FROM c", "FETCH PRIOR FROM c"},
		{"FETCH ABSOLUTE 3 FROM c", "FETCH ABSOLUTE 2 FROM c"},
		{"FETCH 2 FROM c", "FETCH RELATIVE 0 FROM c"},
		{"FETCH 2 FROM c", "FETCH RELATIVE -1 FROM c"},
		{"FETCH 1 FROM c", "FETCH 0 FROM c"},
		{"MOVE 0 IN c", "FETCH LAST FROM c"},
		{"MOVE 0 IN c", "FETCH BACKWARD 0 FROM c"},
		{"MOVE 0 IN c", "MOVE BACKWARD 1 IN c"},
		{"MOVE 0 IN c", "FETCH RELATIVE -1 FROM c"},
		{"FETCH 1 FROM c", "MOVE BACKWARD ALL IN c"},
		{"MOVE ALL IN c", "FETCH ABSOLUTE 0 FROM c"},
	} {
		for _, declare := range []string{"CURSOR", "NO SCROLL CURSOR"} {
			r.send(&pgproto3.Query{String: "BEGIN; DECLARE c " + declare + " FOR SELECT n FROM sc ORDER BY n; " + tc.before})
			r.until()
			r.send(&pgproto3.Query{String: tc.fetch})
			msg := r.recv()
			e, ok := msg.(*pgproto3.ErrorResponse)
			require.True(t, ok, "%s after %s: %T", tc.fetch, tc.before, msg)
			require.Equal(t, "55000", e.Code)
			require.Equal(t, "cursor can only scan forward", e.Message)
			require.Equal(t, "Declare it with SCROLL option to enable backward scan.", e.Hint)
			require.Equal(t, []string{"ReadyForQuery E"}, r.until())
			r.send(&pgproto3.Query{String: "ROLLBACK"})
			r.until()
		}
	}
}

// values is until with each DataRow shown as its first value.
func (r *rawConn) values() []string {
	r.t.Helper()
	var out []string
	for {
		msg := r.recv()
		if d, ok := msg.(*pgproto3.DataRow); ok {
			out = append(out, string(d.Values[0]))
			continue
		}
		out = append(out, msgName(msg))
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return out
		}
	}
}

// TestScrollCursorKeepsBatches: a SCROLL cursor over rows that come from
// several files, in batches whose rows a filter selects (sent from the
// scan's own arrays), fetches any of them again in the order it first
// read them, forward and backward, in text and binary.
func TestScrollCursorKeepsBatches(t *testing.T) {
	var lp strings.Builder
	for i := range 6000 {
		// Three days: three partitions, read as separate batches.
		fmt.Fprintf(&lp, "sel,host=h%d v=%di %d\n", i%3, i, 1704067200000000000+int64(i)*60_000_000_000)
	}
	s := startServer(t, lp.String())
	require.NoError(t, s.engine.Persist(context.Background()))
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c SCROLL CURSOR FOR SELECT v FROM sel WHERE v % 5 = 2; FETCH ALL FROM c"})
	all := r.values()
	require.Equal(t, []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR", "RowDescription"}, all[:3])
	require.Equal(t, []string{"CommandComplete FETCH 1200", "ReadyForQuery T"}, all[len(all)-2:])
	order := all[3 : len(all)-2]
	sorted := slices.Clone(order)
	slices.SortFunc(sorted, func(a, b string) int { x, _ := strconv.Atoi(a); y, _ := strconv.Atoi(b); return x - y })
	for i, v := range sorted {
		require.Equal(t, strconv.Itoa(5*i+2), v)
	}

	r.send(&pgproto3.Query{String: "FETCH BACKWARD ALL FROM c"})
	back := r.values()
	require.Equal(t, "CommandComplete FETCH 1200", back[len(back)-2])
	rev := slices.Clone(order)
	slices.Reverse(rev)
	require.Equal(t, rev, back[1:len(back)-2])
	for _, k := range []int{1, 7, 399, 400, 401, 800, 1199, 1200} {
		r.send(&pgproto3.Query{String: fmt.Sprintf("FETCH ABSOLUTE %d FROM c; FETCH BACKWARD 2 FROM c; FETCH FORWARD 3 FROM c", k)})
		got := r.values()
		want := []string{"RowDescription", order[k-1], fmt.Sprintf("CommandComplete FETCH %d", 1)}
		want = append(want, "RowDescription")
		for i := k - 1; i >= max(1, k-2); i-- {
			want = append(want, order[i-1])
		}
		want = append(want, fmt.Sprintf("CommandComplete FETCH %d", min(2, k-1)), "RowDescription")
		from := max(0, k-2) // the position after BACKWARD 2 (0: before the first row)
		for i := from + 1; i <= min(from+3, 1200); i++ {
			want = append(want, order[i-1])
		}
		want = append(want, fmt.Sprintf("CommandComplete FETCH %d", min(3, 1200-from)), "ReadyForQuery T")
		require.Equal(t, want, got, "ABSOLUTE %d", k)
	}
	// Binary: the same rows, as int8.
	r.send(&pgproto3.Parse{Query: "FETCH BACKWARD 3 FROM c"}, &pgproto3.Bind{ResultFormatCodes: []int16{1}}, &pgproto3.Execute{}, &pgproto3.Sync{})
	var want []string
	for _, v := range order[1197:1200] {
		n, _ := strconv.ParseInt(v, 10, 64)
		want = append(want, string(binary.BigEndian.AppendUint64(nil, uint64(n))))
	}
	slices.Reverse(want)
	require.Equal(t, append(append([]string{"ParseComplete", "BindComplete"}, want...), "CommandComplete FETCH 3", "ReadyForQuery T"), r.values())
	r.send(&pgproto3.Query{String: "COMMIT"})
	r.until()
}

// TestScrollCursorMemoryLimit: the rows a SCROLL cursor holds count
// against the query memory limit (53200 past it, with a hint), while a
// cursor without SCROLL streams the same rows.
func TestScrollCursorMemoryLimit(t *testing.T) {
	var lp strings.Builder
	for i := range 6000 {
		fmt.Fprintf(&lp, "sel,host=h%d v=%di %d\n", i%3, i, 1704067200000000000+int64(i)*60_000_000_000)
	}
	s := startServerWith(t, func(srv *Server) { srv.MemLimit = 64 << 10 }, lp.String())
	require.NoError(t, s.engine.Persist(context.Background()))
	r := dialRaw(t, s, nil)
	r.send(&pgproto3.Query{String: "BEGIN; DECLARE c SCROLL CURSOR FOR SELECT v, host FROM sel; FETCH 10 FROM c; MOVE ALL IN c"})
	var e *pgproto3.ErrorResponse
	for e == nil {
		msg := r.recv()
		e, _ = msg.(*pgproto3.ErrorResponse)
		_, ready := msg.(*pgproto3.ReadyForQuery)
		require.False(t, ready, "no error")
	}
	require.Equal(t, "53200", e.Code)
	require.Contains(t, e.Message, "the query memory limit is 64 KiB")
	require.Contains(t, e.Hint, "without SCROLL")
	require.Equal(t, []string{"ReadyForQuery E"}, r.until())
	r.send(&pgproto3.Query{String: "ROLLBACK; BEGIN; DECLARE c CURSOR FOR SELECT v, host FROM sel; MOVE ALL IN c; COMMIT"})
	require.Equal(t, []string{"CommandComplete ROLLBACK", "CommandComplete BEGIN", "CommandComplete DECLARE CURSOR",
		"CommandComplete MOVE 6000", "CommandComplete COMMIT", "ReadyForQuery I"}, r.until())
}
