package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/verify"
	"github.com/digitorus/timestamp"
)

// tsa is an RFC 3161 timestamp authority on 127.0.0.1.
func tsa(t *testing.T, calls *atomic.Int32) *httptest.Server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Test TSA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage, Time: time.Now().UTC(),
			Nonce: req.Nonce, Policy: asn1.ObjectIdentifier{1, 2, 3, 4}, AddTSACertificate: true}
		resp, err := ts.CreateResponseWithOpts(cert, key, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		_, _ = w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSealWithTimestampAuthority: with a TSA configured the seal carries its timestamp.
func TestSealWithTimestampAuthority(t *testing.T) {
	var calls atomic.Int32
	srv := tsa(t, &calls)
	id, _, _, err := newIdentity()
	if err != nil {
		t.Fatal(err)
	}
	_, in := sealed(t, id)
	out, err := (&Sealer{Identity: id, TSAURL: srv.URL}).Seal(in)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() == 0 {
		t.Fatal("the timestamp authority was never asked")
	}
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true
	opts.ValidateTimestampCertificates = false
	res, err := verify.VerifyWithOptions(bytes.NewReader(out), int64(len(out)), opts)
	if err != nil || len(res.Signers) != 1 || !res.Signers[0].ValidSignature {
		t.Fatalf("verify: %v %+v", err, res)
	}
	if s := res.Signers[0]; s.TimeStamp == nil || s.TimestampStatus != "valid" {
		t.Fatalf("timestamp %+v status %q", s.TimeStamp, s.TimestampStatus)
	}
}
