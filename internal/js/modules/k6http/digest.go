package k6http

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// digestAuth answers a Digest challenge (RFC 2617, MD5, qop auth or none)
// with the URL's credentials; false if the challenge is not one.
func digestAuth(challenge, method string, u *url.URL) (string, bool) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(challenge), " ")
	if !ok || !strings.EqualFold(scheme, "Digest") {
		return "", false
	}
	p := map[string]string{}
	for _, kv := range splitParams(rest) {
		k, v, _ := strings.Cut(kv, "=")
		p[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	if alg := p["algorithm"]; alg != "" && !strings.EqualFold(alg, "MD5") {
		return "", false
	}
	user := u.User.Username()
	pass, _ := u.User.Password()
	h := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }
	uri := u.RequestURI()
	ha1 := h(user + ":" + p["realm"] + ":" + pass)
	ha2 := h(method + ":" + uri)
	var resp, extra string
	if qops := p["qop"]; qops != "" {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		cnonce := hex.EncodeToString(b)
		resp = h(ha1 + ":" + p["nonce"] + ":00000001:" + cnonce + ":auth:" + ha2)
		extra = fmt.Sprintf(`, qop=auth, nc=00000001, cnonce="%s"`, cnonce)
	} else {
		resp = h(ha1 + ":" + p["nonce"] + ":" + ha2)
	}
	auth := fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s"%s`,
		user, p["realm"], p["nonce"], uri, resp, extra)
	if o := p["opaque"]; o != "" {
		auth += fmt.Sprintf(`, opaque="%s"`, o)
	}
	if a := p["algorithm"]; a != "" {
		auth += ", algorithm=" + a
	}
	return auth, true
}

// splitParams splits on commas outside quotes.
func splitParams(s string) []string {
	var out []string
	start, quoted := 0, false
	for i, c := range s {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
