package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/stratadb/strata/cmd/strata/internal/tsbs"
)

// defaultDataFile names the cache file of cfg's data set in os.TempDir().
func defaultDataFile(cfg tsbs.Config) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("strata-tsbs-cpu-only-scale%d-rows%d-seed%d.lp", cfg.Scale, cfg.Rows, cfg.Seed))
}

// ensureDataFile returns the path of the line-protocol file to load: path
// (or the default cache file) if it exists, else that file newly generated
// from cfg. The file is written under a temporary name and renamed, so a
// present file is always complete.
func ensureDataFile(path string, cfg tsbs.Config) (string, error) {
	if path == "" {
		path = defaultDataFile(cfg)
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("data file: %w", err)
	}
	gen, err := tsbs.NewCPU(cfg)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("create data file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	fmt.Fprintf(os.Stderr, "generating %d rows (scale %d, seed %d) into %s\n", cfg.Rows, cfg.Scale, cfg.Seed, path)
	start := time.Now()
	n, err := gen.WriteTo(tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close data file: %w", cerr)
	}
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("data file: %w", err)
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "generated %s in %.1fs (%s rows/s)\n", humanBytes(float64(n)), secs, human(float64(cfg.Rows)/secs))
	return path, nil
}
