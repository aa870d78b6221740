package ingest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
)

// pingBody is /ping's answer, InfluxDB 3's fields: clients read the
// version from it (or from X-Influxdb-Version) to tell what they talk to.
type pingBody struct {
	ProductName string `json:"product_name"`
	Version     string `json:"version"`
	Revision    string `json:"revision"`
	ProcessID   string `json:"process_id"`
}

// ping is made once per process: the revision the binary was built from
// and an id that changes when the server restarts.
var ping = sync.OnceValue(func() []byte {
	b, _ := json.Marshal(pingBody{ProductName: "Strata", Version: Version, Revision: revision(), ProcessID: newUUID()})
	return b
})

// revision is the git commit the binary was built from (short; "-dirty"
// when the tree had changes), or "unknown" (go test, or built outside git).
func revision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	rev = rev[:min(len(rev), 10)]
	if dirty {
		rev += "-dirty"
	}
	return rev
}

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// servePing answers GET, HEAD and POST /ping as InfluxDB 3 does: 200 with
// the version as JSON and in X-Influxdb-Version and X-Influxdb-Build (HEAD:
// the headers). InfluxDB 1.x and 2.x answered 204 without a body.
func (h *Handler) servePing(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Influxdb-Version", Version)
	w.Header().Set("X-Influxdb-Build", "strata")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(ping())
	}
}
