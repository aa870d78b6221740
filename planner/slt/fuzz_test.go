package slt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary text to the .slt parser: it must not panic, and
// every record's result range must lie inside the file.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/*.slt")
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "*.slt"))
	for _, p := range append(paths, corpus...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(string(data))
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		file, err := Parse("fuzz.slt", text)
		if err != nil {
			return
		}
		for _, r := range file.Records {
			if r.ResultStart > r.ResultEnd || r.ResultEnd > len(file.Lines) {
				t.Fatalf("record at line %d has result range [%d,%d) in %d lines", r.Line, r.ResultStart, r.ResultEnd, len(file.Lines))
			}
		}
	})
}

// FuzzParseLine feeds arbitrary lines to the dataset's line-protocol
// reader: it must not panic, and an accepted line has a table and a field.
func FuzzParseLine(f *testing.F) {
	for _, p := range []string{"cpu.lp", "weather.lp", "hosts.lp"} {
		data, err := os.ReadFile(filepath.Join(dataDir, p))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(data), "\n")[1:4] {
			f.Add(l)
		}
	}
	f.Add(`t,a=b\ c s="x,y \"z\"",b=t 1000`)
	f.Fuzz(func(t *testing.T, line string) {
		p, err := parseLine(line)
		if err != nil {
			return
		}
		if len(p.fields) == 0 {
			t.Fatalf("accepted %q without fields", line)
		}
	})
}
