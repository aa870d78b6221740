package exec

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestParseTimestampSpellings: the timestamp texts PostgreSQL 15 reads
// (DateStyle ISO, MDY; TimeZone UTC) read as it reads them; the answers
// are what PostgreSQL 15 printed for each.
func TestParseTimestampSpellings(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"2016-1-2 3:4:5":                       "2016-01-02 03:04:05",
		"2016-01-02 3:04":                      "2016-01-02 03:04:00",
		"2016/01/02 12:00:00":                  "2016-01-02 12:00:00",
		"01/02/2016":                           "2016-01-02 00:00:00",
		"01/02/2016 12:30:15":                  "2016-01-02 12:30:15",
		"1/2/2016 1:02:03 PM":                  "2016-01-02 13:02:03",
		"01-02-2016":                           "2016-01-02 00:00:00",
		"2016.01.02":                           "2016-01-02 00:00:00",
		"20160102":                             "2016-01-02 00:00:00",
		"20160102T120000":                      "2016-01-02 12:00:00",
		"20160102 120000":                      "2016-01-02 12:00:00",
		"Jan 2 2016":                           "2016-01-02 00:00:00",
		"Jan 2 2016 12:00":                     "2016-01-02 12:00:00",
		"2 Jan 2016 12:00":                     "2016-01-02 12:00:00",
		"January 2, 2016 12:00:00":             "2016-01-02 12:00:00",
		"Tue Jan 2 12:00:00 2016":              "2016-01-02 12:00:00",
		"Sat, 02 Jan 2016 12:00:00 +0100":      "2016-01-02 11:00:00",
		"16-Feb-2016 12:00":                    "2016-02-16 12:00:00",
		"2016-01-02 12:00 AM":                  "2016-01-02 00:00:00",
		"2016-01-02 12:00 PM":                  "2016-01-02 12:00:00",
		"2016-01-02 1:00 pm":                   "2016-01-02 13:00:00",
		"2016-01-02 12:00:00 PST":              "2016-01-02 20:00:00",
		"2016-07-15 12:00:00 CET":              "2016-07-15 11:00:00",
		"2016-01-02T12:00:00.123+05:30":        "2016-01-02 06:30:00.123",
		"2016-01-02 12:00:00 America/New_York": "2016-01-02 17:00:00",
		"2016-01-02 12:00:00 america/new_york": "2016-01-02 17:00:00",
		"December 31, 2015 11:59:59 PM":        "2015-12-31 23:59:59",
		"2016-01-01 24:00:00":                  "2016-01-02 00:00:00",
		"2016-12-31 23:59:60":                  "2017-01-01 00:00:00",
		"2016-02-30":                           "date/time field value out of range",
		"13/01/2016":                           "date/time field value out of range",
		"2016-01-02 25:00":                     "date/time field value out of range",
		"2016-01-02 12:00 XM":                  "invalid input syntax",
		"2016-01-02 12:00+05:60":               "time zone displacement out of range",
		"\u00a02016-01-02":                     "invalid input syntax",
		"Jan 2016":                             "invalid input syntax",
		"Jul-01-2016":                          "2016-07-01 00:00:00",
		"Jul-01-16":                            "2016-07-01 00:00:00",
		"July-01-2016":                         "2016-07-01 00:00:00",
		"2016-Jul-01":                          "2016-07-01 00:00:00",
		"2016-September-01":                    "2016-09-01 00:00:00",
		"5 Mar 16":                             "2016-03-05 00:00:00",
		"5 Mar 99":                             "1999-03-05 00:00:00",
		"2016-03-05 12:14:15am":                "2016-03-05 00:14:15",
		"2016-03-05 01:14PM":                   "2016-03-05 13:14:00",
		"Ju-01-2016":                           "invalid input syntax",
		"2016-01-01 00:14:15am":                "2016-01-01 00:14:15",
		"2016-01-01 0:14pm":                    "2016-01-01 12:14:00",
	} {
		ns, err := ParseTimestamp(in, time.UTC, now)
		if err != nil {
			require.Contains(t, err.Error(), want, in)
			continue
		}
		got := time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05.999999999")
		require.Equal(t, want, got, in)
	}
}

// FuzzParseTimestamp: no text panics the parser; every failure says why.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2016-01-02 03:04:05+00", "01/02/2016 1:02 PM", "Sat, 02 Jan 2016 12:00:00 +0100", "20160102T1200", "16-Feb-2016", "2016-01-02 24:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseTimestamp(s, time.UTC, time.Unix(0, 0)); err != nil {
			require.NotEmpty(t, err.Error())
		}
	})
}
