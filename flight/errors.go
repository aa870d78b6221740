package flight

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stratadb/strata/planner"
)

// toStatus maps an engine error to a gRPC status with the engine's message
// (and hint), keeping the SQLSTATE in the text so that clients that show
// only the message still show it. Errors that already are statuses pass.
func toStatus(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || ctx.Err() == context.Canceled {
		return status.Error(codes.Canceled, "query cancelled by the client")
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded {
		return status.Error(codes.DeadlineExceeded, "query deadline exceeded")
	}
	pe := planner.AsError(err)
	msg := pe.Msg
	if pe.Hint != "" {
		msg += " (hint: " + pe.Hint + ")"
	}
	return status.Error(codeOf(pe.Code), msg+" [SQLSTATE "+pe.Code+"]")
}

// codeOf picks the gRPC code for a SQLSTATE by its class.
func codeOf(sqlstate string) codes.Code {
	switch {
	case sqlstate == planner.CodeInternal:
		return codes.Internal
	case sqlstate == planner.CodeNotSupported:
		return codes.Unimplemented
	case sqlstate == "3D000", sqlstate == planner.CodeUndefinedTable:
		return codes.NotFound
	case sqlstate == "57014":
		return codes.Canceled
	case strings.HasPrefix(sqlstate, "53"), strings.HasPrefix(sqlstate, "54"):
		return codes.ResourceExhausted
	case strings.HasPrefix(sqlstate, "28"):
		return codes.Unauthenticated
	}
	return codes.InvalidArgument
}
