package modules

import (
	"errors"
	"strconv"

	"github.com/grafana/sobek"
)

// ErrTagValue is k6's error for a tag value that is not a string, number
// or boolean.
var ErrTagValue = errors.New("only String, Boolean and Number types are accepted as a metric tag values")

// UserTags reads a JS tags object (values string, number or boolean) into
// a map.
func UserTags(rt *sobek.Runtime, v sobek.Value) (map[string]string, error) {
	o := v.ToObject(rt)
	keys := o.Keys()
	if len(keys) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		s, err := TagValue(o.Get(k))
		if err != nil {
			return nil, err
		}
		m[k] = s
	}
	return m, nil
}

// TagValue converts one JS tag value to a string.
func TagValue(v sobek.Value) (string, error) {
	switch x := v.Export().(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return v.String(), nil
	}
	return "", ErrTagValue
}
