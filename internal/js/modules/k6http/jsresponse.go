package k6http

import (
	"net/http"
	"slices"
	"strings"

	"github.com/grafana/sobek"
)

// responseKeys are the Response object's data properties, in k6's order.
var responseKeys = []string{"status", "status_text", "proto", "headers", "cookies", "body", "url", "remote_ip",
	"remote_port", "timings", "tls_version", "tls_cipher_suite", "ocsp", "error", "error_code", "request"}

// responseMethods are its methods.
var responseMethods = []string{"json", "html", "submitForm", "clickLink"}

// jsResponse is the sobek.DynamicObject behind a Response: a request costs
// one small object however many fields the Response has, and each field is
// converted when a script first reads it (headers, cookies, timings and
// request are built then and cached, so res.headers === res.headers).
// Scripts see plain data properties: enumerable in k6's order,
// JSON-encoded, assignable and deletable.
type jsResponse struct {
	rt     *sobek.Runtime
	r      *Response
	parsed sobek.Value // json()'s cached result
	// set holds what the script assigned or what was built lazily;
	// deleted what it deleted; extra the keys it added, in order.
	set     map[string]sobek.Value
	deleted map[string]bool
	extra   []string
}

func isResponseKey(k string) bool {
	return slices.Contains(responseKeys, k) || slices.Contains(responseMethods, k)
}

// build converts one property.
func (j *jsResponse) build(k string) sobek.Value {
	rt, r := j.rt, j.r
	switch k {
	case "status":
		return rt.ToValue(r.Status)
	case "status_text":
		return rt.ToValue(r.StatusText)
	case "proto":
		return rt.ToValue(r.Proto)
	case "url":
		return rt.ToValue(r.URL)
	case "remote_ip":
		if r.remote == nil {
			return rt.ToValue("")
		}
		return rt.ToValue(r.remote.IP.String())
	case "remote_port":
		if r.remote == nil {
			return rt.ToValue(0)
		}
		return rt.ToValue(r.remote.Port)
	case "tls_version":
		return rt.ToValue(r.TLSVersion)
	case "tls_cipher_suite":
		return rt.ToValue(r.TLSCipherSuite)
	case "error":
		return rt.ToValue(r.Error)
	case "error_code":
		return rt.ToValue(r.ErrorCode)
	case "body":
		return j.body()
	case "headers":
		o := rt.NewObject()
		for name, v := range r.header {
			_ = o.Set(name, strings.Join(v, ", "))
		}
		return o
	case "cookies":
		o := rt.NewObject()
		if r.header != nil {
			got := map[string][]any{}
			var order []string
			for _, c := range (&http.Response{Header: r.header}).Cookies() {
				if _, seen := got[c.Name]; !seen {
					order = append(order, c.Name)
				}
				got[c.Name] = append(got[c.Name], rt.ToValue(httpCookie(c)))
			}
			for _, n := range order {
				_ = o.Set(n, rt.NewArray(got[n]...))
			}
		}
		return o
	case "timings":
		t := r.Timings
		o := rt.NewObject()
		for _, kv := range []struct {
			k string
			v float64
		}{{"duration", t.Duration}, {"blocked", t.Blocked}, {"looking_up", t.LookingUp}, {"connecting", t.Connecting},
			{"tls_handshaking", t.TLSHandshaking}, {"sending", t.Sending}, {"waiting", t.Waiting}, {"receiving", t.Receiving}} {
			_ = o.Set(kv.k, kv.v)
		}
		return o
	case "ocsp":
		return rt.ToValue(r.OCSP)
	case "request":
		if r.req == nil {
			return rt.ToValue(Request{Headers: map[string][]string{}, Cookies: map[string][]*RequestCookie{}})
		}
		return rt.ToValue(r.request())
	case "json":
		return rt.ToValue(j.json)
	case "html":
		return rt.ToValue(j.html)
	case "submitForm":
		return rt.ToValue(j.submitForm)
	case "clickLink":
		return rt.ToValue(j.clickLink)
	}
	return nil
}

// Get implements sobek.DynamicObject.
func (j *jsResponse) Get(k string) sobek.Value {
	if v, ok := j.set[k]; ok {
		return v
	}
	if j.deleted[k] || !isResponseKey(k) {
		return nil
	}
	v := j.build(k)
	switch k {
	case "headers", "cookies", "timings", "ocsp", "request", "json", "html", "submitForm", "clickLink", "body":
		j.cache(k, v) // objects keep their identity; body is converted once
	}
	return v
}

func (j *jsResponse) cache(k string, v sobek.Value) {
	if j.set == nil {
		j.set = map[string]sobek.Value{}
	}
	j.set[k] = v
}

// Set implements sobek.DynamicObject.
func (j *jsResponse) Set(k string, v sobek.Value) bool {
	if !isResponseKey(k) {
		if _, had := j.set[k]; !had {
			j.extra = append(j.extra, k)
		}
	}
	j.cache(k, v)
	delete(j.deleted, k)
	return true
}

// Has implements sobek.DynamicObject.
func (j *jsResponse) Has(k string) bool {
	if _, ok := j.set[k]; ok {
		return true
	}
	return !j.deleted[k] && isResponseKey(k)
}

// Delete implements sobek.DynamicObject.
func (j *jsResponse) Delete(k string) bool {
	if !j.Has(k) {
		return true
	}
	delete(j.set, k)
	if i := slices.Index(j.extra, k); i >= 0 {
		j.extra = slices.Delete(j.extra, i, i+1)
		return true
	}
	if j.deleted == nil {
		j.deleted = map[string]bool{}
	}
	j.deleted[k] = true
	return true
}

// Keys implements sobek.DynamicObject: the data properties (methods are
// not enumerable, so JSON.stringify(res) gives the data).
func (j *jsResponse) Keys() []string {
	keys := make([]string, 0, len(responseKeys)+len(j.extra))
	for _, k := range responseKeys {
		if !j.deleted[k] {
			keys = append(keys, k)
		}
	}
	return append(keys, j.extra...)
}
