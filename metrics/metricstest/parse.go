// Package metricstest reads the Prometheus text exposition format strictly,
// for tests of what /metrics serves: a line Prometheus would reject, a
// family without HELP and TYPE, a family split in two places or a
// histogram whose buckets do not add up is an error.
package metricstest

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Sample is one series' value.
type Sample struct {
	Name   string // with _bucket, _sum or _count for histograms
	Labels map[string]string
	Value  float64
}

// Family is a metric family as written.
type Family struct {
	Name, Help, Type string
	Samples          []Sample
}

// Scrape is a parsed exposition.
type Scrape map[string]*Family

// Parse reads text; every line must be a HELP, TYPE or sample line.
func Parse(text string) (Scrape, error) {
	if text != "" && !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("the exposition does not end with a newline")
	}
	out := Scrape{}
	var cur *Family
	done := map[string]bool{}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n := i + 1
		switch {
		case line == "":
			return nil, fmt.Errorf("line %d: empty line", n)
		case strings.HasPrefix(line, "# HELP "), strings.HasPrefix(line, "# TYPE "):
			kind := line[2:6]
			name, rest, ok := strings.Cut(line[7:], " ")
			if !ok || !validName(name) {
				return nil, fmt.Errorf("line %d: bad %s line %q", n, kind, line)
			}
			if cur == nil || cur.Name != name {
				if done[name] {
					return nil, fmt.Errorf("line %d: family %s appears in two places", n, name)
				}
				if cur != nil {
					if err := finish(cur); err != nil {
						return nil, err
					}
				}
				cur = &Family{Name: name}
				out[name] = cur
				done[name] = true
			}
			if len(cur.Samples) > 0 {
				return nil, fmt.Errorf("line %d: %s of %s after its samples", n, kind, name)
			}
			if kind == "HELP" {
				if cur.Help != "" {
					return nil, fmt.Errorf("line %d: second HELP for %s", n, name)
				}
				help, err := unescape(rest, false)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", n, err)
				}
				cur.Help = help
				continue
			}
			switch rest {
			case "counter", "gauge", "histogram", "summary", "untyped":
			default:
				return nil, fmt.Errorf("line %d: unknown type %q", n, rest)
			}
			if cur.Type != "" {
				return nil, fmt.Errorf("line %d: second TYPE for %s", n, name)
			}
			cur.Type = rest
		case strings.HasPrefix(line, "#"):
			return nil, fmt.Errorf("line %d: comment lines other than HELP and TYPE are not expected: %q", n, line)
		default:
			s, err := parseSample(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			if cur == nil || !belongs(cur, s.Name) {
				return nil, fmt.Errorf("line %d: sample %s outside its family's HELP and TYPE", n, s.Name)
			}
			cur.Samples = append(cur.Samples, s)
		}
	}
	if cur != nil {
		if err := finish(cur); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func belongs(f *Family, name string) bool {
	if f.Type == "histogram" {
		return name == f.Name+"_bucket" || name == f.Name+"_sum" || name == f.Name+"_count"
	}
	return name == f.Name
}

// finish checks a family once all its lines are read.
func finish(f *Family) error {
	if f.Help == "" || f.Type == "" {
		return fmt.Errorf("family %s lacks HELP or TYPE", f.Name)
	}
	if len(f.Samples) == 0 {
		return fmt.Errorf("family %s has no samples", f.Name)
	}
	seen := map[string]bool{}
	for _, s := range f.Samples {
		key := s.Name + "{" + labelKey(s.Labels) + "}"
		if seen[key] {
			return fmt.Errorf("family %s: series %s written twice", f.Name, key)
		}
		seen[key] = true
		if f.Type == "counter" && !(s.Value >= 0) {
			return fmt.Errorf("counter %s is %v", key, s.Value)
		}
	}
	if f.Type == "histogram" {
		return checkHistogram(f)
	}
	return nil
}

// checkHistogram: per series, buckets ascend in le and count, end with
// +Inf, and +Inf equals _count.
func checkHistogram(f *Family) error {
	type hist struct {
		prevLE, prev float64
		inf, count   float64
		hasInf, sum  bool
		hasCount     bool
	}
	hs := map[string]*hist{}
	get := func(labels map[string]string) *hist {
		k := labelKey(labels)
		if hs[k] == nil {
			hs[k] = &hist{prevLE: math.Inf(-1)}
		}
		return hs[k]
	}
	for _, s := range f.Samples {
		switch s.Name {
		case f.Name + "_bucket":
			leText, ok := s.Labels["le"]
			if !ok {
				return fmt.Errorf("%s: bucket without le", f.Name)
			}
			le, err := parseValue(leText)
			if err != nil {
				return fmt.Errorf("%s: le %q: %w", f.Name, leText, err)
			}
			rest := without(s.Labels, "le")
			h := get(rest)
			if le <= h.prevLE || s.Value < h.prev {
				return fmt.Errorf("%s{%s}: bucket le=%s out of order or not cumulative", f.Name, labelKey(rest), leText)
			}
			h.prevLE, h.prev = le, s.Value
			if math.IsInf(le, 1) {
				h.hasInf, h.inf = true, s.Value
			}
		case f.Name + "_sum":
			get(s.Labels).sum = true
		case f.Name + "_count":
			h := get(s.Labels)
			h.hasCount, h.count = true, s.Value
		}
	}
	for k, h := range hs {
		if !h.hasInf || !h.sum || !h.hasCount || h.inf != h.count {
			return fmt.Errorf("%s{%s}: needs a +Inf bucket equal to _count, and _sum", f.Name, k)
		}
	}
	return nil
}

func without(labels map[string]string, name string) map[string]string {
	out := map[string]string{}
	for k, v := range labels {
		if k != name {
			out[k] = v
		}
	}
	return out
}

func labelKey(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", k, labels[k])
	}
	return b.String()
}

