package wal

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	crashDirEnv  = "STRATA_WAL_CRASH_DIR"
	crashBaseEnv = "STRATA_WAL_CRASH_BASE"
	crashMaxIDs  = 1_000_000 // ids per round; the child stops there if never killed
)

// TestCrashChild is the child of TestCrash: it appends from several goroutines
// and prints "ack <id>" for every record once Wait returned nil, until killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("runs only as the child process of TestCrash")
	}
	base, err := strconv.ParseUint(os.Getenv(crashBaseEnv), 10, 64)
	require.NoError(t, err)
	l := openLog(t, dir, Options{SegmentSize: 256 << 10})
	var (
		out  sync.Mutex
		next atomic.Uint64
		wg   sync.WaitGroup
	)
	for w := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(base, uint64(w)))
			for {
				n := next.Add(1)
				if n >= crashMaxIDs {
					return
				}
				tk, err := l.Append(testPayload(base+n, 8+rng.IntN(128<<10)))
				if !assertNoError(t, err) || !assertNoError(t, tk.Wait()) {
					return
				}
				out.Lock()
				_, err = fmt.Fprintf(os.Stdout, "ack %d\n", base+n)
				out.Unlock()
				if !assertNoError(t, err) {
					return
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, l.Close())
}

// TestCrash runs TestCrashChild in a child process, SIGKILLs it after a random
// number of acknowledgements, and checks after each round that every
// acknowledged record replays, exactly once. Rounds share the directory, so
// later rounds also replay the earlier rounds' repaired segments.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	dir := t.TempDir()
	acked := map[uint64]bool{}
	for round := range 5 {
		killAfter := 1 + rng.IntN(400)
		var stderr bytes.Buffer
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(),
			crashDirEnv+"="+dir, crashBaseEnv+"="+strconv.Itoa((round+1)*crashMaxIDs))
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())

		n, killed := 0, false
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			idText, ok := strings.CutPrefix(sc.Text(), "ack ")
			if !ok {
				continue // the test framework's own lines
			}
			id, err := strconv.ParseUint(idText, 10, 64)
			require.NoError(t, err)
			acked[id] = true
			if n++; n == killAfter {
				require.NoError(t, cmd.Process.Kill())
				killed = true
			}
		}
		require.NoError(t, sc.Err())
		werr := cmd.Wait()
		require.True(t, killed, "child ended before the kill: %v\n%s", werr, stderr.String())

		var rec logRecorder
		l := openLog(t, dir, Options{Logger: rec.logger()})
		got, st := replayIDs(t, l, 0)
		require.NoError(t, l.Close())
		seen := make(map[uint64]bool, len(got))
		for _, r := range got {
			require.False(t, seen[r.id], "id %d replayed twice", r.id)
			seen[r.id] = true
		}
		for id := range acked {
			require.True(t, seen[id], "round %d: acknowledged id %d lost", round, id)
		}
		t.Logf("round %d: killed after %d acks; %d acked in all, %d replayed, %d segments repaired, %d removed",
			round, n, len(acked), len(got), st.Truncated, st.Removed)
	}
}
