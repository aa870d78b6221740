package httpquery

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/stratadb/strata/planner"
	"github.com/stratadb/strata/sql"
	"github.com/stratadb/strata/storage"
)

// checkRequest refuses a request without a database or a query.
func checkRequest(req request) *httpError {
	if req.DB == "" {
		return &httpError{status: http.StatusBadRequest, err: &planner.Error{Code: "3D000",
			Msg: `missing parameter 'db': name the database to query, e.g. ?db=mydb or {"db": "mydb", ...} in a POST body`}}
	}
	if strings.TrimSpace(req.Q) == "" {
		return badRequest(`missing parameter 'q': the SQL query to run, e.g. ?q=SELECT... or {"q": "SELECT ..."} in a POST body`)
	}
	return nil
}

// checkStatement refuses a statement that writes on GET (GET must not
// change data: a crawler or a prefetching browser would run it), and a
// query of a database that does not exist with 404, as InfluxDB 3 does,
// instead of "relation does not exist". An INSERT or CREATE TABLE may name
// a new database: it creates it, as a line-protocol write does.
func (h *Handler) checkStatement(method, db string, stmt *sql.Statement) *httpError {
	if stmt.Kind == sql.Insert || stmt.Kind == sql.CreateTable || stmt.Kind == sql.CreateDatabase || stmt.Kind == sql.DropDatabase {
		// A write that may create its database, or a statement about
		// another database.
		if method != http.MethodPost {
			what := map[sql.Kind]string{sql.Insert: "INSERT writes data", sql.CreateTable: "CREATE TABLE creates a table",
				sql.CreateDatabase: "CREATE DATABASE creates a database", sql.DropDatabase: "DROP DATABASE deletes data"}[stmt.Kind]
			return &httpError{status: http.StatusMethodNotAllowed, allow: http.MethodPost, err: &planner.Error{Code: "25006",
				Msg: what + ", which a GET request must not do: send it with POST (the same URL, or a JSON body {\"db\": ..., \"q\": ...})"}}
		}
		return nil
	}
	writes := stmt.Kind.Changes()
	if fn := planner.ChangingFunction(stmt); method != http.MethodPost && (writes || fn != "") {
		what := fn + " changes"
		if fn == "drop_chunks" {
			what = "drop_chunks deletes"
		}
		switch stmt.Kind {
		case sql.Delete:
			what = "DELETE deletes"
		case sql.Update:
			what = "UPDATE changes"
		case sql.DropTable:
			what = "DROP TABLE deletes"
		case sql.Truncate:
			what = "TRUNCATE deletes"
		case sql.AlterTable, sql.CreateView, sql.RefreshView, sql.DropView, sql.AlterView, sql.CreatePlainView, sql.DropPlainView, sql.Comment, sql.AlterIndex:
			what = stmt.Kind.Verb() + " changes"
		}
		return &httpError{status: http.StatusMethodNotAllowed, allow: http.MethodPost, err: &planner.Error{Code: "25006",
			Msg: what + " data, which a GET request must not do: send it with POST (the same URL, or a JSON body {\"db\": ..., \"q\": ...})"}}
	}
	dbs := h.Planner.Engine.Databases()
	names := make([]string, len(dbs))
	for i, d := range dbs {
		if d.Name == db {
			return nil
		}
		names[i] = d.Name
	}
	return &httpError{status: http.StatusNotFound, err: &planner.Error{Code: "3D000",
		Msg: fmt.Sprintf("database not found: %s", db), Hint: databaseHint(db, names)}}
}

// databaseHint suggests the database a name was probably meant to be, or
// lists the ones there are.
func databaseHint(db string, names []string) string {
	if len(names) == 0 {
		return "there are no databases yet: writing line protocol to /api/v3/write_lp?db=" + db + " creates one"
	}
	if c := storage.ClosestName(db, names); c != "" {
		return fmt.Sprintf("did you mean %q?", c)
	}
	const shown = 10
	list := strings.Join(names[:min(len(names), shown)], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(", ... (%d in all; GET /api/v3/configure/database lists them)", len(names))
	}
	return "the databases are " + list
}
