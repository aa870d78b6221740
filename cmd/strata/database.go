package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"text/tabwriter"
)

// databaseCmd manages databases on a running server through
// /api/v3/configure/database.
func databaseCmd(args []string) error {
	const synopsis = "strata database create|update|list|delete [--host URL] [--token T] [--retention 15d] NAME"
	if len(args) == 0 {
		return errors.New("database: say what to do: " + synopsis)
	}
	verb := args[0]
	fs := newFlags("database "+verb, synopsis)
	srv := serverFlags(fs)
	retention := fs.String("retention", "", "retention period, e.g. 15d, 12h, 2w; none keeps data for ever")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	endpoint := srv.url("/api/v3/configure/database")
	name := fs.Arg(0)
	needName := func() error {
		if fs.NArg() != 1 {
			return fmt.Errorf("database %s: give one database name", verb)
		}
		return nil
	}
	switch verb {
	case "list":
		var dbs []struct {
			Name      string `json:"iox::database"`
			Retention string `json:"retention_period"`
		}
		if err := srv.call(http.MethodGet, endpoint, nil, &dbs); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tRETENTION")
		for _, d := range dbs {
			fmt.Fprintf(tw, "%s\t%s\n", d.Name, d.Retention)
		}
		return tw.Flush()
	case "create", "update":
		if err := needName(); err != nil {
			return err
		}
		body := map[string]any{"db": name}
		if *retention != "" || verb == "update" {
			body["retention_period"] = *retention
		}
		method := http.MethodPost
		if verb == "update" {
			method = http.MethodPut
		}
		return srv.call(method, endpoint, body, nil)
	case "delete", "drop":
		if err := needName(); err != nil {
			return err
		}
		return srv.call(http.MethodDelete, endpoint+"?db="+url.QueryEscape(name), nil, nil)
	}
	return fmt.Errorf("database: unknown action %q: %s", verb, synopsis)
}

// call sends body (nil: none) as JSON and decodes the answer into out
// (nil: none expected).
func (s *server) call(method, endpoint string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, endpoint, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.do(http.DefaultClient, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := s.authError(resp); err != nil {
		return err
	}
	return decodeOK(resp, out)
}

// decodeOK decodes a 2xx answer into out, or turns an error answer into an
// error carrying the server's message.
func decodeOK(resp *http.Response, out any) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Message string `json:"message"`
			Error   string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && (e.Message != "" || e.Error != "") {
			return fmt.Errorf("server: %s%s", e.Message, e.Error)
		}
		return fmt.Errorf("server answered %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}
