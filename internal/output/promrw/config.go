package promrw

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/internal/duration"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

// Config is the output's settings, with k6's names and defaults.
type Config struct {
	ServerURL    string
	PushInterval time.Duration
	TrendStats   []string
	// TrendAsNativeHistogram sends each Trend as one native histogram
	// (k6_<name>_seconds for time values) instead of one gauge per stat.
	TrendAsNativeHistogram bool
	StaleMarkers           bool
	Username               string
	Password               string
	BearerToken            string
	Headers                map[string]string
	InsecureSkipTLSVerify  bool
	TLSMinVersion          uint16
}

// DefaultConfig is k6's: localhost:9090, every 5s, trends as p(99).
func DefaultConfig() Config {
	return Config{
		ServerURL: "http://localhost:9090/api/v1/write", PushInterval: 5 * time.Second,
		TrendStats: []string{"p(99)"}, TLSMinVersion: tls.VersionTLS13, Headers: map[string]string{},
	}
}

// ParseConfig layers, low to high: defaults, p.JSONConfig, then the
// K6_PROMETHEUS_RW_* environment variables. As in k6, the --out argument is
// not used.
func ParseConfig(p output.Params) (Config, error) {
	c := DefaultConfig()
	if len(p.JSONConfig) > 0 {
		var j map[string]json.RawMessage
		if err := json.Unmarshal(p.JSONConfig, &j); err != nil {
			return c, fmt.Errorf("experimental-prometheus-rw config: %w", err)
		}
		for k, raw := range j {
			if k == "headers" {
				var h map[string]string
				if err := json.Unmarshal(raw, &h); err != nil {
					return c, fmt.Errorf("experimental-prometheus-rw config headers: %w", err)
				}
				maps.Copy(c.Headers, h)
				continue
			}
			s, err := output.JSONSetting(raw)
			if err != nil {
				return c, fmt.Errorf("experimental-prometheus-rw config %s: %w", k, err)
			}
			if err := c.set(k, s); err != nil {
				return c, fmt.Errorf("experimental-prometheus-rw config: %w", err)
			}
		}
	}
	for _, kv := range [][2]string{
		{"SERVER_URL", "url"}, {"PUSH_INTERVAL", "pushInterval"}, {"TREND_STATS", "trendStats"},
		{"STALE_MARKERS", "staleMarkers"}, {"USERNAME", "username"}, {"PASSWORD", "password"},
		{"BEARER_TOKEN", "bearerToken"}, {"HTTP_HEADERS", "httpHeaders"},
		{"INSECURE_SKIP_TLS_VERIFY", "insecureSkipTLSVerify"}, {"TLS_MINIMUM_VERSION", "tlsMinimumVersion"},
		{"TREND_AS_NATIVE_HISTOGRAM", "trendAsNativeHistogram"},
	} {
		if v, ok := p.Env("K6_PROMETHEUS_RW_" + kv[0]); ok {
			if err := c.set(kv[1], v); err != nil {
				return c, fmt.Errorf("K6_PROMETHEUS_RW_%s: %w", kv[0], err)
			}
		}
	}
	for k, v := range p.Environment {
		if name, ok := strings.CutPrefix(k, "K6_PROMETHEUS_RW_HEADERS_"); ok && name != "" {
			c.Headers[name] = v
		}
	}
	if c.PushInterval <= 0 {
		return c, fmt.Errorf("experimental-prometheus-rw: push interval must be positive, got %s", c.PushInterval)
	}
	return c, nil
}

func (c *Config) set(key, v string) error {
	var err error
	switch key {
	case "url":
		c.ServerURL = v
	case "pushInterval":
		c.PushInterval, err = duration.Parse(v)
	case "trendStats":
		c.TrendStats, err = parseTrendStats(v)
	case "staleMarkers":
		c.StaleMarkers, err = strconv.ParseBool(v)
	case "username":
		c.Username = v
	case "password":
		c.Password = v
	case "bearerToken":
		c.BearerToken = v
	case "httpHeaders":
		for pair := range strings.SplitSeq(v, ",") {
			if pair == "" {
				continue
			}
			k, val, ok := strings.Cut(pair, ":")
			if !ok {
				return fmt.Errorf("header %q is not name:value", pair)
			}
			c.Headers[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	case "insecureSkipTLSVerify":
		c.InsecureSkipTLSVerify, err = strconv.ParseBool(v)
	case "tlsMinimumVersion":
		switch v {
		case "1.2":
			c.TLSMinVersion = tls.VersionTLS12
		case "1.3":
			c.TLSMinVersion = tls.VersionTLS13
		default:
			err = fmt.Errorf("TLS version must be 1.2 or 1.3")
		}
	case "trendAsNativeHistogram":
		c.TrendAsNativeHistogram, err = strconv.ParseBool(v)
	default:
		return fmt.Errorf("unknown option %q", key)
	}
	if err != nil {
		return fmt.Errorf("%s=%q: %w", key, v, err)
	}
	return nil
}

// parseTrendStats reads "p(95),avg": avg, min, med, max, count, sum, p(N).
func parseTrendStats(s string) ([]string, error) {
	var out []string
	for st := range strings.SplitSeq(s, ",") {
		st = strings.TrimSpace(st)
		switch st {
		case "":
			continue
		case "avg", "min", "med", "max", "count", "sum":
		default:
			if _, ok, err := metrics.ParsePercentile(st); !ok || err != nil {
				return nil, fmt.Errorf("invalid trend stat %q (avg, min, med, max, count, sum, p(N))", st)
			}
		}
		out = append(out, st)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no trend stats")
	}
	return out, nil
}

// statSuffix is k6's name part of a trend stat: p(99.9) → p999.
func statSuffix(st string) string {
	if rest, ok := strings.CutPrefix(st, "p("); ok {
		return "p" + strings.ReplaceAll(strings.TrimSuffix(rest, ")"), ".", "")
	}
	return st
}
