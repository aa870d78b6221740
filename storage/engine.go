package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stratadb/strata/storage/objstore"
	"github.com/stratadb/strata/storage/pqfile"
	"github.com/stratadb/strata/storage/wal"
)

// Options configure an Engine. Zero values take the defaults below.
type Options struct {
	// DataDir holds the WAL (DataDir/wal) and, unless Store is set, the
	// object store (DataDir/dbs, DataDir/catalog.json).
	DataDir string
	// Store replaces the local object store.
	Store objstore.Store
	// FlushBytes: the write buffer persists when it holds this much.
	FlushBytes int64
	// FlushAge: the write buffer persists when its oldest write is this old.
	FlushAge time.Duration
	// MaxBufferBytes: writes wait while the buffer (active plus persisting)
	// holds more than this, so memory stays bounded when disks lag.
	MaxBufferBytes int64
	// CompactMinFiles: a partition with this many files is compacted.
	CompactMinFiles int
	// CompactDelay: a partition with two or more files and no new file for
	// this long is compacted.
	CompactDelay time.Duration
	// CompactMaxRows: the most rows one compaction merges (in memory); a
	// larger partition is compacted into files of up to this many rows.
	CompactMaxRows int64
	// MaintenanceInterval: how often compaction and retention run.
	MaintenanceInterval time.Duration
	// PageCacheBytes bounds the decoded pages of data files kept in memory
	// for later queries (pqfile.PageCache); 0: a quarter of the memory the
	// process may use, at most DefaultPageCacheBytes; negative: no cache.
	PageCacheBytes int64
	// WALSegmentSize is passed to the WAL.
	WALSegmentSize int64
	Logger         *slog.Logger
	// Now is the clock (tests set it).
	Now func() time.Time
}

// DefaultPageCacheBytes is the largest default budget of the page cache: a
// day of TSBS's 100-host cpu table (864,000 rows × 21 columns) decodes to
// ~120 MB.
const DefaultPageCacheBytes = 1 << 30

