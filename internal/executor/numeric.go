package executor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// intKeys are the scenario keys k6 decodes as nullable integers, which also
// take a JSON string holding a base-10 integer: scripts write
// `vus: __ENV.VUS`, and __ENV values are strings.
var intKeys = []string{"vus", "iterations", "rate", "preAllocatedVUs", "maxVUs", "startVUs", "startRate"}

// IntString decodes a JSON string that stands for an integer option as k6
// does: "" leaves the option unset (ok false), anything else must parse as
// a base-10 int64.
func IntString(s string) (n int64, ok bool, err error) {
	if s == "" {
		return 0, false, nil
	}
	n, err = strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, err
	}
	return n, true, nil
}

// coerceIntStrings rewrites a scenario's integer keys (and its stages'
// targets) given as strings into JSON numbers, dropping empty strings. raw
// is returned unchanged when no key is a string.
func coerceIntStrings(raw json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return raw, nil // the caller reports the syntax error
	}
	changed := false
	fix := func(obj map[string]json.RawMessage, key, where string) error {
		v, ok := obj[key]
		if !ok || !bytes.HasPrefix(bytes.TrimSpace(v), []byte(`"`)) {
			return nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%s%s: %w", where, key, err)
		}
		n, set, err := IntString(s)
		if err != nil {
			return fmt.Errorf("%s%s: %w", where, key, err)
		}
		changed = true
		if !set {
			delete(obj, key)
			return nil
		}
		obj[key] = json.RawMessage(strconv.FormatInt(n, 10))
		return nil
	}
	for _, k := range intKeys {
		if err := fix(m, k, ""); err != nil {
			return nil, err
		}
	}
	if st, ok := m["stages"]; ok {
		var stages []map[string]json.RawMessage
		if json.Unmarshal(st, &stages) == nil {
			before := changed
			changed = false
			for i, s := range stages {
				if err := fix(s, "target", fmt.Sprintf("stages[%d].", i)); err != nil {
					return nil, err
				}
			}
			if changed {
				b, err := json.Marshal(stages)
				if err != nil {
					return nil, err
				}
				m["stages"] = b
			}
			changed = changed || before
		}
	}
	if !changed {
		return raw, nil
	}
	return json.Marshal(m)
}
