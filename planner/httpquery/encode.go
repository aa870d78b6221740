package httpquery

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/stratadb/strata/exec"
)

// encoder writes a result: the first batch (nil if none) and the rest from
// next, until next returns nil.
type encoder func(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error

var encoders = map[string]encoder{
	"json":    encodeJSON(false),
	"jsonl":   encodeJSON(true),
	"csv":     encodeCSV,
	"pretty":  encodePretty,
	"parquet": encodeParquet,
}

// batches calls f for every batch.
func batches(first arrow.Record, next func() (arrow.Record, error), f func(arrow.Record) error) error {
	for rec := first; rec != nil; {
		if err := f(rec); err != nil {
			return err
		}
		var err error
		if rec, err = next(); err != nil {
			return err
		}
	}
	return nil
}

// jsonValue is a value as InfluxDB 3 writes it in JSON: timestamps as
// "2016-01-01T00:00:00" (UTC, no zone suffix), intervals as text.
func jsonValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Timestamp:
		return timeText(int64(a.Value(i)))
	}
	s, _ := exec.FormatValue(a, i, time.UTC)
	return s
}

func timeText(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.999999999")
}

func encodeJSON(lines bool) encoder {
	return func(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
		if lines {
			w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
		} else {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		defer bw.Flush()
		if !lines {
			bw.WriteByte('[')
		}
		n := 0
		err := batches(first, next, func(rec arrow.Record) error {
			for i := 0; i < int(rec.NumRows()); i++ {
				if !lines && n > 0 {
					bw.WriteByte(',')
				}
				bw.WriteByte('{')
				written := 0
				for c := range names {
					v := jsonValue(rec.Column(c), i)
					if v == nil {
						continue // InfluxDB 3 leaves NULLs out
					}
					if written > 0 {
						bw.WriteByte(',')
					}
					k, _ := json.Marshal(names[c])
					bw.Write(k)
					bw.WriteByte(':')
					b, _ := json.Marshal(v)
					bw.Write(b)
					written++
				}
				bw.WriteByte('}')
				if lines {
					bw.WriteByte('\n')
				}
				n++
			}
			return nil
		})
		if !lines {
			bw.WriteString("]")
		}
		return err
	}
}

func textValue(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	if ts, ok := a.(*array.Timestamp); ok {
		return timeText(int64(ts.Value(i)))
	}
	s, _ := exec.FormatValue(a, i, time.UTC)
	return s
}

// appendText appends row i of a as CSV/pretty text (NULL: nothing),
// without allocating for numbers and times.
func appendText(dst []byte, a arrow.Array, i int) []byte {
	if a.IsNull(i) {
		return dst
	}
	switch a := a.(type) {
	case *array.Int64:
		return strconv.AppendInt(dst, a.Value(i), 10)
	case *array.Uint64:
		return strconv.AppendUint(dst, a.Value(i), 10)
	case *array.Float64:
		return exec.AppendFloat(dst, a.Value(i))
	case *array.Timestamp:
		return time.Unix(0, int64(a.Value(i))).UTC().AppendFormat(dst, "2006-01-02T15:04:05.999999999")
	case *array.Boolean:
		if a.Value(i) {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case *array.String:
		return appendCSVField(dst, a.Value(i))
	case *array.Dictionary:
		s, _ := exec.FormatValue(a, i, time.UTC)
		return appendCSVField(dst, s)
	}
	s, _ := exec.FormatValue(a, i, time.UTC)
	return appendCSVField(dst, s)
}

// appendCSVField quotes a text value when CSV needs it (RFC 4180).
func appendCSVField(dst []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && (s == "" || s[0] != ' ') {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
	return append(dst, '"')
}

func encodeCSV(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	bw := bufio.NewWriterSize(w, 256<<10)
	defer bw.Flush()
	var line []byte
	for c, n := range names {
		if c > 0 {
			line = append(line, ',')
		}
		line = appendCSVField(line, n)
	}
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return err
	}
	return batches(first, next, func(rec arrow.Record) error {
		cols := rec.Columns()
		for i := 0; i < int(rec.NumRows()); i++ {
			line = line[:0]
			for c := range names {
				if c > 0 {
					line = append(line, ',')
				}
				line = appendText(line, cols[c], i)
			}
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				return err
			}
		}
		return nil
	})
}

// encodePretty draws an aligned table (it buffers the rows to size columns).
func encodePretty(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rows := [][]string{}
	err := batches(first, next, func(rec arrow.Record) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]string, len(names))
			for c := range names {
				row[c] = textValue(rec.Column(c), i)
			}
			rows = append(rows, row)
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = w.Write([]byte(PrettyTable(names, rows)))
	return err
}

// PrettyTable renders rows as an ASCII table with a header.
func PrettyTable(names []string, rows [][]string) string {
	widths := make([]int, len(names))
	for c, n := range names {
		widths[c] = utf8.RuneCountInString(n)
	}
	for _, r := range rows {
		for c, v := range r {
			widths[c] = max(widths[c], utf8.RuneCountInString(v))
		}
	}
	var b strings.Builder
	line := func() {
		b.WriteByte('+')
		for _, wd := range widths {
			b.WriteString(strings.Repeat("-", wd+2))
			b.WriteByte('+')
		}
		b.WriteByte('\n')
	}
	cells := func(vals []string) {
		b.WriteByte('|')
		for c, v := range vals {
			b.WriteString(" " + v + strings.Repeat(" ", widths[c]-utf8.RuneCountInString(v)) + " |")
		}
		b.WriteByte('\n')
	}
	line()
	cells(names)
	line()
	for _, r := range rows {
		cells(r)
	}
	if len(rows) > 0 {
		line()
	}
	return b.String()
}

func encodeParquet(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
	w.Header().Set("Content-Type", "application/vnd.apache.parquet")
	fields := make([]arrow.Field, len(names))
	for i, f := range schema.Fields() {
		fields[i] = arrow.Field{Name: names[i], Type: f.Type, Nullable: true}
	}
	out := arrow.NewSchema(fields, nil)
	pw, err := pqarrow.NewFileWriter(out, w, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd)), pqarrow.DefaultWriterProps())
	if err != nil {
		return err
	}
	err = batches(first, next, func(rec arrow.Record) error {
		r := array.NewRecord(out, rec.Columns(), rec.NumRows())
		defer r.Release()
		return pw.Write(r)
	})
	if cerr := pw.Close(); err == nil {
		err = cerr
	}
	return err
}