func (o *Options) setDefaults() {
	if o.PageCacheBytes == 0 {
		o.PageCacheBytes = defaultPageCacheBytes()
	}
	if o.FlushBytes <= 0 {
		o.FlushBytes = 128 << 20
	}
	if o.FlushAge <= 0 {
		o.FlushAge = 10 * time.Minute
	}
	if o.MaxBufferBytes <= 0 {
		o.MaxBufferBytes = 2 * o.FlushBytes
	}
	if o.CompactMinFiles <= 0 {
		o.CompactMinFiles = 8
	}
	if o.CompactDelay <= 0 {
		o.CompactDelay = 10 * time.Minute
	}
	if o.CompactMaxRows <= 0 {
		o.CompactMaxRows = 4 << 20
	}
	if o.MaintenanceInterval <= 0 {
		o.MaintenanceInterval = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Engine is the durable table engine. See the package documentation for the
// write path, the locks and the goroutines.
type Engine struct {
	opts  Options
	store objstore.Store
	wal   *wal.Log
	log   *slog.Logger
	lock  *os.File // held on DataDir/LOCK while open

	// gate is read-held by a write from its WAL append until its rows are in
	// the buffer, and write-held while the buffer is frozen and the WAL
	// rotated, so that no write straddles the two.
	gate sync.RWMutex

	mu     sync.RWMutex // guards everything below
	cat    *catalog
	active *buffer
	frozen []*buffer // oldest first
	seq    uint64    // last write's sequence number
	closed bool
	// schemaVersion changes whenever a database, table or column comes or
	// goes (plans cached by clients' prepared statements check it).
	schemaVersion atomic.Uint64
	// refs counts open snapshots (and compactions) per file id; doomed
	// holds keys of files gone from the catalog, deleted once
	// unreferenced. Both are guarded by refMu, which is taken after mu when
	// both are held, so that snapshots need only mu's read lock.
	refMu  sync.Mutex
	refs   map[uint64]int
	doomed map[uint64]string
	files  fileCache  // open data files, parsed
	room   *sync.Cond // signalled when the buffer shrinks

	persistMu sync.Mutex // one persist at a time
	// beforeDrop, when set (tests), runs in DropChunks and DropDatabase
	// between their first persist and the drop.
	beforeDrop func()
	compactMu  sync.Mutex // one compaction at a time
	flushCh    chan struct{}
	stop       chan struct{}
	wg         sync.WaitGroup

	stats counters // totals for Stats
}

// Open opens (or creates) the engine's data directory, replays the WAL into
// the write buffer and starts the background persist and maintenance loops.
func Open(opts Options) (*Engine, error) {
	opts.setDefaults()
	if opts.DataDir == "" {
		return nil, errors.New("open storage: no data directory given")
	}
	e := &Engine{
		opts:    opts,
		log:     opts.Logger,
		active:  newBuffer(),
		refs:    map[uint64]int{},
		doomed:  map[uint64]string{},
		flushCh: make(chan struct{}, 1),
		stop:    make(chan struct{}),
	}
	e.room = sync.NewCond(&e.mu)
	if opts.PageCacheBytes > 0 {
		e.files.pages = pqfile.NewPageCache(opts.PageCacheBytes)
	}
	lock, err := lockDir(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open storage: %w", err)
	}
	e.lock = lock
	opened := false
	defer func() {
		if !opened {
			lock.Close()
		}
	}()
	ctx := context.Background()
	e.store = opts.Store
	if e.store == nil {
		local, err := objstore.NewLocal(opts.DataDir)
		if err != nil {
			return nil, fmt.Errorf("open storage: %w", err)
		}
		if err := local.CleanTemp(); err != nil {
			return nil, fmt.Errorf("open storage: %w", err)
		}
		e.store = local
	}
	cat, err := loadCatalog(ctx, e.store)
	if err != nil {
		return nil, fmt.Errorf("open storage in %s: %w", opts.DataDir, err)
	}
	e.cat = cat
	if err := e.removeOrphans(ctx); err != nil {
		return nil, err
	}
	e.wal, err = wal.Open(filepath.Join(opts.DataDir, "wal"), wal.Options{SegmentSize: opts.WALSegmentSize, Logger: opts.Logger})
	if err != nil {
		return nil, fmt.Errorf("open storage: %w", err)
	}
	if err := e.replay(); err != nil {
		e.wal.Close()
		return nil, err
	}
	e.wg.Add(2)
	go e.persistLoop()
	go e.maintenanceLoop()
	opened = true
	return e, nil
}

// replay loads the WAL records not yet persisted into the write buffer.
func (e *Engine) replay() error {
	start := time.Now()
	now := e.opts.Now()
	st, err := e.wal.Replay(e.cat.WALPersisted, func(segment uint64, payload []byte) error {
		db, batches, err := decodeWrite(payload)
		if err != nil {
			// The WAL's checksum matched, so this is not a torn write but
			// a record this version cannot read: stop rather than lose it.
			return fmt.Errorf("WAL segment %d: %w", segment, err)
		}
		if err := e.addSchemaLocked(db, batches); err != nil {
			e.log.Error("WAL record conflicts with the catalog; skipped", "segment", segment, "database", db, "error", err)
			return nil
		}
		e.seq++
		for _, b := range batches {
			e.active.add(db, b, e.seq, now)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replay WAL: %w", err)
	}
	if e.active.rows > 0 || st.Records > 0 {
		e.log.Info("replayed WAL", "records", st.Records, "rows", e.active.rows, "elapsed", time.Since(start).Round(time.Millisecond))
	}
	if st.Records == 0 && st.Segments > 0 {
		// Every segment before this run's holds nothing to keep (each
		// start opens a new segment; a server restarted without writes
		// left one empty segment per start, replayed at every start).
		if err := e.wal.RemoveThrough(e.wal.Segment() - 1); err != nil {
			return fmt.Errorf("remove empty WAL segments: %w", err)
		}
	}
	return nil
}

// removeOrphans deletes data files the catalog does not name: files written
// by a persist or compaction that crashed before its catalog commit.
func (e *Engine) removeOrphans(ctx context.Context) error {
	known := map[string]bool{}
	for _, db := range e.cat.Databases {
		for _, t := range db.Tables {
			for _, f := range t.Files {
				known[f.Key] = true
			}
		}
	}
	objs, err := e.store.List(ctx, dataPrefix)
	if err != nil {
		return fmt.Errorf("open storage: %w", err)
	}
	for _, o := range objs {
		if !known[o.Key] {
			e.log.Warn("removing data file not in the catalog (left by an interrupted persist or compaction)", "key", o.Key)
			if err := e.store.Delete(ctx, o.Key); err != nil {
				return fmt.Errorf("open storage: %w", err)
			}
		}
	}
	return nil
}

// dataPrefix is where data files live in the object store.
const dataPrefix = "dbs/"

// fileKey is the object key of a data file:
// dbs/<db>/<table>/<YYYY-MM-DD>/<id>.parquet, names escaped by pathSegment.
func fileKey(db, table string, day int64, id uint64) string {
	return fmt.Sprintf("%s%s/%s/%s/%020d.parquet", dataPrefix, pathSegment(db), pathSegment(table), dayName(day), id)
}

// WriteOptions tune one write.
type WriteOptions struct {
	// NoSync acknowledges before the WAL record is fsynced.
	NoSync bool
	// Refresh marks a materialized view's refresh (Replace), the only
	// write its table takes.
	Refresh bool
}

// Write stores batches in database db, creating the database, its tables
// and columns as needed. It returns once the write is durable (or, with
// NoSync, logged) and visible to snapshots. Either every batch is stored or,
// on error, none is. The batches belong to the engine afterwards; the times
// of a table whose time column declares a precision (timestamptz(3)) are
// rounded to it. A batch that gives a row no value in a NOT NULL column is
// refused (CodeNotNull).
func (e *Engine) Write(ctx context.Context, db string, batches []*TableBatch, opts WriteOptions) error {
	if err := ValidateDatabaseName(db); err != nil {
		return err
	}
	for _, b := range batches {
		if err := checkBatchNames(b); err != nil {
			return err
		}
		if err := b.Validate(); err != nil {
			return fmt.Errorf("write to %q: %w", db, err)
		}
		if err := b.checkTimes(); err != nil {
			return fmt.Errorf("write to %q: %w", db, err)
		}
	}
	if err := e.waitForRoom(ctx); err != nil {
		return err
	}
	e.roundTimes(db, batches)
	payload := encodeWrite(nil, db, batches)

	e.gate.RLock()
	defer e.gate.RUnlock()
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return &Error{Code: CodeClosed, Msg: "the storage engine is shutting down"}
	}
	for _, b := range batches {
		if err := e.writableLocked(db, b.Table, opts); err != nil {
			e.mu.Unlock()
			return err
		}
		if err := b.CheckNotNull(e.notNullLocked(db, b.Table)); err != nil {
			e.mu.Unlock()
			return err
		}
	}
	if err := e.addSchemaLocked(db, batches); err != nil {
		e.mu.Unlock()
		return err
	}
	ticket, err := e.wal.Append(payload)
	if err != nil {
		e.mu.Unlock()
		return fmt.Errorf("write to %q: %w", db, err)
	}
	e.seq++
	seq := e.seq
	e.mu.Unlock()

	if !opts.NoSync {
		if err := ticket.Wait(); err != nil {
			return fmt.Errorf("write to %q: %w", db, err)
		}
	}
	rows := 0
	for _, b := range batches {
		rows += b.Rows
	}
	e.mu.Lock()
	now := e.opts.Now()
	for _, b := range batches {
		e.active.add(db, b, seq, now)
	}
	full := e.active.bytes >= e.opts.FlushBytes
	e.mu.Unlock()
	e.stats.rowsWritten.Add(uint64(rows))
	if full {
		e.requestFlush()
	}
	return nil
}

// writableLocked refuses a write to a view: to a materialized view's
// table unless the write is its refresh, to a plain view always.
func (e *Engine) writableLocked(db, table string, opts WriteOptions) error {
	dbm := e.cat.database(db)
	if dbm == nil {
		return nil
	}
	if t := dbm.table(table); t != nil && t.View != nil && !opts.Refresh {
		return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("table %q holds a materialized view's rows, which only a refresh writes", table),
			Hint: "write to the view's source table, then REFRESH MATERIALIZED VIEW " + table}
	}
	if dbm.plainView(table) != nil {
		return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("%q is a view, which keeps no rows of its own", table),
			Hint: "write to the table the view reads, or DROP VIEW " + table + " to use the name for a table"}
	}
	if dbm.table(table) != nil {
		return nil
	}
	if t := dbm.keyNamed(table); t != nil { // a new table's name
		return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("%q is the key of table %q, whose index has this name: a table cannot take it", table, t.Name),
			Hint: "write to another table name, or ALTER TABLE " + t.Name + " DROP CONSTRAINT " + table + " to free the name"}
	}
	return nil
}

