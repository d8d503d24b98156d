package k6http

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/netx"
)

// responseType is params.responseType.
type responseType int

const (
	respText responseType = iota
	respBinary
	respNone
)

// paramCookie is one params.cookies entry.
type paramCookie struct {
	name, value string
	replace     bool
}

// request is one request after its arguments were read on the VU
// goroutine; sending it needs no runtime.
type request struct {
	method string
	url    *url.URL
	// urlString is url.String().
	urlString string
	// rawURL is the URL as the script gave it (error responses).
	rawURL string
	// name is the name/url tag from params.tags.name or an http.url
	// template with substitutions ("" = the URL).
	name string

	body        []byte // sent (compressed when asked)
	hasBody     bool
	plainBody   string // request.body in the Response: the uncompressed body
	contentType string // set by the body's encoding (form, multipart)
	headers     http.Header
	host        string // params.headers.Host

	tags         map[string]string
	timeout      time.Duration
	respType     responseType
	redirects    int
	redirectsSet bool
	cookies      []paramCookie
	jar          http.CookieJar
	auth         string
	callback     *expectedStatuses
	throw        bool
}

// replaces reports whether params.cookies replaces the jar's cookie name.
func (r *request) replaces(name string) bool {
	for _, c := range r.cookies {
		if c.replace && c.name == name {
			return true
		}
	}
	return false
}

// errParse marks errors found while reading a request's arguments: k6
// returns them as a Response with error_code 1020 (URL) or 0, emitting no
// metrics.
type parseError struct {
	code int
	err  error
}

func (e *parseError) Error() string { return e.err.Error() }
func (e *parseError) Unwrap() error { return e.err }

// parseRequest reads method, url, body and params. st is the VU state
// (non-nil outside init).
func (i *instance) parseRequest(st *modules.State, method string, u, body, params sobek.Value) (*request, error) {
	rt := i.vu.Runtime()
	opts := st.Net.Options()
	r := &request{
		method:    method,
		timeout:   60 * time.Second,
		redirects: opts.MaxRedirects,
		callback:  i.callback,
		throw:     opts.Throw,
	}
	if opts.MaxRedirectsSet {
		r.redirectsSet = true
	}
	if opts.DiscardResponseBodies {
		r.respType = respNone
	}
	if err := r.setURL(u, i); err != nil {
		return r, err
	}
	if err := i.setBody(r, body); err != nil {
		return r, &parseError{err: err}
	}
	if isNullish(params) {
		return r, nil
	}
	po, ok := params.(*sobek.Object)
	if !ok {
		return r, nil
	}
	for _, k := range po.Keys() {
		v := po.Get(k)
		if err := i.setParam(rt, r, k, v); err != nil {
			return r, &parseError{err: err}
		}
	}
	return r, nil
}

// setURL reads the URL argument, reusing c's last parse of the same string.
func (r *request) setURL(v sobek.Value, c *instance) error {
	var s string
	switch x := v.Export().(type) {
	case string:
		s = x
	case *URL:
		s = x.URL
		if x.Name != x.CleanURL || x.subst {
			r.name = x.Name
		}
	default:
		r.rawURL = fmt.Sprint(x)
		return &parseError{code: 1020, err: fmt.Errorf("invalid URL: '#%v'", x)}
	}
	r.rawURL = s
	if c.lastURL.u != nil && c.lastURL.raw == s {
		r.url, r.urlString = c.lastURL.u, c.lastURL.str
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return &parseError{code: 1020, err: fmt.Errorf("invalid URL: %w", err)}
	}
	r.url, r.urlString = u, u.String()
	c.lastURL.raw, c.lastURL.str, c.lastURL.u = s, r.urlString, u
	return nil
}

