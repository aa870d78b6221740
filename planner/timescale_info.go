package planner

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/storage"
)

// TimescaleDB's timescaledb_information views, which its users' scripts
// and monitoring dashboards read: every Strata table is a hypertable
// partitioned by time into days (its chunks), stored as compressed
// columnar (Parquet) files.
//
//	hypertables  one row per table: num_chunks, compression_enabled (true)
//	dimensions   its time dimension: column time, interval 1 day
//	chunks       one row per day partition: range_start/range_end, is_compressed
//	             (no row still in the write buffer), chunk_creation_time
//	jobs         one retention policy per table with a retention period of its
//	             own (add_retention_policy), config {"drop_after", "hypertable_id"}
//	continuous_aggregates  the materialized views, each its own materialization
//	             table, with the table it aggregates (hypertable_name)
//	job_stats    the refresh policies' runs since the server started

var (
	tsdbHypertables = []pgColumn{{"hypertable_schema", 19}, {"hypertable_name", 19}, {"owner", 19}, {"num_dimensions", 21},
		{"num_chunks", 20}, {"compression_enabled", 16}, {"tablespaces", 1003}, {"primary_dimension", 19},
		{"primary_dimension_type", 2206}}
	tsdbDimensions = []pgColumn{{"hypertable_schema", 19}, {"hypertable_name", 19}, {"dimension_number", 20}, {"column_name", 19},
		{"column_type", 2206}, {"dimension_type", 25}, {"time_interval", 1186}, {"integer_interval", 20}, {"integer_now_func", 19},
		{"num_partitions", 21}}
	tsdbChunks = []pgColumn{{"hypertable_schema", 19}, {"hypertable_name", 19}, {"chunk_schema", 19}, {"chunk_name", 19},
		{"primary_dimension", 19}, {"primary_dimension_type", 2206}, {"range_start", 1184}, {"range_end", 1184},
		{"range_start_integer", 20}, {"range_end_integer", 20}, {"is_compressed", 16}, {"chunk_tablespace", 19},
		{"chunk_creation_time", 1184}}
	tsdbCaggs = []pgColumn{{"hypertable_schema", 19}, {"hypertable_name", 19}, {"view_schema", 19}, {"view_name", 19},
		{"view_owner", 19}, {"materialized_only", 16}, {"compression_enabled", 16}, {"materialization_hypertable_schema", 19},
		{"materialization_hypertable_name", 19}, {"view_definition", 25}, {"finalized", 16}}
	tsdbJobStats = []pgColumn{{"hypertable_schema", 19}, {"hypertable_name", 19}, {"job_id", 23}, {"last_run_started_at", 1184},
		{"last_successful_finish", 1184}, {"last_run_status", 25}, {"job_status", 25}, {"last_run_duration", 1186},
		{"next_start", 1184}, {"total_runs", 20}, {"total_successes", 20}, {"total_failures", 20}}
	tsdbJobs = []pgColumn{{"job_id", 23}, {"application_name", 19}, {"schedule_interval", 1186}, {"max_runtime", 1186},
		{"max_retries", 23}, {"retry_period", 1186}, {"proc_schema", 19}, {"proc_name", 19}, {"owner", 4096}, {"scheduled", 16},
		{"fixed_schedule", 16}, {"config", 3802}, {"next_start", 1184}, {"initial_start", 1184}, {"hypertable_schema", 19},
		{"hypertable_name", 19}, {"check_schema", 19}, {"check_name", 19}}
)

// shownTimeName is the name a table's time column is shown under here
// (time in an InfluxDB session).
func (b *binder) shownTimeName(table string) string {
	if b.sess.Influx {
		return "time"
	}
	return b.p.timeName(b.sess.Database, table)
}

// asIntervals types the named columns interval (engineType reads the
// catalogs' intervals as text).
func (t *catalogTable) asIntervals(names ...string) {
	for _, n := range names {
		i := t.idx[n]
		t.cols[i].Type, t.cols[i].PGType = exec.TypeInterval, 0
	}
}

// chunkLister is the engine capability behind the chunks: a table's day
// partitions.
type chunkLister interface {
	TableChunks(db, table string) []storage.Chunk
}

