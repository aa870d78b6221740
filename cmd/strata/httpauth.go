package main

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// requireToken guards the HTTP API with bearer tokens, as InfluxDB does:
// "Authorization: Bearer <token>" or "Token <token>" (v2 clients), basic
// auth or the p= query parameter whose password is a token (v1 clients).
// /ping and /health stay open for load balancers and probes, and so do the
// paths in open (--disable-authz). /metrics needs a token otherwise, as in
// InfluxDB 3, whose --disable-authz metrics opens it.
func requireToken(next http.Handler, tokens []string, open map[string]bool) http.Handler {
	if len(tokens) == 0 {
		return next
	}
	valid := func(tok string) bool {
		ok := 0
		for _, t := range tokens {
			ok |= subtle.ConstantTimeCompare([]byte(tok), []byte(t))
		}
		return tok != "" && ok == 1
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ping" || r.URL.Path == "/health" || open[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		switch {
		case (strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "token")) && valid(strings.TrimSpace(cred)):
		case r.URL.Query().Get("p") != "" && valid(r.URL.Query().Get("p")):
		default:
			if _, pw, ok := r.BasicAuth(); !ok || !valid(pw) {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.Header().Set("WWW-Authenticate", `Bearer realm="strata"`)
				w.WriteHeader(http.StatusUnauthorized)
				msg := "missing or invalid token: send \"Authorization: Bearer <token>\" with a token given to strata serve --token"
				body := map[string]string{"error": msg}
				if strings.HasPrefix(r.URL.Path, "/api/v2/") {
					// InfluxDB 2's error shape, which its client libraries read.
					body = map[string]string{"code": "unauthorized", "message": msg}
				}
				_ = json.NewEncoder(w).Encode(body)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// parseDisableAuthz reads --disable-authz ("metrics"; health and ping are
// accepted, as InfluxDB 3 takes them, and are always open here) into the
// paths served without a token.
func parseDisableAuthz(list string) (map[string]bool, error) {
	open := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		switch name = strings.TrimSpace(name); name {
		case "":
		case "metrics":
			open["/metrics"] = true
		case "health", "ping":
		default:
			return nil, fmt.Errorf("--disable-authz: unknown resource %q: use metrics, health or ping", name)
		}
	}
	return open, nil
}

// parseTokens reads --token ("t1,t2").
func parseTokens(list string) []string {
	var out []string
	for _, t := range strings.Split(list, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
