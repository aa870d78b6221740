package metricstest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseRejects(t *testing.T) {
	for _, tt := range []struct{ name, text, err string }{
		{"no newline", "# HELP a x\n# TYPE a gauge\na 1", "newline"},
		{"no type", "# HELP a x\na 1\n", "lacks HELP or TYPE"},
		{"no header", "a 1\n", "outside"},
		{"split family", "# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\n# TYPE b gauge\nb 1\n# HELP a x\n", "two places"},
		{"bad value", "# HELP a x\n# TYPE a gauge\na one\n", "value"},
		{"bad label", "# HELP a x\n# TYPE a gauge\na{b=1} 1\n", "bad label"},
		{"negative counter", "# HELP a x\n# TYPE a counter\na -1\n", "counter"},
		{"duplicate series", "# HELP a x\n# TYPE a gauge\na{b=\"1\"} 1\na{b=\"1\"} 2\n", "twice"},
		{"histogram count", "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "+Inf"},
		{"histogram not cumulative", "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", "cumulative"},
	} {
		_, err := Parse(tt.text)
		require.ErrorContains(t, err, tt.err, tt.name)
	}
	sc, err := Parse("# HELP a x \\\\ y\n# TYPE a gauge\na{b=\"q\\\"\\n\"} 1.5e+06\n")
	require.NoError(t, err)
	v, ok := sc.Value("a", "b", "q\"\n")
	require.True(t, ok)
	require.Equal(t, 1.5e6, v)
	require.Equal(t, `x \ y`, sc["a"].Help)
}
