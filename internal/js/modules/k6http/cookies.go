package k6http

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/netx"
)

// CookieJar is the JS cookie jar: the VU's (http.cookieJar()) or a new one
// (new http.CookieJar()).
type CookieJar struct {
	jar http.CookieJar
	rt  *sobek.Runtime
}

// JarOf returns the Go cookie jar behind a k6/http CookieJar exported
// from JS (http.cookieJar(), new http.CookieJar()), for the jar parameter
// of other network modules (k6/x/sse); ok is false for any other value.
func JarOf(v any) (jar http.CookieJar, ok bool) {
	if j, is := v.(*CookieJar); is && j != nil && j.jar != nil {
		return j.jar, true
	}
	return nil, false
}

// cookieJar() returns the VU's current jar.
func (i *instance) cookieJar(sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	st := i.vu.State()
	if st == nil {
		throwGo(rt, errors.New("Making cookie jars in the init context is not supported"))
	}
	return rt.ToValue(&CookieJar{jar: st.Net.Jar(), rt: rt})
}

// newCookieJar is `new http.CookieJar()`.
func (i *instance) newCookieJar(call sobek.ConstructorCall) *sobek.Object {
	rt := i.vu.Runtime()
	return rt.ToValue(&CookieJar{jar: netx.NewJar(), rt: rt}).ToObject(rt)
}

func (j *CookieJar) parseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		throwGo(j.rt, err)
	}
	return u
}

// CookiesForURL is jar.cookiesForURL(url) → {name: [values]}.
func (j *CookieJar) CookiesForURL(s string) map[string][]string {
	out := map[string][]string{}
	for _, c := range j.jar.Cookies(j.parseURL(s)) {
		out[c.Name] = append(out[c.Name], c.Value)
	}
	return out
}

// Set is jar.set(url, name, value, [opts]).
func (j *CookieJar) Set(call sobek.FunctionCall) sobek.Value {
	rt := j.rt
	u := j.parseURL(call.Argument(0).String())
	c := &http.Cookie{Name: call.Argument(1).String(), Value: call.Argument(2).String()}
	if o, ok := call.Argument(3).(*sobek.Object); ok && !isNullish(call.Argument(3)) {
		for _, k := range o.Keys() {
			v := o.Get(k)
			switch strings.ToLower(k) {
			case "domain":
				c.Domain = v.String()
			case "path":
				c.Path = v.String()
			case "expires":
				t, err := time.Parse(time.RFC1123, v.String())
				if err != nil {
					throwGo(rt, fmt.Errorf("unable to parse \"expires\" date string \"%s\": %w", v.String(), err))
				}
				c.Expires = t
			case "max_age":
				c.MaxAge = int(v.ToInteger())
			case "secure":
				c.Secure = v.ToBoolean()
			case "http_only":
				c.HttpOnly = v.ToBoolean()
			}
		}
	}
	j.jar.SetCookies(u, []*http.Cookie{c})
	return rt.ToValue(true)
}

// Clear is jar.clear(url): the cookies visible for url expire.
func (j *CookieJar) Clear(s string) {
	u := j.parseURL(s)
	var gone []*http.Cookie
	for _, c := range j.jar.Cookies(u) {
		gone = append(gone, &http.Cookie{Name: c.Name, Value: c.Value, MaxAge: -1})
	}
	j.jar.SetCookies(u, gone)
}

// Delete is jar.delete(url, name).
func (j *CookieJar) Delete(s, name string) {
	if name == "" {
		throwGo(j.rt, errors.New("cookie: is null"))
	}
	u := j.parseURL(s)
	j.jar.SetCookies(u, []*http.Cookie{{Name: name, MaxAge: -1}})
}
