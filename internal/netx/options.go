package netx

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// K6Version is the k6 release whose behaviour llmbench follows.
const K6Version = "1.8.1"

// Options are the k6 network options (k6's lib.Options keys of the same
// names), shared by every VU of a run.
type Options struct {
	// UserAgent is the User-Agent header; "" sends none.
	UserAgent             string
	InsecureSkipTLSVerify bool
	TLSMinVersion         uint16 // 0: Go's default
	TLSMaxVersion         uint16
	TLSCipherSuites       []uint16
	TLSAuth               []tls.Certificate
	NoConnectionReuse     bool
	NoVUConnectionReuse   bool
	NoCookiesReset        bool
	DiscardResponseBodies bool
	Throw                 bool
	Batch                 int // 20
	BatchPerHost          int // 6
	// MaxRedirects is the default redirect limit (10); MaxRedirectsSet is
	// whether the option was given (k6 warns only at the default).
	MaxRedirects    int
	MaxRedirectsSet bool
	Hosts           Hosts
	BlacklistIPs    []*net.IPNet
	BlockHostnames  []string // lower case; a leading '*' matches any prefix
	DNS             *Resolver
	// NoReceiveStamps reads connections with read(2) instead of recvmsg
	// even when a module asks for stamps (VU.WantReceiveStamps).
	NoReceiveStamps bool
}

// Defaults returns k6's defaults, with ua as the User-Agent.
func Defaults(ua string) *Options {
	return &Options{UserAgent: ua, Batch: 20, BatchPerHost: 6, MaxRedirects: 10, DNS: NewResolver(DNSConfig{})}
}

// DefaultUserAgent names llmbench and the k6 version it follows.
func DefaultUserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "llmbench/" + version + " (compatible; Grafana k6/" + K6Version + ")"
}

// Parse reads the k6 network options from the consolidated options (key →
// JSON) over Defaults(ua). Errors name the option.
func Parse(raw map[string]json.RawMessage, ua string) (*Options, error) {
	o := Defaults(ua)
	var errs []error
	get := func(key string, dst any) bool {
		b, ok := raw[key]
		if !ok || isNull(b) {
			return false
		}
		if err := json.Unmarshal(b, dst); err != nil {
			errs = append(errs, fmt.Errorf("option %q: %w", key, err))
			return false
		}
		return true
	}
	get("userAgent", &o.UserAgent)
	get("insecureSkipTLSVerify", &o.InsecureSkipTLSVerify)
	get("noConnectionReuse", &o.NoConnectionReuse)
	get("noVUConnectionReuse", &o.NoVUConnectionReuse)
	get("noCookiesReset", &o.NoCookiesReset)
	get("discardResponseBodies", &o.DiscardResponseBodies)
	get("throw", &o.Throw)
	var n json.Number
	for _, k := range []struct {
		key string
		dst *int
	}{{"batch", &o.Batch}, {"batchPerHost", &o.BatchPerHost}, {"maxRedirects", &o.MaxRedirects}} {
		if get(k.key, &n) {
			i, err := strconv.Atoi(n.String())
			if err != nil || i < 0 {
				errs = append(errs, fmt.Errorf("option %q: want a non-negative integer, got %s", k.key, n))
				continue
			}
			*k.dst = i
			if k.key == "maxRedirects" {
				o.MaxRedirectsSet = true
			}
		}
	}
	if b, ok := raw["tlsVersion"]; ok && !isNull(b) {
		if err := o.parseTLSVersion(b); err != nil {
			errs = append(errs, fmt.Errorf("option \"tlsVersion\": %w", err))
		}
	}
	var suites []string
	if get("tlsCipherSuites", &suites) {
		for _, s := range suites {
			id, ok := cipherSuite(s)
			if !ok {
				errs = append(errs, fmt.Errorf("option \"tlsCipherSuites\": unknown cipher suite '%s'", s))
				continue
			}
			o.TLSCipherSuites = append(o.TLSCipherSuites, id)
		}
	}
	var auth []struct {
		Cert     string   `json:"cert"`
		Key      string   `json:"key"`
		Password string   `json:"password"`
		Domains  []string `json:"domains"`
	}
	if get("tlsAuth", &auth) {
		for i, a := range auth {
			if a.Password != "" {
				errs = append(errs, fmt.Errorf("option \"tlsAuth\"[%d]: encrypted keys (password) are not supported; decrypt the key first", i))
				continue
			}
			c, err := tls.X509KeyPair([]byte(a.Cert), []byte(a.Key))
			if err != nil {
				errs = append(errs, fmt.Errorf("option \"tlsAuth\"[%d]: %w", i, err))
				continue
			}
			o.TLSAuth = append(o.TLSAuth, c)
		}
	}
	var hosts map[string]string
	if get("hosts", &hosts) {
		h, err := ParseHosts(hosts)
		if err != nil {
			errs = append(errs, fmt.Errorf("option \"hosts\": %w", err))
		}
		o.Hosts = h
	}
	var cidrs []string
	if get("blacklistIPs", &cidrs) {
		for _, c := range cidrs {
			_, n, err := net.ParseCIDR(c)
			if err != nil {
				errs = append(errs, fmt.Errorf("option \"blacklistIPs\": %w", err))
				continue
			}
			o.BlacklistIPs = append(o.BlacklistIPs, n)
		}
	}
	var blocked []string
	if get("blockHostnames", &blocked) {
		for _, b := range blocked {
			b = strings.ToLower(strings.TrimSpace(b))
			if b == "" || strings.Contains(b[1:], "*") {
				errs = append(errs, fmt.Errorf("option \"blockHostnames\": invalid pattern %q (an optional leading '*' only)", b))
				continue
			}
			o.BlockHostnames = append(o.BlockHostnames, b)
		}
	}
	if b, ok := raw["dns"]; ok && !isNull(b) {
		cfg, err := ParseDNS(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("option \"dns\": %w", err))
		} else {
			o.DNS = NewResolver(cfg)
		}
	}
	return o, errors.Join(errs...)
}

