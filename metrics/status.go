package metrics

import "net/http"

// StatusWriter records the status an HTTP handler answers with (Status;
// 0 until it writes anything), for the request counters by status class.
type StatusWriter struct {
	http.ResponseWriter
	status int
}

// Status is the status written, 0 when nothing was.
func (w *StatusWriter) Status() int { return w.status }

func (w *StatusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}
