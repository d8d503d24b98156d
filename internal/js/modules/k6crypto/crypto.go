// Package k6crypto holds the "k6/crypto" built-in module: one-shot digests
// (md4 … ripemd160), hmac, incremental hashers (createHash, createHMAC),
// randomBytes and hexEncode, with k6's output encodings.
package k6crypto

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/grafana/sobek"
	"golang.org/x/crypto/md4"       //nolint:staticcheck // k6 scripts name md4; it is legacy on purpose
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // likewise ripemd160

	"github.com/llmbench/llmbench/internal/js/modules"
)

// Algorithms maps k6's algorithm names to hash constructors.
var Algorithms = map[string]func() hash.Hash{
	"md4":        md4.New,
	"md5":        md5.New,
	"sha1":       sha1.New,
	"sha256":     sha256.New,
	"sha384":     sha512.New384,
	"sha512":     sha512.New,
	"sha512_224": sha512.New512_224,
	"sha512_256": sha512.New512_256,
	"ripemd160":  ripemd160.New,
}

// Module is the "k6/crypto" module.
type Module struct{}

// New returns the "k6/crypto" module.
func New() *Module { return &Module{} }

// NewInstance exports the module's functions, bound to the VU's runtime.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	c := &instance{rt: v.Runtime()}
	named := map[string]any{
		"hmac":        c.hmac,
		"createHash":  c.createHash,
		"createHMAC":  c.createHMAC,
		"randomBytes": c.randomBytes,
		"hexEncode":   c.hexEncode,
	}
	for name := range Algorithms {
		named[name] = c.digestFunc(name)
	}
	c.named = named
	return c, nil
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string {
	names := []string{"hmac", "createHash", "createHMAC", "randomBytes", "hexEncode"}
	for name := range Algorithms {
		names = append(names, name)
	}
	return names
}

type instance struct {
	rt    *sobek.Runtime
	named map[string]any
}

func (c *instance) Exports() modules.Exports { return modules.Exports{Named: c.named} }

func (c *instance) throw(err error) { panic(c.rt.NewGoError(err)) }

// digestFunc is the one-shot md5(input, outputEncoding) style function.
func (c *instance) digestFunc(alg string) func(sobek.Value, string) sobek.Value {
	return func(in sobek.Value, enc string) sobek.Value {
		b, err := modules.Bytes(in)
		if err != nil {
			c.throw(fmt.Errorf("%s failed: %w", alg, err))
		}
		h := Algorithms[alg]()
		h.Write(b)
		return c.encode(h.Sum(nil), enc)
	}
}

func (c *instance) hmac(alg string, secret, data sobek.Value, enc string) sobek.Value {
	h := c.newHMAC(alg, secret)
	b, err := modules.Bytes(data)
	if err != nil {
		c.throw(fmt.Errorf("hmac failed: %w", err))
	}
	h.Write(b)
	return c.encode(h.Sum(nil), enc)
}

func (c *instance) newHMAC(alg string, secret sobek.Value) hash.Hash {
	fn, ok := Algorithms[alg]
	if !ok {
		c.throw(fmt.Errorf("invalid algorithm: %s", alg))
	}
	key, err := modules.Bytes(secret)
	if err != nil {
		c.throw(fmt.Errorf("hmac failed: %w", err))
	}
	return hmac.New(fn, key)
}

// createHash returns a Hasher. k6 has no friendly error for an unknown
// algorithm here (it crashes); this one throws "invalid algorithm: X".
func (c *instance) createHash(alg string) *sobek.Object {
	fn, ok := Algorithms[alg]
	if !ok {
		c.throw(fmt.Errorf("invalid algorithm: %s", alg))
	}
	return c.hasher(fn())
}

func (c *instance) createHMAC(alg string, key sobek.Value) *sobek.Object {
	return c.hasher(c.newHMAC(alg, key))
}

// hasher wraps h as {update(input), digest(enc)}; digest does not reset the
// state and may be called again.
func (c *instance) hasher(h hash.Hash) *sobek.Object {
	o := c.rt.NewObject()
	_ = o.Set("update", func(in sobek.Value) {
		b, err := modules.Bytes(in)
		if err != nil {
			c.throw(fmt.Errorf("update failed: %w", err))
		}
		h.Write(b)
	})
	_ = o.Set("digest", func(enc string) sobek.Value {
		return c.encode(h.Sum(nil), enc)
	})
	return o
}

func (c *instance) randomBytes(n int64) sobek.Value {
	if n < 1 {
		c.throw(fmt.Errorf("invalid size"))
	}
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		c.throw(fmt.Errorf("randomBytes: %w", err))
	}
	return c.rt.ToValue(c.rt.NewArrayBuffer(b))
}

func (c *instance) hexEncode(in sobek.Value) string {
	b, err := modules.Bytes(in)
	if err != nil {
		c.throw(fmt.Errorf("hexEncode failed: %w", err))
	}
	return hex.EncodeToString(b)
}

// encode renders a digest in one of k6's output encodings.
func (c *instance) encode(sum []byte, enc string) sobek.Value {
	switch enc {
	case "hex":
		return c.rt.ToValue(hex.EncodeToString(sum))
	case "base64":
		return c.rt.ToValue(base64.StdEncoding.EncodeToString(sum))
	case "base64url":
		return c.rt.ToValue(base64.URLEncoding.EncodeToString(sum))
	case "base64rawurl":
		return c.rt.ToValue(base64.RawURLEncoding.EncodeToString(sum))
	case "binary":
		return c.rt.ToValue(c.rt.NewArrayBuffer(sum))
	default:
		c.throw(fmt.Errorf("invalid output encoding: %s", enc))
		return nil
	}
}
