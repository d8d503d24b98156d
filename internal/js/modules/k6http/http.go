// Package k6http is the "k6/http" built-in module: k6's HTTP client API
// (request, get … del, asyncRequest, batch, cookie jars, expectedStatuses,
// the http.url template, file() and multipart bodies) with k6's metrics,
// tags, error codes and options (../shared/reference/k6-http.md, k6
// v1.8.1).
//
// Requests go through the VU's network handle (modules.State.Net, package
// internal/netx): its transport, dialer, TLS configuration and cookie jar
// are shared with k6/x/llm and k6/x/sse, and the engine counts its wire
// bytes for data_sent and data_received. Redirects are followed here, hop by
// hop, so that every hop is traced and measured as k6 measures it.
package k6http

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"sync"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
)

// Module is the "k6/http" module.
type Module struct{}

// New returns the "k6/http" module.
func New() *Module { return &Module{} }

// NewInstance registers the http_req_* metrics (idempotent) and builds one
// VU's functions.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	i := &instance{vu: v, callback: defaultCallback}
	if env := v.InitEnv(); env != nil && env.Registry != nil {
		m, err := registerMetrics(env.Registry)
		if err != nil {
			return nil, fmt.Errorf("k6/http: registering metrics: %w", err)
		}
		i.m = m
	}
	return i, nil
}

type instance struct {
	vu modules.VU
	m  *httpMetrics
	// callback is the response callback set by setResponseCallback; nil
	// turns http_req_failed and the expected_response tag off.
	callback *expectedStatuses
	tags     tagSetCache
	ua       []string // see userAgent
	sync     sender   // see syncSender
	own      syncState
	// lastURL is the last URL string parsed, with its parse and String()
	// (read on the VU goroutine): scripts repeat their URLs, and a parsed
	// URL is never modified.
	lastURL struct {
		raw, str string
		u        *url.URL
	}
}

// Exports implements modules.Instance: k6/http's 34 exports, each made
// when the script first reads it (modules.Exports.Lookup).
func (i *instance) Exports() modules.Exports {
	return modules.Exports{Names: exportNames, Lookup: i.export}
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string { return exportNames }

// constants are k6/http's string constants.
var constants = map[string]string{
	"TLS_1_0":                            "tls1.0",
	"TLS_1_1":                            "tls1.1",
	"TLS_1_2":                            "tls1.2",
	"TLS_1_3":                            "tls1.3",
	"OCSP_STATUS_GOOD":                   "good",
	"OCSP_STATUS_REVOKED":                "revoked",
	"OCSP_STATUS_SERVER_FAILED":          "server_failed",
	"OCSP_STATUS_UNKNOWN":                "unknown",
	"OCSP_REASON_UNSPECIFIED":            "unspecified",
	"OCSP_REASON_KEY_COMPROMISE":         "key_compromise",
	"OCSP_REASON_CA_COMPROMISE":          "ca_compromise",
	"OCSP_REASON_AFFILIATION_CHANGED":    "affiliation_changed",
	"OCSP_REASON_SUPERSEDED":             "superseded",
	"OCSP_REASON_CESSATION_OF_OPERATION": "cessation_of_operation",
	"OCSP_REASON_CERTIFICATE_HOLD":       "certificate_hold",
	"OCSP_REASON_REMOVE_FROM_CRL":        "remove_from_crl",
	"OCSP_REASON_PRIVILEGE_WITHDRAWN":    "privilege_withdrawn",
	"OCSP_REASON_AA_COMPROMISE":          "aa_compromise",
}

// functions are k6/http's functions, by name.
var functions = map[string]func(i *instance) any{
	"request":             func(i *instance) any { return i.request },
	"get":                 func(i *instance) any { return i.method("GET", false) },
	"head":                func(i *instance) any { return i.method("HEAD", false) },
	"post":                func(i *instance) any { return i.method("POST", true) },
	"put":                 func(i *instance) any { return i.method("PUT", true) },
	"patch":               func(i *instance) any { return i.method("PATCH", true) },
	"del":                 func(i *instance) any { return i.method("DELETE", true) },
	"options":             func(i *instance) any { return i.method("OPTIONS", true) },
	"asyncRequest":        func(i *instance) any { return i.asyncRequest },
	"batch":               func(i *instance) any { return i.batch },
	"setResponseCallback": func(i *instance) any { return i.setResponseCallback },
	"expectedStatuses":    func(i *instance) any { return i.expectedStatuses },
	"url":                 func(i *instance) any { return i.url },
	"file":                func(i *instance) any { return i.file },
	"cookieJar":           func(i *instance) any { return i.cookieJar },
	"CookieJar":           func(i *instance) any { return i.newCookieJar },
}

// exportNames lists functions and constants, sorted.
var exportNames = func() []string {
	names := make([]string, 0, len(functions)+len(constants))
	for k := range functions {
		names = append(names, k)
	}
	for k := range constants {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}()

// export makes export name's value.
func (i *instance) export(name string) any {
	if f, ok := functions[name]; ok {
		return f(i)
	}
	return constants[name]
}

// httpMetrics are k6's HTTP metrics.
type httpMetrics struct {
	reqs, duration, blocked, connecting, tls, sending, waiting, receiving, failed *metrics.Metric
}

var metricsMu sync.Mutex

// registerMetrics creates (or finds) the http_req_* metrics in r.
func registerMetrics(r *metrics.Registry) (*httpMetrics, error) {
	metricsMu.Lock()
	defer metricsMu.Unlock()
	get := func(name string, t metrics.Type, vt ...metrics.ValueType) (*metrics.Metric, error) {
		if m := r.Get(name); m != nil {
			return m, nil
		}
		return r.NewMetric(name, t, vt...)
	}
	var errs []error
	mk := func(name string, t metrics.Type, vt ...metrics.ValueType) *metrics.Metric {
		m, err := get(name, t, vt...)
		errs = append(errs, err)
		return m
	}
	m := &httpMetrics{
		reqs:       mk("http_reqs", metrics.Counter),
		duration:   mk("http_req_duration", metrics.Trend, metrics.Time),
		blocked:    mk("http_req_blocked", metrics.Trend, metrics.Time),
		connecting: mk("http_req_connecting", metrics.Trend, metrics.Time),
		tls:        mk("http_req_tls_handshaking", metrics.Trend, metrics.Time),
		sending:    mk("http_req_sending", metrics.Trend, metrics.Time),
		waiting:    mk("http_req_waiting", metrics.Trend, metrics.Time),
		receiving:  mk("http_req_receiving", metrics.Trend, metrics.Time),
		failed:     mk("http_req_failed", metrics.Rate),
	}
	return m, errors.Join(errs...)
}

func (i *instance) metrics(st *modules.State) *httpMetrics {
	if i.m == nil {
		m, err := registerMetrics(st.Registry)
		if err != nil {
			panic(i.vu.Runtime().NewGoError(err))
		}
		i.m = m
	}
	return i.m
}

// throwGo throws err as a GoError, as k6 throws Go errors.
func throwGo(rt *sobek.Runtime, err error) {
	panic(rt.NewGoError(err))
}

func isNullish(v sobek.Value) bool { return v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) }
