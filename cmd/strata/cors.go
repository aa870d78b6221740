package main

import "net/http"

// withCORS lets browser applications call the HTTP API from any origin, as
// InfluxDB 3 does: a preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered 204 with the methods and
// headers allowed, before any token check (browsers send no credentials
// on a preflight), and every other response carries
// Access-Control-Allow-Origin: *. The token, when required, is still
// checked on the request itself.
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "*")
			h.Set("Access-Control-Allow-Headers", "*")
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Allow-Origin", "*")
		next.ServeHTTP(w, r)
	})
}
