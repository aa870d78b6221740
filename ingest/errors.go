package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/stratadb/strata/storage"
)

// apiError is an error answered as InfluxDB's v2 error body
// {"code": ..., "message": ...}, plus optional details.
type apiError struct {
	status int
	code   string // "invalid", "not found", "request too large", "internal error", ...
	msg    string
	line   int
	data   any
}

func (e *apiError) Error() string { return e.msg }

func (e *apiError) write(w http.ResponseWriter) {
	body := map[string]any{"code": e.code, "message": e.msg}
	if e.line > 0 {
		body["line"] = e.line
	}
	if e.data != nil {
		body["data"] = e.data
	}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// engineError maps a storage error to an HTTP answer.
func engineError(err error) *apiError {
	var se *storage.Error
	if errors.As(err, &se) {
		msg := se.Error()
		switch se.Code {
		case storage.CodeInvalidName, storage.CodeColumnType, storage.CodeInvalidArgument, storage.CodeNotNull, storage.CodeKeyedTable:
			return &apiError{status: http.StatusBadRequest, code: "invalid", msg: msg}
		case storage.CodeNotFound:
			return &apiError{status: http.StatusNotFound, code: "not found", msg: msg}
		case storage.CodeAlreadyExists:
			return &apiError{status: http.StatusConflict, code: "conflict", msg: msg}
		case storage.CodeClosed:
			return &apiError{status: http.StatusServiceUnavailable, code: "unavailable", msg: msg}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &apiError{status: http.StatusServiceUnavailable, code: "unavailable", msg: "request cancelled before the write was stored: " + err.Error()}
	}
	return &apiError{status: http.StatusInternalServerError, code: "internal error", msg: err.Error()}
}
