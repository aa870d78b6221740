package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/InfluxCommunity/influxdb3-go/v2/influxdb3"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
)

const testToken = "tok-3f9a"

// TestInfluxDB3GoClient runs the official Go client against a real strata
// serve: writes over HTTP and queries over Flight on the one host URL.
func TestInfluxDB3GoClient(t *testing.T) {
	p := startServer(t, t.TempDir(), "--token", testToken)
	defer p.stop(t)
	client, err := influxdb3.New(influxdb3.ClientConfig{Host: p.url(""), Token: testToken, Database: "home"})
	require.NoError(t, err)
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	require.NoError(t, client.Write(ctx, []byte("home,room=Kitchen temp=21.5,co=0i 1700000000000000000\nhome,room=Living temp=21.8,co=1i 1700000000000000000\nhome,room=Kitchen temp=22.7,co=2i 1700003600000000000\n")))
	point := influxdb3.NewPointWithMeasurement("home").SetTag("room", "Office").SetField("temp", 19.5).SetField("co", int64(7)).SetTimestamp(time.Unix(1700007200, 0))
	require.NoError(t, client.WritePoints(ctx, []*influxdb3.Point{point}))

	it, err := client.Query(ctx, "SELECT room, temp, co, time FROM home ORDER BY time, room")
	require.NoError(t, err)
	var rooms []string
	var temps []float64
	for it.Next() {
		v := it.Value()
		rooms = append(rooms, v["room"].(string))
		temps = append(temps, v["temp"].(float64))
	}
	require.NoError(t, it.Err())
	require.Equal(t, []string{"Kitchen", "Living", "Kitchen", "Office"}, rooms)
	require.Equal(t, []float64{21.5, 21.8, 22.7, 19.5}, temps)

	it, err = client.QueryWithParameters(ctx, "SELECT count(*) AS n FROM home WHERE room = $room AND temp > $min",
		influxdb3.QueryParameters{"room": "Kitchen", "min": 22.0})
	require.NoError(t, err)
	require.True(t, it.Next())
	require.EqualValues(t, 1, it.Value()["n"])
	require.False(t, it.Next())

	pit, err := client.QueryPointValueWithParameters(ctx, "SELECT * FROM home WHERE room = $room", influxdb3.QueryParameters{"room": "Office"})
	require.NoError(t, err)
	pv, err := pit.Next()
	require.NoError(t, err)
	require.Empty(t, pv.MeasurementName, "SQL results name no measurement (as in InfluxDB 3)")
	room, ok := pv.GetTag("room")
	require.True(t, ok, "room is read as a tag (iox::column::type metadata)")
	require.Equal(t, "Office", room)
	require.Equal(t, 19.5, *pv.GetDoubleField("temp"))
	require.Equal(t, int64(7), *pv.GetIntegerField("co"))
	require.Equal(t, time.Unix(1700007200, 0).UTC(), pv.Timestamp.UTC())

	_, err = client.Query(ctx, "SELECT nope FROM home")
	require.ErrorContains(t, err, `column "nope" does not exist`)

	bad, err := influxdb3.New(influxdb3.ClientConfig{Host: p.url(""), Token: "wrong", Database: "home"})
	require.NoError(t, err)
	defer bad.Close()
	_, err = bad.Query(ctx, "SELECT 1")
	require.ErrorContains(t, err, "Unauthenticated")
	require.Error(t, bad.Write(ctx, []byte("home temp=1 1")))
}

// TestInfluxDB3JSClient runs the official JavaScript client (npm
// @influxdata/influxdb3-client, installed by make deps).
func TestInfluxDB3JSClient(t *testing.T) {
	node, err := exec.LookPath("node")
	needTool(t, "node", err)
	dir, err := filepath.Abs("../../testdata/flightclients")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(dir, "node_modules", "@influxdata", "influxdb3-client"))
	needTool(t, "npm @influxdata/influxdb3-client (cd testdata/flightclients && npm ci)", err)

	p := startServer(t, t.TempDir(), "--token", testToken)
	defer p.stop(t)
	cmd := exec.Command(node, "influx3.mjs", p.url(""), testToken, "home")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var got struct {
		Rows []struct {
			Room string
			Temp float64
			Co   int64
			Time string
		}
		Params []struct {
			Room string
			Temp float64
		}
		Points []struct {
			Measurement string
			Tags        []string
			Fields      []string
			Room        string
			Temp        float64
			Co          int64
		}
		Error string
	}
	require.NoError(t, json.Unmarshal(out, &got), "%s", out)
	require.Len(t, got.Rows, 4)
	require.Equal(t, "Kitchen", got.Rows[0].Room)
	require.Equal(t, 21.5, got.Rows[0].Temp)
	require.Equal(t, "2023-11-14T22:13:20.000Z", got.Rows[0].Time)
	require.Equal(t, "Living Room", got.Rows[1].Room)
	require.Equal(t, int64(2), got.Rows[2].Co)
	require.Equal(t, "Office", got.Rows[3].Room)
	require.Equal(t, "2023-11-15T00:13:20.000Z", got.Rows[3].Time)
	require.Len(t, got.Params, 1)
	require.Equal(t, 22.7, got.Params[0].Temp)
	require.Len(t, got.Points, 1)
	require.Empty(t, got.Points[0].Measurement, "SQL results name no measurement (as in InfluxDB 3)")
	require.Equal(t, []string{"room"}, got.Points[0].Tags)
	require.Equal(t, []string{"co", "temp"}, got.Points[0].Fields, "hum is null in this row")
	require.Equal(t, 19.5, got.Points[0].Temp)
	require.Equal(t, int64(7), got.Points[0].Co)
	require.Contains(t, got.Error, `column "nope" does not exist`)
}

