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
	const synopsis = "strata database create|update|list|delete [--host URL] [--retention 15d] NAME"
	if len(args) == 0 {
		return errors.New("database: say what to do: " + synopsis)
	}
	verb := args[0]
	fs := newFlags("database "+verb, synopsis)
	host := fs.String("host", "http://127.0.0.1:8181", "URL of the Strata server")
	retention := fs.String("retention", "", "retention period, e.g. 15d, 12h, 2w; none keeps data for ever")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	endpoint := *host + "/api/v3/configure/database"
	name := fs.Arg(0)
	needName := func() error {
		if fs.NArg() != 1 {
			return fmt.Errorf("database %s: give one database name", verb)
		}
		return nil
	}
	switch verb {
	case "list":
		resp, err := http.Get(endpoint)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var dbs []struct {
			Name      string `json:"iox::database"`
			Retention string `json:"retention_period"`
		}
		if err := decodeOK(resp, &dbs); err != nil {
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
		return doJSON(method, endpoint, body)
	case "delete", "drop":
		if err := needName(); err != nil {
			return err
		}
		req, _ := http.NewRequest(http.MethodDelete, endpoint+"?db="+url.QueryEscape(name), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return decodeOK(resp, nil)
	}
	return fmt.Errorf("database: unknown action %q: %s", verb, synopsis)
}

func doJSON(method, endpoint string, body any) error {
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, endpoint, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeOK(resp, nil)
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
