package main

import (
	"fmt"
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
}

func startServer(t *testing.T, dataDir string, extra ...string) *serverProc {
	t.Helper()
	addr := freeAddr(t)
	logf, err := os.OpenFile(filepath.Join(dataDir+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	pgAddr := freeAddr(t)
	args := append([]string{"serve", "--data-dir", dataDir, "--http-addr", addr, "--pg-addr", pgAddr}, extra...)
	cmd := exec.Command(strataBinary(t), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	require.NoError(t, cmd.Start())
	p := &serverProc{cmd: cmd, addr: addr, pgAddr: pgAddr, log: logf}
	p.waitHealthy(t, http.DefaultClient, "http://"+addr+"/health", dataDir)
	return p
}

// waitHealthy polls health with client until it answers 200, for at most
// 30 s; then it kills the server and fails with its log (dataDir.log).
func (p *serverProc) waitHealthy(t *testing.T, client *http.Client, health, dataDir string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
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
	p.cmd.Wait()
	p.log.Close()
}

// stop stops the server with SIGTERM and waits for its graceful exit.
func (p *serverProc) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	require.NoError(t, p.cmd.Wait(), "graceful shutdown exits 0")
	p.log.Close()
}
