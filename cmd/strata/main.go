// Command strata is the Strata time-series database: one binary that serves
// line-protocol ingest and SQL, and the client commands that talk to it.
//
//	strata serve [flags]                  run the server (data in ./strata-data)
//	strata write --db NAME [flags] FILE|- bulk-load line protocol
//	strata query --db NAME ["SQL"]        run SQL (or standard input), print a table
//	strata database create|update|list|delete ...
//	strata bench ingest [flags]           TSBS-style ingest benchmark
//	strata bench query [flags]            TSBS devops queries vs DuckDB and PostgreSQL
//
// Every flag can also be set with an environment variable: --data-dir is
// STRATA_DATA_DIR, --http-addr STRATA_HTTP_ADDR, and so on.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "strata:", err)
		}
		os.Exit(1)
	}
}

const usage = `Strata: a time-series SQL database.

Usage:
  strata serve [flags]                    run the server (stores in ./strata-data)
  strata write --db NAME [flags] FILE|-   bulk-load line protocol into a running server
  strata query --db NAME ["SQL"]          run SQL (the argument or standard input) on a running server (--format table|csv|json|jsonl)
  strata database create|update|list|delete [flags]
  strata bench ingest [flags]             TSBS-style ingest benchmark
  strata bench query [flags]              TSBS devops queries on Strata, DuckDB and PostgreSQL
  strata version

Run 'strata COMMAND -h' for a command's flags. Every flag can also be set
through the environment: --data-dir as STRATA_DATA_DIR, and so on. write,
query and database reach the server at --host (host:port or a URL) and send
--token (STRATA_TOKEN) as a bearer token.
`

func run(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(args[1:])
	case "write":
		return writeCmd(args[1:])
	case "query":
		return queryCmd(args[1:])
	case "database", "db":
		return databaseCmd(args[1:])
	case "bench":
		return benchCmd(args[1:])
	case "version", "--version":
		fmt.Println("strata", version)
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

const version = "0.1.0"

// newFlags returns a flag set whose flags default to STRATA_* environment
// variables; call envDefaults after defining the flags.
func newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\nFlags (each also settable as STRATA_<FLAG NAME>, e.g. STRATA_DATA_DIR):\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags applies STRATA_* environment variables, then the arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := "STRATA_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok && err == nil {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("environment variable %s=%q: %w", env, v, serr)
			}
		}
	})
	if err != nil {
		return err
	}
	return fs.Parse(args)
}

// byteSize is a flag value of a size in bytes: 1048576, 10MiB, 512KB, 1GiB.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func parseByteSize(s string) (int64, error) {
	str := strings.TrimSpace(s)
	i := 0
	for i < len(str) && (str[i] >= '0' && str[i] <= '9' || str[i] == '.') {
		i++
	}
	num, err := strconv.ParseFloat(str[:i], 64)
	if err != nil || i == 0 {
		return 0, fmt.Errorf("invalid size %q: use a number of bytes or a unit such as 10MiB or 512KB", s)
	}
	units := map[string]float64{"": 1, "b": 1, "k": 1 << 10, "kb": 1e3, "kib": 1 << 10, "m": 1 << 20, "mb": 1e6, "mib": 1 << 20, "g": 1 << 30, "gb": 1e9, "gib": 1 << 30}
	mult, ok := units[strings.ToLower(strings.TrimSpace(str[i:]))]
	if !ok {
		return 0, fmt.Errorf("invalid size %q: unknown unit %q (use B, KB, KiB, MB, MiB, GB or GiB)", s, str[i:])
	}
	return int64(num * mult), nil
}
