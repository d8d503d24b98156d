package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// netOption is a k6 network option settable by flag and environment
// variable; its value goes to Options.Other under key, as JSON.
type netOption struct {
	key, flag, short, env, usage string
	kind                         string // "bool", "int", "string", "list", "dns"
}

var netOptions = []netOption{
	{"throw", "throw", "w", "THROW", "throw an error on failed HTTP requests", "bool"},
	{"userAgent", "user-agent", "", "USER_AGENT", "the User-Agent header of HTTP requests (\"\" sends none)", "string"},
	{"insecureSkipTLSVerify", "insecure-skip-tls-verify", "", "INSECURE_SKIP_TLS_VERIFY", "skip verification of TLS certificates", "bool"},
	{"maxRedirects", "max-redirects", "", "MAX_REDIRECTS", "follow at most `N` HTTP redirects", "int"},
	{"batch", "batch", "", "BATCH", "max parallel requests of one http.batch() call", "int"},
	{"batchPerHost", "batch-per-host", "", "BATCH_PER_HOST", "max parallel requests to one host in http.batch()", "int"},
	{"noConnectionReuse", "no-connection-reuse", "", "NO_CONNECTION_REUSE", "disable keep-alive connections", "bool"},
	{"noVUConnectionReuse", "no-vu-connection-reuse", "", "NO_VU_CONNECTION_REUSE", "don't reuse connections between iterations", "bool"},
	{"discardResponseBodies", "discard-response-bodies", "", "DISCARD_RESPONSE_BODIES", "read but don't keep HTTP response bodies", "bool"},
	{"noCookiesReset", "no-cookies-reset", "", "NO_COOKIES_RESET", "keep the cookie jar between iterations", "bool"},
	{"blacklistIPs", "blacklist-ip", "", "BLACKLIST_IPS", "refuse requests to these `CIDR`s (comma list)", "list"},
	{"blockHostnames", "block-hostnames", "", "BLOCK_HOSTNAMES", "refuse requests to these host name patterns (comma list)", "list"},
	{"dns", "dns", "", "DNS", "DNS resolution: ttl=5m,select=random,policy=preferIPv4", "string"},
}

// netFlags are the network option flags of one flag set.
type netFlags struct {
	fs   *pflag.FlagSet
	vals map[string]any
}

func registerNetFlags(fs *pflag.FlagSet) *netFlags {
	n := &netFlags{fs: fs, vals: map[string]any{}}
	for _, o := range netOptions {
		switch o.kind {
		case "bool":
			n.vals[o.key] = fs.BoolP(o.flag, o.short, false, o.usage)
		case "int":
			n.vals[o.key] = fs.Int64(o.flag, 0, o.usage)
		case "list":
			n.vals[o.key] = fs.StringSlice(o.flag, nil, o.usage)
		default:
			n.vals[o.key] = fs.String(o.flag, "", o.usage)
		}
	}
	return n
}

// other returns the network options given on the command line.
func (n *netFlags) other() map[string]json.RawMessage {
	var m map[string]json.RawMessage
	for _, o := range netOptions {
		if !n.fs.Changed(o.flag) {
			continue
		}
		if m == nil {
			m = map[string]json.RawMessage{}
		}
		b, _ := json.Marshal(deref(n.vals[o.key]))
		m[o.key] = b
	}
	return m
}

func deref(v any) any {
	switch x := v.(type) {
	case *bool:
		return *x
	case *int64:
		return *x
	case *[]string:
		return *x
	case *string:
		return *x
	}
	return v
}

// netEnv reads the network options from K6_*/LLMBENCH_* variables.
func netEnv(get func(string) (string, string, bool)) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	for _, o := range netOptions {
		key, v, ok := get(o.env)
		if !ok {
			continue
		}
		var val any
		switch o.kind {
		case "bool":
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				return nil, fmt.Errorf("environment variable %s: %w", key, err)
			}
			val = b
		case "int":
			i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("environment variable %s: %w", key, err)
			}
			val = i
		case "list":
			val = splitList(v)
		default:
			val = v
		}
		if m == nil {
			m = map[string]json.RawMessage{}
		}
		m[o.key], _ = json.Marshal(val)
	}
	return m, nil
}
