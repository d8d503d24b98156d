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

// Exports implements modules.Instance.
func (i *instance) Exports() modules.Exports {
	named := map[string]any{
		"request":                            i.request,
		"get":                                i.method("GET", false),
		"head":                               i.method("HEAD", false),
		"post":                               i.method("POST", true),
		"put":                                i.method("PUT", true),
		"patch":                              i.method("PATCH", true),
		"del":                                i.method("DELETE", true),
		"options":                            i.method("OPTIONS", true),
		"asyncRequest":                       i.asyncRequest,
		"batch":                              i.batch,
		"setResponseCallback":                i.setResponseCallback,
		"expectedStatuses":                   i.expectedStatuses,
		"url":                                i.url,
		"file":                               i.file,
		"cookieJar":                          i.cookieJar,
		"CookieJar":                          i.newCookieJar,
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
	return modules.Exports{Named: named}
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