func checkBatchNames(b *TableBatch) error {
	if err := ValidateName("table", b.Table); err != nil {
		return err
	}
	for i := range b.Tags {
		if err := ValidateName("column", b.Tags[i].Name); err != nil {
			return err
		}
	}
	for i := range b.Fields {
		if err := ValidateName("column", b.Fields[i].Name); err != nil {
			return err
		}
	}
	return nil
}

// waitForRoom blocks while the write buffer is over its limit.
func (e *Engine) waitForRoom(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for e.bufferedBytesLocked() > e.opts.MaxBufferBytes && !e.closed {
		if err := ctx.Err(); err != nil {
			return err
		}
		e.requestFlush()
		e.room.Wait()
	}
	return nil
}

func (e *Engine) bufferedBytesLocked() int64 {
	n := e.active.bytes
	for _, b := range e.frozen {
		n += b.bytes
	}
	return n
}

// addSchemaLocked checks every column of the write against the catalog and
// adds the new ones; on a conflict nothing is added.
func (e *Engine) addSchemaLocked(db string, batches []*TableBatch) error {
	dbm := e.cat.database(db)
	type newCol struct {
		table, name string
		typ         ColumnType
	}
	var added []newCol
	changed := dbm == nil
	pending := map[[2]string]ColumnType{}
	check := func(table, name string, typ ColumnType) error {
		if name == TimeColumn {
			return &Error{Code: CodeInvalidName, Msg: fmt.Sprintf("table '%s': a tag or field cannot be named 'time'", table)}
		}
		if dbm != nil {
			if t := dbm.table(table); t != nil {
				if err := t.checkColumn(name, typ); err != nil {
					return err
				}
				if _, ok := t.Column(name); ok {
					return nil
				}
				if t.Key != nil && typ == TypeTag {
					return t.keyedTagError(name)
				}
			}
		}
		key := [2]string{table, name}
		if prev, ok := pending[key]; ok {
			if prev != typ {
				return columnTypeError(table, name, prev, typ)
			}
			return nil
		}
		pending[key] = typ
		added = append(added, newCol{table, name, typ})
		return nil
	}
	for _, b := range batches {
		for i := range b.Tags {
			if err := check(b.Table, b.Tags[i].Name, TypeTag); err != nil {
				return err
			}
		}
		for i := range b.Fields {
			if err := check(b.Table, b.Fields[i].Name, b.Fields[i].Type); err != nil {
				return err
			}
		}
	}
	if dbm == nil {
		dbm, _ = e.cat.createDatabase(db, 0)
	}
	for _, b := range batches {
		if dbm.table(b.Table) == nil {
			dbm.createTable(b.Table)
			changed = true
		}
	}
	for _, c := range added {
		dbm.table(c.table).addColumn(c.name, c.typ)
	}
	if changed || len(added) > 0 {
		e.schemaVersion.Add(1)
	}
	return nil
}

