package flight

import (
	"encoding/json"
	"fmt"
)

// statementHandle is what a FlightInfo's ticket carries for a plain
// statement: the database and the SQL, so that DoGet needs no server-side
// state and the ticket works on any connection. Layout: JSON
// {"v":1,"db":"...","sql":"..."}; v changes if the layout does.
type statementHandle struct {
	V   int    `json:"v"`
	DB  string `json:"db"`
	SQL string `json:"sql"`
}

const handleVersion = 1

func encodeHandle(db, sql string) []byte {
	b, _ := json.Marshal(statementHandle{V: handleVersion, DB: db, SQL: sql})
	return b
}

func decodeHandle(b []byte) (statementHandle, error) {
	var h statementHandle
	if err := json.Unmarshal(b, &h); err != nil || h.V != handleVersion {
		return h, fmt.Errorf("not a statement handle of this server (get a fresh ticket with GetFlightInfo)")
	}
	return h, nil
}
