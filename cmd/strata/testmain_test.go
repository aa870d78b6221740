package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// TestMain removes the binary strataBinary built (85 MB a run, left in
// the temporary directory before).
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// strataBinary builds the real strata binary once per test run.
func strataBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "strata-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "strata")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// serverProc is a running `strata serve`.
type serverProc struct {
	cmd    *exec.Cmd
	addr   string
	pgAddr string
	log    *os.File
	// exited is closed when the process has exited, with waitErr.
	exited  chan struct{}
	waitErr error
}

func startServer(t *testing.T, dataDir string, extra ...string) *serverProc {
	t.Helper()
	return launch(t, dataDir, http.DefaultClient, "http", true, extra)
}

// launch starts `strata serve` on fresh loopback ports (and a PostgreSQL
// one with pg; otherwise none) and waits until its health endpoint answers
// over scheme. freeAddr only reserves a port for an instant: when another
// process takes it first and the server exits saying so, it starts again
// on new ports (at most five times).
func launch(t *testing.T, dataDir string, client *http.Client, scheme string, pg bool, extra []string) *serverProc {
	t.Helper()
	for attempt := 1; ; attempt++ {
		addr, pgAddr := freeAddr(t), ""
		if pg {
			pgAddr = freeAddr(t)
		}
		logf, err := os.OpenFile(filepath.Join(dataDir+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		require.NoError(t, err)
		logStart, err := logf.Seek(0, io.SeekEnd)
		require.NoError(t, err)
		args := append([]string{"serve", "--data-dir", dataDir, "--http-addr", addr, "--pg-addr", pgAddr}, extra...)
		cmd := exec.Command(strataBinary(t), args...)
		cmd.Stdout, cmd.Stderr = logf, logf
		require.NoError(t, cmd.Start())
		p := &serverProc{cmd: cmd, addr: addr, pgAddr: pgAddr, log: logf, exited: make(chan struct{})}
		go func() {
			p.waitErr = cmd.Wait()
			close(p.exited)
		}()
		if p.waitHealthy(t, client, scheme+"://"+addr+"/health", dataDir) {
			return p
		}
		logf.Close()
		logData, _ := os.ReadFile(dataDir + ".log")
		if int64(len(logData)) >= logStart && bytes.Contains(logData[logStart:], []byte("address already in use")) && attempt < 5 {
			continue
		}
		t.Fatalf("server exited before it became healthy (%v); log:\n%s", p.waitErr, logData)
	}
}

// waitHealthy polls health with client until it answers 200 (true), for
// at most 30 s, then kills the server and fails with its log
// (dataDir.log); false when the server exits first.
func (p *serverProc) waitHealthy(t *testing.T, client *http.Client, health, dataDir string) bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	// A port taken by another process may accept and never answer.
	c := *client
	c.Timeout = 2 * time.Second
	for {
		select {
		case <-p.exited:
			return false
		default:
		}
		resp, err := c.Get(health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return true
			}
		}
		if time.Now().After(deadline) {
			p.kill()
			logData, _ := os.ReadFile(dataDir + ".log")
			t.Fatalf("server did not become healthy in 30s; log:\n%s", logData)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *serverProc) url(path string) string { return "http://" + p.addr + path }

// kill stops the server with SIGKILL: no shutdown code runs.
func (p *serverProc) kill() {
	p.cmd.Process.Kill()
	<-p.exited
	p.log.Close()
}

// stop stops the server with SIGTERM and waits for its graceful exit.
func (p *serverProc) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	<-p.exited
	require.NoError(t, p.waitErr, "graceful shutdown exits 0")
	p.log.Close()
}
