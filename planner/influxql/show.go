package influxql

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// translateShow answers SHOW MEASUREMENTS, TAG KEYS, TAG VALUES, FIELD KEYS
// and SERIES with SQL: the catalog's lists as VALUES, tag values and series
// read from the data.
func translateShow(st *ShowStatement, db string, cat Catalog, now time.Time) (*Query, error) {
	if st.Cardinality {
		return cardinality(st, db, cat, now)
	}
	if st.Where != nil && st.What == "field keys" {
		return nil, errorf("SHOW FIELD KEYS ... WHERE is not supported: use SHOW FIELD KEYS FROM <measurement>")
	}
	var names []string
	if st.What == "measurements" {
		for _, m := range cat.Measurements(db) {
			switch {
			case st.Measurement == nil:
			case st.Measurement.Regex != nil:
				re, err := compileRegex(st.Measurement.Regex.Pattern)
				if err != nil {
					return nil, err
				}
				if !re.MatchString(m) {
					continue
				}
			case st.Measurement.Name != m:
				continue
			}
			names = append(names, m)
		}
		if st.Where != nil {
			return existing(st, db, cat, now, names, func(string) []string { return []string{""} })
		}
		names = window(names, st.Limit, st.Offset)
		rows := make([][]string, len(names))
		for i, m := range names {
			rows[i] = []string{"measurements", m}
		}
		return valuesQuery(rows, "name"), nil
	}
	tables, err := showTables(st, db, cat)
	if err != nil {
		return nil, err
	}
	if st.What == "tag keys" && st.Where != nil {
		names := make([]string, len(tables))
		tags := map[string][]string{}
		for i, t := range tables {
			names[i], tags[t.name] = t.name, t.tags
		}
		return existing(st, db, cat, now, names, func(m string) []string { return tags[m] })
	}
	switch st.What {
	case "tag keys", "field keys":
		var rows [][]string
		for _, t := range tables {
			var keys [][]string
			for _, c := range cat.Columns(db, t.name) {
				switch {
				case c.Kind == KindTag && st.What == "tag keys":
					keys = append(keys, []string{t.name, c.Name})
				case c.Kind != KindTag && c.Kind != KindTime && st.What == "field keys":
					keys = append(keys, []string{t.name, c.Name, c.Kind.String()})
				}
			}
			slices.SortFunc(keys, func(a, b []string) int { return strings.Compare(a[1], b[1]) })
			rows = append(rows, window(keys, st.Limit, st.Offset)...)
		}
		if st.What == "tag keys" {
			return valuesQuery(rows, "tagKey"), nil
		}
		return valuesQuery(rows, "fieldKey", "fieldType"), nil
	case "tag values":
		return tagValues(st, tables, now)
	}
	return series(st, tables, now)
}

// showTables are the measurements a SHOW statement reads: FROM's, or all.
func showTables(st *ShowStatement, db string, cat Catalog) ([]*table, error) {
	sources := st.Sources
	if len(sources) == 0 {
		sources = []Source{{Regex: &RegexLit{Pattern: ""}}}
	}
	return loadTables(sources, db, cat)
}

// window is LIMIT and OFFSET applied to a list.
func window[T any](xs []T, limit, offset int64) []T {
	if offset >= int64(len(xs)) {
		return nil
	}
	xs = xs[offset:]
	if limit > 0 && limit < int64(len(xs)) {
		xs = xs[:limit]
	}
	return xs
}

// valuesQuery is a query of constant rows: each row's first string is its
// measurement, the rest the named columns. No rows: nil.
func valuesQuery(rows [][]string, cols ...string) *Query {
	if len(rows) == 0 {
		return nil
	}
	var sb strings.Builder
	sb.WriteString("SELECT m AS " + quoteIdent(MeasurementColumn))
	for i, c := range cols {
		fmt.Fprintf(&sb, ", c%d AS %s", i, quoteIdent(c))
	}
	sb.WriteString(" FROM (VALUES ")
	for i, r := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		q := make([]string, len(r))
		for j, s := range r {
			q[j] = quoteString(s)
		}
		sb.WriteString("(" + strings.Join(q, ", ") + ")")
	}
	sb.WriteString(") AS v(m")
	for i := range cols {
		fmt.Fprintf(&sb, ", c%d", i)
	}
	sb.WriteString(")")
	return &Query{SQL: sb.String()}
}

// showWhere is a SHOW statement's WHERE over table t ("" when none).
func showWhere(st *ShowStatement, t *table, now time.Time) (string, error) {
	if st.Where == nil {
		return "", nil
	}
	s := &selectTranslator{st: &SelectStatement{}, t: t, now: now}
	w, err := s.condition(st.Where)
	if err != nil {
		return "", err
	}
	return " AND " + w, nil
}

