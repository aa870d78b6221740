package main

import (
	"flag"
	"fmt"
	"net/http"
	"strings"
)

// server is how the client commands (query, write, database) reach a
// running server: --host and --token (STRATA_HOST, STRATA_TOKEN).
type server struct {
	host  *string
	token *string
}

// serverFlags adds --host and --token to fs.
func serverFlags(fs *flag.FlagSet) *server {
	return &server{
		host:  fs.String("host", "http://127.0.0.1:8181", "URL of the Strata server (host:port means http://host:port)"),
		token: fs.String("token", "", "token to send as \"Authorization: Bearer <token>\" (one of the server's --token)"),
	}
}

// url is the server's URL of path; a host without a scheme is http.
func (s *server) url(path string) string {
	h := strings.TrimSpace(*s.host)
	if !strings.Contains(h, "://") {
		h = "http://" + h
	}
	return strings.TrimRight(h, "/") + path
}

// do sends req with the token, if any.
func (s *server) do(client *http.Client, req *http.Request) (*http.Response, error) {
	if *s.token != "" {
		req.Header.Set("Authorization", "Bearer "+*s.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w (is the server running at %s?)", err, s.url(""))
	}
	return resp, nil
}

// authError explains a 401: the token is missing, or the server refused
// it. nil for other answers.
func (s *server) authError(resp *http.Response) error {
	if resp.StatusCode != http.StatusUnauthorized {
		return nil
	}
	if *s.token == "" {
		return fmt.Errorf("the server at %s requires a token: pass --token or set STRATA_TOKEN to one of the tokens it was started with (strata serve --token)", s.url(""))
	}
	return fmt.Errorf("the server at %s refused the token: --token (or STRATA_TOKEN) must be one of the tokens it was started with (strata serve --token)", s.url(""))
}