// SchemaVersion is a number that changes whenever a database, table or
// column is created or dropped, or a retention period changes: a plan made
// against one version of the catalog is valid while it stays the same.
func (e *Engine) SchemaVersion() uint64 { return e.schemaVersion.Load() }

// roundTimes rounds the times of batches whose table's time column
// declares a precision (Declared.Rounded) as it holds them, as the
// catalog says when the write starts.
func (e *Engine) roundTimes(db string, batches []*TableBatch) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	dbm := e.cat.database(db)
	if dbm == nil {
		return
	}
	for _, b := range batches {
		t := dbm.table(b.Table)
		if t == nil || t.Columns[0].SQLType == "" {
			continue
		}
		if d := ParseDeclared(t.Columns[0].SQLType); d.Rounded {
			for i, v := range b.Time {
				b.Time[i], _ = d.Time(v)
			}
		}
	}
}

// requestFlush asks the persist loop to persist the buffer now.
func (e *Engine) requestFlush() {
	select {
	case e.flushCh <- struct{}{}:
	default:
	}
}

// Close persists the write buffer, stops the background work and closes the
// WAL. Writes after Close fail.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.mu.Unlock()
	close(e.stop)
	e.wg.Wait()
	err := e.Persist(context.Background())
	e.mu.Lock()
	e.closed = true
	e.room.Broadcast()
	e.mu.Unlock()
	if cerr := e.wal.Close(); err == nil {
		err = cerr
	}
	e.files.close()
	e.lock.Close()
	return err
}

// PageCacheStats returns the counters of the page cache (zero when off).
func (e *Engine) PageCacheStats() pqfile.CacheStats {
	if e.files.pages == nil {
		return pqfile.CacheStats{}
	}
	return e.files.pages.Stats()
}

// DatabaseInfo describes a database.
type DatabaseInfo struct {
	Name      string
	Retention time.Duration
	Tables    []string
}

// Databases lists the databases, sorted by name.
func (e *Engine) Databases() []DatabaseInfo {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]DatabaseInfo, 0, len(e.cat.Databases))
	for _, db := range e.cat.Databases {
		info := DatabaseInfo{Name: db.Name, Retention: db.Retention}
		for _, t := range db.Tables {
			info.Tables = append(info.Tables, t.Name)
		}
		out = append(out, info)
	}
	return out
}

// TableSchema returns a copy of a table's columns, in table order.
func (e *Engine) TableSchema(db, table string) ([]ColumnMeta, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return nil, err
	}
	return append([]ColumnMeta(nil), t.Columns...), nil
}

// TableSize returns the bytes a table's data files take on disk (what
// pg_table_size reports); rows still only in the write buffer and the WAL
// are not counted.
func (e *Engine) TableSize(db, table string) (int64, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, f := range t.Files {
		n += f.Size
	}
	return n, nil
}

