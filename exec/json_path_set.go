package exec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// pathOp is what a path edit does at the path's last step: PostgreSQL's
// setPath operations behind jsonb_set, jsonb_insert and #-.
type pathOp uint8

const (
	pathReplace      pathOp = iota // jsonb_set(.., false): an existing value only
	pathCreate                     // jsonb_set: replace, or add the missing last step
	pathInsertBefore               // jsonb_insert
	pathInsertAfter                // jsonb_insert(.., true)
	pathDelete                     // jsonb #- text[]
)

func (op pathOp) adds() bool {
	return op == pathCreate || op == pathInsertBefore || op == pathInsertAfter
}

// jsonbEditPath applies op with value val at path in the jsonb document
// doc (an object or an array: a scalar document is an error, named by
// verb). Steps into an object are keys; steps into an array are indexes,
// negative ones counted from the end; a step that meets a scalar, or an
// index or key that is not there (unless op adds it at the last step),
// leaves the document as it is; a step into an array that is no integer
// is an error. An empty path is the document.
func jsonbEditPath(doc *jnode, path []*string, val *jnode, op pathOp) (*jnode, error) {
	if doc.kind != 'o' && doc.kind != 'a' {
		verb := "set"
		if op == pathDelete {
			verb = "delete"
		}
		return nil, &JSONArgError{Msg: fmt.Sprintf("cannot %s path in scalar", verb)}
	}
	if len(path) == 0 {
		return doc, nil
	}
	return editPath(doc, path, 0, val, op)
}

func editPath(n *jnode, path []*string, level int, val *jnode, op pathOp) (*jnode, error) {
	if path[level] == nil {
		return nil, &CodedError{Code: "22004", Msg: fmt.Sprintf("path element at position %d is null", level+1)}
	}
	switch n.kind {
	case 'o':
		return editObject(n, path, level, val, op)
	case 'a':
		return editArray(n, path, level, val, op)
	}
	return n, nil
}

func editObject(n *jnode, path []*string, level int, val *jnode, op pathOp) (*jnode, error) {
	key, last := *path[level], level == len(path)-1
	i := slices.Index(n.keys, key)
	if i < 0 {
		if !last || !op.adds() {
			return n, nil
		}
		out := &jnode{kind: 'o', keys: append(slices.Clone(n.keys), key), elems: append(slices.Clone(n.elems), val)}
		out.canonical()
		return out, nil
	}
	out := &jnode{kind: 'o', keys: slices.Clone(n.keys), elems: slices.Clone(n.elems)}
	switch {
	case !last:
		child, err := editPath(n.elems[i], path, level+1, val, op)
		if err != nil {
			return nil, err
		}
		out.elems[i] = child
	case op == pathInsertBefore || op == pathInsertAfter:
		return nil, &JSONArgError{Msg: "cannot replace existing key", Hint: "Try using the function jsonb_set to replace key value."}
	case op == pathDelete:
		out.keys = slices.Delete(out.keys, i, i+1)
		out.elems = slices.Delete(out.elems, i, i+1)
	default:
		out.elems[i] = val
	}
	return out, nil
}

func editArray(n *jnode, path []*string, level int, val *jnode, op pathOp) (*jnode, error) {
	step, last := *path[level], level == len(path)-1
	// PostgreSQL reads the step with strtol: leading white space and a
	// sign, then digits to the end, within int4.
	idx, err := strconv.ParseInt(strings.TrimLeft(step, " \t\n\r\f\v"), 10, 32)
	if err != nil {
		return nil, &CodedError{Code: "22P02", Msg: fmt.Sprintf("path element at position %d is not an integer: \"%s\"", level+1, step)}
	}
	count := int64(len(n.elems))
	prepend := false
	if idx < 0 {
		if -idx > count {
			prepend = true
		} else {
			idx += count
		}
	}
	idx = min(idx, count)
	out := make([]*jnode, 0, len(n.elems)+1)
	done := false
	if (prepend || count == 0) && last && op.adds() {
		out = append(out, val)
		done = true
	}
	for i, e := range n.elems {
		if prepend || int64(i) != idx {
			out = append(out, e)
			continue
		}
		if !last {
			child, err := editPath(e, path, level+1, val, op)
			if err != nil {
				return nil, err
			}
			out = append(out, child)
			continue
		}
		switch op {
		case pathInsertBefore:
			out = append(out, val, e)
		case pathInsertAfter:
			out = append(out, e, val)
		case pathCreate, pathReplace:
			out = append(out, val)
		}
		done = true
	}
	if !done && last && op.adds() {
		out = append(out, val)
	}
	return &jnode{kind: 'a', elems: out}, nil
}

// errNullTreatment is jsonb_set_lax's error for an unknown (or NULL)
// null_value_treatment.
var errNullTreatment = &JSONArgError{Msg: `null_value_treatment must be "delete_key", "return_target", "use_json_null", or "raise_exception"`}

// jsonbSetLax is jsonb_set_lax(doc, path, val, create, treatment) of
// non-NULL doc, path and create: jsonb_set where val is not NULL, else
// what treatment says: set JSON null, delete the path, return doc, or
// raise an error.
func jsonbSetLax(doc *jnode, path []*string, val *jnode, create bool, treatment string) (*jnode, error) {
	op := pathReplace
	if create {
		op = pathCreate
	}
	if val == nil {
		switch treatment {
		case "use_json_null":
			val = &jnode{kind: 'z'}
		case "delete_key":
			op = pathDelete
		case "return_target":
			return doc, nil
		case "raise_exception":
			return nil, &CodedError{Code: "22004", Msg: "JSON value must not be null",
				Hint: "To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed."}
		default:
			return nil, errNullTreatment
		}
	}
	return jsonbEditPath(doc, path, val, op)
}