// TestFlightAndHTTPOverTLS serves both protocols on one TLS port: HTTP/2
// writes and Flight SQL queries.
func TestFlightAndHTTPOverTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := writeSelfSigned(t, dir)
	p := startServerTLS(t, filepath.Join(dir, "data"), pool, "--tls-cert", certFile, "--tls-key", keyFile, "--token", testToken)
	defer p.stop(t)

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	req, err := http.NewRequest("POST", "https://"+p.addr+"/api/v3/write_lp?db=tls", strings.NewReader("m,k=v x=1 1700000000000000000\nm,k=w x=2 1700000000000000000\n"))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 204, resp.StatusCode)
	require.Equal(t, 2, resp.ProtoMajor, "HTTP/2 after ALPN")

	c, err := flightsql.NewClient(p.addr, nil, nil, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool})))
	require.NoError(t, err)
	defer c.Close()
	ctx := metadata.AppendToOutgoingContext(context.Background(), "database", "tls", "authorization", "Bearer "+testToken)
	info, err := c.Execute(ctx, "SELECT sum(x) FROM m")
	require.NoError(t, err)
	r, err := c.DoGet(ctx, info.Endpoint[0].Ticket)
	require.NoError(t, err)
	defer r.Release()
	require.True(t, r.Next())
	require.Equal(t, 3.0, r.RecordBatch().Column(0).(*array.Float64).Value(0))
}

// startServerTLS is startServer for a server whose HTTP port speaks TLS.
func startServerTLS(t *testing.T, dataDir string, pool *x509.CertPool, extra ...string) *serverProc {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	return launch(t, dataDir, hc, "https", false, extra)
}

// writeSelfSigned writes a certificate for 127.0.0.1 and its key, and
// returns their paths and a pool that trusts the certificate.
func writeSelfSigned(t *testing.T, dir string) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, certPEM, 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return certFile, keyFile, pool
}

// needTool skips (or, with STRATA_REQUIRE_EXTERNAL, fails) a test whose
// external tool is missing.
func needTool(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("STRATA_REQUIRE_EXTERNAL") != "" {
		t.Fatalf("%s is required (STRATA_REQUIRE_EXTERNAL is set): %v", what, err)
	}
	t.Skipf("%s is not installed (%v); set STRATA_REQUIRE_EXTERNAL=1 to make this a failure", what, err)
}

// TestHTTPTokenAuth: with --token, the HTTP API wants the token (as
// InfluxDB's clients send it) except for /ping and /health.
func TestHTTPTokenAuth(t *testing.T) {
	p := startServer(t, t.TempDir(), "--token", testToken)
	defer p.stop(t)
	do := func(method, path, auth string) int {
		req, err := http.NewRequest(method, p.url(path), strings.NewReader("m x=1 1700000000000000000\n"))
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, 200, do("GET", "/health", ""))
	require.Equal(t, 200, do("GET", "/ping", ""))
	require.Equal(t, 401, do("POST", "/api/v3/write_lp?db=a", ""))
	require.Equal(t, 401, do("POST", "/api/v3/write_lp?db=a", "Bearer nope"))
	require.Equal(t, 204, do("POST", "/api/v3/write_lp?db=a", "Bearer "+testToken))
	require.Equal(t, 204, do("POST", "/api/v2/write?bucket=a", "Token "+testToken))
	require.Equal(t, 204, do("POST", "/write?db=a&u=me&p="+testToken, ""))
	require.Equal(t, 401, do("GET", "/api/v3/query_sql?db=a&q=SELECT+1", ""))
	require.Equal(t, 200, do("GET", "/api/v3/query_sql?db=a&q=SELECT+1", "Bearer "+testToken))
	// The v2 endpoint answers in InfluxDB 2's error shape.
	resp, err := http.Post(p.url("/api/v2/write?bucket=a"), "text/plain", strings.NewReader("m x=1\n"))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 401, resp.StatusCode)
	require.Contains(t, string(body), `"code":"unauthorized"`)
}
