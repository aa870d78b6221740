package slt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrNoPostgres means no PostgreSQL 15 server binaries were found.
var ErrNoPostgres = errors.New("postgresql 15 is not installed (apt-get install -y postgresql-15)")

// PostgresBinDir finds the directory holding initdb, pg_ctl and postgres of
// PostgreSQL 15: $STRATA_PG_BINDIR if set, else Debian's
// /usr/lib/postgresql/15/bin. The server must report version 15.
func PostgresBinDir() (string, error) {
	dir := os.Getenv("STRATA_PG_BINDIR")
	if dir == "" {
		dir = "/usr/lib/postgresql/15/bin"
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrNoPostgres, dir, err)
	}
	if !strings.Contains(string(out), ") 15.") {
		return "", fmt.Errorf("%w: %s is %s", ErrNoPostgres, dir, strings.TrimSpace(string(out)))
	}
	return dir, nil
}

// PostgresServer is a throwaway PostgreSQL cluster in a temporary directory,
// listening on a free loopback port with trust authentication and no Unix
// socket. Stop it to remove everything.
type PostgresServer struct {
	DSN  string // postgres://postgres@127.0.0.1:<port>/postgres?sslmode=disable
	Port int
	bin  string
	dir  string
	cred *syscall.Credential
}

// StartPostgres runs initdb in a new temporary directory and starts the
// server with pg_ctl, waiting until it accepts connections. When running as
// root (which initdb refuses) the server runs as the "postgres" user that
// the Debian package creates.
func StartPostgres(ctx context.Context) (*PostgresServer, error) {
	bin, err := PostgresBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "strata-pg-")
	if err != nil {
		return nil, fmt.Errorf("postgres temp dir: %w", err)
	}
	s := &PostgresServer{bin: bin, dir: dir}
	if err := s.prepare(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.run(ctx, "initdb", "-D", s.data(), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A port found free can be taken before the server binds it: retry.
	for attempt := 0; ; attempt++ {
		s.Port, err = freePort()
		if err == nil {
			err = s.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", s.data(),
				"-l", filepath.Join(s.dir, "server.log"), "-o",
				"-p "+strconv.Itoa(s.Port)+" -c listen_addresses=127.0.0.1 -c unix_socket_directories= "+
					"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=20")
		}
		if err == nil {
			break
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start postgres: %w\n%s", err, log)
		}
	}
	s.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.Port)
	return s, nil
}

// Stop stops the server immediately and removes its directory.
func (s *PostgresServer) Stop() error {
	err := s.run(context.Background(), "pg_ctl", "stop", "-m", "immediate", "-w", "-D", s.data())
	if rerr := os.RemoveAll(s.dir); rerr != nil && err == nil {
		err = fmt.Errorf("remove postgres dir %s: %w", s.dir, rerr)
	}
	return err
}

func (s *PostgresServer) data() string { return filepath.Join(s.dir, "data") }

// prepare arranges for the server to run as an unprivileged user when the
// test runs as root.
func (s *PostgresServer) prepare() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the postgres user to run the server: %w", err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("postgres user ids %s/%s: %w", u.Uid, u.Gid, err)
	}
	s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if err := os.Chown(s.dir, uid, gid); err != nil {
		return fmt.Errorf("chown %s to postgres: %w", s.dir, err)
	}
	return nil
}

func (s *PostgresServer) run(ctx context.Context, prog string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, prog), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = s.dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", prog, strings.Join(args, " "), err, out.String())
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