func (e *Engine) tableLocked(db, table string) (*TableMeta, error) {
	dbm := e.cat.database(db)
	if dbm == nil {
		return nil, &Error{Code: CodeNotFound, Msg: fmt.Sprintf("database %q does not exist", db), Hint: suggest(db, e.databaseNamesLocked())}
	}
	t := dbm.table(table)
	if t == nil {
		names := make([]string, 0, len(dbm.Tables)+len(dbm.Views))
		for _, t := range dbm.Tables {
			names = append(names, t.Name)
		}
		for _, v := range dbm.Views {
			names = append(names, v.Name)
		}
		return nil, &Error{Code: CodeNotFound, Msg: fmt.Sprintf("table %q does not exist in database %q", table, db), Hint: suggest(table, names)}
	}
	return t, nil
}

func (e *Engine) databaseNamesLocked() []string {
	names := make([]string, 0, len(e.cat.Databases))
	for _, d := range e.cat.Databases {
		names = append(names, d.Name)
	}
	return names
}

// ColumnType returns the type of a column, if the table has it. It is what
// the line-protocol parser consults to reject type conflicts line by line.
func (e *Engine) ColumnType(db, table, column string) (ColumnType, bool) {
	c, ok := e.Column(db, table, column)
	return c.Type, ok // TypeInvalid when there is none
}

// Column returns a table's column, if it has it.
func (e *Engine) Column(db, table, column string) (ColumnMeta, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.liveTableLocked(db, table)
	if t == nil {
		return ColumnMeta{}, false
	}
	return t.Column(column)
}

// CreateDatabase creates a database with a retention period (0 = for ever).
// It fails with CodeAlreadyExists if the database exists.
func (e *Engine) CreateDatabase(ctx context.Context, name string, retention time.Duration) error {
	if err := ValidateDatabaseName(name); err != nil {
		return err
	}
	if err := CheckRetention(retention); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, created := e.cat.createDatabase(name, retention); !created {
		return &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("database %q already exists", name)}
	}
	return e.commitSchemaLocked(ctx, func() {
		e.cat.dropDatabase(name)
	})
}

// CreateTable creates an empty table with the columns given, and its
// database if there is none. Storage keeps them in its order (time, tags,
// fields; each kind in the order given); SQL shows and fills them in the
// order given (ColumnMeta.Num), the time column where it is given, or
// first when it is left out. Writes are then checked against these
// types, as they are against a table an earlier write made. A time column of another name
// than time is stored as time and shown under its name (TimeName). It
// fails with CodeAlreadyExists if the table exists.
func (e *Engine) CreateTable(ctx context.Context, db, table string, cols []ColumnMeta) error {
	return e.createTable(ctx, db, table, cols, nil, nil)
}

// CreateView creates the table of a materialized view: CreateTable's, with
// the view's definition, which ViewOf returns. Only writes with
// WriteOptions.Refresh go into it.
func (e *Engine) CreateView(ctx context.Context, db, table string, cols []ColumnMeta, def ViewDef) error {
	return e.createTable(ctx, db, table, cols, &def, nil)
}

// TimeName is the name SQL shows table's time column under: time unless
// the table was created with another (CreateTable) or it was renamed.
// Storage's columns and records name it time whatever it is shown as.
func (e *Engine) TimeName(db, table string) string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if t := e.liveTableLocked(db, table); t != nil {
		return t.shownTime()
	}
	return TimeColumn
}

// ViewOf returns the definition of the materialized view whose rows table
// holds; ok is false for a plain table or none.
func (e *Engine) ViewOf(db, table string) (def ViewDef, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.liveTableLocked(db, table)
	if t == nil || t.View == nil {
		return ViewDef{}, false
	}
	return t.View.clone(), true
}

// SetViewOptions replaces a materialized view's options (ViewDef.Options)
// in one catalog commit.
func (e *Engine) SetViewOptions(ctx context.Context, db, table string, opts map[string]string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return err
	}
	if t.View == nil {
		return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("table %q is not a materialized view", table)}
	}
	old := t.View.Options
	t.View.Options = maps.Clone(opts)
	if err := e.cat.commit(ctx, e.store); err != nil {
		t.View.Options = old
		return err
	}
	return nil
}

// SetTableOptions replaces a table's options (TableMeta.Options; empty
// removes them) in one catalog commit.
func (e *Engine) SetTableOptions(ctx context.Context, db, table string, opts map[string]string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return err
	}
	old := t.Options
	t.Options = nil
	if len(opts) > 0 {
		t.Options = maps.Clone(opts)
	}
	if err := e.cat.commit(ctx, e.store); err != nil {
		t.Options = old
		return err
	}
	return nil
}

// TableOptions returns a copy of a table's options (nil when it has none).
func (e *Engine) TableOptions(db, table string) (map[string]string, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return nil, err
	}
	return maps.Clone(t.Options), nil
}

func (d *ViewDef) clone() ViewDef {
	c := *d
	c.Columns = slices.Clone(d.Columns)
	c.Options = maps.Clone(d.Options)
	return c
}

