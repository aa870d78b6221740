package pgwire

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// selfSigned makes a certificate for 127.0.0.1 and returns the TLS config
// and the PEM of the certificate (the clients' root).
func selfSigned(t *testing.T) (*tls.Config, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pair, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	require.NoError(t, err)
	return &tls.Config{Certificates: []tls.Certificate{pair}, NextProtos: []string{"postgresql"}}, certPEM
}

func TestTLS(t *testing.T) {
	cfg, certPEM := selfSigned(t)
	s := startServerWith(t, func(srv *Server) {
		srv.TLS = cfg
		srv.Auth = AuthSCRAM
		srv.Users = map[string]string{"strata": "pw"}
	})
	root := filepath.Join(t.TempDir(), "root.crt")
	require.NoError(t, os.WriteFile(root, certPEM, 0o600))

	// pgx verifying the certificate (sslmode=verify-full).
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://strata:pw@"+s.addr+"/db?sslmode=verify-full&sslrootcert="+root)
	require.NoError(t, err)
	require.NotNil(t, conn.PgConn().Conn().(*tls.Conn), "the session runs over TLS")
	var n int64
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM cpu").Scan(&n))
	require.Equal(t, int64(3), n)
	conn.Close(ctx)

	// psql with sslmode=verify-full reports the TLS session.
	host, port, _ := net.SplitHostPort(s.addr)
	cmd := exec.Command(psqlPath(t), "-X", "-A", "-t", "-h", host, "-p", port, "-U", "strata", "-d", "db", "-w", "-c", "SELECT count(*) FROM cpu")
	cmd.Env = append(os.Environ(), "PGPASSWORD=pw", "PGSSLMODE=verify-full", "PGSSLROOTCERT="+root, "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Equal(t, "3\n", string(out))
}
