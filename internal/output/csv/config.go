package csv

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/llmbench/llmbench/internal/duration"
	"github.com/llmbench/llmbench/internal/output"
)

// TimeFormat is how the timestamp column is written.
type TimeFormat string

// The time formats of k6's csv output.
const (
	Unix        TimeFormat = "unix"
	UnixMilli   TimeFormat = "unix_milli"
	UnixMicro   TimeFormat = "unix_micro"
	UnixNano    TimeFormat = "unix_nano"
	RFC3339     TimeFormat = "rfc3339"
	RFC3339Nano TimeFormat = "rfc3339_nano"
)

func (f TimeFormat) valid() bool {
	switch f {
	case Unix, UnixMilli, UnixMicro, UnixNano, RFC3339, RFC3339Nano:
		return true
	}
	return false
}

// Config is the csv output's settings.
type Config struct {
	FileName     string
	SaveInterval time.Duration
	TimeFormat   TimeFormat
}

// DefaultConfig is k6's: file.csv, every second, unix seconds.
func DefaultConfig() Config {
	return Config{FileName: "file.csv", SaveInterval: time.Second, TimeFormat: Unix}
}

// ParseConfig layers, low to high: defaults, p.JSONConfig, K6_CSV_* from
// p.Environment, then p.ConfigArgument (a file name, or k=v pairs).
func ParseConfig(p output.Params) (Config, error) {
	c := DefaultConfig()
	if len(p.JSONConfig) > 0 {
		var j struct {
			FileName     *string          `json:"fileName"`
			SaveInterval *json.RawMessage `json:"saveInterval"`
			TimeFormat   *string          `json:"timeFormat"`
		}
		if err := json.Unmarshal(p.JSONConfig, &j); err != nil {
			return c, fmt.Errorf("csv config: %w", err)
		}
		if j.FileName != nil {
			c.FileName = *j.FileName
		}
		if j.TimeFormat != nil {
			c.TimeFormat = TimeFormat(*j.TimeFormat)
		}
		if j.SaveInterval != nil {
			s := strings.Trim(string(*j.SaveInterval), `"`)
			if err := c.set("saveInterval", s); err != nil {
				return c, err
			}
		}
	}
	for _, kv := range [][2]string{{"K6_CSV_FILENAME", "fileName"}, {"K6_CSV_SAVE_INTERVAL", "saveInterval"}, {"K6_CSV_TIME_FORMAT", "timeFormat"}} {
		if v, ok := p.Env(kv[0]); ok {
			if err := c.set(kv[1], v); err != nil {
				return c, fmt.Errorf("%s: %w", kv[0], err)
			}
		}
	}
	if arg := p.ConfigArgument; arg != "" {
		if !strings.Contains(arg, "=") {
			c.FileName = arg
		} else {
			pairs, err := output.ParseKeyValues(arg)
			if err != nil {
				return c, fmt.Errorf("csv output argument: %w", err)
			}
			for _, kv := range pairs {
				if err := c.set(kv[0], kv[1]); err != nil {
					return c, fmt.Errorf("csv output argument: %w", err)
				}
			}
		}
	}
	if !c.TimeFormat.valid() {
		return c, fmt.Errorf("csv output: unknown timeFormat %q (unix, unix_milli, unix_micro, unix_nano, rfc3339, rfc3339_nano)", c.TimeFormat)
	}
	if c.SaveInterval <= 0 {
		return c, fmt.Errorf("csv output: saveInterval must be positive, got %s", c.SaveInterval)
	}
	return c, nil
}

func (c *Config) set(key, value string) error {
	switch key {
	case "fileName", "file":
		c.FileName = value
	case "timeFormat":
		c.TimeFormat = TimeFormat(value)
	case "saveInterval":
		d, err := duration.Parse(value)
		if err != nil {
			return fmt.Errorf("saveInterval: %w", err)
		}
		c.SaveInterval = d
	default:
		return fmt.Errorf("unknown csv option %q (fileName, saveInterval, timeFormat)", key)
	}
	return nil
}
