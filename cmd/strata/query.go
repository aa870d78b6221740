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
// aligned table (or CSV/JSON).
func queryCmd(args []string) error {
	fs := newFlags("query", `strata query --db NAME [--format table|csv|json|jsonl] "SQL"`)
	db := fs.String("db", "", "database to query")
	host := fs.String("host", "http://127.0.0.1:8181", "URL of the Strata server")
	format := fs.String("format", "table", "output: table, csv, json or jsonl")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return errors.New("query: --db is required: name the database to query")
	}
	if fs.NArg() != 1 {
		return errors.New(`query: give the SQL as one argument, e.g. strata query --db metrics "SELECT count(*) FROM cpu"`)
	}
	wire := map[string]string{"table": "pretty", "csv": "csv", "json": "json", "jsonl": "jsonl"}[*format]
	if wire == "" {
		return fmt.Errorf("query: unknown --format %q: use table, csv, json or jsonl", *format)
	}
	body, _ := json.Marshal(map[string]string{"db": *db, "q": fs.Arg(0), "format": wire})
	resp, err := http.Post(*host+"/api/v3/query_sql", "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("query: %w (is the server running at %s?)", err, *host)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		var e struct {
			Error string `json:"error"`
			Code  string `json:"code"`
			Hint  string `json:"hint"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			msg := fmt.Sprintf("ERROR: %s (SQLSTATE %s)", e.Error, e.Code)
			if e.Hint != "" {
				msg += "\nHINT: " + e.Hint
			}
			return errors.New(msg)
		}
		return fmt.Errorf("query: server answered %s: %s", resp.Status, strings.TrimSpace(string(data)))
	}
	_, err = io.Copy(os.Stdout, resp.Body)
	return err
}