func isNull(b []byte) bool { return bytes.Equal(bytes.TrimSpace(b), []byte("null")) }

var tlsVersions = map[string]uint16{"tls1.0": tls.VersionTLS10, "tls1.1": tls.VersionTLS11, "tls1.2": tls.VersionTLS12, "tls1.3": tls.VersionTLS13}

// TLSVersionName is k6's name of a TLS version ("tls1.3"), "" if unknown.
func TLSVersionName(v uint16) string {
	for n, id := range tlsVersions {
		if id == v {
			return n
		}
	}
	return ""
}

func (o *Options) parseTLSVersion(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		v, ok := tlsVersions[one]
		if !ok {
			return fmt.Errorf("unknown TLS version '%s'", one)
		}
		o.TLSMinVersion, o.TLSMaxVersion = v, v
		return nil
	}
	var mm struct{ Min, Max string }
	if err := json.Unmarshal(b, &mm); err != nil {
		return fmt.Errorf("want \"tls1.2\" or {min, max}: %w", err)
	}
	for _, x := range []struct {
		s   string
		dst *uint16
	}{{mm.Min, &o.TLSMinVersion}, {mm.Max, &o.TLSMaxVersion}} {
		if x.s == "" {
			continue
		}
		v, ok := tlsVersions[x.s]
		if !ok {
			return fmt.Errorf("unknown TLS version '%s'", x.s)
		}
		*x.dst = v
	}
	return nil
}

func cipherSuite(name string) (uint16, bool) {
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if s.Name == name {
			return s.ID, true
		}
	}
	return 0, false
}

// CipherSuiteName is the Go name of suite id ("" if unknown).
func CipherSuiteName(id uint16) string {
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if s.ID == id {
			return s.Name
		}
	}
	return ""
}

func (o *Options) tlsConfig() *tls.Config {
	return &tls.Config{
		InsecureSkipVerify: o.InsecureSkipTLSVerify, //nolint:gosec // the user's option, as k6
		MinVersion:         o.TLSMinVersion,
		MaxVersion:         o.TLSMaxVersion,
		CipherSuites:       o.TLSCipherSuites,
		Certificates:       o.TLSAuth,
		Renegotiation:      tls.RenegotiateFreelyAsClient,
	}
}

// BlockedHostnameError is returned when a host matches blockHostnames
// (k6 error code 1111).
type BlockedHostnameError struct{ Host, Pattern string }

func (e *BlockedHostnameError) Error() string { return "hostname is blocked" }

// BlacklistedIPError is returned when an address is in blacklistIPs (1110).
type BlacklistedIPError struct {
	IP  net.IP
	Net *net.IPNet
}

func (e *BlacklistedIPError) Error() string { return "ip is blacklisted" }

