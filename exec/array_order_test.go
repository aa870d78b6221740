package exec

import (
	"bytes"
	"cmp"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestArraySortKeyOrder(t *testing.T) {
	c := &Ctx{Location: time.UTC, Now: time.Now()}
	for _, tc := range []struct {
		kind byte
		a, b string
		want int // sign of a compared with b, as PostgreSQL's array_cmp
	}{
		{'i', "{9}", "{10}", -1},
		{'i', "{-1}", "{-2}", 1},
		{'i', "{1,2}", "{1,2}", 0},
		{'i', "{1}", "{1,0}", -1},
		{'i', "{}", "{-9223372036854775808}", -1},
		{'i', "{1,NULL}", "{1,9223372036854775807}", 1},
		{'i', "{NULL}", "{NULL}", 0},
		{'i', "{NULL}", "{NULL,NULL}", -1},
		{'f', "{-0}", "{0}", 0},
		{'f', "{NaN}", "{Infinity}", 1},
		{'f', "{-Infinity}", "{-1e308}", -1},
		{'f', "{-2.5}", "{-1}", -1},
		{'f', "{1.10}", "{1.1}", 0},
		{'f', "{5e-324}", "{0}", 1},
		{'b', "{f}", "{t}", -1},
		{'b', "{true}", "{t}", 0},
		{'s', "{b}", "{ab}", 1},
		{'s', "{a,b}", "{a,b,c}", -1},
		{'s', `{""}`, "{}", 1},
		{'s', `{"a b"}`, `{a}`, 1},
		{'s', `{a}`, `{"a\"b"}`, -1},
		{'t', "{2020-01-01 00:00:00+05}", "{2020-01-01 00:00:00+00}", -1},
		{'t', "{2020-01-02}", "{2020-01-01}", 1},
		{'v', "{25:00:00}", `{"1 day"}`, 1},
		{'v', `{"1 mon"}`, `{"30 days"}`, 0},
		{'v', `{"-1 day"}`, `{"-23:00:00"}`, -1},
		{'v', `{"1 day -1 hours"}`, `{23:00:00}`, 0},
	} {
		ka, err := ArraySortKey(c, nil, tc.a, tc.kind)
		require.NoError(t, err, tc.a)
		kb, err := ArraySortKey(c, nil, tc.b, tc.kind)
		require.NoError(t, err, tc.b)
		require.Equal(t, tc.want, bytes.Compare(ka, kb), "%c %s vs %s", tc.kind, tc.a, tc.b)
	}
	_, err := ArraySortKey(c, nil, "{x}", 'i')
	require.ErrorContains(t, err, "invalid input syntax")
	_, err = ArraySortKey(c, nil, "x", 'i')
	require.ErrorContains(t, err, "malformed array literal")
}

// TestArraySortKeyMatchesElementOrder: random arrays of integers, floats
// and text with NULLs sort by their keys as a comparison element by
// element does; a max key gives its array's text back.
func TestArraySortKeyMatchesElementOrder(t *testing.T) {
	c := &Ctx{Location: time.UTC, Now: time.Now()}
	rng := rand.New(rand.NewSource(1))
	type elem struct {
		null bool
		i    int64
		f    float64
		s    string
	}
	cmpElem := func(kind byte, a, b elem) int {
		switch {
		case a.null && b.null:
			return 0
		case a.null:
			return 1
		case b.null:
			return -1
		}
		switch kind {
		case 'i':
			return cmp.Compare(a.i, b.i)
		case 'f':
			switch {
			case math.IsNaN(a.f) && math.IsNaN(b.f):
				return 0
			case math.IsNaN(a.f):
				return 1
			case math.IsNaN(b.f), a.f < b.f:
				return -1
			case a.f > b.f:
				return 1
			}
			return 0
		}
		return strings.Compare(a.s, b.s)
	}
	for _, kind := range []byte{'i', 'f', 's'} {
		for range 2000 {
			arrays := [2][]elem{}
			texts := [2]string{}
			for k := range arrays {
				n := rng.Intn(4)
				parts := make([]string, n)
				for j := range n {
					e := elem{null: rng.Intn(6) == 0}
					switch {
					case e.null:
						parts[j] = "NULL"
					case kind == 'i':
						e.i = int64(rng.Intn(21) - 10)
						if rng.Intn(10) == 0 {
							e.i = rng.Int63() - rng.Int63()
						}
						parts[j] = strconv.FormatInt(e.i, 10)
					case kind == 'f':
						e.f = []float64{math.Inf(-1), -2.5, -1, 0, 0.5, 3, math.Inf(1), math.NaN()}[rng.Intn(8)]
						parts[j] = FormatFloat(e.f)
					default:
						e.s = []string{"", "a", "ab", "b", "b c", "é"}[rng.Intn(6)]
						parts[j] = `"` + e.s + `"`
					}
					arrays[k] = append(arrays[k], e)
				}
				texts[k] = "{" + strings.Join(parts, ",") + "}"
			}
			want := 0
			for j := 0; want == 0; j++ {
				a, b := arrays[0], arrays[1]
				if j == len(a) || j == len(b) {
					want = cmp.Compare(int64(len(a)), int64(len(b)))
					break
				}
				want = cmpElem(kind, a[j], b[j])
			}
			ka, err := ArraySortKey(c, nil, texts[0], kind)
			require.NoError(t, err)
			kb, err := ArraySortKey(c, nil, texts[1], kind)
			require.NoError(t, err)
			require.Equal(t, want, bytes.Compare(ka, kb), "%c %s vs %s", kind, texts[0], texts[1])
			end, err := arraySortKeyLen(string(ka)+texts[0], kind)
			require.NoError(t, err)
			require.Equal(t, texts[0], (string(ka) + texts[0])[end:])
		}
	}
}
