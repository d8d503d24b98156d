package k6http

import (
	"strings"

	"github.com/grafana/sobek"
)

// URL is what the http.url tagged template returns.
type URL struct {
	Name     string `js:"name"`
	URL      string `js:"url"`
	CleanURL string `js:"clean_url"`
	// subst is whether the template had substitutions (then name tags
	// the request).
	subst bool
}

// url is the tagged template http.url`…${x}…`.
func (i *instance) url(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	parts := call.Argument(0).ToObject(rt)
	n := int(parts.Get("length").ToInteger())
	var name, full strings.Builder
	for j := 0; j < n; j++ {
		p := parts.Get(itoa(j)).String()
		name.WriteString(p)
		full.WriteString(p)
		if j+1 < n && j+1 < len(call.Arguments) {
			name.WriteString("${}")
			full.WriteString(call.Arguments[j+1].String())
		}
	}
	u := &URL{Name: name.String(), URL: full.String(), subst: len(call.Arguments) > 1}
	u.CleanURL = cleanURL(u.URL)
	if !u.subst {
		u.Name = u.CleanURL
	}
	return rt.ToValue(u)
}

// cleanURL masks credentials as the url tag does.
func cleanURL(s string) string {
	at := strings.Index(s, "@")
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return s
	}
	creds := s[scheme+3 : at]
	if strings.Contains(creds, ":") {
		return s[:scheme+3] + "****:****" + s[at:]
	}
	return s[:scheme+3] + "****" + s[at:]
}

func itoa(j int) string {
	if j < 10 {
		return string(rune('0' + j))
	}
	var b []byte
	for j > 0 {
		b = append([]byte{byte('0' + j%10)}, b...)
		j /= 10
	}
	return string(b)
}