// resolve turns addr (host:port) into the ip:port to dial, applying
// blockHostnames, hosts, DNS and blacklistIPs in k6's order.
func (o *Options) resolve(ctx context.Context, addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	lower := strings.ToLower(host)
	for _, p := range o.BlockHostnames {
		if matchPattern(p, lower) {
			return "", &BlockedHostnameError{Host: host, Pattern: p}
		}
	}
	var ip net.IP
	if to, ok := o.Hosts.lookup(lower, port); ok {
		ip = to.IP
		if to.Port != "" {
			port = to.Port
		}
	} else if ip = net.ParseIP(host); ip == nil {
		r := o.DNS
		if r == nil {
			r = defaultResolver
		}
		if ip, err = r.Lookup(ctx, host); err != nil {
			return "", err
		}
	}
	for _, n := range o.BlacklistIPs {
		if n.Contains(ip) {
			return "", &BlacklistedIPError{IP: ip, Net: n}
		}
	}
	return net.JoinHostPort(ip.String(), port), nil
}

func matchPattern(p, host string) bool {
	if strings.HasPrefix(p, "*") {
		return strings.HasSuffix(host, p[1:])
	}
	return host == p
}

// Hosts are the hosts option: exact names (with or without a port) and
// wildcard patterns mapped to an IP and optional port.
type Hosts struct {
	exact    map[string]HostAddr // "name" or "name:port"
	patterns []hostPattern       // longest first
}

// HostAddr is a hosts target.
type HostAddr struct {
	IP   net.IP
	Port string // "" keeps the URL's port
}

type hostPattern struct {
	suffix string // "*.example.com" → ".example.com"; "*example.com" → "example.com"
	port   string
	to     HostAddr
}

// ParseHosts reads k6's hosts map: keys are case-insensitive names,
// "name:port", "*.domain" or "*domain"; values are IPs or IP:port.
func ParseHosts(m map[string]string) (Hosts, error) {
	h := Hosts{exact: map[string]HostAddr{}}
	var errs []error
	for k, v := range m {
		to, err := parseHostAddr(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", k, err))
			continue
		}
		k = strings.ToLower(k)
		if strings.HasPrefix(k, "*") {
			name, port := k[1:], ""
			if hst, p, err := net.SplitHostPort(name); err == nil {
				name, port = hst, p
			}
			h.patterns = append(h.patterns, hostPattern{suffix: name, port: port, to: to})
			continue
		}
		h.exact[k] = to
	}
	sort.Slice(h.patterns, func(i, j int) bool { return len(h.patterns[i].suffix) > len(h.patterns[j].suffix) })
	return h, errors.Join(errs...)
}

func parseHostAddr(v string) (HostAddr, error) {
	if ip := net.ParseIP(v); ip != nil {
		return HostAddr{IP: ip}, nil
	}
	host, port, err := net.SplitHostPort(v)
	if err == nil {
		if ip := net.ParseIP(host); ip != nil {
			if _, err := strconv.ParseUint(port, 10, 16); err != nil {
				return HostAddr{}, fmt.Errorf("invalid port in %q", v)
			}
			return HostAddr{IP: ip, Port: port}, nil
		}
	}
	return HostAddr{}, fmt.Errorf("%q is not an IP address or IP:port", v)
}

func (h Hosts) lookup(host, port string) (HostAddr, bool) {
	if h.exact == nil && h.patterns == nil {
		return HostAddr{}, false
	}
	if to, ok := h.exact[net.JoinHostPort(host, port)]; ok {
		return to, true
	}
	if to, ok := h.exact[host]; ok {
		return to, true
	}
	for _, p := range h.patterns {
		if (p.port == "" || p.port == port) && strings.HasSuffix(host, p.suffix) && host != strings.TrimPrefix(p.suffix, ".") {
			return p.to, true
		}
	}
	return HostAddr{}, false
}

// DNSConfig is k6's dns option.
type DNSConfig struct {
	TTL    time.Duration // <0: forever ("inf"); 0: no cache
	Select string        // first, random, roundRobin
	Policy string        // preferIPv4, preferIPv6, onlyIPv4, onlyIPv6, any
}

