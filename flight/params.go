package flight

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stratadb/strata/exec"
)

// maxParamRows bounds the parameter rows one DoPut may bind (each is one
// execution of a prepared INSERT).
const maxParamRows = 100000

// readParamRows reads uploaded parameter batches into rows of engine
// values (nil, bool, int64, float64, string, exec.Timestamp), one value
// per parameter.
func readParamRows(r flight.MessageReader, nparams int) ([][]any, error) {
	var rows [][]any
	for r.Next() {
		rec := r.RecordBatch()
		if int(rec.NumCols()) != nparams {
			return nil, status.Errorf(codes.InvalidArgument, "bound %d parameter values, the statement has %d parameters", rec.NumCols(), nparams)
		}
		if len(rows)+int(rec.NumRows()) > maxParamRows {
			return nil, status.Errorf(codes.InvalidArgument, "more than %d parameter rows in one upload: send them in several", maxParamRows)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]any, nparams)
			for c := range nparams {
				v, err := paramValue(rec.Column(c), i)
				if err != nil {
					return nil, status.Errorf(codes.InvalidArgument, "parameter $%d: %v", c+1, err)
				}
				row[c] = v
			}
			rows = append(rows, row)
		}
	}
	if err := r.Err(); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "read parameters: %v", err)
	}
	return rows, nil
}

// paramValue converts one Arrow value to the engine's parameter values;
// the planner casts it to the type the statement needs.
func paramValue(a arrow.Array, i int) (any, error) {
	if a.IsNull(i) {
		return nil, nil
	}
	switch a := a.(type) {
	case *array.Null:
		return nil, nil
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Int8:
		return int64(a.Value(i)), nil
	case *array.Int16:
		return int64(a.Value(i)), nil
	case *array.Int32:
		return int64(a.Value(i)), nil
	case *array.Int64:
		return a.Value(i), nil
	case *array.Uint8:
		return int64(a.Value(i)), nil
	case *array.Uint16:
		return int64(a.Value(i)), nil
	case *array.Uint32:
		return int64(a.Value(i)), nil
	case *array.Uint64:
		v := a.Value(i)
		if v > math.MaxInt64 {
			return float64(v), nil
		}
		return int64(v), nil
	case *array.Float16:
		return float64(a.Value(i).Float32()), nil
	case *array.Float32:
		return float64(a.Value(i)), nil
	case *array.Float64:
		return a.Value(i), nil
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.StringView:
		return a.Value(i), nil
	case *array.Binary:
		return string(a.Value(i)), nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return exec.Timestamp(int64(a.Value(i)) * int64(unit.Multiplier())), nil
	case *array.Date32:
		return exec.Timestamp(int64(a.Value(i)) * 86400e9), nil
	case *array.Date64:
		return exec.Timestamp(int64(a.Value(i)) * 1e6), nil
	case *array.Decimal128:
		return strconv.ParseFloat(a.ValueStr(i), 64)
	case *array.Dictionary:
		return paramValue(a.Dictionary(), a.GetValueIndex(i))
	case *array.DenseUnion:
		return paramValue(a.Field(a.ChildID(i)), int(a.ValueOffset(i)))
	case *array.SparseUnion:
		return paramValue(a.Field(a.ChildID(i)), i)
	}
	return nil, fmt.Errorf("values of type %s cannot be parameters yet: send bool, integer, float, string or timestamp values", a.DataType())
}
