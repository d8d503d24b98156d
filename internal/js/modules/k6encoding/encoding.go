// Package k6encoding holds the "k6/encoding" built-in module: b64encode and
// b64decode over the four base64 alphabets k6 names std, rawstd, url and
// rawurl.
package k6encoding

import (
	"encoding/base64"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
)

// Module is the "k6/encoding" module.
type Module struct{}

// New returns the "k6/encoding" module.
func New() *Module { return &Module{} }

// NewInstance exports b64encode and b64decode, bound to the VU's runtime.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	rt := v.Runtime()
	return instance{named: map[string]any{
		"b64encode": func(in sobek.Value, enc string) string {
			b, err := modules.Bytes(in)
			if err != nil {
				panic(rt.NewGoError(err))
			}
			return Encoding(enc).EncodeToString(b)
		},
		"b64decode": func(in, enc, format string) sobek.Value {
			b, err := Encoding(enc).DecodeString(in)
			if err != nil {
				panic(rt.NewGoError(err))
			}
			if format == "s" {
				return rt.ToValue(string([]rune(string(b))))
			}
			return rt.ToValue(rt.NewArrayBuffer(b))
		},
	}}, nil
}

type instance struct{ named map[string]any }

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string { return []string{"b64encode", "b64decode"} }

func (i instance) Exports() modules.Exports { return modules.Exports{Named: i.named} }

// Encoding maps k6's encoding names to base64 alphabets: "rawstd" (no
// padding), "url" (URL-safe, padded), "rawurl" (URL-safe, no padding), and
// anything else, "std" and "" included, to the padded standard alphabet.
// Decoding is strict about padding.
func Encoding(name string) *base64.Encoding {
	switch name {
	case "rawstd":
		return base64.RawStdEncoding
	case "url":
		return base64.URLEncoding
	case "rawurl":
		return base64.RawURLEncoding
	default:
		return base64.StdEncoding
	}
}
