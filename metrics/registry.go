package metrics

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
)

// Label is a constant label of a series: the name of the family plus its
// labels name one series.
type Label struct{ Name, Value string }

// L makes a Label.
func L(name, value string) Label { return Label{name, value} }

// The metric types of the text format.
const (
	typeCounter   = "counter"
	typeGauge     = "gauge"
	typeHistogram = "histogram"
)

// ContentType is the Content-Type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry holds metric families and collectors and writes them out.
type Registry struct {
	mu         sync.Mutex
	families   []*family // in registration order
	byName     map[string]*family
	collectors []func(*Emitter)
}

type family struct {
	name, help, typ string
	series          []*series // in registration order
}

// series is one labelled series of a family; exactly one of its values is
// set.
type series struct {
	labels  string // rendered: a="x",b="y" (no braces); "" without labels
	counter *Counter
	gauge   *Gauge
	hist    *Histogram
	fn      func() float64
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{byName: map[string]*family{}} }

// Counter returns the counter of family name with these labels, creating
// it (and the family) on first use. By convention counter names end in
// _total.
func (r *Registry) Counter(name, help string, labels ...Label) *Counter {
	s := r.series(name, help, typeCounter, labels, func(s *series) bool { return s.counter != nil }, func(s *series) { s.counter = new(Counter) })
	return s.counter
}

// Gauge returns the gauge of family name with these labels, creating it on
// first use.
func (r *Registry) Gauge(name, help string, labels ...Label) *Gauge {
	s := r.series(name, help, typeGauge, labels, func(s *series) bool { return s.gauge != nil }, func(s *series) { s.gauge = new(Gauge) })
	return s.gauge
}

// GaugeFunc adds a gauge whose value fn computes at every scrape (fn must
// be cheap and safe for concurrent use). Registering the same series again
// keeps the first fn.
func (r *Registry) GaugeFunc(name, help string, fn func() float64, labels ...Label) {
	r.series(name, help, typeGauge, labels, func(s *series) bool { return s.fn != nil }, func(s *series) { s.fn = fn })
}

// Histogram returns the duration histogram of family name with these
// labels and upper bounds in seconds (LatencyBuckets, usually), creating it
// on first use. Every series of a family has the same bounds.
func (r *Registry) Histogram(name, help string, bounds []float64, labels ...Label) *Histogram {
	for _, l := range labels {
		if l.Name == "le" {
			panic(fmt.Sprintf("metrics: histogram %s: label le is reserved for the buckets", name))
		}
	}
	s := r.series(name, help, typeHistogram, labels, func(s *series) bool { return s.hist != nil }, func(s *series) { s.hist = newHistogram(bounds) })
	if len(s.hist.bounds) != len(bounds) {
		panic(fmt.Sprintf("metrics: histogram %s: series with different buckets", name))
	}
	return s.hist
}

// Collect adds fn, called at every scrape to write values that live
// elsewhere (read from the storage engine, the Go runtime). Collectors run
// after the registered families, in the order they were added.
func (r *Registry) Collect(fn func(*Emitter)) {
	r.mu.Lock()
	r.collectors = append(r.collectors, fn)
	r.mu.Unlock()
}

// series finds or makes a series. has reports whether an existing series
// is of the kind asked for; init makes the value of a new one.
func (r *Registry) series(name, help, typ string, labels []Label, has func(*series) bool, init func(*series)) *series {
	if err := checkName(name); err != nil {
		panic(err)
	}
	rendered, err := renderLabels(nil, labels)
	if err != nil {
		panic(fmt.Sprintf("metrics: %s: %v", name, err))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.byName[name]
	if f == nil {
		f = &family{name: name, help: help, typ: typ}
		r.byName[name] = f
		r.families = append(r.families, f)
	} else if f.typ != typ {
		panic(fmt.Sprintf("metrics: %s registered as a %s and as a %s", name, f.typ, typ))
	}
	for _, s := range f.series {
		if s.labels == string(rendered) {
			if !has(s) {
				panic(fmt.Sprintf("metrics: %s{%s} registered twice as different kinds", name, rendered))
			}
			return s
		}
	}
	s := &series{labels: string(rendered)}
	init(s)
	f.series = append(f.series, s)
	return s
}

// WriteText writes every family in the text exposition format.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	families := make([]family, len(r.families))
	for i, f := range r.families {
		families[i] = *f
		families[i].series = slices.Clone(f.series)
	}
	collectors := slices.Clone(r.collectors)
	r.mu.Unlock()

	e := newEmitter()
	for i := range families {
		e.family(&families[i])
	}
	for _, c := range collectors {
		c(e)
	}
	if e.err != nil {
		return e.err
	}
	_, err := w.Write(e.buf)
	return err
}

// Handler serves the registry: GET (and HEAD) /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		if err := r.WriteText(w); err != nil {
			http.Error(w, "metrics: "+err.Error(), http.StatusInternalServerError)
		}
	})
}
