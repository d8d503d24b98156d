package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/internal/duration"
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

// Duration is a time.Duration with k6's JSON form (internal/duration): a
// Go duration string, the day form ("2d3h") or a bare number of
// milliseconds. It encodes as a Go duration string.
type Duration = duration.Duration

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
	dur, err := duration.Parse(strings.TrimSpace(d))
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
