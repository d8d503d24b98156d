package k6crypto_test

import (
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/js/jstest"
)

const imports = `import crypto, { md4, md5, sha1, sha256, sha384, sha512, sha512_224, sha512_256, ripemd160,
	hmac, createHash, createHMAC, randomBytes, hexEncode } from "k6/crypto";`

// Known answers: RFC 1320 (md4), RFC 1321 (md5), FIPS 180 (sha*), the
// RIPEMD-160 paper, RFC 2104/4231 (hmac, key "Jefe").
func TestCrypto(t *testing.T) {
	t.Parallel()
	const jefe = `"Jefe", "what do ya want for nothing?"`
	tests := []struct {
		expr string
		want string // the result, or a substring of the error
		err  bool
	}{
		{`md4("abc", "hex")`, "a448017aaf21d8525fc10ae87aa6729d", false},
		{`md5("abc", "hex")`, "900150983cd24fb0d6963f7d28e17f72", false},
		{`sha1("abc", "hex")`, "a9993e364706816aba3e25717850c26c9cd0d89d", false},
		{`sha256("abc", "hex")`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false},
		{`sha384("abc", "hex")`, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", false},
		{`sha512("abc", "hex")`, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", false},
		{`sha512_224("abc", "hex")`, "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa", false},
		{`sha512_256("abc", "hex")`, "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23", false},
		{`ripemd160("abc", "hex")`, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc", false},
		{`crypto.sha256(new Uint8Array([0x61, 0x62, 0x63]).buffer, "hex")`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false},
		{`sha256("abc", "base64")`, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", false},
		{`sha256("abc", "base64url")`, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=", false},
		{`sha256("abc", "base64rawurl")`, "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", false},
		{`md5("abc", "binary")`, "AB:900150983cd24fb0d6963f7d28e17f72", false},
		{`md5("abc", "rawurl")`, "invalid output encoding: rawurl", true},
		{`md5("abc", "")`, "invalid output encoding: ", true},
		{`md5("abc")`, "invalid output encoding: ", true},
		{`sha1(new DataView(new ArrayBuffer(1)), "hex")`, "sha1 failed: invalid type", true},
		{`sha256(12, "hex")`, "sha256 failed: invalid type int64, expected string, []byte or ArrayBuffer", true},
		{`hmac("sha256", ` + jefe + `, "hex")`, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", false},
		{`hmac("md5", ` + jefe + `, "hex")`, "750c783e6ab0b503eaa86e310a5db738", false},
		{`hmac("sha3", "k", "d", "hex")`, "invalid algorithm: sha3", true},
		{`(() => { const h = createHash("sha256"); h.update("a"); h.update(new Uint8Array([0x62, 0x63])); return h.digest("hex"); })()`,
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false},
		// digest does not reset: a second digest is the same, and updates continue.
		{`(() => { const h = createHash("md5"); h.update("ab"); const a = h.digest("hex"); const b = h.digest("hex"); h.update("c"); return [a === b, h.digest("hex")].join(); })()`,
			"true,900150983cd24fb0d6963f7d28e17f72", false},
		{`(() => { const h = createHMAC("sha256", "Jefe"); h.update("what do ya want "); h.update("for nothing?"); return h.digest("base64rawurl"); })()`,
			"W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM", false},
		{`createHash("sha3")`, "invalid algorithm: sha3", true},
		{`createHMAC("nope", "k")`, "invalid algorithm: nope", true},
		{`createHash("md5").digest("latin1")`, "invalid output encoding: latin1", true},
		{`(() => { const b = randomBytes(16); return b instanceof ArrayBuffer && b.byteLength; })()`, "16", false},
		{`randomBytes(16) === randomBytes(16) || hexEncode(randomBytes(16)) !== hexEncode(randomBytes(16))`, "true", false},
		{`randomBytes(0)`, "invalid size", true},
		{`hexEncode("abc")`, "616263", false},
		{`hexEncode(new Uint8Array([255, 1]).buffer)`, "ff01", false},
		{`hexEncode(new Uint8Array([0xAB]))`, "ab", false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			got, ok := jstest.Expr(t, imports, tt.expr)
			switch {
			case tt.err && ok:
				t.Fatalf("= %q, want an error containing %q", got, tt.want)
			case tt.err && !strings.Contains(got, tt.want):
				t.Fatalf("threw %q, want it to contain %q", got, tt.want)
			case !tt.err && !ok:
				t.Fatalf("threw %s, want %q", got, tt.want)
			case !tt.err && got != tt.want:
				t.Fatalf("= %q, want %q", got, tt.want)
			}
		})
	}
}