func (e *Engine) createTable(ctx context.Context, db, table string, cols []ColumnMeta, view *ViewDef, key *TableKey) error {
	if err := ValidateDatabaseName(db); err != nil {
		return err
	}
	if err := ValidateName("table", table); err != nil {
		return err
	}
	seen, timeAt := map[string]bool{}, -1
	for i, c := range cols {
		if err := ValidateName("column", c.Name); err != nil {
			return err
		}
		if seen[c.Name] {
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("column %q is given twice", c.Name)}
		}
		seen[c.Name] = true
		switch {
		case c.Name == TimeColumn && c.Type != TypeTime:
			return &Error{Code: CodeInvalidName, Msg: fmt.Sprintf("table '%s': only the time column may be named 'time'", table)}
		case c.Type == TypeTime && timeAt >= 0:
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("table '%s' has one time column, %q and %q are both given as it", table, cols[timeAt].Name, c.Name)}
		case c.Type == TypeTime:
			timeAt = i
		case c.Type != TypeTime && c.Type != TypeTag && !c.Type.IsField():
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("column %q: invalid type %d", c.Name, c.Type)}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	dbm, createdDB := e.cat.createDatabase(db, 0)
	taken := dbm.nameTaken(table)
	if taken == nil && key != nil {
		taken = dbm.nameTaken(key.Name)
		if key.Name == table {
			taken = &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("key %q of table %q has the table's name", key.Name, table)}
		}
	}
	if taken != nil {
		if createdDB {
			e.cat.dropDatabase(db)
		}
		return taken
	}
	t := dbm.createTable(table)
	for _, c := range cols {
		if c.Type == TypeTime {
			if c.Name != TimeColumn {
				t.TimeName = c.Name
			}
			t.Columns[0].Default, t.Columns[0].SQLType = c.Default, c.SQLType
			continue
		}
		t.addColumn(c.Name, c.Type)
		t.Columns[t.colIdx[c.Name]].Default, t.Columns[t.colIdx[c.Name]].SQLType = c.Default, c.SQLType
		t.Columns[t.colIdx[c.Name]].NotNull = c.NotNull
	}
	// The places SQL shows: the order given, the time column first when
	// it was left out.
	t.NAtts = 0
	if timeAt < 0 {
		t.NAtts, t.Columns[0].Num = 1, 1
	}
	for _, c := range cols {
		t.NAtts++
		if c.Type == TypeTime {
			t.Columns[0].Num = t.NAtts // stored as time (TimeName)
		} else {
			t.Columns[t.colIdx[c.Name]].Num = t.NAtts
		}
	}
	if view != nil {
		v := view.clone()
		t.View = &v
	}
	if key != nil {
		t.Key = &TableKey{Name: key.Name, Primary: key.Primary, Columns: slices.Clone(key.Columns)}
	}
	return e.commitSchemaLocked(ctx, func() {
		dbm.dropTable(table)
		if createdDB {
			e.cat.dropDatabase(db)
		}
	})
}

// AddColumns adds columns to a table (stored: tags after its tags, fields
// at the end; SQL shows them after its other columns, in the order
// given). A column it has with the same type is left as it is; with another
// type it is a conflict, and nothing is added.
func (e *Engine) AddColumns(ctx context.Context, db, table string, cols []ColumnMeta) error {
	if err := checkAdded(cols); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.addColumnsLocked(ctx, db, table, cols, nil)
}

// checkAdded refuses columns no table can have.
func checkAdded(cols []ColumnMeta) error {
	for _, c := range cols {
		if err := ValidateName("column", c.Name); err != nil {
			return err
		}
		if c.Name == TimeColumn || c.Type != TypeTag && !c.Type.IsField() {
			return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("column %q: a table has one time column, named time", c.Name)}
		}
	}
	return nil
}

// addColumnsLocked is AddColumns with e.mu held. With fills, the rows of
// the table's files read fills[c] (as text, fillText) in each column c it
// names (FileMeta.Filled), in the same commit; such a column must be new.
func (e *Engine) addColumnsLocked(ctx context.Context, db, table string, cols []ColumnMeta, fills map[string]string) error {
	t, err := e.tableLocked(db, table)
	if err != nil {
		return err
	}
	for _, c := range cols {
		if err := t.checkColumn(c.Name, c.Type); err != nil {
			return err
		}
		if _, had := t.colIdx[c.Name]; !had && t.Key != nil && c.Type == TypeTag {
			return t.keyedTagError(c.Name)
		}
		_, filled := fills[c.Name]
		if _, had := t.colIdx[c.Name]; had && filled {
			return &Error{Code: CodeAlreadyExists, Msg: fmt.Sprintf("column %q of table %q already exists", c.Name, table)}
		}
	}
	before, files := t.cloneSchema(), t.Files
	for _, c := range cols {
		if _, had := t.colIdx[c.Name]; !had {
			t.addColumn(c.Name, c.Type)
			t.Columns[t.colIdx[c.Name]].Default, t.Columns[t.colIdx[c.Name]].SQLType = c.Default, c.SQLType
			t.Columns[t.colIdx[c.Name]].NotNull = c.NotNull
		}
	}
	if len(t.Columns) == len(before.Columns) {
		return nil
	}
	if len(fills) > 0 {
		t.Files = make([]*FileMeta, len(files))
		for j, f := range files {
			t.Files[j] = f.withFills(fills)
		}
	}
	return e.commitSchemaLocked(ctx, func() {
		t.Columns, t.Files, t.NAtts = before.Columns, files, before.NAtts
		t.reindex()
	})
}

