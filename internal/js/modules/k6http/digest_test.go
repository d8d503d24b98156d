package k6http_test

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
)

// checkDigest verifies an RFC 2617 Digest Authorization (qop=auth) as a
// server would, independently of the client code.
func checkDigest(auth, user, pass, realm, method string) bool {
	p := map[string]string{}
	for _, kv := range strings.Split(strings.TrimPrefix(auth, "Digest "), ", ") {
		k, v, _ := strings.Cut(kv, "=")
		p[k] = strings.Trim(v, `"`)
	}
	h := func(s string) string { b := md5.Sum([]byte(s)); return hex.EncodeToString(b[:]) }
	ha1 := h(user + ":" + realm + ":" + pass)
	ha2 := h(method + ":" + p["uri"])
	want := h(ha1 + ":" + p["nonce"] + ":" + p["nc"] + ":" + p["cnonce"] + ":" + p["qop"] + ":" + ha2)
	return p["username"] == user && p["response"] == want
}
