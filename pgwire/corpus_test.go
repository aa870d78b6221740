package pgwire

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/stratadb/strata/planner/slt"
)

// The client corpus (testdata/corpus.json, from ../shared/pgwire): the
// catalog and session SQL that psql 15, pgx, Npgsql, Power BI, pgjdbc,
// Tableau, DBeaver, Grafana and psycopg2 send. TestClientCorpus runs each
// statement on Strata and on PostgreSQL 15 holding the same table, in the
// client's protocol mode (extended with text parameters when it binds any,
// simple otherwise), and compares what clients decode results by: column
// names and type OIDs. Statements that do not match yet are listed in
// testdata/corpus_known_failures.txt; the test fails when one not listed
// fails (a regression) and -update-corpus rewrites the list.

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/corpus_known_failures.txt from this run")

type corpusStatement struct {
	Client string   `json:"client"`
	Title  string   `json:"title"`
	SQL    string   `json:"sql"`
	Params []string `json:"params"`
}

// corpusExpectError are statements Strata answers with an error on purpose,
// with the SQLSTATE clients need to fall back.
var corpusExpectError = map[string]string{
	// Tableau probes temp tables and SELECT INTO; a clean 0A000 makes it
	// fall back to plain queries.
	"SELECT *\nINTO TEMPORARY TABLE": "0A000",
	"CREATE LOCAL TEMPORARY TABLE":   "0A000",
}

const corpusTableOID = "'16384'"

func loadCorpus(t *testing.T) []corpusStatement {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	require.NoError(t, err)
	var stmts []corpusStatement
	require.NoError(t, json.Unmarshal(data, &stmts))
	return stmts
}

// shape is what one statement returned: per result, "name:oid" of each
// column, or the SQLSTATE of its error.
func shape(ctx context.Context, dsn string, st corpusStatement, tableOID string) (string, string) {
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		return "", "connect: " + err.Error()
	}
	defer conn.Close(ctx)
	text := st.SQL
	if tableOID != "" {
		text = strings.ReplaceAll(text, corpusTableOID, "'"+tableOID+"'")
	}
	// Field descriptions are read from each ResultReader: Result drops
	// them when no row came back.
	var results [][]pgconn.FieldDescription
	read := func(rr *pgconn.ResultReader) error {
		for rr.NextRow() {
		}
		fields := append([]pgconn.FieldDescription(nil), rr.FieldDescriptions()...)
		if _, err := rr.Close(); err != nil {
			return err
		}
		results = append(results, fields)
		return nil
	}
	if st.Params != nil {
		params := make([][]byte, len(st.Params))
		for i, p := range st.Params {
			p = strings.TrimSpace(p)
			if len(p) >= 2 && p[0] == '\'' && p[len(p)-1] == '\'' {
				p = strings.ReplaceAll(p[1:len(p)-1], "''", "'")
			}
			if p == tableOIDPlaceholder && tableOID != "" {
				p = tableOID
			}
			params[i] = []byte(p)
		}
		if err := read(conn.ExecParams(ctx, text, params, nil, nil, nil)); err != nil {
			return "", errCode(err)
		}
	} else {
		mrr := conn.Exec(ctx, text)
		var err error
		for err == nil && mrr.NextResult() {
			err = read(mrr.ResultReader())
		}
		if cerr := mrr.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", errCode(err)
		}
	}
	var parts []string
	for _, r := range results {
		var cols []string
		for _, f := range r {
			cols = append(cols, f.Name+":"+strconv.Itoa(int(f.DataTypeOID)))
		}
		parts = append(parts, "("+strings.Join(cols, ", ")+")")
	}
	return strings.Join(parts, " "), ""
}

const tableOIDPlaceholder = "16384"

func errCode(err error) string {
	if pe, ok := err.(*pgconn.PgError); ok {
		return pe.Code + " " + pe.Message
	}
	return err.Error()
}

func TestClientCorpus(t *testing.T) {
	pg, err := slt.StartPostgres(context.Background())
	if err != nil {
		if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
			t.Fatalf("PostgreSQL 15 is needed: %v", err)
		}
		t.Skipf("PostgreSQL 15 is not installed (%v); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure", err)
	}
	defer pg.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	setup, err := pgconn.Connect(ctx, pg.DSN)
	require.NoError(t, err)
	_, err = setup.Exec(ctx, `CREATE TABLE public.cpu (host text, region text, usage_user double precision,
		usage_system double precision, n bigint, time timestamptz NOT NULL);
		INSERT INTO cpu VALUES ('a', 'eu', 1.5, 2.5, 1, '2024-01-01 00:00:00+00')`).ReadAll()
	require.NoError(t, err)
	res, err := setup.Exec(ctx, "SELECT 'cpu'::regclass::oid").ReadAll()
	require.NoError(t, err)
	pgOID := string(res[0].Rows[0][0])
	setup.Close(ctx)

	s := startServer(t, "cpu,host=a,region=eu usage_user=1.5,usage_system=2.5,n=1i 1704067200000000000\n")
	strataDSN := "postgres://strata@" + s.addr + "/db?sslmode=disable"

	stmts := loadCorpus(t)
	var failures []string
	passed := 0
	for i, st := range stmts {
		key := fmt.Sprintf("%02d %s | %s", i, st.Client, strings.SplitN(st.Title, "\n", 2)[0])
		want, wantErr := shape(ctx, pg.DSN, st, pgOID)
		got, gotErr := shape(ctx, strataDSN, st, "")
		for prefix, code := range corpusExpectError {
			if strings.HasPrefix(st.SQL, prefix) {
				want, wantErr = "", code
			}
		}
		ok := false
		switch {
		case strings.Contains(st.SQL, "time_bucket("):
			// PostgreSQL without TimescaleDB cannot run it; Strata must.
			ok = gotErr == ""
		case wantErr != "":
			ok = gotErr != "" && strings.HasPrefix(gotErr, strings.SplitN(wantErr, " ", 2)[0])
		default:
			ok = gotErr == "" && got == want
		}
		if ok {
			passed++
			continue
		}
		failures = append(failures, key)
		if testing.Verbose() {
			t.Logf("%s\n  postgres: %s%s\n  strata:   %s%s", key, want, wantErr, got, gotErr)
		}
	}
	t.Logf("%d of %d client corpus statements match PostgreSQL 15", passed, len(stmts))
	sort.Strings(failures)
	checkKnownList(t, filepath.Join("testdata", "corpus_known_failures.txt"), *updateCorpus,
		"# Client corpus statements that do not yet match PostgreSQL 15 (column names and type OIDs).\n"+
			"# Regenerate: go test ./pgwire -run TestClientCorpus -args -update-corpus\n", failures)
}

// checkKnownList is the ratchet of a list of known differences: with
// update it rewrites the list at path (header, then items); otherwise an
// item the list does not name is a regression.
func checkKnownList(t *testing.T, path string, update bool, header string, items []string) {
	t.Helper()
	if update {
		require.NoError(t, os.WriteFile(path, []byte(header+strings.Join(items, "\n")+"\n"), 0o644))
		return
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	known := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			known[line] = true
		}
	}
	for _, item := range items {
		if !known[item] {
			t.Errorf("regression: %s (run with -v for the difference)", item)
		}
	}
}
