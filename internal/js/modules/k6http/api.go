package k6http

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
)

var errInit = errors.New("Making http requests in the init context is not supported")

// request(method, url, [body], [params]).
func (i *instance) request(call sobek.FunctionCall) sobek.Value {
	return i.do(call.Argument(0).String(), call.Argument(1), call.Argument(2), call.Argument(3))
}

// method returns get/head (url, params) or post/put/… (url, body, params).
func (i *instance) method(m string, withBody bool) func(sobek.FunctionCall) sobek.Value {
	if withBody {
		return func(call sobek.FunctionCall) sobek.Value {
			return i.do(m, call.Argument(0), call.Argument(1), call.Argument(2))
		}
	}
	name := strings.ToLower(m)
	return func(call sobek.FunctionCall) sobek.Value {
		if n := len(call.Arguments); n > 2 {
			if st := i.vu.State(); st != nil && st.Logger != nil {
				st.Logger.Warn(fmt.Sprintf("http.%s only accepts a url and a params argument (2 arguments), but %d were given", name, n))
			}
		}
		return i.do(m, call.Argument(0), sobek.Undefined(), call.Argument(1))
	}
}

func (i *instance) state() *modules.State {
	st := i.vu.State()
	if st == nil {
		throwGo(i.vu.Runtime(), errInit)
	}
	return st
}

// do runs one request synchronously on the VU goroutine.
func (i *instance) do(method string, u, body, params sobek.Value) sobek.Value {
	rt := i.vu.Runtime()
	st := i.state()
	r, err := i.parseRequest(st, method, u, body, params)
	if err != nil {
		return i.parseFailure(st, r, err).toJS(rt)
	}
	res, err := i.syncSender(st).send(r)
	if err != nil {
		i.requestFailed(st, r, err)
	}
	return res.toJS(rt)
}

// parseFailure is k6's answer to bad arguments: thrown when the global
// throw option is on, else a warning and a Response with status 0 and the
// error; no metrics.
func (i *instance) parseFailure(st *modules.State, r *request, err error) *Response {
	if st.Net.Options().Throw {
		throwGo(i.vu.Runtime(), err)
	}
	if st.Logger != nil {
		st.Logger.Warn("Request Failed", "error", err.Error())
	}
	code := 0
	var pe *parseError
	if errors.As(err, &pe) {
		code = pe.code
	}
	res := &Response{Error: err.Error(), ErrorCode: code, URL: r.rawURL, req: r}
	return res
}

// requestFailed throws a send error when throw is on (or always, for a
// 101), else logs "Request Failed" unless the VU is stopping.
func (i *instance) requestFailed(st *modules.State, r *request, err error) {
	var ta *throwAlways
	if r.throw || errors.As(err, &ta) {
		if errors.As(err, &ta) {
			err = ta.error
		}
		throwGo(i.vu.Runtime(), err)
	}
	if i.vu.Context().Err() == nil && st.Logger != nil {
		st.Logger.Warn("Request Failed", "error", err.Error())
	}
}

// asyncRequest(method, url, [body], [params]) → Promise<Response>.
func (i *instance) asyncRequest(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	st := i.state()
	promise, resolve, reject := rt.NewPromise()
	r, err := i.parseRequest(st, call.Argument(0).String(), call.Argument(1), call.Argument(2), call.Argument(3))
	if err != nil {
		if st.Net.Options().Throw {
			_ = reject(rt.NewGoError(err))
		} else {
			_ = resolve(i.parseFailure(st, r, err).toJS(rt))
		}
		return rt.ToValue(promise)
	}
	s := i.sender(st)
	done := i.vu.RegisterCallback()
	go func() {
		res, err := s.send(r)
		done(func() error {
			if err != nil {
				var ta *throwAlways
				if r.throw || errors.As(err, &ta) {
					if errors.As(err, &ta) {
						err = ta.error
					}
					return reject(rt.NewGoError(err))
				}
				if i.vu.Context().Err() == nil && st.Logger != nil {
					st.Logger.Warn("Request Failed", "error", err.Error())
				}
			}
			return resolve(res.toJS(rt))
		})
	}()
	return rt.ToValue(promise)
}

