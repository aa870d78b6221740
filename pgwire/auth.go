package pgwire

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Authentication methods of Server.Auth.
const (
	AuthTrust    = "trust"
	AuthPassword = "password" // cleartext, as pg_hba's "password"
	AuthMD5      = "md5"
	AuthSCRAM    = "scram-sha-256"
)

// scramIterations is PostgreSQL's default scram_iterations.
const scramIterations = 4096

// errAuthFailed ends the startup with 28P01.
var errAuthFailed = errors.New("authentication failed")

// authenticate runs the configured method for user up to (not including)
// AuthenticationOk. A wrong password or unknown user is errAuthFailed; a
// client that breaks the exchange gets a protocol error.
func (c *conn) authenticate(user string) error {
	password, known := c.srv.Users[user]
	switch c.srv.Auth {
	case "", AuthTrust:
		return nil
	case AuthPassword:
		c.be.Send(&pgproto3.AuthenticationCleartextPassword{})
		got, err := c.receivePassword(pgproto3.AuthTypeCleartextPassword)
		if err != nil {
			return err
		}
		if !known || subtle.ConstantTimeCompare([]byte(got), []byte(password)) != 1 {
			return errAuthFailed
		}
		return nil
	case AuthMD5:
		var salt [4]byte
		_, _ = rand.Read(salt[:])
		c.be.Send(&pgproto3.AuthenticationMD5Password{Salt: salt})
		got, err := c.receivePassword(pgproto3.AuthTypeMD5Password)
		if err != nil {
			return err
		}
		if !known || subtle.ConstantTimeCompare([]byte(got), []byte(md5Response(user, password, salt))) != 1 {
			return errAuthFailed
		}
		return nil
	case AuthSCRAM:
		return c.scram(password, known)
	}
	return fmt.Errorf("unknown authentication method %q", c.srv.Auth)
}

func (c *conn) receivePassword(authType uint32) (string, error) {
	if err := c.flush(); err != nil {
		return "", err
	}
	if err := c.be.SetAuthType(authType); err != nil {
		return "", err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return "", err
	}
	pm, ok := msg.(*pgproto3.PasswordMessage)
	if !ok {
		return "", fmt.Errorf("expected a password message, got %T", msg)
	}
	return pm.Password, nil
}

// md5Response is what a client sends for md5: "md5" + md5(md5(password +
// user) + salt), in hex.
func md5Response(user, password string, salt [4]byte) string {
	inner := md5.Sum([]byte(password + user))
	outer := md5.Sum(append([]byte(hex.EncodeToString(inner[:])), salt[:]...))
	return "md5" + hex.EncodeToString(outer[:])
}

// scram runs SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding,
// as PostgreSQL does over plain TCP. For an unknown user the exchange runs
// with a random salt and fails at the proof, so it does not reveal which
// users exist.
func (c *conn) scram(password string, known bool) error {
	c.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}})
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return err
	}
	first, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok {
		return fmt.Errorf("expected SASLInitialResponse, got %T", msg)
	}
	if first.AuthMechanism != "SCRAM-SHA-256" {
		return fmt.Errorf("unsupported SASL mechanism %q (this server offers SCRAM-SHA-256)", first.AuthMechanism)
	}
	clientFirst := string(first.Data)
	// gs2 header: "n,," (no channel binding) or "y,," (client could but
	// thinks the server cannot); "p=..." asks for binding we do not offer.
	if !strings.HasPrefix(clientFirst, "n,") && !strings.HasPrefix(clientFirst, "y,") {
		return fmt.Errorf("SCRAM channel binding is not supported")
	}
	parts := strings.SplitN(clientFirst, ",", 3)
	if len(parts) != 3 {
		return fmt.Errorf("malformed SCRAM client-first message")
	}
	clientFirstBare := parts[2]
	clientNonce := scramAttr(clientFirstBare, 'r')
	if clientNonce == "" {
		return fmt.Errorf("SCRAM client-first message has no nonce")
	}
	var nonce, salt [18]byte
	_, _ = rand.Read(nonce[:])
	_, _ = rand.Read(salt[:])
	serverNonce := clientNonce + base64.StdEncoding.EncodeToString(nonce[:])
	serverFirst := fmt.Sprintf("r=%s,s=%s,i=%d", serverNonce, base64.StdEncoding.EncodeToString(salt[:]), scramIterations)
	c.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)})
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return err
	}
	msg, err = c.be.Receive()
	if err != nil {
		return err
	}
	final, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return fmt.Errorf("expected SASLResponse, got %T", msg)
	}
	clientFinal := string(final.Data)
	i := strings.LastIndex(clientFinal, ",p=")
	if i < 0 {
		return fmt.Errorf("SCRAM client-final message has no proof")
	}
	withoutProof := clientFinal[:i]
	proof, err := base64.StdEncoding.DecodeString(clientFinal[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return fmt.Errorf("malformed SCRAM proof")
	}
	if scramAttr(withoutProof, 'r') != serverNonce {
		return fmt.Errorf("SCRAM nonce mismatch")
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt[:], scramIterations, sha256.Size)
	if err != nil {
		return err
	}
	clientKey := hmacSHA256(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	authMessage := clientFirstBare + "," + serverFirst + "," + withoutProof
	signature := hmacSHA256(storedKey[:], authMessage)
	recovered := make([]byte, sha256.Size)
	for k := range recovered {
		recovered[k] = proof[k] ^ signature[k]
	}
	check := sha256.Sum256(recovered)
	if !known || subtle.ConstantTimeCompare(check[:], storedKey[:]) != 1 {
		return errAuthFailed
	}
	serverKey := hmacSHA256(salted, "Server Key")
	serverSig := hmacSHA256(serverKey, authMessage)
	c.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte("v=" + base64.StdEncoding.EncodeToString(serverSig))})
	return nil
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// scramAttr returns attribute name's value in a SCRAM message
// ("n=user,r=nonce").
func scramAttr(msg string, name byte) string {
	for _, kv := range strings.Split(msg, ",") {
		if len(kv) >= 2 && kv[0] == name && kv[1] == '=' {
			return kv[2:]
		}
	}
	return ""
}