// timescaleInfo binds a view of the timescaledb_information schema.
func (b *binder) timescaleInfo(view, alias string) (*scope, error) {
	db := b.sess.Database
	lister, _ := any(b.p.Engine).(chunkLister)
	chunks := func(table string) []storage.Chunk {
		if lister == nil {
			return nil
		}
		return lister.TableChunks(db, table)
	}
	schema := "public"
	if b.sess.Influx {
		schema = influxSchema // InfluxDB 3's clients (the HTTP API, Flight SQL) see the tables in iox
	}
	// tables are the hypertables: the stored tables but materialized views
	// (continuous_aggregates lists those).
	tables := func() []string {
		var out []string
		for _, name := range b.catalogTables(db) {
			if _, isView := b.p.viewOf(db, name); !isView {
				out = append(out, name)
			}
		}
		return out
	}
	var t *catalogTable
	switch view {
	case "continuous_aggregates":
		t = newTableOf(tsdbCaggs)
		for _, name := range b.catalogTables(db) {
			def, ok := b.p.viewOf(db, name)
			if !ok {
				continue
			}
			row := map[string]any{"view_schema": schema, "view_name": name, "view_owner": exec.OwnerRole, "materialized_only": !realTime(def),
				"compression_enabled": false, "materialization_hypertable_schema": schema, "materialization_hypertable_name": name,
				"view_definition": " " + def.Query + ";", "finalized": true}
			if src := def.Options["source"]; src != "" {
				row["hypertable_schema"], row["hypertable_name"] = schema, src
			}
			t.add(row)
		}
	case "hypertables":
		t = newTableOf(tsdbHypertables)
		for _, name := range tables() {
			t.add(map[string]any{"hypertable_schema": schema, "hypertable_name": name, "owner": exec.OwnerRole,
				"num_dimensions": 1, "num_chunks": len(chunks(name)), "compression_enabled": true,
				"primary_dimension": b.shownTimeName(name), "primary_dimension_type": "timestamp with time zone"})
		}
	case "dimensions":
		t = newTableOf(tsdbDimensions)
		t.asIntervals("time_interval")
		for _, name := range tables() {
			t.add(map[string]any{"hypertable_schema": schema, "hypertable_name": name, "dimension_number": 1,
				"column_name": b.shownTimeName(name), "column_type": "timestamp with time zone", "dimension_type": "Time",
				"time_interval": arrow.MonthDayNanoInterval{Days: 1}})
		}
	case "chunks":
		t = newTableOf(tsdbChunks)
		for _, name := range tables() {
			oid := TableOID(db, name)
			for _, c := range chunks(name) {
				start := c.Day * int64(24*time.Hour)
				row := map[string]any{"hypertable_schema": schema, "hypertable_name": name,
					"chunk_schema": "_timescaledb_internal", "chunk_name": fmt.Sprintf("_hyper_%d_%d_chunk", oid, c.Day),
					"primary_dimension": b.shownTimeName(name), "primary_dimension_type": "timestamp with time zone",
					"range_start": exec.Timestamp(start), "range_end": exec.Timestamp(start + int64(24*time.Hour)),
					"is_compressed": c.BufferedRows == 0}
				if c.Created != 0 {
					row["chunk_creation_time"] = exec.Timestamp(c.Created)
				}
				t.add(row)
			}
		}
	case "jobs":
		t = newTableOf(tsdbJobs)
		t.asIntervals("schedule_interval", "max_runtime", "retry_period")
		b.retentionJobs(t, schema)
		b.policyJobs(t, schema)
		b.compressionJobs(t, schema)
	case "compression_settings":
		t = newTableOf(tsdbCompressionSettings)
		b.compressionSettings(view, t, schema, tables(), chunks)
	case "hypertable_compression_settings", "hypertable_columnstore_settings":
		t = newTableOf(tsdbHypertableCompressionSettings)
		b.compressionSettings(view, t, schema, tables(), chunks)
	case "chunk_compression_settings", "chunk_columnstore_settings":
		t = newTableOf(tsdbChunkCompressionSettings)
		b.compressionSettings(view, t, schema, tables(), chunks)
	case "job_stats":
		t = newTableOf(tsdbJobStats)
		t.asIntervals("last_run_duration")
		b.policyJobStats(t, schema)
	default:
		e := errorf(CodeUndefinedTable, "relation \"timescaledb_information.%s\" does not exist", view)
		e.Hint = "Strata has timescaledb_information.hypertables, dimensions, chunks, jobs, job_stats, continuous_aggregates and the compression (columnstore) settings views"
		return nil, e
	}
	b.volatile = true // chunks come and go with writes
	if alias == "" {
		alias = view
	}
	return derivedScope(&Values{Cols: t.cols, Rows: t.rows}, alias), nil
}
