package flight

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	pb "github.com/apache/arrow-go/v18/arrow/flight/gen/flight"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stratadb/strata/exec"
	"github.com/stratadb/strata/sql"
)

// preparedStmt is one prepared statement: parsed once, described once,
// run with the parameters last bound to it.
type preparedStmt struct {
	handle string
	db     string
	stmt   *sql.Statement
	schema *arrow.Schema // result columns; nil for INSERT
	ptypes []arrow.DataType

	mu     sync.Mutex
	params []any
	elem   *list.Element
	// snaps are the parameters of the tickets GetFlightInfo issued, by
	// ticket id (oldest first in snapOrder): a ticket runs with the values
	// bound when it was issued, whatever is bound when it is redeemed.
	snaps     map[string][]any
	snapOrder []string
}

// maxSnapshots bounds the tickets of one statement that keep their
// parameters (older ones must be issued again).
const maxSnapshots = 256

func (p *preparedStmt) boundParams() []any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.params
}

// snapshot keeps the bound parameters for a ticket and returns the
// ticket's handle: the statement's, '/', the snapshot's id.
func (p *preparedStmt) snapshot() string {
	var id [8]byte
	_, _ = rand.Read(id[:])
	key := hex.EncodeToString(id[:])
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.snaps == nil {
		p.snaps = map[string][]any{}
	}
	if len(p.snapOrder) >= maxSnapshots {
		delete(p.snaps, p.snapOrder[0])
		p.snapOrder = p.snapOrder[1:]
	}
	p.snaps[key] = p.params
	p.snapOrder = append(p.snapOrder, key)
	return p.handle + "/" + key
}

// ticketParams are the parameters a ticket's handle (snapshot) holds.
func (p *preparedStmt) ticketParams(snap string) ([]any, error) {
	if snap == "" {
		return p.boundParams(), nil // a handle without a snapshot: what is bound now
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	params, ok := p.snaps[snap]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "this execution's parameters are gone (more than %d executions of the statement since): execute it again", maxSnapshots)
	}
	return params, nil
}

// preparedTable holds the open prepared statements, closing the least
// recently used when it is full (clients that never close their
// statements must not grow the server without bound).
type preparedTable struct {
	mu  sync.Mutex
	m   map[string]*preparedStmt
	lru list.List // front: most recently used
	max int
}

func (t *preparedTable) add(p *preparedStmt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]*preparedStmt{}
	}
	for len(t.m) >= t.max && t.lru.Len() > 0 {
		old := t.lru.Remove(t.lru.Back()).(*preparedStmt)
		delete(t.m, old.handle)
	}
	p.elem = t.lru.PushFront(p)
	t.m[p.handle] = p
}

func (t *preparedTable) get(handle []byte) (*preparedStmt, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.m[string(handle)]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "prepared statement %q is not open (closed, or evicted after %d newer ones): prepare it again", handle, t.max)
	}
	t.lru.MoveToFront(p.elem)
	return p, nil
}

func (t *preparedTable) remove(handle []byte) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.m[string(handle)]
	if ok {
		t.lru.Remove(p.elem)
		delete(t.m, p.handle)
	}
	return ok
}

// CreatePreparedStatement parses and describes a statement and keeps it.
// The parameter schema has one field per $n, typed as the engine infers
// it from context (text where nothing fixes it); values of other types
// are accepted when bound and converted as casts would.
func (s *Server) CreatePreparedStatement(ctx context.Context, req flightsql.ActionCreatePreparedStatementRequest) (flightsql.ActionCreatePreparedStatementResult, error) {
	var res flightsql.ActionCreatePreparedStatementResult
	db, err := needDatabase(ctx)
	if err != nil {
		return res, err
	}
	stmt, err := parseOne(req.GetQuery())
	if err != nil {
		return res, toStatus(ctx, err)
	}
	isUpdate := isUpdateKind(stmt.Kind)
	if stmt.Kind != sql.Select && stmt.Kind != sql.Explain && !isUpdate {
		return res, status.Error(codes.InvalidArgument, "only SELECT, EXPLAIN, INSERT, UPDATE, DELETE, CREATE TABLE, TRUNCATE and DROP TABLE statements can be prepared")
	}
	cols, ptypes, err := s.Planner.Describe(ctx, s.session(db), stmt)
	if err != nil {
		return res, toStatus(ctx, err)
	}
	var id [16]byte
	_, _ = rand.Read(id[:])
	p := &preparedStmt{handle: hex.EncodeToString(id[:]), db: db, stmt: stmt, ptypes: ptypes}
	if !isUpdate {
		p.schema = s.resultSchema(db, cols, nil)
	}
	s.prepared.add(p)
	res.Handle = []byte(p.handle)
	res.DatasetSchema = p.schema
	res.ParameterSchema = parameterSchema(stmt, ptypes)
	res.IsUpdate = &isUpdate
	return res, nil
}

