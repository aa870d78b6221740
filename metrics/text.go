package metrics

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Emitter writes families in the text format during a scrape. Collectors
// call its Counter and Gauge methods; the series of one family must be
// written one after the other (the HELP and TYPE lines go before the first).
type Emitter struct {
	buf  []byte
	last string          // family written last
	seen map[string]bool // families written so far
	err  error
}

func newEmitter() *Emitter { return &Emitter{buf: make([]byte, 0, 16<<10), seen: map[string]bool{}} }

// Counter writes one series of counter family name.
func (e *Emitter) Counter(name, help string, v float64, labels ...Label) {
	e.sample(name, help, typeCounter, v, labels)
}

// Gauge writes one series of gauge family name.
func (e *Emitter) Gauge(name, help string, v float64, labels ...Label) {
	e.sample(name, help, typeGauge, v, labels)
}

func (e *Emitter) sample(name, help, typ string, v float64, labels []Label) {
	if e.err != nil {
		return
	}
	if err := checkName(name); err != nil {
		e.err = err
		return
	}
	if !e.header(name, help, typ) {
		return
	}
	e.buf = append(e.buf, name...)
	if len(labels) > 0 {
		e.buf = append(e.buf, '{')
		var err error
		if e.buf, err = renderLabels(e.buf, labels); err != nil {
			e.err = fmt.Errorf("%s: %w", name, err)
			return
		}
		e.buf = append(e.buf, '}')
	}
	e.buf = append(e.buf, ' ')
	e.buf = appendFloat(e.buf, v)
	e.buf = append(e.buf, '\n')
}

// header writes the HELP and TYPE lines when name starts a new family; it
// fails when the family was already written before another one.
func (e *Emitter) header(name, help, typ string) bool {
	if name == e.last {
		return true
	}
	if e.seen[name] {
		e.err = fmt.Errorf("metrics: family %s written in two places: its series must be written together", name)
		return false
	}
	e.seen[name], e.last = true, name
	e.buf = append(e.buf, "# HELP "...)
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, ' ')
	e.buf = appendEscaped(e.buf, help, false)
	e.buf = append(e.buf, "\n# TYPE "...)
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, typ...)
	e.buf = append(e.buf, '\n')
	return true
}

// family writes a registered family.
func (e *Emitter) family(f *family) {
	if len(f.series) == 0 || !e.header(f.name, f.help, f.typ) {
		return
	}
	for _, s := range f.series {
		switch {
		case s.counter != nil:
			e.line(f.name, "", s.labels, "", strconv.AppendUint(nil, s.counter.Value(), 10))
		case s.gauge != nil:
			e.line(f.name, "", s.labels, "", strconv.AppendInt(nil, s.gauge.Value(), 10))
		case s.fn != nil:
			e.line(f.name, "", s.labels, "", appendFloat(nil, s.fn()))
		case s.hist != nil:
			e.histogram(f.name, s)
		}
	}
}

// histogram writes a histogram series: cumulative buckets, sum and count.
// The count is the +Inf bucket, so the two always agree.
func (e *Emitter) histogram(name string, s *series) {
	h := s.hist
	var cum uint64
	for i := range h.counts {
		cum += h.counts[i].Load()
		le := "+Inf"
		if i < len(h.le) {
			le = h.le[i]
		}
		e.line(name, "_bucket", s.labels, le, strconv.AppendUint(nil, cum, 10))
	}
	e.line(name, "_sum", s.labels, "", appendFloat(nil, h.Sum().Seconds()))
	e.line(name, "_count", s.labels, "", strconv.AppendUint(nil, cum, 10))
}

// line writes name+suffix{labels,le="le"} value.
func (e *Emitter) line(name, suffix, labels, le string, value []byte) {
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, suffix...)
	if labels != "" || le != "" {
		e.buf = append(e.buf, '{')
		e.buf = append(e.buf, labels...)
		if le != "" {
			if labels != "" {
				e.buf = append(e.buf, ',')
			}
			e.buf = append(e.buf, `le="`...)
			e.buf = append(e.buf, le...)
			e.buf = append(e.buf, '"')
		}
		e.buf = append(e.buf, '}')
	}
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, value...)
	e.buf = append(e.buf, '\n')
}

// renderLabels appends a="x",b="y" (values escaped) to dst.
func renderLabels(dst []byte, labels []Label) ([]byte, error) {
	for i, l := range labels {
		if err := checkLabelName(l.Name); err != nil {
			return dst, err
		}
		for _, prev := range labels[:i] {
			if prev.Name == l.Name {
				return dst, fmt.Errorf("label %s given twice", l.Name)
			}
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, l.Name...)
		dst = append(dst, '=', '"')
		dst = appendEscaped(dst, l.Value, true)
		dst = append(dst, '"')
	}
	return dst, nil
}

// appendEscaped escapes backslash and newline (and, in label values, the
// double quote) as the text format wants.
func appendEscaped(dst []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			dst = append(dst, `\\`...)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '"' && quote:
			dst = append(dst, `\"`...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendFloat writes v as the text format reads it: integers without an
// exponent, +Inf, -Inf and NaN spelled out.
func appendFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(dst, "+Inf"...)
	case math.IsInf(v, -1):
		return append(dst, "-Inf"...)
	case math.IsNaN(v):
		return append(dst, "NaN"...)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.AppendInt(dst, int64(v), 10)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

func formatFloat(v float64) string { return string(appendFloat(nil, v)) }

var errEmptyName = errors.New("metrics: empty metric name")

// checkName checks a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
func checkName(name string) error {
	if name == "" {
		return errEmptyName
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return fmt.Errorf("metrics: invalid metric name %q: use letters, digits, _ and :, not starting with a digit", name)
		}
	}
	return nil
}

// checkLabelName checks a label name: [a-zA-Z_][a-zA-Z0-9_]*, not starting
// with __ (reserved for Prometheus).
func checkLabelName(name string) error {
	if name == "" || strings.HasPrefix(name, "__") {
		return fmt.Errorf("invalid label name %q", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return fmt.Errorf("invalid label name %q: use letters, digits and _, not starting with a digit", name)
		}
	}
	return nil
}
