package lp

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// tsbsCPU generates n TSBS-like cpu lines (10 tags, 10 integer fields,
// nanosecond timestamps) for hosts hosts, round robin, deterministically.
func tsbsCPU(n, hosts int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	regions := []string{"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"}
	oses := []string{"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"}
	arches := []string{"x64", "x86"}
	teams := []string{"SF", "NYC", "LON", "CHI"}
	envs := []string{"production", "staging", "test"}
	prefixes := make([]string, hosts)
	for h := range prefixes {
		r := regions[rng.IntN(len(regions))]
		prefixes[h] = fmt.Sprintf("cpu,hostname=host_%d,region=%s,datacenter=%s%c,rack=%d,os=%s,arch=%s,team=%s,service=%d,service_version=%d,service_environment=%s",
			h, r, r, 'a'+rng.IntN(3), rng.IntN(100), oses[rng.IntN(3)], arches[rng.IntN(2)], teams[rng.IntN(4)], rng.IntN(20), rng.IntN(2), envs[rng.IntN(3)])
	}
	fields := []string{"usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait", "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"}
	var b []byte
	ts := int64(1451606400000000000)
	for i := 0; i < n; i++ {
		h := i % hosts
		if h == 0 && i > 0 {
			ts += 10e9
		}
		b = append(b, prefixes[h]...)
		for j, f := range fields {
			if j == 0 {
				b = append(b, ' ')
			} else {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, "%s=%di", f, rng.IntN(100))
		}
		b = fmt.Appendf(b, " %d\n", ts)
	}
	return b
}

func BenchmarkParseTSBS(b *testing.B) {
	for _, bc := range []struct {
		name         string
		lines, hosts int
		notNull      []string // the table's NOT NULL columns (NotNullSchema), nil for no schema
	}{
		{"hosts=100", 5000, 100, nil},
		{"hosts=5000", 5000, 5000, nil}, // every line a new series
		// A schema with no NOT NULL column, then each line checked for a
		// tag and a field.
		{"hosts=100/notnull=0", 5000, 100, []string{}},
		{"hosts=100/notnull=2", 5000, 100, []string{"hostname", "usage_user"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data := tsbsCPU(bc.lines, bc.hosts)
			var p Parser
			opts := Options{Precision: Nanosecond}
			if bc.notNull != nil {
				opts.Schema = &notNullSchema{mapSchema: mapSchema{calls: map[string]int{}},
					notNull: map[string][]string{"cpu": bc.notNull}, asked: map[string]int{}}
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res := p.Parse(data, opts)
				if res.Rows != bc.lines {
					b.Fatalf("%d rows, want %d", res.Rows, bc.lines)
				}
			}
			b.ReportMetric(float64(bc.lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// TestSteadyStateAllocs: parsing lines of known series allocates nothing per
// line; what is left is per request (result, batches) and amortised slice growth.
func TestSteadyStateAllocs(t *testing.T) {
	const lines = 5000
	data := tsbsCPU(lines, 100)
	var p Parser
	p.Parse(data, Options{}) // warm the parser's maps and scratch
	allocs := testing.AllocsPerRun(5, func() { p.Parse(data, Options{}) })
	t.Logf("%.0f allocations for %d lines", allocs, lines)
	// 100 series keys + 100 host names + ~40 other dictionary values, plus
	// per-column slice growth: well under 0.2 per line; one per line would be 5000.
	require.Less(t, allocs/lines, 0.2)
}

// TestParserReuse: a second Parse must not touch the batches of the first.
func TestParserReuse(t *testing.T) {
	data := tsbsCPU(300, 10)
	var p Parser
	first := p.Parse(data, Options{})
	want := render(first)
	second := p.Parse([]byte("cpu,hostname=host_0 usage_user=1.5 1\nmem,a=b c=1i 2\n"), Options{})
	checkResult(t, second)
	require.Equal(t, want, render(first))
	require.Len(t, second.Tables, 2)
	require.Equal(t, 1, second.Tables[0].Rows)
	third := p.Parse(data, Options{})
	require.Equal(t, want, render(third))
}
