package threshold

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/llmbench/llmbench/internal/duration"
)

// ParseKey splits a thresholds key "metric" or "metric{k:v, k2:\"v\"}". The
// braces must come last and every pair needs a non-empty value; keys and
// values are trimmed of spaces and surrounding quotes. suffix is the text
// between the braces, trimmed, as k6 names submetrics "metric{suffix}" (""
// without braces).
func ParseKey(key string) (metric, suffix string, tags map[string]string, err error) {
	open := strings.IndexByte(key, '{')
	closing := strings.LastIndexByte(key, '}')
	switch {
	case open < 0 && closing < 0:
		return strings.TrimSpace(key), "", nil, nil
	case open < 0 || closing < 0:
		return "", "", nil, fmt.Errorf("unable to parse metric name %q; reason: unmatched opening/closing curly brace", key)
	case closing < open:
		return "", "", nil, fmt.Errorf("unable to parse metric name %q; reason: closing curly brace appears before opening one", key)
	case closing != len(key)-1:
		return "", "", nil, fmt.Errorf("unable to parse metric name %q; reason: missing closing curly brace in last position", key)
	}
	metric = strings.TrimSpace(key[:open])
	inner := strings.TrimSpace(key[open+1 : closing])
	tags = map[string]string{}
	for _, kv := range strings.Split(inner, ",") {
		k, v, ok := strings.Cut(kv, ":")
		k, v = unquote(k), unquote(v)
		if !ok || k == "" || v == "" {
			return "", "", nil, fmt.Errorf("unable to parse metric name %q; reason: malformed tag expression %q", key, kv)
		}
		tags[k] = v
	}
	return metric, inner, tags, nil
}

func unquote(s string) string { return strings.Trim(strings.TrimSpace(s), `"'`) }

// parseDuration reads delayAbortEval in k6's duration grammar
// (internal/duration). Absent or null → 0.
func parseDuration(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	return duration.FromJSON(raw)
}