// batch(requests): an array or an object of requests, sent in parallel
// (batch workers, at most batchPerHost per host); the result has the same
// shape.
func (i *instance) batch(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	st := i.vu.State()
	if st == nil {
		throwGo(rt, errors.New("Using batch in the init context is not supported"))
	}
	arg := call.Argument(0)
	if isNullish(arg) {
		throwGo(rt, errors.New("no argument was provided to http.batch()"))
	}
	obj, ok := arg.(*sobek.Object)
	if !ok {
		throwGo(rt, fmt.Errorf("invalid http.batch() argument type %T", arg.Export()))
	}
	isArray := obj.ClassName() == "Array"
	if !isArray && obj.ClassName() != "Object" {
		throwGo(rt, errors.New("http.batch() accepts only an array or an object of requests"))
	}
	keys := obj.Keys()
	reqs := make([]*request, len(keys))
	var parseErr error
	failedAt := -1
	for n, k := range keys {
		r, err := i.parseBatchItem(st, k, obj.Get(k))
		if err != nil {
			parseErr, failedAt = err, n
			reqs[n] = r
			break
		}
		reqs[n] = r
	}
	results := make([]*Response, len(keys))
	var errs []error
	if parseErr != nil {
		if st.Net.Options().Throw {
			throwGo(rt, parseErr)
		}
		if st.Logger != nil {
			st.Logger.Warn("A batch request failed", "error", parseErr.Error())
		}
		r := reqs[failedAt]
		if r == nil {
			r = &request{}
		}
		results[failedAt] = i.parseFailure(st, r, parseErr)
	} else {
		errs = i.sendBatch(st, reqs, results)
	}
	var out *sobek.Object
	if isArray {
		vals := make([]any, len(keys))
		for n := range keys {
			if results[n] == nil {
				vals[n] = sobek.Null()
			} else {
				vals[n] = results[n].toJS(rt)
			}
		}
		out = rt.NewArray(vals...)
	} else {
		out = rt.NewObject()
		for n, k := range keys {
			if results[n] == nil {
				_ = out.Set(k, sobek.Null())
			} else {
				_ = out.Set(k, results[n].toJS(rt))
			}
		}
	}
	for n, err := range errs {
		if err != nil {
			i.requestFailed(st, reqs[n], err)
		}
	}
	return out
}

// parseBatchItem reads one batch item: a URL string, [method, url, body?,
// params?] or {method?, url, body?, params?}.
func (i *instance) parseBatchItem(st *modules.State, key string, v sobek.Value) (*request, error) {
	rt := i.vu.Runtime()
	switch x := v.Export().(type) {
	case string:
		return i.parseRequest(st, "GET", v, sobek.Undefined(), sobek.Undefined())
	case *URL:
		return i.parseRequest(st, "GET", v, sobek.Undefined(), sobek.Undefined())
	case []any:
		o := v.ToObject(rt)
		if len(x) < 2 {
			return nil, fmt.Errorf("invalid batch request '%v'", x)
		}
		m, ok := o.Get("0").Export().(string)
		if !ok {
			return nil, fmt.Errorf("invalid method type '%v'", o.Get("0").Export())
		}
		return i.parseRequest(st, m, o.Get("1"), o.Get("2"), o.Get("3"))
	case map[string]any:
		o := v.ToObject(rt)
		u := o.Get("url")
		if u == nil {
			return nil, fmt.Errorf("batch request %s doesn't have a url key", key)
		}
		m := "GET"
		if mv := o.Get("method"); !isNullish(mv) {
			s, ok := mv.Export().(string)
			if !ok {
				return nil, fmt.Errorf("invalid method type '%v'", mv.Export())
			}
			m = strings.ToUpper(s)
		}
		body := o.Get("body")
		if m == "GET" || m == "HEAD" {
			body = sobek.Undefined()
		}
		return i.parseRequest(st, m, u, body, o.Get("params"))
	default:
		return nil, fmt.Errorf("invalid batch request '%v'", x)
	}
}

// sendBatch sends reqs with min(n, batch) workers and at most batchPerHost
// in flight per host:port, filling results; it returns each request's
// send error.
func (i *instance) sendBatch(st *modules.State, reqs []*request, results []*Response) []error {
	s := i.sender(st)
	opts := st.Net.Options()
	workers := opts.Batch
	if workers <= 0 || workers > len(reqs) {
		workers = len(reqs)
	}
	var hostMu sync.Mutex
	perHost := map[string]chan struct{}{}
	slot := func(u *url.URL) chan struct{} {
		if opts.BatchPerHost <= 0 {
			return nil
		}
		hostMu.Lock()
		defer hostMu.Unlock()
		c := perHost[u.Host]
		if c == nil {
			c = make(chan struct{}, opts.BatchPerHost)
			perHost[u.Host] = c
		}
		return c
	}
	errs := make([]error, len(reqs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				c := slot(reqs[n].url)
				if c != nil {
					c <- struct{}{}
				}
				results[n], errs[n] = s.send(reqs[n])
				if c != nil {
					<-c
				}
			}
		}()
	}
	for n := range reqs {
		next <- n
	}
	close(next)
	wg.Wait()
	return errs
}
