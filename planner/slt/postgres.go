package slt

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// SessionSettings pin every PostgreSQL setting that changes how values print
// or compare, so results do not depend on the server's configuration.
var SessionSettings = map[string]string{
	"timezone":           "UTC",
	"datestyle":          "ISO, MDY",
	"intervalstyle":      "postgres",
	"extra_float_digits": "3",
}

// Postgres is an Executor over one pgx connection.
type Postgres struct {
	conn *pgx.Conn
}

// ConnectPostgres connects to dsn with SessionSettings applied at startup.
func ConnectPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres dsn: %w", err)
	}
	for k, v := range SessionSettings {
		cfg.RuntimeParams[k] = v
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	return &Postgres{conn: conn}, nil
}

// Close closes the connection.
func (p *Postgres) Close(ctx context.Context) error {
	return p.conn.Close(ctx)
}

// Conn is the underlying connection.
func (p *Postgres) Conn() *pgx.Conn { return p.conn }

// Exec runs sql (several statements are allowed) with the simple protocol.
func (p *Postgres) Exec(ctx context.Context, sql string) error {
	_, err := p.conn.Exec(ctx, sql)
	return err
}

// Query runs sql and converts every value to the runner's value types.
func (p *Postgres) Query(ctx context.Context, sql string) (*Result, error) {
	rows, err := p.conn.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	fds := rows.FieldDescriptions()
	res := &Result{Columns: make([]Column, len(fds))}
	tm := p.conn.TypeMap()
	for i, fd := range fds {
		name := fmt.Sprintf("oid %d", fd.DataTypeOID)
		if t, ok := tm.TypeForOID(fd.DataTypeOID); ok {
			name = t.Name
		}
		res.Columns[i] = Column{Name: fd.Name, Type: name}
	}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		row := make([]any, len(vals))
		raw := rows.RawValues()
		for i, v := range vals {
			if oid := fds[i].DataTypeOID; (oid == 114 || oid == 3802) && raw[i] != nil {
				// json and jsonb as their text, as psql shows them (pgx
				// would decode them into Go maps).
				b := raw[i]
				if oid == 3802 && fds[i].Format == 1 && len(b) > 0 {
					b = b[1:] // binary jsonb: a version byte, then the text
				}
				row[i] = string(b)
				continue
			}
			if row[i], err = fromPostgres(fds[i].DataTypeOID, v); err != nil {
				return nil, fmt.Errorf("column %s: %w", fds[i].Name, err)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// fromPostgres converts a value pgx decoded into a runner value.
func fromPostgres(oid uint32, v any) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case int16:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint32:
		return int64(x), nil
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	case bool:
		return x, nil
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case pgtype.Numeric:
		s, err := x.Value()
		if err != nil {
			return nil, fmt.Errorf("numeric: %w", err)
		}
		return Numeric(s.(string)), nil
	case pgtype.Interval:
		return Interval{Months: x.Months, Days: x.Days, Micros: x.Microseconds}, nil
	case pgtype.Time:
		// A time of day is compared as the interval since midnight, which
		// is how Strata holds it and prints as the time does.
		return Interval{Micros: x.Microseconds}, nil
	case time.Time:
		switch oid {
		case pgtype.DateOID:
			return Date(x), nil
		case pgtype.TimestampOID:
			return Timestamp(x), nil
		}
		return x, nil
	}
	return nil, fmt.Errorf("unsupported value %T (type oid %d)", v, oid)
}
