package netx

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestCountsWireBytes: the counters see every byte of the exchange on the
// wire (request line, headers, body, response headers), not only bodies.
func TestCountsWireBytes(t *testing.T) {
	var reqLen int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		reqLen = len(b)
		_, _ = io.WriteString(w, "hello")
	}))
	defer ts.Close()
	v := New(Defaults("ua"))
	c := &http.Client{Transport: v.Transport()}
	resp, err := c.Post(ts.URL+"/x", "text/plain", strings.NewReader("0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sent, recv := v.Swap()
	if reqLen != 10 || string(body) != "hello" {
		t.Fatalf("exchange: sent %d body bytes, got %q", reqLen, body)
	}
	// POST /x HTTP/1.1 + Host + User-Agent + Content-Length + Content-Type + body > 80;
	// HTTP/1.1 200 OK + Date + Content-Length + Content-Type + body > 100.
	if sent < 80 || recv < 100 {
		t.Errorf("wire bytes sent %d, received %d: want headers counted (>80, >100)", sent, recv)
	}
	if s, r := v.Swap(); s != 0 || r != 0 {
		t.Errorf("second Swap = %d, %d, want 0, 0", s, r)
	}
}

// TestTransportIsShared: whoever asks gets the same transport, so requests
// of every module of a VU reuse its connections.
func TestTransportIsShared(t *testing.T) {
	var conns int
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns++
		}
	}
	ts.Start()
	defer ts.Close()
	v := New(nil)
	for i := 0; i < 20; i++ {
		c := &http.Client{Transport: v.Transport()} // a new client each time, as a script might
		resp, err := c.Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if conns != 1 {
		t.Errorf("20 sequential requests opened %d connections, want 1", conns)
	}
}

func TestResolve(t *testing.T) {
	raw := map[string]json.RawMessage{
		"hosts":          json.RawMessage(`{"api.test": "127.0.0.2", "api.test:8443": "127.0.0.3:9000", "*.svc.test": "127.0.0.4", "*other.test": "10.0.0.1:81"}`),
		"blockHostnames": json.RawMessage(`["*.blocked.test", "exact.test"]`),
		"blacklistIPs":   json.RawMessage(`["10.0.0.0/8"]`),
	}
	o, err := Parse(raw, "ua")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		addr, want string
		err        any
	}{
		{"api.test:80", "127.0.0.2:80", nil},
		{"API.test:80", "127.0.0.2:80", nil},
		{"api.test:8443", "127.0.0.3:9000", nil},
		{"a.svc.test:80", "127.0.0.4:80", nil},
		{"a.b.svc.test:80", "127.0.0.4:80", nil},
		{"svc.test:80", "", "dns"}, // the apex does not match *.svc.test
		{"x.blocked.test:80", "", &BlockedHostnameError{}},
		{"exact.test:80", "", &BlockedHostnameError{}},
		{"myother.test:80", "", &BlacklistedIPError{}},
		{"10.1.2.3:80", "", &BlacklistedIPError{}},
		{"127.0.0.1:80", "127.0.0.1:80", nil},
	}
	for _, tc := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got, err := o.resolve(ctx, tc.addr)
		cancel()
		switch want := tc.err.(type) {
		case nil:
			if err != nil || got != tc.want {
				t.Errorf("resolve(%s) = %q, %v; want %q", tc.addr, got, err, tc.want)
			}
		case *BlockedHostnameError:
			if !errors.As(err, &want) || err.Error() != "hostname is blocked" {
				t.Errorf("resolve(%s) error %v, want hostname is blocked", tc.addr, err)
			}
		case *BlacklistedIPError:
			if !errors.As(err, &want) || err.Error() != "ip is blacklisted" {
				t.Errorf("resolve(%s) error %v, want ip is blacklisted", tc.addr, err)
			}
		case string:
			if err == nil {
				t.Errorf("resolve(%s) = %q, want a lookup error", tc.addr, got)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ key, val, want string }{
		{"hosts", `{"a": "not-an-ip"}`, "not an IP address"},
		{"tlsVersion", `"tls9"`, "unknown TLS version 'tls9'"},
		{"tlsCipherSuites", `["TLS_NOPE"]`, "unknown cipher suite 'TLS_NOPE'"},
		{"blacklistIPs", `["10.0.0.0/99"]`, "invalid CIDR"},
		{"dns", `{"select": "sometimes"}`, "unknown select"},
		{"batch", `-1`, "non-negative integer"},
	}
	for _, tc := range tests {
		_, err := Parse(map[string]json.RawMessage{tc.key: json.RawMessage(tc.val)}, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%s=%s: error %v, want one naming the option and %q", tc.key, tc.val, err, tc.want)
		}
	}
	o, err := Parse(map[string]json.RawMessage{"tlsVersion": json.RawMessage(`{"min":"tls1.2","max":"tls1.3"}`), "dns": json.RawMessage(`"ttl=inf,select=first,policy=onlyIPv4"`)}, "")
	if err != nil || o.TLSMinVersion != 0x0303 || o.TLSMaxVersion != 0x0304 || o.DNS.cfg.TTL != -1 || o.DNS.cfg.Select != "first" {
		t.Errorf("valid options: %+v, %v", o, err)
	}
}
