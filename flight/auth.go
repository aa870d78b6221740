package flight

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"runtime/debug"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// handshakeMethod is the one RPC that may arrive with basic credentials
// instead of a token: it trades them for the token.
const handshakeMethod = "/arrow.flight.protocol.FlightService/Handshake"

// unaryAuth checks the token of a unary RPC and recovers its panics: a
// panic is a bug, answered as an internal error, and the server goes on.
func (s *Server) unaryAuth(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	if err := s.authorize(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	defer s.recoverRPC(info.FullMethod, &err)
	return handler(ctx, req)
}

func (s *Server) streamAuth(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	if err := s.authorize(ss.Context(), info.FullMethod); err != nil {
		return err
	}
	defer s.recoverRPC(info.FullMethod, &err)
	return handler(srv, ss)
}

func (s *Server) recoverRPC(method string, err *error) {
	if p := recover(); p != nil {
		s.log().Error("panic serving a Flight RPC; this is a bug", "method", method, "panic", p, "stack", string(debug.Stack()))
		*err = status.Errorf(codes.Internal, "internal error: %v", p)
	}
}

func (s *Server) authorize(ctx context.Context, method string) error {
	if len(s.Tokens) == 0 || method == handshakeMethod {
		return nil
	}
	if _, ok := s.bearer(ctx); ok {
		return nil
	}
	// Clients given a user and password (the database/sql driver's DSN)
	// send them on every call; the password is the token.
	if _, ok := s.basicToken(ctx); ok {
		return nil
	}
	return errUnauthenticated
}

var errUnauthenticated = status.Error(codes.Unauthenticated, "missing or invalid token: send the metadata header \"authorization: Bearer <token>\" with a token given to strata serve --token")

// bearer returns the token of an "authorization: Bearer <token>" (or
// "Token <token>") header when it is one of the server's tokens.
func (s *Server) bearer(ctx context.Context) (string, bool) {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("authorization") {
		scheme, cred, _ := strings.Cut(strings.TrimSpace(v), " ")
		switch strings.ToLower(scheme) {
		case "bearer", "token":
			if tok := strings.TrimSpace(cred); s.validToken(tok) {
				return tok, true
			}
		}
	}
	return "", false
}

// basicToken returns the password of "authorization: Basic ..." when it is
// one of the tokens (any user name is accepted: tokens carry no user).
func (s *Server) basicToken(ctx context.Context) (string, bool) {
	md, _ := metadata.FromIncomingContext(ctx)
	for _, v := range md.Get("authorization") {
		scheme, cred, _ := strings.Cut(strings.TrimSpace(v), " ")
		if !strings.EqualFold(scheme, "basic") {
			continue
		}
		// Flight's Go client encodes without padding.
		raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(cred), "="))
		if err != nil {
			continue
		}
		if _, pw, ok := strings.Cut(string(raw), ":"); ok && s.validToken(pw) {
			return pw, true
		}
	}
	return "", false
}

// validToken compares in constant time against every token.
func (s *Server) validToken(tok string) bool {
	ok := 0
	for _, t := range s.Tokens {
		ok |= subtle.ConstantTimeCompare([]byte(tok), []byte(t))
	}
	return tok != "" && ok == 1
}

// handshake answers Flight's Handshake: with tokens configured, a valid
// bearer token or basic credentials whose password is a token; the token
// comes back in the "authorization" response header, where Flight SQL
// clients (JDBC, ADBC) pick it up for the calls that follow.
func (s *Server) handshake(stream flight.FlightService_HandshakeServer) error {
	ctx := stream.Context()
	if len(s.Tokens) > 0 {
		tok, ok := s.bearer(ctx)
		if !ok {
			tok, ok = s.basicToken(ctx)
		}
		if !ok {
			return errUnauthenticated
		}
		if err := stream.SetHeader(metadata.Pairs("authorization", "Bearer "+tok)); err != nil {
			return err
		}
	}
	// The client may send a payload first (the basic-auth handshake of
	// older Flight clients); it needs no answer beyond ours.
	return stream.Send(&flight.HandshakeResponse{})
}
