package exec

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestUnistr(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{`plain`, `plain`, ``},
		{`d\0061t\+000061`, `data`, ``},
		{`\u00e9\U0001F600`, "é\U0001F600", ``},
		{`a\\b`, `a\b`, ``},
		{`\D83D\DE00`, "\U0001F600", ``},
		{`\D83D`, ``, `invalid Unicode surrogate pair`},
		{`\DE00`, ``, `invalid Unicode surrogate pair`},
		{`\D83Dx`, ``, `invalid Unicode surrogate pair`},
		{`\D83D\0041`, ``, `invalid Unicode surrogate pair`},
		{`abc\`, ``, `invalid Unicode escape`},
		{`\12`, ``, `invalid Unicode escape`},
		{`\+12345`, ``, `invalid Unicode escape`},
		{`\u+123`, ``, `invalid Unicode escape`},
		{`\+110000`, ``, `invalid Unicode code point: 110000`},
		{`\0000`, ``, `invalid Unicode code point: 0000`},
	} {
		got, err := unistr(c.in)
		if c.err != "" {
			require.EqualError(t, err, c.err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
	}
}

// FuzzUnistr: any text decodes or errors; valid UTF-8 in, valid out.
func FuzzUnistr(f *testing.F) {
	for _, s := range []string{`d\0061t\+000061`, `\D83D\DE00`, `\\`, `\U0010FFFF`, `\u12`, "é\\00e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := unistr(s)
		if err == nil && utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("unistr(%q) = %q, not UTF-8", s, out)
		}
	})
}