// parseSample reads name{a="x",...} value (no timestamps: Strata writes
// none).
func parseSample(line string) (Sample, error) {
	s := Sample{Labels: map[string]string{}}
	i := 0
	for i < len(line) && line[i] != '{' && line[i] != ' ' {
		i++
	}
	s.Name = line[:i]
	if !validName(s.Name) {
		return s, fmt.Errorf("bad metric name %q", s.Name)
	}
	if i < len(line) && line[i] == '{' {
		i++
		for {
			if i < len(line) && line[i] == '}' {
				i++
				break
			}
			j := i
			for j < len(line) && line[j] != '=' {
				j++
			}
			name := line[i:j]
			if !validLabel(name) || j+1 >= len(line) || line[j+1] != '"' {
				return s, fmt.Errorf("bad label at %q", line[i:])
			}
			k := j + 2
			for k < len(line) && line[k] != '"' {
				if line[k] == '\\' {
					k++
				}
				k++
			}
			if k >= len(line) {
				return s, fmt.Errorf("unterminated label value in %q", line)
			}
			val, err := unescape(line[j+2:k], true)
			if err != nil {
				return s, err
			}
			if _, dup := s.Labels[name]; dup {
				return s, fmt.Errorf("label %s twice", name)
			}
			s.Labels[name] = val
			i = k + 1
			if i < len(line) && line[i] == ',' {
				i++
			} else if i >= len(line) || line[i] != '}' {
				return s, fmt.Errorf("expected , or } in %q", line)
			}
		}
	}
	if i >= len(line) || line[i] != ' ' {
		return s, fmt.Errorf("expected a space before the value in %q", line)
	}
	v, err := parseValue(line[i+1:])
	if err != nil {
		return s, fmt.Errorf("value of %s: %w", s.Name, err)
	}
	s.Value = v
	return s, nil
}

func parseValue(text string) (float64, error) {
	switch text {
	case "+Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(text, 64)
}

func unescape(s string, quoted bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			return "", fmt.Errorf("raw newline in %q", s)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		switch {
		case i < len(s) && s[i] == '\\':
			b.WriteByte('\\')
		case i < len(s) && s[i] == 'n':
			b.WriteByte('\n')
		case i < len(s) && s[i] == '"' && quoted:
			b.WriteByte('"')
		default:
			return "", fmt.Errorf("bad escape in %q", s)
		}
	}
	return b.String(), nil
}

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

func validLabel(s string) bool { return validName(s) && !strings.Contains(s, ":") }

// Value returns the value of the series of family (or histogram part)
// name whose labels are exactly the given name, value pairs.
func (sc Scrape) Value(name string, labels ...string) (float64, bool) {
	want := map[string]string{}
	for i := 0; i+1 < len(labels); i += 2 {
		want[labels[i]] = labels[i+1]
	}
	fam := sc[name]
	if fam == nil {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && sc[base] != nil {
				fam = sc[base]
			}
		}
	}
	if fam == nil {
		return 0, false
	}
	for _, s := range fam.Samples {
		if s.Name == name && labelKey(s.Labels) == labelKey(want) {
			return s.Value, true
		}
	}
	return 0, false
}

// Of writes reg's exposition (a metrics.Registry's) and reads it back
// strictly: a package's test of the metrics it keeps, without a server.
// The test fails when either step does.
func Of(t testing.TB, reg interface{ WriteText(io.Writer) error }) Scrape {
	t.Helper()
	var buf bytes.Buffer
	if err := reg.WriteText(&buf); err != nil {
		t.Fatalf("writing the metrics: %v", err)
	}
	sc, err := Parse(buf.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	return sc
}
