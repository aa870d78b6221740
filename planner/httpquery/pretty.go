package httpquery

import (
	"fmt"
	"math"
	"net/http"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
)

// prettyEncoder draws the result as an aligned table. Aligning needs every
// row before the first line, so the rows are held, as text, counted
// against limit (the query's memory limit; 0: exec.DefaultMemLimit): a
// result past it fails with the memory-limit error instead of growing the
// server without bound. Cells are held in one byte slice with their ends
// (a cell costs its text and 4 bytes), and the table is written row by
// row.
func prettyEncoder(limit int64) encoder {
	if limit <= 0 {
		limit = exec.DefaultMemLimit
	}
	limit = min(limit, math.MaxUint32) // cell ends are uint32
	return func(w http.ResponseWriter, schema *arrow.Schema, names []string, first arrow.Record, next func() (arrow.Record, error)) error {
		t := &prettyTable{widths: make([]int, len(names))}
		for _, n := range names {
			t.add(n)
		}
		cells := make([]cellAppender, len(names))
		plain := func(dst []byte, s string) []byte { return append(dst, s...) }
		err := batches(first, next, func(rec arrow.Record) error {
			cols := rec.Columns()
			for c := range names {
				cells[c] = textCell(schema, c, cols[c], plain)
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				for c := range names {
					start := len(t.text)
					if !exec.IsNullAt(cols[c], i) {
						t.text = cells[c](t.text, i)
					}
					t.end(start)
				}
				if t.size() > limit {
					return fmt.Errorf("%w: format=pretty holds the whole result to align its columns, and this one passed the query memory limit of %d MiB; ask for csv, json or jsonl, which stream (strata query --format csv), add a LIMIT, or raise --query-memory-limit", exec.ErrMemoryLimit, limit>>20)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		bw := getWriter(w)
		defer putWriter(bw)
		t.write(bw)
		return bw.Flush()
	}
}

// prettyTable holds a table's cells, the header's first: cell k is
// text[ends[k-1]:ends[k]].
type prettyTable struct {
	text   []byte
	ends   []uint32
	widths []int // per column, in runes
}

// add appends a cell.
func (t *prettyTable) add(s string) {
	start := len(t.text)
	t.text = append(t.text, s...)
	t.end(start)
}

// end closes the cell that began at start.
func (t *prettyTable) end(start int) {
	c := len(t.ends) % len(t.widths)
	t.widths[c] = max(t.widths[c], utf8.RuneCount(t.text[start:]))
	t.ends = append(t.ends, uint32(len(t.text)))
}

// size is the memory the table holds.
func (t *prettyTable) size() int64 {
	return int64(cap(t.text)) + 4*int64(cap(t.ends))
}

// write draws the table: a rule, the header, a rule, the rows and a rule
// below them when there are any.
func (t *prettyTable) write(w interface{ Write([]byte) (int, error) }) {
	var line []byte
	rule := func() {
		line = append(line[:0], '+')
		for _, wd := range t.widths {
			for k := 0; k < wd+2; k++ {
				line = append(line, '-')
			}
			line = append(line, '+')
		}
		w.Write(append(line, '\n'))
	}
	cols := len(t.widths)
	rows := len(t.ends) / cols
	rule()
	start := uint32(0)
	for r := 0; r < rows; r++ {
		line = append(line[:0], '|')
		for c := 0; c < cols; c++ {
			end := t.ends[r*cols+c]
			cell := t.text[start:end]
			start = end
			line = append(append(line, ' '), cell...)
			for k := utf8.RuneCount(cell); k < t.widths[c]; k++ {
				line = append(line, ' ')
			}
			line = append(line, " |"...)
		}
		w.Write(append(line, '\n'))
		if r == 0 {
			rule()
		}
	}
	if rows > 1 {
		rule()
	}
}