// tagValues answers SHOW TAG VALUES: the distinct values of the chosen
// tags per measurement, ordered by key and value.
func tagValues(st *ShowStatement, tables []*table, now time.Time) (*Query, error) {
	var re interface{ MatchString(string) bool }
	if st.KeyRegex != "" {
		r, err := compileRegex(st.KeyRegex)
		if err != nil {
			return nil, err
		}
		re = r
	}
	var branches []string
	for _, t := range tables {
		var keys []string
		for _, k := range t.tags {
			var ok bool
			switch st.KeyOp {
			case "=", "IN":
				ok = slices.Contains(st.Keys, k)
			case "!=":
				ok = !slices.Contains(st.Keys, k)
			case "=~":
				ok = re.MatchString(k)
			case "!~":
				ok = !re.MatchString(k)
			}
			if ok {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		where, err := showWhere(st, t, now)
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("SELECT DISTINCT %s AS %s, %s AS key, %s AS value FROM %s WHERE %s IS NOT NULL%s",
				quoteString(t.name), quoteIdent(MeasurementColumn), quoteString(k), quoteIdent(k), quoteIdent(t.name), quoteIdent(k), where)
		}
		b := "SELECT * FROM (" + strings.Join(parts, " UNION ALL ") + ") AS k ORDER BY key, value"
		b += limitClause(st.Limit, st.Offset)
		branches = append(branches, fmt.Sprintf("SELECT * FROM (%s) AS m%d", b, len(branches)))
	}
	if len(branches) == 0 {
		return nil, nil
	}
	return &Query{SQL: strings.Join(branches, " UNION ALL ") + " ORDER BY 1, 2, 3"}, nil
}

func limitClause(limit, offset int64) string {
	s := ""
	if limit > 0 {
		s += fmt.Sprintf(" LIMIT %d", limit)
	}
	if offset > 0 {
		s += fmt.Sprintf(" OFFSET %d", offset)
	}
	return s
}

// series answers SHOW SERIES: each distinct series key, measurement,tag=value,...
// with the tags in key order and the missing ones left out.
func series(st *ShowStatement, tables []*table, now time.Time) (*Query, error) {
	var branches []string
	for _, t := range tables {
		key := quoteString(escapeKey(t.name, true))
		for _, k := range t.tags {
			v := "replace(replace(replace(" + quoteIdent(k) + `, ',', '\,'), ' ', '\ '), '=', '\=')`
			key += " || CASE WHEN " + quoteIdent(k) + " IS NULL THEN '' ELSE " + quoteString(","+escapeKey(k, false)+"=") + " || " + v + " END"
		}
		where, err := showWhere(st, t, now)
		if err != nil {
			return nil, err
		}
		if where != "" {
			where = " WHERE true" + where
		}
		branches = append(branches, fmt.Sprintf("SELECT DISTINCT '' AS %s, %s AS key FROM %s%s", quoteIdent(MeasurementColumn), key, quoteIdent(t.name), where))
	}
	if len(branches) == 0 {
		return nil, nil
	}
	return &Query{SQL: "SELECT * FROM (" + strings.Join(branches, " UNION ALL ") + ") AS s ORDER BY key" + limitClause(st.Limit, st.Offset)}, nil
}

// escapeKey escapes a measurement (commas, spaces) or tag key (also '=')
// as line protocol writes it in a series key.
func escapeKey(s string, measurement bool) string {
	r := strings.NewReplacer(",", `\,`, " ", `\ `)
	if !measurement {
		r = strings.NewReplacer(",", `\,`, " ", `\ `, "=", `\=`)
	}
	return r.Replace(s)
}

// existing answers SHOW MEASUREMENTS and SHOW TAG KEYS with WHERE: the
// measurements (keys "" of each) or the tag keys of each measurement that
// have a point the condition keeps (with the tag set), LIMIT and OFFSET
// per measurement for tag keys.
func existing(st *ShowStatement, db string, cat Catalog, now time.Time, names []string, keys func(string) []string) (*Query, error) {
	var parts []string
	for _, m := range names {
		t := loadTable(db, m, cat)
		if t == nil {
			continue
		}
		where, err := showWhere(st, t, now)
		if err != nil {
			return nil, err
		}
		for _, k := range keys(m) {
			cond := "true" + where
			if k != "" {
				cond += " AND " + quoteIdent(k) + " IS NOT NULL"
			}
			series, value := quoteString(m), quoteString(k)
			if k == "" {
				series, value = "'measurements'", quoteString(m)
			}
			parts = append(parts, fmt.Sprintf("SELECT %s AS m, %s AS v WHERE EXISTS (SELECT 1 FROM %s WHERE %s)", series, value, quoteIdent(m), cond))
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	col := "tagKey"
	if st.What == "measurements" {
		col = "name"
	}
	sql := "SELECT m AS " + quoteIdent(MeasurementColumn) + ", v AS " + quoteIdent(col) + " FROM (SELECT *, row_number() OVER (PARTITION BY m ORDER BY v) AS r FROM (" +
		strings.Join(parts, " UNION ALL ") + ") AS e) AS n"
	if st.Limit > 0 || st.Offset > 0 {
		sql += fmt.Sprintf(" WHERE r > %d", st.Offset)
		if st.Limit > 0 {
			sql += fmt.Sprintf(" AND r <= %d", st.Offset+st.Limit)
		}
	}
	return &Query{SQL: sql + " ORDER BY 1, 2"}, nil
}

// cardinality answers SHOW ... [EXACT] CARDINALITY with exact counts:
// InfluxDB 1.x's estimates (SHOW MEASUREMENT or SERIES CARDINALITY without
// FROM or WHERE) as one unnamed "cardinality estimation", the rest as a
// "count" per measurement.
func cardinality(st *ShowStatement, db string, cat Catalog, now time.Time) (*Query, error) {
	estimate := !st.Exact && len(st.Sources) == 0 && st.Where == nil
	col := "count"
	if estimate && (st.What == "measurement" || st.What == "series") {
		col = "cardinality estimation"
	}
	if st.What == "measurement" {
		if st.Where != nil {
			return nil, errorf("SHOW MEASUREMENT CARDINALITY ... WHERE is not supported: count SHOW MEASUREMENTS WHERE ...")
		}
		n := int64(len(cat.Measurements(db)))
		if len(st.Sources) > 0 {
			tables, err := loadTables(st.Sources, db, cat)
			if err != nil {
				return nil, err
			}
			n = int64(len(tables))
		}
		return countsQuery([]string{""}, []int64{n}, col), nil
	}
	tables, err := showTables(st, db, cat)
	if err != nil {
		return nil, err
	}
	switch st.What {
	case "tag key", "field key":
		if st.Where != nil {
			return nil, errorf("SHOW %s CARDINALITY ... WHERE is not supported: count SHOW %sS FROM <measurement>", strings.ToUpper(st.What), strings.ToUpper(st.What))
		}
		var names []string
		var counts []int64
		for _, t := range tables {
			n := int64(0)
			for _, c := range cat.Columns(db, t.name) {
				if c.Kind == KindTag && st.What == "tag key" || c.Kind != KindTag && c.Kind != KindTime && st.What == "field key" {
					n++
				}
			}
			names, counts = append(names, t.name), append(counts, n)
		}
		return countsQuery(names, counts, col), nil
	case "tag values":
		inner := *st
		inner.Cardinality, inner.Limit, inner.Offset = false, 0, 0
		q, err := tagValues(&inner, tables, now)
		if q == nil || err != nil {
			return q, err
		}
		// Distinct values of the keys, as InfluxDB counts them.
		return &Query{SQL: "SELECT " + quoteIdent(MeasurementColumn) + ", count(DISTINCT value) AS " + quoteIdent(col) + " FROM (" + q.SQL + ") AS v GROUP BY 1 ORDER BY 1"}, nil
	}
	// series: the distinct tag sets with points (in WHERE's range).
	var branches []string
	for _, t := range tables {
		where, err := showWhere(st, t, now)
		if err != nil {
			return nil, err
		}
		set := "1"
		if len(t.tags) > 0 {
			quoted := make([]string, len(t.tags))
			for i, k := range t.tags {
				quoted[i] = quoteIdent(k)
			}
			set = strings.Join(quoted, ", ")
		}
		branches = append(branches, fmt.Sprintf("SELECT %s AS m, count(*) AS n FROM (SELECT DISTINCT %s FROM %s WHERE true%s) AS s",
			quoteString(t.name), set, quoteIdent(t.name), where))
	}
	if len(branches) == 0 {
		return nil, nil
	}
	all := strings.Join(branches, " UNION ALL ")
	if col == "cardinality estimation" {
		return &Query{SQL: "SELECT '' AS " + quoteIdent(MeasurementColumn) + ", sum(n)::bigint AS " + quoteIdent(col) + " FROM (" + all + ") AS c"}, nil
	}
	return &Query{SQL: "SELECT m AS " + quoteIdent(MeasurementColumn) + ", n AS " + quoteIdent(col) + " FROM (" + all + ") AS c WHERE n > 0 ORDER BY 1"}, nil
}

// countsQuery is a query of one count per measurement ("": unnamed).
func countsQuery(names []string, counts []int64, col string) *Query {
	rows := make([]string, len(names))
	for i := range names {
		rows[i] = fmt.Sprintf("(%s, CAST(%d AS bigint))", quoteString(names[i]), counts[i])
	}
	return &Query{SQL: "SELECT m AS " + quoteIdent(MeasurementColumn) + ", n AS " + quoteIdent(col) + " FROM (VALUES " + strings.Join(rows, ", ") + ") AS v(m, n) ORDER BY 1"}
}
