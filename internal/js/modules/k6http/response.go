package k6http

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/grafana/sobek"
	"github.com/tidwall/gjson"
)

// Response is the Go side of k6's Response object. Scripts see it through
// jsResponse, which converts each field when it is first read.
type Response struct {
	Status     int
	StatusText string
	Proto      string
	URL        string
	// remote is the final connection's peer (nil when none was made).
	remote         *net.TCPAddr
	Timings        Timings
	TLSVersion     string
	TLSCipherSuite string
	OCSP           OCSP
	Error          string
	ErrorCode      int

	header   http.Header // nil on a transport error
	raw      []byte
	hasBody  bool
	respType responseType
	// req, ua and jarCookies describe the original request (res.request);
	// digest answers a digest challenge.
	req        *request
	ua         string
	jarCookies []*http.Cookie
	digest     string
	// js is the script's view (see toJS), allocated with the Response.
	js jsResponse
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

// toJS returns the JS Response object; call it on the VU goroutine.
func (r *Response) toJS(rt *sobek.Runtime) sobek.Value {
	r.js = jsResponse{rt: rt, r: r}
	return rt.NewDynamicObject(&r.js)
}

// body is the JS body: a string, an ArrayBuffer or null.
func (j *jsResponse) body() sobek.Value {
	r := j.r
	switch {
	case !r.hasBody || r.respType == respNone:
		return sobek.Null()
	case r.respType == respBinary:
		return j.rt.ToValue(j.rt.NewArrayBuffer(r.raw))
	}
	return j.rt.ToValue(string(r.raw))
}

// json is res.json([selector]).
func (j *jsResponse) json(call sobek.FunctionCall) sobek.Value {
	rt, r := j.rt, j.r
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
	if j.parsed != nil {
		return j.parsed
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
	j.parsed = v
	return v
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

// html, submitForm and clickLink need k6/html.
func (j *jsResponse) html(sobek.FunctionCall) sobek.Value {
	throwGo(j.rt, errors.New("res.html() needs k6/html, which llmbench does not support; parse res.body yourself"))
	return nil
}

func (j *jsResponse) submitForm(sobek.FunctionCall) sobek.Value {
	throwGo(j.rt, errors.New("res.submitForm() needs k6/html, which llmbench does not support"))
	return nil
}

func (j *jsResponse) clickLink(sobek.FunctionCall) sobek.Value {
	throwGo(j.rt, errors.New("res.clickLink() needs k6/html, which llmbench does not support"))
	return nil
}
