// Package duration reads durations the way k6 options do: a Go duration
// ("1m30s", "-2h"), a day prefix ("2d", "1d12h") or a bare number of
// milliseconds (a JSON number, or a string such as "1500"). It is the one
// copy of that grammar: the config layers, the executors, thresholds'
// delayAbortEval, the outputs' intervals and the llm client's timeout all
// read durations through it. It imports the standard library only.
//
// The day form follows k6: the days are an integer, and what follows the
// "d" is a Go duration that must not be negative; a negative day count
// negates the whole value ("-1d2h" is -26h, "2d-3h" is an error).
package duration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// day is 24 hours; k6's day unit knows no daylight-saving time.
const day = 24 * time.Hour

// Parse reads one duration string: a bare number is milliseconds
// (fractions allowed), "NdREST" is N days plus the Go duration REST, and
// anything else goes to time.ParseDuration. The string is not trimmed.
func Parse(s string) (time.Duration, error) {
	if ms, err := strconv.ParseFloat(s, 64); err == nil {
		return FromMillis(ms)
	}
	dPos := strings.IndexByte(s, 'd')
	if dPos < 0 {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: want a Go duration such as \"1m30s\", days such as \"2d3h\" or a number of milliseconds", s)
		}
		return d, nil
	}
	days, err := strconv.ParseInt(s[:dPos], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: the days before \"d\" must be an integer", s)
	}
	var rest time.Duration
	if tail := s[dPos+1:]; tail != "" {
		rest, err = time.ParseDuration(tail)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %q after the days is not a Go duration", s, tail)
		}
		if rest < 0 {
			return 0, fmt.Errorf("invalid duration %q: %q after the days must not be negative", s, tail)
		}
	}
	if days > int64(math.MaxInt64/day) || days < int64(math.MinInt64/day) {
		return 0, fmt.Errorf("invalid duration %q: more days than a duration holds", s)
	}
	d := time.Duration(days) * day
	if days < 0 {
		if d < math.MinInt64+rest {
			return 0, fmt.Errorf("invalid duration %q: out of range", s)
		}
		return d - rest, nil
	}
	if d > math.MaxInt64-rest {
		return 0, fmt.Errorf("invalid duration %q: out of range", s)
	}
	return d + rest, nil
}

// errRange is FromMillis's error for a number no duration can hold.
var errRange = errors.New("out of range")

// FromMillis converts a number of milliseconds, as k6 reads a bare number,
// to a duration (truncated to the nanosecond). NaN, infinities and values
// beyond about ±292 years are an error.
func FromMillis(ms float64) (time.Duration, error) {
	ns := ms * float64(time.Millisecond)
	if math.IsNaN(ns) || ns >= math.MaxInt64 || ns < math.MinInt64 {
		return 0, fmt.Errorf("invalid duration %v ms: %w", ms, errRange)
	}
	return time.Duration(ns), nil
}

// Duration is a time.Duration with k6's JSON form: it decodes a Go duration
// string, the day form or a bare number of milliseconds (a JSON number or a
// numeric string), and encodes as a Go duration string ("1m30s").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns the Go duration string ("1m30s").
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON encodes d as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON decodes any of k6's duration forms.
func (d *Duration) UnmarshalJSON(b []byte) error {
	v, err := FromJSON(b)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// FromJSON reads one JSON value as a duration: a string goes to Parse, a
// number is milliseconds. Anything else (null included) is an error.
func FromJSON(b []byte) (time.Duration, error) {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, fmt.Errorf("invalid duration %s: %w", b, err)
		}
		return Parse(s)
	}
	ms, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %s: want a string such as \"30s\" or a number of milliseconds", b)
	}
	return FromMillis(ms)
}
