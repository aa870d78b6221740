package exec

import (
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAppendTimestampMatchesFormat checks the digit-by-digit formatter
// against time.Format's (the old path) over random instants over all of int64's
// nanoseconds (years 1677 to 2262) and the zones whose offsets have minutes (Kolkata, Kathmandu) or
// seconds (Amsterdam before 1937), at every fraction length.
func TestAppendTimestampMatchesFormat(t *testing.T) {
	zones := []*time.Location{time.UTC}
	for _, name := range []string{"America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu", "Europe/Amsterdam", "Pacific/Chatham", "America/St_Johns"} {
		loc, err := time.LoadLocation(name)
		require.NoError(t, err)
		zones = append(zones, loc)
	}
	r := rand.New(rand.NewSource(1))
	fixed := []int64{0, -1, 1, 1e9 - 1, -1e9, 1451606400 * 1e9, -2208988800*1e9 + 123456789, 951782400 * 1e9, math64Min() + 1e9, math64Max() - 1e9}
	for i := 0; i < 200000; i++ {
		var ns int64
		if i < len(fixed) {
			ns = fixed[i]
		} else {
			ns = r.Int63() - r.Int63() // the whole int64 range (years 1677-2262)
			switch i % 4 {
			case 1:
				ns -= ns % 1e9 // whole seconds
			case 2:
				ns -= ns % 1e3 // microseconds
			case 3:
				ns -= ns % 1e6
			}
		}
		loc := zones[i%len(zones)]
		require.Equal(t, string(appendTimestampFormat(nil, ns, loc)), string(AppendTimestamp(nil, ns, loc)), "ns %d in %s", ns, loc)
	}
}

func math64Min() int64 { return -1 << 63 }
func math64Max() int64 { return 1<<63 - 1 }

// TestCivilFromDays checks the date of every day from year 1 to 9999
// against package time.
func TestCivilFromDays(t *testing.T) {
	start := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	first := start.Unix() / 86400
	for d := first; d < first+3652059; d += 1 {
		y, m, day := civilFromDays(d)
		want := time.Unix(d*86400, 0).UTC()
		if int(y) != want.Year() || m != int(want.Month()) || day != want.Day() {
			t.Fatalf("day %d: %d-%d-%d, want %s", d, y, m, day, want.Format("2006-01-02"))
		}
	}
}

// BenchmarkAppendTimestamp writes a day of 10-second times (TSBS's), in
// UTC and in New York, by the digit path and by time.Format.
func BenchmarkAppendTimestamp(b *testing.B) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(b, err)
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	for _, loc := range []*time.Location{time.UTC, ny} {
		for _, c := range []struct {
			name string
			fn   func([]byte, int64, *time.Location) []byte
		}{{"digits", AppendTimestamp}, {"format", appendTimestampFormat}} {
			b.Run(loc.String()+"/"+c.name, func(b *testing.B) {
				buf := make([]byte, 0, 64)
				for i := 0; i < b.N; i++ {
					buf = c.fn(buf[:0], start+int64(i%8640)*10e9, loc)
				}
			})
		}
	}
}
