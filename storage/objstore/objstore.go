package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNotExist is returned (wrapped) when a key has no object.
var ErrNotExist = errors.New("object does not exist")

// Store holds immutable objects under slash-separated keys.
type Store interface {
	// Put stores the object atomically and durably, replacing any object of
	// the same key.
	Put(ctx context.Context, key string, r io.Reader) (size int64, err error)
	// Open opens an object for random-access reads.
	Open(ctx context.Context, key string) (Object, error)
	// Delete removes an object; deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the objects whose keys start with prefix, sorted by key.
	List(ctx context.Context, prefix string) ([]Info, error)
}

// Object is an open object.
type Object interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// Info describes a stored object.
type Info struct {
	Key  string
	Size int64
}

// CheckKey reports whether key is a valid object key: relative,
// slash-separated, no empty, "." or ".." segments, no backslashes or NULs.
func CheckKey(key string) error {
	if key == "" {
		return fmt.Errorf("object key is empty")
	}
	if strings.ContainsAny(key, "\\\x00") {
		return fmt.Errorf("object key %q contains a backslash or NUL", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("object key %q has an empty, \".\" or \"..\" segment", key)
		}
	}
	return nil
}
