package modules

import (
	"fmt"

	"github.com/grafana/sobek"
)

// Bytes converts a script's byte input the way k6's encoding and crypto
// modules accept it: a string (its UTF-8 bytes), an ArrayBuffer, or a
// Uint8Array / Uint8ClampedArray (which sobek exports as a byte slice).
// Anything else, DataView and other typed arrays included, is an error
// naming the Go type it exported as. The result may alias the script's
// buffer: callers must not modify it.
func Bytes(v sobek.Value) ([]byte, error) {
	if v == nil {
		return nil, fmt.Errorf("invalid type <nil>, expected string, []byte or ArrayBuffer")
	}
	switch x := v.Export().(type) {
	case string:
		return []byte(x), nil
	case []byte:
		return x, nil
	case sobek.ArrayBuffer:
		return x.Bytes(), nil
	default:
		return nil, fmt.Errorf("invalid type %T, expected string, []byte or ArrayBuffer", x)
	}
}
