// Package objstore is the one small interface behind which Strata keeps its
// immutable data files (Parquet) and its catalog: a flat key space of whole
// objects, written once and read at random offsets. Local is the default
// implementation, a directory on the local file system; an S3-compatible store
// can implement the same interface so several nodes share one bucket.
//
// Keys are slash-separated relative paths built by the engine from validated,
// escaped names; implementations reject keys that are absolute, contain "..",
// or empty segments.
//
// Put is atomic and durable: a reader sees either no object or the whole
// object, and a Put that returned nil survives a crash. All methods are safe for
// concurrent use.
package objstore
