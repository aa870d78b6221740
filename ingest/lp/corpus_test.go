package lp

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stratadb/strata/storage"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the .golden files of testdata/lp")

const corpusDir = "../../testdata/lp"

// mapSchema is a Schema backed by "table.column" → type; it counts the calls.
type mapSchema struct {
	cols  map[string]storage.ColumnType
	calls map[string]int
}

func (s *mapSchema) ColumnType(table, column string) (storage.ColumnType, bool) {
	k := table + "." + column
	s.calls[k]++
	t, ok := s.cols[k]
	return t, ok
}

var typeNames = map[string]storage.ColumnType{
	"tag": storage.TypeTag, "float": storage.TypeFloat, "integer": storage.TypeInt,
	"unsigned": storage.TypeUint, "string": storage.TypeString, "boolean": storage.TypeBool,
}

// corpusOptions reads the `#! key=value ...` directives of a corpus file (the
// parser sees them as comments): precision=ms, now=123, maxerrors=2,
// schema=table.column:type,...
func corpusOptions(t testing.TB, data []byte) (Options, *mapSchema) {
	opts := Options{Precision: Nanosecond}
	var schema *mapSchema
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "#!")
		if !ok {
			continue
		}
		for _, kv := range strings.Fields(line) {
			k, v, _ := strings.Cut(kv, "=")
			var err error
			switch k {
			case "precision":
				opts.Precision, err = ParsePrecision(v, Nanosecond)
			case "now":
				opts.Now, err = strconv.ParseInt(v, 10, 64)
			case "maxerrors":
				opts.MaxErrors, err = strconv.Atoi(v)
			case "schema":
				schema = &mapSchema{cols: map[string]storage.ColumnType{}, calls: map[string]int{}}
				for _, col := range strings.Split(v, ",") {
					name, typ, _ := strings.Cut(col, ":")
					ct, ok := typeNames[typ]
					require.True(t, ok, "unknown type %q", typ)
					schema.cols[name] = ct
				}
				opts.Schema = schema
			default:
				err = fmt.Errorf("unknown directive %q", k)
			}
			require.NoError(t, err)
		}
	}
	return opts, schema
}

func corpusFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.lp"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// TestCorpus parses every testdata/lp/NAME.lp and compares the rendering with
// NAME.golden (-update rewrites them).
func TestCorpus(t *testing.T) {
	var p Parser // one parser for all files: reuse must not leak state
	for _, file := range corpusFiles(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".lp")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			opts, schema := corpusOptions(t, data)
			res := p.Parse(data, opts)
			checkResult(t, res)
			if schema != nil {
				for k, n := range schema.calls {
					require.Equal(t, 1, n, "schema asked %d times for %s", n, k)
				}
			}
			got := render(res)
			golden := strings.TrimSuffix(file, ".lp") + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -update to create it")
			require.Equal(t, string(want), got)
		})
	}
}

// checkResult checks the invariants every result has.
func checkResult(t testing.TB, res *Result) {
	require.Equal(t, res.Lines, res.Rows+res.ErrorCount)
	rows := 0
	for _, b := range res.Tables {
		require.NoError(t, b.Validate())
		require.Positive(t, b.Rows)
		rows += b.Rows
	}
	require.Equal(t, res.Rows, rows)
	for _, e := range res.Errors {
		require.Positive(t, e.Line)
		require.Positive(t, e.Column)
		require.NotEmpty(t, e.Reason)
	}
}
