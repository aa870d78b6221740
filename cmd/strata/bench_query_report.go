package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// queryReport is the outcome of one `strata bench query` run.
type queryReport struct {
	Strata, DuckDB, Postgres string
	StrataVia                string // how Strata was queried
	TimedOrder               string // instance or engine (--timed-order)
	DataFile                 string
	KeptDir                  string
	Scale                    int
	Rows                     int64
	Seed, QuerySeed          uint64
	PerType                  int
	Types                    []string
	Engines                  []string
	Loads                    []engineLoad
	Results                  []typeResult
	Profile                  string
	ProfileTypes             []string
}

type engineLoad struct {
	Engine string
	Took   time.Duration
	Rows   int64
	How    string
}

// typeResult is one query type's latencies per engine and what went wrong.
type typeResult struct {
	Type       string
	Rows       int // result rows of Strata's instances, summed
	Latency    map[string][]time.Duration
	Mismatches []mismatch
	Errors     []queryError
}

type mismatch struct {
	Engine   string
	Instance int
	SQL      string
	Diff     string
}

type queryError struct {
	Engine   string
	Instance int
	SQL      string
	Err      string
}

// quantile is the nearest-rank q-quantile of ds (0 when empty).
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if q == 0.5 && len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func (t typeResult) median(engine string) time.Duration { return quantile(t.Latency[engine], 0.5) }
func (t typeResult) p95(engine string) time.Duration    { return quantile(t.Latency[engine], 0.95) }

// geomean is the geometric mean of the engine's median latencies over the
// types where every engine ran (0 if there are none).
func (r *queryReport) geomean(engine string) time.Duration {
	sum, n := 0.0, 0
	for _, t := range r.Results {
		if !r.complete(t) {
			continue
		}
		sum += math.Log(float64(t.median(engine)))
		n++
	}
	if n == 0 {
		return 0
	}
	return time.Duration(math.Exp(sum / float64(n)))
}

// complete reports whether every engine has latencies for t.
func (r *queryReport) complete(t typeResult) bool {
	for _, e := range r.Engines {
		if len(t.Latency[e]) == 0 {
			return false
		}
	}
	return true
}

// slowest returns up to n types by the engine's median latency, slowest
// first.
func (r *queryReport) slowest(engine string, n int) []string {
	rs := slices.Clone(r.Results)
	slices.SortFunc(rs, func(a, b typeResult) int { return int(b.median(engine) - a.median(engine)) })
	var out []string
	for _, t := range rs[:min(n, len(rs))] {
		out = append(out, t.Type)
	}
	return out
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	v := d.Seconds() * 1000
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

func (r *queryReport) has(engine string) bool { return slices.Contains(r.Engines, engine) }

func (r *queryReport) writeTable(w io.Writer) {
	fmt.Fprintf(w, "data: TSBS cpu-only, scale %d, %s rows, seed %d (%s); queries: %d per type, seed %d\n", r.Scale, commas(r.Rows), r.Seed, r.DataFile, r.PerType, r.QuerySeed)
	fmt.Fprintf(w, "strata:   %s (%s)\n", r.Strata, r.StrataVia)
	if r.DuckDB != "" {
		fmt.Fprintf(w, "duckdb:   %s (timed in-process)\n", r.DuckDB)
	}
	if r.Postgres != "" {
		fmt.Fprintf(w, "postgres: %s\n", r.Postgres)
	}
	for _, l := range r.Loads {
		fmt.Fprintf(w, "load %-8s %.2f s  %s\n", l.Engine, l.Took.Seconds(), l.How)
	}
	order := "engines taking turns at every instance"
	if r.TimedOrder == "engine" {
		order = "each engine running a type's instances back to back"
	}
	fmt.Fprintf(w, "latency in ms: median / p95 over the instances (nearest rank), after one untimed run of each, %s\n", order)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"query type", "rows", "strata med", "p95"}
	for _, e := range r.Engines[1:] {
		head = append(head, e+" med", "p95")
	}
	if r.has("duckdb") {
		head = append(head, "strata/duckdb")
	}
	if r.has("postgres") {
		head = append(head, "postgres/strata")
	}
	head = append(head, "check")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, t := range r.Results {
		row := []string{t.Type, commas(int64(t.Rows))}
		for _, e := range r.Engines {
			row = append(row, ms(t.median(e)), ms(t.p95(e)))
		}
		if r.has("duckdb") {
			row = append(row, ratio(t.median("strata"), t.median("duckdb")))
		}
		if r.has("postgres") {
			row = append(row, ratio(t.median("postgres"), t.median("strata")))
		}
		check := "ok"
		if n := len(t.Mismatches) + len(t.Errors); n > 0 {
			check = fmt.Sprintf("%d bad", n)
		}
		row = append(row, check)
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	row := []string{"geometric mean", ""}
	for _, e := range r.Engines {
		row = append(row, ms(r.geomean(e)), "")
	}
	if r.has("duckdb") {
		row = append(row, ratio(r.geomean("strata"), r.geomean("duckdb")))
	}
	if r.has("postgres") {
		row = append(row, ratio(r.geomean("postgres"), r.geomean("strata")))
	}
	fmt.Fprintln(tw, strings.Join(append(row, ""), "\t")+"\t")
	tw.Flush()
	for _, t := range r.Results {
		for _, e := range t.Errors {
			fmt.Fprintf(w, "\nERROR %s #%d on %s: %s\n%s\n", t.Type, e.Instance, e.Engine, e.Err, e.SQL)
		}
		for _, m := range t.Mismatches {
			fmt.Fprintf(w, "\nMISMATCH %s #%d, strata vs %s: %s\n%s\n", t.Type, m.Instance, m.Engine, m.Diff, m.SQL)
		}
	}
	if r.Profile != "" {
		fmt.Fprintf(w, "\nCPU profile of strata running %s: %s (go tool pprof -top <strata binary> %s)\n", strings.Join(r.ProfileTypes, ", "), r.Profile, r.Profile)
	}
	if r.KeptDir != "" {
		fmt.Fprintf(w, "kept: %s\n", r.KeptDir)
	}
}

// jsonType is a typeResult as JSON: latencies in milliseconds.
type jsonType struct {
	Type       string               `json:"type"`
	Rows       int                  `json:"rows"`
	MedianMS   map[string]float64   `json:"median_ms"`
	P95MS      map[string]float64   `json:"p95_ms"`
	AllMS      map[string][]float64 `json:"all_ms"`
	Mismatches []mismatch           `json:"mismatches,omitempty"`
	Errors     []queryError         `json:"errors,omitempty"`
}

func (r *queryReport) writeJSON(w io.Writer) error {
	toMS := func(d time.Duration) float64 { return d.Seconds() * 1000 }
	out := struct {
		*queryReport
		Results  []jsonType         `json:"Results"`
		GeoMeanM map[string]float64 `json:"GeoMeanMedianMS"`
	}{queryReport: r, GeoMeanM: map[string]float64{}}
	for _, e := range r.Engines {
		out.GeoMeanM[e] = toMS(r.geomean(e))
	}
	for _, t := range r.Results {
		jt := jsonType{Type: t.Type, Rows: t.Rows, MedianMS: map[string]float64{}, P95MS: map[string]float64{}, AllMS: map[string][]float64{},
			Mismatches: t.Mismatches, Errors: t.Errors}
		for e, ds := range t.Latency {
			jt.MedianMS[e], jt.P95MS[e] = toMS(t.median(e)), toMS(t.p95(e))
			for _, d := range ds {
				jt.AllMS[e] = append(jt.AllMS[e], toMS(d))
			}
		}
		out.Results = append(out.Results, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
