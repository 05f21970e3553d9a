package devcluster_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tinymmo/tinymmo/internal/devcluster"
	"github.com/tinymmo/tinymmo/internal/store"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir, and
// returns their files and a pool that trusts the certificate.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "tinymmo test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

// TestDashboardOverTLSSetsASecureCookie serves the master's HTTP over TLS:
// the dashboard is at an https URL, its session cookie is Secure (a browser
// never sends it over plain HTTP), and the address answers no plain HTTP.
func TestDashboardOverTLSSetsASecureCookie(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t, t.TempDir())
	c := startCluster(t, "", func(cfg *devcluster.Config) {
		cfg.Master.TLSCert, cfg.Master.TLSKey = certFile, keyFile
	})
	newAccount(t, c, "boss", store.RoleAdmin)
	u := newDashboardUser(t, c)
	if !strings.HasPrefix(u.base, "https://127.0.0.1:") {
		t.Fatalf("the dashboard's URL is %s, want https", u.base)
	}
	u.http.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	u.mustLogin(t, "boss")
	if set := u.cookies; len(set) != 1 || !set[0].Secure || !set[0].HttpOnly || set[0].SameSite != http.SameSiteStrictMode {
		t.Errorf("the login over TLS set %v, want one Secure, HttpOnly, SameSite=Strict cookie", set)
	}
	status, _, _ := u.call(t, "GET", "me", nil, false)
	if status != http.StatusOK {
		t.Errorf("me after the login over TLS: HTTP %d, want 200", status)
	}

	plain := "http://" + strings.TrimPrefix(u.base, "https://")
	resp, err := http.Get(plain)
	if err != nil {
		return // refused outright: fine
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET %s in plain HTTP: HTTP %d, want the TLS server's 400", plain, resp.StatusCode)
	}
}