// ParseDNS reads the dns option: an object {ttl, select, policy} or the
// CLI string "ttl=5m,select=random,policy=preferIPv4".
func ParseDNS(b []byte) (DNSConfig, error) {
	c := DNSConfig{TTL: 5 * time.Minute, Select: "random", Policy: "preferIPv4"}
	var m map[string]any
	var s string
	if json.Unmarshal(b, &s) == nil {
		m = map[string]any{}
		for _, kv := range strings.Split(s, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
			if k != "" {
				m[k] = v
			}
		}
	} else if err := json.Unmarshal(b, &m); err != nil {
		return c, fmt.Errorf("want {ttl, select, policy}: %w", err)
	}
	for k, v := range m {
		switch k {
		case "ttl":
			d, err := parseTTL(v)
			if err != nil {
				return c, err
			}
			c.TTL = d
		case "select":
			sv := fmt.Sprint(v)
			if sv != "first" && sv != "random" && sv != "roundRobin" {
				return c, fmt.Errorf("unknown select %q (first, random, roundRobin)", sv)
			}
			c.Select = sv
		case "policy":
			pv := fmt.Sprint(v)
			switch pv {
			case "preferIPv4", "preferIPv6", "onlyIPv4", "onlyIPv6", "any":
			default:
				return c, fmt.Errorf("unknown policy %q (preferIPv4, preferIPv6, onlyIPv4, onlyIPv6, any)", pv)
			}
			c.Policy = pv
		default:
			return c, fmt.Errorf("unknown key %q", k)
		}
	}
	return c, nil
}

func parseTTL(v any) (time.Duration, error) {
	switch x := v.(type) {
	case float64:
		return time.Duration(x * float64(time.Millisecond)), nil
	case string:
		if x == "inf" {
			return -1, nil
		}
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return time.Duration(f * float64(time.Millisecond)), nil
		}
		d, err := time.ParseDuration(x)
		if err != nil {
			return 0, fmt.Errorf("ttl: %w", err)
		}
		return d, nil
	}
	return 0, fmt.Errorf("ttl: want a duration, got %v", v)
}

// Resolver resolves host names to one IP as k6 does (no happy eyeballs),
// with a cache shared by every VU of a run.
type Resolver struct {
	cfg   DNSConfig
	mu    chan struct{} // a one-slot lock usable with ctx
	cache map[string]dnsEntry
	rr    map[string]int
}

type dnsEntry struct {
	ips     []net.IP
	expires time.Time
}

var defaultResolver = NewResolver(DNSConfig{TTL: 5 * time.Minute, Select: "random", Policy: "preferIPv4"})

// NewResolver returns a resolver for cfg (zero Select/Policy: k6's defaults).
func NewResolver(cfg DNSConfig) *Resolver {
	if cfg.Select == "" {
		cfg.Select = "random"
	}
	if cfg.Policy == "" {
		cfg.Policy = "preferIPv4"
	}
	r := &Resolver{cfg: cfg, mu: make(chan struct{}, 1), cache: map[string]dnsEntry{}, rr: map[string]int{}}
	return r
}

// Lookup returns the IP to dial for host.
func (r *Resolver) Lookup(ctx context.Context, host string) (net.IP, error) {
	now := time.Now()
	r.mu <- struct{}{}
	e, ok := r.cache[host]
	<-r.mu
	if !ok || (r.cfg.TTL >= 0 && now.After(e.expires)) {
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, err
		}
		ips := filterIPs(addrs, r.cfg.Policy)
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no address for the dns policy " + r.cfg.Policy, Name: host, IsNotFound: true}
		}
		e = dnsEntry{ips: ips, expires: now.Add(r.cfg.TTL)}
		if r.cfg.TTL != 0 {
			r.mu <- struct{}{}
			r.cache[host] = e
			<-r.mu
		}
	}
	switch r.cfg.Select {
	case "first":
		return e.ips[0], nil
	case "roundRobin":
		r.mu <- struct{}{}
		i := r.rr[host] % len(e.ips)
		r.rr[host] = i + 1
		<-r.mu
		return e.ips[i], nil
	}
	return e.ips[rand.IntN(len(e.ips))], nil
}

func filterIPs(addrs []net.IPAddr, policy string) []net.IP {
	var v4, v6 []net.IP
	for _, a := range addrs {
		if a.IP.To4() != nil {
			v4 = append(v4, a.IP)
		} else {
			v6 = append(v6, a.IP)
		}
	}
	switch policy {
	case "onlyIPv4":
		return v4
	case "onlyIPv6":
		return v6
	case "preferIPv6":
		if len(v6) > 0 {
			return v6
		}
		return v4
	case "any":
		return append(v4, v6...)
	}
	if len(v4) > 0 {
		return v4
	}
	return v6
}