func (i *instance) setParam(rt *sobek.Runtime, r *request, k string, v sobek.Value) error {
	switch k {
	case "headers":
		if isNullish(v) {
			return nil
		}
		ho := v.ToObject(rt)
		for _, name := range ho.Keys() {
			hv := ho.Get(name)
			val := hv.String()
			if arr, ok := hv.Export().([]any); ok {
				parts := make([]string, len(arr))
				for j, p := range arr {
					parts[j] = fmt.Sprint(p)
				}
				val = strings.Join(parts, ",")
			}
			if strings.EqualFold(name, "Host") {
				r.host = val
				continue
			}
			if r.headers == nil {
				r.headers = http.Header{}
			}
			r.headers.Set(name, val)
		}
	case "tags":
		if isNullish(v) {
			return nil
		}
		t, err := modules.UserTags(rt, v)
		if err != nil {
			var name string
			o := v.ToObject(rt)
			for _, tk := range o.Keys() {
				if _, e := modules.TagValue(o.Get(tk)); e != nil {
					name = tk
					break
				}
			}
			return fmt.Errorf("invalid HTTP request metric tags: invalid value for metric tag '%s': %w", name, err)
		}
		r.tags = t
		if n, ok := t["name"]; ok {
			r.name = n
		}
	case "timeout":
		if isNullish(v) {
			return nil
		}
		d, err := parseTimeout(v)
		if err != nil {
			return fmt.Errorf("invalid timeout value: %w", err)
		}
		r.timeout = d
	case "responseType":
		if isNullish(v) {
			return nil
		}
		switch s := v.String(); s {
		case "text":
			r.respType = respText
		case "binary":
			r.respType = respBinary
		case "none":
			r.respType = respNone
		default:
			return fmt.Errorf("%s does not belong to ResponseType values", s)
		}
	case "redirects":
		if isNullish(v) {
			return nil
		}
		r.redirects = int(v.ToInteger())
		r.redirectsSet = true
	case "cookies":
		if isNullish(v) {
			return nil
		}
		co := v.ToObject(rt)
		for _, name := range co.Keys() {
			cv := co.Get(name)
			if isNullish(cv) {
				continue
			}
			pc := paramCookie{name: name}
			if o, ok := cv.(*sobek.Object); ok && cv.ExportType() != nil && cv.ExportType().Kind().String() == "map" {
				for _, ak := range o.Keys() {
					switch strings.ToLower(ak) {
					case "value":
						pc.value = o.Get(ak).String()
					case "replace":
						pc.replace = o.Get(ak).ToBoolean()
					}
				}
			} else {
				pc.value = cv.String()
			}
			r.cookies = append(r.cookies, pc)
		}
	case "jar":
		if j, ok := v.Export().(*CookieJar); ok {
			r.jar = j.jar
		}
	case "auth":
		if !isNullish(v) {
			r.auth = v.String()
		}
	case "compression":
		if isNullish(v) {
			return nil
		}
		return r.compress(v.String())
	case "responseCallback":
		if isNullish(v) {
			r.callback = nil
			return nil
		}
		cb, ok := v.Export().(*expectedStatuses)
		if !ok {
			return errors.New("unsupported responseCallback")
		}
		r.callback = cb
	case "throw":
		r.throw = v.ToBoolean()
	}
	return nil
}

// parseTimeout reads k6's timeout: a number of ms, or a duration string
// (a bare number is ms; Go syntax plus days).
func parseTimeout(v sobek.Value) (time.Duration, error) {
	switch x := v.Export().(type) {
	case int64:
		return time.Duration(x) * time.Millisecond, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("%v is not a valid duration", x)
		}
		return time.Duration(x * float64(time.Millisecond)), nil
	case string:
		return parseDuration(x)
	}
	return 0, fmt.Errorf("%v is not a number or a duration string", v)
}

// parseDuration reads a k6 duration string: a bare number is ms, else Go's
// syntax with an optional leading days part ("1d2h").
func parseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Duration(f * float64(time.Millisecond)), nil
	}
	neg := strings.HasPrefix(s, "-")
	rest := strings.TrimPrefix(s, "-")
	var days time.Duration
	if d, after, ok := strings.Cut(rest, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil {
			return 0, fmt.Errorf("time: invalid duration %q", s)
		}
		days = time.Duration(n * float64(24*time.Hour))
		rest = after
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil {
			return 0, fmt.Errorf("time: invalid duration %q", s)
		}
	}
	d += days
	if neg {
		d = -d
	}
	return d, nil
}

// userAgent is the User-Agent to send ("" for none).
func userAgent(o *netx.Options) string { return o.UserAgent }
