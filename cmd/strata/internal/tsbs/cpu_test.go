package tsbs

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func generate(t testing.TB, cfg Config) []byte {
	t.Helper()
	g, err := NewCPU(cfg)
	require.NoError(t, err)
	var buf bytes.Buffer
	n, err := g.WriteTo(&buf)
	require.NoError(t, err)
	require.Equal(t, int64(buf.Len()), n)
	return buf.Bytes()
}

// TestGolden pins the exact bytes: line format, tag choice and random walks.
func TestGolden(t *testing.T) {
	tests := []struct {
		file string
		cfg  Config
	}{
		{"cpu_scale3_rows8_seed42.lp", Config{Scale: 3, Rows: 8, Seed: 42}},
		{"cpu_scale2_rows4_seed7_start2020_interval1m.lp", Config{Scale: 2, Rows: 4, Seed: 7, Start: time.Date(2020, 2, 29, 23, 59, 0, 0, time.UTC), Interval: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := generate(t, tt.cfg)
			path := filepath.Join("testdata", tt.file)
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Scale: 10, Rows: 2500, Seed: 123}
	a := generate(t, cfg)
	require.Equal(t, a, generate(t, cfg), "same config, same bytes")
	cfg.Seed = 124
	require.NotEqual(t, a, generate(t, cfg), "another seed, other bytes")
}

// TestWriteToMatchesAppendLine checks the chunked writer against line by line.
func TestWriteToMatchesAppendLine(t *testing.T) {
	cfg := Config{Scale: 50, Rows: 10_000, Seed: 9}
	g, err := NewCPU(cfg)
	require.NoError(t, err)
	var lines []byte
	for n := int64(0); ; n++ {
		require.Equal(t, cfg.Rows-n, g.Remaining())
		var ok bool
		lines, ok = g.AppendLine(lines)
		if !ok {
			break
		}
	}
	_, ok := g.AppendLine(nil)
	require.False(t, ok, "an exhausted generator stays exhausted")
	require.Equal(t, string(lines), string(generate(t, cfg)))
}

// TestShape parses every line: tags in order and constant per host, fields in
// order and within 0..100, timestamps time-major every interval.
func TestShape(t *testing.T) {
	tests := []Config{
		{Scale: 7, Rows: 7 * 300, Seed: 1},
		{Scale: 100, Rows: 1234, Seed: 2},                                // last round partial
		{Scale: 1, Rows: 5000, Seed: 3, Interval: time.Second},           // one long walk
		{Scale: 4000, Rows: 4000, Seed: 4, Start: time.Unix(0, 0).UTC()}, // many hosts, one round
	}
	for _, cfg := range tests {
		t.Run(strconv.Itoa(cfg.Scale)+"x"+strconv.FormatInt(cfg.Rows, 10), func(t *testing.T) {
			out := generate(t, cfg)
			cfg.setDefaults()
			require.True(t, bytes.HasSuffix(out, []byte("\n")))
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			require.Len(t, lines, int(cfg.Rows))
			hostTags := map[string]string{}
			for i, line := range lines {
				parts := strings.Split(line, " ")
				require.Len(t, parts, 3, "line %d: %s", i, line)
				series := strings.Split(parts[0], ",")
				require.Equal(t, Measurement, series[0])
				require.Len(t, series, 1+len(TagKeys))
				for k, kv := range series[1:] {
					key, val, ok := strings.Cut(kv, "=")
					require.True(t, ok, "line %d: tag %q", i, kv)
					require.Equal(t, TagKeys[k], key)
					require.NotEmpty(t, val)
				}
				host := i % cfg.Scale
				require.Equal(t, "hostname=host_"+strconv.Itoa(host), series[1])
				if prev, ok := hostTags[series[1]]; ok {
					require.Equal(t, prev, parts[0], "line %d: a host's tags never change", i)
				}
				hostTags[series[1]] = parts[0]

				fields := strings.Split(parts[1], ",")
				require.Len(t, fields, FieldsPerRow)
				for k, kv := range fields {
					key, val, ok := strings.Cut(kv, "=")
					require.True(t, ok, "line %d: field %q", i, kv)
					require.Equal(t, FieldKeys[k], key)
					require.True(t, strings.HasSuffix(val, "i"), "line %d: %s is not an integer", i, kv)
					v, err := strconv.ParseInt(strings.TrimSuffix(val, "i"), 10, 64)
					require.NoError(t, err)
					require.GreaterOrEqual(t, v, int64(0))
					require.LessOrEqual(t, v, int64(100))
				}
				ts, err := strconv.ParseInt(parts[2], 10, 64)
				require.NoError(t, err)
				require.Equal(t, cfg.Start.Add(time.Duration(i/cfg.Scale)*cfg.Interval).UnixNano(), ts, "line %d", i)
			}
			require.Len(t, hostTags, min(cfg.Scale, int(cfg.Rows)))
		})
	}
}

// TestWalk checks the fields move like a walk: small steps, not independent
// draws, and every value 0..100 is reachable.
func TestWalk(t *testing.T) {
	out := generate(t, Config{Scale: 1, Rows: 50_000, Seed: 5})
	prev := -1
	var seen [101]bool
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		fields := strings.Split(line, " ")[1]
		_, val, _ := strings.Cut(strings.Split(fields, ",")[0], "=")
		v, err := strconv.Atoi(strings.TrimSuffix(val, "i"))
		require.NoError(t, err)
		seen[v] = true
		if prev >= 0 {
			require.LessOrEqual(t, abs(v-prev), 7, "a step of sd 1 moves a few units at most")
		}
		prev = v
	}
	for v, ok := range seen {
		require.True(t, ok, "value %d never reached in 50,000 steps", v)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestHosts(t *testing.T) {
	g, err := NewCPU(Config{Scale: 500, Rows: 1, Seed: 11})
	require.NoError(t, err)
	hosts := g.Hosts()
	require.Len(t, hosts, 500)
	distinct := map[string]bool{}
	for i, h := range hosts {
		require.Equal(t, "host_"+strconv.Itoa(i), h[0])
		require.True(t, strings.HasPrefix(h[2], h[1]), "datacenter %s is in region %s", h[2], h[1])
		distinct[h[1]] = true
	}
	require.Len(t, distinct, len(regions), "500 hosts cover every region")
}

func TestNewCPUErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Scale: 0, Rows: 1}, "scale 0"},
		{Config{Scale: -1, Rows: 1}, "scale -1"},
		{Config{Scale: 1, Rows: -5}, "rows -5"},
		{Config{Scale: 1, Rows: 1, Interval: -time.Second}, "interval -1s"},
	}
	for _, tt := range tests {
		_, err := NewCPU(tt.cfg)
		require.ErrorContains(t, err, tt.want)
	}
	g, err := NewCPU(Config{Scale: 3})
	require.NoError(t, err, "zero rows is a valid, empty data set")
	_, ok := g.AppendLine(nil)
	require.False(t, ok)
}

func TestRowsFor(t *testing.T) {
	tests := []struct {
		scale    int
		d, every time.Duration
		want     int64
	}{
		{100, 24 * time.Hour, 0, 864_000},
		{4000, 24 * time.Hour, 10 * time.Second, 34_560_000},
		{3, 25 * time.Second, 10 * time.Second, 9}, // a partial interval is one more round
		{3, 0, 0, 0},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, RowsFor(tt.scale, tt.d, tt.every), "%d hosts over %s", tt.scale, tt.d)
	}
}

func BenchmarkAppendLine(b *testing.B) {
	g, err := NewCPU(Config{Scale: 100, Rows: 1 << 62, Seed: 1})
	require.NoError(b, err)
	buf := make([]byte, 0, 512)
	buf, _ = g.AppendLine(buf)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf, _ = g.AppendLine(buf[:0])
	}
}
