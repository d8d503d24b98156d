package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/internal/executor"
)

// Opt is an optional value: Set says whether a layer gave it. JSON null
// leaves it unset.
type Opt[T any] struct {
	V   T
	Set bool
}

// Some returns a set Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, Set: true} }

// Or returns the value when set, else def.
func (o Opt[T]) Or(def T) T {
	if o.Set {
		return o.V
	}
	return def
}

// UnmarshalJSON decodes a T; null leaves o unset. An Opt[int64] also takes
// a JSON string holding an integer, as k6's nullable integers do (`vus:
// __ENV.VUS`); the empty string leaves it unset.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		*o = Opt[T]{}
		return nil
	}
	var v T
	if p, ok := any(&v).(*int64); ok && bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		n, set, err := executor.IntString(s)
		if err != nil {
			return err
		}
		*o = Opt[T]{}
		if set {
			*p = n
			*o = Some(v)
		}
		return nil
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = Some(v)
	return nil
}

// MarshalJSON encodes the value, or null when unset.
func (o Opt[T]) MarshalJSON() ([]byte, error) {
	if !o.Set {
		return []byte("null"), nil
	}
	return json.Marshal(o.V)
}

func isNull(b []byte) bool { return bytes.Equal(bytes.TrimSpace(b), []byte("null")) }

// Duration is a time.Duration with k6's JSON form: a Go duration string
// ("1m30s"), an extended day form ("2d3h") or a bare number of milliseconds
// (a JSON number or a numeric string). It encodes as a Go duration string.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns the Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalJSON decodes any of k6's duration forms.
func (d *Duration) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("invalid duration %s: want a string such as \"30s\" or a number of milliseconds", b)
	}
	*d = Duration(msToDuration(f))
	return nil
}

// MarshalJSON encodes d as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

func msToDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// ParseDuration reads k6's extended duration: a Go duration ("1m30s"), a day
// prefix ("2d", "2d3h30m") or a bare number of milliseconds ("1500").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return msToDuration(f), nil
	}
	neg := false
	rest := s
	if strings.HasPrefix(rest, "-") {
		neg, rest = true, rest[1:]
	}
	if days, after, ok := strings.Cut(rest, "d"); ok && days != "" && isDigits(days) {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %w", s, err)
		}
		d := time.Duration(n) * 24 * time.Hour
		if after != "" {
			r, err := time.ParseDuration(after)
			if err != nil || r < 0 {
				return 0, fmt.Errorf("invalid duration %q", s)
			}
			d += r
		}
		if neg {
			d = -d
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	return d, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Stage is one step of the stages shortcut: ramp to Target VUs over
// Duration.
type Stage struct {
	Duration Opt[Duration] `json:"duration"`
	Target   Opt[int64]    `json:"target"`
}

// ParseStage reads the --stage / K6_STAGES form "DURATION[:TARGET]".
func ParseStage(s string) (Stage, error) {
	d, t, hasT := strings.Cut(strings.TrimSpace(s), ":")
	if d == "" {
		return Stage{}, fmt.Errorf("invalid stage %q: stage needs duration", s)
	}
	dur, err := ParseDuration(d)
	if err != nil {
		return Stage{}, fmt.Errorf("invalid stage %q: %w", s, err)
	}
	st := Stage{Duration: Some(Duration(dur))}
	if hasT && t != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		if err != nil {
			return Stage{}, fmt.Errorf("invalid stage %q: target %q is not an integer", s, t)
		}
		st.Target = Some(n)
	}
	return st, nil
}
