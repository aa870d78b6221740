package tsbsq

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var day = Config{Scale: 100, Start: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2016, 1, 2, 0, 0, 0, 0, time.UTC), Seed: 123}

// TestGolden pins the SQL text of the first two instances of every type.
func TestGolden(t *testing.T) {
	var b strings.Builder
	for _, name := range append(Types, "cpu-max-all-32-24") {
		qs, err := Generate(day, name, 2)
		require.NoError(t, err)
		for _, q := range qs {
			fmt.Fprintf(&b, "-- %s ordered=%v\n%s;\n", q.Type, q.Ordered, q.SQL)
		}
	}
	path := filepath.Join("testdata", "devops_scale100_seed123.sql")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), b.String())
}

var (
	literalRE = regexp.MustCompile(`'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})? \+0000)'`)
	inRE      = regexp.MustCompile(`hostname IN \(([^)]*)\)`)
)

// TestParameters checks windows and host lists against TSBS's parameters
// over many instances.
func TestParameters(t *testing.T) {
	tests := []struct {
		name   string
		window time.Duration // 0: no window checked
		hosts  int           // 0: no host filter
	}{
		{"single-groupby-1-1-1", time.Hour, 1},
		{"single-groupby-1-1-12", 12 * time.Hour, 1},
		{"single-groupby-1-8-1", time.Hour, 8},
		{"single-groupby-5-8-1", time.Hour, 8},
		{"cpu-max-all-8", 8 * time.Hour, 8},
		{"cpu-max-all-32-24", 0, 32},
		{"double-groupby-all", 12 * time.Hour, 0},
		{"high-cpu-1", 12 * time.Hour, 1},
		{"high-cpu-all", 12 * time.Hour, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			qs, err := Generate(day, tt.name, 200)
			require.NoError(t, err)
			for _, q := range qs {
				lits := literalRE.FindAllStringSubmatch(q.SQL, -1)
				if tt.window > 0 {
					require.Len(t, lits, 2, q.SQL)
					s, err := time.Parse("2006-01-02 15:04:05.999999 -0700", lits[0][1])
					require.NoError(t, err)
					e, err := time.Parse("2006-01-02 15:04:05.999999 -0700", lits[1][1])
					require.NoError(t, err)
					require.Equal(t, tt.window, e.Sub(s), q.SQL)
					require.False(t, s.Before(day.Start), q.SQL)
					require.False(t, e.After(day.End), q.SQL)
				}
				m := inRE.FindStringSubmatch(q.SQL)
				if tt.hosts == 0 {
					require.Nil(t, m, q.SQL)
					continue
				}
				require.NotNil(t, m, q.SQL)
				seen := map[int]bool{}
				for _, h := range strings.Split(m[1], ",") {
					n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(h, "'host_"), "'"))
					require.NoError(t, err, h)
					require.True(t, n >= 0 && n < day.Scale, h)
					require.False(t, seen[n], "duplicate host %d in %s", n, q.SQL)
					seen[n] = true
				}
				require.Len(t, seen, tt.hosts)
			}
		})
	}
}

// TestStreamsIndependent: a type's instances do not depend on how many were
// asked for or on other types, and another seed gives other instances.
func TestStreamsIndependent(t *testing.T) {
	a, err := Generate(day, "cpu-max-all-8", 3)
	require.NoError(t, err)
	_, err = Generate(day, "high-cpu-1", 50)
	require.NoError(t, err)
	b, err := Generate(day, "cpu-max-all-8", 10)
	require.NoError(t, err)
	require.Equal(t, a, b[:3])
	other := day
	other.Seed++
	c, err := Generate(other, "cpu-max-all-8", 3)
	require.NoError(t, err)
	require.NotEqual(t, a, c)
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		typ  string
		want string
	}{
		{"unknown type", day, "single-groupby-2-2-2", `unknown query type "single-groupby-2-2-2"`},
		{"no hosts", Config{Start: day.Start, End: day.End}, "lastpoint", "scale 0"},
		{"too few hosts", Config{Scale: 4, Start: day.Start, End: day.End}, "cpu-max-all-8", "8 hosts asked of a data set of 4"},
		{"range too short", Config{Scale: 100, Start: day.Start, End: day.Start.Add(6 * time.Hour)}, "double-groupby-1", "window 12h0m0s does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.cfg, tt.typ, 1)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

func TestLiteralTrimsFraction(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2016, 1, 1, 2, 17, 8, 646325999, time.UTC), "'2016-01-01 02:17:08.646325 +0000'"},
		{time.Date(2016, 1, 1, 2, 17, 8, 500000000, time.UTC), "'2016-01-01 02:17:08.5 +0000'"},
		{time.Date(2016, 1, 1, 2, 17, 8, 0, time.UTC), "'2016-01-01 02:17:08 +0000'"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, literal(tt.in))
	}
}