func parameterSchema(stmt *sql.Statement, ptypes []arrow.DataType) *arrow.Schema {
	fields := make([]arrow.Field, len(ptypes))
	for i, t := range ptypes {
		if t == nil || t.ID() == arrow.NULL {
			t = exec.TypeText
		}
		if t.ID() == arrow.DICTIONARY {
			t = exec.TypeText
		}
		name := "$" + strconv.Itoa(i+1)
		if stmt.ParamNames != nil && i < len(stmt.ParamNames) {
			name = "$" + stmt.ParamNames[i]
		}
		fields[i] = arrow.Field{Name: name, Type: t, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// ClosePreparedStatement forgets a statement; closing one that is not open
// is not an error (it may have been evicted).
func (s *Server) ClosePreparedStatement(_ context.Context, req flightsql.ActionClosePreparedStatementRequest) error {
	s.prepared.remove(req.GetPreparedStatementHandle())
	return nil
}

// DoPutPreparedStatementQuery binds parameters: the first row of the
// uploaded batches holds one value per parameter. An empty upload clears
// them.
func (s *Server) DoPutPreparedStatementQuery(ctx context.Context, cmd flightsql.PreparedStatementQuery, r flight.MessageReader, _ flight.MetadataWriter) ([]byte, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	rows, err := readParamRows(r, p.stmt.NumParams)
	if err != nil {
		return nil, err
	}
	textParams(rows, p.ptypes)
	if len(rows) > 1 {
		return nil, status.Errorf(codes.InvalidArgument, "%d parameter rows bound to a query: bind one row of values per execution", len(rows))
	}
	p.mu.Lock()
	p.params = nil
	if len(rows) == 1 {
		p.params = rows[0]
	}
	p.mu.Unlock()
	return []byte(p.handle), nil
}

// GetFlightInfoPreparedStatement answers the statement's schema and a
// ticket that runs it with its bound parameters.
func (s *Server) GetFlightInfoPreparedStatement(ctx context.Context, cmd flightsql.PreparedStatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	if p.schema == nil {
		return nil, status.Error(codes.InvalidArgument, "this prepared statement is an INSERT: run it with ExecuteUpdate")
	}
	return s.commandInfo(&pb.CommandPreparedStatementQuery{PreparedStatementHandle: []byte(p.snapshot())}, p.schema, desc)
}

// GetSchemaPreparedStatement answers the statement's result schema.
func (s *Server) GetSchemaPreparedStatement(_ context.Context, cmd flightsql.PreparedStatementQuery, _ *flight.FlightDescriptor) (*flight.SchemaResult, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	schema := p.schema
	if schema == nil {
		schema = arrow.NewSchema(nil, nil)
	}
	return &flight.SchemaResult{Schema: flight.SerializeSchema(schema, s.mem)}, nil
}

// DoPutPreparedStatementUpdate runs a prepared INSERT once per uploaded
// parameter row (or once with the bound parameters when none are
// uploaded), all in one write (every row or, when one fails, none), and
// answers the rows written.
func (s *Server) DoPutPreparedStatementUpdate(ctx context.Context, cmd flightsql.PreparedStatementUpdate, r flight.MessageReader) (int64, error) {
	p, err := s.prepared.get(cmd.GetPreparedStatementHandle())
	if err != nil {
		return 0, err
	}
	rows, err := readParamRows(r, p.stmt.NumParams)
	if err != nil {
		return 0, err
	}
	textParams(rows, p.ptypes)
	if len(rows) == 0 {
		rows = [][]any{p.boundParams()}
	}
	return s.update(ctx, p.db, p.stmt, rows...)
}

// textParams turns values bound to a parameter declared as text into
// their text, as a cast to text writes them (a client may bind an int32 to
// hostname = $1): the result's schema, which the parameter types fixed,
// stays what GetFlightInfo announced.
func textParams(rows [][]any, ptypes []arrow.DataType) {
	for _, row := range rows {
		for i, v := range row {
			if i >= len(ptypes) || v == nil {
				continue
			}
			if t := ptypes[i]; t != nil && t.ID() != arrow.NULL && !exec.IsText(t) {
				continue
			}
			switch v := v.(type) {
			case int64:
				row[i] = strconv.FormatInt(v, 10)
			case float64:
				row[i] = string(exec.AppendFloat(nil, v))
			case bool:
				row[i] = strconv.FormatBool(v)
			case exec.Timestamp:
				row[i] = string(exec.AppendTimestamp(nil, int64(v), time.UTC))
			}
		}
	}
}
