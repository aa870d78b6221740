package exec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// arg is one evaluated argument of a function: an array, or a constant
// (cnst, possibly nil for NULL) that the function can use without
// broadcasting.
type arg struct {
	arr     arrow.Array
	cnst    any
	isConst bool
	dt      arrow.DataType
}

// funcDef implements one scalar function: resolve checks the argument types
// and returns the result type; eval computes n results.
type funcDef struct {
	resolve func(args []arrow.DataType) (arrow.DataType, error)
	eval    func(c *Ctx, args []arg, n int) (arrow.Array, error)
}

var functions = map[string]funcDef{}

func register(name string, f funcDef) { functions[name] = f }

// FunctionNames lists the scalar functions, sorted (for errors and docs).
func FunctionNames() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// HasFunction reports whether name is a scalar function.
func HasFunction(name string) bool { _, ok := functions[strings.ToLower(name)]; return ok }

// Call applies a scalar function to its arguments.
type Call struct {
	Name string
	Args []Expr
	// UTC evaluates the function (not its arguments) with Location UTC:
	// a timestamp without time zone is its reading held as a UTC instant.
	UTC bool
	dt  arrow.DataType
	def funcDef
}

// NewCall resolves a function by name and argument types.
func NewCall(name string, args []Expr) (*Call, error) {
	name = strings.ToLower(name)
	def, ok := functions[name]
	if !ok {
		return nil, fmt.Errorf("function %s does not exist", name)
	}
	types := make([]arrow.DataType, len(args))
	for i, a := range args {
		types[i] = a.Type()
	}
	dt, err := def.resolve(types)
	if err != nil {
		return nil, fmt.Errorf("function %s(%s): %w", name, typeList(types), err)
	}
	return &Call{Name: name, Args: args, dt: dt, def: def}, nil
}

func typeList(types []arrow.DataType) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = SQLTypeName(t)
	}
	return strings.Join(names, ", ")
}

// SQLTypeName is PostgreSQL's name for the type of Arrow values.
func SQLTypeName(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.BOOL:
		return "boolean"
	case arrow.INT64:
		return "bigint"
	case arrow.INT32:
		return "integer"
	case arrow.UINT64:
		return "numeric"
	case arrow.FLOAT64:
		return "double precision"
	case arrow.STRING, arrow.DICTIONARY:
		return "text"
	case arrow.TIMESTAMP:
		return "timestamp with time zone"
	case arrow.INTERVAL_MONTH_DAY_NANO:
		return "interval"
	case arrow.NULL:
		return "unknown"
	}
	return dt.String()
}

func (e *Call) Type() arrow.DataType { return e.dt }

func (e *Call) String() string {
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = a.String()
	}
	return e.Name + "(" + strings.Join(args, ", ") + ")"
}

func (e *Call) Eval(c *Ctx, rec arrow.Record) (arrow.Array, error) {
	args := make([]arg, len(e.Args))
	defer func() {
		for _, a := range args {
			if a.arr != nil {
				a.arr.Release()
			}
		}
	}()
	for i, a := range e.Args {
		args[i].dt = a.Type()
		if v, ok := constOf(a); ok {
			args[i].cnst, args[i].isConst = v, true
			continue
		}
		arr, err := a.Eval(c, rec)
		if err != nil {
			return nil, err
		}
		args[i].arr = arr
	}
	if e.UTC {
		c = c.InUTC()
	}
	if out, ok, err := e.evalPerValue(c, args, int(rec.NumRows())); ok {
		return out, err
	}
	return e.def.eval(c, args, int(rec.NumRows()))
}

// want checks argument types against a signature; "any" matches all,
// "text" matches plain and tag text, "numeric" int/uint/float, NULL matches
// everything.
func want(args []arrow.DataType, sig ...string) error {
	if len(args) != len(sig) {
		return fmt.Errorf("takes %d arguments, got %d", len(sig), len(args))
	}
	for i, s := range sig {
		if !typeMatches(args[i], s) {
			return fmt.Errorf("argument %d must be %s, not %s", i+1, s, SQLTypeName(args[i]))
		}
	}
	return nil
}

func typeMatches(dt arrow.DataType, s string) bool {
	if dt.ID() == arrow.NULL || s == "any" {
		return true
	}
	switch s {
	case "text":
		return IsText(dt)
	case "numeric":
		return dt.ID() == arrow.INT64 || dt.ID() == arrow.FLOAT64 || dt.ID() == arrow.UINT64
	case "float":
		return dt.ID() == arrow.FLOAT64
	case "int":
		return dt.ID() == arrow.INT64
	case "timestamptz":
		return dt.ID() == arrow.TIMESTAMP
	case "interval":
		return dt.ID() == arrow.INTERVAL_MONTH_DAY_NANO
	case "bool":
		return dt.ID() == arrow.BOOL
	}
	return false
}

// rowArg reads an argument at row i, constants included; ok is false for
// NULL.
func rowArg(a arg, i int) (any, bool) {
	if a.isConst {
		return a.cnst, a.cnst != nil
	}
	if a.arr.IsNull(i) {
		return nil, false
	}
	get, err := valueGetter(a.arr)
	if err != nil {
		return nil, false
	}
	return get(i), true
}
