package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stratadb/strata/cmd/strata/internal/tsbsq"
)

// profileStrata restarts Strata on the benchmark's data directory under a
// CPU profile (the hidden `bench _serve-profiled`), runs the instances of
// types round-robin for o.prof.dur (at least once each) through the
// protocol the measurements used (--strata-protocol), and stops the
// profile. The profile covers the server's start too, which is small next
// to the queries.
func profileStrata(ctx context.Context, runDir string, o queryOptions, types []string, queries map[string][]tsbsq.Query) error {
	flags := o.serveFlags
	var pgAddr string
	if o.strataVia == "pg" {
		addr, err := freeLoopbackAddr()
		if err != nil {
			return err
		}
		pgAddr = addr
		flags = append(slices.Clone(flags), "--pg-addr", pgAddr)
	}
	child, err := startChild(runDir, profiles{cpu: o.prof.cpu}, flags)
	if err != nil {
		return err
	}
	e := newStrataEngine(child, o.db)
	defer e.close()
	if pgAddr != "" {
		if _, err := pingServer(ctx, e.base); err != nil {
			return err
		}
		if e.pg, err = pgx.Connect(ctx, "postgres://strata@"+pgAddr+"/"+o.db+"?sslmode=disable"); err != nil {
			return fmt.Errorf("strata: connect to the PostgreSQL endpoint: %w", err)
		}
	}
	var list []tsbsq.Query
	for _, t := range types {
		list = append(list, queries[t]...)
	}
	began := time.Now()
	n := 0
	for n < len(list) || time.Since(began) < o.prof.dur {
		if _, _, err := e.run(ctx, list[n%len(list)].SQL, false); err != nil {
			return fmt.Errorf("profiled run: %w", err)
		}
		n++
	}
	fmt.Fprintf(os.Stderr, "profiled %d queries of %v in %.1fs\n", n, types, time.Since(began).Seconds())
	if err := child.signal(syscall.SIGUSR1); err != nil {
		return err
	}
	return e.close()
}