// SetColumnDefault sets the default of a table's column
// (ColumnMeta.Default; "" drops it) in one catalog commit.
func (e *Engine) SetColumnDefault(ctx context.Context, db, table, column, expr string) error {
	return e.setColumnText(ctx, db, table, column, expr, func(c *ColumnMeta) *string { return &c.Default })
}

// SetColumnSQLType sets the declared SQL type of a table's column
// (ColumnMeta.SQLType; "" drops it) in one catalog commit. The caller has
// checked that the stored values fit it.
func (e *Engine) SetColumnSQLType(ctx context.Context, db, table, column, sqlType string) error {
	return e.setColumnText(ctx, db, table, column, sqlType, func(c *ColumnMeta) *string { return &c.SQLType })
}

// setColumnText sets the text field of a table's column that field points
// to in one catalog commit.
func (e *Engine) setColumnText(ctx context.Context, db, table, column, v string, field func(*ColumnMeta) *string) error {
	return e.setColumn(ctx, db, table, column, func(c *ColumnMeta) func() {
		at := field(c)
		old := *at
		if old == v {
			return nil
		}
		*at = v
		return func() { *at = old }
	})
}

// commitSchemaLocked commits the catalog, changed by the caller (with e.mu
// held), as a new schema version (SchemaVersion); when the commit fails,
// undo puts back what the caller changed.
func (e *Engine) commitSchemaLocked(ctx context.Context, undo func()) error {
	e.schemaVersion.Add(1)
	if err := e.cat.commit(ctx, e.store); err != nil {
		undo()
		return err
	}
	return nil
}

// setColumn changes a table's column in one catalog commit: set changes
// c and returns what undoes it, or nil when it changed nothing.
func (e *Engine) setColumn(ctx context.Context, db, table, column string, set func(c *ColumnMeta) (undo func())) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return err
	}
	i, ok := t.colIdx[column]
	if !ok {
		return &Error{Code: CodeNotFound, Msg: fmt.Sprintf("column %q of table %q does not exist", column, table)}
	}
	undo := set(&t.Columns[i])
	if undo == nil {
		return nil
	}
	return e.commitSchemaLocked(ctx, undo)
}

// CheckRetention refuses a retention period Strata cannot keep: negative,
// or under an hour (0 is for ever).
func CheckRetention(d time.Duration) error {
	if d < 0 {
		return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("retention period %v is negative", d)}
	}
	if d > 0 && d < time.Hour {
		return &Error{Code: CodeInvalidArgument, Msg: fmt.Sprintf("retention period %v is shorter than the minimum of 1h", d)}
	}
	return nil
}

// SetRetention changes a database's retention period (0 = for ever). Rows
// older than the new period disappear from queries at once.
func (e *Engine) SetRetention(ctx context.Context, name string, retention time.Duration) error {
	if err := CheckRetention(retention); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	dbm := e.cat.database(name)
	if dbm == nil {
		return &Error{Code: CodeNotFound, Msg: fmt.Sprintf("database %q does not exist", name), Hint: suggest(name, e.databaseNamesLocked())}
	}
	old := dbm.Retention
	dbm.Retention = retention
	return e.commitSchemaLocked(ctx, func() {
		dbm.Retention = old
	})
}

// SetTableRetention sets how long a table's rows live, replacing its
// database's period for that table (InfluxDB 3 Enterprise's table retention,
// TimescaleDB's add_retention_policy); 0 returns the table to its
// database's period. Rows older than the period disappear from queries at
// once; their files go at the next retention pass.
func (e *Engine) SetTableRetention(ctx context.Context, db, table string, retention time.Duration) error {
	if err := CheckRetention(retention); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return err
	}
	old := t.Retention
	t.Retention = retention
	return e.commitSchemaLocked(ctx, func() {
		t.Retention = old
	})
}

// MaintenanceInterval is how often retention and compaction run.
func (e *Engine) MaintenanceInterval() time.Duration { return e.opts.MaintenanceInterval }

// TableRetention returns a table's own retention period (0 when its
// database's applies) and its database's (0: for ever).
func (e *Engine) TableRetention(db, table string) (own, database time.Duration, err error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return 0, 0, err
	}
	return t.Retention, e.cat.database(db).Retention, nil
}

