package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// queryCmd runs SQL on a running server and prints the result as an
// aligned table (or CSV/JSON). The SQL is the argument, or standard input
// without one (or with -).
func queryCmd(args []string) error {
	fs := newFlags("query", `strata query --db NAME [--format table|csv|json|jsonl] [--host URL] [--token T] ["SQL" | - < file.sql]`)
	db := fs.String("db", "", "database to query")
	fs.StringVar(db, "database", "", "the same as --db")
	srv := serverFlags(fs)
	format := fs.String("format", "table", "output: table, csv, json or jsonl (table holds the whole result on the server to align it: use csv or jsonl for large results)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return errors.New("query: --db is required: name the database to query")
	}
	wire := map[string]string{"table": "pretty", "csv": "csv", "json": "json", "jsonl": "jsonl"}[*format]
	if wire == "" {
		return fmt.Errorf("query: unknown --format %q: use table, csv, json or jsonl", *format)
	}
	text, err := queryText(fs.Args())
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"db": *db, "q": text, "format": wire})
	req, err := http.NewRequest(http.MethodPost, srv.url("/api/v3/query_sql"), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.do(http.DefaultClient, req)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer resp.Body.Close()
	if err := srv.authError(resp); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return sqlError(resp)
	}
	_, err = io.Copy(os.Stdout, resp.Body)
	return err
}

// queryText is the SQL: the one argument, or standard input when there is
// none or it is -.
func queryText(args []string) (string, error) {
	switch {
	case len(args) > 1:
		return "", errors.New(`query: give the SQL as one argument (quote it), e.g. strata query --db metrics "SELECT count(*) FROM cpu", or on standard input`)
	case len(args) == 1 && args[0] != "-":
		return args[0], nil
	}
	if st, err := os.Stdin.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		fmt.Fprintln(os.Stderr, "reading the SQL from standard input; end it with Ctrl-D")
	}
	data, err := io.ReadAll(io.LimitReader(os.Stdin, 16<<20))
	if err != nil {
		return "", fmt.Errorf("query: reading the SQL from standard input: %w", err)
	}
	if strings.TrimSpace(string(data)) == "" {
		return "", errors.New(`query: no SQL: give it as an argument, e.g. strata query --db metrics "SELECT count(*) FROM cpu", or on standard input`)
	}
	return string(data), nil
}

// sqlError turns the server's error answer into the error printed.
func sqlError(resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var e struct {
		Error string `json:"error"`
		Code  string `json:"code"`
		Hint  string `json:"hint"`
	}
	if json.Unmarshal(data, &e) != nil || e.Error == "" {
		return fmt.Errorf("query: server answered %s: %s", resp.Status, strings.TrimSpace(string(data)))
	}
	msg := "ERROR: " + e.Error
	if e.Code != "" {
		msg += fmt.Sprintf(" (SQLSTATE %s)", e.Code)
	}
	if e.Hint != "" {
		msg += "\nHINT: " + e.Hint
	}
	return errors.New(msg)
}
