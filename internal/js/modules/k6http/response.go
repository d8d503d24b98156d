package k6http

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/grafana/sobek"
	"github.com/tidwall/gjson"
)

// Response is k6's Response object. Scripts see its fields by their js
// names; body is filled on the VU goroutine (toJS).
type Response struct {
	Status         int                      `js:"status"`
	StatusText     string                   `js:"status_text"`
	Proto          string                   `js:"proto"`
	Headers        map[string]string        `js:"headers"`
	Cookies        map[string][]*HTTPCookie `js:"cookies"`
	Body           any                      `js:"body"`
	URL            string                   `js:"url"`
	RemoteIP       string                   `js:"remote_ip"`
	RemotePort     int                      `js:"remote_port"`
	Timings        Timings                  `js:"timings"`
	TLSVersion     string                   `js:"tls_version"`
	TLSCipherSuite string                   `js:"tls_cipher_suite"`
	OCSP           OCSP                     `js:"ocsp"`
	Error          string                   `js:"error"`
	ErrorCode      int                      `js:"error_code"`
	Request        Request                  `js:"request"`
	rt             *sobek.Runtime           `js:"-"`
	raw            []byte                   `js:"-"`
	hasBody        bool                     `js:"-"`
	respType       responseType             `js:"-"`
	parsed         sobek.Value              `js:"-"`
}

// Timings are a hop's timings in ms.
type Timings struct {
	Duration       float64 `js:"duration"`
	Blocked        float64 `js:"blocked"`
	LookingUp      float64 `js:"looking_up"`
	Connecting     float64 `js:"connecting"`
	TLSHandshaking float64 `js:"tls_handshaking"`
	Sending        float64 `js:"sending"`
	Waiting        float64 `js:"waiting"`
	Receiving      float64 `js:"receiving"`
}

// OCSP is the stapled OCSP response's summary (not parsed: status
// "unknown" over TLS, all empty over plain HTTP).
type OCSP struct {
	ProducedAt       int64  `js:"produced_at"`
	ThisUpdate       int64  `js:"this_update"`
	NextUpdate       int64  `js:"next_update"`
	RevokedAt        int64  `js:"revoked_at"`
	RevocationReason string `js:"revocation_reason"`
	Status           string `js:"status"`
}

// Request describes the original request.
type Request struct {
	Method  string                      `js:"method"`
	URL     string                      `js:"url"`
	Headers map[string][]string         `js:"headers"`
	Body    string                      `js:"body"`
	Cookies map[string][]*RequestCookie `js:"cookies"`
	// digest is the Authorization answering a digest challenge.
	digest string
}

// RequestCookie is a cookie the request sent.
type RequestCookie struct {
	Name    string `js:"name"`
	Value   string `js:"value"`
	Replace bool   `js:"replace"`
}

// HTTPCookie is a cookie a response set.
type HTTPCookie struct {
	Name     string `js:"name"`
	Value    string `js:"value"`
	Domain   string `js:"domain"`
	Path     string `js:"path"`
	HTTPOnly bool   `js:"http_only"`
	Secure   bool   `js:"secure"`
	MaxAge   int    `js:"max_age"`
	Expires  int64  `js:"expires"`
}

// toJS fills the body on the VU goroutine and returns the JS object.
func (r *Response) toJS(rt *sobek.Runtime) sobek.Value {
	r.rt = rt
	switch {
	case !r.hasBody || r.respType == respNone:
		r.Body = nil
	case r.respType == respBinary:
		r.Body = rt.NewArrayBuffer(r.raw)
	default:
		r.Body = string(r.raw)
	}
	return rt.ToValue(r)
}

// JSON is res.json([selector]).
func (r *Response) JSON(call sobek.FunctionCall) sobek.Value {
	rt := r.rt
	if !r.hasBody || r.respType == respNone {
		throwGo(rt, errors.New("the body is null so we can't transform it to JSON - this likely was because of a request error getting the response"))
	}
	if sel := call.Argument(0); !isNullish(sel) {
		if !gjson.ValidBytes(r.raw) {
			return sobek.Undefined()
		}
		res := gjson.GetBytes(r.raw, sel.String())
		if !res.Exists() {
			return sobek.Undefined()
		}
		return rt.ToValue(res.Value())
	}
	if r.parsed != nil {
		return r.parsed
	}
	// JSON.parse keeps the key order; Go's decoder words the error as k6.
	parse, _ := sobek.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	v, err := parse(sobek.Undefined(), rt.ToValue(string(r.raw)))
	if err != nil {
		var x any
		jerr := json.Unmarshal(r.raw, &x)
		if jerr == nil {
			jerr = err
		}
		throwGo(rt, jsonError(r.raw, jerr))
	}
	r.parsed = v
	return r.parsed
}

// jsonError words a JSON error as k6 does, with the 1-based line and
// character of the failing byte.
func jsonError(b []byte, err error) error {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if len(b) == 0 {
		return fmt.Errorf("cannot parse json due to an error at line 1, character 0 , error: %w", err)
	}
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line := 1 + strings.Count(string(b[:off]), "\n")
	col := int(off)
	if i := strings.LastIndexByte(string(b[:off]), '\n'); i >= 0 {
		col = int(off) - i - 1
	}
	return fmt.Errorf("cannot parse json due to an error at line %d, character %d , error: %w", line, col, err)
}

// HTML is res.html(): k6/html is not part of llmbench.
func (r *Response) HTML(sobek.FunctionCall) sobek.Value {
	throwGo(r.rt, errors.New("res.html() needs k6/html, which llmbench does not support; parse res.body yourself"))
	return nil
}

// SubmitForm is res.submitForm(): it needs k6/html.
func (r *Response) SubmitForm(sobek.FunctionCall) sobek.Value {
	throwGo(r.rt, errors.New("res.submitForm() needs k6/html, which llmbench does not support"))
	return nil
}

// ClickLink is res.clickLink(): it needs k6/html.
func (r *Response) ClickLink(sobek.FunctionCall) sobek.Value {
	throwGo(r.rt, errors.New("res.clickLink() needs k6/html, which llmbench does not support"))
	return nil
}