// DropDatabase deletes a database and all its data.
func (e *Engine) DropDatabase(ctx context.Context, name string) error {
	return e.dropping(ctx, func() error { return e.dropDatabase(ctx, name) })
}

// DropTable deletes a table: its schema, files and buffered rows. A later
// write to its name creates a new table, with the columns and types that
// write gives.
func (e *Engine) DropTable(ctx context.Context, db, table string) error {
	return e.dropping(ctx, func() error { return e.dropTable(ctx, db, table) })
}

// dropping runs drop, which removes a database or table from the catalog
// and the write buffer, between two persists.
func (e *Engine) dropping(ctx context.Context, drop func() error) error {
	// Persist first: afterwards no WAL segment holds the dropped writes,
	// so a restart cannot bring them back by replay. No other persist runs
	// until the drop is done.
	e.persistMu.Lock()
	defer e.persistMu.Unlock()
	if err := e.persistLocked(ctx); err != nil {
		return err
	}
	if e.beforeDrop != nil {
		e.beforeDrop()
	}
	if err := drop(); err != nil {
		return err
	}
	// Writes that raced the drop are gone from the buffer (frozen) but
	// still in the WAL: persisting again moves the WAL past them.
	return e.persistLocked(ctx)
}

func (e *Engine) dropTable(ctx context.Context, db, table string) error {
	e.gate.Lock() // writes wait: none is half in
	defer e.gate.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	t, err := e.tableLocked(db, table)
	if err != nil {
		return err
	}
	dbm := e.cat.database(db)
	at := dbm.dropTable(table)
	if err := e.commitSchemaLocked(ctx, func() {
		dbm.restoreTable(t, at)
	}); err != nil {
		return err
	}
	return e.forgetLocked(func(key partKey) bool { return key.db == db && key.table == table }, t)
}

func (e *Engine) dropDatabase(ctx context.Context, name string) error {
	e.gate.Lock() // writes wait: none is half in
	defer e.gate.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	dbm := e.cat.dropDatabase(name)
	if dbm == nil {
		return &Error{Code: CodeNotFound, Msg: fmt.Sprintf("database %q does not exist", name), Hint: suggest(name, e.databaseNamesLocked())}
	}
	if err := e.commitSchemaLocked(ctx, func() {
		e.cat.Databases = append(e.cat.Databases, dbm)
		sort.Slice(e.cat.Databases, func(i, j int) bool { return e.cat.Databases[i].Name < e.cat.Databases[j].Name })
		e.cat.index()
	}); err != nil {
		return err
	}
	return e.forgetLocked(func(key partKey) bool { return key.db == name }, dbm.Tables...)
}

// forgetLocked removes what a committed drop left: the buffered rows of
// the partitions drop names and the files of tables, deleted once no
// snapshot reads them.
func (e *Engine) forgetLocked(drop func(partKey) bool, tables ...*TableMeta) error {
	raced := e.active.dropParts(drop)
	for _, b := range e.frozen { // none: the persist before left none
		b.dropParts(drop)
	}
	for _, t := range tables {
		for _, f := range t.Files {
			e.doomLocked(f)
		}
	}
	e.room.Broadcast()
	if raced {
		// Freeze even an emptied buffer: the persist after moves the WAL
		// past the dropped writes.
		return e.freezeLocked()
	}
	return nil
}

// doomLocked schedules a file removed from the catalog for deletion once no
// snapshot reads it.
func (e *Engine) doomLocked(f *FileMeta) {
	e.refMu.Lock()
	defer e.refMu.Unlock()
	e.doomRefLocked(f)
}

// doomRefLocked is doomLocked with refMu held.
func (e *Engine) doomRefLocked(f *FileMeta) {
	if e.refs[f.ID] > 0 {
		e.doomed[f.ID] = f.Key
		return
	}
	e.files.forget(f.ID)
	if err := e.store.Delete(context.Background(), f.Key); err != nil {
		e.log.Warn("could not delete data file; it will be removed at the next start", "key", f.Key, "error", err)
	}
}

// suggest returns a "did you mean" hint for a misspelt name.
func suggest(name string, candidates []string) string {
	best := ClosestName(name, candidates)
	if best == "" {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", best)
}

// ClosestName returns the candidate within two edits of name (ignoring
// case), or "": the basis of every "did you mean" hint.
func ClosestName(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// sortedParts returns a buffer's partition keys in a stable order.
func sortedParts(b *buffer) []partKey {
	keys := make([]partKey, 0, len(b.parts))
	for k := range b.parts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.db != c.db {
			return a.db < c.db
		}
		if a.table != c.table {
			return a.table < c.table
		}
		return a.day < c.day
	})
	return keys
}
