package influxdb

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/internal/duration"
	"github.com/llmbench/llmbench/internal/output"
)

// FieldType is the declared type of a tag written as a field.
type FieldType uint8

// The types a K6_INFLUXDB_TAGS_AS_FIELDS entry may declare.
const (
	String FieldType = iota
	Int
	Float
	Bool
)

// Config is the influxdb output's settings, k6's names and defaults.
type Config struct {
	Addr             string // http(s)://host:port
	DB               string
	Username         string
	Password         string
	Insecure         bool // skip TLS verification
	Proxy            string
	PushInterval     time.Duration
	ConcurrentWrites int
	Precision        string // "", n, ns, u, us, ms, s
	Retention        string
	Consistency      string
	// TagsAsFields maps a tag name to the type of the field it becomes.
	TagsAsFields map[string]FieldType
}

// DefaultConfig is k6's: localhost:8086, db k6, 1s, 4 writes, url as a field.
func DefaultConfig() Config {
	return Config{
		Addr: "http://localhost:8086", DB: "k6", PushInterval: time.Second, ConcurrentWrites: 4,
		TagsAsFields: map[string]FieldType{"vu": Int, "iter": Int, "url": String},
	}
}

// envKeys maps K6_INFLUXDB_* to the option names of the URL query.
var envKeys = [][2]string{
	{"K6_INFLUXDB_ADDR", "addr"}, {"K6_INFLUXDB_DB", "db"}, {"K6_INFLUXDB_USERNAME", "username"},
	{"K6_INFLUXDB_PASSWORD", "password"}, {"K6_INFLUXDB_INSECURE", "insecure"},
	{"K6_INFLUXDB_PROXY", "proxy"}, {"K6_INFLUXDB_PAYLOAD_SIZE", "payload_size"},
	{"K6_INFLUXDB_PUSH_INTERVAL", "pushInterval"}, {"K6_INFLUXDB_CONCURRENT_WRITES", "concurrentWrites"},
	{"K6_INFLUXDB_PRECISION", "precision"}, {"K6_INFLUXDB_RETENTION", "retention"},
	{"K6_INFLUXDB_CONSISTENCY", "consistency"}, {"K6_INFLUXDB_TAGS_AS_FIELDS", "tagsAsFields"},
}

// ParseConfig layers, low to high: defaults, p.JSONConfig, K6_INFLUXDB_*,
// then the URL of p.ConfigArgument (user:pass, database path, query options).
func ParseConfig(p output.Params) (Config, error) {
	c := DefaultConfig()
	if len(p.JSONConfig) > 0 {
		var j map[string]json.RawMessage
		if err := json.Unmarshal(p.JSONConfig, &j); err != nil {
			return c, fmt.Errorf("influxdb config: %w", err)
		}
		for k, raw := range j {
			s, err := output.JSONSetting(raw)
			if err != nil {
				return c, fmt.Errorf("influxdb config %s: %w", k, err)
			}
			if err := c.set(k, s); err != nil {
				return c, fmt.Errorf("influxdb config: %w", err)
			}
		}
	}
	for _, kv := range envKeys {
		if v, ok := p.Env(kv[0]); ok {
			if err := c.set(kv[1], v); err != nil {
				return c, fmt.Errorf("%s: %w", kv[0], err)
			}
		}
	}
	if p.ConfigArgument != "" {
		if err := c.setURL(p.ConfigArgument); err != nil {
			return c, err
		}
	}
	if c.ConcurrentWrites <= 0 {
		return c, fmt.Errorf("influxdb output: concurrentWrites must be positive, got %d", c.ConcurrentWrites)
	}
	if c.PushInterval <= 0 {
		return c, fmt.Errorf("influxdb output: pushInterval must be positive, got %s", c.PushInterval)
	}
	if _, err := precisionOf(c.Precision); err != nil {
		return c, err
	}
	return c, nil
}

func (c *Config) setURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("influxdb output: invalid URL %q: %w", raw, err)
	}
	switch u.Scheme {
	case "http", "https":
	case "udp":
		return fmt.Errorf("influxdb output: udp is not supported, use http(s)://host:port/db")
	default:
		return fmt.Errorf("influxdb output: URL %q: scheme must be http or https", raw)
	}
	c.Addr = u.Scheme + "://" + u.Host
	if db := strings.Trim(u.Path, "/"); db != "" {
		c.DB = db
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	for k, vs := range u.Query() {
		if err := c.set(k, vs[len(vs)-1]); err != nil {
			return fmt.Errorf("influxdb output URL: %w", err)
		}
	}
	return nil
}

func (c *Config) set(key, v string) error {
	var err error
	switch key {
	case "addr":
		c.Addr = strings.TrimRight(v, "/")
	case "db":
		c.DB = v
	case "username":
		c.Username = v
	case "password":
		c.Password = v
	case "insecure":
		c.Insecure, err = strconv.ParseBool(v)
	case "proxy":
		c.Proxy = v
	case "payload_size", "payloadSize":
		_, err = strconv.Atoi(v) // UDP only in k6; accepted and ignored
	case "pushInterval":
		c.PushInterval, err = duration.Parse(v)
	case "concurrentWrites":
		c.ConcurrentWrites, err = strconv.Atoi(v)
	case "precision":
		c.Precision = v
	case "retention":
		c.Retention = v
	case "consistency":
		c.Consistency = v
	case "tagsAsFields":
		c.TagsAsFields, err = parseTagsAsFields(v)
	default:
		return fmt.Errorf("unknown influxdb option %q", key)
	}
	if err != nil {
		return fmt.Errorf("influxdb option %s=%q: %w", key, v, err)
	}
	return nil
}

func parseTagsAsFields(s string) (map[string]FieldType, error) {
	out := map[string]FieldType{}
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, typ, _ := strings.Cut(entry, ":")
		ft := String
		switch typ {
		case "", "string":
		case "int":
			ft = Int
		case "float":
			ft = Float
		case "bool":
			ft = Bool
		default:
			return nil, fmt.Errorf("unknown field type %q in %q (string, int, float, bool)", typ, entry)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("tag %q listed twice", name)
		}
		out[name] = ft
	}
	return out, nil
}
