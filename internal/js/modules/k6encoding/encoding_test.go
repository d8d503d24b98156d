package k6encoding_test

import (
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/js/jstest"
)

const imports = `import encoding, { b64encode, b64decode } from "k6/encoding";`

func TestBase64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want string // the result, or a substring of the error
		err  bool
	}{
		{`b64encode("hello world")`, "aGVsbG8gd29ybGQ=", false},
		{`encoding.b64encode("hello world", "std")`, "aGVsbG8gd29ybGQ=", false},
		{`b64encode("hello world", "rawstd")`, "aGVsbG8gd29ybGQ", false},
		{`b64encode(new Uint8Array([0xfb, 0xff]), "std")`, "+/8=", false},
		{`b64encode(new Uint8Array([0xfb, 0xff]).buffer, "url")`, "-_8=", false},
		{`b64encode(new Uint8ClampedArray([0xfb, 0xff]), "rawurl")`, "-_8", false},
		{`b64encode("\u00e9", "nonsense")`, "w6k=", false}, // unknown name: std
		{`b64encode(new DataView(new ArrayBuffer(2)))`, "invalid type", true},
		{`b64encode(new Uint16Array(2))`, "expected string, []byte or ArrayBuffer", true},
		{`b64encode(42)`, "invalid type int64, expected string, []byte or ArrayBuffer", true},
		{`b64decode("aGVsbG8gd29ybGQ=")`, "AB:68656c6c6f20776f726c64", false},
		{`b64decode("aGVsbG8gd29ybGQ=", "std", "s")`, "hello world", false},
		{`b64decode("aGVsbG8gd29ybGQ", "rawstd", "s")`, "hello world", false},
		{`b64decode("-_8=", "url")`, "AB:fbff", false},
		{`b64decode("-_8", "rawurl")`, "AB:fbff", false},
		{`b64decode("aGVsbG8gd29ybGQ", "std")`, "illegal base64 data at input byte 12", true},
		{`b64decode("aGVsbG8gd29ybGQ=", "rawstd")`, "illegal base64 data at input byte 15", true},
		{`b64decode("-_8=")`, "illegal base64 data at input byte 0", true},
		{`b64decode("/w==", "std", "s")`, "\ufffd", false},
		{`b64decode("/w==", "std", "s").length`, "1", false},
		{`b64decode("w6k=", "std", "s")`, "\u00e9", false},
		{`b64decode(b64encode(new Uint8Array([0, 1, 254, 255]), "rawurl"), "rawurl")`, "AB:0001feff", false},
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
